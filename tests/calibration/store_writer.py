"""A child that rewrites one pipette offset as fast as it can, to be killed mid-write by a test."""
import sys
from pathlib import Path

from opentrons.calibration_storage.files import CalibrationPaths
from opentrons.calibration_storage.store import CalibrationStore

store = CalibrationStore(CalibrationPaths(Path(sys.argv[1])))
store.save_pipette_offset("P1", "left", [0, 0, 0], None)
print("writing", flush=True)
value = 0
while True:
    value = (value + 1) % 1000
    store.save_pipette_offset("P1", "left", [value / 10, 0, 0], None)
