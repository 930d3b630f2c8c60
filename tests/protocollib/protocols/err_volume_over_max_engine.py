"""Aspirating more than the p300 holds on the engine core (apiLevel 2.15)."""

requirements = {"robotType": "OT-2", "apiLevel": "2.15"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_2ml_deep", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.pick_up_tip()
    p300.aspirate(350, plate["A1"])
