"""A read-only mirror of the bus kept from events: the motion snapshot (Clone pattern) and every service's heartbeat."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import structlog

from bus import AsyncClient, BusError, Event, GapTracker, SERVICES

log = structlog.get_logger("api_gateway.mirror")
STALE_BEATS = 3  # a service is gone after this many heartbeat intervals without one
MIN_STALE_S = 1.5


class BusMirror:
    """Keeps `motion` (the last `motion.state` snapshot, positions applied) and the last heartbeat of each service.

    Events come in through `apply`; a gap or a restart of the motion publisher, or a motion daemon coming back,
    asks `keep_synced` for a fresh snapshot. Nothing here ever blocks an HTTP request.
    """

    def __init__(self, client: AsyncClient, tracker: GapTracker, *, snapshot_timeout: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.motion: dict[str, Any] | None = None
        self.beats: dict[str, tuple[float, dict[str, Any]]] = {}
        self._client = client
        self._tracker = tracker
        self._timeout = snapshot_timeout
        self._clock = clock
        self._synced = False
        self._resync = asyncio.Event()
        self._resync.set()

    def apply(self, event: Event) -> None:
        """Fold one bus event into the mirror."""
        if event.topic.endswith(".heartbeat"):
            self._beat(event)
        if event.source != "motion":
            return
        if event.missed or event.restarted:
            self._want_snapshot()
        if self.motion is None or not isinstance(event.data, dict):
            return
        if event.topic == "motion.state":
            self.motion = dict(event.data)
        elif event.topic == "motion.position" and isinstance(event.data.get("position"), dict):
            self.motion["position"] = event.data["position"]

    def alive(self, service: str) -> bool:
        """Whether `service` has sent a heartbeat recently."""
        beat = self.beats.get(service)
        if beat is None:
            return False
        interval = beat[1].get("interval_s", 0.5)
        interval = interval if isinstance(interval, (int, float)) else 0.5
        return self._clock() - beat[0] < max(STALE_BEATS * interval, MIN_STALE_S)

    def alive_flags(self) -> tuple[bool, ...]:
        """Whether each service (in SERVICES order) is alive: a cheap fingerprint of readiness."""
        return tuple(self.alive(service) for service in SERVICES)

    def motion_ready(self) -> bool:
        """Whether the motion daemon is alive and its snapshot says it is ready to move."""
        return self._synced and self.motion is not None and self.motion.get("ready") is True and self.alive("motion")

    def readiness(self) -> dict[str, dict[str, Any]]:
        """Per-daemon readiness for `/health`: alive, ready, and for motion its state and reason."""
        report: dict[str, dict[str, Any]] = {}
        for service in SERVICES:
            if service == "gateway":
                report[service] = {"alive": True, "ready": True}
                continue
            alive = self.alive(service)
            report[service] = {"alive": alive, "ready": alive}
        motion = self.motion or {}
        report["motion"].update(ready=self.motion_ready(), state=motion.get("state") if self._synced else None,
                                reason=motion.get("reason") if self._synced else "no snapshot of the motion state yet")
        return report

    async def keep_synced(self) -> None:
        """Fetch a `motion.state` snapshot whenever one is wanted; runs until cancelled."""
        while True:
            await self._resync.wait()
            self._resync.clear()
            try:
                snapshot = await self._client.call("motion.state", timeout=self._timeout, idempotent=True)
            except BusError as err:
                log.info("motion_snapshot_failed", code=err.code, reason=err.message)
                self._synced = False
                continue
            self._install(snapshot)

    def _install(self, snapshot: Any) -> None:
        if not isinstance(snapshot, dict):
            log.warning("motion_snapshot_malformed", got=type(snapshot).__name__)
            self._synced = False
            return
        seqs = snapshot.get("seq")
        if isinstance(seqs, dict):
            self._tracker.skip_through("motion", {str(k): int(v) for k, v in seqs.items() if isinstance(v, int)})
        self.motion = dict(snapshot)
        self._synced = True
        log.info("motion_snapshot", state=snapshot.get("state"), ready=snapshot.get("ready"))

    def _beat(self, event: Event) -> None:
        came_back = not self.alive(event.source)
        self.beats[event.source] = (self._clock(), event.data if isinstance(event.data, dict) else {})
        if event.source == "motion" and (came_back or not self._synced):
            self._want_snapshot()

    def _want_snapshot(self) -> None:
        self._resync.set()
