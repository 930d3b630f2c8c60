"""Two version slots under the data dir: installs go to the inactive one, whole or not at all."""
from __future__ import annotations

import shutil
import tarfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from update_daemon.artifact import Cancelled
from bus.atomic import fsync_dir, read_json_object, write_json_atomically

SLOTS = ("a", "b")
ACTIVE_FILE = "active.json"


class VersionSlots:
    """`<root>/slot-a` and `<root>/slot-b`, written here; `<root>/active.json` ({slot, version, trial, previous};
    no file = factory) is the supervisor's, read here only to never install over the active slot."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def active(self) -> dict[str, Any] | None:
        """The active slot record, or None while the factory software runs."""
        return read_json_object(self.root / ACTIVE_FILE)

    def inactive_slot(self) -> str:
        """The slot an install may overwrite: never the active one."""
        record = self.active()
        return "b" if record and record.get("slot") == "a" else "a"

    def slot_dir(self, slot: str) -> Path:
        return self.root / f"slot-{slot}"

    def clean_partial(self) -> list[Path]:
        """Delete half-written installs (a crash or cancel during writing); returns what was removed."""
        partial = [p for p in self.root.glob("slot-*.partial")] if self.root.is_dir() else []
        for path in partial:
            shutil.rmtree(path, ignore_errors=True)
        return partial

    def install(self, payload: Path, version_info: dict[str, Any], progress: Callable[[float], None],
                cancelled: threading.Event) -> str:
        """Extract a verified payload into the inactive slot; the slot appears whole or not at all."""
        slot = self.inactive_slot()
        partial = self.root / f"slot-{slot}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            self._extract(payload, partial, progress, cancelled)
            write_json_atomically(partial / "VERSION.json", version_info)
            final = self.slot_dir(slot)
            shutil.rmtree(final, ignore_errors=True)
            partial.rename(final)
            fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return slot

    @staticmethod
    def _extract(payload: Path, dest: Path, progress: Callable[[float], None], cancelled: threading.Event) -> None:
        with tarfile.open(payload, "r:gz") as tar:
            members = tar.getmembers()
            for index, member in enumerate(members, 1):
                if cancelled.is_set():
                    raise Cancelled()
                target = dest / member.name
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(member)
                    assert source is not None  # verification admitted plain files only
                    with source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out)
                progress(index / len(members))
