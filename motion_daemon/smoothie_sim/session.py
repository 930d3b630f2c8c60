"""Runs the simulated board over one byte link: reads lines, holds acks during motion, obeys M112 at once."""
from __future__ import annotations

import os
import select
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Protocol

import structlog

from motion_daemon.smoothie_sim.board import Reply, SimulatedSmoothie
from motion_daemon.smoothie_sim.dialect import HALTED
from motion_daemon.smoothie_sim.faults import GARBAGE, FaultKnobs

log = structlog.get_logger(__name__)

POLL_S = 0.02
GARBAGE_CHUNK = 3


class Link(Protocol):
    """A byte pipe to the driver (pty master or TCP socket)."""

    def fileno(self) -> int: ...
    def recv(self) -> bytes: ...
    def send(self, data: bytes) -> None: ...
    def close(self) -> None: ...


class LinkClosed(Exception):
    """The other side went away, or a disconnect fault pulled the link."""


@dataclass
class _Held:
    reply: Reply
    release_at: float
    noisy: bool


class BoardSession:
    """One connection's worth of serving; returns when the link closes or `stop` is set."""

    def __init__(self, board: SimulatedSmoothie, link: Link, faults: FaultKnobs, lock: threading.Lock,
                 stop: threading.Event, clock: Callable[[], float] = time.monotonic) -> None:
        self._board, self._link, self._faults, self._lock = board, link, faults, lock
        self._stop, self._clock = stop, clock
        self._partial = b""
        self._inbox: deque[str] = deque()
        self._held: deque[_Held] = deque()
        self._disconnect_at: float | None = None

    def serve(self) -> None:
        """Serve until the link closes; a fault disconnect power-cycles the board."""
        try:
            while not self._stop.is_set():
                self._step()
        except LinkClosed:
            log.info("sim_link_closed")
        except OSError as exc:
            log.info("sim_link_failed", error=str(exc))
        finally:
            self._link.close()

    def _step(self) -> None:
        now = self._clock()
        if self._disconnect_at is not None and now >= self._disconnect_at:
            with self._lock:
                self._board.power_cycle(now)
            raise LinkClosed("disconnect fault")
        with self._lock:
            alarm = self._board.poll(now)
        if alarm:
            self._link.send(alarm.encode("ascii"))
        self._release_held(now)
        while self._inbox and not self._held and not self._motion_pending():
            self._answer(self._inbox.popleft(), self._clock())
        self._wait_and_read()

    def _motion_pending(self) -> bool:
        # A motion line arriving while the board moves waits its turn (the queue is full).
        return bool(self._inbox) and self._board.motion is not None and _has_motion(self._inbox[0])

    def _release_held(self, now: float) -> None:
        while self._held and (self._held[0].release_at <= now or self._board.halted):
            held = self._held.popleft()
            text = f"{HALTED}\r\n" if self._board.halted else held.reply.text
            self._send_reply(text, held.noisy)

    def _answer(self, line: str, now: float) -> None:
        with self._lock:
            reply = self._board.handle_line(line, now)
        if line.strip() and self._faults.take("drop_acks"):
            return
        if reply.moves and self._faults.take("disconnect_next_move"):
            self._disconnect_at = now + max(0.0, self._board.busy_until() - now) / 2
        # Noise goes before a command's reply, never between the two acks of one frame.
        noisy = bool(line.strip()) and self._faults.take("garbage_replies")
        release_at = max(reply.ready_at, now) + self._faults.reply_delay_s
        if release_at > now:
            self._held.append(_Held(reply, release_at, noisy))
        else:
            self._send_reply(reply.text, noisy)

    def _send_reply(self, text: str, noisy: bool = False) -> None:
        data = text.encode("ascii")
        if not noisy:
            self._link.send(data)
            return
        noisy = GARBAGE + data
        for start in range(0, len(noisy), GARBAGE_CHUNK):
            self._link.send(noisy[start:start + GARBAGE_CHUNK])

    def _wait_and_read(self) -> None:
        deadlines = [self._held[0].release_at] if self._held else []
        deadlines += [t for t in (self._board.busy_until(), self._disconnect_at) if t]
        now = self._clock()
        # Only deadlines still ahead bound the wait: a dwell that ended long ago must not turn this into a spin.
        timeout = min([POLL_S, *(t - now for t in deadlines if t > now)])
        readable, _, _ = select.select([self._link.fileno()], [], [], timeout)
        if readable:
            self._take_bytes(self._link.recv())

    def _take_bytes(self, data: bytes) -> None:
        if not data:
            raise LinkClosed("peer closed")
        *lines, self._partial = (self._partial + data).split(b"\n")
        for raw in lines:
            line = raw.decode("ascii", errors="replace").strip()
            if "M112" in line.upper().split():
                with self._lock:
                    self._link.send(self._board.emergency_stop(self._clock()).encode("ascii"))
                self._release_held(self._clock())
            else:
                self._inbox.append(line)


def _has_motion(line: str) -> bool:
    words = line.upper().split()
    return any(word in ("G0", "G28.2", "G4") for word in words)


def pty_link(master_fd: int) -> Link:
    """Wrap a pty master fd as a Link."""
    return _FdLink(master_fd)


class _FdLink:
    def __init__(self, fd: int) -> None:
        self._fd = fd

    def fileno(self) -> int:
        return self._fd

    def recv(self) -> bytes:
        return os.read(self._fd, 4096)

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def close(self) -> None:
        """Nothing to do: the pty owner closes the fds when it unplugs."""
