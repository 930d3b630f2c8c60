"""p20 multi GEN2: column transfers with mix_before, mix_after and touch_tip at apiLevel 2.12."""

metadata = {"apiLevel": "2.12"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_filtertiprack_20ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_100ul_pcr_full_skirt", 2)
    p20 = protocol.load_instrument("p20_multi_gen2", "right", tip_racks=[tips])
    p20.transfer(
        10,
        plate.columns()[0],
        plate.columns()[1],
        mix_before=(2, 5),
        mix_after=(3, 15),
        touch_tip=True,
    )
    p20.transfer(25, plate.wells_by_name()["A3"], plate.rows_by_name()["A"][3:6])
