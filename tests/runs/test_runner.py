"""The runner process against the real motion daemon: events, journal, pause/play/stop, kill -9."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any, Callable

import pytest
import zmq

from bus import BusConfig, Client, Conflict, Subscriber
from run_daemon.journal import read_journal
from tests.conftest import wait_until
from tests.gateway.conftest import Http, free_port
from tests.runs.conftest import PROTOCOLS, write_protocol
from tests.runs.test_bus_backend import simulated_commands

SLOW_BODY = """
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
    pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    for _ in range(50):
        pipette.move_to(plate["H12"].top(), speed=5)
        pipette.move_to(tips["A1"].top(), speed=5)
"""


def start_runner(spawn: Callable, env: dict[str, str], data_dir: Path, run_id: str, protocol: Path) -> Any:
    return spawn("-m", "run_daemon.runner", "--run-id", run_id, str(protocol),
                 env={**env, "OT2_DATA_DIR": str(data_dir)})


def only_commands(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"commandType": e["commandType"], "params": e["params"]} for e in entries]


def state_of(client: Client) -> Any:
    try:
        return client.call("runner.state", timeout=1)
    except Exception:
        return None


def test_a_run_succeeds_publishes_and_journals_every_command(motion: Callable, spawn: Callable, run_dir: Path,
                                                             tmp_path: Path, client: Client) -> None:
    # A board at a twentieth of real speed makes the run last seconds: time for the subscription, which can only
    # connect once the runner has bound its publisher, to be in place before the last commands.
    env = motion(speed="0.05")
    ctx = zmq.Context()
    events = Subscriber(ctx, [BusConfig(run_dir).pub("runner")], ["run.r1."])
    path = PROTOCOLS / "basic_v2_0.py"
    runner = start_runner(spawn, env, tmp_path, "r1", path)
    assert runner.popen.wait(timeout=60) == 0
    record = read_journal(tmp_path / "runs" / "r1")
    assert [s["status"] for s in record.statuses] == ["running", "finishing", "succeeded"]
    assert only_commands(record.commands) == only_commands(simulated_commands(path))
    assert all(c["status"] == "succeeded" and c["completedAt"] >= c["startedAt"] for c in record.commands)
    received = []
    while (event := events.recv(timeout=0.5)) is not None:
        received.append(event)
    # A subscriber may join after the first events; every event it got is journaled, up to the last command.
    indexes = [e.data["index"] for e in received if e.topic == "run.r1.command"]
    assert indexes and indexes[-1] == len(record.commands) - 1 and indexes == sorted(indexes)
    assert [e.data["status"] for e in received if e.topic == "run.r1.status"][-1] == "succeeded"
    assert client.call("motion.state")["lease"] is None
    events.close()
    ctx.term()


def test_pause_play_and_illegal_transitions(motion: Callable, spawn: Callable, run_dir: Path, tmp_path: Path,
                                            client: Client) -> None:
    env = motion(speed="0.05")
    start_runner(spawn, env, tmp_path, "r2", write_protocol(tmp_path, SLOW_BODY))
    wait_until(lambda: (state_of(client) or {}).get("completed", 0) >= 4, timeout=30)
    with pytest.raises(Conflict, match="cannot play a run that is running"):
        client.call("runner.play")
    assert client.call("runner.pause")["status"] == "paused"
    with pytest.raises(Conflict, match="cannot pause a run that is paused"):
        client.call("runner.pause")
    assert client.call("runner.play")["status"] == "running"
    assert client.call("runner.stop")["status"] == "stop-requested"
    record = wait_until(lambda: read_journal(tmp_path / "runs" / "r2").finished, timeout=60)
    statuses = [s["status"] for s in read_journal(tmp_path / "runs" / "r2").statuses]
    assert record and statuses == ["running", "paused", "running", "stop-requested", "stopped"]


def test_stop_halts_a_long_move_within_a_second_and_leaves_the_robot_safe(
        motion: Callable, spawn: Callable, run_dir: Path, tmp_path: Path, client: Client) -> None:
    env = motion(speed="0.05")
    runner = start_runner(spawn, env, tmp_path, "r3", write_protocol(tmp_path, SLOW_BODY))
    wait_until(lambda: (state_of(client) or {}).get("completed", 0) >= 5, timeout=30)
    wait_until(lambda: client.call("motion.state")["state"] == "busy", timeout=10)
    asked = time.monotonic()
    client.call("runner.stop", timeout=2)
    wait_until(lambda: client.call("motion.state")["state"] != "busy", timeout=2)
    assert time.monotonic() - asked < 1.0
    assert runner.popen.wait(timeout=60) == 0
    assert read_journal(tmp_path / "runs" / "r3").status == "stopped"
    state = client.call("motion.state")
    assert state["lease"] is None and state["state"] == "idle" and all(state["homed"].values())


def test_kill_9_of_the_runner_keeps_its_commands_and_the_robot_takes_the_next_run(
        motion: Callable, spawn: Callable, run_dir: Path, tmp_path: Path, client: Client) -> None:
    env = motion(speed="0.05")
    runner = start_runner(spawn, env, tmp_path, "r4", write_protocol(tmp_path, SLOW_BODY))
    wait_until(lambda: (state_of(client) or {}).get("completed", 0) >= 5, timeout=30)
    reported = client.call("runner.state")["completed"]
    os.kill(runner.popen.pid, signal.SIGKILL)
    runner.popen.wait(timeout=10)
    record = read_journal(tmp_path / "runs" / "r4")
    assert not record.finished and len(record.commands) >= reported
    wait_until(lambda: client.call("motion.state")["lease"] is None, timeout=10)
    nxt = start_runner(spawn, env, tmp_path, "r5", PROTOCOLS / "basic_v2_0.py")
    assert nxt.popen.wait(timeout=120) == 0
    assert read_journal(tmp_path / "runs" / "r5").status == "succeeded"


def test_a_missing_protocol_file_fails_the_run_with_the_reason(motion: Callable, spawn: Callable,
                                                               tmp_path: Path) -> None:
    env = motion()
    runner = start_runner(spawn, env, tmp_path, "r6", tmp_path / "absent.py")
    assert runner.popen.wait(timeout=30) == 1
    record = read_journal(tmp_path / "runs" / "r6")
    assert record.status == "failed" and "absent.py" in record.statuses[-1]["error"]["detail"]


def test_a_run_while_someone_holds_the_lease_fails_naming_the_holder(motion: Callable, spawn: Callable,
                                                                     tmp_path: Path, client: Client) -> None:
    env = motion()
    client.call("motion.lease.acquire", {"holder": "gateway", "ttl_s": 30})
    runner = start_runner(spawn, env, tmp_path, "r7", PROTOCOLS / "basic_v2_0.py")
    assert runner.popen.wait(timeout=30) == 1
    error = read_journal(tmp_path / "runs" / "r7").statuses[-1]["error"]
    assert error["errorType"] == "Conflict" and "in use by gateway" in error["detail"]


def test_a_run_id_that_is_not_a_safe_name_is_refused(spawn: Callable, tmp_path: Path) -> None:
    runner = spawn("-m", "run_daemon.runner", "--run-id", "../escape", str(PROTOCOLS / "basic_v2_0.py"),
                   env={"OT2_DATA_DIR": str(tmp_path)})
    assert runner.popen.wait(timeout=30) == 2
    wait_until(lambda: any("--run-id must be" in line for line in runner.lines), timeout=5)
    assert not (tmp_path / "runs").exists()


def test_sigterm_stops_the_run_safely(motion: Callable, spawn: Callable, tmp_path: Path, client: Client) -> None:
    env = motion(speed="0.05")
    runner = start_runner(spawn, env, tmp_path, "r8", write_protocol(tmp_path, SLOW_BODY))
    wait_until(lambda: (state_of(client) or {}).get("completed", 0) >= 5, timeout=30)
    runner.popen.send_signal(signal.SIGTERM)
    assert runner.popen.wait(timeout=60) == 0
    assert read_journal(tmp_path / "runs" / "r8").status == "stopped"
    state = client.call("motion.state")
    assert state["lease"] is None and state["state"] == "idle" and all(state["homed"].values())


def test_http_manual_moves_are_refused_while_a_run_holds_the_lease(motion: Callable, spawn: Callable,
                                                                   tmp_path: Path, client: Client) -> None:
    env = motion(speed="0.05")
    start_runner(spawn, env, tmp_path, "r9", write_protocol(tmp_path, SLOW_BODY))
    wait_until(lambda: (state_of(client) or {}).get("completed", 0) >= 5, timeout=30)
    port = free_port()
    spawn("-m", "api_gateway", env={**env, "OT2_HTTP_PORT": str(port)}, ready="listening on")
    answer = Http(port).post("/robot/home", {"target": "robot"})
    assert answer.status == 403 and answer.body["holder"] == "runner:r9"
    assert client.call("runner.state")["status"] == "running"
