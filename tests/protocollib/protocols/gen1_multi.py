"""GEN1 p10 and p50 multi-channel pipettes working a column at a time at apiLevel 2.9."""

metadata = {"apiLevel": "2.9"}


def run(protocol):
    small_tips = protocol.load_labware("opentrons_96_tiprack_10ul", 1)
    large_tips = protocol.load_labware("opentrons_96_tiprack_300ul", 4)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p10 = protocol.load_instrument("p10_multi", "left", tip_racks=[small_tips])
    p50 = protocol.load_instrument("p50_multi", "right", tip_racks=[large_tips])
    p10.transfer(5, plate.columns_by_name()["1"], plate.columns_by_name()["2"])
    p50.pick_up_tip()
    p50.aspirate(40, plate["A3"])
    p50.dispense(20, plate["A4"])
    p50.dispense(20, plate["A5"])
    p50.blow_out(plate["A5"])
    p50.drop_tip()
