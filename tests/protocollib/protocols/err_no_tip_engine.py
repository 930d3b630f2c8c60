"""Dispensing with no tip attached on the engine core (apiLevel 2.16)."""

metadata = {"apiLevel": "2.16"}


def run(protocol):
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "left")
    p20.dispense(5, plate["A1"])
