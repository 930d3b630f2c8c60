"""The Python Protocol API v2: the classes a protocol's run(protocol) works with.

Names are imported on first use so that importing this package stays fast.
"""
from importlib import import_module
from typing import Any, Dict, List

_EXPORTS: Dict[str, str] = {
    "ProtocolContext": "opentrons.protocol_api.protocol_context",
    "InstrumentContext": "opentrons.protocol_api.instrument_context",
    "Labware": "opentrons.protocol_api.labware",
    "Well": "opentrons.protocol_api.labware",
    "Liquid": "opentrons.protocol_api.liquid",
    "TrashBin": "opentrons.protocol_api.trash",
    "ModuleContext": "opentrons.protocol_api.module_contexts",
    "TemperatureModuleContext": "opentrons.protocol_api.module_contexts",
    "MagneticModuleContext": "opentrons.protocol_api.module_contexts",
    "ThermocyclerContext": "opentrons.protocol_api.module_contexts",
    "HeaterShakerContext": "opentrons.protocol_api.module_contexts",
    "APIVersion": "opentrons.protocols.api_level",
}
__all__: List[str] = [*_EXPORTS, "MAX_SUPPORTED_VERSION"]


def __getattr__(name: str) -> Any:
    if name == "MAX_SUPPORTED_VERSION":
        return import_module("opentrons.protocols.api_level").MAX_SUPPORTED
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'opentrons.protocol_api' has no attribute {name!r}")


def __dir__() -> List[str]:
    return sorted(__all__)
