"""Dispensing more than the tip holds: from apiLevel 2.21 the real simulator refuses it."""

metadata = {"apiLevel": "2.21"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.pick_up_tip()
    p300.aspirate(20, plate["A1"])
    p300.dispense(50, plate["A2"])
    p300.aspirate(30, plate["A1"])
    p300.dispense(location=plate["A3"])
    p300.drop_tip()
