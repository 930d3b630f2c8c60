"""Refusals before any G-code: bounds, unhomed axes, malformed requests, and a halted or absent board."""
from __future__ import annotations

import math

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.errors import ControllerUnavailable, InvalidRequest, NotHomed, NotReady, OutOfBounds


def test_unhomed_axes_are_refused_without_sending_anything(driver: SmoothieDriver, wire) -> None:
    w = wire()
    with pytest.raises(NotHomed, match="XY are not homed"):
        driver.move({"X": 10, "Y": 10})
    assert w.lines(with_waits=True) == []


@pytest.mark.parametrize("targets, needle", [
    ({"X": 418.5}, "X \\(gantry X\\) target 418.5 mm is outside its travel 0.0..418.0"),
    ({"Y": -1}, "Y \\(gantry Y\\)"),
    ({"A": 300}, "right pipette Z"),
    ({"B": -41}, "left pipette plunger"),
])
def test_out_of_bounds_targets_are_refused(homed: SmoothieDriver, wire, targets: dict, needle: str) -> None:
    w = wire()
    with pytest.raises(OutOfBounds, match=needle):
        homed.move(targets)
    assert w.lines(with_waits=True) == []


@pytest.mark.parametrize("targets", [
    {}, {"Q": 1}, {"XY": 1}, {"X": "10"}, {"X": math.nan}, {"X": math.inf}, {"X": True}, {1: 2}, [("X", 1)], None,
])
def test_malformed_targets_are_refused_with_a_clear_error(homed: SmoothieDriver, wire, targets: object) -> None:
    w = wire()
    with pytest.raises(InvalidRequest):
        homed.move(targets)  # type: ignore[arg-type]
    assert w.lines(with_waits=True) == []
    assert homed.snapshot().state.value == "idle"


@pytest.mark.parametrize("speed", [0, -5, 601, 1e12, math.nan, "fast", True])
def test_bad_speed_is_refused(homed: SmoothieDriver, speed: object) -> None:
    with pytest.raises(InvalidRequest, match="speed"):
        homed.move({"X": 10}, speed_mm_s=speed)  # type: ignore[arg-type]


@pytest.mark.parametrize("axes", ["", "XQ", "x y", 5, None])
def test_bad_home_axes_are_refused(driver: SmoothieDriver, wire, axes: object) -> None:
    w = wire()
    with pytest.raises(InvalidRequest):
        driver.home(axes)  # type: ignore[arg-type]
    assert w.lines(with_waits=True) == []


def test_lower_case_axes_are_accepted(driver: SmoothieDriver) -> None:
    driver.home("zA")
    assert driver.snapshot().homed["Z"] and driver.snapshot().homed["A"]


def test_a_move_to_where_the_axes_already_are_sends_nothing(homed: SmoothieDriver, wire) -> None:
    w = wire()
    homed.move({"X": 418.0, "Z": 217.9996})
    assert w.lines(with_waits=True) == []


def test_halted_driver_refuses_motion_until_reset(homed: SmoothieDriver, wire) -> None:
    homed.halt()
    w = wire()
    with pytest.raises(NotReady, match="halted by user"):
        homed.move({"X": 10})
    with pytest.raises(NotReady):
        homed.home()
    assert w.lines(with_waits=True) == []


def test_closed_driver_reports_controller_unavailable(driver: SmoothieDriver) -> None:
    driver.close()
    with pytest.raises(ControllerUnavailable):
        driver.home()
    with pytest.raises(ControllerUnavailable):
        driver.reset()


def test_opening_a_missing_port_is_a_clear_error(tmp_path) -> None:
    driver = SmoothieDriver(str(tmp_path / "no-such-tty"))
    with pytest.raises(ControllerUnavailable, match="cannot open Smoothie port"):
        driver.connect()
    assert driver.snapshot().state.value == "controller_unavailable"
