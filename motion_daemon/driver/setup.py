"""The connection set-up sequence the OT-2 runs on its Smoothie, tolerant of boards that know only basic codes."""
from __future__ import annotations

import time
from dataclasses import dataclass

from motion_daemon.driver import gcode
from motion_daemon.driver.axes import AXES, AXIS_ORDER, DEFAULT_FEED_MM_S, currents_for
from motion_daemon.driver.errors import ErrorResponse, ParseError
from motion_daemon.driver.gcode import Code
from motion_daemon.driver.replies import parse_homed_flags, parse_position, parse_version
from motion_daemon.driver.runner import CommandRunner

# The firmware needs a moment after the handshake before it takes M999.
RESET_SETTLE_S = 0.1
FEED_RATE = "feed_rate"


@dataclass(frozen=True)
class SetupResult:
    """What the board told us while setting up."""

    position: dict[str, float]
    homed: dict[str, bool] | None
    firmware_version: str | None


def _steps_per_mm() -> list[gcode.Command]:
    gantry = {axis: AXES[axis].steps_per_mm for axis in "XYZA"}
    plungers = {axis: AXES[axis].steps_per_mm for axis in "BC"}
    return [gcode.steps_per_mm(gantry), gcode.steps_per_mm(plungers)]


def _read_version(runner: CommandRunner) -> str | None:
    try:
        return parse_version(runner.run(gcode.simple(Code.VERSION)))
    except ErrorResponse:
        return None


def run_setup(runner: CommandRunner, revision: str) -> SetupResult:
    """Handshake, clear any halt, read homed flags, load steps/speeds/accelerations, read position and version."""
    runner.handshake()
    time.sleep(RESET_SETTLE_S)
    runner.run_optional(gcode.simple(Code.RESET), Code.RESET)
    flags_text = runner.run_optional(gcode.simple(Code.HOMED_FLAGS), Code.HOMED_FLAGS)
    for command in _steps_per_mm():
        runner.run_optional(command, Code.STEPS_PER_MM)
    runner.run_optional(gcode.simple(Code.ABSOLUTE), Code.ABSOLUTE)
    position = parse_position(runner.run(gcode.simple(Code.POSITION)))
    runner.run_optional(gcode.max_speeds({a: AXES[a].max_speed_mm_s for a in AXIS_ORDER}), Code.MAX_SPEEDS)
    runner.run_optional(gcode.feed_rate(DEFAULT_FEED_MM_S), FEED_RATE)
    runner.run_optional(gcode.acceleration({a: AXES[a].acceleration_mm_s2 for a in AXIS_ORDER}), Code.ACCELERATION)
    version = _read_version(runner)
    runner.run_optional(gcode.currents(currents_for(revision, "")), Code.CURRENTS)
    return SetupResult(position, _homed_flags(runner, flags_text), version)


def _homed_flags(runner: CommandRunner, text: str | None) -> dict[str, bool] | None:
    """The board's homed flags, or None when it does not keep them (a board that ignores G28.6)."""
    if text is None:
        return None
    try:
        return parse_homed_flags(text)
    except ParseError:
        runner.capabilities.unsupported.add(Code.HOMED_FLAGS.value)
        return None
