"""Engine handlers for loading things, homing, waiting, comments and module actions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

from opentrons.engine import geometry
from opentrons.engine.state import LabwareState, ModuleState, PipetteState
from opentrons.errors import CommandError, DeckConflictError
from opentrons.labware_offsets import definition_uri, offset_for
from opentrons.types import Mount, Point

if TYPE_CHECKING:
    from opentrons.engine.engine import Engine

Params = Dict[str, Any]
_DOOR_STATES = {
    "thermocycler/openLid": ("lid", "open"),
    "thermocycler/closeLid": ("lid", "closed"),
    "heaterShaker/openLabwareLatch": ("latch", "open"),
    "heaterShaker/closeLabwareLatch": ("latch", "closed"),
}
MODULE_ACTION_PREFIXES = ("temperatureModule/", "magneticModule/", "thermocycler/", "heaterShaker/")


def _occupied_message(engine: "Engine", slot: str) -> str:
    occupant = engine.slot_occupants[slot]
    name = (
        engine.labware[occupant].display_name
        if occupant in engine.labware
        else engine.modules[occupant].definition["displayName"]
    )
    return f"Slot {slot} is already occupied by {name}; choose an empty slot"


def claim_slot(engine: "Engine", slot: Any, occupant: str) -> str:
    """Reserve a deck slot for ``occupant``, or raise if it is taken or not a slot."""
    name = geometry.normalize_slot(slot, list(engine.slot_origins))
    if name in engine.slot_occupants:
        raise DeckConflictError(_occupied_message(engine, name))
    engine.slot_occupants[name] = occupant
    return name


def load_labware(engine: "Engine", params: Params) -> LabwareState:
    """Place a labware on a slot or module; its definition comes from params or the store."""
    definition = engine.definitions.labware(
        params["loadName"], params.get("namespace"), params.get("version"), engine.labware_api_minor,
    )
    labware_id = params.get("labwareId") or engine.new_id("labware")
    location = params["location"]
    if "moduleId" in location:
        module = engine.modules.get(location["moduleId"])
        if module is None:
            raise CommandError(f"No module loaded with id {location['moduleId']!r}")
        if module.status.get("labwareId"):
            raise DeckConflictError(f"{module.definition['displayName']} already holds labware")
        parent = module.labware_origin
        module.status["labwareId"] = labware_id
        place: Tuple[str, Optional[str]] = (module.slot, module.model)
    else:
        slot = claim_slot(engine, location["slotName"], labware_id)
        location = {"slotName": slot}
        parent = engine.slot_origins[slot]
        place = (slot, None)
    run_offset = offset_for(engine.corrections.labware_offsets, definition_uri(definition), *place)
    offset = Point(**params.get("offset", {})) + run_offset
    origin = geometry.labware_origin(definition, parent, offset)
    display = params.get("displayName") or definition["metadata"]["displayName"]
    state = LabwareState(labware_id, definition, location, origin, display)
    engine.labware[labware_id] = state
    return state


def unload_labware(engine: "Engine", params: Params) -> None:
    """Take a labware off the deck, freeing its slot."""
    state = engine.labware.pop(params["labwareId"], None)
    if state is None:
        raise CommandError(f"No labware loaded with id {params['labwareId']!r}")
    slot = state.location.get("slotName")
    if slot is not None:
        engine.slot_occupants.pop(slot, None)


def load_pipette(engine: "Engine", params: Params) -> PipetteState:
    """Attach a pipette to a mount; the mount must be free unless ``replace`` is set."""
    mount = Mount.parse(params["mount"]).value
    taken = [p for p in engine.pipettes.values() if p.mount == mount]
    if taken and not params.get("replace"):
        raise DeckConflictError(
            f"The {mount} mount already has {taken[0].name}; pass replace=True to swap it"
        )
    for old in taken:
        del engine.pipettes[old.pipette_id]
    spec, model = engine.definitions.pipette(params["pipetteName"])
    pipette_id = params.get("pipetteId") or engine.new_id("pipette")
    state = PipetteState(
        pipette_id, params["pipetteName"], mount, int(spec["channels"]),
        float(spec["minVolume"]), spec["maxVolume"], model,
    )
    engine.pipettes[pipette_id] = state
    return state


def load_module(engine: "Engine", params: Params) -> ModuleState:
    """Place a module on a slot (the thermocycler takes slots 7, 8, 10 and 11)."""
    model = params["model"]
    definition = engine.definitions.module(model)
    module_id = params.get("moduleId") or engine.new_id("module")
    slot = claim_slot(engine, params["location"]["slotName"], module_id)
    if definition["moduleType"] == "thermocyclerModuleType":
        for extra in ("8", "10", "11"):
            claim_slot(engine, extra, module_id)
    origin = geometry.module_labware_origin(definition, slot, engine.slot_origins[slot])
    state = ModuleState(module_id, model, slot, definition, origin)
    engine.modules[module_id] = state
    return state


def home(engine: "Engine", params: Params) -> None:
    """Home everything (or one mount) and forget where pipettes were."""
    mount = params.get("mount")
    engine.backend.home(mount)
    if mount:
        engine.positions.pop(mount, None)
        engine.places.pop(mount, None)
    else:
        engine.positions.clear()
        engine.places.clear()


def wait_for_duration(engine: "Engine", params: Params) -> None:
    """Wait; in simulation the virtual clock advances."""
    engine.backend.delay(float(params["seconds"]))


def no_motion(engine: "Engine", params: Params) -> None:
    """Commands that only appear in the log (comment, pause in simulation)."""


def set_rail_lights(engine: "Engine", params: Params) -> None:
    """Switch the rail lights."""
    engine.backend.set_rail_lights(bool(params["on"]))


def module_action(engine: "Engine", action: str, params: Params) -> None:
    """Run a module action; the status values change only after the backend succeeded."""
    module = engine.modules.get(params["moduleId"])
    if module is None:
        raise CommandError(f"No module loaded with id {params['moduleId']!r}")
    engine.backend.module_command(module.module_id, action, params)
    module.status[action] = {k: v for k, v in params.items() if k != "moduleId"}
    if action in _DOOR_STATES:
        key, value = _DOOR_STATES[action]
        module.status[key] = value


HANDLERS = {
    "loadLabware": load_labware,
    "unloadLabware": unload_labware,
    "loadPipette": load_pipette,
    "loadModule": load_module,
    "home": home,
    "waitForDuration": wait_for_duration,
    "waitForResume": no_motion,
    "comment": no_motion,
    "setRailLights": set_rail_lights,
}
