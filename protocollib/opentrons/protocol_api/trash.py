"""The fixed trash as a TrashBin, the form it takes from apiLevel 2.16."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentrons.protocol_api.labware import Labware


class TrashBin:
    """The trash in slot 12; tips and blow-outs go to the top of its single well."""

    def __init__(self, labware: "Labware") -> None:
        self._labware = labware

    @property
    def labware(self) -> "Labware":
        """The trash labware behind this bin."""
        return self._labware

    @property
    def location(self) -> str:
        """The slot of the bin."""
        return "12"

    def __repr__(self) -> str:
        return "Trash Bin on slot 12"
