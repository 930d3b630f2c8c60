"""GEN2 temperature module: start/await temperature and pipetting from a cooled plate, apiLevel 2.3."""

metadata = {"apiLevel": "2.3"}


def run(protocol):
    module = protocol.load_module("temperature module gen2", "3")
    plate = module.load_labware("opentrons_96_aluminumblock_nest_wellplate_100ul", label="cold plate")
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    module.start_set_temperature(37)
    module.await_temperature(37)
    p300.transfer(40, plate["A1"], plate.columns()[1][:3], mix_after=(1, 20))
    module.set_temperature(20.5)
    module.deactivate()
