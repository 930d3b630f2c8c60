"""The oldest API level: single-channel GEN2 basics with the flow rates in force before 2.6."""

metadata = {"apiLevel": "2.0"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", "1")
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", "2")
    pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    pipette.aspirate(150, plate["A1"])
    pipette.dispense(75, plate["A2"])
    pipette.dispense(75, plate["A3"].bottom(2))
    pipette.blow_out(plate["A3"])
    pipette.touch_tip(plate["A3"])
    pipette.aspirate(30, plate["B1"], rate=2.0)
    pipette.dispense(location=plate["B2"])
    pipette.drop_tip()
