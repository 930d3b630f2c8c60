"""Following another service's state without polling: a snapshot, then its events, and a new snapshot on any gap.

This is the Clone pattern of `docs/bus.md`. The owner of the subscriber feeds every event to `apply`; `keep_synced`
fetches `<service>.state` when the follower has none, when events were missed, when the publisher restarted, or
when the service's heartbeat comes back after an absence. `UpdateSettingsView` applies it to the update daemon's
feature flags and robot name, which other daemons act on.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import structlog

from bus.aclient import AsyncClient
from bus.envelope import Event
from bus.errors import BusError
from bus.pubsub import GapTracker

log = structlog.get_logger("bus.follow")
ABSENT_S = 1.5  # a heartbeat after a silence this long means the service came back and may have changed


class Follower:
    """Keeps one service's state in step: `on_snapshot(state)` after each snapshot, `on_event(event)` after it."""

    def __init__(self, client: AsyncClient, tracker: GapTracker, service: str,
                 on_snapshot: Callable[[dict[str, Any]], None], on_event: Callable[[Event], None], *,
                 timeout: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.synced = asyncio.Event()
        self._client, self._tracker = client, tracker
        self._on_snapshot, self._on_event = on_snapshot, on_event
        self._timeout, self._clock = timeout, clock
        self._last_beat: float | None = None
        self._resync = asyncio.Event()
        self._resync.set()

    @property
    def wants_snapshot(self) -> bool:
        """True while a snapshot is due (events are not applied until it came)."""
        return self._resync.is_set() or not self.synced.is_set()

    def apply(self, event: Event) -> None:
        """Fold in one event (events of other services are ignored)."""
        if event.source != self.service:
            return
        if event.missed or event.restarted:
            self._want_snapshot()
        if event.topic == f"{self.service}.heartbeat":
            now = self._clock()
            absent = self._last_beat is None or now - self._last_beat > ABSENT_S
            if absent or not self.synced.is_set():  # also retries a snapshot that failed, at heartbeat pace
                self._want_snapshot()
            self._last_beat = now
        elif self.synced.is_set():
            self._on_event(event)

    async def keep_synced(self) -> None:
        """Fetch a snapshot whenever one is wanted; runs until cancelled."""
        while True:
            await self._resync.wait()
            self._resync.clear()
            try:
                state = await self._client.call(f"{self.service}.state", timeout=self._timeout, idempotent=True)
            except BusError as err:
                log.info("snapshot_failed", service=self.service, code=err.code)
                continue  # the next heartbeat asks again
            if not isinstance(state, dict):
                log.warning("snapshot_malformed", service=self.service, got=type(state).__name__)
                continue
            seqs = state.get("seq")
            if isinstance(seqs, dict):
                self._tracker.skip_through(self.service, {str(k): v for k, v in seqs.items() if isinstance(v, int)})
            self._on_snapshot(state)
            self.synced.set()

    def _want_snapshot(self) -> None:
        self.synced.clear()
        self._resync.set()


class UpdateSettingsView:
    """The feature flags and robot name as the update daemon last said; listeners hear every change."""

    TOPICS = ("update.settings", "update.name", "update.heartbeat")

    def __init__(self) -> None:
        self.flags: dict[str, bool] = {}
        self.name: str | None = None
        self._flag_listeners: list[Callable[[dict[str, bool]], None]] = []
        self._name_listeners: list[Callable[[str], None]] = []

    def on_flags(self, listener: Callable[[dict[str, bool]], None]) -> None:
        """Call `listener(flags)` whenever a flag value changes."""
        self._flag_listeners.append(listener)

    def on_name(self, listener: Callable[[str], None]) -> None:
        """Call `listener(name)` whenever the robot name changes."""
        self._name_listeners.append(listener)

    def follower(self, client: AsyncClient, tracker: GapTracker, timeout: float = 1.0) -> Follower:
        """A follower of the update service that keeps this view."""
        return Follower(client, tracker, "update", self.apply_state, self.apply_event, timeout=timeout)

    def apply_state(self, state: dict[str, Any]) -> None:
        """Take the flags and name from an `update.state` snapshot."""
        self._set_flags(state.get("settings"))
        self._set_name(state.get("name"))

    def apply_event(self, event: Event) -> None:
        """Take a changed flag map (`update.settings`) or name (`update.name`)."""
        data = event.data if isinstance(event.data, dict) else {}
        if event.topic == "update.settings":
            self._set_flags(data.get("settings"))
        elif event.topic == "update.name":
            self._set_name(data.get("name"))

    def _set_flags(self, flags: Any) -> None:
        if not isinstance(flags, dict):
            return
        clean = {str(k): v for k, v in flags.items() if isinstance(v, bool)}
        if clean != self.flags:
            self.flags = clean
            log.info("feature_flags", flags=clean)
            for listener in self._flag_listeners:
                listener(dict(clean))

    def _set_name(self, name: Any) -> None:
        if isinstance(name, str) and name.strip() and name != self.name:
            self.name = name
            log.info("robot_name", name=name)
            for listener in self._name_listeners:
                listener(name)
