"""GEN2 magnetic module with an 8-channel pipette: engage, remove supernatant, disengage."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    magnet = protocol.load_module("magnetic module gen2", 4)
    plate = magnet.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", "samples")
    waste = protocol.load_labware("nest_1_reservoir_195ml", 5)
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 6)
    multi = protocol.load_instrument("p300_multi_gen2", "right", tip_racks=[tips])
    magnet.engage(height_from_base=7.5)
    protocol.delay(minutes=2, msg="beads settling")
    for column in plate.rows()[0][:3]:
        multi.pick_up_tip()
        multi.aspirate(60, column.bottom(1))
        multi.dispense(60, waste["A1"].top())
        multi.drop_tip()
    magnet.disengage()
