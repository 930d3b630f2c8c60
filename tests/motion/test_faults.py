"""Every fault knob of the simulated board, and the driver's reaction: delay, dropped ack, garbage, disconnect."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.errors import ControllerUnavailable, NoResponse
from motion_daemon.driver.line_protocol import LineProtocol
from motion_daemon.driver.runner import CommandRunner, Timeouts
from motion_daemon.driver.transport import SerialTransport
from motion_daemon.driver.state import DriverState

from tests.conftest import wait_until
from tests.motion.conftest import FAST, make_sim


def test_a_slow_board_within_the_ack_timeout_still_works(homed: SmoothieDriver, sim) -> None:
    sim.faults.reply_delay_s = 0.05
    assert homed.move({"X": 200})["X"] == 200.0
    assert homed.refresh_position()["X"] == 200.0


def test_a_board_slower_than_every_retry_is_declared_unavailable(driver: SmoothieDriver, sim) -> None:
    sim.faults.reply_delay_s = 0.8
    with pytest.raises(NoResponse, match="M114.2"):
        driver.refresh_position()
    assert driver.snapshot().state == DriverState.CONTROLLER_UNAVAILABLE
    sim.faults.reply_delay_s = 0.0
    # The board still owes its late replies; retrying in the background is how a service recovers.
    wait_until(lambda: _reconnects(driver), timeout=15)
    assert driver.snapshot().state == DriverState.IDLE


def test_a_dropped_ack_is_retried_and_the_command_completes(homed: SmoothieDriver, sim, wire) -> None:
    w = wire()
    sim.faults.drop_acks = 1
    assert homed.refresh_position()["Y"] == 350.0
    assert w.lines() == ["M114.2", "M114.2"]
    assert homed.snapshot().state == DriverState.IDLE


def test_a_dropped_ack_on_a_relative_move_is_not_resent(sim, wire) -> None:
    transport = SerialTransport(sim.url)
    transport.open()
    runner = CommandRunner(LineProtocol(transport, threading.Event()), FAST)
    w = wire()
    sim.faults.drop_acks = 1
    with pytest.raises(NoResponse):
        runner.run("G91 G0 Y-3 G90")
    assert w.lines() == ["G91 G0 Y-3 G90"]
    sim.faults.drop_acks = 1
    runner.run("G90")
    assert w.lines() == ["G91 G0 Y-3 G90", "G90", "G90"]
    transport.close()


def test_garbage_before_replies_is_tolerated(homed: SmoothieDriver, sim) -> None:
    sim.faults.garbage_replies = 4
    assert homed.move({"X": 300, "Y": 200})["X"] == 300.0
    assert homed.refresh_position() == {"X": 300.0, "Y": 200.0, "Z": 218.0, "A": 218.0, "B": 19.0, "C": 19.0}
    assert sim.faults.garbage_replies == 0


def test_disconnect_mid_move_gives_a_clear_error_and_reconnect_recovers(homed: SmoothieDriver, sim) -> None:
    sim.faults.disconnect_next_move = True
    with pytest.raises(ControllerUnavailable, match="lost the Smoothie connection"):
        homed.move({"X": 100})
    snapshot = homed.snapshot()
    assert snapshot.state == DriverState.CONTROLLER_UNAVAILABLE
    assert not any(snapshot.homed.values())
    with pytest.raises(ControllerUnavailable):
        homed.move({"X": 50})
    wait_until(lambda: _reconnects(homed))
    snapshot = homed.snapshot()
    assert snapshot.state == DriverState.IDLE and not any(snapshot.homed.values())
    homed.home()
    assert homed.move({"X": 100})["X"] == 100.0


def test_reconnect_while_unplugged_fails_cleanly_then_succeeds(homed: SmoothieDriver, sim) -> None:
    sim.unplug()
    with pytest.raises(ControllerUnavailable):
        wait_until(lambda: homed.refresh_position() is None, timeout=2)
    with pytest.raises(ControllerUnavailable):
        homed.reconnect()
    assert homed.snapshot().state == DriverState.CONTROLLER_UNAVAILABLE
    sim.replug()
    wait_until(lambda: _reconnects(homed))
    assert homed.snapshot().state == DriverState.IDLE


def _reconnects(driver: SmoothieDriver) -> bool:
    try:
        driver.reconnect()
    except ControllerUnavailable:
        return False
    return True


def test_disconnect_during_a_real_time_move_ends_the_wait_promptly() -> None:
    sim = make_sim(speed=1.0)
    driver = SmoothieDriver(sim.url, timeouts=Timeouts(ack_s=0.5))
    try:
        driver.connect()
        driver.home("Z")
        with ThreadPoolExecutor(1) as worker:
            move = worker.submit(driver.move, {"Z": 20}, 10)
            wait_until(lambda: driver.snapshot().state == DriverState.BUSY)
            sim.unplug()
            with pytest.raises(ControllerUnavailable):
                move.result(timeout=3)
    finally:
        driver.close()
        sim.stop()


def test_two_drivers_cannot_share_the_port(sim, driver: SmoothieDriver) -> None:
    second = SmoothieDriver(sim.url, timeouts=FAST)
    with pytest.raises(ControllerUnavailable, match="cannot open"):
        second.connect()
    assert driver.refresh_position()
