"""The motion-backed routes against the real motion daemon (simulated board), through the real gateway."""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest
import zmq

from bus import BusConfig, Client
from conftest import Http, needs_motion
from spec_check import check_answer
from tests.conftest import wait_until

pytestmark = needs_motion


@pytest.fixture(scope="module")
def bus(module_run_dir: str):
    ctx = zmq.Context()
    client = Client(ctx, BusConfig.from_env({"OT2_RUN_DIR": module_run_dir}), timeout=5)
    yield client
    client.close()
    ctx.term()


@pytest.fixture(scope="module")
def spec(robot: Http):
    return robot.get("/openapi.json", version=None).body


def _checked(spec, robot: Http, method: str, path: str, body=None):
    answer = robot.request(method, path, body)
    check_answer(spec, method, path, answer.status, answer.body)
    return answer


def test_health_has_every_field(robot: Http, bus: Client, spec) -> None:
    answer = _checked(spec, robot, "GET", "/health")
    assert answer.status == 200
    body = answer.body
    snapshot = bus.call("motion.state")
    assert body["name"] == "opentrons-dev" and body["robot_model"] == "OT-2 Standard"
    assert body["fw_version"] == (snapshot["fw_version"] or "").replace("NOMSD", "") and body["fw_version"]
    assert body["board_revision"] == snapshot["board_revision"]
    assert body["minimum_protocol_api_version"] == [2, 0] and body["links"]["apiSpec"] == "/openapi.json"
    assert body["daemons"]["motion"] == {"alive": True, "ready": True, "state": "idle", "reason": None}


def test_home_then_engaged_and_disengage(robot: Http, spec) -> None:
    assert _checked(spec, robot, "POST", "/robot/home", {"target": "robot"}).body == {"message": "Homing robot."}
    engaged = _checked(spec, robot, "GET", "/motors/engaged").body
    assert engaged == {k: {"enabled": True} for k in ("x", "y", "z_l", "z_r", "p_l", "p_r")}
    answer = _checked(spec, robot, "POST", "/motors/disengage", {"axes": ["X", "z_l", "q"]})
    assert answer.body == {"message": "Disengaged axes: x, z_l, q"}
    engaged = robot.get("/motors/engaged").body
    assert engaged["x"] == {"enabled": False} and engaged["z_l"] == {"enabled": False}
    assert engaged["y"] == {"enabled": True}


def test_home_one_pipette(robot: Http, spec) -> None:
    answer = _checked(spec, robot, "POST", "/robot/home", {"target": "pipette", "mount": "right"})
    assert answer.body == {"message": "Pipette on right homed successfully"}
    assert _checked(spec, robot, "POST", "/robot/home", {"target": "gripper"}).body["errorCode"] == "3014"


def test_websocket_sees_positions_during_a_move(robot: Http, spec) -> None:
    async def scenario() -> list[dict]:
        url = f"ws://127.0.0.1:{robot.port}/notifications/subscribe?topic=motion.position"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(None, robot.post, "/robot/move",
                                                {"target": "mount", "point": [120, 90, 150], "mount": "left"})
            assert answer.status == 200, answer.body
            assert answer.body["message"] == "Move complete. New position: Point(x=120.0, y=90.0, z=150.0)"
            frames = []
            while not frames or frames[-1]["event"]["data"].get("moving"):
                frames.append(json.loads((await ws.receive(timeout=10)).data))
            return frames
    robot.post("/robot/home", {"target": "robot"})
    frames = asyncio.run(scenario())
    assert all(f["topic"] == "motion.position" for f in frames)
    assert frames[-1]["event"]["data"]["position"]["x"] > 0


def test_move_refusals(robot: Http, spec) -> None:
    low = _checked(spec, robot, "POST", "/robot/move", {"target": "mount", "point": [10, 10, 5], "mount": "left"})
    assert low.status == 422 and "at least 30" in low.body["message"]
    far = _checked(spec, robot, "POST", "/robot/move", {"target": "mount", "point": [9999, 10, 100],
                                                         "mount": "left"})
    assert far.status == 400 and far.body["busCode"] == "bad_request"


def test_lease_held_by_a_run_is_robot_busy(robot: Http, bus: Client, spec) -> None:
    bus.call("motion.lease.acquire", {"holder": "run:abc", "ttl_s": 30})
    try:
        for path, body in (("/robot/home", {"target": "robot"}), ("/motors/disengage", {"axes": ["x"]})):
            busy = _checked(spec, robot, "POST", path, body)
            assert busy.status == 403 and busy.body["errorCode"] == "4001"
            assert "run:abc" in busy.body["message"] and busy.body["holder"] == "run:abc"
        assert robot.get("/robot/lights").status == 200
    finally:
        bus.call("motion.lease.release", {"holder": "run:abc"})
    assert robot.post("/robot/home", {"target": "robot"}).status == 200
    assert bus.call("motion.state")["lease"] is None


def test_lights_pipettes_identify(robot: Http, spec) -> None:
    assert _checked(spec, robot, "POST", "/robot/lights", {"on": True}).body == {"on": True}
    assert _checked(spec, robot, "GET", "/robot/lights").body == {"on": True}
    assert robot.post("/robot/lights", {"on": False}).body == {"on": False}
    for path in ("/pipettes", "/pipettes?refresh=true"):
        pipettes = _checked(spec, robot, "GET", path).body
        assert pipettes["left"]["mount_axis"] == "z" and pipettes["right"]["plunger_axis"] == "c"
    assert _checked(spec, robot, "POST", "/identify?seconds=1").body == {"message": "identifying"}


def test_motion_killed_is_503_then_back_after_restart(robot: Http, motion) -> None:
    motion.kill()
    started = time.monotonic()
    down = robot.get("/motors/engaged")
    assert down.status == 503 and time.monotonic() - started < 2.0
    assert "motion is not reachable" in down.body["message"]
    wait_until(lambda: robot.get("/health").status == 503, timeout=5)
    assert robot.get("/health").body["daemons"]["motion"]["alive"] is False
    motion.start()
    wait_until(lambda: robot.get("/health").status == 200, timeout=15)
    assert robot.get("/motors/engaged").status == 200
