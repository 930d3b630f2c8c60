"""starting_tip, tips across two racks, reset_tipracks and picking a named tip."""

metadata = {"apiLevel": "2.11"}


def run(protocol):
    racks = [protocol.load_labware("opentrons_96_tiprack_20ul", slot) for slot in (1, 4)]
    plate = protocol.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "left", tip_racks=racks)
    p20.starting_tip = racks[0]["G12"]
    for well in plate.wells()[:4]:
        p20.pick_up_tip()
        p20.aspirate(5, well)
        p20.dispense(5, plate["H12"])
        p20.drop_tip()
    p20.reset_tipracks()
    p20.pick_up_tip()
    p20.return_tip()
    p20.pick_up_tip(racks[1]["C3"])
    p20.drop_tip(plate["A1"].top())
    p20.pick_up_tip()
    p20.drop_tip(racks[0]["A1"])
