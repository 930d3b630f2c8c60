"""The analysis places moves with the attached pipettes' serials, as the run does; opentrons_simulate can be told them."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import zmq.asyncio

from bus import AsyncClient, BusConfig
from opentrons.calibration_storage.files import CalibrationPaths
from opentrons.calibration_storage.store import CalibrationStore
from run_daemon.analysis import NOMINAL_WARNING, analyze
from run_daemon.protocol_ops import ProtocolOps
from tests.calibration.test_applied_moves import PROTOCOL
from tests.runs.conftest import motion_entry
from tests.runs.test_http import analysis_of, robot_with_http, run_status, upload
from tests.runs.test_runs_service import act, all_commands

SERIAL = "P3HTEST0001"
OFFSET = (1.5, -2.0, 0.75)
MOTION = {**motion_entry("0"), "env": {"OT2_SIM_SPEED": "0",
                                       "OT2_SIM_PIPETTES": f"left:p300_single_v2.0:{SERIAL}"}}


def store_left_offset(data_dir: Path) -> None:
    CalibrationStore(CalibrationPaths.in_data_dir(data_dir)).save_pipette_offset(SERIAL, "left", list(OFFSET), None)


def placed(commands: list[dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    return [(c["commandType"], c["params"], c.get("result")) for c in commands]


def shifts(nominal: list[dict[str, Any]], calibrated: list[dict[str, Any]]) -> set[tuple[float, ...]]:
    """The (x, y, z) difference of every command that moved, between two runs of the same protocol."""
    assert len(nominal) == len(calibrated)
    return {tuple(round(b["result"]["position"][k] - a["result"]["position"][k], 3) for k in "xyz")
            for a, b in zip(nominal, calibrated) if a.get("result")}


def test_the_runs_service_analysis_commands_the_positions_the_run_commands(stack: Callable, tmp_path: Path) -> None:
    store_left_offset(tmp_path / "data")
    robot, http = robot_with_http(stack, "0", motion=MOTION)
    protocol_id = upload(http, ("protocol.py", PROTOCOL.encode())).body["data"]["id"]
    analysis = analysis_of(http, protocol_id)
    assert analysis["result"] == "ok", analysis["errors"]
    assert analysis["attachedPipettes"] == {"left": {"model": "p300_single_v2.0", "id": SERIAL}}
    assert analysis["warnings"] == []
    run_id = http.post("/runs", {"data": {"protocolId": protocol_id}}).body["data"]["id"]
    assert act(http, run_id, "play").status == 201
    run_status(http, run_id, "succeeded")
    assert placed(all_commands(http, run_id)) == placed(analysis["commands"])
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    nominal = analyze(protocol, attached={})
    assert shifts(nominal["commands"], analysis["commands"]) == {OFFSET}


def test_without_an_answer_from_motion_the_analysis_is_nominal_and_says_so(run_dir: Path, tmp_path: Path) -> None:
    async def ask() -> Any:
        ctx = zmq.asyncio.Context()
        client = AsyncClient(ctx, BusConfig(run_dir))
        try:
            ops = ProtocolOps(tmp_path, asyncio.Lock(), lambda _: False, lambda *_: None, 60.0, client)
            return await ops.attached_pipettes()
        finally:
            client.close()
            ctx.destroy(linger=0)

    started = time.monotonic()
    assert asyncio.run(ask()) is None
    assert time.monotonic() - started < 5
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    analysis = analyze(protocol, attached=None)
    assert analysis["result"] == "ok" and analysis["warnings"] == [NOMINAL_WARNING]
    assert analysis["attachedPipettes"] is None


def simulate(data_dir: Path, protocol: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "opentrons_simulate"), "--json", str(protocol), *extra],
                          env={"PATH": "/usr/bin:/bin", "OT2_DATA_DIR": str(data_dir)},
                          capture_output=True, text=True, timeout=60)


def test_opentrons_simulate_applies_the_offset_of_the_serial_it_is_told(tmp_path: Path) -> None:
    store_left_offset(tmp_path)
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    plain, named = simulate(tmp_path, protocol), simulate(tmp_path, protocol, "--pipette-id", f"left={SERIAL}")
    assert plain.returncode == 0 and named.returncode == 0, plain.stderr + named.stderr
    nominal = simulate(tmp_path / "nothing", protocol)
    assert shifts(json.loads(nominal.stdout), json.loads(plain.stdout)) == {(0.0, 0.0, 0.0)}
    assert shifts(json.loads(plain.stdout), json.loads(named.stdout)) == {OFFSET}


def test_opentrons_simulate_refuses_a_bad_pipette_id(tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.py"
    protocol.write_text(PROTOCOL)
    for argument, expected in (("middle=P1", "expected left=SERIAL or right=SERIAL"), ("left", "expected left="),
                               ("left=", "the serial after '=' is empty"), ("right= ", "the serial after '=' is empty")):
        done = simulate(tmp_path, protocol, "--pipette-id", argument)
        assert done.returncode == 2 and expected in done.stderr, (argument, done.stderr)
    twice = simulate(tmp_path, protocol, "--pipette-id", "left=A", "--pipette-id", "left=B")
    assert twice.returncode == 2 and "the left mount is named twice" in twice.stderr
