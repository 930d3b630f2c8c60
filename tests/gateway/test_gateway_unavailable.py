"""A daemon that is down answers 503 fast; one that is too slow answers 504 at the deadline; never a hang."""
from __future__ import annotations

import time

import pytest

from api_gateway.routes import ROUTES

MOTION_READS = [("GET", "/robot/lights", None), ("GET", "/motors/engaged", None), ("GET", "/pipettes", None)]
MOTION_WRITES = [("POST", "/robot/home", {"target": "robot"}),
                 ("POST", "/robot/move", {"target": "pipette", "point": [100, 100, 100], "mount": "left"}),
                 ("POST", "/robot/lights", {"on": True}), ("POST", "/motors/disengage", {"axes": ["x"]}),
                 ("POST", "/identify?seconds=1", None)]


def test_every_bus_backed_route_is_covered_here() -> None:
    covered = {(m, p.split("?")[0]) for m, p, _ in MOTION_READS + MOTION_WRITES}
    assert covered == {(r.method, r.path) for r in ROUTES if r.op and r.op.startswith("motion.")}


@pytest.mark.parametrize("method,path,body", MOTION_READS + MOTION_WRITES)
def test_motion_down_is_503_fast(gateway, method: str, path: str, body: object) -> None:
    started = time.monotonic()
    answer = gateway.request(method, path, body)
    assert answer.status == 503
    assert time.monotonic() - started < 2.0
    assert "motion is not reachable" in answer.body["message"] and answer.body["errorCode"] == "1000"


def test_health_is_503_with_per_daemon_readiness(gateway) -> None:
    answer = gateway.get("/health", version="2")
    assert answer.status == 503
    daemons = answer.body["daemons"]
    assert daemons["motion"]["ready"] is False and daemons["gateway"]["ready"] is True
    assert set(daemons) >= {"motion", "supervisor", "update"}
    assert "not ready" in answer.body["message"]


def test_slow_daemon_is_504_at_the_deadline(start_gateway, stub) -> None:
    stub("motion", OT2_STUB_DELAY="30")
    http = start_gateway(OT2_HTTP_CALL_TIMEOUT="1")
    started = time.monotonic()
    answer = http.get("/motors/engaged")
    took = time.monotonic() - started
    assert answer.status == 504, answer.body
    assert 0.9 < took < 3.0
    assert "no reply within" in answer.body["message"]


def test_fast_daemon_answers(start_gateway, stub) -> None:
    stub("motion")
    http = start_gateway()
    answer = http.get("/motors/engaged")
    assert answer.status == 200
    assert answer.body == {k: {"enabled": True} for k in ("x", "y", "z_l", "z_r", "p_l", "p_r")}
