"""Aspirating more than the p20 holds after a first partial aspirate (legacy core, apiLevel 2.12)."""

metadata = {"apiLevel": "2.12"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[tips])
    p20.pick_up_tip()
    p20.aspirate(15, plate["A1"])
    p20.aspirate(10, plate["A1"])
