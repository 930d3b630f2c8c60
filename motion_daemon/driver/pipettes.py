"""Reads the attached pipettes from their EEPROMs (model with M371, serial number with M369)."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import structlog

from motion_daemon.driver import gcode
from motion_daemon.driver.errors import ErrorResponse
from motion_daemon.driver.gcode import Code, Command
from motion_daemon.driver.replies import decode_eeprom, normalize_model
from motion_daemon.driver.runner import CommandRunner
from motion_daemon.driver.state import PipetteInfo

log = structlog.get_logger(__name__)

MOUNT_LETTERS: Mapping[str, str] = MappingProxyType({"left": "L", "right": "R"})
# The OT-2 powers the mount and plunger motors off and waits briefly before every pipette EEPROM read.
EEPROM_MOTORS = "ZABC"
EEPROM_SETTLE_S = 0.1
EEPROM = "eeprom"


def _read_field(runner: CommandRunner, command: Command, letter: str) -> str | None:
    """One EEPROM field, or None when no pipette is attached or the board cannot read EEPROMs."""
    try:
        reply = runner.run(command)
    except ErrorResponse as exc:
        if "instrument found" in exc.reply or "no data found" in exc.reply:
            return None
        log.warning("pipette_eeprom_unsupported", reply=exc.reply)
        runner.capabilities.unsupported.add(EEPROM)
        return None
    if not reply:
        # A board that silently ignores M369/M371 has no EEPROM reader.
        runner.capabilities.unsupported.add(EEPROM)
        return None
    return decode_eeprom(reply, letter)


def read_mount(runner: CommandRunner, mount: str) -> PipetteInfo | None:
    """Read the pipette on one mount ('left' or 'right'); None if none is attached."""
    letter = MOUNT_LETTERS[mount]
    runner.run_optional(gcode.disengage(EEPROM_MOTORS), Code.DISENGAGE)
    runner.run_optional(gcode.dwell(EEPROM_SETTLE_S), Code.DWELL, EEPROM_SETTLE_S)
    model = _read_field(runner, gcode.read_instrument_model(letter), letter)
    if model is None:
        return None
    pipette_id = _read_field(runner, gcode.read_instrument_id(letter), letter)
    return PipetteInfo(normalize_model(model), pipette_id)


def read_all(runner: CommandRunner) -> dict[str, PipetteInfo | None]:
    """Read both mounts; a board without EEPROM support reports no pipettes."""
    found: dict[str, PipetteInfo | None] = {}
    for mount in MOUNT_LETTERS:
        found[mount] = read_mount(runner, mount) if runner.capabilities.supports(EEPROM) else None
    return found
