"""JSON protocols of schema 6 and later: engine-style commands (commandType/params) run as API calls."""
from __future__ import annotations

from typing import Any, Callable, Dict

from opentrons.errors import ProtocolParseError
from opentrons.types import Location, Point

Params = Dict[str, Any]
_TC_SLOT = "7"


class JsonV6Runner:
    """Runs loadPipette/loadLabware/loadModule and liquid-handling commands in order."""

    def __init__(self, contents: Dict[str, Any], ctx: Any) -> None:
        self._data = contents
        self._ctx = ctx
        self._pipettes: Dict[str, Any] = {}
        self._labware: Dict[str, Any] = {}
        self._modules: Dict[str, Any] = {}

    def run(self) -> None:
        """Execute every command; an unknown command type is a clear error."""
        handlers = self._handlers()
        for index, command in enumerate(self._data.get("commands", [])):
            kind = command.get("commandType")
            handler = handlers.get(kind)
            if handler is None:
                raise ProtocolParseError(f"command {index}: unsupported commandType {kind!r}")
            handler(command.get("params", {}))

    def _handlers(self) -> Dict[str, Callable[[Params], None]]:
        return {
            "loadPipette": self._load_pipette, "loadLabware": self._load_labware,
            "loadModule": self._load_module, "loadLiquid": lambda p: None,
            "pickUpTip": lambda p: self._pip(p).pick_up_tip(self._well(p)),
            "dropTip": lambda p: self._pip(p).drop_tip(self._well(p)),
            "aspirate": self._aspirate, "dispense": self._dispense, "blowout": self._blowout,
            "touchTip": lambda p: self._pip(p).touch_tip(self._well(p)),
            "moveToWell": lambda p: self._pip(p).move_to(self._location(p)),
            "moveToCoordinates": lambda p: self._pip(p).move_to(
                Location(Point(**p["coordinates"]), None), minimum_z_height=p.get("minimumZHeight")),
            "home": lambda p: self._ctx.home(),
            "delay": self._wait, "waitForDuration": self._wait,
            "pause": self._pause, "waitForResume": self._pause,
            "comment": lambda p: self._ctx.comment(p.get("message", "")),
            "temperatureModule/setTargetTemperature":
                lambda p: self._mod(p).start_set_temperature(p["celsius"]),
            "temperatureModule/waitForTemperature": lambda p: self._mod(p).await_temperature(
                p.get("celsius", self._mod(p).status.get("celsius", 0))),
            "temperatureModule/deactivate": lambda p: self._mod(p).deactivate(),
            "magneticModule/engage": lambda p: self._mod(p).engage(height_from_base=p["height"]),
            "magneticModule/disengage": lambda p: self._mod(p).disengage(),
            "thermocycler/openLid": lambda p: self._mod(p).open_lid(),
            "thermocycler/closeLid": lambda p: self._mod(p).close_lid(),
            "thermocycler/setTargetBlockTemperature":
                lambda p: self._mod(p).set_block_temperature(p["celsius"]),
            "thermocycler/setTargetLidTemperature": lambda p: self._mod(p).set_lid_temperature(p["celsius"]),
            "thermocycler/waitForBlockTemperature": lambda p: None,
            "thermocycler/waitForLidTemperature": lambda p: None,
            "thermocycler/deactivateBlock": lambda p: self._mod(p).deactivate_block(),
            "thermocycler/deactivateLid": lambda p: self._mod(p).deactivate_lid(),
            "thermocycler/runProfile": self._profile,
        }

    def _pip(self, params: Params) -> Any:
        return self._pipettes[params["pipetteId"]]

    def _mod(self, params: Params) -> Any:
        return self._modules[params["moduleId"]]

    def _well(self, params: Params) -> Any:
        return self._labware[params["labwareId"]][params["wellName"]]

    def _location(self, params: Params) -> Location:
        well = self._well(params)
        where = params.get("wellLocation") or {}
        origin = where.get("origin", "top")
        base = {"bottom": well.bottom(), "center": well.center()}.get(origin, well.top())
        return base.move(Point(**(where.get("offset") or {})))

    def _load_pipette(self, params: Params) -> None:
        declared = self._data.get("pipettes", {}).get(params["pipetteId"], {})
        name = params.get("pipetteName") or declared.get("name")
        if name is None:
            raise ProtocolParseError(f"loadPipette: no pipette name for {params['pipetteId']!r}")
        self._pipettes[params["pipetteId"]] = self._ctx.load_instrument(name, params["mount"])

    def _load_module(self, params: Params) -> None:
        slot = params.get("location", {}).get("slotName", _TC_SLOT)
        self._modules[params["moduleId"]] = self._ctx.load_module(params["model"], slot)

    def _load_labware(self, params: Params) -> None:
        declared = self._data.get("labware", {}).get(params["labwareId"], {})
        definition_id = declared.get("definitionId") or "/".join(
            str(params[k]) for k in ("namespace", "loadName", "version"))
        definition = self._data.get("labwareDefinitions", {}).get(definition_id)
        if definition is None:
            raise ProtocolParseError(f"loadLabware: no definition {definition_id!r} in labwareDefinitions")
        label = declared.get("displayName") or params.get("displayName")
        location = params.get("location", {})
        if "moduleId" in location:
            loaded = self._modules[location["moduleId"]].load_labware_from_definition(definition, label)
        else:
            loaded = self._ctx.load_labware_from_definition(definition, location["slotName"], label)
        self._labware[params["labwareId"]] = loaded

    def _aspirate(self, params: Params) -> None:
        pipette = self._pip(params)
        pipette.flow_rate.aspirate = params["flowRate"]
        pipette.aspirate(params["volume"], self._location(params))

    def _dispense(self, params: Params) -> None:
        pipette = self._pip(params)
        pipette.flow_rate.dispense = params["flowRate"]
        pipette.dispense(params["volume"], self._location(params))

    def _blowout(self, params: Params) -> None:
        pipette = self._pip(params)
        pipette.flow_rate.blow_out = params["flowRate"]
        pipette.blow_out(self._location(params))

    def _wait(self, params: Params) -> None:
        self._ctx.delay(seconds=params.get("seconds", params.get("wait", 0)), msg=params.get("message"))

    def _pause(self, params: Params) -> None:
        self._ctx.pause(params.get("message"))

    def _profile(self, params: Params) -> None:
        steps = [{"temperature": s["celsius"], "hold_time_seconds": s["holdSeconds"]}
                 for s in params["profile"]]
        self._mod(params).execute_profile(steps=steps, repetitions=1,
                                          block_max_volume=params.get("blockMaxVolumeUl"))
