"""Golden G-code: what the driver puts on the wire for set-up, home, moves, plunger moves and pipette reads."""
from __future__ import annotations

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.smoothie_sim.pty_board import PtySmoothie

from tests.motion.conftest import FAST

DWELL = "M907 A0.1 B0.05 C0.05 X0.3 Y0.3 Z0.1 G4 P0.005"
SPEEDS = "M203.1 A125 B40 C40 X600 Y400 Z125"


def test_setup_sequence_is_the_ot2_one_with_m400_after_each(sim: PtySmoothie) -> None:
    driver = SmoothieDriver(sim.url, timeouts=FAST)
    snapshot = driver.connect()
    expected = [
        "M999", "G28.6", "M92 X80.0 Y80.0 Z400 A400", "M92 B768 C768", "G90", "M114.2", SPEEDS, "G0 F24000",
        "M204 S10000 A1500 B200 C200 X3000 Y2000 Z1500", "version", DWELL,
    ]
    assert list(sim.board.received) == [line for command in expected for line in (command, "M400")]
    assert snapshot.firmware_version == "edge-8414642"
    assert snapshot.state.value == "idle"
    driver.close()


def test_home_all_follows_the_homing_order(driver: SmoothieDriver, wire) -> None:
    w = wire()
    position = driver.home()
    assert w.lines() == [
        "M907 A0.8 B0.05 C0.05 X0.3 Y0.3 Z0.8 G4 P0.005 G28.2 ABCZ", DWELL,
        "M203.1 Y50", "M907 A0.1 B0.05 C0.05 X0.3 Y0.8 Z0.1 G4 P0.005 G91 G0 Y-28 G0 Y10 G90",
        "M203.1 X80", "M907 A0.1 B0.05 C0.05 X1.25 Y0.3 Z0.1 G4 P0.005 G28.2 X", SPEEDS,
        "M203.1 Y80", "M907 A0.1 B0.05 C0.05 X0.3 Y1.25 Z0.1 G4 P0.005 G28.2 Y",
        "M203.1 Y8", "G91 G0 Y-3 G90", "G28.2 Y", "G91 G0 Y-3 G90", SPEEDS, DWELL, "M114.2",
    ]
    assert position == {"X": 418.0, "Y": 350.0, "Z": 218.0, "A": 218.0, "B": 19.0, "C": 19.0}
    assert all(driver.snapshot().homed.values())


def test_home_of_a_plunger_homes_only_its_group(driver: SmoothieDriver, wire) -> None:
    w = wire()
    driver.home("C")
    assert w.lines() == ["M907 A0.1 B0.05 C0.05 X0.3 Y0.3 Z0.1 G4 P0.005 G28.2 C", DWELL, "M114.2"]
    assert driver.snapshot().homed == {"X": False, "Y": False, "Z": False, "A": False, "B": False, "C": True}


def test_move_sends_changed_axes_with_active_currents_then_m400(homed: SmoothieDriver, wire) -> None:
    w = wire()
    homed.move({"Y": 150, "X": 100, "Z": 218})
    assert w.lines(with_waits=True) == ["M907 A0.1 B0.05 C0.05 X1.25 Y1.25 Z0.1 G4 P0.005 G0 X100.0 Y150.0", "M400"]


def test_move_with_speed_sets_and_restores_the_feed_rate(homed: SmoothieDriver, wire) -> None:
    w = wire()
    homed.move({"A": 100.1234}, speed_mm_s=50)
    assert w.lines() == ["G0 F3000", "M907 A0.8 B0.05 C0.05 X0.3 Y0.3 Z0.1 G4 P0.005 G0 A100.123", "G0 F24000"]


def test_rising_plunger_overshoots_and_returns_then_drops_current(homed: SmoothieDriver, wire) -> None:
    homed.move({"C": 2})
    w = wire()
    homed.move({"C": 10})
    assert w.lines() == [
        "M907 A0.1 B0.05 C0.05 X0.3 Y0.3 Z0.1 G4 P0.005 G0 C10.3 G0 C10.0",
        "M907 A0.1 B0.05 C0.05 X0.3 Y0.3 Z0.1 G4 P0.005",
    ]
    assert homed.snapshot().position["C"] == 10.0


def test_falling_plunger_moves_without_overshoot(homed: SmoothieDriver, wire) -> None:
    w = wire()
    homed.move({"B": 2})
    assert w.lines()[0] == "M907 A0.1 B0.05 C0.05 X0.3 Y0.3 Z0.1 G4 P0.005 G0 B2.0"


def test_pipette_read_disengages_then_reads_model_and_id(driver: SmoothieDriver, sim: PtySmoothie, wire) -> None:
    w = wire()
    found = driver.read_pipettes()
    assert w.lines() == ["M18 ZABC", "G4 P0.1", "M371 L", "M369 L", "M18 ZABC", "G4 P0.1", "M371 R", "M369 R"]
    assert found["left"].model == "p300_single_v2.0" and found["left"].pipette_id == "P3HSV2020190101A01"
    assert found["right"].model == "p20_single_v2.2"
    assert driver.snapshot().pipettes == found


def test_missing_pipette_reads_as_none(driver: SmoothieDriver, sim: PtySmoothie) -> None:
    sim.board.config.pipettes = {}
    assert driver.read_pipettes() == {"left": None, "right": None}


def test_limit_switches_read_with_m119(homed: SmoothieDriver, wire) -> None:
    homed.move({"X": 100})
    w = wire()
    switches = homed.read_switches()
    assert w.lines() == ["M119"]
    assert switches == {"X": False, "Y": False, "Z": True, "A": True, "B": True, "C": True, "Probe": False}
