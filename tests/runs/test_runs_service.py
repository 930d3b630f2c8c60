"""The `runs` service through HTTP with the whole stack under the supervisor: lifecycles, races, failures."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from pathlib import Path
from typing import Any, Callable

import aiohttp
import pytest

from bus import Conflict

from tests.conftest import wait_until
from tests.gateway.conftest import Http
from tests.runs.conftest import PROTOCOLS, motion_entry, write_protocol
from tests.runs.test_http import analysis_of, robot_with_http, run_status, upload
from tests.runs.test_runner import SLOW_BODY
from tests.supervisor.conftest import alive

TWO_P300 = {**motion_entry("0"), "env": {"OT2_SIM_SPEED": "0",
                                         "OT2_SIM_PIPETTES": "left:p300_single_v2.0,right:p300_single_v2.0"}}
OFFSET = {"definitionUri": "opentrons/corning_96_wellplate_360ul_flat/1", "location": {"slotName": "3"},
          "vector": {"x": 0.5, "y": -0.25, "z": 1}}


def act(http: Http, run_id: str, action: str) -> Any:
    return http.post(f"/runs/{run_id}/actions", {"data": {"actionType": action}})


def slow_protocol(http: Http, tmp_path: Path) -> str:
    return upload(http, ("slow.py", write_protocol(tmp_path, SLOW_BODY).read_bytes())).body["data"]["id"]


def all_commands(http: Http, run_id: str) -> list[dict[str, Any]]:
    total = http.get(f"/runs/{run_id}/commands?pageLength=1").body["meta"]["totalLength"]
    return http.get(f"/runs/{run_id}/commands?pageLength={max(total, 1)}").body["data"]


def test_a_json_protocol_runs_to_success_with_the_analysed_commands(stack: Callable) -> None:
    robot, http = robot_with_http(stack, "0", motion=TWO_P300)
    created = upload(http, ("basics.json", (PROTOCOLS / "json_v3_basics.json").read_bytes()))
    assert created.status == 201, created.body
    protocol = created.body["data"]
    assert protocol["protocolType"] == "json" and protocol["metadata"]["protocolName"] == "JSON v3 basics"
    analysis = analysis_of(http, protocol["id"])
    assert analysis["result"] == "ok", analysis["errors"]
    run_id = http.post("/runs", {"data": {"protocolId": protocol["id"]}}).body["data"]["id"]
    assert act(http, run_id, "play").status == 201
    run = run_status(http, run_id, "succeeded")
    assert [(p["pipetteName"], p["mount"]) for p in run["pipettes"]] == [("p300_single_gen2", "right")]
    assert [a["actionType"] for a in run["actions"]] == ["play"] and run["completedAt"] >= run["startedAt"]
    assert [(c["commandType"], c["params"]) for c in all_commands(http, run_id)] == \
        [(c["commandType"], c["params"]) for c in analysis["commands"]]


def test_protocols_list_their_metadata_and_refuse_bad_files(stack: Callable, tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0")
    source = 'requirements = {"apiLevel": "2.13"}\nmetadata = {"protocolName": "Mix", "author": "Lab", ' \
             '"description": "mixes"}\n\ndef run(protocol):\n    pass\n'
    first = upload(http, ("mix.py", source.encode())).body["data"]
    assert first["metadata"] == {"protocolName": "Mix", "author": "Lab", "description": "mixes", "apiLevel": "2.13"}
    second = upload(http, ("copy96.py", (PROTOCOLS / "copy96.py").read_bytes())).body["data"]
    listed = http.get("/protocols").body
    assert [p["id"] for p in listed["data"]] == [first["id"], second["id"]] and listed["meta"]["totalLength"] == 2
    assert http.get("/protocols/ids").body["data"] == [first["id"], second["id"]]
    broken = upload(http, ("broken.py", b"def run(protocol:\n"))
    assert broken.status == 422 and broken.body["errors"][0]["id"] == "ProtocolFilesInvalid"
    assert "line 1" in broken.body["errors"][0]["detail"]
    labware = upload(http, ("p.py", source.encode()), ("lw.json", b"[1, 2]"))
    assert labware.status == 422 and "lw.json" in labware.body["errors"][0]["detail"]
    assert http.request("DELETE", f"/protocols/{first['id']}").status == 200
    assert http.get(f"/protocols/{first['id']}").status == 404
    assert http.get("/protocols/ids").body["data"] == [second["id"]]


def test_run_lifecycle_get_patch_delete_and_offsets(stack: Callable, tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    protocol_id = slow_protocol(http, tmp_path)
    bad = http.post("/runs", {"data": {"protocolId": protocol_id, "labwareOffsets": [{**OFFSET, "vector": {}}]}})
    assert bad.status == 422 and "labwareOffsets[0].vector" in bad.body["errors"][0]["detail"]
    with_offsets = http.post("/runs", {"data": {"protocolId": protocol_id, "labwareOffsets": [OFFSET]}})
    assert with_offsets.status == 201, with_offsets.body
    first_id = with_offsets.body["data"]["id"]
    stored = http.get(f"/runs/{first_id}").body["data"]["labwareOffsets"]
    assert [{k: o[k] for k in OFFSET} for o in stored] == [OFFSET] and stored[0]["id"] and stored[0]["createdAt"]
    assert http.request("PATCH", f"/runs/{first_id}", {"data": {"current": False}}).status == 200
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    listed = http.get("/runs").body
    assert [r["id"] for r in listed["data"]][-1] == run_id and listed["links"]["current"]["href"] == f"/runs/{run_id}"
    assert [r["current"] for r in listed["data"]] == [False, True]
    act(http, run_id, "play")
    run_status(http, run_id, "running", timeout=30)
    for method, body in (("PATCH", {"data": {"current": False}}), ("DELETE", None)):
        refused = http.request(method, f"/runs/{run_id}", body)
        assert refused.status == 409 and refused.body["errors"][0]["id"] == "RunNotIdle"
    used = http.request("DELETE", f"/protocols/{protocol_id}")
    assert used.status == 409 and used.body["errors"][0]["id"] == "ProtocolUsedByRun"
    act(http, run_id, "stop")
    run_status(http, run_id, "stopped", timeout=60)
    assert http.request("PATCH", f"/runs/{run_id}", {"data": {"current": False}}).body["data"]["current"] is False
    assert act(http, run_id, "play").body["errors"][0]["id"] == "RunStopped"
    assert "current" not in http.get("/runs").body["links"]
    for listed_run in http.get("/runs").body["data"]:
        assert http.request("DELETE", f"/runs/{listed_run['id']}").status == 200
    assert http.get(f"/runs/{run_id}").status == 404 and http.get("/runs").body["data"] == []
    assert http.request("DELETE", f"/protocols/{protocol_id}").status == 200


def test_racing_clients_create_exactly_one_run(stack: Callable) -> None:
    robot, http = robot_with_http(stack, "0")
    protocol_id = upload(http, ("basic.py", (PROTOCOLS / "basic_v2_0.py").read_bytes())).body["data"]["id"]
    statuses: list[int] = []
    start = threading.Barrier(8)

    def create() -> None:
        start.wait()
        statuses.append(http.post("/runs", {"data": {"protocolId": protocol_id}}).status)
    racers = [threading.Thread(target=create) for _ in range(8)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * 7
    assert len(http.get("/runs").body["data"]) == 1


def test_kill_9_of_the_motion_daemon_fails_the_run_and_the_robot_takes_the_next(stack: Callable,
                                                                               tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    protocol_id = slow_protocol(http, tmp_path)
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    act(http, run_id, "play")
    wait_until(lambda: http.get(f"/runs/{run_id}/commands").body["meta"]["totalLength"] >= 5, timeout=30)
    motion_pid = robot.proc_of("motion")["pid"]
    os.kill(motion_pid, signal.SIGKILL)
    failed = run_status(http, run_id, "failed", timeout=30)
    # Mid-move the runner notices the lost daemon by its heartbeat; between moves its next call is refused.
    assert failed["errors"][0]["errorType"] in ("MotionDaemonLost", "Unavailable"), failed["errors"]
    wait_until(lambda: robot.proc_of("motion")["state"] == "running" and robot.proc_of("motion")["pid"] != motion_pid,
               timeout=30)
    assert robot.call("motion.state")["lease"] is None
    basic = upload(http, ("basic.py", (PROTOCOLS / "basic_v2_0.py").read_bytes())).body["data"]["id"]
    nxt = http.post("/runs", {"data": {"protocolId": basic}})
    assert nxt.status == 201, nxt.body
    act(http, nxt.body["data"]["id"], "play")
    run_status(http, nxt.body["data"]["id"], "succeeded", timeout=60)


def test_power_loss_mid_run_keeps_the_commands_and_fails_the_run_after_restart(stack: Callable,
                                                                             tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    run_id = http.post("/runs", {"data": {"protocolId": slow_protocol(http, tmp_path)}}).body["data"]["id"]
    act(http, run_id, "play")
    wait_until(lambda: http.get(f"/runs/{run_id}/commands").body["meta"]["totalLength"] >= 5, timeout=30)
    runner_pid = robot.status()["spawns"][f"run-{run_id}"]["pid"]
    reported = http.get(f"/runs/{run_id}/commands").body["meta"]["totalLength"]
    os.kill(robot.proc.popen.pid, signal.SIGKILL)
    wait_until(lambda: not alive(runner_pid), timeout=10)
    robot, http = robot_with_http(stack, "0.05")
    failed = run_status(http, run_id, "failed", timeout=30)
    assert failed["errors"][0]["errorType"] == "RunnerDied" and "restarted" in failed["errors"][0]["detail"]
    assert len(all_commands(http, run_id)) >= reported
    assert http.post("/runs", {"data": {"protocolId": failed["protocolId"]}}).status == 201


async def _run_events(port: int, run_id: str, ready: threading.Event) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        url = f"ws://127.0.0.1:{port}/notifications/subscribe?topic=run.{run_id}."
        async with session.ws_connect(url) as ws:
            ready.set()
            async for message in ws:
                seen.append(json.loads(message.data))
                if seen[-1]["topic"].endswith(".status") and seen[-1]["event"]["data"]["finished"]:
                    return seen
    return seen


def test_run_events_reach_the_websocket(stack: Callable, tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    tipless = write_protocol(tmp_path, SLOW_BODY.replace("    pipette.pick_up_tip()\n", ""))  # a quick stop
    protocol_id = upload(http, ("tipless.py", tipless.read_bytes())).body["data"]["id"]
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    act(http, run_id, "play")
    # The gateway hearing the runner's heartbeat proves it is subscribed to the runner: nothing after is missed.
    wait_until(lambda: http.get("/health").body["daemons"].get("runner", {}).get("alive"), timeout=30)
    ready = threading.Event()
    found: list[list[dict[str, Any]]] = []
    listener = threading.Thread(target=lambda: found.append(asyncio.run(_run_events(http.port, run_id, ready))))
    listener.start()
    assert ready.wait(10)
    act(http, run_id, "pause")
    run_status(http, run_id, "paused", timeout=10)
    done = http.get(f"/runs/{run_id}/commands").body["meta"]["totalLength"]
    act(http, run_id, "play")
    wait_until(lambda: http.get(f"/runs/{run_id}/commands").body["meta"]["totalLength"] > done, timeout=30)
    act(http, run_id, "stop")
    listener.join(timeout=60)
    statuses = [e["event"]["data"]["status"] for e in found[0] if e["topic"] == f"run.{run_id}.status"]
    assert statuses[:2] == ["paused", "running"] and statuses[-2:] == ["stop-requested", "stopped"]
    assert any(e["topic"] == f"run.{run_id}.command" for e in found[0])


def test_reset_of_the_run_history_wipes_protocols_and_runs(stack: Callable, tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    protocol_id = slow_protocol(http, tmp_path)
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    act(http, run_id, "play")
    run_status(http, run_id, "running", timeout=30)
    with pytest.raises(Conflict, match="active"):
        robot.call("runs.reset", {"options": ["runsHistory"]})
    act(http, run_id, "stop")
    run_status(http, run_id, "stopped", timeout=60)
    assert robot.call("runs.reset", {"options": ["runsHistory"]}) == {"cleared": ["runsHistory"]}
    assert http.get("/protocols").body["data"] == [] and http.get("/runs").body["data"] == []
    data = tmp_path / "data"
    assert not (data / "protocols").exists() and not (data / "runs").exists()


def test_uploads_larger_than_a_bus_message_are_streamed_and_the_limit_is_stated(stack: Callable) -> None:
    robot, http = robot_with_http(stack, "0")
    padding = b"#" * 99 + b"\n"
    big = (PROTOCOLS / "basic_v2_0.py").read_bytes() + padding * ((5 << 20) // 100)
    created = upload(http, ("big.py", big))
    assert created.status == 201, created.body
    assert http.get(f"/protocols/{created.body['data']['id']}").body["data"]["files"][0]["name"] == "big.py"
    too_big = upload(http, ("huge.py", padding * ((33 << 20) // 100)))
    assert too_big.status == 413 and "32 MiB" in too_big.body["errors"][0]["detail"]
    assert http.get("/protocols/ids").body["data"] == [created.body["data"]["id"]]


def test_an_endless_protocol_ends_as_a_failed_analysis_and_the_next_one_is_analyzed(stack: Callable,
                                                                                  tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0", runs_env={"OT2_ANALYSIS_TIME_LIMIT_S": "2"})
    endless = upload(http, ("loop.py", b'metadata = {"apiLevel": "2.13"}\n\ndef run(protocol):\n    while True:\n'
                                       b'        pass\n')).body["data"]["id"]
    basic = upload(http, ("basic.py", (PROTOCOLS / "basic_v2_0.py").read_bytes())).body["data"]["id"]
    timed_out = analysis_of(http, endless)
    assert timed_out["result"] == "not-ok" and timed_out["errors"][0]["errorType"] == "AnalysisTimeout"
    assert "2 s" in timed_out["errors"][0]["detail"]
    assert analysis_of(http, basic)["result"] == "ok"


def test_a_runner_killed_while_the_runs_service_is_hung_is_found_by_the_resync(stack: Callable,
                                                                               tmp_path: Path) -> None:
    robot, http = robot_with_http(stack, "0.05")
    run_id = http.post("/runs", {"data": {"protocolId": slow_protocol(http, tmp_path)}}).body["data"]["id"]
    act(http, run_id, "play")
    run_status(http, run_id, "running", timeout=30)
    runs_pid = robot.proc_of("runs")["pid"]
    runner_pid = robot.status()["spawns"][f"run-{run_id}"]["pid"]
    os.kill(runs_pid, signal.SIGSTOP)  # hung: it hears nothing until the supervisor replaces it
    os.kill(runner_pid, signal.SIGKILL)
    wait_until(lambda: robot.proc_of("runs")["state"] == "running" and robot.proc_of("runs")["pid"] != runs_pid,
               timeout=30)
    failed = run_status(http, run_id, "failed", timeout=10)
    assert failed["errors"][0]["errorType"] == "RunnerDied" and "SIGKILL" in failed["errors"][0]["detail"]
