"""A real supervisor with real, scripted children: restarts, backoff, fatal, hangs, stops and orphans."""
from __future__ import annotations

import signal

import pytest

from bus import BadRequest, Conflict, NotFound, Unavailable
from tests.conftest import wait_until
from tests.supervisor.conftest import alive, child, descendants, kill_quietly

pytestmark = pytest.mark.timeout(90)


def test_every_daemon_runs_and_serves(stack) -> None:
    robot = stack(child("motion", critical=True), child("gateway"))
    motion = robot.wait_state("motion", "running")
    robot.wait_state("gateway", "running")
    assert robot.call("motion.state")["pid"] == motion["pid"]
    status = robot.status()
    assert status["health"] == "ok" and list(status["processes"]) == ["motion", "gateway"]
    assert status["processes"]["motion"]["critical"] is True


@pytest.mark.parametrize("start_mode", [(), ("--no-preload",)], ids=["forked", "exec"])
def test_a_killed_daemon_alone_is_restarted_and_serves_again(stack, start_mode) -> None:
    robot = stack(child("motion", critical=True), child("gateway"), extra=start_mode)
    motion = robot.wait_state("motion", "running")
    gateway = robot.wait_state("gateway", "running")
    kill_quietly(motion["pid"], signal.SIGKILL)
    again = robot.wait_event("supervisor.process.motion",
                             lambda d: d["state"] == "running" and d["pid"] != motion["pid"])
    assert again["restarts"] == 1 and again["last_exit"]["reason"] == "killed by SIGKILL"
    assert robot.call("motion.state")["pid"] == again["pid"]
    assert robot.proc_of("gateway")["pid"] == gateway["pid"]
    assert robot.proc_of("gateway")["restarts"] == 0


def test_a_daemon_that_crashes_later_is_restarted_after_a_backoff(stack) -> None:
    robot = stack(child("motion", "crash_later", startsecs=0.2, child_env={"child_after": 0.6}))
    robot.wait_event("supervisor.process.motion", lambda d: d["state"] == "running" and d["restarts"] == 2)
    states = [d["state"] for t, d in robot.events if t == "supervisor.process.motion"]
    first = states.index("running")  # the first "starting" may come before this subscriber is connected
    assert states[first:first + 7] == ["running", "backoff", "starting", "running", "backoff", "starting", "running"]
    assert robot.proc_of("motion")["last_exit"]["status"] == 4


def test_crashing_at_start_ends_in_fatal_while_the_others_keep_running(stack) -> None:
    robot = stack(child("motion", critical=True), child("update", "crash_at_start", startretries=2))
    fatal = robot.wait_state("update", "fatal")
    assert fatal["restarts"] == 2 and fatal["last_exit"]["status"] == 3
    assert robot.proc_of("motion")["state"] == "running" and robot.proc_of("motion")["restarts"] == 0
    assert robot.status()["health"] == "degraded"
    with pytest.raises(Unavailable, match="update is fatal, not running"):
        robot.call("supervisor.start", {"name": "update", "wait": 10}, timeout=15)


def test_a_failing_critical_daemon_makes_health_failed(stack) -> None:
    robot = stack(child("motion", "crash_at_start", critical=True, startretries=0))
    robot.wait_state("motion", "fatal")
    assert robot.status()["health"] == "failed"


def test_a_hung_daemon_is_killed_and_restarted(stack) -> None:
    robot = stack(child("motion", critical=True), child("gateway"))
    motion = robot.wait_state("motion", "running")
    gateway = robot.wait_state("gateway", "running")
    kill_quietly(motion["pid"], signal.SIGSTOP)
    again = robot.wait_event("supervisor.process.motion",
                             lambda d: d["state"] == "running" and d["pid"] != motion["pid"])
    assert again["last_exit"]["reason"].startswith("killed by SIGKILL (hung: no heartbeat for")
    assert not alive(motion["pid"])
    assert robot.proc_of("gateway")["pid"] == gateway["pid"]


def test_a_slow_starter_is_starting_until_its_first_heartbeat(stack) -> None:
    robot = stack(child("motion", "slow_start", child_env={"child_delay": 2.0}))
    assert robot.proc_of("motion")["state"] == "starting"
    assert robot.wait_state("motion", "running")["restarts"] == 0


def test_stop_kills_a_daemon_that_ignores_sigterm_after_the_grace_and_start_brings_it_back(stack) -> None:
    robot = stack(child("motion", critical=True), child("gateway", "ignore_term"))
    gateway = robot.wait_state("gateway", "running")
    stopped = robot.call("supervisor.stop", {"name": "gateway"})
    assert stopped["state"] == "stopped"
    assert stopped["last_exit"]["reason"] == "killed by SIGKILL (did not stop within 1 s of SIGTERM)"
    assert not alive(gateway["pid"])
    assert robot.status()["health"] == "degraded"
    started = robot.call("supervisor.start", {"name": "gateway"}, timeout=15)
    assert started["state"] == "running" and started["pid"] != gateway["pid"]


def test_restart_reports_the_daemon_running_again(stack) -> None:
    robot = stack(child("motion", critical=True))
    before = robot.wait_state("motion", "running")
    after = robot.call("supervisor.restart", {"name": "motion"}, timeout=15)
    assert after["state"] == "running" and after["pid"] != before["pid"] and after["restarts"] == 1
    assert after["last_exit"]["reason"] == "exited with status 0"


def test_control_ops_refuse_bad_arguments_clearly(stack) -> None:
    robot = stack(child("motion"))
    with pytest.raises(NotFound, match="no daemon named 'nope'; daemons: motion"):
        robot.call("supervisor.restart", {"name": "nope"})
    with pytest.raises(BadRequest, match="'name' must be the name of a daemon"):
        robot.call("supervisor.stop", {"name": 3})
    with pytest.raises(BadRequest, match="'wait' must be seconds"):
        robot.call("supervisor.start", {"name": "motion", "wait": "soon"})


def test_one_offs_run_once_and_report_their_exit(stack) -> None:
    robot = stack(child("motion"))
    started = robot.call("supervisor.spawn", {"id": "run-7", "argv": ["python", "-c", "import sys; sys.exit(5)"]})
    assert started["state"] == "running"
    ended = robot.wait_event("supervisor.spawn.run-7", lambda d: d["state"] == "exited")
    assert ended["status"] == 5 and ended["reason"] == "exited with status 5"
    assert robot.status()["spawns"]["run-7"]["status"] == 5
    with pytest.raises(BadRequest, match="cannot execute '/no/such/program'"):
        robot.call("supervisor.spawn", {"id": "run-8", "argv": ["/no/such/program"]})
    for module in ("no_such_module", "no_such_package.sub"):
        with pytest.raises(BadRequest, match=f"No module named '{module}'"):
            robot.call("supervisor.spawn", {"id": "run-9", "argv": ["python", "-m", module]})
    assert robot.call("supervisor.spawn", {"id": "run-9", "argv": ["true"]})["state"] == "running"


def test_a_python_module_one_off_runs_with_its_output_tagged(stack) -> None:
    robot = stack(child("motion"))
    robot.call("supervisor.spawn", {"id": "cal", "argv": ["python", "-m", "calendar", "2031", "7"],
                                    "env": {"MARK": "x"}})
    ended = robot.wait_event("supervisor.spawn.cal", lambda d: d["state"] == "exited")
    assert ended["status"] == 0
    wait_until(lambda: any('"service": "cal"' in line and "July 2031" in line for line in robot.proc.lines), 5)


def test_sigterm_stops_children_in_reverse_order_and_kills_stubborn_ones(stack) -> None:
    robot = stack(child("motion", critical=True), child("gateway", "ignore_term"), child("update"))
    pids = [robot.wait_state(name, "running")["pid"] for name in ("motion", "gateway", "update")]
    robot.proc.popen.send_signal(signal.SIGTERM)
    assert robot.proc.popen.wait(timeout=15) == 0
    assert not any(alive(pid) for pid in pids)
    stopping = [line for line in robot.proc.lines if '"state": "stopping"' in line]
    order = [name for line in stopping for name in ("update", "gateway", "motion") if f'"{name}"' in line]
    assert order == ["update", "gateway", "motion"]
    assert any("did not stop within 1 s" in line for line in robot.proc.lines)


def test_shutdown_op_stops_everything_and_refuses_changes_meanwhile(stack) -> None:
    robot = stack(child("motion", "ignore_term"))  # takes its 1 s grace to stop: time to ask for a restart
    pid = robot.wait_state("motion", "running")["pid"]
    assert robot.call("supervisor.shutdown") == {"stopping": ["motion"]}
    with pytest.raises(Conflict, match="shutting down"):
        robot.call("supervisor.restart", {"name": "motion"})
    assert robot.proc.popen.wait(timeout=15) == 0
    assert not alive(pid)


@pytest.mark.parametrize("start_mode", [(), ("--no-preload",)], ids=["forked", "exec"])
def test_no_child_outlives_a_sigkilled_supervisor(stack, start_mode) -> None:
    robot = stack(child("motion"), child("gateway", "ignore_term"),
                  {"name": "helper", "argv": ["sleep", "300"], "heartbeat": False}, extra=start_mode)
    pids = [robot.wait_state(name, "running")["pid"] for name in ("motion", "gateway", "helper")]
    robot.call("supervisor.spawn", {"id": "runner", "argv": ["sleep", "300"]})
    pids.append(robot.status()["spawns"]["runner"]["pid"])
    everything = descendants(robot.proc.popen.pid)
    assert set(pids) <= set(everything)
    robot.proc.popen.kill()
    wait_until(lambda: not any(alive(pid) for pid in everything), 10)


def test_a_second_supervisor_on_the_same_run_dir_is_refused(stack, spawn, run_dir, tmp_path) -> None:
    robot = stack(child("motion"))
    second = spawn("-m", "supervisor", "--run-dir", str(run_dir), "start", "--table", str(tmp_path / "table.json"),
                   "--data-dir", str(tmp_path / "data2"))
    assert second.popen.wait(timeout=15) == 1
    assert any("another supervisor (pid" in line for line in second.lines)
    assert robot.wait_state("motion", "running")["restarts"] == 0


def test_ot2_status_and_restart_for_a_person(stack, spawn, run_dir) -> None:
    robot = stack(child("motion", critical=True))
    robot.wait_state("motion", "running")
    status = spawn("-m", "supervisor", "--run-dir", str(run_dir), "status")
    assert status.popen.wait(timeout=15) == 0
    wait_until(lambda: any(line.split()[:2] == ["motion", "running"] for line in status.lines), 5)
    restart = spawn("-m", "supervisor", "--run-dir", str(run_dir), "restart", "motion")
    assert restart.popen.wait(timeout=30) == 0
    wait_until(lambda: any("motion restarted: running" in line for line in restart.lines), 5)
    unknown = spawn("-m", "supervisor", "--run-dir", str(run_dir), "restart", "nope")
    assert unknown.popen.wait(timeout=15) == 1
    wait_until(lambda: any("error: not_found: no daemon named 'nope'" in line for line in unknown.lines), 5)


def test_a_table_without_heartbeats_keeps_the_supervisor_up(stack) -> None:
    robot = stack({"name": "helper", "argv": ["sleep", "300"], "heartbeat": False, "startsecs": 0.2})
    robot.wait_state("helper", "running")
    assert robot.proc.popen.poll() is None and robot.status()["health"] == "ok"


def test_a_bad_table_stops_ot2_start_with_what_was_expected(spawn, run_dir, tmp_path) -> None:
    table = tmp_path / "table.json"
    table.write_text('{"processes": [{"name": "motion", "argv": "python"}]}')
    bad = spawn("-m", "supervisor", "--run-dir", str(run_dir), "start", "--table", str(table))
    assert bad.popen.wait(timeout=15) == 1
    wait_until(lambda: any("error: bad_request: process 'motion': 'argv' must be a non-empty list" in line
                           for line in bad.lines), 5)


def test_daemons_come_back_by_exec_when_the_fork_server_dies(stack) -> None:
    robot = stack(child("motion", critical=True), child("gateway"))
    before = {name: robot.wait_state(name, "running")["pid"] for name in ("motion", "gateway")}
    server = next(pid for pid in descendants(robot.proc.popen.pid) if pid not in before.values())
    kill_quietly(server, signal.SIGKILL)
    for name, pid in before.items():
        robot.wait_event(f"supervisor.process.{name}", lambda d, old=pid: d["state"] == "running" and d["pid"] != old)
    assert not any(alive(pid) for pid in before.values())
    assert robot.call("motion.state")["pid"] == robot.proc_of("motion")["pid"]
    assert any("fork_server_gone" in line for line in robot.proc.lines)
