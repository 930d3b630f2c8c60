"""The OT-2 homing order as data: which axes home together, with which currents, speeds and back-offs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from motion_daemon.driver import gcode
from motion_daemon.driver.axes import (
    AXES, AXIS_ORDER, HOMING_SPEEDS_MM_S, Y_BACKOFF_CURRENT_A, Y_BACKOFF_SPEED_MM_S,
    Y_CREEP_SPEED_MM_S, Y_RETRACT_MM, currents_for, sort_wire,
)
from motion_daemon.driver.gcode import Code, Command
from motion_daemon.driver.runner import Capabilities

MOUNT_AND_PLUNGER_GROUP = "ZABC"
Y_BACKOFF_MM = (-28, 10)


@dataclass(frozen=True)
class Step:
    """One line to send, how long its motion may take, and (for a home) the speed of each axis it homes."""

    command: Command
    expected_s: float = 0.0
    homing_speeds: Mapping[str, float] = field(default_factory=dict)


def expand_home_axes(axes: str) -> str:
    """Homing Y needs X clear of it, and homing X needs both mounts up."""
    wanted = set(axes)
    if "Y" in wanted:
        wanted.add("X")
    if "X" in wanted:
        wanted.update("ZA")
    return "".join(axis for axis in AXIS_ORDER if axis in wanted)


def _full_travel_s(axis: str, speed_mm_s: float) -> float:
    spec = AXES[axis]
    return (spec.max_mm - spec.min_mm) / speed_mm_s


class HomingPlan:
    """Builds the home sequence for a board, leaving out codes it does not support."""

    def __init__(self, revision: str, capabilities: Capabilities) -> None:
        self._revision = revision
        self._caps = capabilities

    def steps(self, axes: str) -> list[Step]:
        """Every line of a home of `axes` (already checked), in the firmware's required order."""
        expanded = expand_home_axes(axes)
        steps: list[Step] = []
        group = "".join(axis for axis in MOUNT_AND_PLUNGER_GROUP if axis in expanded)
        if group:
            steps += self._home_group(group)
        if "X" in expanded:
            steps += self._home_x()
        if "Y" in expanded:
            steps += self._home_y()
        return steps

    def _currents(self, amps: dict[str, float]) -> Command:
        return gcode.currents(amps) if self._caps.supports(Code.CURRENTS) else Command(())

    def _speeds(self, speeds: dict[str, float]) -> list[Step]:
        return [Step(gcode.max_speeds(speeds))] if self._caps.supports(Code.MAX_SPEEDS) else []

    def _restore_speeds(self) -> list[Step]:
        return self._speeds({axis: AXES[axis].max_speed_mm_s for axis in AXIS_ORDER})

    def _dwell(self) -> list[Step]:
        if not self._caps.supports(Code.CURRENTS):
            return []
        return [Step(self._currents(currents_for(self._revision, "")))]

    def _home_group(self, group: str) -> list[Step]:
        slowest = max(_full_travel_s(axis, AXES[axis].max_speed_mm_s) for axis in group)
        home = self._currents(currents_for(self._revision, group)) + gcode.home(sort_wire(group))
        return [Step(home, slowest, {axis: AXES[axis].max_speed_mm_s for axis in group}), *self._dwell()]

    def _home_x(self) -> list[Step]:
        backoff_amps = {**currents_for(self._revision, ""), "Y": Y_BACKOFF_CURRENT_A}
        backoff_s = sum(abs(d) for d in Y_BACKOFF_MM) / Y_BACKOFF_SPEED_MM_S
        backoff = self._currents(backoff_amps) + gcode.relative_moves(*({"Y": d} for d in Y_BACKOFF_MM))
        home = self._currents(currents_for(self._revision, "X")) + gcode.home("X")
        return [
            *self._speeds({"Y": Y_BACKOFF_SPEED_MM_S}), Step(backoff, backoff_s),
            *self._speeds({"X": HOMING_SPEEDS_MM_S["X"]}),
            Step(home, _full_travel_s("X", HOMING_SPEEDS_MM_S["X"]), {"X": HOMING_SPEEDS_MM_S["X"]}),
            *self._restore_speeds(),
        ]

    def _home_y(self) -> list[Step]:
        retract = gcode.relative_moves({"Y": -Y_RETRACT_MM})
        retract_s = Y_RETRACT_MM / Y_CREEP_SPEED_MM_S
        home = self._currents(currents_for(self._revision, "Y")) + gcode.home("Y")
        return [
            *self._speeds({"Y": HOMING_SPEEDS_MM_S["Y"]}),
            Step(home, _full_travel_s("Y", HOMING_SPEEDS_MM_S["Y"]), {"Y": HOMING_SPEEDS_MM_S["Y"]}),
            *self._speeds({"Y": Y_CREEP_SPEED_MM_S}), Step(retract, retract_s),
            Step(gcode.home("Y"), 2 * Y_RETRACT_MM / Y_CREEP_SPEED_MM_S, {"Y": Y_CREEP_SPEED_MM_S}),
            Step(retract, retract_s),
            *self._restore_speeds(), *self._dwell(),
        ]
