"""Heater-shaker at apiLevel 2.13: latch, heat, shake, pipette into the plate, deactivate."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    shaker = protocol.load_module("heaterShakerModuleV1", 1)
    plate = shaker.load_labware("opentrons_96_flat_bottom_adapter_nest_wellplate_200ul_flat")
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 4)
    reservoir = protocol.load_labware("nest_12_reservoir_15ml", 5)
    p300 = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    shaker.open_labware_latch()
    shaker.close_labware_latch()
    shaker.set_target_temperature(45)
    p300.transfer(100, reservoir["A1"], plate.wells("A1", "B1"))
    shaker.wait_for_temperature()
    shaker.set_and_wait_for_shake_speed(1000)
    protocol.delay(seconds=20)
    shaker.deactivate_shaker()
    shaker.set_and_wait_for_temperature(37.5)
    shaker.deactivate_heater()
    shaker.open_labware_latch()
