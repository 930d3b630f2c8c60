"""transfer and distribute with touch_tip and blow_out into the source, the destination and the trash."""

metadata = {"apiLevel": "2.9"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    p300.transfer(100, plate["A1"], plate["B1"], touch_tip=True, blow_out=True)
    p300.transfer(100, plate["A1"], plate["B2"], blow_out=True, blowout_location="source well")
    p300.transfer(100, plate["A1"], plate["B3"], blow_out=True, blowout_location="destination well")
    p300.transfer(100, plate["A1"], plate["B4"], blow_out=True, blowout_location="trash")
    p300.distribute(60, plate["A2"], plate.wells("C1", "C2", "C3"), touch_tip=True, blow_out=True,
                    blowout_location="source well", disposal_volume=30)
