"""The calibration store: versioned files, filters, unusable files reported (never raised), and atomic writes."""
from __future__ import annotations

import json
import random
import signal
import threading
from pathlib import Path
from typing import Callable

import pytest

from opentrons.calibration_storage.attitude import AttitudeError, solve_attitude
from opentrons.calibration_storage.files import CalibrationPaths
from opentrons.calibration_storage.store import CalibrationStore
from tests.conftest import Proc

WRITER = str(Path(__file__).with_name("store_writer.py"))
CROSSES = [[12.13, 9.0, 0.0], [380.87, 9.0, 0.0], [12.13, 258.0, 0.0]]


@pytest.fixture
def store(tmp_path: Path) -> CalibrationStore:
    return CalibrationStore(CalibrationPaths(tmp_path / "calibration"))


def test_saved_calibration_reads_back_with_filters(store: CalibrationStore) -> None:
    store.save_pipette_offset("P1", "left", [1, 2, 3], "opentrons/opentrons_96_tiprack_300ul/1")
    store.save_pipette_offset("P2", "right", [4, 5, 6], None)
    store.save_tip_length("P1", "opentrons/opentrons_96_tiprack_300ul/1", 51.5)
    store.save_tip_length("P1", "opentrons/opentrons_96_tiprack_20ul/1", 38.0)
    assert [e["offset"] for e in store.pipette_offsets(mount="left")] == [[1.0, 2.0, 3.0]]
    assert [e["pipette"] for e in store.pipette_offsets(pipette_id="P2")] == ["P2"]
    assert store.pipette_offsets(pipette_id="P2", mount="left") == []
    lengths = store.tip_lengths(pipette_id="P1")
    assert sorted(e["tipLength"] for e in lengths) == [38.0, 51.5]
    [one] = store.tip_lengths(tiprack_uri="opentrons/opentrons_96_tiprack_20ul/1")
    assert store.tip_lengths(tiprack=one["tiprack"]) == [one]
    assert store.delete_tip_length("P1", "opentrons/opentrons_96_tiprack_20ul/1")
    assert [e["tipLength"] for e in store.tip_lengths()] == [51.5]
    assert store.problems() == []


@pytest.mark.parametrize("content, reason", [
    ("{torn", "cannot be read as JSON"),
    ('{"schemaVersion": 7, "attitude": [[1,0,0],[0,1,0],[0,0,1]]}', "schemaVersion 7"),
    ('{"schemaVersion": 1, "attitude": [[1,0],[0,1]]}', "3x3"),
    ('[1, 2]', "expected a JSON object")])
def test_an_unusable_deck_file_is_bad_calibration_not_a_crash(store: CalibrationStore, content: str,
                                                              reason: str) -> None:
    store.paths.deck_file.parent.mkdir(parents=True)
    store.paths.deck_file.write_text(content)
    assert store.deck_status() == ("BAD_CALIBRATION", None)
    [problem] = store.problems()
    assert reason in problem["reason"] and problem["file"] == str(store.paths.deck_file)


def test_an_unusable_offset_file_is_left_out_and_reported(store: CalibrationStore) -> None:
    store.save_pipette_offset("P1", "left", [1, 2, 3], None)
    bad = store.paths.pipette_offset_file("left", "P2")
    bad.write_text(json.dumps({"schemaVersion": 1, "offset": [1, "x", 3]}))
    assert [e["pipette"] for e in store.pipette_offsets()] == ["P1"]
    assert [p["file"] for p in store.problems()] == [str(bad)]


def test_attitude_from_three_points_and_its_refusals() -> None:
    measured = [[x + 0.5, y - 0.25, z] for x, y, z in CROSSES]
    matrix = solve_attitude(CROSSES, measured)
    assert matrix[0] == pytest.approx([1, 0, 0.5]) and matrix[1] == pytest.approx([0, 1, -0.25])
    with pytest.raises(AttitudeError) as singular:
        solve_attitude(CROSSES, [[10, 10, 0], [20, 20, 0], [30, 30.01, 0]])
    assert singular.value.status == "SINGULARITY"
    with pytest.raises(AttitudeError) as off:
        solve_attitude(CROSSES, [[x + 25, y, z] for x, y, z in CROSSES])
    assert off.value.status == "BAD_CALIBRATION"


def test_a_writer_killed_at_random_moments_never_leaves_a_torn_file(spawn: Callable[..., Proc],
                                                                   tmp_path: Path) -> None:
    store = CalibrationStore(CalibrationPaths(tmp_path / "calibration"))
    rng = random.Random(3)
    for _ in range(8):
        writer = spawn(WRITER, str(store.paths.root), ready="writing")
        threading.Event().wait(rng.uniform(0.005, 0.05))  # the moment of the kill is what is varied
        writer.popen.send_signal(signal.SIGKILL)
        writer.popen.wait(timeout=10)
        assert store.problems() == []
        [entry] = store.pipette_offsets()
        assert 0 <= entry["offset"][0] < 100
