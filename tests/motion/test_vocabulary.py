"""G-code built from data, move planning, and settings read from the environment."""
from __future__ import annotations

import pytest

from motion_daemon.config import MotionSettings, SettingsError
from motion_daemon.driver import gcode
from motion_daemon.driver.axes import check_axes, currents_for
from motion_daemon.driver.homing import expand_home_axes
from motion_daemon.kinematics import plan_moves, plan_segment
from motion_daemon.smoothie_sim.faults import FaultKnobs

SPEEDS = {"X": 600, "Y": 400, "Z": 125, "A": 125, "B": 40, "C": 40}
ACCELS = {"X": 3000, "Y": 2000, "Z": 1500, "A": 1500, "B": 200, "C": 200}
ORIGIN = {axis: 0.0 for axis in "XYZABC"}


def test_commands_render_in_the_dialect() -> None:
    assert gcode.move({"Y": 150.0, "X": 100.00049, "A": 3.0}).render() == "G0 A3.0 X100.0 Y150.0"
    assert gcode.feed_rate(400).render() == "G0 F24000"
    assert gcode.feed_rate(12.5).render() == "G0 F750"
    assert gcode.currents(currents_for("default", "XY")).render() == \
        "M907 A0.1 B0.05 C0.05 X1.25 Y1.25 Z0.1 G4 P0.005"
    assert (gcode.currents({"B": 0.05}) + gcode.home("ZB")).render() == "M907 B0.05 G4 P0.005 G28.2 BZ"
    assert gcode.relative_moves({"Y": -28}, {"Y": 10}).render() == "G91 G0 Y-28 G0 Y10 G90"


def test_axis_checks_and_homing_expansion() -> None:
    assert check_axes("zyx") == "XYZ"
    with pytest.raises(ValueError, match="unknown axis Q"):
        check_axes("XQ")
    assert expand_home_axes("Y") == "XYZA"
    assert expand_home_axes("B") == "B"


def test_trapezoid_and_triangle_profiles() -> None:
    long_move = plan_segment(ORIGIN, {"X": 300.0}, 400, SPEEDS, ACCELS)
    assert long_move.cruise_mm_s == 400
    assert long_move.duration == pytest.approx(2 * 400 / 3000 + (300 - 400 ** 2 / 3000) / 400)
    short = plan_segment(ORIGIN, {"B": 1.0}, 400, SPEEDS, ACCELS)
    assert short.cruise_mm_s < 40 and short.duration == pytest.approx(2 * (1.0 / 200) ** 0.5)
    assert long_move.position_at(long_move.duration / 2)["X"] == pytest.approx(150.0)
    for fraction in (0.1, 0.5, 0.9):
        elapsed = long_move.duration * fraction
        assert long_move.time_at_distance(long_move.distance_at(elapsed)) == pytest.approx(elapsed)


def test_plan_of_overshoot_ends_at_the_target() -> None:
    plan = plan_moves(ORIGIN, [{"C": 10.3}, {"C": 10.0}], 400, SPEEDS, ACCELS)
    assert plan.target["C"] == 10.0 and plan.position_at(plan.segments[0].duration)["C"] == pytest.approx(10.3)
    assert plan_segment(ORIGIN, {"X": 0.0}, 400, SPEEDS, ACCELS).duration == 0.0


def test_settings_from_env() -> None:
    default = MotionSettings.from_env({})
    assert default.simulated and default.board_revision == "2.1"
    settings = MotionSettings.from_env({
        "OT2_SMOOTHIE_PORT": "socket://127.0.0.1:9999", "OT2_SIM_PIPETTES": "left:p300_single_v2.0",
        "OT2_SIM_SPEED": "0.5", "OT2_SIM_DROP_ACKS": "2",
    })
    assert not settings.simulated and settings.sim_board.speed_factor == 0.5
    assert settings.sim_board.pipettes["left"].model == "p300_single_v2.0" and settings.sim_faults.drop_acks == 2


@pytest.mark.parametrize("env, needle", [
    ({"OT2_SMOOTHIE_PORT": "COM3"}, "OT2_SMOOTHIE_PORT"),
    ({"OT2_BOARD_REVISION": "9"}, "OT2_BOARD_REVISION"),
    ({"OT2_SIM_SPEED": "fast"}, "OT2_SIM_SPEED must be a number"),
    ({"OT2_SIM_SPEED": "-1"}, "at least 0"),
    ({"OT2_SIM_PIPETTES": "left:a,left:b"}, "given twice"),
    ({"OT2_SIM_BASIC": "maybe"}, "OT2_SIM_BASIC"),
    ({"OT2_SIM_UNKNOWN_CODES": "explode"}, "OT2_SIM_UNKNOWN_CODES"),
])
def test_bad_settings_say_what_was_expected(env: dict, needle: str) -> None:
    with pytest.raises(SettingsError, match=needle):
        MotionSettings.from_env(env)


def test_fault_knobs_count_down_and_reject_unknown_names() -> None:
    knobs = FaultKnobs(drop_acks=2)
    assert knobs.take("drop_acks") and knobs.take("drop_acks") and not knobs.take("drop_acks")
    knobs.set(alarm_next_move=True)
    assert knobs.take("alarm_next_move") and not knobs.take("alarm_next_move")
    with pytest.raises(ValueError, match="unknown fault knob"):
        knobs.set(explode=True)
