"""The `/pipettes` body: the motion daemon's attached pipettes plus the fields the robot's API adds."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from api_gateway.axes import MOUNT_AXIS, PLUNGER_AXIS


@lru_cache(maxsize=1)
def _model_configs() -> dict[str, Any]:
    # Read from the shared definitions on first use (never on import).
    from opentrons_shared_data.pipette import model_config
    return dict(model_config().get("config", {}))


def tip_length(model: str | None) -> float | None:
    """The default tip length of a pipette model, or None when the model is unknown."""
    if not model:
        return None
    entry = _model_configs().get(model, {}).get("tipLength")
    value = entry.get("value") if isinstance(entry, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def pipettes_body(attached: Any) -> dict[str, dict[str, Any]]:
    """`{left: {...}, right: {...}}` with every field present (nulls for an empty mount)."""
    attached = attached if isinstance(attached, dict) else {}
    return {mount: _mount_entry(mount, attached.get(mount)) for mount in ("left", "right")}


def _mount_entry(mount: str, pipette: Any) -> dict[str, Any]:
    pipette = pipette if isinstance(pipette, dict) else {}
    model = pipette.get("model") if isinstance(pipette.get("model"), str) else None
    return {"model": model, "name": pipette.get("name") if isinstance(pipette.get("name"), str) else None,
            "tip_length": tip_length(model), "mount_axis": MOUNT_AXIS[mount], "plunger_axis": PLUNGER_AXIS[mount],
            "id": pipette.get("id") if isinstance(pipette.get("id"), str) else None}
