"""Translation between the bus contract (lower-case axes, deck points, bus errors) and the Smoothie driver."""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from importlib import resources
from typing import Any

from bus import BadRequest, BusError, ControllerUnavailable, Halted, HardwareError
from motion_daemon.driver import errors as drv
from motion_daemon.driver.axes import AXES, AXIS_ORDER
from motion_daemon.driver.state import MotionSnapshot, PipetteInfo

MOUNT_AXIS = {"left": "Z", "right": "A"}
PLUNGER_AXIS = {"left": "B", "right": "C"}
# The gantry's reference is the right mount; the left one sits this far from it (robot config left_mount_offset).
LEFT_MOUNT_OFFSET = (-34.0, 0.0, 0.0)


def lower_axes(values: Mapping[str, Any]) -> dict[str, Any]:
    """Driver axis letters to the bus's lower-case names."""
    return {axis.lower(): value for axis, value in values.items()}


def parse_axes(value: Any) -> str:
    """`"xyz"`, `["x", "y"]` or None (all) to driver letters; BadRequest naming the bad axis."""
    if value is None:
        return AXIS_ORDER
    letters = list(value) if isinstance(value, str) else value
    if not isinstance(letters, list) or not all(isinstance(a, str) for a in letters):
        raise BadRequest(f"'axes' must be a string like 'xyz' or a list of axis names, got {value!r}")
    upper = [a.strip().upper() for a in letters if a.strip()]
    unknown = [a for a in upper if a not in AXES]
    if unknown or not upper:
        raise BadRequest(f"unknown axis {unknown or value!r}; axes are x, y, z, a, b, c")
    return "".join(a for a in AXIS_ORDER if a in upper)


def parse_targets(value: Any) -> dict[str, float]:
    """`{"x": 100, "y": 50}` to driver targets; BadRequest for unknown axes or non-numbers."""
    if not isinstance(value, dict) or not value:
        raise BadRequest("'targets' must be a map of axis name to position in mm, e.g. {\"x\": 100}")
    targets = {}
    for axis, mm in value.items():
        letter = str(axis).upper()
        if letter not in AXES:
            raise BadRequest(f"unknown axis {axis!r}; axes are x, y, z, a, b, c")
        if isinstance(mm, bool) or not isinstance(mm, (int, float)) or mm != mm:
            raise BadRequest(f"target for {axis} must be a number of mm, got {mm!r}")
        targets[letter] = float(mm)
    return targets


def parse_point(args: Mapping[str, Any], model_offset_z: float) -> tuple[str, float, float, float]:
    """A deck point for a mount (or its pipette's nozzle) to (mount axis, gantry x, gantry y, mount z)."""
    mount, point, target = args.get("mount"), args.get("point"), args.get("target", "mount")
    if mount not in MOUNT_AXIS:
        raise BadRequest(f"'mount' must be 'left' or 'right', got {mount!r}")
    if target not in ("mount", "pipette"):
        raise BadRequest(f"'target' must be 'mount' or 'pipette', got {target!r}")
    if (not isinstance(point, list) or len(point) != 3
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)):
        raise BadRequest(f"'point' must be [x, y, z] in mm, got {point!r}")
    offset = LEFT_MOUNT_OFFSET if mount == "left" else (0.0, 0.0, 0.0)
    z = float(point[2]) - (model_offset_z if target == "pipette" else 0.0)
    return MOUNT_AXIS[mount], float(point[0]) - offset[0], float(point[1]) - offset[1], z


def bus_error(exc: drv.MotionError) -> BusError:
    """The bus error for a driver error, keeping its plain-language message."""
    details: dict[str, Any] = {"kind": exc.kind}
    if isinstance(exc, drv.AlarmResponse):
        details.update(axis=exc.axis, command=exc.command)
        return HardwareError(str(exc), details)
    if isinstance(exc, drv.InvalidRequest):
        return BadRequest(str(exc), details)
    if isinstance(exc, drv.ControllerUnavailable):
        return ControllerUnavailable(str(exc), details)
    if isinstance(exc, (drv.HaltedError, drv.NotReady)):
        return Halted(str(exc), details)
    if isinstance(exc, drv.SmoothieError):
        details.update(command=exc.command, reply=exc.reply)
        return HardwareError(str(exc), details)
    return HardwareError(str(exc), details)


class PipetteSpecs:
    """Pipette model data (API name, tip length, nozzle offset) from opentrons-shared-data, read on first use."""

    @cached_property
    def _models(self) -> dict[str, Any]:
        path = resources.files("opentrons_shared_data") / "data/pipette/definitions/1/pipetteModelSpecs.json"
        return json.loads(path.read_text())["config"]

    def describe(self, info: PipetteInfo | None) -> dict[str, Any] | None:
        """The bus view of an attached pipette: model, API name, serial id, default tip length."""
        if info is None:
            return None
        spec = self._models.get(info.model, {})
        tip = spec.get("tipLength", {})
        return {"model": info.model, "name": spec.get("name"), "id": info.pipette_id,
                "tip_length": tip.get("value") if isinstance(tip, dict) else None,
                "model_offset": spec.get("modelOffset", [0.0, 0.0, 0.0])}


def snapshot_view(snap: MotionSnapshot, specs: PipetteSpecs) -> dict[str, Any]:
    """The driver part of the `motion.state` snapshot, in the bus's names."""
    return {"state": "connecting" if snap.state.value == "disconnected" else snap.state.value,
            "ready": snap.state.value == "idle", "reason": snap.halt_reason,
            "position": lower_axes(snap.position), "homed": lower_axes(snap.homed),
            "engaged": lower_axes(snap.engaged), "fw_version": snap.firmware_version,
            "pipettes": {m: specs.describe(snap.pipettes.get(m)) for m in ("left", "right")}}
