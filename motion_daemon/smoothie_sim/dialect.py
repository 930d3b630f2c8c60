"""Byte-level texts of the OT-2 Smoothie firmware dialect: replies, alarms, EEPROM hex and line splitting."""
from __future__ import annotations

import math
import re
from typing import Mapping

from motion_daemon.driver.axes import AXIS_ORDER

FIRMWARE_VERSION = "edge-8414642"
# Not a firmware command: the simulated board's stand-in for the ISP and reset pins the OT-2 drives by GPIO.
ISP_COMMAND = "isp"


def version_reply(version: str) -> str:
    """The `version` shell command's answer for a board running `version`."""
    return f"Build version: {version}, Build date: Mar 18 2019 21:26:42, MCU: LPC1769, System Clock: 120MHz"


VERSION_REPLY = version_reply(FIRMWARE_VERSION)
OK = "ok"
HALTED = "!!"
HALT_ACCEPTED = "ok Emergency Stop Requested - reset or M999 required to exit HALT state"
AFTER_HALT_WARNING = "WARNING: After HALT you should HOME as position is currently unknown"
UNSUPPORTED = "error:Unsupported command"
EEPROM_BYTES = 32
MAX_WORD_VALUE = 1e6

_CODE_START = re.compile(r"^[GM]\d")


def split_codes(line: str) -> list[tuple[str, list[str]]]:
    """Split a line into (code, argument words) groups: the firmware starts a new group at each G or M word."""
    groups: list[tuple[str, list[str]]] = []
    for word in line.split():
        if _CODE_START.match(word) or not groups:
            groups.append((word.upper(), []))
        else:
            groups[-1][1].append(word)
    return groups


def axis_args(args: list[str]) -> dict[str, float]:
    """Parse words like `X100.5` into {letter: value}; raise ValueError on a malformed or absurd word."""
    values: dict[str, float] = {}
    for word in args:
        value = float(word[1:])
        if not math.isfinite(value) or abs(value) > MAX_WORD_VALUE:
            raise ValueError(f"value out of range in {word}")
        values[word[0].upper()] = value
    return values


def positive_args(args: list[str]) -> dict[str, float]:
    """Like axis_args, for settings (feed, speeds, accelerations) that must be above zero."""
    values = axis_args(args)
    if any(value <= 0 for value in values.values()):
        raise ValueError(f"values must be above 0: {' '.join(args)}")
    return values


def position_reply(position: Mapping[str, float]) -> str:
    """M114.2: the real-time machine position, 4 decimals."""
    return "ok MCS: " + " ".join(f"{axis}:{position[axis]:.4f}" for axis in AXIS_ORDER)


def homed_reply(homed: Mapping[str, bool]) -> str:
    """G28.6: one 0/1 flag per axis."""
    return " ".join(f"{axis}:{int(homed[axis])}" for axis in AXIS_ORDER)


def switches_reply(triggered: Mapping[str, bool], probe: bool = False) -> str:
    """M119: max switches, the raw pin list, then the probe."""
    maxes = " ".join(f"{axis}_max:{int(triggered[axis])}" for axis in AXIS_ORDER)
    pins = " ".join(f"({axis}L)2.0{i}:{int(triggered[axis])}" for i, axis in enumerate(AXIS_ORDER, 1))
    return f"{maxes} _pins {pins} Probe: {int(probe)}"


def alarm_text(axis: str, sign: str = "+") -> str:
    """The alarm the firmware prints when a limit switch is hit."""
    return f"ALARM: Hard limit {sign}{axis}"


def eeprom_model_text(model: str) -> str:
    """Model names are stored without the dot: p300_single_v2.0 is written as p300_single_v20."""
    base, marker, version = model.rpartition("_v")
    return f"{base}_v{version.replace('.', '')}" if marker else model


def eeprom_reply(mount_letter: str, text: str) -> str:
    """`L:<HEX>`: the EEPROM bytes, NUL-terminated and padded with 0xFF, in uppercase hex."""
    raw = text.encode("ascii") + b"\x00"
    raw += b"\xff" * max(0, EEPROM_BYTES - len(raw))
    return f"{mount_letter}:{raw.hex().upper()}"


def no_instrument(mount_letter: str) -> str:
    """The firmware's reply when no pipette is on the mount."""
    return f"error:no {mount_letter} instrument found"
