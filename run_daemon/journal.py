"""The run journal: one JSON line per event, appended and fsynced before anyone is told of it."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JOURNAL_NAME = "journal.jsonl"
TERMINAL_STATUSES = ("stopped", "failed", "succeeded")


class RunJournal:
    """Appends records to `<run dir>/journal.jsonl`; each append is on disk when `append` returns."""

    def __init__(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / JOURNAL_NAME
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        _fsync_dir(run_dir)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as a line and fsync it."""
        line = json.dumps(record, default=str, separators=(",", ":")) + "\n"
        os.write(self._fd, line.encode("utf-8"))
        os.fsync(self._fd)

    def close(self) -> None:
        """Close the file."""
        os.close(self._fd)


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


def read_journal(run_dir: Path) -> RunRecord:
    """Read a run's journal; a torn last line (power lost mid-write) is ignored, as it was never reported."""
    record = RunRecord()
    path = run_dir / JOURNAL_NAME
    if not path.exists():
        return record
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if entry.get("event") == "status":
            record.statuses.append(entry)
        elif entry.get("event") == "command":
            record.commands.append(entry)
    return record


def _fsync_dir(path: Path) -> None:
    # A new file's directory entry must reach the disk too, or a power loss can lose the whole file.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
