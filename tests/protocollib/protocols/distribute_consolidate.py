"""distribute and consolidate on a single channel: disposal volume, new_tip always, volume lists."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    reservoir = protocol.load_labware("nest_12_reservoir_15ml", 2)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
    p300 = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    p300.distribute(30, reservoir["A1"], plate.rows()[0], disposal_volume=0)
    p300.distribute(100, reservoir["A2"], plate.rows()[1][:6], new_tip="always", disposal_volume=25)
    p300.distribute([50, 40, 30, 20, 10], reservoir["A3"], plate.rows()[2][:5])
    p300.consolidate(120, plate.rows()[3][:6], reservoir["A4"])
    p300.consolidate([30, 40, 50], plate.wells("E1", "E2", "E3"), reservoir["A5"], mix_after=(2, 100))
