"""Calibration sessions over HTTP against the simulated board: results land in the store and in the status."""
from __future__ import annotations

import json

import pytest

from tests.calibration.conftest import (Robot, calibrate_deck, calibrate_pipette_offset, session_at_deck_height,
                                        start_session)


def test_a_deck_calibration_session_saves_the_attitude_seen_by_status(robot: Robot) -> None:
    assert robot.http.get("/calibration/status").body["deckCalibration"]["status"] == "IDENTITY"
    calibrate_pipette_offset(robot, (0.25, 0.25, 0.25))
    view = calibrate_deck(robot, (1.0, -0.5))
    assert view["details"]["currentStep"] == "calibrationComplete"
    deck = robot.http.get("/calibration/status").body["deckCalibration"]
    assert deck["status"] == "OK"
    matrix = deck["data"]["matrix"]
    assert matrix[0] == pytest.approx([1.0, 0.0, 1.0], abs=1e-6)
    assert matrix[1] == pytest.approx([0.0, 1.0, -0.5], abs=1e-6)
    assert deck["data"]["pipetteCalibratedWith"].startswith("SIML")
    stored = json.loads((robot.data_dir / "calibration" / "deck" / "deck_calibration.json").read_text())
    assert stored["schemaVersion"] == 1 and stored["attitude"] == matrix
    [offset] = robot.http.get("/calibration/pipette_offset").body["data"]
    assert offset["status"]["markedBad"] and offset["status"]["source"] == "deck_calibration"


def test_a_pipette_offset_session_saves_the_offset_for_that_pipette_and_mount(robot: Robot) -> None:
    calibrate_pipette_offset(robot, (0.25, -0.75, -0.5))
    answer = robot.http.get("/calibration/pipette_offset?mount=left")
    assert answer.status == 200 and answer.body["links"] is None
    [entry] = answer.body["data"]
    assert entry["offset"] == pytest.approx([0.25, -0.75, -0.5], abs=1e-6)
    assert entry["mount"] == "left" and entry["pipette"].startswith("SIML")
    assert entry["tiprackUri"] == "opentrons/opentrons_96_tiprack_300ul/1" and entry["source"] == "user"
    assert entry["status"] == {"markedBad": False, "source": None, "markedAt": None}
    assert robot.http.get("/calibration/pipette_offset?mount=right").body["data"] == []
    deleted = robot.http.request("DELETE", f"/calibration/pipette_offset?pipette_id={entry['pipette']}&mount=left")
    assert deleted.status == 200
    assert robot.http.get("/calibration/pipette_offset").body["data"] == []
    again = robot.http.request("DELETE", f"/calibration/pipette_offset?pipette_id={entry['pipette']}&mount=left")
    assert again.status == 404


def test_a_tip_length_session_saves_the_measured_length(robot: Robot) -> None:
    session = start_session(robot, "tipLengthCalibration", mount="right")
    robot.command(session, "calibration.loadLabware")
    robot.command(session, "calibration.moveToReferencePoint")
    robot.command(session, "calibration.jog", {"vector": [0, 0, -5]})
    robot.command(session, "calibration.saveOffset")
    robot.command(session, "calibration.moveToTipRack")
    robot.command(session, "calibration.pickUpTip")
    robot.command(session, "calibration.moveToReferencePoint")
    robot.command(session, "calibration.jog", {"vector": [0, 0, -4.2]})
    view = robot.command(session, "calibration.saveOffset")
    default = view["details"]["instrument"]["tipLength"]
    [entry] = robot.http.get("/calibration/tip_length?tiprack_uri=opentrons/opentrons_96_tiprack_20ul/1").body["data"]
    assert entry["tipLength"] == pytest.approx(default + 0.8, abs=1e-6)
    assert entry["pipette"].startswith("SIMR") and entry["uri"] == "opentrons/opentrons_96_tiprack_20ul/1"


def test_wildly_off_or_singular_points_are_refused_and_nothing_is_saved(robot: Robot) -> None:
    session = session_at_deck_height(robot, "deckCalibration")
    for move, jog in (("moveToPointOne", [30, 30, -5]), ("deck.moveToPointTwo", [0, 0, -5]),
                      ("deck.moveToPointThree", [0, 0, -5])):
        robot.command(session, f"calibration.{move}")
        robot.command(session, "calibration.jog", {"vector": jog})
        answer = robot.http.post(f"/sessions/{session}/commands/execute",
                                 {"data": {"command": "calibration.saveOffset"}})
    assert answer.status == 409
    assert "BAD_CALIBRATION" in answer.body["errors"][0]["detail"]
    assert answer.body["errors"][0]["meta"]["error"] == "BAD_CALIBRATION"
    assert robot.http.get(f"/sessions/{session}").body["data"]["details"]["currentStep"] == "joggingToDeck"
    assert robot.http.get("/calibration/status").body["deckCalibration"]["status"] == "IDENTITY"
    assert not (robot.data_dir / "calibration" / "deck").exists()


def test_bad_bodies_and_unknown_commands_get_clear_client_errors(robot: Robot) -> None:
    http = robot.http
    assert http.post("/sessions", raw=b"{not json").status == 422
    answer = http.post("/sessions", {"sessionType": "deckCalibration"})
    assert answer.status == 422 and "data.sessionType" in answer.body["errors"][0]["detail"]
    answer = http.post("/sessions", {"data": {"sessionType": "wristCalibration"}})
    assert answer.status == 400 and "deckCalibration" in answer.body["errors"][0]["detail"]
    answer = http.post("/sessions", {"data": {"sessionType": "deckCalibration", "createParams": {"mount": "up"}}})
    assert answer.status == 400 and "'left' or 'right'" in answer.body["errors"][0]["detail"]
    for rack in ({"parameters": {"isTiprack": True}}, {"wells": []}, "rack"):
        answer = http.post("/sessions", {"data": {"sessionType": "deckCalibration",
                                                  "createParams": {"tipRackDefinition": rack}}})
        assert answer.status == 400 and "tipRackDefinition" in answer.body["errors"][0]["detail"], rack
    session = start_session(robot, "deckCalibration")
    assert http.post("/sessions", {"data": {"sessionType": "deckCalibration"}}).status == 409
    execute = f"/sessions/{session}/commands/execute"
    answer = http.post(execute, {"data": {"command": "calibration.danceAround"}})
    assert answer.status == 400 and "calibration.jog" in answer.body["errors"][0]["detail"]
    answer = http.post(execute, {"data": {"command": "calibration.pickUpTip"}})
    assert answer.status == 409 and "sessionStarted" in answer.body["errors"][0]["detail"]
    robot.command(session, "calibration.loadLabware")
    robot.command(session, "calibration.moveToTipRack")
    robot.command(session, "calibration.pickUpTip")
    view = robot.command(session, "calibration.invalidateTip")
    assert view["details"]["currentStep"] == "labwareLoaded" and view["details"]["hasTip"] is False
    robot.command(session, "calibration.moveToTipRack")
    for bad in ({"vector": [1, 2]}, {"vector": ["a", 0, 0]}, {"vector": [0, 0, 500]}, {}):
        answer = http.post(execute, {"data": {"command": "calibration.jog", "data": bad}})
        assert answer.status == 400 and "jog" in answer.body["errors"][0]["detail"], bad
    assert http.post(execute, {"data": {"command": 7}}).status == 422
    assert http.post("/sessions/nope/commands/execute", {"data": {"command": "calibration.jog"}}).status == 404
    assert http.get("/sessions/nope").status == 404
    assert http.request("DELETE", "/calibration/pipette_offset?mount=left").status == 422
    assert http.get("/calibration/pipette_offset?mount=middle").status == 400


def test_a_refused_motion_leaves_the_session_usable(robot: Robot) -> None:
    session = start_session(robot, "pipetteOffsetCalibration")
    robot.command(session, "calibration.loadLabware")
    robot.command(session, "calibration.moveToTipRack")
    execute = f"/sessions/{session}/commands/execute"
    answer = robot.http.post(execute, {"data": {"command": "calibration.jog", "data": {"vector": [0, 0, -99]}}})
    assert answer.status == 400 and "outside its travel" in answer.body["errors"][0]["detail"], answer.body
    view = robot.command(session, "calibration.jog", {"vector": [0, 0, -1]})
    assert view["details"]["currentStep"] == "preparingPipette"


def test_a_session_cannot_start_while_another_holder_has_the_robot(robot: Robot) -> None:
    robot.bus_call("motion.lease.acquire", {"holder": "execute:42", "ttl_s": 30})
    answer = robot.http.post("/sessions", {"data": {"sessionType": "deckCalibration"}})
    assert answer.status == 409 and answer.body["errors"][0]["meta"]["holder"] == "execute:42"
    robot.bus_call("motion.lease.release", {"holder": "execute:42"})
    assert robot.http.post("/sessions", {"data": {"sessionType": "deckCalibration"}}).status == 201


def test_an_unreadable_calibration_file_is_reported_not_fatal(robot: Robot) -> None:
    deck = robot.data_dir / "calibration" / "deck" / "deck_calibration.json"
    deck.parent.mkdir(parents=True)
    deck.write_text('{"schemaVersion": 99, "attitude": []}')
    body = robot.http.get("/calibration/status").body
    assert body["deckCalibration"]["status"] == "BAD_CALIBRATION"
    assert body["problems"] == [{"file": str(deck), "reason": f"{deck} has schemaVersion 99; this software reads 1"}]
    assert robot.http.get("/calibration/pipette_offset").status == 200


def test_a_calibration_check_compares_against_the_stored_calibration_and_saves_nothing(robot: Robot) -> None:
    calibrate_pipette_offset(robot, (0.5, -0.5, 0.25))
    stored = robot.http.get("/calibration/pipette_offset").body["data"]
    session = start_session(robot, "calibrationCheck")
    for command in ("calibration.loadLabware", "calibration.moveToTipRack", "calibration.pickUpTip",
                    "calibration.moveToDeck"):
        robot.command(session, command)
    found = {"comparingHeight": [0, 0, -5.25], "comparingPointOne": [0.25, 0, -5], "comparingPointTwo": [2, 0, -5],
             "comparingPointThree": [0, -0.5, -5]}
    moves = {"comparingPointOne": "calibration.moveToPointOne", "comparingPointTwo": "calibration.deck.moveToPointTwo",
             "comparingPointThree": "calibration.deck.moveToPointThree"}
    for step, jog in found.items():
        if step in moves:
            assert robot.command(session, moves[step])["details"]["currentStep"] == step
        robot.command(session, "calibration.jog", {"vector": jog})
        view = robot.command(session, "calibration.check.comparePoint")
    details = view["details"]
    assert details["currentStep"] == "resultsSummary"
    compared = details["comparisonsByStep"]
    assert compared["comparingHeight"]["differenceVector"] == pytest.approx([0, 0, -0.25])
    assert compared["comparingPointTwo"]["differenceVector"] == pytest.approx([2, 0, 0])
    assert [compared[s]["exceedsThreshold"] for s in found] == [False, False, True, False]
    robot.command(session, "calibration.exitSession")
    assert robot.http.get("/calibration/pipette_offset").body["data"] == stored
    answer = robot.http.post(f"/sessions/{session}/commands/execute", {"data": {"command": "calibration.jog",
                                                                                "data": {"vector": [0, 0, 1]}}})
    assert answer.status == 409 and "exited" in answer.body["errors"][0]["detail"]
