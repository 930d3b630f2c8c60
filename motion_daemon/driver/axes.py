"""The OT-2 axis table and motor settings as data: bounds, homed positions, speeds, accelerations, currents."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

AXIS_ORDER = "XYZABC"
# The firmware wants the axes of one command in this order (see the G0 format of the dialect).
WIRE_ORDER = "ABCXYZ"
PLUNGER_AXES = "BC"
PLUNGER_OVERSHOOT_MM = 0.3
DEFAULT_FEED_MM_S = 400.0
DEFAULT_ACCELERATION_S = 10000
CURRENT_SETTLE_S = 0.005


@dataclass(frozen=True)
class AxisSpec:
    """One motor axis: where it may go and how it is driven."""

    letter: str
    plain_name: str
    max_switch: str
    homed_mm: float
    min_mm: float
    max_mm: float
    steps_per_mm: float
    max_speed_mm_s: int
    acceleration_mm_s2: int


AXES: Mapping[str, AxisSpec] = MappingProxyType({
    "X": AxisSpec("X", "gantry X", "right-hand", 418.0, 0.0, 418.0, 80.0, 600, 3000),
    "Y": AxisSpec("Y", "gantry Y", "back", 353.0, 0.0, 370.0, 80.0, 400, 2000),
    "Z": AxisSpec("Z", "left pipette Z", "top", 218.0, 0.0, 218.0, 400, 125, 1500),
    "A": AxisSpec("A", "right pipette Z", "top", 218.0, 0.0, 218.0, 400, 125, 1500),
    "B": AxisSpec("B", "left pipette plunger", "top", 19.0, -40.0, 19.5, 768, 40, 200),
    "C": AxisSpec("C", "right pipette plunger", "top", 19.0, -40.0, 19.5, 768, 40, 200),
})

# Motor currents in amps, keyed by board revision; "2.1" is also what an unknown board uses.
ACTIVE_CURRENTS: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "default": MappingProxyType({"X": 1.25, "Y": 1.25, "Z": 0.5, "A": 0.5, "B": 0.05, "C": 0.05}),
    "2.1": MappingProxyType({"X": 1.25, "Y": 1.25, "Z": 0.8, "A": 0.8, "B": 0.05, "C": 0.05}),
})
DWELL_CURRENTS: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "default": MappingProxyType({"X": 0.7, "Y": 0.7, "Z": 0.1, "A": 0.1, "B": 0.05, "C": 0.05}),
    "2.1": MappingProxyType({"X": 0.3, "Y": 0.3, "Z": 0.1, "A": 0.1, "B": 0.05, "C": 0.05}),
})

# Homing runs slower than travel on the gantry, and Y creeps onto its switch a second time.
HOMING_SPEEDS_MM_S: Mapping[str, int] = MappingProxyType({"X": 80, "Y": 80})
Y_BACKOFF_SPEED_MM_S = 50
Y_BACKOFF_CURRENT_A = 0.8
Y_CREEP_SPEED_MM_S = 8
Y_RETRACT_MM = 3


def sort_wire(axes: str) -> str:
    """Return the axis letters in the order the firmware expects (A, B, C, X, Y, Z)."""
    return "".join(sorted(set(axes), key=WIRE_ORDER.index))


def check_axes(axes: str) -> str:
    """Return the axes upper-cased and de-duplicated, or raise ValueError naming any unknown letter."""
    upper = axes.upper()
    unknown = sorted({a for a in upper if a not in AXES})
    if unknown:
        raise ValueError(f"unknown axis {', '.join(unknown)}: expected letters from {AXIS_ORDER}")
    return sort_wire(upper)


def currents_for(revision: str, active_axes: str) -> dict[str, float]:
    """Return the current of every axis: active for the moving ones, dwell for the rest."""
    active = ACTIVE_CURRENTS.get(revision, ACTIVE_CURRENTS["2.1"])
    dwell = DWELL_CURRENTS.get(revision, DWELL_CURRENTS["2.1"])
    return {axis: (active[axis] if axis in active_axes else dwell[axis]) for axis in AXIS_ORDER}
