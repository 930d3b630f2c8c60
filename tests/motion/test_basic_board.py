"""A board that knows only home, move, position and version (others rejected or ignored) is still driven."""
from __future__ import annotations

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.errors import ErrorResponse
from motion_daemon.driver.state import DriverState

from tests.motion.conftest import FAST, make_sim


@pytest.fixture(params=["error", "ignore"])
def basic(request):
    sim = make_sim(basic=True, unknown_codes=request.param)
    driver = SmoothieDriver(sim.url, timeouts=FAST)
    yield sim, driver
    driver.close()
    sim.stop()


def test_basic_board_connects_homes_moves_and_reads_position(basic) -> None:
    sim, driver = basic
    snapshot = driver.connect()
    assert snapshot.state == DriverState.IDLE and snapshot.firmware_version == "edge-8414642"
    driver.home()
    assert driver.move({"X": 120.5, "Y": 80})["X"] == 120.5
    assert driver.refresh_position()["Y"] == 80.0
    assert driver.move({"B": 10})["B"] == 10.0
    assert driver.read_pipettes() == {"left": None, "right": None}


def test_rejected_codes_are_left_out_after_set_up(basic) -> None:
    sim, driver = basic
    driver.connect()
    mark = len(sim.board.received)
    driver.home("Z")
    driver.move({"Z": 100})
    sent = list(sim.board.received)[mark:]
    if sim.board.config.unknown_codes == "error":
        assert not any("M907" in line or "M203.1" in line for line in sent)
        assert "G28.2 Z" in sent and "G0 Z100.0" in sent
    else:
        assert any(line.endswith("G28.2 Z") for line in sent)


def test_a_rejected_command_is_a_typed_error_and_the_driver_stays_ready(basic) -> None:
    sim, driver = basic
    driver.connect()
    if sim.board.config.unknown_codes == "error":
        with pytest.raises(ErrorResponse, match="M18"):
            driver.disengage("XY")
    else:
        driver.disengage("XY")
    assert driver.snapshot().state == DriverState.IDLE
    driver.home("Z")
