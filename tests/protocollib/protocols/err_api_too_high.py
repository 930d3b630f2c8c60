"""An apiLevel above the highest the software supports."""

metadata = {"apiLevel": "2.99"}


def run(protocol):
    protocol.comment("never reached")
