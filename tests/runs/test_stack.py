"""Runs started by the supervisor (`supervisor.spawn`), and a power loss of the whole stack mid-run."""
from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any, Callable

from run_daemon.journal import read_journal
from tests.conftest import wait_until
from tests.runs.conftest import PROTOCOLS, motion_entry, write_protocol
from tests.runs.test_bus_backend import simulated_commands
from tests.runs.test_runner import SLOW_BODY, only_commands, state_of
from tests.supervisor.conftest import alive


def spawn_run(stack: Any, run_id: str, protocol: Path) -> dict[str, Any]:
    argv = ["python", "-m", "run_daemon.runner", "--run-id", run_id, str(protocol)]
    return stack.call("supervisor.spawn", {"id": f"run-{run_id}", "argv": argv})


def test_a_run_spawned_by_the_supervisor_succeeds_with_the_simulated_commands(stack: Callable,
                                                                              tmp_path: Path) -> None:
    robot = stack(motion_entry("0"), extra=("--smoothie", "sim"))
    robot.wait_state("motion", "running")
    path = PROTOCOLS / "copy96.py"
    spawn_run(robot, "c96", path)
    ended = robot.wait_event("supervisor.spawn.run-c96", lambda s: s["state"] == "exited", timeout=110)
    assert ended["status"] == 0, ended
    record = read_journal(tmp_path / "data" / "runs" / "c96")
    assert record.status == "succeeded"
    assert only_commands(record.commands) == only_commands(simulated_commands(path))


def test_power_loss_mid_run_loses_no_reported_command(stack: Callable, tmp_path: Path) -> None:
    robot = stack(motion_entry("0.05"), extra=("--smoothie", "sim"))
    robot.wait_state("motion", "running")
    path = write_protocol(tmp_path, SLOW_BODY)
    runner_pid = spawn_run(robot, "p1", path)["pid"]
    wait_until(lambda: (state_of(robot.client) or {}).get("completed", 0) >= 5, timeout=30)
    reported = state_of(robot.client)["completed"]
    os.kill(robot.proc.popen.pid, signal.SIGKILL)
    wait_until(lambda: not alive(runner_pid), timeout=10)
    record = read_journal(tmp_path / "data" / "runs" / "p1")
    assert not record.finished and record.status == "running"
    assert len(record.commands) >= reported
    assert only_commands(record.commands) == only_commands(simulated_commands(path))[:len(record.commands)]


def test_a_killed_runner_ends_its_run_failed_with_the_reason_and_the_next_run_succeeds(stack: Callable,
                                                                                       tmp_path: Path) -> None:
    robot = stack(motion_entry("0.05"), extra=("--smoothie", "sim"))
    robot.wait_state("motion", "running")
    runner_pid = spawn_run(robot, "k1", write_protocol(tmp_path, SLOW_BODY))["pid"]
    wait_until(lambda: (state_of(robot.client) or {}).get("completed", 0) >= 5, timeout=30)
    os.kill(runner_pid, signal.SIGKILL)
    ended = robot.wait_event("supervisor.spawn.run-k1", lambda s: s["state"] == "exited")
    outcome = read_journal(tmp_path / "data" / "runs" / "k1").outcome(ended["reason"])
    assert outcome["status"] == "failed" and "SIGKILL" in outcome["error"]["detail"]
    # The dead runner's lease ends with its heartbeat; then the robot takes the next run as it is.
    wait_until(lambda: robot.call("motion.state")["lease"] is None, timeout=10)
    spawn_run(robot, "k2", PROTOCOLS / "basic_v2_0.py")
    after = robot.wait_event("supervisor.spawn.run-k2", lambda s: s["state"] == "exited", timeout=60)
    assert after["status"] == 0
    assert read_journal(tmp_path / "data" / "runs" / "k2").outcome(after["reason"])["status"] == "succeeded"
