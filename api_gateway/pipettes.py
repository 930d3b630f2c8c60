"""The `/pipettes` body: the motion daemon's attached pipettes with every field the robot's API lists."""
from __future__ import annotations

from typing import Any

from api_gateway.axes import MOUNT_AXIS, PLUNGER_AXIS


def pipettes_body(attached: Any) -> dict[str, dict[str, Any]]:
    """`{left: {...}, right: {...}}` with every field present (nulls for an empty mount)."""
    attached = attached if isinstance(attached, dict) else {}
    return {mount: _mount_entry(mount, attached.get(mount)) for mount in ("left", "right")}


def _mount_entry(mount: str, pipette: Any) -> dict[str, Any]:
    pipette = pipette if isinstance(pipette, dict) else {}
    tip_length = pipette.get("tip_length")
    return {"model": _text(pipette.get("model")), "name": _text(pipette.get("name")),
            "tip_length": float(tip_length) if isinstance(tip_length, (int, float)) and pipette.get("model")
            else None,
            "mount_axis": MOUNT_AXIS[mount], "plunger_axis": PLUNGER_AXIS[mount], "id": _text(pipette.get("id"))}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
