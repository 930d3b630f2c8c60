"""Magnetic module, thermocycler and heater-shaker on the engine core at apiLevel 2.17."""

metadata = {"apiLevel": "2.17"}


def run(protocol):
    cycler = protocol.load_module("thermocycler module gen2")
    pcr = cycler.load_labware("nest_96_wellplate_100ul_pcr_full_skirt")
    magnet = protocol.load_module("magnetic module gen2", 1)
    beads = magnet.load_labware("nest_96_wellplate_100ul_pcr_full_skirt")
    shaker = protocol.load_module("heaterShakerModuleV1", 6)
    shaken = shaker.load_labware("opentrons_96_deep_well_adapter_nest_wellplate_2ml_deep")
    tips = protocol.load_labware("opentrons_96_filtertiprack_20ul", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "right", tip_racks=[tips])
    cycler.open_lid()
    cycler.set_block_temperature(10, hold_time_seconds=15)
    p20.transfer(10, pcr["A1"], beads["A1"])
    magnet.engage(height_from_base=4)
    magnet.disengage()
    shaker.close_labware_latch()
    shaker.set_and_wait_for_shake_speed(500)
    p20.transfer(5, beads["B1"], pcr["B1"])
    shaker.deactivate_shaker()
    cycler.close_lid()
    cycler.set_lid_temperature(102)
    cycler.execute_profile(
        steps=[{"temperature": 90, "hold_time_seconds": 5}, {"temperature": 55, "hold_time_seconds": 5}],
        repetitions=2,
        block_max_volume=20,
    )
    cycler.deactivate_lid()
    cycler.deactivate_block()
