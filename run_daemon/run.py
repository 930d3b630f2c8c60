"""One protocol run: executes command by command through the bus backend, journals, and obeys pause/play/stop."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from bus import Conflict
from opentrons.calibration_storage.applied import Corrections
from opentrons.engine.bus_backend import BusBackend
from opentrons.execute import listened_context, load, make_safe
from opentrons.runner import run_protocol
from run_daemon.journal import TERMINAL_STATUSES, RunJournal

Notify = Callable[[str, dict[str, Any]], None]
log = structlog.get_logger("runner.run")


class ProtocolRun:
    """The run's state. `execute` runs in a worker thread; `pause`, `play` and `stop` come from the bus loop."""

    def __init__(self, run_id: str, protocol_path: Path, labware_dirs: list[Path], backend: BusBackend,
                 journal: RunJournal, notify: Notify, corrections: Corrections | None = None) -> None:
        self.run_id = run_id
        self.corrections = corrections
        self.protocol_path = protocol_path
        self.labware_dirs = labware_dirs
        self.backend = backend
        self.journal = journal
        self.notify = notify
        self.status = "idle"
        self.error: dict[str, str] | None = None
        self.completed = 0
        self._lock = threading.RLock()
        self._context: Any = None
        self._abandoned = False

    def execute(self) -> str:
        """Run the protocol to its end; return the final status (succeeded, stopped or failed)."""
        self._set_status("running")
        try:
            self._run_protocol()
        except BaseException as exc:  # every way a run can end is recorded; nothing escapes unjournaled
            if self.backend.stopped:
                self._make_safe()
                self._set_status("stopped")
            else:
                self._set_status("failed", {"errorType": type(exc).__name__, "detail": str(exc)})
                log.warning("run_failed", run_id=self.run_id, error=str(exc))
        finally:
            self._close_backend()
            self.journal.flush()
        return self.status

    def _run_protocol(self) -> None:
        protocol = load(str(self.protocol_path))
        self.backend.open()
        self._context = listened_context(protocol, self.backend, self.labware_dirs, self._on_command,
                                         self.corrections)
        run_protocol(protocol, self._context)
        self._set_status("finishing")
        self.backend.home()
        self._set_status("succeeded")

    def _on_command(self, record: dict[str, Any]) -> None:
        if self.backend.stopped:
            return  # the clean-up after a stop (tips to trash) is not part of the protocol's commands
        self.journal.append({"event": "command", **record}, then=lambda: self._report_command(record))

    def _report_command(self, record: dict[str, Any]) -> None:
        # Runs on the journal's writer thread once the record is on disk: only then is it counted or published.
        if record["status"] == "succeeded":
            self.completed += 1
        self.notify("command", record)

    def _make_safe(self) -> None:
        try:
            if self._context is not None:
                make_safe(self._context.engine)
            else:
                self.backend.recover()
        except Exception as exc:  # a robot that cannot be made safe is reported, the stop itself stands
            self.error = {"errorType": type(exc).__name__, "detail": f"could not leave the robot safe: {exc}"}
            log.error("make_safe_failed", run_id=self.run_id, error=str(exc))

    def _close_backend(self) -> None:
        try:
            self.backend.close()
        except Exception as exc:  # the lease also ends with this process's heartbeat
            log.warning("lease_release_failed", run_id=self.run_id, error=str(exc))

    def pause(self) -> dict[str, Any]:
        """Hold the run before its next motion."""
        with self._lock:
            self._require("pause", ("running",))
            self.backend.pause()
            self._set_status("paused")
        return self.view()

    def play(self) -> dict[str, Any]:
        """Resume a paused run."""
        with self._lock:
            self._require("play", ("paused",))
            self.backend.play()
            self._set_status("running")
        return self.view()

    def request_stop(self) -> None:
        """Mark the run stopping; the caller then halts motion (`backend.halt`)."""
        with self._lock:
            self._require("stop", ("idle", "running", "paused"))
            self._set_status("stop-requested")

    def abandon(self, reason: str) -> bool:
        """End the run `failed` at once because the robot was lost under it (the motion daemon died), even while
        the worker thread still waits on a command; what that thread does later is not recorded. False when the
        run had already ended."""
        with self._lock:
            if self.status in TERMINAL_STATUSES:
                return False
            self._set_status("failed", {"errorType": "MotionDaemonLost", "detail": reason})
            self._abandoned = True
        log.error("run_abandoned", run_id=self.run_id, reason=reason)
        return True

    def _require(self, action: str, allowed: tuple[str, ...]) -> None:
        if self.status not in allowed:
            raise Conflict(f"cannot {action} a run that is {self.status}; {action} is allowed when "
                           f"{' or '.join(allowed)}", {"status": self.status})

    def _set_status(self, status: str, error: dict[str, str] | None = None) -> None:
        with self._lock:
            if self._abandoned:
                return
            self.status = status
            self.error = error or self.error
            view = self.view()
            self.journal.append({"event": "status", "status": status, "ts": time.time(), "error": self.error},
                                then=lambda: self.notify("status", view))

    def view(self) -> dict[str, Any]:
        """The run as the bus shows it."""
        return {"run_id": self.run_id, "status": self.status, "completed": self.completed, "error": self.error,
                "finished": self.status in TERMINAL_STATUSES}
