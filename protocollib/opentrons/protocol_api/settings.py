"""Per-pipette settings a protocol can change: flow rates, plunger speeds, clearances."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict

from opentrons.protocols.api_level import APIVersion

if TYPE_CHECKING:
    from opentrons.protocol_api.instrument_context import InstrumentContext


def default_for_level(spec: Dict[str, Any], level: APIVersion) -> float:
    """The value of a name-spec flow rate that applies at ``level``."""
    by_level = spec.get("valuesByApiLevel") or {}
    chosen = spec["value"]
    for key in sorted(by_level, key=APIVersion.from_string):
        if APIVersion.from_string(key) <= level:
            chosen = by_level[key]
    return chosen


class FlowRates:
    """Aspirate, dispense and blow-out flow rates in µL/s."""

    def __init__(self, name_spec: Dict[str, Any], level: APIVersion) -> None:
        self.aspirate = default_for_level(name_spec["defaultAspirateFlowRate"], level)
        self.dispense = default_for_level(name_spec["defaultDispenseFlowRate"], level)
        self.blow_out = default_for_level(name_spec["defaultBlowOutFlowRate"], level)

    def __setattr__(self, name: str, value: Any) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"flow_rate.{name} must be a positive number of uL/s, got {value!r}")
        object.__setattr__(self, name, float(value))


class PlungerSpeeds:
    """Plunger speeds in mm/s, kept consistent with the flow rates."""

    def __init__(self, instrument: "InstrumentContext") -> None:
        object.__setattr__(self, "_instrument", instrument)

    def _ul_per_mm(self, action: str) -> float:
        state = self._instrument._state
        return state.ul_per_mm(state.max_volume, action)

    def __getattr__(self, name: str) -> float:
        action = {"aspirate": "aspirate", "dispense": "dispense", "blow_out": "dispense"}.get(name)
        if action is None:
            raise AttributeError(name)
        return getattr(self._instrument.flow_rate, name) / self._ul_per_mm(action)

    def __setattr__(self, name: str, value: float) -> None:
        action = {"aspirate": "aspirate", "dispense": "dispense", "blow_out": "dispense"}.get(name)
        if action is None:
            raise AttributeError(f"speed has no setting {name!r}; use aspirate, dispense or blow_out")
        setattr(self._instrument.flow_rate, name, value * self._ul_per_mm(action))


class Clearances:
    """Distance above a well's bottom for aspirate and dispense, in mm (default 1.0)."""

    def __init__(self) -> None:
        self.aspirate = 1.0
        self.dispense = 1.0
