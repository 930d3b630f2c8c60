"""Builds the driver for the configured port, starting the in-process simulated board when the port is `sim`."""
from __future__ import annotations

from dataclasses import dataclass

from motion_daemon.config import MotionSettings
from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.runner import Timeouts
from motion_daemon.smoothie_sim.pty_board import PtySmoothie


@dataclass
class Board:
    """A driver plus the simulated board behind it, if any; close() releases both."""

    driver: SmoothieDriver
    simulator: PtySmoothie | None = None

    def close(self) -> None:
        """Close the port, then stop the simulated board."""
        self.driver.close()
        if self.simulator is not None:
            self.simulator.stop()


def open_board(settings: MotionSettings, timeouts: Timeouts = Timeouts()) -> Board:
    """Make (not connect) the driver for `settings`; a `sim` port gets a pty-backed simulated board."""
    simulator = None
    url = settings.smoothie_port
    if settings.simulated:
        simulator = PtySmoothie(settings.sim_board, settings.sim_faults).start()
        url = simulator.url
    driver = SmoothieDriver(url, board_revision=settings.board_revision, timeouts=timeouts)
    return Board(driver, simulator)
