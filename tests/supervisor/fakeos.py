"""A stand-in for the OS under the supervisor's state machine: a settable clock and processes that exit on cue."""
from __future__ import annotations

import signal
from dataclasses import dataclass, field


@dataclass
class FakeProc:
    pid: int
    argv: list[str]
    env: dict[str, str]
    obeys_term: bool = True
    status: int | None = None
    signals: list[int] = field(default_factory=list)


class FakeOS:
    """Processes never run; a test decides when they exit and how they react to signals."""

    def __init__(self) -> None:
        self.clock = 1000.0
        self.procs: list[FakeProc] = []
        self.spawn_error: OSError | None = None
        self.obeys_term = True

    def now(self) -> float:
        return self.clock

    def spawn(self, argv: list[str], env: dict[str, str], on_line: object) -> FakeProc:
        if self.spawn_error is not None:
            raise self.spawn_error
        proc = FakeProc(4000 + len(self.procs), argv, env, self.obeys_term)
        self.procs.append(proc)
        return proc

    def poll(self, handle: FakeProc) -> int | None:
        return handle.status

    def signal(self, handle: FakeProc, sig: int) -> None:
        handle.signals.append(sig)
        if sig == signal.SIGKILL or handle.obeys_term:
            handle.status = -sig

    @property
    def last(self) -> FakeProc:
        return self.procs[-1]
