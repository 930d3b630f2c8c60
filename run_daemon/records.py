"""Stored runs: `runs/<id>/run.json` (what the run was created with and what was asked of it) beside the journal."""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from run_daemon.journal import JOURNAL_NAME, TERMINAL_STATUSES, RunJournal, RunRecord, add_lines
from run_daemon.store import write_json

RUN_FILE = "run.json"
OFFSETS_FILE = "labware_offsets.json"
# Statuses during which a runner process owns the run (and its journal).
RUNNER_STATUSES = ("running", "paused", "stop-requested", "finishing")
LOADS = {"loadPipette": ("pipettes", ("pipetteId", "pipetteName", "mount")),
         "loadLabware": ("labware", ("labwareId", "loadName", "namespace", "version", "location", "displayName")),
         "loadModule": ("modules", ("moduleId", "model", "location"))}


class RunStore:
    """The runs under `<data dir>/runs/`; the manager is the only writer of `run.json`."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "runs"
        self._journals = JournalCache()

    def folder(self, run_id: str) -> Path:
        """Where a run's files are."""
        return self.root / run_id

    def load_all(self) -> dict[str, dict[str, Any]]:
        """Every stored run by id (a folder without `run.json` is a run never created: skipped)."""
        if not self.root.is_dir():
            return {}
        metas = [json.loads(path.read_text(encoding="utf-8")) for path in self.root.glob(f"*/{RUN_FILE}")]
        return {meta["id"]: meta for meta in sorted(metas, key=lambda m: m["createdAt"])}

    def create(self, protocol_id: str, offsets: list[dict[str, Any]]) -> dict[str, Any]:
        """Write a new run's record (and its labware offsets file when it has offsets)."""
        meta = {"id": str(uuid.uuid4()), "createdAt": time.time(), "protocolId": protocol_id, "current": True,
                "labwareOffsets": offsets, "actions": []}
        folder = self.folder(meta["id"])
        folder.mkdir(parents=True)
        if offsets:
            write_json(folder / OFFSETS_FILE, offsets)
        write_json(folder / RUN_FILE, meta)
        return meta

    def save(self, meta: dict[str, Any]) -> None:
        """Replace a run's record."""
        write_json(self.folder(meta["id"]) / RUN_FILE, meta)

    def delete(self, run_id: str) -> None:
        """Remove a run: its record first, so a crash midway leaves no run, only stray files."""
        (self.folder(run_id) / RUN_FILE).unlink(missing_ok=True)
        shutil.rmtree(self.folder(run_id), ignore_errors=True)

    def wipe(self) -> None:
        """Remove every run."""
        shutil.rmtree(self.root, ignore_errors=True)

    def record(self, run_id: str) -> RunRecord:
        """What the run's journal says."""
        return self._journals.read(self.folder(run_id) / JOURNAL_NAME)

    def end_failed(self, run_id: str, error: dict[str, Any]) -> None:
        """Write the final `failed` status of a run whose runner ended without one (the runner is gone, so the
        journal is the manager's again)."""
        _end_torn_line(self.folder(run_id) / JOURNAL_NAME)
        journal = RunJournal(self.folder(run_id))
        try:
            journal.append({"event": "status", "status": "failed", "ts": time.time(), "error": error})
        finally:
            journal.close()

    def end_stopped(self, run_id: str) -> None:
        """Write `stopped` for a run stopped before any runner started."""
        journal = RunJournal(self.folder(run_id))
        try:
            journal.append({"event": "status", "status": "stopped", "ts": time.time(), "error": None})
        finally:
            journal.close()


def _end_torn_line(path: Path) -> None:
    # A power loss can leave half a line (never reported); the next record must start on a line of its own.
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as file:
        file.seek(-1, os.SEEK_END)
        if file.read(1) != b"\n":
            file.write(b"\n")
            os.fsync(file.fileno())


class JournalCache:
    """Reads each journal incrementally: only the whole lines appended since the last read are parsed, so
    polling a long run costs what it added, not its whole history. Safe to call from several threads."""

    def __init__(self) -> None:
        self._read: dict[Path, tuple[int, RunRecord]] = {}
        self._lock = threading.Lock()

    def read(self, path: Path) -> RunRecord:
        """The record so far (a copy the caller may keep); empty when the journal does not exist."""
        with self._lock:
            offset, record = self._read.get(path, (0, RunRecord()))
            try:
                with open(path, "rb") as file:
                    file.seek(offset)
                    data = file.read()
            except FileNotFoundError:
                self._read.pop(path, None)
                return RunRecord()
            whole = data.rfind(b"\n") + 1  # a line still being written is read once it is complete
            add_lines(record, data[:whole])
            self._read[path] = (offset + whole, record)
            return RunRecord(list(record.statuses), list(record.commands))


def status_of(meta: dict[str, Any], record: RunRecord) -> str:
    """The run's status: its journal's last, `running` between `play` and the runner's first record."""
    if record.status is not None:
        return record.status
    return "running" if meta.get("startedAt") else "idle"


def is_active(meta: dict[str, Any], record: RunRecord) -> bool:
    """A current run that has not ended (it blocks a new run and the deletion of its protocol)."""
    return bool(meta.get("current")) and status_of(meta, record) not in TERMINAL_STATUSES


def view(meta: dict[str, Any], record: RunRecord) -> dict[str, Any]:
    """The run as `/runs/{id}` shows it."""
    status = status_of(meta, record)
    errors = [s["error"] for s in record.statuses[-1:] if s.get("error")]
    run = {**meta, "status": status, "errors": errors,
           "pipettes": [], "labware": [], "modules": [], "liquids": [], "runTimeParameters": [],
           "outputFileIds": [], "hasEverEnteredErrorRecovery": False, "ok": True}
    for command in record.commands:
        kind, keys = LOADS.get(command["commandType"], (None, ()))
        if kind is not None and command["status"] == "succeeded":
            run[kind].append({k: command["params"][k] for k in keys if command["params"].get(k) is not None})
    if status in TERMINAL_STATUSES and record.statuses:
        run["completedAt"] = record.statuses[-1]["ts"]
    return run
