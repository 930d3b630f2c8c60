"""GEN1 magnetic module: engage by height and offset, disengage, bead clean-up style pipetting."""

metadata = {"apiLevel": "2.2"}


def run(protocol):
    magnet = protocol.load_module("magdeck", 1)
    plate = magnet.load_labware("nest_96_wellplate_100ul_pcr_full_skirt")
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 2)
    multi = protocol.load_instrument("p300_multi_gen2", "left", tip_racks=[tips])
    magnet.engage()
    magnet.engage(height=12)
    magnet.engage(offset=-1.5)
    magnet.engage(height_from_base=5)
    multi.transfer(80, plate["A1"], plate["A2"])
    magnet.disengage()
