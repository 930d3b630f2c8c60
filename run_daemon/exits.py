"""Learning when runner processes end: `supervisor.spawn.run-<id>` events, and a `supervisor.status` resync
whenever those events may have been missed (the first heartbeat heard, a gap, a supervisor restart)."""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from bus import AsyncClient, AsyncSubscriber, BusError, Event

log = structlog.get_logger("runs.exits")
SPAWN_PREFIX = "supervisor.spawn.run-"
HEARTBEAT = "supervisor.heartbeat"
TOPICS = (SPAWN_PREFIX, HEARTBEAT)
STATUS_TIMEOUT_S = 2.0

# (run id, the supervisor's sentence on how its runner ended)
OnExit = Callable[[str, str], Awaitable[None]]
# Given the supervisor's status and when it was asked for, end the runs whose runner is gone.
OnResync = Callable[[dict[str, Any], float], Awaitable[None]]


class RunnerExits:
    """Feeds runner exits to the manager; never polls: a resync is asked only when an event may have been lost."""

    def __init__(self, subscriber: AsyncSubscriber, client: AsyncClient, on_exit: OnExit,
                 on_resync: OnResync) -> None:
        self._subscriber = subscriber
        self._client = client
        self._on_exit = on_exit
        self._on_resync = on_resync
        self._synced = False

    async def follow(self) -> None:
        """Handle supervisor events until cancelled."""
        while True:
            event = await self._subscriber.recv()
            try:
                await self._handle(event)
            except BusError as exc:  # the manager could not act on it now; the next heartbeat resyncs
                self._synced = False
                log.warning("runner_exit_not_handled", topic=event.topic, error=str(exc))

    async def _handle(self, event: Event) -> None:
        if event.missed or event.restarted:
            self._synced = False
        if event.topic == HEARTBEAT:
            if not self._synced:
                await self.resync()
            return
        data = event.data if isinstance(event.data, dict) else {}
        if event.topic.startswith(SPAWN_PREFIX) and data.get("state") == "exited":
            await self._on_exit(event.topic[len(SPAWN_PREFIX):], str(data.get("reason") or "it ended"))

    async def resync(self) -> None:
        """Ask the supervisor which one-offs it knows and let the manager settle every run against that."""
        asked_at = time.time()
        try:
            status = await self._client.call("supervisor.status", {}, timeout=STATUS_TIMEOUT_S, idempotent=True)
        except BusError as exc:  # the supervisor is busy or restarting: its next heartbeat brings another try
            log.info("resync_deferred", error=str(exc))
            return
        await self._on_resync(status, asked_at)
        self._synced = True
        log.info("resynced", boot_id=status.get("boot_id"), spawns=len(status.get("spawns", {})))
