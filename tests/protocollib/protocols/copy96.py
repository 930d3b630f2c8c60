"""Copy every well of one 96-well plate into the same well of another, a fresh tip per well."""

metadata = {
    "protocolName": "Plate copy",
    "description": "100 uL from each source well to its twin, one tip per well",
    "apiLevel": "2.13",
}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    source = protocol.load_labware("corning_96_wellplate_360ul_flat", 2, "source plate")
    destination = protocol.load_labware("corning_96_wellplate_360ul_flat", 3, "copy")
    pipette = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    for source_well, destination_well in zip(source.wells(), destination.wells()):
        pipette.pick_up_tip()
        pipette.aspirate(100, source_well)
        pipette.dispense(100, destination_well)
        pipette.blow_out(destination_well.top())
        pipette.drop_tip()
