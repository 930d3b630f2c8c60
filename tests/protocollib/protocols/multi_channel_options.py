"""p300 multi GEN2: distribute and consolidate by column, trash=False, blow-out into the source."""

metadata = {"apiLevel": "2.13"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    reservoir = protocol.load_labware("nest_12_reservoir_15ml", 2)
    plate = protocol.load_labware("nest_96_wellplate_200ul_flat", 3)
    multi = protocol.load_instrument("p300_multi_gen2", "left", tip_racks=[tips])
    multi.distribute(45, reservoir["A1"], plate.rows()[0][:5], disposal_volume=15,
                     blow_out=True, blowout_location="source well")
    multi.consolidate(50, plate.rows()[0][:4], reservoir["A12"], trash=False)
    multi.transfer(60, plate.columns()[5], plate.columns()[6], touch_tip=True, air_gap=15, trash=False)
    multi.pick_up_tip()
    multi.mix(2, 100, plate["A8"])
    multi.blow_out(reservoir["A12"].top())
    multi.return_tip()
