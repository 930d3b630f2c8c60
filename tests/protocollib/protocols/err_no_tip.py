"""Aspirating with no tip attached (legacy core, apiLevel 2.13)."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    p300 = protocol.load_instrument("p300_single_gen2", "right")
    p300.aspirate(50, plate["A1"])
