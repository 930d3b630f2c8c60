"""Deck geometry: where slots, modules, labware and wells are, computed from definitions."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from opentrons.errors import DeckConflictError
from opentrons.types import Point

Definition = Dict[str, Any]
SAFE_CLEARANCE_MM = 10.0
IN_LABWARE_MARGIN_MM = 5.0


def slot_origins(deck: Definition) -> Dict[str, Point]:
    """The front-left corner of every slot of a (schema 3) deck definition."""
    return {
        slot["id"]: Point(*slot["position"]) for slot in deck["locations"]["orderedSlots"]
    }


def normalize_slot(location: Any, slots: Sequence[str]) -> str:
    """Turn 1, '1' or ' 1 ' into the slot name '1', or raise with the valid names."""
    name = str(location).strip() if isinstance(location, (int, str)) else None
    if isinstance(location, bool) or name not in slots:
        raise DeckConflictError(
            f"Invalid deck location {location!r}: expected a slot number 1 to {len(slots)}"
        )
    return name


def module_labware_origin(module_def: Definition, slot: str, slot_origin: Point) -> Point:
    """Where labware sits on a module in ``slot``: the module's labware offset, moved per slot."""
    offset = module_def["labwareOffset"]
    vector = [offset["x"], offset["y"], offset["z"]]
    transform = module_def.get("slotTransforms", {}).get("ot2_standard", {}).get(slot)
    if transform:
        matrix = transform["labwareOffset"]
        vector = [
            sum(matrix[row][col] * vector[col] for col in range(3)) + matrix[row][3]
            for row in range(3)
        ]
    return slot_origin + Point(*vector)


def labware_origin(definition: Definition, parent_origin: Point, offset: Point) -> Point:
    """The labware's own origin: its parent's origin plus its corner offset and user offset."""
    corner = definition.get("cornerOffsetFromSlot", {"x": 0, "y": 0, "z": 0})
    return parent_origin + Point(corner["x"], corner["y"], corner["z"]) + offset


def well_bottom(definition: Definition, origin: Point, well_name: str) -> Point:
    """The centre of a well's bottom in deck coordinates."""
    well = definition["wells"][well_name]
    return Point(origin.x + well["x"], origin.y + well["y"], origin.z + well["z"])


def well_top(definition: Definition, origin: Point, well_name: str) -> Point:
    """The centre of a well's top in deck coordinates."""
    bottom = well_bottom(definition, origin, well_name)
    return Point(bottom.x, bottom.y, bottom.z + definition["wells"][well_name]["depth"])


def labware_height(definition: Definition, origin: Point) -> float:
    """The highest z of a labware placed at ``origin``."""
    return origin.z + definition["dimensions"]["zDimension"]


def arc_waypoints(
    start: Optional[Point], end: Point, safe_z: float, direct: bool = False
) -> List[Point]:
    """Points of a move from ``start`` to ``end`` that rises above ``safe_z`` first."""
    if start is None or direct:
        return [end]
    if abs(start.x - end.x) < 1e-6 and abs(start.y - end.y) < 1e-6:
        return [end]
    travel_z = max(safe_z, start.z, end.z)
    return [
        Point(start.x, start.y, travel_z),
        Point(end.x, end.y, travel_z),
        end,
    ]


def safe_height(heights: Sequence[float]) -> float:
    """The z above which a move clears every labware on the deck."""
    return (max(heights) if heights else 0.0) + SAFE_CLEARANCE_MM
