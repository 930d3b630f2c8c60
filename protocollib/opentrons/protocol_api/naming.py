"""How the run log names places: wells, labware, slots, points and the trash bin."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Optional

from opentrons.protocols.api_level import APIVersion
from opentrons.types import Location

SLOT_WORD_FROM = APIVersion(2, 14)


def slot_text(slot: str, level: APIVersion) -> str:
    """'3' before apiLevel 2.14, 'slot 3' from then on."""
    return f"slot {slot}" if level >= SLOT_WORD_FROM else slot


def describe(location: Any) -> str:
    """The run-log text for a well, labware, trash bin or Location."""
    if isinstance(location, list):
        return describe(location[0]) if location else "[]"
    if isinstance(location, Location):
        if location.labware is None:
            return str(location.point)
        if isinstance(location.labware, str):
            return location.labware
        return repr(location.labware)
    return repr(location)


def volume_text(volume: Any) -> str:
    """Volumes print as floats, lists of volumes as lists of floats; anything else raises TypeError."""
    if isinstance(volume, list):
        return str([float(v) for v in volume])
    # Like the reference, a (start, end) gradient tuple cannot be named and fails here.
    return str(float(volume))


def delay_text(seconds: float, minutes: float, msg: Optional[str]) -> str:
    """'Delaying for M minutes and S seconds', with the message appended."""
    total = timedelta(minutes=minutes, seconds=seconds).total_seconds()
    whole_minutes, rest = divmod(total, 60)
    text = f"Delaying for {int(whole_minutes)} minutes and {round(rest, 3)} seconds"
    return f"{text}. {msg}" if msg else text
