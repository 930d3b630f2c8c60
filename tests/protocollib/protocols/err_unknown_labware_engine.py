"""Loading labware by an unknown load name on the engine core (apiLevel 2.16)."""

metadata = {"apiLevel": "2.16"}


def run(protocol):
    protocol.load_labware("acme_96_wellplate_999ul", 2)
