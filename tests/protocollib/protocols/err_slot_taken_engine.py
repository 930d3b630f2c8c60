"""Loading a module into a slot that already holds labware, on the engine core (apiLevel 2.15)."""

metadata = {"apiLevel": "2.15"}


def run(protocol):
    protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
    protocol.load_module("temperature module gen2", 3)
