"""The `ot2-bus` inspector, run as a subprocess against a running service."""
from __future__ import annotations

import json
import os
import sys
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

OT2_BUS = str(Path(sys.executable).with_name("ot2-bus"))


def run_cli(env: dict[str, str], *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OT2_BUS, *args], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def up(demo: Callable, bus_env: dict[str, str]) -> dict[str, str]:
    demo()
    return bus_env


def test_call_prints_the_result_as_json(up: dict[str, str]) -> None:
    done = run_cli(up, "call", "motion.echo", '{"x": 100, "y": 100}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"x": 100, "y": 100}


def test_call_error_goes_to_stderr_with_nonzero_status(up: dict[str, str]) -> None:
    done = run_cli(up, "call", "motion.fail")
    assert done.returncode == 1 and done.stdout == ""
    assert "error: conflict: the hardware lease is held by run-1" in done.stderr


def test_call_with_bad_json_explains(up: dict[str, str]) -> None:
    done = run_cli(up, "call", "motion.echo", "{x: 1}")
    assert done.returncode == 2 and "not valid JSON" in done.stderr


def test_call_timeout_and_unavailable(up: dict[str, str]) -> None:
    slow = run_cli(up, "call", "motion.slow", '{"seconds": 5}', "--timeout", "0.5")
    assert slow.returncode == 1 and "error: timeout" in slow.stderr
    down = run_cli(up, "call", "update.anything")
    assert down.returncode == 1 and "error: unavailable" in down.stderr


def test_watch_prints_events_as_json_lines(up: dict[str, str]) -> None:
    watcher = subprocess.Popen([OT2_BUS, "watch", "motion.tick", "--json", "--count", "3", "--seconds", "20"],
                               env={**os.environ, **up}, stdout=subprocess.PIPE, text=True)
    try:
        while watcher.poll() is None:  # keep emitting until the late-connecting watcher has seen three
            run_cli(up, "call", "motion.emit", '{"topic": "motion.tick", "n": 1}')
            try:
                watcher.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        lines = watcher.stdout.read().splitlines()  # type: ignore[union-attr]
    finally:
        watcher.kill()
    assert len(lines) == 3
    events = [json.loads(line) for line in lines]
    assert all(e["topic"] == "motion.tick" and e["source"] == "motion" for e in events)
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)


def test_status_shows_the_live_service(up: dict[str, str]) -> None:
    done = run_cli(up, "status", "--json")
    rows = {row["service"]: row for row in json.loads(done.stdout)}
    assert rows["motion"]["alive"] and rows["motion"]["heartbeat_age_s"] < 2
    assert not rows["update"]["alive"]
    human = run_cli(up, "status")
    assert any(line.startswith("motion") and " up " in line for line in human.stdout.splitlines())


def test_list_shows_the_endpoint_table(bus_env: dict[str, str]) -> None:
    done = run_cli(bus_env, "list", "--json")
    table = json.loads(done.stdout)
    assert set(table) >= {"motion", "supervisor", "gateway", "update"}
    assert table["motion"]["rpc"].startswith(bus_env["OT2_BUS_TRANSPORT"] + "://")
