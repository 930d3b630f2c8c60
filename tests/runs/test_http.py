"""Protocols and runs over HTTP with the whole stack under the supervisor: upload, analyze, run, act."""
from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path
from typing import Any, Callable

from tests.conftest import wait_until
from tests.gateway.conftest import Http, free_port
from tests.runs.conftest import PROTOCOLS, motion_entry, write_protocol
from tests.runs.test_runner import SLOW_BODY

GATEWAY = {"name": "gateway", "argv": ["python", "-m", "api_gateway"]}
RUNS = {"name": "runs", "argv": ["python", "-m", "run_daemon"]}


def upload(http: Http, *files: tuple[str, bytes]) -> Any:
    boundary = uuid.uuid4().hex
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                    f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
                    for name, content in files) + f"--{boundary}--\r\n".encode()
    return http.request("POST", "/protocols", raw=body,
                        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def robot_with_http(stack: Callable, speed: str, motion: dict[str, Any] | None = None,
                    runs_env: dict[str, str] | None = None) -> tuple[Any, Http]:
    port = free_port()
    runs = {**RUNS, "env": runs_env or {}}
    robot = stack(motion or motion_entry(speed), runs, GATEWAY, extra=("--smoothie", "sim", "--port", str(port)))
    robot.wait_state("gateway", "running")
    robot.wait_state("runs", "running")
    return robot, Http(port)


def analysis_of(http: Http, protocol_id: str) -> dict[str, Any]:
    def completed() -> Any:
        found = http.get(f"/protocols/{protocol_id}/analyses").body["data"][0]
        return found if found["status"] == "completed" else None
    return wait_until(completed, timeout=60)  # type: ignore[return-value]


def run_status(http: Http, run_id: str, wanted: str, timeout: float = 120) -> dict[str, Any]:
    return wait_until(lambda: (lambda r: r if r["status"] == wanted else None)(
        http.get(f"/runs/{run_id}").body["data"]), timeout=timeout)  # type: ignore[return-value]


def test_upload_analyze_and_run_the_plate_copy_to_success(stack: Callable) -> None:
    robot, http = robot_with_http(stack, "0")
    content = (PROTOCOLS / "copy96.py").read_bytes()
    created = upload(http, ("copy96.py", content))
    assert created.status == 201, created.body
    protocol_id = created.body["data"]["id"]
    again = upload(http, ("copy96.py", content))
    assert again.status == 200 and again.body["data"]["id"] == protocol_id
    analysis = analysis_of(http, protocol_id)
    assert analysis["result"] == "ok"
    run = http.post("/runs", {"data": {"protocolId": protocol_id}})
    assert run.status == 201 and run.body["data"]["status"] == "idle"
    run_id = run.body["data"]["id"]
    assert http.post("/runs", {"data": {"protocolId": protocol_id}}).status == 409
    assert http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "play"}}).status == 201
    run_status(http, run_id, "succeeded")
    total = http.get(f"/runs/{run_id}/commands?pageLength=1").body["meta"]["totalLength"]
    commands = http.get(f"/runs/{run_id}/commands?pageLength={total}").body["data"]
    assert [(c["commandType"], c["params"]) for c in commands] == \
        [(c["commandType"], c["params"]) for c in analysis["commands"]]


def test_pause_stop_and_illegal_actions_over_http(stack: Callable, tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    protocol_id = upload(http, ("slow.py", write_protocol(tmp_path, SLOW_BODY).read_bytes())).body["data"]["id"]
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    assert http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "pause"}}).status == 409
    http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "play"}})
    run_status(http, run_id, "running", timeout=30)
    assert http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "pause"}}).status == 201
    run_status(http, run_id, "paused", timeout=10)
    assert http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "stop"}}).status == 201
    run_status(http, run_id, "stopped", timeout=60)
    assert http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "play"}}).status == 409
    bad = http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "jump"}})
    assert bad.status == 422 and "play, pause, stop" in bad.body["errors"][0]["detail"]
    assert http.get("/runs/not-a-run").status == 404


def test_a_killed_runner_fails_its_run_with_the_reason_and_frees_the_robot(stack: Callable, tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    protocol_id = upload(http, ("slow.py", write_protocol(tmp_path, SLOW_BODY).read_bytes())).body["data"]["id"]
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    http.post(f"/runs/{run_id}/actions", {"data": {"actionType": "play"}})
    run_status(http, run_id, "running", timeout=30)
    pid = wait_until(lambda: robot.status()["spawns"].get(f"run-{run_id}", {}).get("pid"), timeout=10)
    os.kill(pid, signal.SIGKILL)
    failed = run_status(http, run_id, "failed", timeout=20)
    assert "SIGKILL" in failed["errors"][0]["detail"]
    wait_until(lambda: robot.call("motion.state")["lease"] is None, timeout=10)
    again = http.post("/runs", {"data": {"protocolId": protocol_id}})
    assert again.status == 201
