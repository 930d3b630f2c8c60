"""GEN1 p1000 single and p300 multi side by side at apiLevel 2.9, with blow_out and touch_tip."""

metadata = {"apiLevel": "2.9"}


def run(protocol):
    tips1000 = protocol.load_labware("opentrons_96_tiprack_1000ul", 1)
    tips300 = protocol.load_labware("opentrons_96_tiprack_300ul", 4)
    deep = protocol.load_labware("nest_96_wellplate_2ml_deep", 2)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 5)
    p1000 = protocol.load_instrument("p1000_single", "left", tip_racks=[tips1000])
    multi = protocol.load_instrument("p300_multi", "right", tip_racks=[tips300])
    p1000.transfer(900, deep["A1"], deep.wells("A2", "A3"), touch_tip=True, blow_out=True)
    multi.transfer(150, deep.rows()[0][3], plate.rows()[0][:2])
