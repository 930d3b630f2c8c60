"""The Python Protocol API v2: the classes a protocol's run(protocol) works with."""
from opentrons.protocol_api.instrument_context import InstrumentContext
from opentrons.protocol_api.labware import Labware, Well
from opentrons.protocol_api.liquid import Liquid
from opentrons.protocol_api.module_contexts import (
    HeaterShakerContext,
    MagneticModuleContext,
    ModuleContext,
    TemperatureModuleContext,
    ThermocyclerContext,
)
from opentrons.protocol_api.protocol_context import ProtocolContext
from opentrons.protocol_api.trash import TrashBin
from opentrons.protocols.api_level import MAX_SUPPORTED as MAX_SUPPORTED_VERSION
from opentrons.protocols.api_level import APIVersion

__all__ = [
    "APIVersion", "HeaterShakerContext", "InstrumentContext", "Labware", "Liquid",
    "MAX_SUPPORTED_VERSION", "MagneticModuleContext", "ModuleContext", "ProtocolContext",
    "TemperatureModuleContext", "ThermocyclerContext", "TrashBin", "Well",
]
