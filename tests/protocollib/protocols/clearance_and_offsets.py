"""well_bottom_clearance changes, labware set_offset, and Well top/bottom/center with offsets."""

metadata = {"apiLevel": "2.12"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    plate.set_offset(x=0.5, y=-0.3, z=1.2)
    tips.set_offset(x=0.1, y=0.1, z=0)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.well_bottom_clearance.aspirate = 2
    p300.well_bottom_clearance.dispense = 5
    p300.pick_up_tip()
    p300.aspirate(100, plate["A1"])
    p300.dispense(50, plate["A2"])
    p300.dispense(50, plate["A3"].top(-2))
    p300.aspirate(80, plate["B1"].bottom(0.5))
    p300.dispense(80, plate["B2"].center())
    p300.drop_tip()
    p300.transfer(60, plate["C1"], plate["C2"])
