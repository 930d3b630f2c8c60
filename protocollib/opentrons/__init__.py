"""opentrons: the protocol library users import to write and run OT-2 protocols."""
