"""Module contexts: temperature, magnetic, thermocycler and heater-shaker modules in a protocol."""
from __future__ import annotations

from math import trunc
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Type

from opentrons.engine.state import ModuleState
from opentrons.errors import CommandError, UnsupportedError
from opentrons.protocol_api import naming
from opentrons.protocols.api_level import APIVersion, requires_version
from opentrons.types import Point

if TYPE_CHECKING:
    from opentrons.protocol_api.labware import Labware
    from opentrons.protocol_api.protocol_context import ProtocolContext

_HEIGHT_REMOVED_IN = APIVersion(2, 14)
_HS_WARNING = (
    "WARNING (legacy_module_core): Pipette movement destination has no slot associated with "
    "it. Cannot determine whether movement will safely avoid colliding with the Heater-Shaker."
)


class ModuleContext:
    """A loaded module: its labware and the actions it offers."""

    def __init__(self, ctx: "ProtocolContext", state: ModuleState) -> None:
        self._ctx = ctx
        self._state = state
        self.labware: Optional["Labware"] = None

    @property
    def api_version(self) -> APIVersion:
        """The apiLevel of the protocol that loaded this module."""
        return self._ctx.api_version

    @property
    def module_id(self) -> str:
        """The engine's id of this module."""
        return self._state.module_id

    @property
    def model(self) -> str:
        """The module model, e.g. 'temperatureModuleV2'."""
        return self._state.model

    @property
    def display_name(self) -> str:
        """The definition's display name, e.g. 'Temperature Module GEN2'."""
        return self._state.definition["displayName"]

    @property
    def slot(self) -> str:
        """The slot the module stands on."""
        return self._state.slot

    @property
    def slot_text(self) -> str:
        """The slot as the run log names it at this apiLevel."""
        return naming.slot_text(self._state.slot, self._ctx.api_version)

    @property
    def labware_origin(self) -> Point:
        """Where labware on this module has its origin."""
        return self._state.labware_origin

    @property
    def status(self) -> Dict[str, Any]:
        """What the module was last told to do."""
        return dict(self._state.status)

    def load_labware(self, name: str, label: Optional[str] = None, namespace: Optional[str] = None,
                     version: Optional[int] = None, adapter: Optional[str] = None) -> "Labware":
        """Load a labware onto this module."""
        if adapter is not None:
            raise UnsupportedError(
                "adapter is not supported by this simulator yet; load the adapter-and-plate "
                "combination definition (e.g. an aluminium block with its plate) instead"
            )
        params = {"loadName": name, "namespace": namespace, "version": version, "displayName": label}
        self.labware = self._ctx.load_labware_on_module(self, params)
        self._check_labware(self.labware)
        return self.labware

    def load_labware_from_definition(self, definition: Dict[str, Any],
                                     label: Optional[str] = None) -> "Labware":
        """Load a custom labware definition onto this module."""
        params = dict(self._ctx.register_definition(definition), displayName=label)
        self.labware = self._ctx.load_labware_on_module(self, params)
        self._check_labware(self.labware)
        return self.labware

    def _check_labware(self, labware: "Labware") -> None:
        """Hook for modules that warn about unsuitable labware."""

    def _act(self, action: str, text: str, **params: Any) -> None:
        self._ctx.engine.execute(action, dict(params, moduleId=self.module_id), text)

    def __repr__(self) -> str:
        return f"{type(self).__name__} at {self.display_name} on {self.slot} lw {self.labware!r}"


class TemperatureModuleContext(ModuleContext):
    """A temperature module (GEN1 or GEN2)."""

    @staticmethod
    def _text(verb: str, celsius: float) -> str:
        return f"{verb} {round(float(celsius), 0)} °C (rounded off to nearest integer)"

    def set_temperature(self, celsius: float) -> None:
        """Set the target and wait until it is reached."""
        self._act("temperatureModule/setTargetTemperature",
                  self._text("Setting Temperature Module temperature to", celsius), celsius=celsius)

    @requires_version(2, 3)
    def start_set_temperature(self, celsius: float) -> None:
        """Set the target without waiting."""
        self.set_temperature(celsius)

    @requires_version(2, 3)
    def await_temperature(self, celsius: float) -> None:
        """Wait until the module reaches ``celsius``."""
        self._act("temperatureModule/waitForTemperature",
                  self._text("Waiting for Temperature Module to reach temperature", celsius), celsius=celsius)

    def deactivate(self) -> None:
        """Stop holding a temperature."""
        self._act("temperatureModule/deactivate", "Deactivating Temperature Module")


class MagneticModuleContext(ModuleContext):
    """A magnetic module (GEN1 or GEN2)."""

    def engage(self, height: Optional[float] = None, offset: Optional[float] = None,
               height_from_base: Optional[float] = None) -> None:
        """Raise the magnets to a height (mm from the labware base, or legacy units)."""
        if height is not None and self._ctx.api_version >= _HEIGHT_REMOVED_IN:
            raise CommandError(
                "The height parameter of MagneticModuleContext.engage() is not available after "
                f"API version 2.14. You are currently using API version {self._ctx.api_version}. "
                "Use offset or height_from_base."
            )
        chosen = next((v for v in (height_from_base, height, offset) if v is not None), None)
        self._act("magneticModule/engage", "Engaging Magnetic Module", height=chosen)

    def _check_labware(self, labware: "Labware") -> None:
        has_height = "magneticModuleEngageHeight" in labware.parameters
        if self._ctx.api_version < _HEIGHT_REMOVED_IN and not has_height:
            self._ctx.engine.warn(
                f"WARNING (legacy_module_core): The labware definition for {labware.name} does not "
                "define a default engagement height for use with the Magnetic Module; you must "
                "specify a height explicitly when calling engage()."
            )

    def disengage(self) -> None:
        """Lower the magnets."""
        self._act("magneticModule/disengage", "Disengaging Magnetic Module")


class ThermocyclerContext(ModuleContext):
    """A thermocycler (GEN1 or GEN2)."""

    def _lid(self, action: str, text: str) -> None:
        self._act(action, text)
        heater_shaker = any(isinstance(m, HeaterShakerContext) for m in self._ctx._modules.values())
        if heater_shaker and self._ctx.api_version < _HEIGHT_REMOVED_IN:
            self._ctx.engine.log("Logs from this command:")
            self._ctx.engine.log(_HS_WARNING)

    def open_lid(self) -> None:
        """Open the lid."""
        self._lid("thermocycler/openLid", "Opening Thermocycler lid")

    def close_lid(self) -> None:
        """Close the lid."""
        self._lid("thermocycler/closeLid", "Closing Thermocycler lid")

    def set_lid_temperature(self, temperature: float) -> None:
        """Heat the lid and wait."""
        self._act("thermocycler/setTargetLidTemperature",
                  f"Setting Thermocycler lid temperature to {round(float(temperature), 2)} °C",
                  celsius=temperature)

    def set_block_temperature(self, temperature: float, hold_time_seconds: Optional[float] = None,
                              hold_time_minutes: Optional[float] = None, ramp_rate: Optional[float] = None,
                              block_max_volume: Optional[float] = None) -> None:
        """Bring the block to ``temperature`` and hold it for the given time."""
        text = f"Setting Thermocycler well block temperature to {round(float(temperature), 2)} °C"
        hold = None
        if hold_time_seconds or hold_time_minutes:
            hold = (hold_time_seconds or 0) + (hold_time_minutes or 0) * 60
            seconds = hold % 60
            minutes = (hold - seconds) / 60
            text += " with a hold time of " + (f"{minutes} minutes and " if minutes > 0 else "")
            text += f"{seconds} seconds"
        self._act("thermocycler/setTargetBlockTemperature", text, celsius=temperature,
                  holdTimeSeconds=hold, blockMaxVolumeUl=block_max_volume)

    def execute_profile(self, steps: List[Dict[str, float]], repetitions: int,
                        block_max_volume: Optional[float] = None) -> None:
        """Run ``steps`` ``repetitions`` times."""
        if repetitions <= 0:
            raise ValueError("repetitions must be a positive integer")
        text = (f"Thermocycler starting {repetitions} repetitions of cycle composed of the "
                f"following steps: {steps}")
        self._act("thermocycler/runProfile", text, profile=[dict(s) for s in steps] * repetitions,
                  blockMaxVolumeUl=block_max_volume)

    def deactivate_lid(self) -> None:
        """Stop heating the lid."""
        self._act("thermocycler/deactivateLid", "Deactivating Thermocycler lid heating")

    def deactivate_block(self) -> None:
        """Stop controlling the block temperature."""
        self._act("thermocycler/deactivateBlock", "Deactivating Thermocycler well block heating")

    def deactivate(self) -> None:
        """Stop the lid and block."""
        self._act("thermocycler/deactivate", "Deactivating Thermocycler")


class HeaterShakerContext(ModuleContext):
    """A heater-shaker module."""

    @requires_version(2, 13)
    def set_target_temperature(self, celsius: float) -> None:
        """Start heating to ``celsius`` without waiting."""
        self._act("heaterShaker/setTargetTemperature",
                  f"Setting Target Temperature of Heater-Shaker to {trunc(celsius)} °C", celsius=celsius)

    @requires_version(2, 13)
    def set_and_wait_for_temperature(self, celsius: float) -> None:
        """Heat to ``celsius`` and wait until it is reached."""
        self.set_target_temperature(celsius)
        self.wait_for_temperature()

    @requires_version(2, 27)
    def set_shake_speed(self, rpm: int) -> None:
        """Start shaking at ``rpm`` without waiting."""
        self._act("heaterShaker/setShakeSpeed", f"Setting Heater-Shaker to Shake at {rpm} RPM", rpm=rpm)

    @requires_version(2, 13)
    def wait_for_temperature(self) -> None:
        """Wait until the target temperature is reached."""
        self._act("heaterShaker/waitForTemperature", "Waiting for Heater-Shaker to reach target temperature")

    @requires_version(2, 13)
    def set_and_wait_for_shake_speed(self, rpm: int) -> None:
        """Shake at ``rpm`` and wait until the speed is reached."""
        self._act("heaterShaker/setAndWaitForShakeSpeed",
                  f"Setting Heater-Shaker to Shake at {rpm} RPM and waiting until reached", rpm=rpm)

    @requires_version(2, 13)
    def open_labware_latch(self) -> None:
        """Open the labware latch."""
        self._act("heaterShaker/openLabwareLatch", "Unlatching labware on Heater-Shaker")

    @requires_version(2, 13)
    def close_labware_latch(self) -> None:
        """Close the labware latch."""
        self._act("heaterShaker/closeLabwareLatch", "Latching labware on Heater-Shaker")

    @requires_version(2, 13)
    def deactivate_shaker(self) -> None:
        """Stop shaking."""
        self._act("heaterShaker/deactivateShaker", "Deactivating Shaker")

    @requires_version(2, 13)
    def deactivate_heater(self) -> None:
        """Stop heating."""
        self._act("heaterShaker/deactivateHeater", "Deactivating Heater")




def module_context_class(model: str) -> Type[ModuleContext]:
    """The context class for a module model."""
    for prefix, cls in (("temperature", TemperatureModuleContext), ("magnetic", MagneticModuleContext),
                        ("thermocycler", ThermocyclerContext), ("heaterShaker", HeaterShakerContext)):
        if model.startswith(prefix):
            return cls
    raise CommandError(f"No module context for model {model!r}")
