"""Labware offsets given with a new run: checked against the robot's shape, then given an id and a time."""
from __future__ import annotations

import math
import time
import uuid
from typing import Any

from bus import BadRequest

OT2_SLOTS = tuple(str(n) for n in range(1, 13))
MAX_OFFSETS = 200
MAX_URI_CHARS = 300
SHAPE = ('[{"definitionUri": "namespace/loadName/version", "location": {"slotName": "1".."12", '
         '"moduleModel"?: str}, "vector": {"x": mm, "y": mm, "z": mm}}]')


def checked_offsets(value: Any) -> list[dict[str, Any]]:
    """Validate `labwareOffsets` and stamp each with `id` and `createdAt`; BadRequest says what is wrong."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_OFFSETS:
        raise BadRequest(f"labwareOffsets: expected a list of at most {MAX_OFFSETS} offsets, {SHAPE}",
                         {"field": "labwareOffsets"})
    now = time.time()
    return [{"id": str(uuid.uuid4()), "createdAt": now, **_offset(i, entry)} for i, entry in enumerate(value)]


def _offset(index: int, entry: Any) -> dict[str, Any]:
    where = f"labwareOffsets[{index}]"
    if not isinstance(entry, dict) or set(entry) - {"definitionUri", "location", "vector"}:
        _refuse(where, "expected an object with exactly definitionUri, location and vector")
    uri = entry.get("definitionUri")
    if not isinstance(uri, str) or uri.count("/") != 2 or not 0 < len(uri) <= MAX_URI_CHARS:
        _refuse(f"{where}.definitionUri", f"expected 'namespace/loadName/version', got {str(uri)[:80]!r}")
    return {"definitionUri": uri, "location": _location(where, entry.get("location")),
            "vector": _vector(where, entry.get("vector"))}


def _location(where: str, location: Any) -> dict[str, str]:
    if not isinstance(location, dict) or set(location) - {"slotName", "moduleModel"}:
        _refuse(f"{where}.location", "expected {\"slotName\": ..., \"moduleModel\"?: ...}")
    if location.get("slotName") not in OT2_SLOTS:
        _refuse(f"{where}.location.slotName", f"expected an OT-2 slot '1'..'12', got {location.get('slotName')!r}")
    checked = {"slotName": location["slotName"]}
    if "moduleModel" in location:
        model = location["moduleModel"]
        if not isinstance(model, str) or not 0 < len(model) <= 100:
            _refuse(f"{where}.location.moduleModel", "expected a module model name such as 'magneticModuleV2'")
        checked["moduleModel"] = model
    return checked


def _vector(where: str, vector: Any) -> dict[str, float]:
    if not isinstance(vector, dict) or set(vector) != {"x", "y", "z"}:
        _refuse(f"{where}.vector", "expected {\"x\": mm, \"y\": mm, \"z\": mm}")
    for axis, mm in vector.items():
        if isinstance(mm, bool) or not isinstance(mm, (int, float)) or not math.isfinite(mm):
            _refuse(f"{where}.vector.{axis}", f"expected a finite number of mm, got {mm!r}")
    return {axis: float(vector[axis]) for axis in ("x", "y", "z")}


def _refuse(field: str, message: str) -> None:
    raise BadRequest(f"{field}: {message}", {"field": field})
