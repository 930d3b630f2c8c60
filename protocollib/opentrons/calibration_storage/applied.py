"""What the engine applies to every move: deck attitude, pipette offsets, tip lengths and labware offsets."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple

from opentrons.calibration_storage.attitude import IDENTITY, Matrix, apply_attitude, is_singular
from opentrons.calibration_storage.files import CalibrationPaths
from opentrons.calibration_storage.store import CalibrationStore
from opentrons.labware_offsets import LabwareOffset, read_labware_offsets
from opentrons.types import Point


@dataclass(frozen=True)
class RobotCalibration:
    """What the robot's calibration says; the default is the nominal robot (identity, no offsets)."""

    attitude: Matrix = field(default_factory=lambda: [row[:] for row in IDENTITY])
    pipette_offsets: Mapping[Tuple[str, str], Point] = field(default_factory=dict)
    tip_lengths: Mapping[Tuple[str, str], float] = field(default_factory=dict)

    def to_robot(self, point: Point, mount: str, pipette_id: Optional[str]) -> Point:
        """Where a nominal deck point is for the pipette `pipette_id` on `mount`: attitude, then its offset."""
        x, y = apply_attitude(self.attitude, point.x, point.y)
        offset = self.pipette_offsets.get((mount, pipette_id or ""), Point())
        return Point(x + offset.x, y + offset.y, point.z + offset.z)

    def tip_length(self, pipette_id: Optional[str], tiprack_uri: str, default: float) -> float:
        """The calibrated tip length of this pipette with this tip rack, else the definition's."""
        return self.tip_lengths.get((pipette_id or "", tiprack_uri), default)


def load_robot_calibration(data_dir: Optional[Path]) -> RobotCalibration:
    """The calibration stored in `data_dir` (None: the nominal robot). Unusable files count as absent."""
    if data_dir is None:
        return RobotCalibration()
    store = CalibrationStore(CalibrationPaths.in_data_dir(data_dir))
    status, deck = store.deck_status()
    attitude = deck["attitude"] if status == "OK" and deck and not is_singular(deck["attitude"]) else IDENTITY
    offsets: Dict[Tuple[str, str], Point] = {
        (e["mount"], e["pipette"]): Point(*e["offset"]) for e in store.pipette_offsets()
        if not e["status"]["markedBad"]}
    lengths = {(e["pipette"], e["uri"]): e["tipLength"] for e in store.tip_lengths() if not e["status"]["markedBad"]}
    return RobotCalibration([row[:] for row in attitude], offsets, lengths)


@dataclass(frozen=True)
class Corrections:
    """Everything that moves a nominal position: the robot's calibration and the run's labware offsets."""

    calibration: RobotCalibration = field(default_factory=RobotCalibration)
    labware_offsets: Sequence[LabwareOffset] = ()


def corrections_from_env(env: Mapping[str, str], labware_offsets_file: Optional[Path] = None) -> Corrections:
    """For command-line mains: the store in `$OT2_DATA_DIR` (none when unset) plus an offsets file, if given."""
    data_dir = env.get("OT2_DATA_DIR")
    offsets = read_labware_offsets(labware_offsets_file) if labware_offsets_file else []
    return Corrections(load_robot_calibration(Path(data_dir) if data_dir else None), offsets)
