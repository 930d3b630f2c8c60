"""GEN1 p300 single: distribute with a disposal volume and blow_out at apiLevel 2.7."""

metadata = {"apiLevel": "2.7"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    reservoir = protocol.load_labware("usascientific_12_reservoir_22ml", 2)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
    p300 = protocol.load_instrument("p300_single", "right", tip_racks=[tips])
    p300.distribute(50, reservoir["A1"], plate.columns()[0], disposal_volume=20, blow_out=True)
    p300.distribute(40, reservoir["A2"], plate.columns()[1])
