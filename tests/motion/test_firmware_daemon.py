"""The motion daemon keeps the board on the shipped firmware: real daemon process, simulated board, real files."""
from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bus import Client, Conflict
from motion_daemon.firmware.image import load_image, write_manifest
from tests.conftest import Proc, wait_until

SHIPPED = load_image().version



@pytest.fixture
def motion(spawn: Callable, run_dir: Path, tmp_path: Path) -> Callable[..., Proc]:
    """Start the motion daemon on a board running an old firmware, with its flash and data kept under tmp_path."""
    def start(**extra: str) -> Proc:
        env = {"OT2_RUN_DIR": str(run_dir), "OT2_DATA_DIR": str(tmp_path / "data"), "OT2_SIM_SPEED": "0",
               "OT2_SIM_FW_VERSION": "edge-old", "OT2_SIM_FLASH_FILE": str(tmp_path / "flash.json"), **extra}
        return spawn("-m", "motion_daemon", env=env)
    return start


def firmware_state(client: Client) -> dict[str, Any] | None:
    try:
        return client.call("motion.state", timeout=2, idempotent=True)
    except Exception:
        return None


def wait_for_status(client: Client, status: str, timeout: float = 60) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        state = firmware_state(client)
        return state if state and state["firmware"]["status"] == status else None
    return wait_until(reached, timeout, interval=0.2)  # type: ignore[return-value]


def record(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "data" / "motion" / "firmware.json").read_text())


def test_a_board_on_another_version_is_flashed_at_start(motion: Callable, client: Client, tmp_path: Path) -> None:
    motion().wait_for_line("motion_ready", timeout=30)
    state = wait_for_status(client, "up_to_date")
    assert state["fw_version"] == SHIPPED and state["ready"] is True
    assert state["firmware"]["attempts"] == 1 and state["firmware"]["last_attempt"]["from_version"] == "edge-old"
    assert record(tmp_path)["last_attempt"]["result"] == "succeeded"
    client.call("motion.home", {"axes": "x"}, timeout=20)


def test_a_corrupt_shipped_image_is_never_flashed(motion: Callable, client: Client, tmp_path: Path) -> None:
    image = load_image()
    bad_dir = tmp_path / "firmware"
    bad_dir.mkdir()
    write_manifest(bad_dir, "smoothie.img", image.data)
    (bad_dir / "smoothie.img").write_bytes(image.data[:-1] + b"X")
    motion(OT2_SMOOTHIE_FIRMWARE_DIR=str(bad_dir)).wait_for_line("motion_ready", timeout=30)
    state = wait_for_status(client, "image_invalid")
    assert "corrupt image" in state["firmware"]["image_problem"]
    assert state["fw_version"] == "edge-old" and state["ready"] is True
    assert not (tmp_path / "data" / "motion" / "firmware.json").exists()
    with pytest.raises(Conflict, match="no usable firmware image"):
        client.call("motion.firmware.update", timeout=5)


def test_a_board_that_fails_once_mid_flash_is_flashed_on_the_second_try(motion: Callable, client: Client,
                                                                         tmp_path: Path) -> None:
    motion(OT2_SIM_FLASH_FAILURES="1").wait_for_line("motion_ready", timeout=60)
    state = wait_for_status(client, "up_to_date")
    assert state["firmware"]["attempts"] == 2 and state["fw_version"] == SHIPPED


def test_retries_stay_bounded_across_kill_9_and_restarts(motion: Callable, client: Client, tmp_path: Path) -> None:
    failing = {"OT2_SIM_FLASH_FAILURES": "1000"}
    first = motion(**failing)
    wait_until(lambda: (tmp_path / "data" / "motion" / "firmware.json").exists(), 30)
    os.killpg(first.popen.pid, signal.SIGKILL)  # in the middle of the first attempts
    first.popen.wait(10)
    second = motion(**failing)
    state = wait_for_status(client, "gave_up", timeout=90)
    assert state["firmware"]["attempts"] == 3 and state["ready"] is False
    assert record(tmp_path)["attempts"] == 3
    os.killpg(second.popen.pid, signal.SIGKILL)
    second.popen.wait(10)
    third = motion(**failing)
    third.wait_for_line("firmware_update_gave_up", timeout=60)
    assert record(tmp_path)["attempts"] == 3  # no fourth try, however often the daemon is restarted
    assert not any("firmware_attempt_failed" in line for line in third.lines)


def test_the_op_refuses_under_a_lease_and_reflashes_on_request(motion: Callable, client: Client,
                                                               tmp_path: Path) -> None:
    motion(OT2_SIM_FW_VERSION=SHIPPED).wait_for_line("motion_ready", timeout=30)
    assert client.call("motion.firmware.update", timeout=5)["attempts"] == 0  # already up to date: nothing done
    client.call("motion.lease.acquire", {"holder": "test", "ttl_s": 30})
    with pytest.raises(Conflict, match="held by test"):
        client.call("motion.firmware.update", {"force": True}, timeout=5)
    client.call("motion.lease.release", {"holder": "test"})
    status = client.call("motion.firmware.update", {"force": True}, timeout=30)
    assert status["status"] == "up_to_date" and status["attempts"] == 1
    assert status["last_attempt"]["result"] == "succeeded"
