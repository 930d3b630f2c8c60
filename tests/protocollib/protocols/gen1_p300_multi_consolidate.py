"""GEN1 p300 multi: consolidate columns into one, with air gaps, at apiLevel 2.10."""

metadata = {"apiLevel": "2.10"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_multi", "left", tip_racks=[tips])
    p300.consolidate(60, plate.columns()[0:4], plate.columns()[11])
    p300.consolidate(40, [plate["A5"], plate["A6"]], plate["A11"], air_gap=10, new_tip="always")
