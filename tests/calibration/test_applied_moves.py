"""Calibration and labware offsets move a protocol's commanded positions, seen as G-code on the simulated board."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.calibration.conftest import Robot, calibrate_deck, calibrate_pipette_offset
from tests.conftest import ROOT

PROTOCOL = '''metadata = {"apiLevel": "2.13"}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    pipette.aspirate(50, plate["A1"])
    pipette.dispense(50, plate["B2"])
    pipette.return_tip()
'''
PLATE_URI = "opentrons/corning_96_wellplate_360ul_flat/1"


def execute(robot: Robot, protocol: Path, *extra: str) -> None:
    done = subprocess.run([sys.executable, "-m", "opentrons.execute", str(protocol), *extra], cwd=ROOT,
                          env={**robot.env_for_children(), "OT2_DATA_DIR": str(robot.data_dir)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def moves_of(robot: Robot, protocol: Path, *extra: str) -> list[dict[str, float]]:
    mark = robot.gcode_mark()
    execute(robot, protocol, *extra)
    return robot.moves_since(mark)


def differences(before: list[dict[str, float]], after: list[dict[str, float]], axis: str) -> set[float]:
    assert len(before) == len(after), "the two runs made a different number of moves"
    return {round(b[axis] - a[axis], 3) for a, b in zip(before, after) if axis in a}


def test_labware_offsets_shift_exactly_that_labwares_moves(robot: Robot, tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    offsets = tmp_path / "offsets.json"
    offsets.write_text(json.dumps([{"id": "o1", "createdAt": "2026-01-01T00:00:00+00:00", "definitionUri": PLATE_URI,
                                    "location": {"slotName": "2"}, "vector": {"x": 1.5, "y": -2.25, "z": 0.5}}]))
    plain = moves_of(robot, protocol)
    shifted = moves_of(robot, protocol, "--labware-offsets", str(offsets))
    assert differences(plain, shifted, "X") == {0.0, 1.5}
    assert differences(plain, shifted, "Y") == {0.0, -2.25}
    assert differences(plain, shifted, "Z") == {0.0, 0.5}
    # Only the plate moved: picking up the tip and returning it to the rack are the same in both runs.
    moved = [i for i, (a, b) in enumerate(zip(plain, shifted)) if a != b]
    assert moved == list(range(moved[0], moved[-1] + 1))
    assert 0 < moved[0] and plain[:moved[0]] == shifted[:moved[0]]
    assert moved[-1] + 1 < len(plain) and plain[moved[-1] + 1:] == shifted[moved[-1] + 1:]


def test_the_runner_applies_labware_offsets_like_opentrons_execute(robot: Robot, tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    offsets = tmp_path / "offsets.json"
    offsets.write_text(json.dumps([{"id": "o1", "createdAt": "2026-01-01T00:00:00+00:00", "definitionUri": PLATE_URI,
                                    "location": {"slotName": "2"}, "vector": {"x": -0.5, "y": 0.75, "z": 0}}]))
    executed = moves_of(robot, protocol, "--labware-offsets", str(offsets))
    mark = robot.gcode_mark()
    done = subprocess.run([sys.executable, "-m", "run_daemon.runner", "--run-id", "r1", str(protocol), "--labware-offsets",
                           str(offsets)], cwd=ROOT, env=robot.env_for_children(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    run = robot.moves_since(mark)
    # The runner homes once more at the end of a run; every move before that is the same as opentrons_execute's.
    assert run[:len(executed)] == executed


def test_after_calibrating_through_sessions_every_move_shifts_by_the_calibration(robot: Robot,
                                                                                  tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    nominal = moves_of(robot, protocol)
    calibrate_deck(robot, (1.0, -0.5))
    calibrate_pipette_offset(robot, (0.25, 0.5, -0.75))
    calibrated = moves_of(robot, protocol)
    assert differences(nominal, calibrated, "X") == {1.25}
    assert differences(nominal, calibrated, "Y") == {0.0}
    # The mount rises to its top before each travel (not shifted); every other Z target moves by the offset.
    assert differences(nominal, calibrated, "Z") == {0.0, -0.75}
    assert differences(nominal, calibrated, "B") == {0.0}


def test_a_bad_labware_offsets_file_is_refused_before_anything_moves(robot: Robot, tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    offsets = tmp_path / "offsets.json"
    offsets.write_text(json.dumps([{"definitionUri": PLATE_URI, "location": {"slotName": "2"},
                                    "vector": {"x": "far"}}]))
    mark = robot.gcode_mark()
    done = subprocess.run([sys.executable, "-m", "opentrons.execute", str(protocol), "--labware-offsets",
                           str(offsets)], cwd=ROOT, env=robot.env_for_children(), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "[0].vector must be {x, y, z}" in done.stderr
    assert robot.moves_since(mark) == []


@pytest.mark.parametrize("content, expected", [
    ("{}", "must be a JSON list"), ("[1]", "[0] must be an object"), ("nope", "not valid JSON"),
    ('[{"definitionUri": "a/b/1", "location": {"slotName": "2"}, "vector": {"x": 0, "y": 0, "z": 500}}]',
     "at most 100 mm")])
def test_the_runner_refuses_a_bad_offsets_file_with_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    offsets = tmp_path / "offsets.json"
    offsets.write_text(content)
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    done = subprocess.run([sys.executable, "-m", "run_daemon.runner", "--run-id", "r1", str(protocol), "--labware-offsets",
                           str(offsets)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "OT2_RUN_DIR": str(tmp_path), "OT2_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2 and expected in done.stderr
