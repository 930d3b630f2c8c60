"""JSON protocols: schema 3 to 5 (legacy command names) become the same API calls as Python protocols."""
from __future__ import annotations

from typing import Any, Callable, Dict

from opentrons.errors import ProtocolParseError
from opentrons.protocols.parse import JsonProtocol
from opentrons.types import Location, Point

_PAUSE_DEFAULT = "Pausing until user resumes"
_TC_SPAN = "span7_8_10_11"


def run_json(protocol: JsonProtocol, ctx: Any) -> None:
    """Load everything the protocol declares, then run its commands in order."""
    if protocol.schema_version >= 6:
        from opentrons.json_v6 import JsonV6Runner

        JsonV6Runner(protocol.contents, ctx).run()
    else:
        LegacyJsonRunner(protocol.contents, ctx).run()


class LegacyJsonRunner:
    """Runs schema 3 to 5: pipettes, labware and modules declared up front, commands by name."""

    def __init__(self, contents: Dict[str, Any], ctx: Any) -> None:
        self._data = contents
        self._ctx = ctx
        self._modules: Dict[str, Any] = {}
        self._labware: Dict[str, Any] = {}
        self._pipettes: Dict[str, Any] = {}

    def run(self) -> None:
        """Load, then execute every command; unknown commands are a clear error."""
        self._load_modules()
        self._load_labware()
        self._load_pipettes()
        handlers = self._handlers()
        for index, command in enumerate(self._data.get("commands", [])):
            name = command.get("command")
            handler = handlers.get(name)
            if handler is None:
                raise ProtocolParseError(f"command {index}: unknown JSON command {name!r}")
            handler(command.get("params", {}))

    def _load_modules(self) -> None:
        for module_id, spec in self._data.get("modules", {}).items():
            slot = "7" if spec["slot"] == _TC_SPAN else spec["slot"]
            self._modules[module_id] = self._ctx.load_module(spec["model"], slot)

    def _load_labware(self) -> None:
        definitions = self._data.get("labwareDefinitions", {})
        for labware_id, spec in self._data.get("labware", {}).items():
            definition = definitions.get(spec["definitionId"])
            if definition is None:
                raise ProtocolParseError(
                    f"labware {labware_id!r}: no definition {spec['definitionId']!r} in labwareDefinitions"
                )
            label = spec.get("displayName")
            if spec["slot"] in self._modules:
                module = self._modules[spec["slot"]]
                self._labware[labware_id] = module.load_labware_from_definition(definition, label)
            else:
                if str(spec["slot"]) == "12":
                    self._ctx.remove_fixed_trash()
                self._labware[labware_id] = self._ctx.load_labware_from_definition(
                    definition, spec["slot"], label)

    def _load_pipettes(self) -> None:
        for pipette_id, spec in self._data.get("pipettes", {}).items():
            self._pipettes[pipette_id] = self._ctx.load_instrument(spec["name"], spec["mount"])

    def _well(self, params: Dict[str, Any]) -> Any:
        return self._labware[params["labware"]][params["well"]]

    def _bottom(self, params: Dict[str, Any]) -> Location:
        return self._well(params).bottom(params.get("offsetFromBottomMm", 1.0))

    def _handlers(self) -> Dict[str, Callable[[Dict[str, Any]], None]]:
        handlers: Dict[str, Callable[[Dict[str, Any]], None]] = {
            "pickUpTip": lambda p: self._pipettes[p["pipette"]].pick_up_tip(self._well(p)),
            "dropTip": lambda p: self._pipettes[p["pipette"]].drop_tip(self._well(p)),
            "aspirate": self._aspirate, "dispense": self._dispense, "airGap": self._air_gap,
            "blowout": self._blowout, "touchTip": self._touch_tip,
            "moveToSlot": self._move_to_slot, "moveToWell": self._move_to_well, "delay": self._delay,
        }
        handlers.update(_module_handlers(self._modules))
        return handlers

    def _aspirate(self, params: Dict[str, Any]) -> None:
        pipette = self._pipettes[params["pipette"]]
        pipette.flow_rate.aspirate = params["flowRate"]
        pipette.aspirate(params["volume"], self._bottom(params))

    def _dispense(self, params: Dict[str, Any]) -> None:
        pipette = self._pipettes[params["pipette"]]
        pipette.flow_rate.dispense = params["flowRate"]
        pipette.dispense(params["volume"], self._bottom(params))

    def _air_gap(self, params: Dict[str, Any]) -> None:
        pipette = self._pipettes[params["pipette"]]
        pipette.flow_rate.aspirate = params["flowRate"]
        pipette.move_to(self._bottom(params))
        pipette.air_gap(params["volume"], params["offsetFromBottomMm"] - self._well(params).depth)

    def _blowout(self, params: Dict[str, Any]) -> None:
        pipette = self._pipettes[params["pipette"]]
        pipette.flow_rate.blow_out = params["flowRate"]
        pipette.blow_out(self._bottom(params))

    def _touch_tip(self, params: Dict[str, Any]) -> None:
        well = self._well(params)
        offset = params.get("offsetFromBottomMm", well.depth - 1.0) - well.depth
        self._pipettes[params["pipette"]].touch_tip(well, v_offset=offset)

    def _move_to_slot(self, params: Dict[str, Any]) -> None:
        slot = str(params["slot"])
        offset = Point(**params.get("offset", {}))
        origin = self._ctx.engine.slot_origins[slot]
        self._pipettes[params["pipette"]].move_to(
            Location(origin + offset, slot), force_direct=params.get("forceDirect", False),
            minimum_z_height=params.get("minimumZHeight"))

    def _move_to_well(self, params: Dict[str, Any]) -> None:
        offset = Point(**params.get("offset", {}))
        self._pipettes[params["pipette"]].move_to(
            self._well(params).bottom().move(offset), force_direct=params.get("forceDirect", False),
            minimum_z_height=params.get("minimumZHeight"))

    def _delay(self, params: Dict[str, Any]) -> None:
        wait = params.get("wait")
        if wait is True:
            self._ctx.pause(params.get("message") or _PAUSE_DEFAULT)
        elif isinstance(wait, (int, float)) and not isinstance(wait, bool):
            self._ctx.delay(seconds=wait, msg=params.get("message"))
        else:
            raise ProtocolParseError(f"delay: 'wait' must be seconds or true, got {wait!r}")


def _module_handlers(modules: Dict[str, Any]) -> Dict[str, Callable[[Dict[str, Any]], None]]:
    def mod(params: Dict[str, Any]) -> Any:
        return modules[params["module"]]

    def profile(p: Dict[str, Any]) -> None:
        steps = [{"temperature": s["temperature"], "hold_time_seconds": s["holdTime"]} for s in p["profile"]]
        mod(p).execute_profile(steps=steps, repetitions=1, block_max_volume=p.get("volume"))

    def nothing(p: Dict[str, Any]) -> None:
        """Waiting is part of the set command in simulation."""

    return {
        "magneticModule/engageMagnet": lambda p: mod(p).engage(height=p["engageHeight"]),
        "magneticModule/disengageMagnet": lambda p: mod(p).disengage(),
        "temperatureModule/setTargetTemperature": lambda p: mod(p).start_set_temperature(p["temperature"]),
        "temperatureModule/awaitTemperature": lambda p: mod(p).await_temperature(p["temperature"]),
        "temperatureModule/deactivate": lambda p: mod(p).deactivate(),
        "thermocycler/setTargetBlockTemperature": lambda p: mod(p).set_block_temperature(
            p["temperature"], block_max_volume=p.get("volume")),
        "thermocycler/setTargetLidTemperature": lambda p: mod(p).set_lid_temperature(p["temperature"]),
        "thermocycler/awaitBlockTemperature": nothing,
        "thermocycler/awaitLidTemperature": nothing,
        "thermocycler/awaitProfileComplete": nothing,
        "thermocycler/openLid": lambda p: mod(p).open_lid(),
        "thermocycler/closeLid": lambda p: mod(p).close_lid(),
        "thermocycler/deactivateBlock": lambda p: mod(p).deactivate_block(),
        "thermocycler/deactivateLid": lambda p: mod(p).deactivate_lid(),
        "thermocycler/runProfile": profile,
    }
