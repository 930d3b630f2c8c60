"""A two-fold serial dilution down the rows of a plate with an 8-channel pipette."""

metadata = {
    "protocolName": "Serial dilution, 8 channels",
    "author": "protocollib tests",
    "apiLevel": "2.11",
}

DILUENT_UL = 100
STEP_UL = 100


def run(protocol):
    tips = [protocol.load_labware("opentrons_96_tiprack_300ul", slot) for slot in (1, 4)]
    reservoir = protocol.load_labware("nest_12_reservoir_15ml", 2)
    plate = protocol.load_labware("nest_96_wellplate_200ul_flat", 3)
    multi = protocol.load_instrument("p300_multi_gen2", "left", tip_racks=tips)

    multi.transfer(DILUENT_UL, reservoir["A1"], plate.rows()[0][1:])
    multi.transfer(2 * STEP_UL, reservoir["A2"], plate["A1"], mix_after=(3, 50))
    columns = plate.rows()[0]
    multi.transfer(
        STEP_UL,
        columns[:11],
        columns[1:],
        mix_after=(3, 50),
        new_tip="always",
    )
    multi.pick_up_tip()
    multi.aspirate(STEP_UL, plate["A12"])
    multi.dispense(STEP_UL, reservoir["A12"])
    multi.drop_tip()
