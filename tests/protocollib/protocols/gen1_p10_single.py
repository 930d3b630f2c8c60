"""GEN1 p10 single: basic steps, touch_tip and return_tip at apiLevel 2.3."""

metadata = {"apiLevel": "2.3"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_10ul", 3)
    plate = protocol.load_labware("biorad_96_wellplate_200ul_pcr", 2)
    p10 = protocol.load_instrument("p10_single", "right", tip_racks=[tips])
    p10.pick_up_tip()
    p10.aspirate(5, plate["A1"])
    p10.dispense(5, plate["H12"])
    p10.touch_tip()
    p10.blow_out()
    p10.return_tip()
    p10.pick_up_tip()
    p10.aspirate(8, plate["C3"].bottom(0.5))
    p10.dispense(8, plate["C4"])
    p10.drop_tip()
