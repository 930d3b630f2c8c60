"""return_tip after aspirate/dispense cycles, then reuse the returned tips with explicit locations."""

metadata = {"apiLevel": "2.6"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 5)
    tubes = protocol.load_labware("opentrons_24_tuberack_eppendorf_1.5ml_safelock_snapcap", 6)
    p300 = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    for tube in tubes.wells()[:3]:
        p300.pick_up_tip()
        p300.aspirate(200, tube)
        p300.dispense(200, tube)
        p300.return_tip()
    p300.pick_up_tip(tips["B1"])
    p300.mix(2, 100, tubes["D6"])
    p300.return_tip()
