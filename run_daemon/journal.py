"""The run journal: one JSON line per event, appended and fsynced before anyone is told of it."""
from __future__ import annotations

import json
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import structlog

from bus.atomic import fsync_dir

JOURNAL_NAME = "journal.jsonl"
TERMINAL_STATUSES = ("stopped", "failed", "succeeded")
Entry = tuple[bytes, Optional[Callable[[], None]]]
log = structlog.get_logger("runner.journal")


class RunJournal:
    """Appends records to `<run dir>/journal.jsonl` from a writer thread that commits in groups: every record
    queued meanwhile is written and made durable by one fsync, then each record's `then` callback runs. The
    caller never waits for the disk, and nothing is reported (by `then`) before it is on disk."""

    def __init__(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / JOURNAL_NAME
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        fsync_dir(run_dir)  # the new file's entry must reach the disk too
        self._queue: queue.SimpleQueue[Optional[Entry]] = queue.SimpleQueue()
        self._failure: Optional[OSError] = None
        self._writer = threading.Thread(target=self._write_loop, name="journal", daemon=True)
        self._writer.start()

    def append(self, record: dict[str, Any], then: Optional[Callable[[], None]] = None) -> None:
        """Queue one record; `then` runs once it is fsynced. Raises the error that stopped the writer."""
        if self._failure is not None:
            raise OSError(f"the run journal {self.path} can no longer be written: {self._failure}")
        line = json.dumps(record, default=str, separators=(",", ":")) + "\n"
        self._queue.put((line.encode("utf-8"), then))

    def flush(self) -> None:
        """Wait until every record queued so far is on disk and its `then` has run (or the writer failed)."""
        written = threading.Event()
        self._queue.put((b"", written.set))
        while not written.wait(0.1):
            if self._failure is not None or not self._writer.is_alive():
                return

    def close(self) -> None:
        """Write what is queued, stop the writer and close the file."""
        self._queue.put(None)
        self._writer.join()
        os.close(self._fd)

    def _write_loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get())
            entries = [entry for entry in batch if entry is not None]
            self._commit(entries)
            if len(entries) < len(batch):
                return

    def _commit(self, entries: list[Entry]) -> None:
        if not entries or self._failure is not None:
            return
        try:
            os.write(self._fd, b"".join(line for line, _ in entries))
            os.fsync(self._fd)
        except OSError as exc:  # a full or failing disk: refuse further appends, report nothing unwritten
            self._failure = exc
            log.error("journal_write_failed", path=str(self.path), error=str(exc))
            return
        for _, then in entries:
            if then is not None:
                then()


@dataclass
class RunRecord:
    """What a journal says of a run: its statuses in order, its completed commands, and how it ended."""

    statuses: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        """The last status written, or None for an empty journal."""
        return self.statuses[-1]["status"] if self.statuses else None

    @property
    def finished(self) -> bool:
        """Whether the run reached an end (stopped, failed, succeeded) before the journal ends."""
        return self.status in TERMINAL_STATUSES

    def outcome(self, runner_exit: str) -> dict[str, Any]:
        """How a run whose runner process has ended came out: its final status, or `failed` with the reason
        when the runner died first (``runner_exit`` says how, e.g. the supervisor's "killed by SIGKILL")."""
        if self.finished:
            last = self.statuses[-1]
            return {"status": last["status"], "error": last.get("error")}
        return {"status": "failed",
                "error": {"errorType": "RunnerDied",
                          "detail": f"the run did not finish: its process ended ({runner_exit}) after "
                                    f"{len(self.commands)} completed commands"}}


def read_journal(run_dir: Path) -> RunRecord:
    """Read a run's journal; a torn last line (power lost mid-write) is ignored, as it was never reported."""
    record = RunRecord()
    path = run_dir / JOURNAL_NAME
    if path.exists():
        add_lines(record, path.read_bytes())
    return record


def add_lines(record: RunRecord, data: bytes) -> None:
    """Add the journal lines in `data` to `record`; a line that is not a whole JSON record is skipped."""
    for line in data.splitlines():
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(entry, dict):
            continue
        if entry.get("event") == "status":
            record.statuses.append(entry)
        elif entry.get("event") == "command":
            record.commands.append(entry)
