"""transfer with mix_before, mix_after and air_gap, including volumes split over several trips."""

metadata = {"apiLevel": "2.8"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    plate = protocol.load_labware("nest_96_wellplate_200ul_flat", 2)
    p20 = protocol.load_instrument("p20_single_gen2", "right", tip_racks=[tips])
    p20.transfer(15, plate["A1"], plate["A2"], mix_before=(2, 10), mix_after=(2, 10))
    p20.transfer(15, plate["A1"], plate["A3"], air_gap=5)
    p20.transfer(30, plate["A1"], plate["A4"], air_gap=3, mix_after=(1, 5))
