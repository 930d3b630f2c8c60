"""GEN2 thermocycler at apiLevel 2.13: ramp rate, profile without block volume, full deactivate."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    cycler = protocol.load_module("thermocycler module gen2")
    plate = cycler.load_labware("opentrons_96_aluminumblock_biorad_wellplate_200ul")
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 3)
    multi = protocol.load_instrument("p20_multi_gen2", "right", tip_racks=[tips])
    cycler.open_lid()
    multi.transfer(5, plate["A1"], plate["A2"], mix_after=(2, 10))
    cycler.close_lid()
    cycler.set_lid_temperature(100)
    cycler.set_block_temperature(50, ramp_rate=2, hold_time_seconds=5)
    cycler.execute_profile(
        steps=[{"temperature": 94, "hold_time_seconds": 15}, {"temperature": 60, "hold_time_seconds": 20}],
        repetitions=2,
    )
    cycler.deactivate()
