"""transfer with new_tip once, always and never, from one source to many wells and back."""

metadata = {"apiLevel": "2.11"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.transfer(50, plate["A1"], plate.wells("B1", "C1", "D1"), new_tip="once")
    p300.transfer(50, plate.wells("B1", "C1"), plate["A2"], new_tip="always")
    p300.pick_up_tip()
    p300.transfer(20, plate["A2"], plate.wells("E1", "F1"), new_tip="never")
    p300.transfer(400, plate["A3"], plate["A4"], new_tip="never")
    p300.drop_tip()
