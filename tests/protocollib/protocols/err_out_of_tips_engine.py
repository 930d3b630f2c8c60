"""Running out of tips with an 8-channel pipette on the engine core (apiLevel 2.18)."""

metadata = {"apiLevel": "2.18"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", 2)
    multi = protocol.load_instrument("p20_multi_gen2", "left", tip_racks=[tips])
    for column in plate.rows()[0] + plate.rows()[0][:1]:
        multi.pick_up_tip()
        multi.aspirate(10, column)
        multi.drop_tip()
