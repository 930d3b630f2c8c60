"""One daemon's state machine: starting, running, backoff, stopping, stopped, fatal (driven by ticks and heartbeats)."""
from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from supervisor.osproc import Handle, OutputSink, ProcessOS
from supervisor.table import ProcessSpec

STABLE_AFTER = 30.0  # a daemon up this long has earned a fresh backoff: its next exit restarts it at the base delay


class State(str, Enum):
    """The states of a watched daemon (supervisord's, without its transient EXITED)."""

    STARTING = "starting"
    RUNNING = "running"
    BACKOFF = "backoff"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FATAL = "fatal"


class After(str, Enum):
    """What a STOPPING daemon does once its process is gone."""

    STOP = "stop"          # asked to stop: STOPPED
    START = "start"        # asked to restart: spawn again at once
    RECOVER = "recover"    # killed by the supervisor (hung, silent at start): the failure path with backoff


@dataclass(frozen=True)
class ExitInfo:
    """How the last process of a daemon ended."""

    status: int | None   # exit status, or minus the signal number, or None when it could not be executed
    reason: str
    at: float            # supervisor clock


def describe_status(status: int) -> str:
    """`exited with status 3` or `killed by SIGKILL`."""
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exited with status {status}"


class Watcher:
    """Owns one daemon's process; every transition goes through `_enter` so each one is reported."""

    def __init__(self, spec: ProcessSpec, os_: ProcessOS, env: dict[str, str],
                 on_change: Callable[["Watcher"], None], on_line: OutputSink) -> None:
        self.spec = spec
        self.state = State.STOPPED
        self.restarts = 0
        self.last_exit: ExitInfo | None = None
        self._os, self._env, self._on_change, self._on_line = os_, {**env, **spec.env}, on_change, on_line
        self._handle: Handle | None = None
        self._spawns = 0
        self._start_failures = 0
        self._backoff_step = 0
        self._spawned_at = 0.0
        self._last_beat: float | None = None
        self._deadline = 0.0
        self._after = After.STOP
        self._kill_reason: str | None = None
        self._killed_starting = False  # killed for silence at start: a failed start, whatever its uptime

    @property
    def pid(self) -> int | None:
        """The pid of the current process, if one is alive."""
        return None if self._handle is None else self._handle.pid

    def start(self) -> None:
        """Start a stopped, fatal or waiting daemon now (a person asked: failure counts start afresh)."""
        if self.state in (State.STARTING, State.RUNNING):
            return
        if self.state is State.STOPPING:
            self._after = After.START
            return
        self._start_failures = self._backoff_step = 0
        self._spawn()

    def stop(self) -> None:
        """Send the stop signal (SIGKILL after the grace period); a waiting or fatal daemon just becomes stopped."""
        if self.state is State.STOPPING:
            self._after = After.STOP
        elif self.state in (State.STARTING, State.RUNNING):
            self._begin_stop(After.STOP)
        elif self.state in (State.BACKOFF, State.FATAL):
            self._enter(State.STOPPED)

    def restart(self) -> None:
        """Stop the daemon gracefully and start it again at once."""
        if self.state in (State.STARTING, State.RUNNING):
            self._begin_stop(After.START)
        else:
            self.start()

    def heartbeat(self, pid: Any) -> None:
        """A heartbeat arrived; one from an earlier process of this daemon is ignored."""
        if self._handle is None or pid != self._handle.pid:
            return
        self._last_beat = self._os.now()
        if self.state is State.STARTING:
            self._enter(State.RUNNING)

    def tick(self) -> None:
        """Reap an exit and act on whichever timer ran out."""
        if self._handle is not None:
            status = self._os.poll(self._handle)
            if status is not None:
                self._exited(status)
                return
        now = self._os.now()
        if self.state is State.STARTING:
            self._check_start(now)
        elif self.state is State.RUNNING and self.spec.heartbeat:
            silent = now - (self._last_beat or self._spawned_at)
            if silent > self.spec.hang_timeout:
                self._kill(f"hung: no heartbeat for {silent:.1f} s")
        elif self.state is State.STOPPING and now >= self._deadline and self._kill_reason is None:
            self._kill(f"did not stop within {self.spec.grace:g} s of {signal.Signals(self.spec.stop_signal).name}")
        elif self.state is State.BACKOFF and now >= self._deadline:
            self._spawn()

    def snapshot(self) -> dict[str, Any]:
        """What `status` reports about this daemon."""
        now = self._os.now()
        alive = self._handle is not None
        return {
            "name": self.spec.name, "state": self.state.value, "pid": self.pid, "critical": self.spec.critical,
            "uptime_s": round(now - self._spawned_at, 3) if alive else None,
            "heartbeat_age_s": round(now - self._last_beat, 3) if alive and self._last_beat is not None else None,
            "restarts": self.restarts,
            "last_exit": None if self.last_exit is None else {
                "status": self.last_exit.status, "reason": self.last_exit.reason,
                "ago_s": round(now - self.last_exit.at, 3)},
        }

    def _check_start(self, now: float) -> None:
        up = now - self._spawned_at
        if not self.spec.heartbeat and up >= self.spec.startsecs:
            self._enter(State.RUNNING)  # no heartbeat to wait for: staying up for startsecs is the sign of life
        elif self.spec.heartbeat and up > self.spec.start_timeout:
            self._kill(f"no heartbeat within {self.spec.start_timeout:g} s of starting")

    def _spawn(self) -> None:
        if self._spawns:
            self.restarts += 1
        self._spawns += 1
        self._spawned_at, self._last_beat, self._kill_reason = self._os.now(), None, None
        self._killed_starting = False
        try:
            self._handle = self._os.spawn(self.spec.command(), self._env, self._on_line)
        except OSError as exc:
            self._handle = None
            self._enter(State.STARTING)
            self._failed(ExitInfo(None, f"cannot execute {self.spec.argv[0]!r}: {exc.strerror or exc}",
                                  self._spawned_at), quick=True)
            return
        self._enter(State.STARTING)

    def _begin_stop(self, after: After) -> None:
        assert self._handle is not None
        self._after = after
        self._deadline = self._os.now() + self.spec.grace
        self._os.signal(self._handle, self.spec.stop_signal)
        self._enter(State.STOPPING)

    def _kill(self, reason: str) -> None:
        assert self._handle is not None
        if self.state is not State.STOPPING:
            self._after = After.RECOVER
        self._killed_starting = self.state is State.STARTING
        self._kill_reason = reason
        self._os.signal(self._handle, signal.SIGKILL)
        if self.state is not State.STOPPING:
            self._enter(State.STOPPING)

    def _exited(self, status: int) -> None:
        now = self._os.now()
        reason = describe_status(status) + (f" ({self._kill_reason})" if self._kill_reason else "")
        exit_info = ExitInfo(status, reason, now)
        uptime = now - self._spawned_at
        quick = self.state is State.STARTING or self._killed_starting or uptime < self.spec.startsecs
        self._handle = None
        if self.state is State.STOPPING and self._after is After.STOP:
            self.last_exit = exit_info
            self._enter(State.STOPPED)
        elif self.state is State.STOPPING and self._after is After.START:
            self.last_exit = exit_info
            self._start_failures = self._backoff_step = 0
            self._spawn()
        else:
            if uptime >= STABLE_AFTER:
                self._backoff_step = 0
            self._failed(exit_info, quick=quick)

    def _failed(self, exit_info: ExitInfo, quick: bool) -> None:
        """An exit nobody asked for: back off and retry, or give up after too many failed starts in a row."""
        self.last_exit = exit_info
        self._start_failures = self._start_failures + 1 if quick else 0
        if self._start_failures > self.spec.startretries:
            self._enter(State.FATAL)
            return
        self._backoff_step += 1
        delay = min(self.spec.backoff_base * 2 ** (self._backoff_step - 1), self.spec.backoff_max)
        self._deadline = self._os.now() + delay
        self._enter(State.BACKOFF)

    def _enter(self, state: State) -> None:
        self.state = state
        self._on_change(self)
