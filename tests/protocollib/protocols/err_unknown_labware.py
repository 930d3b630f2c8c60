"""Loading labware by a load name that no definition has (apiLevel 2.13)."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    protocol.load_labware("corning_96_wellplate_360ul_flat", 1)
    protocol.load_labware("acme_96_wellplate_999ul", 2)
