"""GEN1 temperature module (loaded by its old alias) with an aluminium block, apiLevel 2.1."""

metadata = {"apiLevel": "2.1"}


def run(protocol):
    module = protocol.load_module("tempdeck", 4)
    block = module.load_labware("opentrons_24_aluminumblock_nest_1.5ml_snapcap")
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[tips])
    module.set_temperature(4)
    p20.transfer(10, block["A1"], block.wells("B1", "C1"))
    module.deactivate()
