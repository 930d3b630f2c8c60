"""A (start, end) volume gradient given to transfer: the 9.0.0 run-log formatter rejects the tuple."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.transfer((100, 30), plate["A1"], plate.columns()[2][:5])
