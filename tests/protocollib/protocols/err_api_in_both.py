"""apiLevel given in both metadata and requirements, which the parser refuses."""

metadata = {"apiLevel": "2.15"}
requirements = {"robotType": "OT-2", "apiLevel": "2.15"}


def run(protocol):
    protocol.comment("never reached")
