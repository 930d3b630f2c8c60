"""The engine places moves with the stored calibration, whatever the backend: simulate and execute agree."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from opentrons.calibration_storage.applied import Corrections, load_robot_calibration
from opentrons.calibration_storage.files import CalibrationPaths
from opentrons.calibration_storage.store import CalibrationStore
from opentrons.engine.sim_backend import SimulationBackend
from opentrons.labware_offsets import LabwareOffset
from opentrons.protocols.api_level import APIVersion, APIVersionError
from opentrons.runner import make_context
from opentrons.types import Point
from tests.conftest import ROOT

TIPS_300 = "opentrons/opentrons_96_tiprack_300ul/1"


def well_visit(corrections: Corrections, level: str = "2.13", offset: tuple[float, float, float] | None = None
               ) -> tuple[Point, float]:
    """Where the left pipette's tip end is sent for a plate's A1 top, and the tip length it picked up with."""
    backend = SimulationBackend({"left": "P300"})
    context = make_context(APIVersion.from_string(level), backend, corrections=corrections)
    tips = context.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = context.load_labware("corning_96_wellplate_360ul_flat", 2)
    if offset is not None:
        plate.set_offset(*offset)
    pipette = context.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    pipette.move_to(plate["A1"].top())
    [state] = context.engine.pipettes.values()
    return backend.position("left"), state.tip_length


def test_stored_deck_pipette_offset_and_tip_length_place_the_moves(tmp_path: Path) -> None:
    nominal, nominal_tip = well_visit(Corrections())
    store = CalibrationStore(CalibrationPaths.in_data_dir(tmp_path))
    store.save_deck([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [0.0, 0.0, 1.0]], "P300", TIPS_300)
    store.save_pipette_offset("P300", "left", [0.5, 0.25, -0.5], TIPS_300)
    store.save_pipette_offset("OTHER", "left", [9.0, 9.0, 9.0], TIPS_300)
    store.save_tip_length("P300", TIPS_300, 60.125)
    placed, tip = well_visit(Corrections(load_robot_calibration(tmp_path)))
    assert placed == pytest.approx(Point(nominal.x + 2.5, nominal.y - 0.75, nominal.z - 0.5))
    assert tip == 60.125 and nominal_tip != tip


def test_a_marked_bad_or_unreadable_calibration_is_not_applied(tmp_path: Path) -> None:
    nominal, _ = well_visit(Corrections())
    paths = CalibrationPaths.in_data_dir(tmp_path)
    paths.deck_file.parent.mkdir(parents=True)
    paths.deck_file.write_text("{torn")
    store = CalibrationStore(paths)
    store.save_pipette_offset("P300", "left", [0.5, 0.25, -0.5], TIPS_300)
    record = json.loads(paths.pipette_offset_file("left", "P300").read_text())
    record["status"] = {"markedBad": True, "source": "calibration_check", "markedAt": "2026-01-01T00:00:00Z"}
    paths.pipette_offset_file("left", "P300").write_text(json.dumps(record))
    placed, _ = well_visit(Corrections(load_robot_calibration(tmp_path)))
    assert placed == pytest.approx(nominal)


def test_run_offsets_match_uri_and_place_and_set_offset_replaces_them() -> None:
    nominal, _ = well_visit(Corrections())
    plate_uri = "opentrons/corning_96_wellplate_360ul_flat/1"
    offsets = [LabwareOffset("a", plate_uri, "2", None, Point(1, 2, 3)),
               LabwareOffset("b", plate_uri, "3", None, Point(7, 7, 7)),
               LabwareOffset("c", plate_uri, "2", "temperatureModuleV2", Point(8, 8, 8))]
    shifted, _ = well_visit(Corrections(labware_offsets=offsets))
    assert shifted == pytest.approx(nominal + Point(1, 2, 3))
    replaced, _ = well_visit(Corrections(labware_offsets=offsets), offset=(0.5, 0, 0))
    assert replaced == pytest.approx(nominal + Point(0.5, 0, 0))


def test_set_offset_needs_api_2_12() -> None:
    with pytest.raises(APIVersionError, match="2.12"):
        well_visit(Corrections(), level="2.11", offset=(1, 0, 0))


def test_opentrons_simulate_takes_labware_offsets_and_refuses_bad_ones(tmp_path: Path) -> None:
    protocol = tmp_path / "p.py"
    protocol.write_text('metadata = {"apiLevel": "2.13"}\n\ndef run(protocol):\n'
                        '    protocol.load_labware("corning_96_wellplate_360ul_flat", 2)\n')
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps([{"id": "o", "createdAt": "2026-01-01T00:00:00Z",
                                 "definitionUri": "opentrons/corning_96_wellplate_360ul_flat/1",
                                 "location": {"slotName": "2"}, "vector": {"x": 1, "y": 0, "z": 0}}]))
    bad.write_text(json.dumps([{"definitionUri": "no-slashes", "location": {"slotName": "2"}}]))
    command = [sys.executable, "-m", "opentrons.simulate", str(protocol), "--labware-offsets"]
    ok = subprocess.run([*command, str(good)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    refused = subprocess.run([*command, str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "definitionUri must be 'namespace/loadName/version'" in refused.stderr
