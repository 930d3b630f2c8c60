"""Reading and changing the whole calibration folder: deck, pipette offsets, tip lengths, and what is unusable."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from opentrons.calibration_storage.attitude import Matrix, is_singular
from opentrons.calibration_storage.files import (
    MOUNTS, CalibrationFileError, CalibrationPaths, Record, new_status, now_iso, read_record, validate_deck,
    validate_pipette_offset, validate_tip_lengths, write_record)

Problem = Dict[str, str]


def tiprack_hash(uri: Optional[str]) -> Optional[str]:
    """A stable short hash naming a tip rack, as the real API's `tiprack` field does."""
    return hashlib.sha256(uri.encode()).hexdigest() if uri else None


class CalibrationStore:
    """The calibration folder. Reads never raise on a bad file: it is left out and listed in `problems()`."""

    def __init__(self, paths: CalibrationPaths) -> None:
        self.paths = paths

    # -- deck -----------------------------------------------------------------------------------------------

    def deck(self) -> Tuple[Optional[Record], Optional[Problem]]:
        """The deck calibration (None when there is none) and the problem of its file, if it is unusable."""
        try:
            return read_record(self.paths.deck_file, validate_deck), None
        except CalibrationFileError as exc:
            return None, _problem(self.paths.deck_file, exc)

    def deck_status(self) -> Tuple[str, Optional[Record]]:
        """The real robot's deck status word (OK, IDENTITY, BAD_CALIBRATION, SINGULARITY) and the record."""
        record, problem = self.deck()
        if problem is not None:
            return "BAD_CALIBRATION", None
        if record is None:
            return "IDENTITY", None
        if is_singular(record["attitude"]):
            return "SINGULARITY", record
        return ("BAD_CALIBRATION" if record["status"]["markedBad"] else "OK"), record

    def save_deck(self, attitude: Matrix, pipette_id: Optional[str], tiprack_uri: Optional[str]) -> Record:
        """Replace the deck calibration."""
        record = {"attitude": attitude, "pipetteCalibratedWith": pipette_id, "tiprack": tiprack_hash(tiprack_uri),
                  "lastModified": now_iso(), "source": "user", "status": new_status()}
        write_record(self.paths.deck_file, record)
        return record

    def delete_deck(self) -> bool:
        """Remove the deck calibration; whether there was one."""
        return _unlink(self.paths.deck_file)

    # -- pipette offsets ------------------------------------------------------------------------------------

    def pipette_offsets(self, pipette_id: Optional[str] = None, mount: Optional[str] = None) -> List[Record]:
        """Every usable pipette offset in the real API's shape, filtered by pipette id and mount."""
        found = []
        for path in self._offset_files():
            record = self._read_quietly(path, validate_pipette_offset)
            this_mount, this_id = path.parent.name, path.stem
            if record is None or pipette_id not in (None, this_id) or mount not in (None, this_mount):
                continue
            found.append({"id": f"{this_id}&{this_mount}", "pipette": this_id, "mount": this_mount,
                          "offset": record["offset"], "tiprack": record["tiprack"], "tiprackUri": record["uri"],
                          "lastModified": record["lastModified"], "source": record["source"],
                          "status": record["status"]})
        return found

    def save_pipette_offset(self, pipette_id: str, mount: str, offset: List[float],
                            tiprack_uri: Optional[str]) -> Record:
        """Replace the offset of one pipette on one mount."""
        record = {"offset": [float(v) for v in offset], "tiprack": tiprack_hash(tiprack_uri), "uri": tiprack_uri,
                  "lastModified": now_iso(), "source": "user", "status": new_status()}
        write_record(self.paths.pipette_offset_file(mount, pipette_id), record)
        return record

    def mark_pipette_offsets_bad(self, source: str) -> int:
        """Mark every usable pipette offset bad (kept, no longer applied); how many were marked."""
        marked = 0
        for path in self._offset_files():
            record = self._read_quietly(path, validate_pipette_offset)
            if record is not None and not record["status"]["markedBad"]:
                write_record(path, {**record, "status": new_status(True, source)})
                marked += 1
        return marked

    def delete_pipette_offset(self, pipette_id: str, mount: str) -> bool:
        """Remove one pipette offset; whether it existed."""
        return _unlink(self.paths.pipette_offset_file(mount, pipette_id))

    # -- tip lengths ----------------------------------------------------------------------------------------

    def tip_lengths(self, pipette_id: Optional[str] = None, tiprack_uri: Optional[str] = None,
                    tiprack: Optional[str] = None) -> List[Record]:
        """Every usable tip length in the real API's shape, filtered by pipette id, tip rack URI or hash."""
        found = []
        for path in sorted(self.paths.tip_length_dir.glob("*.json")):
            record = self._read_quietly(path, validate_tip_lengths)
            if record is None or pipette_id not in (None, path.stem):
                continue
            for uri, entry in record["tipLengths"].items():
                if tiprack_uri not in (None, uri) or tiprack not in (None, entry["tiprack"]):
                    continue
                found.append({"id": f"{entry['tiprack']}&{path.stem}", "tipLength": entry["tipLength"],
                              "tiprack": entry["tiprack"], "pipette": path.stem, "uri": uri,
                              "lastModified": entry["lastModified"], "source": entry["source"],
                              "status": entry["status"]})
        return found

    def save_tip_length(self, pipette_id: str, tiprack_uri: str, tip_length: float) -> Record:
        """Set one pipette's tip length for one tip rack, keeping its others."""
        path = self.paths.tip_length_file(pipette_id)
        lengths = dict(self._read_quietly(path, validate_tip_lengths) or {"tipLengths": {}})["tipLengths"]
        entry = {"tipLength": float(tip_length), "tiprack": tiprack_hash(tiprack_uri), "lastModified": now_iso(),
                 "source": "user", "status": new_status()}
        write_record(path, {"tipLengths": {**lengths, tiprack_uri: entry}})
        return entry

    def delete_tip_length(self, pipette_id: str, tiprack_uri: str) -> bool:
        """Remove one pipette's tip length for one tip rack; whether it existed."""
        path = self.paths.tip_length_file(pipette_id)
        record = self._read_quietly(path, validate_tip_lengths)
        if record is None or tiprack_uri not in record["tipLengths"]:
            return False
        rest = {uri: e for uri, e in record["tipLengths"].items() if uri != tiprack_uri}
        if rest:
            write_record(path, {"tipLengths": rest})
            return True
        return _unlink(path)

    # -- the whole folder -----------------------------------------------------------------------------------

    def wipe(self, kind: str) -> None:
        """Remove every file of one kind (`deck`, `pipette_offset`, `tip_length`), usable or not."""
        folder = {"deck": self.paths.deck_file.parent, "pipette_offset": self.paths.pipette_offset_dir,
                  "tip_length": self.paths.tip_length_dir}[kind]
        shutil.rmtree(folder, ignore_errors=True)

    def problems(self) -> List[Problem]:
        """Every calibration file that cannot be used, with the reason."""
        found = []
        _, deck_problem = self.deck()
        if deck_problem:
            found.append(deck_problem)
        for path, validate in ([(p, validate_pipette_offset) for p in self._offset_files()]
                               + [(p, validate_tip_lengths) for p in sorted(self.paths.tip_length_dir.glob("*.json"))]):
            try:
                read_record(path, validate)
            except CalibrationFileError as exc:
                found.append(_problem(path, exc))
        return found

    def _offset_files(self) -> List[Path]:
        return [p for mount in MOUNTS for p in sorted((self.paths.pipette_offset_dir / mount).glob("*.json"))]

    @staticmethod
    def _read_quietly(path: Path, validate: Any) -> Optional[Record]:
        try:
            return read_record(path, validate)
        except CalibrationFileError:
            return None


def _problem(path: Path, exc: Exception) -> Problem:
    return {"file": str(path), "reason": str(exc)}


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
