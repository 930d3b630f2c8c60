"""Factory-reset options: each id wipes exactly its own folders under the data directory."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ResetOption:
    """One entry of /settings/reset/options and the data-dir folders it wipes."""

    id: str
    name: str
    description: str
    folders: tuple[str, ...]


OPTIONS: tuple[ResetOption, ...] = (
    ResetOption("deckCalibration", "Deck Calibration", "Clear the deck calibration",
                ("calibration/deck",)),
    ResetOption("pipetteOffsetCalibrations", "Pipette Offset Calibrations", "Clear every pipette offset calibration",
                ("calibration/pipette_offset",)),
    ResetOption("tipLengthCalibrations", "Tip Length Calibrations", "Clear every tip length calibration",
                ("calibration/tip_length",)),
    ResetOption("moduleCalibration", "Module Calibrations", "Clear every module calibration",
                ("calibration/modules",)),
    ResetOption("runsHistory", "Clear Runs History", "Clear the protocols stored on the robot and their runs",
                ("runs", "protocols")),
    ResetOption("bootScripts", "Boot Scripts", "Clear the scripts run when the robot starts",
                ("boot.d",)),
    ResetOption("authorizedKeys", "SSH Authorized Keys", "Clear the SSH public keys allowed to log in",
                ("ssh",)),
)

BY_ID: dict[str, ResetOption] = {option.id: option for option in OPTIONS}


def wipe(data_dir: Path, option: ResetOption) -> None:
    """Delete the option's folders (a missing folder is already reset)."""
    for folder in option.folders:
        shutil.rmtree(data_dir / folder, ignore_errors=True)
