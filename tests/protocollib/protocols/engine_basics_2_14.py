"""apiLevel 2.14, the first level the real software runs on its engine core: basic steps and labels."""

metadata = {"apiLevel": "2.14", "protocolName": "Engine-era basics"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2, label="assay plate")
    tubes = protocol.load_labware("opentrons_24_tuberack_nest_1.5ml_snapcap", 3)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.pick_up_tip()
    p300.aspirate(200, tubes["A1"])
    p300.dispense(100, plate["A1"])
    p300.touch_tip()
    p300.dispense(100, plate["B1"].top())
    p300.blow_out()
    p300.mix(2, 150, tubes["B1"])
    p300.aspirate(150, tubes["B1"])
    p300.air_gap(20)
    p300.dispense(170, tubes["C1"])
    p300.drop_tip()
    protocol.comment(f"current volume {p300.current_volume}, has tip {p300.has_tip}")
