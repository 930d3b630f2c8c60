"""define_liquid/load_liquid, set_offset and well_bottom_clearance on the engine core at apiLevel 2.18."""

metadata = {"apiLevel": "2.18"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_1000ul", 1)
    reservoir = protocol.load_labware("nest_12_reservoir_15ml", 2)
    plate = protocol.load_labware("nest_96_wellplate_2ml_deep", 3)
    plate.set_offset(x=0.2, y=0.4, z=-0.5)
    buffer = protocol.define_liquid("buffer", description="wash buffer", display_color="#1e90ff")
    reservoir["A1"].load_liquid(buffer, 10000)
    p1000 = protocol.load_instrument("p1000_single_gen2", "left", tip_racks=[tips])
    p1000.well_bottom_clearance.aspirate = 3
    p1000.well_bottom_clearance.dispense = 10
    p1000.flow_rate.aspirate = 200
    p1000.transfer(1200, reservoir["A1"], plate["A1"], touch_tip=True)
    p1000.distribute(300, reservoir["A1"], plate.wells("B1", "C1", "D1"), disposal_volume=50)
