"""Calibration lives outside the version slots: it survives a software update of the whole robot."""
from __future__ import annotations

from pathlib import Path

import pytest
import zmq

from bus import BusConfig, Client

from tests.calibration.conftest import PIPETTES, calibrate_pipette_offset
from tests.conftest import wait_until
from tests.gateway.conftest import Http, free_port
from tests.update.helpers import new_key
from tests.update.test_stack import body_when_ok, install, restarted, update_health
from update_daemon.package import build_update


def calibration_pid(run_dir: Path) -> int | None:
    """The pid of the running calibration daemon, as the supervisor reports it."""
    ctx = zmq.Context()
    try:
        with Client(ctx, BusConfig(run_dir), timeout=5) as client:
            process = client.call("supervisor.status")["processes"]["calibration"]
    finally:
        ctx.term()
    return process["pid"] if process["state"] == "running" else None


def left_offsets(http: Http) -> list[list[float]] | None:
    body = body_when_ok(http, "/calibration/pipette_offset?mount=left")
    return None if body is None else [entry["offset"] for entry in body["data"]]


def test_a_pipette_offset_survives_a_software_update(spawn, run_dir: Path, tmp_path: Path) -> None:
    private, public = new_key(tmp_path, "robot")
    port, root, data = free_port(), Path(__file__).resolve().parents[2], tmp_path / "data"
    spawn("-m", "supervisor", "start", "--port", str(port), "--data-dir", str(data),
          env={"OT2_RUN_DIR": str(run_dir), "OT2_UPDATE_KEY": str(public), "OT2_SIM_SPEED": "0",
               "OT2_SIM_PIPETTES": PIPETTES})
    http = Http(port)
    first = wait_until(lambda: update_health(http), timeout=30)
    wait_until(lambda: left_offsets(http) == [], timeout=30)
    calibrate_pipette_offset(http, (0.5, -0.25, 0.75))
    before = calibration_pid(run_dir)
    install(http, build_update(root, private.read_bytes(), "2.0.0", tmp_path / "good.zip"))
    after = restarted(http, first["bootId"])
    assert after["systemVersion"] == "2.0.0"
    wait_until(lambda: calibration_pid(run_dir) not in (None, before), timeout=30)
    [offset] = wait_until(lambda: left_offsets(http), timeout=60)
    assert offset == pytest.approx([0.5, -0.25, 0.75])
    assert not list((data / "software").rglob("pipette_offset"))
