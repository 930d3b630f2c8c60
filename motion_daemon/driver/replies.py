"""Parsers for the board's data replies (M114.2, G28.6, M119, version, EEPROM) and plain-language alarm text."""
from __future__ import annotations

import re

from motion_daemon.driver.axes import AXES, AXIS_ORDER
from motion_daemon.driver.errors import ParseError

_AXIS_VALUE = re.compile(r"(?<![A-Za-z_])([XYZABC]):\s*(-?\d+(?:\.\d+)?)")
_SWITCH = re.compile(r"([XYZABC])_max:\s*([01])")
_PROBE = re.compile(r"Probe:\s*([01])")
_EEPROM = re.compile(r"(?<![A-Za-z_])([LR]):\s*([0-9A-Fa-f]*)")
_LIMIT = re.compile(r"(?:Hard limit|Limit switch)\s*([+-])([XYZABC])")


def _axis_values(text: str, what: str) -> dict[str, str]:
    found = dict(_AXIS_VALUE.findall(text))
    missing = [axis for axis in AXIS_ORDER if axis not in found]
    if missing:
        raise ParseError(f"{what} reply lacks axes {''.join(missing)}: {text!r}", reply=text)
    return found


def parse_position(text: str) -> dict[str, float]:
    """Parse `ok MCS: X:0.0000 Y:… C:…` into a position for all six axes."""
    return {axis: float(value) for axis, value in _axis_values(text, "M114.2").items()}


def parse_homed_flags(text: str) -> dict[str, bool]:
    """Parse `X:1 Y:0 Z:0 A:0 B:0 C:0` into homed flags for all six axes."""
    flags = _axis_values(text, "G28.6")
    if any(value not in ("0", "1") for value in flags.values()):
        raise ParseError(f"G28.6 flags must be 0 or 1: {text!r}", reply=text)
    return {axis: value == "1" for axis, value in flags.items()}


def parse_switches(text: str) -> dict[str, bool]:
    """Parse M119 into the six `<axis>_max` switch states plus `Probe` (True = triggered)."""
    states = {axis: value == "1" for axis, value in _SWITCH.findall(text)}
    probe = _PROBE.search(text)
    if len(states) != len(AXIS_ORDER) or probe is None:
        raise ParseError(f"M119 reply needs X..C _max and Probe: {text!r}", reply=text)
    states["Probe"] = probe.group(1) == "1"
    return states


def parse_version(text: str) -> str | None:
    """Return the firmware version from `Build version: edge-8414642, …` (the whole text if unlabelled)."""
    # Echo stripping may already have removed the word "version", so split on the colon, not the label.
    first = text.split(",")[0]
    _, colon, rest = first.partition(":")
    version = (rest if colon else first).replace("NOMSD", "").strip()
    return version or None


def decode_eeprom(text: str, mount_letter: str) -> str:
    """Decode an `L:<hex>` EEPROM reply to ASCII, stopping at the first 0x00 or 0xFF byte."""
    match = next((m for m in _EEPROM.finditer(text) if m.group(1) == mount_letter), None)
    if match is None or len(match.group(2)) % 2:
        raise ParseError(f"expected {mount_letter}:<hex> from the pipette EEPROM, got {text!r}", reply=text)
    raw = bytes.fromhex(match.group(2))
    end = next((i for i, byte in enumerate(raw) if byte in (0x00, 0xFF)), len(raw))
    value = raw[:end]
    if not all(32 < byte < 127 for byte in value):
        raise ParseError(f"pipette EEPROM holds non-text bytes: {text!r}", reply=text)
    return value.decode("ascii")


def normalize_model(name: str) -> str:
    """Turn an EEPROM model string into its model name: `_v13` → `_v1.3`, no version → `_v1`."""
    base, marker, version = name.rpartition("_v")
    if not marker:
        return f"{name}_v1"
    if version.isdigit() and len(version) > 1:
        version = f"{version[0]}.{version[1:]}"
    return f"{base}_v{version}"


def describe_alarm(text: str) -> tuple[str, str | None]:
    """Return a plain-language reason for an alarm reply and the axis it names, if any."""
    limit = _LIMIT.search(text)
    if limit:
        sign, letter = limit.groups()
        axis = AXES[letter]
        where = f"its {axis.max_switch} limit switch" if sign == "+" else "the low end of its travel"
        return f"{axis.plain_name} hit {where}", letter
    lowered = text.lower()
    if "homing fail" in lowered:
        return "homing failed: an axis did not reach its limit switch", None
    if "probing fail" in lowered:
        return "tip probing failed: the probe was never touched", None
    if "!!" in text or "alarm lock" in lowered:
        return "the board is halted and must be reset before it moves again", None
    return f"the motion controller raised an alarm: {text}", None
