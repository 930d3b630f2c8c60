"""Fixtures: the motion daemon (simulated board logging its G-code), the calibration daemon and the gateway."""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zmq

from bus import BusConfig, Client

from tests.conftest import Proc, wait_until
from tests.gateway.conftest import Http, free_port

PIPETTES = "left:p300_single_v2.0,right:p20_single_v2.2"
LEFT_SERIAL_PREFIX = "SIML"
_AXIS_VALUE = re.compile(r"([XYZABC])(-?\d+(?:\.\d+)?)")


@dataclass
class Robot:
    """A running robot for one test: its bus environment, data dir, HTTP client and simulated board's G-code."""

    env: dict[str, str]
    data_dir: Path
    gcode_log: Path
    http: Http
    spawn: Callable[..., Proc]
    calibration: Proc

    def restart_calibration(self) -> None:
        """Kill the calibration daemon (SIGKILL) and start it again."""
        self.calibration.stop()
        self.calibration = self.spawn("-m", "calibration_daemon", env=self.env, ready="service_ready")

    def env_for_children(self) -> dict[str, str]:
        """The environment a protocol process on this robot's bus gets."""
        return {**os.environ, **self.env}

    def bus_call(self, op: str, args: dict[str, Any]) -> Any:
        """One request on this robot's bus."""
        ctx = zmq.Context()
        try:
            with Client(ctx, BusConfig(Path(self.env["OT2_RUN_DIR"])), timeout=10) as client:
                return client.call(op, args)
        finally:
            ctx.term()

    def gcode_mark(self) -> int:
        """How many lines the board has received so far."""
        return len(self.gcode_lines())

    def gcode_lines(self) -> list[str]:
        return self.gcode_log.read_text().splitlines() if self.gcode_log.exists() else []

    def moves_since(self, mark: int) -> list[dict[str, float]]:
        """The commanded position after each absolute G0 move received after `mark` (the driver sends only the
        axes that change, so each move is merged into the one before; feed rates, currents and the relative moves
        of homing are left out)."""
        position: dict[str, float] = {}
        positions = []
        for line in self.gcode_lines()[mark:]:
            for move in ([] if "G91" in line.split() else _absolute_moves(line)):
                position = {**position, **move}
                positions.append(position)
        return positions

    def command(self, session_id: str, command: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one session command over HTTP; fail the test unless it was executed."""
        return run_command(self.http, session_id, command, data)


def run_command(http: Http, session_id: str, command: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one session command over HTTP; fail the test unless it was executed. The session after it."""
    answer = http.post(f"/sessions/{session_id}/commands/execute", {"data": {"command": command, "data": data or {}}})
    assert answer.status == 200, answer.body
    return http.get(f"/sessions/{session_id}").body["data"]


def _absolute_moves(line: str) -> list[dict[str, float]]:
    moves, current = [], None
    for token in line.split():
        if token[0] in "GM":
            current = {} if token == "G0" else None
            if current is not None:
                moves.append(current)
        elif current is not None and (found := _AXIS_VALUE.fullmatch(token)):
            current[found.group(1)] = float(found.group(2))
    return [move for move in moves if move]


@pytest.fixture
def robot(spawn: Callable[..., Proc], run_dir: Path, tmp_path: Path) -> Robot:
    """Motion daemon, calibration daemon and gateway on one bus, with a fresh data directory."""
    data_dir = tmp_path / "data"
    gcode_log = tmp_path / "gcode.log"
    env = {"OT2_RUN_DIR": str(run_dir), "OT2_DATA_DIR": str(data_dir), "OT2_SIM_SPEED": "0",
           "OT2_SIM_PIPETTES": PIPETTES}
    spawn("-m", "motion_daemon", env={**env, "OT2_SIM_GCODE_LOG": str(gcode_log)}, ready="motion_ready")
    calibration = spawn("-m", "calibration_daemon", env=env, ready="service_ready")
    port = free_port()
    spawn("-m", "api_gateway", env={**env, "OT2_HTTP_PORT": str(port)}, ready="listening on")
    http = Http(port)
    wait_until(lambda: http.get("/calibration/status").status == 200, timeout=20)
    return Robot(env, data_dir, gcode_log, http, spawn, calibration)


def start_session(robot: Robot | Http, session_type: str, mount: str = "left") -> str:
    """Create a session over HTTP; its id."""
    http = robot.http if isinstance(robot, Robot) else robot
    answer = http.post("/sessions", {"data": {"sessionType": session_type, "createParams": {"mount": mount}}})
    assert answer.status == 201, answer.body
    return str(answer.body["data"]["id"])


def session_at_deck_height(robot: Robot, session_type: str) -> str:
    """A new session that has picked up its tip, found the deck 5 mm down and saved that height."""
    session = start_session(robot, session_type)
    for command in ("calibration.loadLabware", "calibration.moveToTipRack", "calibration.pickUpTip",
                    "calibration.moveToDeck"):
        robot.command(session, command)
    robot.command(session, "calibration.jog", {"vector": [0, 0, -5]})
    robot.command(session, "calibration.saveOffset")
    return session


def calibrate_deck(robot: Robot, shift: tuple[float, float]) -> dict[str, Any]:
    """A whole deck calibration session in which every point is found `shift` (x, y) mm off nominal."""
    session = session_at_deck_height(robot, "deckCalibration")
    for move in ("calibration.moveToPointOne", "calibration.deck.moveToPointTwo",
                 "calibration.deck.moveToPointThree"):
        robot.command(session, move)
        robot.command(session, "calibration.jog", {"vector": [shift[0], shift[1], -5]})
        view = robot.command(session, "calibration.saveOffset")
    robot.command(session, "calibration.exitSession")
    assert robot.http.request("DELETE", f"/sessions/{session}").status == 200
    return view


def calibrate_pipette_offset(robot: Robot | Http, offset: tuple[float, float, float]) -> dict[str, Any]:
    """A whole pipette offset session on the left pipette that finds it `offset` mm off."""
    http = robot.http if isinstance(robot, Robot) else robot
    session = start_session(http, "pipetteOffsetCalibration")
    for command in ("calibration.loadLabware", "calibration.moveToTipRack", "calibration.pickUpTip",
                    "calibration.moveToDeck"):
        run_command(http, session, command)
    run_command(http, session, "calibration.jog", {"vector": [0, 0, -5 + offset[2]]})
    run_command(http, session, "calibration.saveOffset")
    run_command(http, session, "calibration.moveToPointOne")
    run_command(http, session, "calibration.jog", {"vector": [offset[0], offset[1], -5]})
    view = run_command(http, session, "calibration.saveOffset")
    run_command(http, session, "calibration.exitSession")
    assert http.request("DELETE", f"/sessions/{session}").status == 200
    return view
