"""The calibration session types as data: which command may run in which step, and the step it leads to."""
from __future__ import annotations

from typing import Dict, Tuple

SESSION_TYPES = ("deckCalibration", "pipetteOffsetCalibration", "tipLengthCalibration", "calibrationCheck")
COMMAND_PREFIXES = ("calibration.deck.", "calibration.tipLength.", "calibration.check.", "calibration.")
Moves = Dict[str, str]

_TIP_HANDLING: Dict[str, Moves] = {
    "loadLabware": {"sessionStarted": "labwareLoaded"},
    "moveToTipRack": {"labwareLoaded": "preparingPipette", "measuringNozzleOffset": "preparingPipette",
                      "preparingPipette": "preparingPipette"},
    "pickUpTip": {"preparingPipette": "inspectingTip"},
    "invalidateTip": {"inspectingTip": "labwareLoaded"},
}
_DECK_POINTS: Dict[str, Moves] = {
    "moveToDeck": {"inspectingTip": "joggingToDeck"},
    "moveToPointOne": {"joggingToDeck": "savingPointOne"},
}

# For each session type: command -> {step it may run in: step it leads to}. `jog`, `saveOffset` and
# `exitSession` are handled on their own (saveOffset's next step depends on what was saved).
TRANSITIONS: Dict[str, Dict[str, Moves]] = {
    "deckCalibration": {**_TIP_HANDLING, **_DECK_POINTS,
                        "moveToPointTwo": {"savingPointOne": "savingPointTwo"},
                        "moveToPointThree": {"savingPointTwo": "savingPointThree"}},
    "pipetteOffsetCalibration": {**_TIP_HANDLING, **_DECK_POINTS},
    "tipLengthCalibration": {**_TIP_HANDLING,
                             "moveToReferencePoint": {"labwareLoaded": "measuringNozzleOffset",
                                                      "inspectingTip": "measuringTipOffset"}},
    # A check measures like a deck calibration, with everything stored applied, and saves nothing.
    "calibrationCheck": {**_TIP_HANDLING, "moveToDeck": {"inspectingTip": "comparingHeight"},
                         "moveToPointOne": {"comparingHeight": "comparingPointOne"},
                         "moveToPointTwo": {"comparingPointOne": "comparingPointTwo"},
                         "moveToPointThree": {"comparingPointTwo": "comparingPointThree"}},
}
_CALIBRATING = ("jog", "saveOffset", "exitSession")
FREE_COMMANDS: Dict[str, Tuple[str, ...]] = {
    "deckCalibration": _CALIBRATING, "pipetteOffsetCalibration": _CALIBRATING, "tipLengthCalibration": _CALIBRATING,
    "calibrationCheck": ("jog", "comparePoint", "exitSession")}
# Steps in which the pipette is somewhere a person may jog it and save.
JOG_STEPS = frozenset({"preparingPipette", "inspectingTip", "joggingToDeck", "savingPointOne", "savingPointTwo",
                       "savingPointThree", "measuringNozzleOffset", "measuringTipOffset", "comparingHeight",
                       "comparingPointOne", "comparingPointTwo", "comparingPointThree"})


def command_name(command: str) -> str:
    """`calibration.deck.moveToPointTwo` -> `moveToPointTwo` (the bare names are accepted too)."""
    for prefix in COMMAND_PREFIXES:
        if command.startswith(prefix):
            return command[len(prefix):]
    return command


def supported_commands(session_type: str) -> Tuple[str, ...]:
    """Every command a session of this type knows, by its bare name."""
    return tuple(TRANSITIONS[session_type]) + FREE_COMMANDS[session_type]
