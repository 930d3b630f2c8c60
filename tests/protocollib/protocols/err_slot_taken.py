"""Loading a second labware into an occupied slot (apiLevel 2.10)."""

metadata = {"apiLevel": "2.10"}


def run(protocol):
    protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
    protocol.load_labware("nest_12_reservoir_15ml", 3)
