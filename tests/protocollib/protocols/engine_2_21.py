"""apiLevel 2.21: liquid handling, modules and tip returns on a recent engine-core level."""

requirements = {"robotType": "OT-2", "apiLevel": "2.21"}


def run(protocol):
    module = protocol.load_module("temperature module gen2", 3)
    cold = module.load_labware("opentrons_24_aluminumblock_nest_1.5ml_snapcap")
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[tips])
    module.set_temperature(4)
    p20.transfer(12, cold["A1"], plate.wells("A1", "B1", "C1"), mix_after=(2, 10), new_tip="always")
    p20.distribute(3, cold["A2"], plate.wells("A2", "B2", "C2", "D2"))
    p20.pick_up_tip()
    p20.aspirate(10, cold["A3"])
    p20.air_gap(5)
    p20.dispense(15, plate["E2"])
    p20.blow_out()
    p20.touch_tip()
    p20.return_tip()
    module.deactivate()
