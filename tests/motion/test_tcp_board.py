"""The simulated board as its own process on TCP, driven through pyserial's socket:// URL."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Iterator

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.errors import AlarmResponse, ControllerUnavailable
from motion_daemon.driver.state import DriverState
from motion_daemon.smoothie_sim.tcp_board import TcpSmoothie

from tests.conftest import wait_until
from tests.motion.conftest import FAST


def _start_server(*options: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "motion_daemon.smoothie_sim", "--listen", "127.0.0.1:0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    line = process.stdout.readline()
    return process, json.loads(line)["url"]


@pytest.fixture
def server_factory() -> Iterator:
    processes: list[subprocess.Popen] = []

    def start(*options: str, env: dict[str, str] | None = None) -> str:
        process, url = _start_server(*options, env=env)
        processes.append(process)
        return url

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_tcp_board_process_serves_a_driver(server_factory) -> None:
    url = server_factory("--pipettes", "right:p1000_single_v2.2", "--garbage", "3")
    driver = SmoothieDriver(url, timeouts=FAST)
    assert driver.connect().firmware_version == "edge-8414642"
    driver.home()
    assert driver.move({"X": 100, "Y": 100})["Y"] == 100.0
    assert driver.refresh_position()["X"] == 100.0
    found = driver.read_pipettes()
    assert found["left"] is None and found["right"].model == "p1000_single_v2.2"
    driver.close()


def test_tcp_board_fault_knobs_from_the_environment(server_factory) -> None:
    url = server_factory(env={"OT2_SIM_ALARM_NEXT_MOVE": "1", "OT2_SIM_DROP_ACKS": "1", "PATH": ""})
    driver = SmoothieDriver(url, timeouts=FAST)
    driver.connect()
    driver.home("Z")
    with pytest.raises(AlarmResponse, match="left pipette Z hit its top limit switch"):
        driver.move({"Z": 10})
    assert driver.reset().state == DriverState.IDLE
    driver.close()


def test_tcp_disconnect_fault_then_reconnect(server_factory) -> None:
    url = server_factory("--disconnect-next-move")
    driver = SmoothieDriver(url, timeouts=FAST)
    driver.connect()
    driver.home("A")
    with pytest.raises(ControllerUnavailable):
        driver.move({"A": 10})
    assert driver.snapshot().state == DriverState.CONTROLLER_UNAVAILABLE
    assert driver.reconnect().state == DriverState.IDLE
    driver.close()


def test_bad_command_line_is_a_clear_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "motion_daemon.smoothie_sim", "--listen", "127.0.0.1:0", "--pipettes", "middle:p20"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "must be left:<model> or right:<model>" in result.stderr


def test_in_process_tcp_board_serves_clients_one_after_another() -> None:
    with TcpSmoothie("127.0.0.1", 0) as board:
        first = SmoothieDriver(board.url, timeouts=FAST)
        first.connect()
        first.close()
        second = SmoothieDriver(board.url, timeouts=FAST)
        wait_until(lambda: second.connect().state == DriverState.IDLE)
        second.close()


def test_nothing_listening_is_controller_unavailable() -> None:
    with TcpSmoothie("127.0.0.1", 0) as board:
        url = board.url
    driver = SmoothieDriver(url, timeouts=FAST)
    with pytest.raises(ControllerUnavailable, match="cannot open"):
        driver.connect()
    assert driver.snapshot().state == DriverState.CONTROLLER_UNAVAILABLE
