"""Atomic files for every owner of persistent data: temp file, fsync, rename, fsync the folder; never half a file."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class CorruptFile(ValueError):
    """A persisted file exists but cannot be read as what it should be."""


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers (and a crash at any instant) see either the old or the new bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomically(path: Path, value: Any) -> None:
    """Persist `value` as JSON at `path`, atomically."""
    write_bytes_atomically(path, json.dumps(value, indent=1, sort_keys=True).encode())


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object stored at `path`, or None when there is no file; CorruptFile when it is not an object."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise CorruptFile(f"{path} is not valid JSON ({exc}); expected a JSON object") from exc
    if not isinstance(value, dict):
        raise CorruptFile(f"{path} holds a {type(value).__name__}; expected a JSON object")
    return value


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete temporary files left by writes that a crash interrupted; returns what was removed."""
    if not directory.is_dir():
        return []
    stale = [p for p in directory.glob(".*.tmp") if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
