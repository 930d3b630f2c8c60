"""p20 GEN2 at apiLevel 2.5: default flow rates before the 2.6 change, then explicit ones."""

metadata = {"apiLevel": "2.5"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "right", tip_racks=[tips])
    p20.pick_up_tip()
    p20.aspirate(10, plate["A1"])
    p20.dispense(10, plate["A2"])
    p20.blow_out()
    p20.flow_rate.aspirate = 5
    p20.flow_rate.dispense = 12.5
    p20.flow_rate.blow_out = 20
    p20.aspirate(15, plate["A1"])
    p20.dispense(15, plate["A3"], rate=0.5)
    p20.blow_out(plate["A3"])
    p20.drop_tip()
