"""Stored protocols under the data directory: files written whole (temp file, then rename)."""
from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from bus.atomic import write_bytes_atomically
from run_daemon.metadata import ProtocolFileError, json_document, json_metadata, python_metadata

PROTOCOL_SUFFIXES = (".py", ".json")


class StoreError(ValueError):
    """Files that cannot make a protocol; the message says what is expected."""


def write_json(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON, durably: a crash leaves the old file or the new one, never half."""
    write_bytes_atomically(path, json.dumps(data, default=str).encode())


class ProtocolStore:
    """Protocols in `<data dir>/protocols/<id>/`: the files, `protocol.json` and `analysis.json`."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "protocols"

    def add(self, files: list[tuple[str, bytes]]) -> tuple[dict[str, Any], bool]:
        """Store an upload; the same files again give the existing protocol and False."""
        main, labware = self._roles(files)
        digest = hashlib.sha256()
        for name, content in sorted(files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        protocol_id = str(uuid.UUID(digest.hexdigest()[:32]))
        folder = self.root / protocol_id
        if (folder / "protocol.json").exists():
            return self.get(protocol_id), False
        metadata = self._metadata(main, labware, dict(files))
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files:
            write_bytes_atomically(folder / name, content)
        record = {"id": protocol_id, "createdAt": time.time(), "robotType": "OT-2 Standard",
                  "protocolType": "python" if main.endswith(".py") else "json", "metadata": metadata,
                  "files": [{"name": main, "role": "main"}] + [{"name": n, "role": "labware"} for n in labware],
                  "analyses": [], "analysisSummaries": [{"id": f"{protocol_id}-analysis", "status": "pending"}]}
        write_json(folder / "protocol.json", record)
        return record, True

    @staticmethod
    def _metadata(main: str, labware: list[str], contents: dict[str, bytes]) -> dict[str, Any]:
        try:
            for name in labware:
                json_document(name, contents[name])
            if main.endswith(".py"):
                return python_metadata(main, contents[main])
            return json_metadata(main, contents[main])
        except ProtocolFileError as exc:
            raise StoreError(str(exc)) from None

    @staticmethod
    def _roles(files: list[tuple[str, bytes]]) -> tuple[str, list[str]]:
        names = [name for name, _ in files]
        bad = [n for n in names if not n.endswith(PROTOCOL_SUFFIXES) or "/" in n or n.startswith(".")]
        if not files or bad or len(set(names)) != len(names):
            raise StoreError(f"expected one protocol file (.py or .json) and optional labware .json files with "
                             f"distinct plain names, got {names[:10]!r}")
        python = [n for n in names if n.endswith(".py")]
        if len(python) > 1 or (not python and len(names) > 1):
            raise StoreError(f"expected exactly one main protocol file, got {names[:10]!r}")
        main = python[0] if python else names[0]
        return main, [n for n in names if n != main]

    def get(self, protocol_id: str) -> dict[str, Any]:
        """A stored protocol; KeyError when there is none."""
        path = self.root / protocol_id / "protocol.json"
        if "/" in protocol_id or protocol_id.startswith(".") or not path.exists():
            raise KeyError(protocol_id)
        return json.loads(path.read_text(encoding="utf-8"))

    def ids(self) -> list[str]:
        """Every stored protocol's id, oldest first."""
        return [record["id"] for record in self.all()]

    def all(self) -> list[dict[str, Any]]:
        """Every stored protocol, oldest first (a folder without its record is a half-stored upload: skipped)."""
        if not self.root.is_dir():
            return []
        records = [json.loads(path.read_text(encoding="utf-8"))
                   for path in self.root.glob("*/protocol.json") if not path.parent.name.startswith(".")]
        return sorted(records, key=lambda record: record["createdAt"])

    def delete(self, protocol_id: str) -> None:
        """Remove a stored protocol: its record first, so a crash midway leaves no protocol, only stray files."""
        self.get(protocol_id)
        folder = self.root / protocol_id
        (folder / "protocol.json").unlink()
        shutil.rmtree(folder, ignore_errors=True)

    def wipe(self) -> None:
        """Remove every stored protocol."""
        shutil.rmtree(self.root, ignore_errors=True)

    def pending(self) -> list[str]:
        """Protocols whose analysis has not completed (it was cut short by a restart)."""
        return [r["id"] for r in self.all() if r["analysisSummaries"][0]["status"] != "completed"]

    def main_file(self, protocol_id: str) -> Path:
        """Where the protocol's main file is."""
        record = self.get(protocol_id)
        return self.root / protocol_id / record["files"][0]["name"]

    def save_analysis(self, protocol_id: str, analysis: dict[str, Any]) -> None:
        """Store a completed analysis and mark the protocol's summary completed."""
        folder = self.root / protocol_id
        write_json(folder / "analysis.json", {**analysis, "id": f"{protocol_id}-analysis", "status": "completed"})
        record = self.get(protocol_id)
        record["analysisSummaries"] = [{"id": f"{protocol_id}-analysis", "status": "completed"}]
        write_json(folder / "protocol.json", record)

    def analyses(self, protocol_id: str) -> list[dict[str, Any]]:
        """The protocol's analyses (a pending one while it runs)."""
        path = self.root / protocol_id / "analysis.json"
        if path.exists():
            return [json.loads(path.read_text(encoding="utf-8"))]
        return [{"id": f"{self.get(protocol_id)['id']}-analysis", "status": "pending"}]
