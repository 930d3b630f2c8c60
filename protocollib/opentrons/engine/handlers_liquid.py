"""Engine handlers for tips, liquid handling and pipette moves."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List

from opentrons.engine.state import PipetteState
from opentrons.errors import (
    CommandError,
    NoTipAttachedError,
    TipAttachedError,
    VolumeError,
)
from opentrons.labware_offsets import definition_uri
from opentrons.types import Point

if TYPE_CHECKING:
    from opentrons.engine.engine import Engine

Params = Dict[str, Any]
_VOLUME_TOLERANCE = 1e-6
_PLUNGER_SPEED_FLOOR = 1e-3


def _move_if_located(engine: "Engine", pipette: PipetteState, params: Params) -> None:
    if "labwareId" in params:
        place = (params["labwareId"], params["wellName"])
        engine.move_pipette(pipette, engine.well_point(params), params.get("speed"), place=place)
    elif "coordinates" in params:
        engine.move_pipette(
            pipette, Point(**params["coordinates"]), params.get("speed"),
            params.get("forceDirect", False), params.get("minimumZHeight"),
        )


def _require_tip(pipette: PipetteState, action: str) -> None:
    if not pipette.has_tip:
        raise NoTipAttachedError(
            f"Cannot {action} without a tip attached to the {pipette.name} on the "
            f"{pipette.mount} mount; call pick_up_tip() first"
        )


def pick_up_tip(engine: "Engine", params: Params) -> List[str]:
    """Pick up tips from a tip rack well (a column of them for multi-channel pipettes)."""
    pipette = engine.pipette(params["pipetteId"])
    if pipette.has_tip:
        raise TipAttachedError(
            f"The {pipette.name} on the {pipette.mount} mount already has a tip; "
            "drop it before picking up another"
        )
    rack = engine.labware_state(params["labwareId"])
    if not rack.is_tiprack:
        raise CommandError(f"{rack.display_name} is not a tip rack")
    wells = rack.column_below(params["wellName"], pipette.channels)
    engine.move_pipette(pipette, engine.well_point(params), place=(rack.labware_id, params["wellName"]))
    tip_length = engine.corrections.calibration.tip_length(
        engine.hardware_pipette_id(pipette.mount), definition_uri(rack.definition),
        float(rack.definition["parameters"].get("tipLength", 0.0)))
    engine.backend.pick_up_tip(pipette.mount, tip_length)
    rack.used_tips.update(wells)
    pipette.has_tip, pipette.tip_length, pipette.current_volume = True, tip_length, 0.0
    pipette.tip_volume = float(rack.definition["wells"][wells[0]]["totalLiquidVolume"])
    pipette.tip_origin = (rack.labware_id, params["wellName"])
    return wells


def drop_tip(engine: "Engine", params: Params) -> None:
    """Drop the attached tip at a well (trash or tip rack)."""
    pipette = engine.pipette(params["pipetteId"])
    _require_tip(pipette, "drop a tip")
    _move_if_located(engine, pipette, params)
    engine.backend.drop_tip(pipette.mount)
    pipette.has_tip, pipette.current_volume, pipette.tip_origin = False, 0.0, None
    if params.get("homeAfter", True):
        engine.backend.home(pipette.mount)
        engine.positions.pop(pipette.mount, None)
        engine.places.pop(pipette.mount, None)


def _plunge(pipette: PipetteState, engine: "Engine", volume: float, flow_rate: float, action: str) -> None:
    if flow_rate <= 0:
        raise CommandError(f"flow rate must be above 0 uL/s, got {flow_rate}")
    target = pipette.plunger_position(volume, action)
    speed = max(flow_rate / pipette.ul_per_mm(max(volume, 1.0), action), _PLUNGER_SPEED_FLOOR)
    engine.backend.move_plunger(pipette.mount, target, speed)


def aspirate(engine: "Engine", params: Params) -> None:
    """Draw liquid (or air) into the tip, at a well or where the pipette is."""
    pipette = engine.pipette(params["pipetteId"])
    volume = float(params["volume"])
    _require_tip(pipette, "aspirate")
    if volume < 0:
        raise VolumeError(f"Cannot aspirate a negative volume ({volume} uL)")
    new_volume = pipette.current_volume + volume
    if new_volume > pipette.working_volume + _VOLUME_TOLERANCE:
        raise VolumeError(
            f"Cannot aspirate {volume} uL: the {pipette.name} already holds "
            f"{pipette.current_volume} uL and can hold at most {pipette.working_volume} uL "
            "with this tip"
        )
    _move_if_located(engine, pipette, params)
    _plunge(pipette, engine, new_volume, float(params["flowRate"]), "aspirate")
    pipette.current_volume = new_volume


def dispense(engine: "Engine", params: Params) -> None:
    """Push liquid out of the tip, at a well or where the pipette is."""
    pipette = engine.pipette(params["pipetteId"])
    volume = float(params["volume"])
    _require_tip(pipette, "dispense")
    if volume < 0:
        raise VolumeError(f"Cannot dispense a negative volume ({volume} uL)")
    if engine.refuse_over_dispense and volume > pipette.current_volume + _VOLUME_TOLERANCE:
        raise VolumeError(
            f"Cannot dispense {volume} uL when only {pipette.current_volume} uL has been aspirated"
        )
    _move_if_located(engine, pipette, params)
    new_volume = max(0.0, pipette.current_volume - volume)
    _plunge(pipette, engine, new_volume, float(params["flowRate"]), "dispense")
    pipette.current_volume = new_volume


def blow_out(engine: "Engine", params: Params) -> None:
    """Push the plunger past the bottom to empty the tip."""
    pipette = engine.pipette(params["pipetteId"])
    _require_tip(pipette, "blow out")
    _move_if_located(engine, pipette, params)
    blowout = float(pipette.model_config["blowout"]["value"])
    flow = float(params.get("flowRate") or 1.0)
    speed = max(flow / pipette.ul_per_mm(1.0, "dispense"), _PLUNGER_SPEED_FLOOR)
    engine.backend.move_plunger(pipette.mount, blowout, speed)
    pipette.current_volume = 0.0


def touch_tip(engine: "Engine", params: Params) -> None:
    """Touch the tip to the four sides of a well at a height below its top."""
    pipette = engine.pipette(params["pipetteId"])
    _require_tip(pipette, "touch tip")
    lw = engine.labware_state(params["labwareId"])
    well = lw.definition["wells"][params["wellName"]]
    centre = engine.well_point(params)
    half_x = well.get("diameter", well.get("xDimension", 0.0)) / 2 * params.get("radius", 1.0)
    half_y = well.get("diameter", well.get("yDimension", 0.0)) / 2 * params.get("radius", 1.0)
    engine.move_pipette(pipette, centre, place=(lw.labware_id, params["wellName"]))
    speed = params.get("speed", 60.0)
    for dx, dy in ((half_x, 0.0), (-half_x, 0.0), (0.0, half_y), (0.0, -half_y)):
        engine.move_calibrated(pipette.mount, Point(centre.x + dx, centre.y + dy, centre.z), speed)
    engine.move_calibrated(pipette.mount, centre, speed)


def move_to(engine: "Engine", params: Params) -> None:
    """Move the pipette to a well location or to coordinates."""
    pipette = engine.pipette(params["pipetteId"])
    _move_if_located(engine, pipette, params)


HANDLERS = {
    "pickUpTip": pick_up_tip,
    "dropTip": drop_tip,
    "dropTipInPlace": drop_tip,
    "aspirate": aspirate,
    "aspirateInPlace": aspirate,
    "dispense": dispense,
    "dispenseInPlace": dispense,
    "blowout": blow_out,
    "blowOutInPlace": blow_out,
    "touchTip": touch_tip,
    "moveToWell": move_to,
    "moveToCoordinates": move_to,
    "airGapInPlace": aspirate,
}
