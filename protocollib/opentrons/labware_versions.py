"""Which version of a standard labware definition each apiLevel loads when none is asked for.

Each entry maps a load name to (minor apiLevel, version) breakpoints in rising order: from
apiLevel 2.<minor> on, that version is the default. Load names not listed default to version 1.
"""
from typing import Dict, List, Tuple

DEFAULT_VERSIONS: Dict[str, List[Tuple[int, int]]] = {
    "agilent_1_reservoir_290ml": [(23, 2), (27, 4), (28, 5)],
    "appliedbiosystemsmicroamp_384_wellplate_40ul": [(23, 2), (25, 3)],
    "armadillo_96_wellplate_200ul_pcr_full_skirt": [(14, 2), (23, 3)],
    "axygen_1_reservoir_90ml": [(23, 2), (27, 3)],
    "axygen_96_wellplate_500ul": [(25, 2)],
    "biorad_384_wellplate_50ul": [(14, 2), (23, 3), (25, 4)],
    "biorad_96_wellplate_200ul_pcr": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "black_96_well_microtiter_plate_lid": [(28, 2)],
    "corning_12_wellplate_6.9ml_flat": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "corning_24_wellplate_3.4ml_flat": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "corning_384_wellplate_112ul_flat": [(14, 2), (23, 3), (27, 5)],
    "corning_48_wellplate_1.6ml_flat": [(14, 2), (23, 3), (25, 5), (27, 6)],
    "corning_6_wellplate_16.8ml_flat": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "corning_96_wellplate_360ul_flat": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "corning_96_wellplate_360ul_lid": [(28, 2)],
    "corning_falcon_384_wellplate_130ul_flat_lid": [(28, 2)],
    "ibidi_96_square_well_plate_300ul": [(25, 2)],
    "ibidi_96_square_well_plate_300ul_lid": [(28, 2)],
    "nest_12_reservoir_15ml": [(23, 2), (27, 3)],
    "nest_1_reservoir_195ml": [(14, 2), (23, 3), (27, 4), (28, 5)],
    "nest_1_reservoir_290ml": [(23, 2), (27, 4), (28, 5)],
    "nest_96_wellplate_100ul_pcr_full_skirt": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "nest_96_wellplate_200ul_flat": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "nest_96_wellplate_2ml_deep": [(14, 2), (23, 3), (25, 4), (27, 5)],
    "opentrons_10_tuberack_falcon_4x50ml_6x15ml_conical": [(23, 2), (27, 3)],
    "opentrons_10_tuberack_nest_4x50ml_6x15ml_conical": [(23, 2)],
    "opentrons_15_tuberack_falcon_15ml_conical": [(23, 2), (27, 3)],
    "opentrons_15_tuberack_nest_15ml_conical": [(23, 2)],
    "opentrons_24_aluminumblock_generic_2ml_screwcap": [(14, 2), (23, 3)],
    "opentrons_24_aluminumblock_nest_0.5ml_screwcap": [(23, 2), (27, 4)],
    "opentrons_24_aluminumblock_nest_1.5ml_screwcap": [(23, 2), (27, 3)],
    "opentrons_24_aluminumblock_nest_1.5ml_snapcap": [(23, 2), (27, 3)],
    "opentrons_24_aluminumblock_nest_2ml_screwcap": [(23, 2), (27, 3)],
    "opentrons_24_aluminumblock_nest_2ml_snapcap": [(23, 2), (27, 3)],
    "opentrons_24_tuberack_eppendorf_1.5ml_safelock_snapcap": [(23, 2), (27, 3)],
    "opentrons_24_tuberack_eppendorf_2ml_safelock_snapcap": [(23, 2), (27, 3)],
    "opentrons_24_tuberack_generic_2ml_screwcap": [(23, 2)],
    "opentrons_24_tuberack_nest_0.5ml_screwcap": [(23, 2), (27, 4)],
    "opentrons_24_tuberack_nest_1.5ml_screwcap": [(23, 2)],
    "opentrons_24_tuberack_nest_1.5ml_snapcap": [(23, 2)],
    "opentrons_24_tuberack_nest_2ml_screwcap": [(23, 2)],
    "opentrons_24_tuberack_nest_2ml_snapcap": [(23, 2)],
    "opentrons_6_tuberack_falcon_50ml_conical": [(23, 2)],
    "opentrons_6_tuberack_nest_50ml_conical": [(23, 2), (27, 3)],
    "opentrons_96_aluminumblock_generic_pcr_strip_200ul": [(14, 2), (23, 3), (27, 4)],
    "opentrons_96_wellplate_200ul_pcr_full_skirt": [(14, 2), (23, 3), (25, 4)],
    "opentrons_tough_12_reservoir_22ml": [(28, 2)],
    "opentrons_tough_1_reservoir_300ml": [(28, 2)],
    "opentrons_tough_pcr_auto_sealing_lid": [(23, 2)],
    "opentrons_tough_universal_lid": [(27, 2)],
    "smc_384_read_plate": [(25, 2)],
    "thermoscientificnunc_96_wellplate_1300ul": [(23, 2), (25, 3)],
    "thermoscientificnunc_96_wellplate_2000ul": [(23, 2), (25, 3)],
    "usascientific_12_reservoir_22ml": [(23, 2), (27, 4), (28, 5)],
    "usascientific_96_wellplate_2.4ml_deep": [(23, 2), (25, 3), (27, 4)],
}


def default_version(load_name: str, api_minor: int) -> int:
    """The default definition version of ``load_name`` at apiLevel 2.<api_minor>."""
    chosen = 1
    for minor, version in DEFAULT_VERSIONS.get(load_name, ()):
        if api_minor >= minor:
            chosen = version
    return chosen
