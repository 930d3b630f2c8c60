"""What the engine knows: loaded pipettes, labware and modules, tips and volumes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from opentrons.types import Point

Definition = Dict[str, Any]


@dataclass
class PipetteState:
    """A loaded pipette: its spec and what it holds now."""

    pipette_id: str
    name: str
    mount: str
    channels: int
    min_volume: float
    max_volume: float
    model_config: Definition
    has_tip: bool = False
    tip_volume: float = 0.0
    tip_length: float = 0.0
    current_volume: float = 0.0
    tip_origin: Optional[Tuple[str, str]] = None

    @property
    def working_volume(self) -> float:
        """The most this pipette can hold with its current tip."""
        if not self.has_tip:
            return self.max_volume
        return min(self.max_volume, self.tip_volume)

    def mount_z(self, critical_z: float) -> float:
        """The Z axis position (deck frame) that puts the nozzle or tip end at ``critical_z``."""
        z = critical_z - float(self.model_config["nozzleOffset"][2])
        if self.has_tip:
            overlap = float(self.model_config.get("tipOverlap", {}).get("default", 0.0))
            z += self.tip_length - overlap
        return z

    def ul_per_mm(self, volume: float, action: str) -> float:
        """Plunger displacement for ``volume`` from the model's piecewise table."""
        table = self.model_config["ulPerMm"][0][action]
        for limit, slope, intercept in table:
            if volume <= limit:
                return slope * volume + intercept
        _, slope, intercept = table[-1]
        return slope * volume + intercept

    def plunger_position(self, volume: float, action: str) -> float:
        """Plunger position in mm that holds ``volume`` µL."""
        bottom = self.model_config["bottom"]["value"]
        if volume <= 0:
            return bottom
        return bottom + volume / self.ul_per_mm(volume, action)


@dataclass
class LabwareState:
    """A loaded labware: where it is and which tips it has given out."""

    labware_id: str
    definition: Definition
    location: Dict[str, str]
    origin: Point
    display_name: str
    used_tips: Set[str] = field(default_factory=set)
    _columns: Dict[str, Tuple[List[str], int]] = field(default_factory=dict, repr=False)

    @property
    def is_tiprack(self) -> bool:
        """Whether this labware holds tips."""
        return bool(self.definition["parameters"].get("isTiprack"))

    def column_below(self, well_name: str, count: int) -> List[str]:
        """``count`` wells from ``well_name`` down its column (for multi-channel pipettes)."""
        if count == 1:
            return [well_name]
        if not self._columns:
            for column in self.definition["ordering"]:
                for row, name in enumerate(column):
                    self._columns[name] = (column, row)
        column, start = self._columns.get(well_name, ([well_name], 0))
        return column[start : start + count]


@dataclass
class ModuleState:
    """A loaded module: its definition, slot and status values."""

    module_id: str
    model: str
    slot: str
    definition: Definition
    labware_origin: Point
    status: Dict[str, Any] = field(default_factory=dict)
