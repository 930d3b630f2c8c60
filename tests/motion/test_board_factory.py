"""open_board: settings decide whether the driver gets an in-process simulated board or a given port."""
from __future__ import annotations

from motion_daemon.board_factory import open_board
from motion_daemon.config import MotionSettings

from tests.motion.conftest import FAST


def test_sim_port_starts_a_pty_board_with_configured_pipettes() -> None:
    settings = MotionSettings.from_env({"OT2_SIM_PIPETTES": "left:p20_single_v2.2"})
    board = open_board(settings, FAST)
    try:
        assert board.simulator is not None
        board.driver.connect()
        assert board.driver.read_pipettes()["left"].model == "p20_single_v2.2"
    finally:
        board.close()
    assert board.driver.snapshot().state.value == "disconnected"


def test_a_given_port_gets_no_simulator() -> None:
    board = open_board(MotionSettings.from_env({"OT2_SMOOTHIE_PORT": "socket://127.0.0.1:9"}), FAST)
    assert board.simulator is None
    board.close()
