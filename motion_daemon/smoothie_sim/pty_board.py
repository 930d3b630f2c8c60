"""The simulated board on a pty pair in this process: a thread serves the master, the driver opens the slave path."""
from __future__ import annotations

import os
import tempfile
import threading
import time
import tty
from pathlib import Path

import structlog

from motion_daemon.smoothie_sim.board import BoardConfig, SimulatedSmoothie
from motion_daemon.smoothie_sim.faults import FaultKnobs
from motion_daemon.smoothie_sim.session import BoardSession, pty_link

log = structlog.get_logger(__name__)

LINK_NAME = "ttySmoothie"
PLUG_WAIT_S = 0.05


class PtySmoothie:
    """Owns the board, the pty and its serving thread; the port path is a stable symlink that survives a re-plug."""

    def __init__(self, config: BoardConfig | None = None, faults: FaultKnobs | None = None) -> None:
        self.faults = faults or FaultKnobs()
        self.board = SimulatedSmoothie(config or BoardConfig(), self.faults)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._session_stop = threading.Event()
        self._want_plugged = threading.Event()
        self._dir = tempfile.TemporaryDirectory(prefix="smoothie-sim-")
        self.url = str(Path(self._dir.name) / LINK_NAME)
        self._fds: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "PtySmoothie":
        """Plug the board in and start serving; returns self."""
        self._want_plugged.set()
        self._plug()
        self._thread = threading.Thread(target=self._run, name="smoothie-sim-pty", daemon=True)
        self._thread.start()
        return self

    def unplug(self) -> None:
        """Pull the cable: the driver's port fails; the board stays out until replug()."""
        self._want_plugged.clear()
        self._session_stop.set()

    def replug(self) -> None:
        """Plug the cable back in (a new pty behind the same path)."""
        self._want_plugged.set()

    def stop(self) -> None:
        """Stop serving and remove the pty and its path."""
        self._stop.set()
        self._session_stop.set()
        self._want_plugged.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_fds()
        self._dir.cleanup()

    def __enter__(self) -> "PtySmoothie":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        # The slave stays open here too, so the driver closing its end never hangs up the master.
        self._fds = (master, slave)
        temporary = f"{self.url}.new"
        if os.path.lexists(temporary):
            os.unlink(temporary)
        os.symlink(os.ttyname(slave), temporary)
        os.replace(temporary, self.url)
        log.info("sim_pty_plugged", path=self.url, tty=os.ttyname(slave))

    def _close_fds(self) -> None:
        fds, self._fds = self._fds, None
        for fd in fds or ():
            os.close(fd)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._fds is None:
                if self._want_plugged.wait(PLUG_WAIT_S) and not self._stop.is_set():
                    self._plug()
                continue
            self._session_stop.clear()
            if not self._want_plugged.is_set():
                self._session_stop.set()
            BoardSession(self.board, pty_link(self._fds[0]), self.faults, self._lock, self._session_stop).serve()
            self._close_fds()
            if self._session_stop.is_set():
                with self._lock:
                    self.board.power_cycle(time.monotonic())
