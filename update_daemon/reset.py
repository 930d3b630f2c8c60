"""Factory-reset options: each id wipes exactly its own data, through the service that owns that data."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ResetOption:
    """One entry of /settings/reset/options: either folders the update daemon owns and wipes itself, or data of
    another service (`owner`), which wipes it when asked `<owner>.reset {"options": [id, ...]}`."""

    id: str
    name: str
    description: str
    folders: tuple[str, ...] = ()
    owner: str | None = None


OPTIONS: tuple[ResetOption, ...] = (
    ResetOption("deckCalibration", "Deck Calibration", "Clear the deck calibration", owner="calibration"),
    ResetOption("pipetteOffsetCalibrations", "Pipette Offset Calibrations", "Clear every pipette offset calibration",
                owner="calibration"),
    ResetOption("tipLengthCalibrations", "Tip Length Calibrations", "Clear every tip length calibration",
                owner="calibration"),
    ResetOption("runsHistory", "Clear Runs History", "Clear the protocols stored on the robot and their runs",
                owner="runs"),
    ResetOption("bootScripts", "Boot Scripts", "Clear the scripts run when the robot starts", folders=("boot.d",)),
    ResetOption("authorizedKeys", "SSH Authorized Keys", "Clear the SSH public keys allowed to log in",
                folders=("ssh",)),
)

BY_ID: dict[str, ResetOption] = {option.id: option for option in OPTIONS}


def by_owner(chosen: list[ResetOption]) -> dict[str, list[str]]:
    """The chosen options that other services own, as {service: [option ids]}, in option order."""
    owners: dict[str, list[str]] = {}
    for option in chosen:
        if option.owner is not None:
            owners.setdefault(option.owner, []).append(option.id)
    return owners


def wipe(data_dir: Path, option: ResetOption) -> None:
    """Delete the option's own folders (a missing folder is already reset)."""
    for folder in option.folders:
        shutil.rmtree(data_dir / folder, ignore_errors=True)
