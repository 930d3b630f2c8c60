"""Alarms become typed, plain-language halts; halt() jumps the queue and stops a long move at once."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.errors import AlarmResponse, HaltedError
from motion_daemon.driver.halt_line import SerialHaltLine
from motion_daemon.driver.state import DriverState

from tests.conftest import wait_until
from tests.motion.conftest import FAST, make_sim


def _all_unhomed(driver: SmoothieDriver) -> bool:
    return not any(driver.snapshot().homed.values())


def test_a_move_into_the_y_switch_is_a_plain_language_alarm(homed: SmoothieDriver, wire) -> None:
    w = wire()
    with pytest.raises(AlarmResponse) as caught:
        homed.move({"Y": 365})
    assert caught.value.axis == "Y"
    assert caught.value.reason == "gantry Y hit its back limit switch"
    snapshot = homed.snapshot()
    assert snapshot.state == DriverState.HALTED and snapshot.halt_reason == caught.value.reason
    assert _all_unhomed(homed)
    # No silent auto-home or M999: the driver reports and waits.
    assert [line for line in w.lines() if "G28.2" in line or line == "M999"] == []


def test_alarm_on_next_move_knob_names_the_axis_and_reset_recovers(homed: SmoothieDriver, sim, wire) -> None:
    sim.faults.alarm_next_move = True
    with pytest.raises(AlarmResponse, match="right pipette Z hit its top limit switch"):
        homed.move({"A": 100})
    snapshot = homed.reset()
    assert snapshot.state == DriverState.IDLE and snapshot.halt_reason is None
    assert _all_unhomed(homed)
    homed.home("A")
    assert homed.move({"A": 100})["A"] == 100.0


def test_after_reset_a_move_is_refused_until_home(homed: SmoothieDriver, sim) -> None:
    sim.faults.alarm_next_move = True
    with pytest.raises(AlarmResponse):
        homed.move({"X": 100})
    homed.reset()
    with pytest.raises(Exception, match="not homed"):
        homed.move({"X": 50})


@pytest.fixture
def realtime():
    """A real-time board that is already homed (a real-time home would take seconds); connect trusts its G28.6."""
    sim = make_sim(speed=1.0)
    sim.board.homed.update({axis: True for axis in "XYZABC"})
    sim.board.position.update({"X": 10.0, "Y": 10.0, "Z": 218.0, "A": 218.0, "B": 19.0, "C": 19.0})
    driver = SmoothieDriver(sim.url, timeouts=FAST)
    driver.connect()
    yield sim, driver
    driver.close()
    sim.stop()


def test_halt_stops_a_long_real_time_move_fast(realtime) -> None:
    sim, driver = realtime
    start_x = driver.snapshot().position["X"]
    with ThreadPoolExecutor(1) as worker:
        move: Future = worker.submit(driver.move, {"X": 418, "Y": 300}, 20)
        wait_until(lambda: driver.snapshot().state == DriverState.BUSY)
        wait_until(lambda: driver.estimated_position()["X"] > start_x + 2)
        halted_at = time.monotonic()
        driver.halt()
        with pytest.raises(HaltedError):
            move.result(timeout=2)
        returned_after = time.monotonic() - halted_at
    assert returned_after < 0.5
    # The driver stops waiting at once; the board acts on the M112 as soon as its thread reads it.
    wait_until(lambda: sim.board.halted, timeout=1)
    assert "M112" in sim.board.received and sim.board.motion is None
    snapshot = driver.snapshot()
    assert snapshot.state == DriverState.HALTED and snapshot.halt_reason == "halted by user"
    assert _all_unhomed(driver)
    assert driver.reset().state == DriverState.IDLE
    assert not sim.board.halted


def test_estimated_position_moves_along_the_plan_during_a_move(realtime) -> None:
    sim, driver = realtime
    seen: list[float] = []
    with ThreadPoolExecutor(1) as worker:
        move = worker.submit(driver.move, {"X": 200}, 200)
        wait_until(lambda: driver.snapshot().state == DriverState.BUSY)
        while not move.done():
            seen.append(driver.estimated_position()["X"])
            time.sleep(0.02)
        assert move.result(timeout=5)["X"] == 200.0
    assert seen == sorted(seen) and seen[0] < 100 < seen[-1]
    assert driver.estimated_position()["X"] == 200.0


def test_halt_from_another_thread_while_idle_needs_reset(driver: SmoothieDriver, sim) -> None:
    thread = threading.Thread(target=driver.halt)
    thread.start()
    thread.join(timeout=5)
    wait_until(lambda: sim.board.halted)
    assert driver.snapshot().state == DriverState.HALTED
    assert driver.reset().state == DriverState.IDLE


def test_connecting_to_a_board_left_halted_clears_it(driver: SmoothieDriver, sim) -> None:
    driver.halt()
    wait_until(lambda: sim.board.halted)
    driver.close()
    fresh = SmoothieDriver(sim.url, timeouts=FAST)
    assert fresh.connect().state == DriverState.IDLE
    assert not sim.board.halted
    fresh.close()


def test_state_listeners_see_every_change(homed: SmoothieDriver) -> None:
    seen: list[DriverState] = []
    homed.add_listener(lambda snapshot: seen.append(snapshot.state))
    homed.move({"X": 100})
    homed.halt()
    homed.reset()
    assert seen[0] == DriverState.BUSY and DriverState.HALTED in seen and seen[-1] == DriverState.IDLE


class CountingHaltLine:
    """Stands in for a GPIO halt line (no GPIO here): counts triggers, then halts over serial."""

    def __init__(self, transport) -> None:
        self.serial = SerialHaltLine(transport)
        self.triggers = 0

    def trigger(self) -> None:
        self.triggers += 1
        self.serial.trigger()


def test_the_halt_line_is_pluggable(sim) -> None:
    lines: list[CountingHaltLine] = []

    def make_line(transport) -> CountingHaltLine:
        lines.append(CountingHaltLine(transport))
        return lines[-1]

    driver = SmoothieDriver(sim.url, timeouts=FAST, halt_line=make_line)
    driver.connect()
    driver.halt()
    assert lines[0].triggers == 1
    wait_until(lambda: sim.board.halted)
    driver.close()


def test_halt_during_a_real_time_home_ends_it_at_once(realtime) -> None:
    sim, driver = realtime
    with ThreadPoolExecutor(1) as worker:
        home = worker.submit(driver.home, "X")
        wait_until(lambda: sim.board.motion is not None and "G28.2 X" in sim.board.received[-1])
        driver.halt()
        with pytest.raises(HaltedError):
            home.result(timeout=1)
    wait_until(lambda: sim.board.halted, timeout=1)
    assert driver.snapshot().state == DriverState.HALTED


def test_estimated_position_moves_during_a_real_time_home() -> None:
    sim = make_sim(speed=1.0)
    driver = SmoothieDriver(sim.url, timeouts=FAST)
    try:
        driver.connect()
        with ThreadPoolExecutor(1) as worker:
            home = worker.submit(driver.home, "Z")
            wait_until(lambda: driver.estimated_position()["Z"] > 50)
            home.result(timeout=10)
        assert driver.estimated_position()["Z"] == 218.0
    finally:
        driver.close()
        sim.stop()
