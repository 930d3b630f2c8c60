"""move_to, home (robot and pipette), delay in its forms, comment and pause."""

from opentrons import types

metadata = {"apiLevel": "2.10", "protocolName": "Motion and timing"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    protocol.home()
    protocol.comment("Starting motion checks")
    p300.pick_up_tip()
    p300.move_to(plate["A1"].top())
    p300.move_to(plate["H12"].bottom(3), force_direct=True)
    p300.move_to(plate["D6"].center(), minimum_z_height=30)
    p300.move_to(types.Location(types.Point(100, 100, 100), None))
    p300.drop_tip()
    p300.home()
    protocol.delay(seconds=5)
    protocol.delay(minutes=1.5)
    protocol.delay(minutes=2, seconds=30, msg="incubating")
    protocol.pause()
    protocol.pause("Swap the plate, then resume")
    protocol.comment("Done")
