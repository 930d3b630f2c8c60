"""Labware and Well as protocols see them: indexing, positions, tips and offsets."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

from opentrons.engine import geometry
from opentrons.engine.state import LabwareState
from opentrons.errors import OutOfTipsError
from opentrons.protocols.api_level import APIVersion, requires_version
from opentrons.types import Location, Point

_BARE_LABWARE_NAME_FROM = APIVersion(2, 14)

if TYPE_CHECKING:
    from opentrons.protocol_api.protocol_context import ProtocolContext


class Well:
    """One well of a labware; positions are computed from the definition and deck."""

    __slots__ = ("_parent", "_name", "_geometry")

    def __init__(self, parent: "Labware", name: str) -> None:
        self._parent = parent
        self._name = name
        self._geometry: Dict[str, Any] = parent._state.definition["wells"][name]

    @property
    def parent(self) -> "Labware":
        """The labware this well belongs to."""
        return self._parent

    @property
    def well_name(self) -> str:
        """The well's name, e.g. 'A1'."""
        return self._name

    @property
    def display_name(self) -> str:
        """The well as the run log names it: 'A1 of <labware> on <slot>'."""
        return f"{self._name} of {self._parent._state.display_name} on {self._parent.location_text}"

    @property
    def has_tip(self) -> bool:
        """For tip racks: whether this well still holds a tip."""
        return self._name not in self._parent._state.used_tips

    @property
    def max_volume(self) -> float:
        """The well's total liquid volume in µL."""
        return float(self._geometry["totalLiquidVolume"])

    @property
    def depth(self) -> float:
        """The well's depth in mm."""
        return float(self._geometry["depth"])

    @property
    def diameter(self) -> Optional[float]:
        """The diameter of a circular well, else None."""
        return self._geometry.get("diameter")

    @property
    def length(self) -> Optional[float]:
        """The x size of a rectangular well, else None."""
        return self._geometry.get("xDimension")

    @property
    def width(self) -> Optional[float]:
        """The y size of a rectangular well, else None."""
        return self._geometry.get("yDimension")

    def _bottom_point(self) -> Point:
        return geometry.well_bottom(self._parent._state.definition, self._parent._state.origin, self._name)

    def bottom(self, z: float = 0.0) -> Location:
        """The centre of the well's bottom, raised by ``z`` mm."""
        return Location(self._bottom_point() + Point(0, 0, z), self)

    def top(self, z: float = 0.0) -> Location:
        """The centre of the well's top, raised by ``z`` mm."""
        return Location(self._bottom_point() + Point(0, 0, self.depth + z), self)

    def center(self) -> Location:
        """The centre of the well's volume."""
        return Location(self._bottom_point() + Point(0, 0, self.depth / 2), self)

    def from_center_cartesian(self, x: float, y: float, z: float) -> Point:
        """A point relative to the centre, each axis scaled to the well's half-size."""
        centre = self.center().point
        half_x = (self.diameter or self.length or 0.0) / 2
        half_y = (self.diameter or self.width or 0.0) / 2
        return Point(centre.x + x * half_x, centre.y + y * half_y, centre.z + z * self.depth / 2)

    def load_liquid(self, liquid: Any, volume: float) -> None:
        """Record that this well starts with ``volume`` µL of ``liquid``."""
        self._parent._liquids[self._name] = (liquid, volume)

    def __repr__(self) -> str:
        return self.display_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Well) and other._parent is self._parent and other._name == self._name

    def __hash__(self) -> int:
        return hash((id(self._parent), self._name))


class Labware:
    """A loaded labware: wells by index and name, rows and columns, tips and offset."""

    def __init__(self, ctx: "ProtocolContext", state: LabwareState, location_text: str, parent: Any) -> None:
        self._ctx = ctx
        self._state = state
        self._location_text = location_text
        self._parent = parent
        self._liquids: Dict[str, Any] = {}
        self._wells = [Well(self, n) for column in state.definition["ordering"] for n in column]
        self._by_name = {w.well_name: w for w in self._wells}

    @property
    def engine_id(self) -> str:
        """The engine's id of this labware."""
        return self._state.labware_id

    @property
    def parameters(self) -> Dict[str, Any]:
        """The definition's parameters (format, isTiprack, tipLength, loadName…)."""
        return self._state.definition["parameters"]

    @property
    def load_name(self) -> str:
        """The API load name."""
        return self.parameters["loadName"]

    @property
    def name(self) -> str:
        """The label given at load time, else the load name."""
        label = self._state.display_name
        return label if label != self._state.definition["metadata"]["displayName"] else self.load_name

    @property
    def uri(self) -> str:
        """namespace/loadName/version."""
        d = self._state.definition
        return f"{d['namespace']}/{self.load_name}/{d['version']}"

    @property
    def parent(self) -> Any:
        """The slot name or module this labware sits on."""
        return self._parent

    @property
    def is_tiprack(self) -> bool:
        """Whether this labware is a tip rack."""
        return self._state.is_tiprack

    @property
    def tip_length(self) -> float:
        """For tip racks: the tip length in mm."""
        return float(self.parameters["tipLength"])

    @property
    def highest_z(self) -> float:
        """The top of the labware in deck coordinates."""
        return geometry.labware_height(self._state.definition, self._state.origin)

    @property
    def calibrated_offset(self) -> Point:
        """The labware's origin in deck coordinates, including any offset."""
        return self._state.origin

    @property
    def api_version(self) -> Any:
        """The apiLevel this labware follows."""
        return self._ctx.api_version

    @requires_version(2, 12)
    def set_offset(self, x: float, y: float, z: float) -> None:
        """Shift the labware by (x, y, z) mm from its nominal position (replacing any run labware offset)."""
        corner = self._state.definition.get("cornerOffsetFromSlot", {"x": 0, "y": 0, "z": 0})
        nominal = self._nominal_origin()
        self._state.origin = nominal + Point(corner["x"], corner["y"], corner["z"]) + Point(x, y, z)

    def _nominal_origin(self) -> Point:
        from opentrons.protocol_api.module_contexts import ModuleContext

        if isinstance(self._parent, ModuleContext):
            return self._parent.labware_origin
        return self._ctx._engine.slot_origins[str(self._parent)]

    def wells(self, *names: Union[str, int]) -> List[Well]:
        """All wells in column order, or those named/indexed."""
        if not names:
            return list(self._wells)
        return [self[n] if isinstance(n, str) else self._wells[n] for n in names]

    def wells_by_name(self) -> Dict[str, Well]:
        """Wells keyed by name."""
        return dict(self._by_name)

    def well(self, index: Union[int, str]) -> Well:
        """One well by index or name."""
        return self[index] if isinstance(index, str) else self._wells[index]

    def rows(self, *indices: Union[int, str]) -> List[List[Well]]:
        """Rows front to back (A first); each row left to right."""
        rows = self._grid(rows=True)
        return rows if not indices else [rows[self._index(i, rows)] for i in indices]

    def columns(self, *indices: Union[int, str]) -> List[List[Well]]:
        """Columns left to right; each column back to front (A first)."""
        columns = self._grid(rows=False)
        return columns if not indices else [columns[self._index(i, columns)] for i in indices]

    def rows_by_name(self) -> Dict[str, List[Well]]:
        """Rows keyed by letter."""
        return {row[0].well_name[0]: row for row in self._grid(rows=True)}

    def columns_by_name(self) -> Dict[str, List[Well]]:
        """Columns keyed by number (as a string)."""
        return {col[0].well_name[1:]: col for col in self._grid(rows=False)}

    def _grid(self, rows: bool) -> List[List[Well]]:
        ordering = self._state.definition["ordering"]
        columns = [[self._by_name[n] for n in col] for col in ordering]
        if not rows:
            return columns
        letters: Dict[str, List[Well]] = {}
        for column in columns:
            for well in column:
                letters.setdefault(well.well_name.rstrip("0123456789"), []).append(well)
        return list(letters.values())

    @staticmethod
    def _index(key: Union[int, str], groups: List[List[Well]]) -> int:
        if isinstance(key, int):
            return key
        for i, group in enumerate(groups):
            names = {w.well_name for w in group}
            if any(n.rstrip("0123456789") == key or n[1:] == key for n in names):
                return i
        raise KeyError(f"No row or column named {key!r}")

    def __getitem__(self, name: str) -> Well:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self} has no well {name!r}") from None

    def next_tip(self, num_tips: int = 1, starting_tip: Optional[Well] = None) -> Optional[Well]:
        """The first well from which ``num_tips`` tips can be taken down one column."""
        candidates = self._wells
        if starting_tip is not None:
            candidates = candidates[candidates.index(starting_tip):]
        used = self._state.used_tips
        if num_tips == 1:
            return next((w for w in candidates if w._name not in used), None)
        for well in candidates:
            column = self._state.column_below(well.well_name, num_tips)
            if len(column) == num_tips and not any(n in used for n in column):
                return well
        return None

    def use_tips(self, start_well: Well, num_channels: int = 1) -> None:
        """Mark tips as used without picking them up."""
        self._state.used_tips.update(self._state.column_below(start_well.well_name, num_channels))

    def return_tips(self, start_well: Well, num_channels: int = 1) -> None:
        """Mark tips as available again."""
        self._state.used_tips.difference_update(self._state.column_below(start_well.well_name, num_channels))

    def reset(self) -> None:
        """Mark every tip of this rack as available."""
        self._state.used_tips.clear()

    @property
    def location_text(self) -> str:
        """The run log's name for where this labware sits, e.g. 'slot 2'."""
        return self._location_text

    def __repr__(self) -> str:
        if self._ctx.api_version >= _BARE_LABWARE_NAME_FROM:
            return self._state.display_name
        return f"{self._state.display_name} on {self._location_text}"


def first_available_tip(racks: List[Labware], channels: int, starting_tip: Optional[Well]) -> tuple:
    """The (rack, well) of the next tip to use across ``racks``, or raise OutOfTipsError."""
    if starting_tip is not None and starting_tip.parent in racks:
        racks = racks[racks.index(starting_tip.parent):]
    for rack in racks:
        start = starting_tip if starting_tip is not None and starting_tip.parent is rack else None
        well = rack.next_tip(channels, start)
        if well is not None:
            return rack, well
    raise OutOfTipsError(
        "Out of tips: every tip rack assigned to this pipette is empty. "
        "Add tip racks to tip_racks, or call reset_tipracks() after replacing them"
    )
