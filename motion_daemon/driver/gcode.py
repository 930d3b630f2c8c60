"""The G-code vocabulary of the OT-2 Smoothie dialect: commands built from data, rendered to one line."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping

from motion_daemon.driver.axes import CURRENT_SETTLE_S, DEFAULT_ACCELERATION_S, sort_wire


class Code(str, Enum):
    """Every G/M code (and shell command) the driver sends."""

    HOME = "G28.2"
    HOMED_FLAGS = "G28.6"
    MOVE = "G0"
    ABSOLUTE = "G90"
    RELATIVE = "G91"
    DWELL = "G4"
    POSITION = "M114.2"
    SWITCHES = "M119"
    CURRENTS = "M907"
    STEPS_PER_MM = "M92"
    MAX_SPEEDS = "M203.1"
    ACCELERATION = "M204"
    WAIT = "M400"
    DISENGAGE = "M18"
    RESET = "M999"
    HALT = "M112"
    READ_ID = "M369"
    READ_MODEL = "M371"
    VERSION = "version"

    def __str__(self) -> str:
        return self.value


def fmt(value: float) -> str:
    """Render a number as the firmware dialect does: integers bare, floats rounded to 3 decimals."""
    if isinstance(value, int):
        return str(value)
    return str(round(value, 3))


def _integral(value: float) -> float:
    """Return an int when the value is whole, so 400 mm/s renders as F24000."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Command:
    """One line of G-code words; commands concatenate with + into one line."""

    words: tuple[str, ...]

    def __add__(self, other: "Command") -> "Command":
        return Command(self.words + other.words)

    def render(self) -> str:
        """Return the words joined by single spaces (framing is the line protocol's job)."""
        return " ".join(self.words)


def _words(code: Code, values: Mapping[str, float], order: str | None = None) -> Command:
    axes = order if order is not None else sort_wire("".join(values))
    return Command((code.value, *(f"{axis}{fmt(values[axis])}" for axis in axes if axis in values)))


def home(axes: str) -> Command:
    """G28.2: home the listed axes together."""
    return Command((Code.HOME.value, sort_wire(axes)))


def move(targets: Mapping[str, float]) -> Command:
    """G0: an absolute move of the given axes (wire order, 3 decimals)."""
    return _words(Code.MOVE, targets)


def relative_moves(*steps: Mapping[str, float]) -> Command:
    """G91, then one G0 per step, then G90: relative steps used only by homing."""
    line = Command((Code.RELATIVE.value,))
    for step in steps:
        line = line + _words(Code.MOVE, step)
    return line + Command((Code.ABSOLUTE.value,))


def feed_rate(mm_s: float) -> Command:
    """G0 F: the combined feed rate, in mm/min on the wire."""
    return Command((Code.MOVE.value, f"F{fmt(_integral(round(mm_s * 60, 3)))}"))


def dwell(seconds: float) -> Command:
    """G4 P: wait the given seconds."""
    return Command((Code.DWELL.value, f"P{fmt(seconds)}"))


def currents(amps: Mapping[str, float]) -> Command:
    """M907 for the given axes then a short dwell so the drivers settle."""
    return _words(Code.CURRENTS, amps) + dwell(CURRENT_SETTLE_S)


def steps_per_mm(steps: Mapping[str, float]) -> Command:
    """M92 in the caller's axis order."""
    return _words(Code.STEPS_PER_MM, steps, order="".join(steps))


def max_speeds(speeds: Mapping[str, float]) -> Command:
    """M203.1: per-axis maximum speed in mm/s."""
    return _words(Code.MAX_SPEEDS, speeds)


def acceleration(accels: Mapping[str, float]) -> Command:
    """M204: the default acceleration then per-axis values in mm/s²."""
    per_axis = _words(Code.ACCELERATION, accels).words[1:]
    return Command((Code.ACCELERATION.value, f"S{DEFAULT_ACCELERATION_S}", *per_axis))


def disengage(axes: str) -> Command:
    """M18: power the listed motors off (letters kept in the caller's order)."""
    return Command((Code.DISENGAGE.value, axes))


def read_instrument_id(mount_letter: str) -> Command:
    """M369 L|R: read the pipette serial number from its EEPROM."""
    return Command((Code.READ_ID.value, mount_letter))


def read_instrument_model(mount_letter: str) -> Command:
    """M371 L|R: read the pipette model string from its EEPROM."""
    return Command((Code.READ_MODEL.value, mount_letter))


def simple(code: Code) -> Command:
    """A code sent with no arguments (G28.6, M114.2, M119, M400, M999, M112, G90, version)."""
    return Command((code.value,))
