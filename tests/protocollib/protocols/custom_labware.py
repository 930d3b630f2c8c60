"""Labware of our own (custom_beta namespace, loaded with -L) beside standard labware, apiLevel 2.11."""

metadata = {"apiLevel": "2.11"}


def run(protocol):
    tips = protocol.load_labware("ourlab_96_tiprack_200ul", 1, namespace="custom_beta", version=1)
    plate = protocol.load_labware("ourlab_24_wellplate_3400ul", 2)
    trough = protocol.load_labware("ourlab_1_reservoir_250ml", 3, "buffer trough")
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.distribute(150, trough["A1"], plate.rows()[0])
    p300.transfer(100, plate.columns()[0], plate.columns()[5], new_tip="always", mix_after=(2, 50))
    p300.pick_up_tip()
    p300.aspirate(120, plate["D6"].bottom(2))
    p300.touch_tip()
    p300.dispense(120, trough["A1"].top(-3))
    p300.return_tip()
