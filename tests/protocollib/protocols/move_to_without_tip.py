"""move_to low into a plate with no tip: the real simulator logs out-of-bounds warnings under the step."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right")
    p300.move_to(plate["A1"].top(5))
    p300.move_to(plate["A1"].top())
    p300.move_to(plate["B2"].bottom(1))
