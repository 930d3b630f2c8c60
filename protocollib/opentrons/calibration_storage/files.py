"""The versioned calibration files: where each lives, and the validation of what is read from it."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Optional

SCHEMA_VERSION = 1
MOUNTS = ("left", "right")
SOURCES = ("user", "default", "calibration_check", "unknown")
_PIPETTE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
Record = Dict[str, Any]


class CalibrationFileError(ValueError):
    """A calibration file that cannot be used: corrupt, of an unknown schemaVersion, or with a bad field."""


@dataclass(frozen=True)
class CalibrationPaths:
    """Where each kind of calibration lives under `<data dir>/calibration`."""

    root: Path

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> "CalibrationPaths":
        """The calibration folder of a data directory."""
        return cls(Path(data_dir) / "calibration")

    @property
    def deck_file(self) -> Path:
        """The one deck calibration file."""
        return self.root / "deck" / "deck_calibration.json"

    @property
    def pipette_offset_dir(self) -> Path:
        """The folder of pipette offsets (one subfolder per mount)."""
        return self.root / "pipette_offset"

    @property
    def tip_length_dir(self) -> Path:
        """The folder of tip lengths (one file per pipette)."""
        return self.root / "tip_length"

    def pipette_offset_file(self, mount: str, pipette_id: str) -> Path:
        """The offset file of one pipette on one mount (CalibrationFileError for an unsafe id or a bad mount)."""
        return self.pipette_offset_dir / check_mount(mount) / f"{check_pipette_id(pipette_id)}.json"

    def tip_length_file(self, pipette_id: str) -> Path:
        """The tip length file of one pipette."""
        return self.tip_length_dir / f"{check_pipette_id(pipette_id)}.json"


def check_pipette_id(value: Any) -> str:
    """A pipette serial safe as a file name, or CalibrationFileError saying what is expected."""
    if not isinstance(value, str) or not _PIPETTE_ID.fullmatch(value):
        raise CalibrationFileError(f"pipette id {value!r} must be 1-64 letters, digits, '_', '-' or '.'")
    return value


def check_mount(value: Any) -> str:
    """'left' or 'right', or CalibrationFileError."""
    if value not in MOUNTS:
        raise CalibrationFileError(f"mount {value!r} must be 'left' or 'right'")
    return str(value)


def now_iso() -> str:
    """The current time as the robot writes it (ISO 8601, UTC)."""
    return datetime.now(timezone.utc).isoformat()


def new_status(marked_bad: bool = False, source: Optional[str] = None) -> Record:
    """A calibration's status block: whether it is marked bad, by what and when."""
    return {"markedBad": marked_bad, "source": source, "markedAt": now_iso() if marked_bad else None}


def write_record(path: Path, record: Record) -> None:
    """Write one calibration file atomically, stamped with the current schemaVersion."""
    # Imported here: only the calibration daemon writes, and the engine that only reads should not load the bus.
    from bus.atomic import write_json_atomically

    write_json_atomically(path, {**record, "schemaVersion": SCHEMA_VERSION})


def read_record(path: Path, validate: Callable[[Record], Record]) -> Optional[Record]:
    """The validated content of a calibration file; None when absent; CalibrationFileError when unusable."""
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CalibrationFileError(f"{path} cannot be read as JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise CalibrationFileError(f"{path} holds a {type(raw).__name__}; expected a JSON object")
    version = raw.get("schemaVersion")
    if version != SCHEMA_VERSION:
        raise CalibrationFileError(f"{path} has schemaVersion {version!r}; this software reads {SCHEMA_VERSION}")
    try:
        return validate(raw)
    except CalibrationFileError as exc:
        raise CalibrationFileError(f"{path}: {exc}") from None


def number(value: Any, what: str) -> float:
    """A finite number, or CalibrationFileError naming the field."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CalibrationFileError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def vector(value: Any, what: str) -> list[float]:
    """Three finite numbers [x, y, z]."""
    if not isinstance(value, list) or len(value) != 3:
        raise CalibrationFileError(f"{what} must be [x, y, z], got {value!r}")
    return [number(v, what) for v in value]


def _status(value: Any) -> Record:
    if not isinstance(value, dict) or not isinstance(value.get("markedBad"), bool):
        raise CalibrationFileError(f"status must be {{markedBad, source, markedAt}}, got {value!r}")
    return {"markedBad": value["markedBad"], "source": value.get("source"), "markedAt": value.get("markedAt")}


def _common(raw: Record) -> Record:
    source = raw.get("source", "unknown")
    if source not in SOURCES:
        raise CalibrationFileError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    if not isinstance(raw.get("lastModified"), str):
        raise CalibrationFileError("lastModified must be an ISO 8601 time string")
    return {"lastModified": raw["lastModified"], "source": source, "status": _status(raw.get("status"))}


def validate_deck(raw: Record) -> Record:
    """A deck calibration: the 3x3 attitude matrix (last row 0 0 1) and who made it."""
    matrix = raw.get("attitude")
    if not isinstance(matrix, list) or len(matrix) != 3 or not all(isinstance(r, list) and len(r) == 3
                                                                   for r in matrix):
        raise CalibrationFileError(f"attitude must be a 3x3 matrix, got {matrix!r}")
    rows = [[number(v, "attitude") for v in row] for row in matrix]
    if rows[2] != [0.0, 0.0, 1.0]:
        raise CalibrationFileError(f"attitude's last row must be [0, 0, 1], got {rows[2]}")
    return {"attitude": rows, "pipetteCalibratedWith": raw.get("pipetteCalibratedWith"),
            "tiprack": raw.get("tiprack"), **_common(raw)}


def validate_pipette_offset(raw: Record) -> Record:
    """A pipette offset: the [x, y, z] correction of one pipette on one mount, and the tip rack used."""
    return {"offset": vector(raw.get("offset"), "offset"), "tiprack": raw.get("tiprack"),
            "uri": raw.get("uri"), **_common(raw)}


def validate_tip_lengths(raw: Record) -> Record:
    """One pipette's tip lengths, keyed by tip rack URI."""
    lengths = raw.get("tipLengths")
    if not isinstance(lengths, dict):
        raise CalibrationFileError("tipLengths must be a map of tip rack URI to a tip length record")
    checked = {}
    for uri, entry in lengths.items():
        if not isinstance(entry, dict):
            raise CalibrationFileError(f"tip length for {uri!r} must be an object")
        length = number(entry.get("tipLength"), f"tipLength of {uri}")
        if not 0 < length < 200:
            raise CalibrationFileError(f"tipLength of {uri} must be between 0 and 200 mm, got {length}")
        checked[str(uri)] = {"tipLength": length, "tiprack": entry.get("tiprack"), **_common(entry)}
    return {"tipLengths": checked}
