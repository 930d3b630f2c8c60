"""requirements with only apiLevel (no robotType, so OT-2) at 2.16: multi-channel transfers and modules."""

requirements = {"apiLevel": "2.16"}


def run(protocol):
    module = protocol.load_module("temperature module gen2", 1)
    plate = module.load_labware("opentrons_96_aluminumblock_nest_wellplate_100ul")
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 2)
    reservoir = protocol.load_labware("nest_12_reservoir_15ml", 3)
    multi = protocol.load_instrument("p300_multi_gen2", "left", tip_racks=[tips])
    module.set_temperature(8)
    multi.transfer(50, reservoir["A1"], plate.rows()[0][:4], new_tip="once", mix_after=(1, 40))
    multi.transfer(30, plate["A1"], plate["A5"], air_gap=10, blow_out=True, blowout_location="destination well")
    module.deactivate()
