"""p1000 GEN2: mix in all its forms, air gaps and touch_tip with custom radius, offset and speed."""

metadata = {"apiLevel": "2.8"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_1000ul", 1)
    tubes = protocol.load_labware("opentrons_15_tuberack_falcon_15ml_conical", 2)
    p1000 = protocol.load_instrument("p1000_single_gen2", "left", tip_racks=[tips])
    p1000.pick_up_tip()
    p1000.mix(3, 500, tubes["A1"])
    p1000.mix(2, 250)
    p1000.mix(1)
    p1000.aspirate(400, tubes["A1"])
    p1000.air_gap(100)
    p1000.dispense(500, tubes["B1"])
    p1000.aspirate(300, tubes["A2"])
    p1000.air_gap(50, height=5)
    p1000.dispense(350, tubes["B2"].top(-10))
    p1000.touch_tip(tubes["B2"], radius=0.8, v_offset=-5, speed=40)
    p1000.mix(2, 200, tubes["B2"], rate=0.5)
    p1000.blow_out(tubes["B2"].top())
    p1000.drop_tip()
