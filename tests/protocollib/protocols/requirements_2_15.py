"""apiLevel in a requirements dict (robotType OT-2) at 2.15, with metadata carrying only descriptions."""

metadata = {"protocolName": "Requirements dict", "author": "protocollib tests"}
requirements = {"robotType": "OT-2", "apiLevel": "2.15"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[tips])
    p20.transfer([5, 10, 15], plate.wells("A1", "B1", "C1"), plate.wells("A2", "B2", "C2"), new_tip="always")
    p20.distribute(4, plate["D1"], plate.wells("D2", "D3", "D4"))
    p20.consolidate(6, plate.wells("E1", "E2", "E3"), plate["E4"])
