"""Axis names as the robot's HTTP API spells them, and their bus letters (x, y, z, a, b, c)."""
from __future__ import annotations

from typing import Any

from api_gateway.errors import invalid

# `/motors/engaged` keys in the order the robot lists them, with the bus letter each reports.
ENGAGED_KEYS: tuple[tuple[str, str], ...] = (("x", "x"), ("y", "y"), ("z_l", "z"), ("z_r", "a"), ("p_l", "b"),
                                             ("p_r", "c"))
# Names `/motors/disengage` accepts (case-insensitive), the OT-2 aliases z, a, b, c included.
DISENGAGE_NAMES: dict[str, str] = {**{name: letter for name, letter in ENGAGED_KEYS},
                                   "z": "z", "a": "a", "b": "b", "c": "c"}
# Axes of other robots: accepted and dropped on an OT-2, as the robot does.
OTHER_ROBOT_AXES = frozenset({"z_g", "q", "g"})
MOUNT_AXIS = {"left": "z", "right": "a"}
PLUNGER_AXIS = {"left": "b", "right": "c"}
MAX_AXES = 16


def engaged_body(engaged: Any) -> dict[str, dict[str, bool]]:
    """The `/motors/engaged` body from the motion daemon's `{x: bool, …, c: bool}`."""
    engaged = engaged if isinstance(engaged, dict) else {}
    return {key: {"enabled": bool(engaged.get(letter, False))} for key, letter in ENGAGED_KEYS}


def disengage_request(body: Any) -> tuple[list[str], list[str]]:
    """The names as given (lower case) and the bus letters to disengage, from a `{"axes": [...]}` body."""
    axes = body.get("axes") if isinstance(body, dict) else None
    if not isinstance(axes, list) or len(axes) > MAX_AXES or not all(isinstance(a, str) for a in axes):
        raise invalid(f"body.axes: expected a list of at most {MAX_AXES} axis names from "
                      f"{', '.join(sorted(DISENGAGE_NAMES))}", source={"pointer": "/axes"})
    names = [axis.strip().lower() for axis in axes]
    unknown = [name for name in names if name not in DISENGAGE_NAMES and name not in OTHER_ROBOT_AXES]
    if unknown:
        raise invalid(f"body.axes: unknown axis {unknown[0][:20]!r}; expected names from "
                      f"{', '.join(sorted(DISENGAGE_NAMES | dict.fromkeys(OTHER_ROBOT_AXES)))}",
                      source={"pointer": "/axes"})
    letters = sorted({DISENGAGE_NAMES[name] for name in names if name in DISENGAGE_NAMES})
    return names, letters
