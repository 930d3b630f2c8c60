"""ProtocolContext: what a protocol's run(protocol) receives; loads things and controls the run."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from opentrons.engine.engine import Engine
from opentrons.errors import ModuleLoadError, UnsupportedError
from opentrons.protocol_api import naming
from opentrons.protocol_api.instrument_context import InstrumentContext
from opentrons.protocol_api.labware import Labware
from opentrons.protocol_api.module_contexts import ModuleContext, module_context_class
from opentrons.protocol_api.trash import TrashBin
from opentrons.protocols.api_level import APIVersion, requires_version
from opentrons.types import Mount

TRASH_BIN_FROM = APIVersion(2, 16)
LEGACY_HARDWARE_BEFORE = APIVersion(2, 14)
OVER_DISPENSE_REFUSED_FROM = APIVersion(2, 21)
_FIXED_TRASH = "opentrons_1_trash_1100ml_fixed"
_MODULE_ALIASES = {
    "magdeck": "magneticModuleV1", "magnetic module": "magneticModuleV1",
    "magnetic module gen2": "magneticModuleV2", "tempdeck": "temperatureModuleV1",
    "temperature module": "temperatureModuleV1", "temperature module gen2": "temperatureModuleV2",
    "thermocycler": "thermocyclerModuleV1", "thermocycler module": "thermocyclerModuleV1",
    "thermocycler module gen2": "thermocyclerModuleV2",
}
_MODULE_MODELS = (
    "magneticModuleV1", "magneticModuleV2", "temperatureModuleV1", "temperatureModuleV2",
    "thermocyclerModuleV1", "thermocyclerModuleV2", "heaterShakerModuleV1",
)
_DEFAULT_MAX_SPEEDS: Dict[str, float] = {}


def _refuse_unsupported(**options: Any) -> None:
    given = sorted(name for name, value in options.items() if value is not None)
    if given:
        raise UnsupportedError(
            f"{', '.join(given)} is not supported by this simulator yet; "
            "load the labware directly on the slot or module instead"
        )


class ProtocolContext:
    """The protocol's handle on the robot: deck, instruments, modules and run control."""

    def __init__(self, engine: Engine, api_version: APIVersion, simulating: bool = True) -> None:
        self._engine = engine
        self._api_version = api_version
        self._simulating = simulating
        self._labware: Dict[str, Labware] = {}
        self._instruments: Dict[str, InstrumentContext] = {}
        self._modules: Dict[str, ModuleContext] = {}
        self._liquids: List[Any] = []
        self.location_cache: Any = None
        self.max_speeds: Dict[str, float] = dict(_DEFAULT_MAX_SPEEDS)
        self._rail_lights = False
        engine.labware_api_minor = api_version.minor
        engine.warn_out_of_bounds = api_version < LEGACY_HARDWARE_BEFORE
        engine.require_open_lid = api_version >= LEGACY_HARDWARE_BEFORE
        engine.refuse_over_dispense = api_version >= OVER_DISPENSE_REFUSED_FROM
        trash_state = engine.execute(
            "loadLabware",
            {"loadName": _FIXED_TRASH, "location": {"slotName": "12"}},
        )
        trash_labware = Labware(self, trash_state, naming.slot_text("12", api_version), "12")
        self._labware["12"] = trash_labware
        self._fixed_trash: Union[Labware, TrashBin] = (
            TrashBin(trash_labware) if api_version >= TRASH_BIN_FROM else trash_labware
        )

    @property
    def api_version(self) -> APIVersion:
        """The apiLevel this protocol runs at."""
        return self._api_version

    @property
    def engine(self) -> Engine:
        """The engine executing this protocol's commands."""
        return self._engine

    def is_simulating(self) -> bool:
        """True when no hardware moves."""
        return self._simulating

    def load_labware(
        self, load_name: str, location: Union[int, str], label: Optional[str] = None,
        namespace: Optional[str] = None, version: Optional[int] = None,
        adapter: Optional[str] = None, lid: Optional[str] = None,
    ) -> Labware:
        """Load a labware definition by name onto a deck slot."""
        _refuse_unsupported(adapter=adapter, lid=lid)
        params = {
            "loadName": load_name, "namespace": namespace, "version": version,
            "location": {"slotName": location}, "displayName": label,
        }
        return self._place_labware(params, None)

    def load_labware_from_definition(
        self, labware_def: Dict[str, Any], location: Union[int, str], label: Optional[str] = None
    ) -> Labware:
        """Load a labware from a definition dict (custom labware) onto a slot."""
        params = dict(self.register_definition(labware_def), location={"slotName": location},
                      displayName=label)
        return self._place_labware(params, None)

    def _place_labware(self, params: Dict[str, Any], module: Optional[ModuleContext]) -> Labware:
        state = self._engine.execute("loadLabware", params)
        if module is not None:
            text, parent = f"{module.display_name} on {module.slot_text}", module
        else:
            slot = state.location["slotName"]
            text, parent = naming.slot_text(slot, self._api_version), slot
        labware = Labware(self, state, text, parent)
        self._labware[state.labware_id] = labware
        return labware

    def load_instrument(
        self, instrument_name: str, mount: Union[Mount, str],
        tip_racks: Optional[Sequence[Labware]] = None, replace: bool = False,
        liquid_presence_detection: Optional[bool] = None,
    ) -> InstrumentContext:
        """Load a pipette onto a mount, with the tip racks it should take tips from."""
        mount_value = Mount.parse(mount).value
        state = self._engine.execute(
            "loadPipette",
            {"pipetteName": instrument_name, "mount": mount_value, "replace": replace},
        )
        instrument = InstrumentContext(self, state, list(tip_racks or []))
        self._instruments[mount_value] = instrument
        return instrument

    def load_module(
        self, module_name: str, location: Union[int, str, None] = None,
        configuration: Optional[str] = None,
    ) -> ModuleContext:
        """Load a module (temperature, magnetic, thermocycler, heater-shaker) onto a slot."""
        _refuse_unsupported(configuration=configuration)
        model = self._module_model(module_name)
        if location is None:
            if not model.startswith("thermocycler"):
                raise ModuleLoadError(f"A location is required to load {module_name}")
            location = 7
        state = self._engine.execute("loadModule", {"model": model, "location": {"slotName": location}})
        module = module_context_class(model)(self, state)
        self._modules[state.module_id] = module
        return module

    @staticmethod
    def _module_model(module_name: str) -> str:
        if not isinstance(module_name, str):
            raise TypeError(f"Module load name must be a string, but got {module_name!r}")
        model = _MODULE_ALIASES.get(module_name.lower())
        if model is None and module_name in _MODULE_MODELS:
            model = module_name
        if model is None:
            raise ModuleLoadError(
                f"{module_name} is not a valid module load name. Valid names (ignoring case): "
                + ", ".join(f'"{n}"' for n in _MODULE_ALIASES)
                + "; or the exact models: " + ", ".join(f'"{m}"' for m in _MODULE_MODELS)
            )
        return model

    def register_definition(self, labware_def: Dict[str, Any]) -> Dict[str, Any]:
        """Add a custom definition to the store; return the loadLabware params that name it."""
        namespace, load_name, version = self._engine.definitions.add_custom_labware(labware_def)
        return {"loadName": load_name, "namespace": namespace, "version": version}

    def load_labware_on_module(self, module: ModuleContext, params: Dict[str, Any]) -> Labware:
        """Used by module contexts to place their labware."""
        params = dict(params, location={"moduleId": module.module_id})
        return self._place_labware(params, module)

    def home(self) -> None:
        """Home every axis."""
        self._engine.execute("home", {})
        self.location_cache = None

    def pause(self, msg: Optional[str] = None) -> None:
        """Pause until resumed (in simulation the run goes on at once)."""
        text = "Pausing robot operation" + (f": {msg}" if msg else "")
        self._engine.execute("waitForResume", {"message": msg}, text)

    def resume(self) -> None:
        """Resume after a pause (removed after apiLevel 2.14: the user resumes from the app)."""
        if self._api_version > LEGACY_HARDWARE_BEFORE:
            raise UnsupportedError(
                "A Python protocol resuming itself after a pause is not available after API "
                f"version 2.14. You are currently using API version {self._api_version}. "
                "To wait for a period of time, use delay() instead of pause()"
            )
        self._engine.log("Resuming robot operation")

    def delay(self, seconds: float = 0, minutes: float = 0, msg: Optional[str] = None) -> None:
        """Wait for seconds plus minutes; the message goes into the run log."""
        total = float(seconds) + float(minutes) * 60
        self._engine.execute(
            "waitForDuration", {"seconds": total, "message": msg},
            naming.delay_text(seconds, minutes, msg),
        )

    def comment(self, msg: str) -> None:
        """Add a line to the run log."""
        self._engine.execute("comment", {"message": msg}, str(msg))

    @requires_version(2, 5)
    def set_rail_lights(self, on: bool) -> None:
        """Switch the rail lights on or off."""
        self._engine.execute("setRailLights", {"on": bool(on)})
        self._rail_lights = bool(on)

    def remove_fixed_trash(self) -> None:
        """Free slot 12 for labware that replaces the fixed trash (JSON protocols do this)."""
        trash = self._labware.pop("12", None)
        if trash is not None:
            self._engine.execute("unloadLabware", {"labwareId": trash.engine_id})

    @property
    @requires_version(2, 5)
    def rail_lights_on(self) -> bool:
        """Whether the rail lights are on."""
        return self._rail_lights

    @property
    def fixed_trash(self) -> Union[Labware, TrashBin]:
        """The trash in slot 12 (a TrashBin from apiLevel 2.16)."""
        return self._fixed_trash

    @property
    def deck(self) -> Dict[str, Any]:
        """What sits on each slot (None for an empty slot)."""
        deck: Dict[str, Any] = {slot: None for slot in self._engine.slot_origins}
        for labware in self._labware.values():
            if not isinstance(labware.parent, ModuleContext):
                deck[str(labware.parent)] = labware
        for module in self._modules.values():
            deck[module.slot] = module
        return deck

    @property
    def loaded_labwares(self) -> Dict[int, Labware]:
        """Labware on deck slots, keyed by slot number."""
        return {
            int(lw.parent): lw for lw in self._labware.values() if not isinstance(lw.parent, ModuleContext)
        }

    @property
    def loaded_instruments(self) -> Dict[str, InstrumentContext]:
        """Pipettes keyed by mount name."""
        return dict(self._instruments)

    @property
    def loaded_modules(self) -> Dict[int, ModuleContext]:
        """Modules keyed by slot number."""
        return {int(m.slot): m for m in self._modules.values()}

    @requires_version(2, 14)
    def define_liquid(
        self, name: str, description: Optional[str] = None, display_color: Optional[str] = None
    ) -> Any:
        """Define a liquid that wells can be loaded with."""
        from opentrons.protocol_api.liquid import Liquid

        liquid = Liquid(f"liquid-{len(self._liquids) + 1}", name, description, display_color)
        self._liquids.append(liquid)
        return liquid
