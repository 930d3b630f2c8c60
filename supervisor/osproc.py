"""The operating-system calls the supervisor makes (spawn, signal, reap, clock), behind one small object."""
from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Protocol

PR_SET_PDEATHSIG = 1
READ_CHUNK = 65536
MAX_LINE = 65536  # a child writing without newlines has its output shown in pieces of this size, not hoarded
OutputSink = Callable[[str], None]


class Handle(Protocol):
    """A started child as the state machine sees it."""

    pid: int


class ProcessOS(Protocol):
    """What the state machine needs from the OS; tests hand it a fake with a settable clock."""

    def now(self) -> float: ...

    def spawn(self, argv: list[str], env: dict[str, str], on_line: OutputSink) -> Handle: ...

    def poll(self, handle: Handle) -> int | None: ...

    def signal(self, handle: Handle, sig: int) -> None: ...


def load_prctl() -> Callable[..., int]:
    """libc's prctl(), looked up before any fork: a child between fork and exec should only make the call."""
    return ctypes.CDLL(None, use_errno=True).prctl


class RealOS:
    """Real children: own process group, SIGKILLed by the kernel when the supervisor dies, output read by the loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # Resolved before any fork: the child between fork and exec should only make the system call itself.
        self._prctl = load_prctl()
        self._readers: dict[int, LineReader] = {}

    def now(self) -> float:
        return time.monotonic()

    def spawn(self, argv: list[str], env: dict[str, str], on_line: OutputSink) -> subprocess.Popen[bytes]:
        """Start `argv`; its stdout and stderr lines go to `on_line`. Raises OSError when it cannot be executed."""
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, preexec_fn=self._child_setup(os.getpid()),
                                close_fds=True)
        assert proc.stdout is not None
        self._readers[proc.pid] = LineReader(self._loop, proc.stdout.fileno(), on_line)
        return proc

    def poll(self, handle: subprocess.Popen[bytes]) -> int | None:  # type: ignore[override]
        code = handle.poll()
        if code is not None and handle.pid in self._readers:
            self._readers.pop(handle.pid).finish()
            assert handle.stdout is not None
            handle.stdout.close()
        return code

    def signal(self, handle: subprocess.Popen[bytes], sig: int) -> None:  # type: ignore[override]
        if handle.returncode is None:
            try:
                os.kill(handle.pid, sig)
            except ProcessLookupError:
                pass  # it exited between the poll and the signal; the next poll reaps it

    def _child_setup(self, parent: int) -> Callable[[], None]:
        prctl = self._prctl

        def setup() -> None:
            # Own group: a Ctrl-C at the terminal reaches the supervisor only, which then stops children in order.
            os.setpgid(0, 0)
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the supervisor died before prctl took effect
                os._exit(1)
        return setup


class LineReader:
    """Reads a child's output pipe without blocking the loop and hands on whole lines."""

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int, on_line: OutputSink) -> None:
        self._loop, self._fd, self._on_line = loop, fd, on_line
        self._buffer = b""
        os.set_blocking(fd, False)
        loop.add_reader(fd, self._read)

    def _read(self) -> None:
        try:
            chunk = os.read(self._fd, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._loop.remove_reader(self._fd)
        self._feed(chunk)

    def _feed(self, chunk: bytes) -> None:
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        while len(self._buffer) > MAX_LINE:
            lines.append(self._buffer[:MAX_LINE])
            self._buffer = self._buffer[MAX_LINE:]
        for line in lines:
            self._on_line(line.decode("utf-8", "replace"))

    def finish(self) -> None:
        """Hand on what is left once the child has exited."""
        self._loop.remove_reader(self._fd)
        try:
            while chunk := os.read(self._fd, READ_CHUNK):
                self._feed(chunk)
        except OSError:
            pass
        if self._buffer:
            self._on_line(self._buffer.decode("utf-8", "replace"))
            self._buffer = b""
