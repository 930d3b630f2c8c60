"""GEN1 thermocycler: lid, block and lid temperatures, a repeated profile, deactivation."""

metadata = {"apiLevel": "2.4"}


def run(protocol):
    cycler = protocol.load_module("thermocycler")
    plate = cycler.load_labware("nest_96_wellplate_100ul_pcr_full_skirt")
    tips = protocol.load_labware("opentrons_96_filtertiprack_20ul", 1)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[tips])
    cycler.open_lid()
    cycler.set_block_temperature(4)
    p20.transfer(10, plate["A1"], plate.wells("A2", "A3"))
    cycler.close_lid()
    cycler.set_lid_temperature(105)
    cycler.set_block_temperature(95, hold_time_seconds=30)
    cycler.set_block_temperature(72, hold_time_minutes=1, block_max_volume=25)
    profile = [
        {"temperature": 95, "hold_time_seconds": 10},
        {"temperature": 57, "hold_time_seconds": 30},
        {"temperature": 72, "hold_time_minutes": 1},
    ]
    cycler.execute_profile(steps=profile, repetitions=3, block_max_volume=25)
    cycler.set_block_temperature(4)
    cycler.deactivate_lid()
    cycler.open_lid()
    cycler.deactivate_block()
