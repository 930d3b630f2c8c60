"""One-off processes (protocol runners and the like): started on request, never restarted, exit reported."""
from __future__ import annotations

import re
import signal
import sys
from collections.abc import Callable
from typing import Any

from bus import BadRequest, Conflict
from supervisor.osproc import Handle, OutputSink, ProcessOS
from supervisor.table import PYTHON
from supervisor.watcher import describe_status

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KEEP_FINISHED = 50  # finished one-offs kept for `status`, oldest dropped first


class OneOff:
    """One started process and, once it has ended, how."""

    def __init__(self, ident: str, argv: list[str], handle: Handle, started_at: float) -> None:
        self.id, self.argv, self.handle, self.started_at = ident, argv, handle, started_at
        self.status: int | None = None
        self.ended_at: float | None = None
        self.kill_at: float | None = None

    def snapshot(self, now: float) -> dict[str, Any]:
        """The one-off as `status` and its events report it."""
        running = self.status is None
        return {"id": self.id, "argv": self.argv, "pid": self.handle.pid,
                "state": "running" if running else "exited", "status": self.status,
                "reason": None if running else describe_status(self.status),  # type: ignore[arg-type]
                "runtime_s": round((now if running else self.ended_at or now) - self.started_at, 3)}


class OneOffs:
    """Every one-off of this supervisor, by id."""

    def __init__(self, os_: ProcessOS, env: dict[str, str], on_event: Callable[[dict[str, Any]], None],
                 on_line: Callable[[str], OutputSink]) -> None:
        self._os, self._env, self._on_event, self._on_line = os_, env, on_event, on_line
        self._all: dict[str, OneOff] = {}

    def spawn(self, args: dict[str, Any]) -> dict[str, Any]:
        """Start `{id, argv, env?}`; an id already running is a conflict."""
        ident, argv, env = _checked(args)
        current = self._all.get(ident)
        if current is not None and current.status is None:
            raise Conflict(f"one-off {ident!r} is still running (pid {current.handle.pid})", {"id": ident})
        try:
            handle = self._os.spawn(_command(argv), {**self._env, **env}, self._on_line(ident))
        except OSError as exc:
            raise BadRequest(f"cannot execute {argv[0]!r}: {exc.strerror or exc}", {"id": ident}) from None
        self._all.pop(ident, None)
        self._all[ident] = OneOff(ident, argv, handle, self._os.now())
        self._forget_old()
        snap = self._all[ident].snapshot(self._os.now())
        self._on_event(snap)
        return snap

    def tick(self) -> None:
        """Reap the one-offs that ended, and SIGKILL those past their stop grace."""
        for one in self._all.values():
            if one.status is not None:
                continue
            status = self._os.poll(one.handle)
            if status is not None:
                one.status, one.ended_at = status, self._os.now()
                self._on_event(one.snapshot(one.ended_at))
            elif one.kill_at is not None and self._os.now() >= one.kill_at:
                self._os.signal(one.handle, signal.SIGKILL)

    def stop_all(self, grace: float) -> None:
        """SIGTERM every running one-off; `tick` kills those still alive after `grace`."""
        for one in self.running():
            one.kill_at = self._os.now() + grace
            self._os.signal(one.handle, signal.SIGTERM)

    def running(self) -> list[OneOff]:
        """The one-offs whose process has not ended."""
        return [one for one in self._all.values() if one.status is None]

    def snapshot(self) -> dict[str, Any]:
        """Every known one-off by id."""
        now = self._os.now()
        return {ident: one.snapshot(now) for ident, one in self._all.items()}

    def _forget_old(self) -> None:
        finished = [ident for ident, one in self._all.items() if one.status is not None]
        for ident in finished[:max(0, len(finished) - KEEP_FINISHED)]:
            del self._all[ident]


def _checked(args: dict[str, Any]) -> tuple[str, list[str], dict[str, str]]:
    ident, argv, env = args.get("id"), args.get("argv"), args.get("env", {})
    if not isinstance(ident, str) or not ID_PATTERN.match(ident):
        raise BadRequest(f"'id' must match {ID_PATTERN.pattern}, got {ident!r}", {"field": "id"})
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and a for a in argv):
        raise BadRequest(f"'argv' must be a non-empty list of non-empty strings, got {argv!r}", {"field": "argv"})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise BadRequest(f"'env' must map strings to strings, got {env!r}", {"field": "env"})
    return ident, argv, env


def _command(argv: list[str]) -> list[str]:
    return [sys.executable if argv[0] == PYTHON else argv[0], *argv[1:]]
