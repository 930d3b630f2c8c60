"""Where a calibration session sends the pipette: tip rack A1, the deck reference in slot 5, the calibration crosses."""
from __future__ import annotations

from typing import Any, Dict

from opentrons.definitions import DefinitionStore
from opentrons.engine import geometry
from opentrons.types import Point

TIP_RACK_SLOT = "8"
REFERENCE_SLOT = "5"
# The crosses the three deck points are measured at, as on the OT-2.
CROSS_IDS = ("1BLC", "3BRC", "7TLC")
# The pipette stops this far above a target, so that a person jogs the last bit down.
ABOVE_TIP_RACK = Point(0, 0, 10)
ABOVE_DECK = Point(0, 0, 5)
TIP_RACKS_BY_VOLUME = ((10, "opentrons_96_tiprack_10ul"), (20, "opentrons_96_tiprack_20ul"),
                       (300, "opentrons_96_tiprack_300ul"), (1000, "opentrons_96_tiprack_1000ul"))


class DeckPoints:
    """Nominal deck positions from the real deck and labware definitions."""

    def __init__(self, definitions: DefinitionStore) -> None:
        self.definitions = definitions
        deck = definitions.deck()
        self.slots = geometry.slot_origins(deck)
        self.crosses = {c["id"]: Point(*c["position"]) for c in deck["locations"]["calibrationPoints"]}

    def default_tip_rack(self, max_volume: float) -> Dict[str, Any]:
        """The standard tip rack for a pipette of `max_volume` µL."""
        load_name = next((name for volume, name in TIP_RACKS_BY_VOLUME if max_volume <= volume),
                         TIP_RACKS_BY_VOLUME[-1][1])
        return self.definitions.labware(load_name, "opentrons", None, 0)

    def tip_rack_a1(self, rack: Dict[str, Any]) -> Point:
        """The top centre of well A1 of `rack` in slot 8."""
        origin = geometry.labware_origin(rack, self.slots[TIP_RACK_SLOT], Point())
        return geometry.well_top(rack, origin, "A1")

    def reference(self) -> Point:
        """The deck surface at the centre of slot 5: where pipette offsets and tip lengths are measured in z."""
        return self.slots[REFERENCE_SLOT] + Point(127.76 / 2, 85.48 / 2, 0)

    def cross(self, index: int) -> Point:
        """Calibration cross number `index` (0, 1, 2) on the deck surface."""
        return self.crosses[CROSS_IDS[index]]
