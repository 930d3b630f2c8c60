"""Calibration survives a kill -9 of its daemon at any moment of a save, and a restart of the whole daemon."""
from __future__ import annotations

import json
import random
import threading

import pytest

from tests.calibration.conftest import Robot, calibrate_pipette_offset, session_at_deck_height
from tests.conftest import wait_until


def offsets_of(robot: Robot) -> list[list[float]]:
    return [e["offset"] for e in robot.http.get("/calibration/pipette_offset?mount=left").body["data"]]


def session_at_last_save(robot: Robot, offset_x: float) -> str:
    """A pipette offset session jogged to its last point, so that the next saveOffset writes the store."""
    session = session_at_deck_height(robot, "pipetteOffsetCalibration")
    robot.command(session, "calibration.moveToPointOne")
    robot.command(session, "calibration.jog", {"vector": [offset_x, 0, -5]})
    return session


def save_without_waiting(robot: Robot, session: str) -> None:
    """Ask for the save; its answer never comes when the daemon is killed first, and that is the point."""
    try:
        robot.http.post(f"/sessions/{session}/commands/execute", {"data": {"command": "calibration.saveOffset"}},
                        timeout=3)
    except OSError:
        pass


def test_kill_9_during_saves_never_loses_the_previous_calibration(robot: Robot) -> None:
    calibrate_pipette_offset(robot, (0.5, 0.0, 0.0))
    rng = random.Random(9)
    kept = {0.5}
    for attempt in range(5):
        new_x = round(0.6 + attempt / 10, 3)
        session = session_at_last_save(robot, new_x)
        saver = threading.Thread(target=save_without_waiting, args=(robot, session), daemon=True)
        saver.start()
        threading.Event().wait(rng.uniform(0.0, 0.02))  # the random moment of the kill, not a wait for a result
        robot.restart_calibration()
        saver.join(timeout=10)
        wait_until(lambda: robot.http.get("/calibration/status").status == 200, timeout=20)
        [offset] = offsets_of(robot)
        assert offset[0] == pytest.approx(new_x) or offset[0] in kept, (attempt, offset)
        kept.add(offset[0])
        assert robot.http.get("/calibration/status").body["problems"] == []
    folder = robot.data_dir / "calibration" / "pipette_offset" / "left"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_calibration_survives_a_restart_of_the_daemon(robot: Robot) -> None:
    calibrate_pipette_offset(robot, (0.5, -0.5, 0.25))
    robot.restart_calibration()
    wait_until(lambda: robot.http.get("/calibration/status").status == 200, timeout=20)
    assert offsets_of(robot) == [pytest.approx([0.5, -0.5, 0.25])]


def test_reset_wipes_exactly_its_options(robot: Robot) -> None:
    calibrate_pipette_offset(robot, (0.5, -0.5, 0.25))
    root = robot.data_dir / "calibration"
    (root / "deck").mkdir(parents=True)
    (root / "deck" / "deck_calibration.json").write_text(json.dumps({"schemaVersion": 1, "attitude": [
        [1, 0, 0.5], [0, 1, 0], [0, 0, 1]], "lastModified": "2026-01-01T00:00:00+00:00", "source": "user",
        "status": {"markedBad": False}}))
    (root / "tip_length").mkdir()
    (root / "tip_length" / "P1.json").write_text(json.dumps({"schemaVersion": 1, "tipLengths": {"a/b/1": {
        "tipLength": 50, "lastModified": "2026-01-01T00:00:00+00:00", "status": {"markedBad": False}}}}))
    client_call = robot.bus_call
    assert client_call("calibration.reset", {"options": ["tipLengthCalibrations"]}) == {
        "reset": ["tipLengthCalibrations"]}
    assert robot.http.get("/calibration/tip_length").body["data"] == []
    assert len(offsets_of(robot)) == 1
    assert robot.http.get("/calibration/status").body["deckCalibration"]["status"] == "OK"
    client_call("calibration.reset", {"options": ["deckCalibration"]})
    assert robot.http.get("/calibration/status").body["deckCalibration"]["status"] == "IDENTITY"
    assert len(offsets_of(robot)) == 1
    client_call("calibration.reset", {"options": ["pipetteOffsetCalibrations"]})
    assert offsets_of(robot) == []
    with pytest.raises(Exception, match="deckCalibration, pipetteOffsetCalibrations, tipLengthCalibrations"):
        client_call("calibration.reset", {"options": ["bootScripts"]})
