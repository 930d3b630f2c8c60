"""GEN1 p50 single: transfers with a fresh tip each time at apiLevel 2.4."""

metadata = {"apiLevel": "2.4"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p50 = protocol.load_instrument("p50_single", "left", tip_racks=[tips])
    p50.transfer(30, plate.wells()[:4], plate.wells()[4:8], new_tip="always")
    p50.transfer(80, plate["A1"], plate["A12"])
