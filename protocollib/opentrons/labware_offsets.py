"""Labware offsets given with a run: the real API's list shape, its validation, and which labware each shifts."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from opentrons.types import Point

Definition = Dict[str, Any]


class LabwareOffsetError(ValueError):
    """A labware offset list that is not in the expected shape; the message says where and what is expected."""


@dataclass(frozen=True)
class LabwareOffset:
    """Shift the labware `definition_uri` placed at `slot_name` (on a `module_model`, if any) by `vector`."""

    offset_id: str
    definition_uri: str
    slot_name: str
    module_model: Optional[str]
    vector: Point

    def matches(self, uri: str, slot_name: str, module_model: Optional[str]) -> bool:
        """Whether this offset is for that labware at that place."""
        return (self.definition_uri, self.slot_name, self.module_model) == (uri, slot_name, module_model)


def definition_uri(definition: Definition) -> str:
    """namespace/loadName/version of a labware definition."""
    return f"{definition['namespace']}/{definition['parameters']['loadName']}/{definition['version']}"


def parse_labware_offsets(value: Any) -> List[LabwareOffset]:
    """Validate a list of `{id, createdAt, definitionUri, location: {slotName, moduleModel?}, vector: {x, y, z}}`."""
    if not isinstance(value, list):
        raise LabwareOffsetError(f"labware offsets must be a JSON list, got {type(value).__name__}")
    return [_parse_one(item, f"[{index}]") for index, item in enumerate(value)]


def read_labware_offsets(path: Path) -> List[LabwareOffset]:
    """The offsets in a JSON file holding that list; LabwareOffsetError names the file and the problem."""
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabwareOffsetError(f"cannot read labware offsets file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise LabwareOffsetError(f"labware offsets file {path} is not valid JSON: {exc}") from None
    try:
        return parse_labware_offsets(value)
    except LabwareOffsetError as exc:
        raise LabwareOffsetError(f"labware offsets file {path}: {exc}") from None


def offset_for(offsets: Sequence[LabwareOffset], uri: str, slot_name: str, module_model: Optional[str]) -> Point:
    """The vector of the last offset matching that labware at that place (the newest wins), else zero."""
    found = [o.vector for o in offsets if o.matches(uri, slot_name, module_model)]
    return found[-1] if found else Point()


def _parse_one(item: Any, where: str) -> LabwareOffset:
    if not isinstance(item, dict):
        raise LabwareOffsetError(f"{where} must be an object with definitionUri, location and vector")
    uri = item.get("definitionUri")
    if not isinstance(uri, str) or uri.count("/") != 2:
        raise LabwareOffsetError(f"{where}.definitionUri must be 'namespace/loadName/version', got {uri!r}")
    location = item.get("location")
    if not isinstance(location, dict) or not isinstance(location.get("slotName"), str):
        raise LabwareOffsetError(f"{where}.location must be {{slotName, moduleModel?}}, got {location!r}")
    model = location.get("moduleModel")
    if model is not None and not isinstance(model, str):
        raise LabwareOffsetError(f"{where}.location.moduleModel must be a module model name, got {model!r}")
    return LabwareOffset(str(item.get("id", where)), uri, location["slotName"], model,
                         _vector(item.get("vector"), where))


def _vector(value: Any, where: str) -> Point:
    if not isinstance(value, dict) or set(value) != {"x", "y", "z"}:
        raise LabwareOffsetError(f"{where}.vector must be {{x, y, z}} in mm, got {value!r}")
    for axis, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise LabwareOffsetError(f"{where}.vector.{axis} must be a finite number of mm, got {number!r}")
        if abs(number) > 100:
            raise LabwareOffsetError(f"{where}.vector.{axis} is {number} mm; an offset is at most 100 mm")
    return Point(float(value["x"]), float(value["y"]), float(value["z"]))
