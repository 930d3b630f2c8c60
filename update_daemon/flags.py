"""The OT-2 feature flags served at /settings: ids, titles, descriptions, defaults, and whether a change needs a restart."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureFlag:
    """One advanced setting; `old_id` is the name older robot software stored it under."""

    id: str
    old_id: str | None
    title: str
    description: str
    default: bool = False
    restart_required: bool = False


FLAGS: tuple[FeatureFlag, ...] = (
    FeatureFlag("shortFixedTrash", "short-fixed-trash", "Short (55mm) fixed trash",
                "Use when the robot has the shorter 55 mm trash bin in slot 12 instead of the standard one."),
    FeatureFlag("deckCalibrationDots", "dots-deck-type", "Deck calibration to dots",
                "Calibrate the deck against the etched dots instead of the crosses (older decks)."),
    FeatureFlag("disableHomeOnBoot", "disable-home-on-boot", "Disable home on boot",
                "Do not home the gantry when the robot starts up."),
    FeatureFlag("useOldAspirationFunctions", None, "Use older aspirate behavior",
                "Aspirate with the pipette volume conversion of older software; most protocols should leave it off."),
    FeatureFlag("enableDoorSafetySwitch", None, "Enable robot door safety switch",
                "Pause a running protocol when the robot door is opened."),
    FeatureFlag("enablePerformanceMetrics", None, "Enable performance metrics",
                "Record timing data of protocol analysis and runs on the robot.", restart_required=True),
    FeatureFlag("allowLiquidClasses", None, "Allow liquid classes",
                "Allow protocols to use the liquid class feature (in development)."),
)

BY_ID: dict[str, FeatureFlag] = {flag.id: flag for flag in FLAGS}
