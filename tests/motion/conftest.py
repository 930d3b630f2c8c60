"""Fixtures: a simulated board on a real pty and a driver talking to it through pyserial."""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.runner import Timeouts
from motion_daemon.smoothie_sim.board import BoardConfig
from motion_daemon.smoothie_sim.config import parse_pipettes
from motion_daemon.smoothie_sim.pty_board import PtySmoothie

FAST = Timeouts(ack_s=0.5, retries=3, handshake_s=1.0)
PIPETTES = "left:p300_single_v2.0:P3HSV2020190101A01,right:p20_single_v2.2"


def make_sim(speed: float = 0.0, **config: object) -> PtySmoothie:
    """A started pty board with two pipettes (stop it when done)."""
    board = BoardConfig(pipettes=parse_pipettes(PIPETTES), speed_factor=speed, **config)
    return PtySmoothie(board).start()


@pytest.fixture
def sim() -> Iterator[PtySmoothie]:
    board = make_sim()
    yield board
    board.stop()


@pytest.fixture
def driver(sim: PtySmoothie) -> Iterator[SmoothieDriver]:
    drv = SmoothieDriver(sim.url, timeouts=FAST)
    drv.connect()
    yield drv
    drv.close()


@pytest.fixture
def homed(driver: SmoothieDriver) -> SmoothieDriver:
    driver.home()
    return driver


class Wire:
    """The lines the board received after a mark, without the M400 that follows every command."""

    def __init__(self, sim: PtySmoothie) -> None:
        self._sim = sim
        self._mark = len(sim.board.received)

    def lines(self, with_waits: bool = False) -> list[str]:
        new = list(self._sim.board.received)[self._mark:]
        return new if with_waits else [line for line in new if line != "M400"]


@pytest.fixture
def wire(sim: PtySmoothie) -> Callable[[], Wire]:
    return lambda: Wire(sim)
