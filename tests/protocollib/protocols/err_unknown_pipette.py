"""Loading a pipette by a name that does not exist (apiLevel 2.13)."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    protocol.load_instrument("p250_single_gen3", "left")
