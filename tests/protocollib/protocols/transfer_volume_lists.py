"""transfer with a list of volumes, a computed gradient, and volumes past the tip's maximum."""

metadata = {"apiLevel": "2.7"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    p300 = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    p300.transfer([20, 40, 60, 80], plate["A1"], plate.wells("A2", "B2", "C2", "D2"))
    gradient = [100 - 17.5 * step for step in range(5)]
    p300.transfer(gradient, plate["A1"], plate.columns()[2][:5])
    p300.transfer([50, 350], plate.wells("A4", "B4"), plate.wells("A5", "B5"), new_tip="always")
