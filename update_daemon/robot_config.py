"""The OT-2 robot configuration served at /settings/robot: the stock defaults, with the robot's name."""
from __future__ import annotations

import copy
from typing import Any

_CURRENTS = {
    "high_current": {"default": {"X": 1.25, "Y": 1.25, "Z": 0.5, "A": 0.5, "B": 0.05, "C": 0.05},
                     "2.1": {"X": 1.25, "Y": 1.25, "Z": 0.8, "A": 0.8, "B": 0.05, "C": 0.05}},
    "low_current": {"default": {"X": 0.7, "Y": 0.7, "Z": 0.1, "A": 0.1, "B": 0.05, "C": 0.05},
                    "2.1": {"X": 0.3, "Y": 0.3, "Z": 0.1, "A": 0.1, "B": 0.05, "C": 0.05}},
}

DEFAULTS: dict[str, Any] = {
    "model": "OT-2 Standard",
    "name": "Ada Lovelace",
    "version": 4,
    "gantry_steps_per_mm": {"X": 80.0, "Y": 80.0, "Z": 400.0, "A": 400.0},
    "acceleration": {"X": 3000, "Y": 2000, "Z": 1500, "A": 1500, "B": 200, "C": 200},
    "serial_speed": 115200,
    "default_pipette_configs": {"homePosition": 220, "stepsPerMM": 768, "maxTravel": 30},
    "default_current": copy.deepcopy(_CURRENTS["high_current"]),
    "low_current": _CURRENTS["low_current"],
    "high_current": _CURRENTS["high_current"],
    "default_max_speed": {"X": 600, "Y": 400, "Z": 125, "A": 125, "B": 40, "C": 40},
    "log_level": "INFO",
    "z_retract_distance": 2,
    "left_mount_offset": [-34, 0, 0],
}


def robot_config() -> dict[str, Any]:
    """A fresh copy of the robot configuration (callers may change it freely)."""
    return copy.deepcopy(DEFAULTS)
