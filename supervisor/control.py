"""The `supervisor` bus service: status, start/stop/restart of one daemon, shutdown, and one-off spawns."""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from bus import BadRequest, Conflict, Unavailable
from bus.service import ServiceHost
from supervisor.arbiter import Arbiter
from supervisor.watcher import State, Watcher

DEFAULT_WAIT = 10.0
SETTLED = {State.RUNNING, State.FATAL}


class Control:
    """Registers the supervisor's ops on its service host; each op that changes a daemon reports the outcome."""

    def __init__(self, host: ServiceHost, arbiter: Arbiter, request_shutdown: Callable[[], None]) -> None:
        self.host, self.arbiter, self._request_shutdown = host, arbiter, request_shutdown
        self.boot_id = uuid.uuid4().hex
        self._started = time.monotonic()
        ops = {"status": self.status, "state": self.state, "restart": self.restart, "stop": self.stop,
               "start": self.start, "shutdown": self.shutdown, "spawn": self.spawn}
        for verb, handler in ops.items():
            host.server.register(f"supervisor.{verb}", handler)

    def status(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every daemon (state, pid, uptime, restarts, last exit) and one-off, with overall health."""
        return {**self.arbiter.status(), "pid": os.getpid(), "boot_id": self.boot_id,
                "uptime_s": round(time.monotonic() - self._started, 3)}

    def state(self, args: dict[str, Any]) -> dict[str, Any]:
        """The status plus the last event sequence number per topic, for late joiners."""
        return {**self.status(args), "seq": self.host.publisher.seqs()}

    def heartbeat_status(self) -> dict[str, Any]:
        """What the supervisor's own heartbeat carries: health and each daemon's state."""
        return {"health": self.arbiter.health(),
                "processes": {name: w.state.value for name, w in self.arbiter.watchers.items()}}

    async def restart(self, args: dict[str, Any]) -> dict[str, Any]:
        """Stop `name` gracefully, start it again, and answer once it runs (or failed to)."""
        watcher = self._changeable(args)
        watcher.restart()
        return await self._settled(watcher.spec.name, SETTLED, _wait(args), "running")

    async def start(self, args: dict[str, Any]) -> dict[str, Any]:
        """Start `name` if it is not running, and answer once it runs (or failed to)."""
        watcher = self._changeable(args)
        watcher.start()
        return await self._settled(watcher.spec.name, SETTLED, _wait(args), "running")

    async def stop(self, args: dict[str, Any]) -> dict[str, Any]:
        """Stop `name` (it stays stopped until started) and answer once its process is gone."""
        watcher = self._changeable(args)
        watcher.stop()
        wait = _wait(args, default=watcher.spec.grace + 2.0)
        return await self._settled(watcher.spec.name, {State.STOPPED}, wait, "stopped")

    def shutdown(self, args: dict[str, Any]) -> dict[str, Any]:
        """Stop every daemon in reverse start order and exit the supervisor."""
        self._request_shutdown()
        return {"stopping": list(reversed(self.arbiter.watchers))}

    def spawn(self, args: dict[str, Any]) -> dict[str, Any]:
        """Start a one-off `{id, argv, env?}`; its end comes as the event `supervisor.spawn.<id>`."""
        self._refuse_if_shutting_down()
        return self.arbiter.oneoffs.spawn(args)

    def _changeable(self, args: dict[str, Any]) -> Watcher:
        watcher = self.arbiter.watcher(_name(args))
        self._refuse_if_shutting_down()
        return watcher

    def _refuse_if_shutting_down(self) -> None:
        if self.arbiter.shutting_down:
            raise Conflict("the supervisor is shutting down; it starts and changes nothing any more")

    async def _settled(self, name: str, states: set[State], wait: float, wanted: str) -> dict[str, Any]:
        await self.arbiter.wait_for(name, states, wait)
        snap = self.arbiter.watcher(name).snapshot()
        if snap["state"] != wanted:
            last = (snap["last_exit"] or {}).get("reason", "no exit yet")
            raise Unavailable(f"{name} is {snap['state']}, not {wanted}, after {wait:g} s (last exit: {last})",
                              {"process": snap})
        return snap


def _name(args: dict[str, Any]) -> str:
    name = args.get("name")
    if not isinstance(name, str) or not name:
        raise BadRequest(f"'name' must be the name of a daemon (a string), got {name!r}", {"field": "name"})
    return name


def _wait(args: dict[str, Any], default: float = DEFAULT_WAIT) -> float:
    wait = args.get("wait", default)
    if isinstance(wait, bool) or not isinstance(wait, (int, float)) or not 0 < wait <= 120:
        raise BadRequest(f"'wait' must be seconds in (0, 120], got {wait!r}", {"field": "wait"})
    return float(wait)
