"""GEN1 p10 and p300 single-channel pipettes on the engine core at apiLevel 2.20."""

metadata = {"apiLevel": "2.20"}


def run(protocol):
    tips10 = protocol.load_labware("opentrons_96_tiprack_10ul", 1)
    tips300 = protocol.load_labware("opentrons_96_tiprack_300ul", 4)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p10 = protocol.load_instrument("p10_single", "left", tip_racks=[tips10])
    p300 = protocol.load_instrument("p300_single", "right", tip_racks=[tips300])
    p10.transfer(8, plate["A1"], plate["A2"], mix_before=(1, 5))
    p300.transfer(250, plate["B1"], plate["B2"], blow_out=True)
    p300.pick_up_tip()
    p300.aspirate(100, plate["C1"])
    p300.air_gap(20)
    p300.dispense(120, plate["C2"])
    p300.drop_tip()
    p300.flow_rate.dispense = 150
    p300.transfer(50, plate["D1"], plate["D2"])
