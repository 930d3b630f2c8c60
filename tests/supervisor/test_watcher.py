"""The daemon state machine, driven through a fake OS: every edge without a single process."""
from __future__ import annotations

import signal

import pytest

from tests.supervisor.fakeos import FakeOS
from supervisor.table import ProcessSpec
from supervisor.watcher import STABLE_AFTER, State, Watcher

SPEC = ProcessSpec(name="motion", argv=("python", "-m", "motion_daemon"), critical=True, startsecs=1.0,
                   start_timeout=5.0, hang_timeout=3.0, startretries=2, grace=2.0, backoff_base=0.5,
                   backoff_max=3.0)


@pytest.fixture
def os_() -> FakeOS:
    return FakeOS()


def make(os_: FakeOS, spec: ProcessSpec = SPEC) -> tuple[Watcher, list[str]]:
    seen: list[str] = []
    watcher = Watcher(spec, os_, {"OT2_RUN_DIR": "/r"}, lambda w: seen.append(w.state.value), lambda line: None)
    return watcher, seen


def advance(os_: FakeOS, watcher: Watcher, seconds: float) -> None:
    os_.clock += seconds
    watcher.tick()


def running(os_: FakeOS) -> Watcher:
    watcher, _ = make(os_)
    watcher.start()
    watcher.heartbeat(os_.last.pid)
    assert watcher.state is State.RUNNING
    return watcher


def test_first_heartbeat_of_the_current_process_makes_it_running(os_: FakeOS) -> None:
    watcher, seen = make(os_)
    watcher.start()
    assert watcher.state is State.STARTING and os_.last.env["OT2_RUN_DIR"] == "/r"
    watcher.heartbeat(os_.last.pid + 1)
    assert watcher.state is State.STARTING
    watcher.heartbeat(os_.last.pid)
    assert seen == ["starting", "running"]


def test_exit_while_running_restarts_after_a_backoff_that_grows(os_: FakeOS) -> None:
    watcher = running(os_)
    delays = []
    for _ in range(4):
        advance(os_, watcher, 2.0)  # up longer than startsecs: not a failed start
        os_.last.status = 1
        watcher.tick()
        assert watcher.state is State.BACKOFF
        waited = 0.0
        while watcher.state is State.BACKOFF:
            advance(os_, watcher, 0.25)
            waited += 0.25
        delays.append(waited)
        watcher.heartbeat(os_.last.pid)
    assert delays == [0.5, 1.0, 2.0, 3.0]  # doubling, capped at backoff_max
    assert watcher.restarts == 4 and watcher.last_exit is not None
    assert watcher.last_exit.reason == "exited with status 1"


def test_a_stable_run_earns_the_base_delay_again(os_: FakeOS) -> None:
    watcher = running(os_)
    for _ in range(3):
        advance(os_, watcher, 2.0)
        os_.last.status = 1
        advance(os_, watcher, 0.0)
        advance(os_, watcher, 3.0)
        watcher.heartbeat(os_.last.pid)
    for _ in range(int(STABLE_AFTER)):
        watcher.heartbeat(os_.last.pid)
        advance(os_, watcher, 1.0)
    os_.last.status = -9
    watcher.tick()
    advance(os_, watcher, 0.5)
    assert watcher.state is State.STARTING


def test_repeated_crashes_at_start_end_in_fatal(os_: FakeOS) -> None:
    watcher, seen = make(os_)
    watcher.start()
    for _ in range(3):  # the first start and startretries=2 retries
        os_.last.status = 3
        watcher.tick()
        advance(os_, watcher, 5.0)
    assert watcher.state is State.FATAL and len(os_.procs) == 3
    assert seen.count("backoff") == 2
    advance(os_, watcher, 60.0)
    assert len(os_.procs) == 3  # fatal stays down until someone starts it
    watcher.start()
    assert watcher.state is State.STARTING and len(os_.procs) == 4


def test_a_silent_heartbeat_means_hung_killed_and_restarted(os_: FakeOS) -> None:
    watcher = running(os_)
    hung = os_.last
    hung.obeys_term = False  # a SIGSTOPped process reacts to nothing but SIGKILL
    advance(os_, watcher, 2.9)
    assert watcher.state is State.RUNNING
    advance(os_, watcher, 0.2)
    assert hung.signals == [signal.SIGKILL] and watcher.state is State.STOPPING
    advance(os_, watcher, 0.0)
    assert watcher.state is State.BACKOFF
    assert watcher.last_exit is not None and "hung" in watcher.last_exit.reason
    advance(os_, watcher, 0.5)
    assert watcher.state is State.STARTING and os_.last is not hung


def test_no_heartbeat_within_start_timeout_is_a_failed_start(os_: FakeOS) -> None:
    watcher, _ = make(os_)
    watcher.start()
    advance(os_, watcher, 5.1)
    assert os_.procs[0].signals == [signal.SIGKILL]
    advance(os_, watcher, 0.0)
    assert watcher.state is State.BACKOFF
    assert watcher.last_exit is not None and "no heartbeat within 5 s" in watcher.last_exit.reason


def test_stop_sends_the_stop_signal_then_sigkill_after_the_grace(os_: FakeOS) -> None:
    watcher = running(os_)
    os_.last.obeys_term = False
    watcher.stop()
    assert watcher.state is State.STOPPING and os_.last.signals == [signal.SIGTERM]
    advance(os_, watcher, 1.9)
    assert os_.last.signals == [signal.SIGTERM]
    advance(os_, watcher, 0.2)
    assert os_.last.signals == [signal.SIGTERM, signal.SIGKILL]
    advance(os_, watcher, 0.0)
    assert watcher.state is State.STOPPED and watcher.pid is None
    advance(os_, watcher, 60.0)
    assert len(os_.procs) == 1  # a stopped daemon is not restarted


def test_restart_stops_and_starts_at_once(os_: FakeOS) -> None:
    watcher = running(os_)
    watcher.restart()
    assert watcher.state is State.STOPPING
    advance(os_, watcher, 0.0)
    assert watcher.state is State.STARTING and len(os_.procs) == 2 and watcher.restarts == 1


def test_stop_while_waiting_in_backoff_cancels_the_restart(os_: FakeOS) -> None:
    watcher = running(os_)
    os_.last.status = 1
    watcher.tick()
    watcher.stop()
    advance(os_, watcher, 10.0)
    assert watcher.state is State.STOPPED and len(os_.procs) == 1


def test_without_heartbeat_a_daemon_runs_once_it_stayed_up_for_startsecs(os_: FakeOS) -> None:
    spec = ProcessSpec(name="helper", argv=("sleep", "100"), heartbeat=False, startsecs=1.0)
    watcher, _ = make(os_, spec)
    watcher.start()
    advance(os_, watcher, 0.5)
    assert watcher.state is State.STARTING
    advance(os_, watcher, 0.6)
    assert watcher.state is State.RUNNING
    advance(os_, watcher, 100.0)
    assert watcher.state is State.RUNNING  # no heartbeat to miss


def test_a_command_that_cannot_run_backs_off_then_is_fatal(os_: FakeOS) -> None:
    os_.spawn_error = FileNotFoundError(2, "No such file or directory")
    watcher, _ = make(os_)
    watcher.start()
    assert watcher.state is State.BACKOFF
    assert watcher.last_exit is not None and "cannot execute 'python'" in watcher.last_exit.reason
    for _ in range(3):
        advance(os_, watcher, 5.0)
    assert watcher.state is State.FATAL


def test_snapshot_reports_what_status_promises(os_: FakeOS) -> None:
    watcher = running(os_)
    advance(os_, watcher, 1.5)
    snap = watcher.snapshot()
    assert snap == {"name": "motion", "state": "running", "pid": os_.last.pid, "critical": True, "uptime_s": 1.5,
                    "heartbeat_age_s": 1.5, "restarts": 0, "last_exit": None}
