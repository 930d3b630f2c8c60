"""Tip tracking at apiLevel 2.19: starting_tip, return_tip, reset_tipracks with two pipettes."""

metadata = {"apiLevel": "2.19"}


def run(protocol):
    small = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    large = protocol.load_labware("opentrons_96_tiprack_300ul", 4)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[small])
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[large])
    p20.starting_tip = small["H1"]
    p20.pick_up_tip()
    p20.aspirate(10, plate["A1"])
    p20.dispense(10, plate["A2"])
    p20.return_tip()
    p20.pick_up_tip()
    p20.drop_tip()
    p300.pick_up_tip(large["D4"])
    p300.aspirate(200, plate["B1"])
    p300.dispense(200, plate["B2"])
    p300.drop_tip()
    p20.reset_tipracks()
    p20.pick_up_tip()
    p20.drop_tip(plate["H12"].top())
