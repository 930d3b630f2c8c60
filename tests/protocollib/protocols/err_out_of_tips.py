"""Running out of tips: starting at H12 leaves one tip for two pick-ups (apiLevel 2.13)."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.starting_tip = tips["H12"]
    p300.transfer(50, plate["A1"], plate.wells("B1", "C1"), new_tip="always")
