"""Other daemons follow the update daemon's flags and name from its events, with a snapshot at start and again
after the update daemon restarts: real update daemon, motion daemon and gateway processes."""
from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import Proc, wait_until
from tests.gateway.conftest import Http, free_port
from tests.update.conftest import Daemon


def state(daemon: Daemon, op: str) -> dict[str, Any] | None:
    try:
        return daemon.client.call(op, timeout=2, idempotent=True)
    except Exception:
        return None


def flag_seen(daemon: Daemon, op: str, key: str, flag: str, value: bool) -> bool:
    return ((state(daemon, op) or {}).get(key) or {}).get(flag) is value


def start_followers(daemon: Daemon, spawn: Callable[..., Proc], run_dir: Path) -> Http:
    env = {"OT2_RUN_DIR": str(run_dir), "OT2_DATA_DIR": str(daemon.data_dir), "OT2_SIM_SPEED": "0"}
    spawn("-m", "motion_daemon", env=env, ready="motion_ready")
    port = free_port()
    spawn("-m", "api_gateway", env={**env, "OT2_HTTP_PORT": str(port)}, ready="listening on")
    return Http(port)


def test_flags_and_name_are_learnt_at_start_and_followed_without_restarting(daemon: Daemon, spawn,
                                                                            run_dir: Path) -> None:
    daemon.start()
    daemon.client.call("update.settings.set", {"id": "disableHomeOnBoot", "value": True})
    start_followers(daemon, spawn, run_dir)
    for op in ("motion.state", "gateway.state"):
        key = "flags" if op == "motion.state" else "settings"
        wait_until(lambda: flag_seen(daemon, op, key, "disableHomeOnBoot", True), timeout=15)
    motion = state(daemon, "motion.state") or {}
    assert not any(motion["homed"].values())  # disableHomeOnBoot was set before the motion daemon started
    daemon.client.call("update.settings.set", {"id": "shortFixedTrash", "value": True})
    wait_until(lambda: flag_seen(daemon, "motion.state", "flags", "shortFixedTrash", True), timeout=10)
    wait_until(lambda: flag_seen(daemon, "gateway.state", "settings", "shortFixedTrash", True), timeout=10)
    daemon.client.call("update.name.set", {"name": "Grace"})
    wait_until(lambda: (state(daemon, "gateway.state") or {}).get("name") == "Grace", timeout=10)


def test_a_restarted_update_daemon_is_read_again(daemon: Daemon, spawn, run_dir: Path) -> None:
    update = daemon.start()
    start_followers(daemon, spawn, run_dir)
    wait_until(lambda: flag_seen(daemon, "gateway.state", "settings", "enableDoorSafetySwitch", False), timeout=15)
    # disableHomeOnBoot is off by default: the motion daemon homed at start, as the OT-2 does.
    wait_until(lambda: all((state(daemon, "motion.state") or {"homed": {"x": False}})["homed"].values()), timeout=15)
    os.killpg(update.popen.pid, signal.SIGKILL)  # type: ignore[attr-defined]
    update.popen.wait(10)  # type: ignore[attr-defined]
    # While it is down its settings change on disk (as a factory reset or another version would leave them);
    # no event says so: the followers must ask again when it comes back.
    path = daemon.data_dir / "settings.json"
    stored = json.loads(path.read_text()) if path.exists() else {"flags": {}, "name": None}
    stored["flags"]["enableDoorSafetySwitch"] = True
    stored["name"] = "Hopper"
    path.write_text(json.dumps(stored))
    daemon.start()
    wait_until(lambda: flag_seen(daemon, "motion.state", "flags", "enableDoorSafetySwitch", True), timeout=15)
    wait_until(lambda: flag_seen(daemon, "gateway.state", "settings", "enableDoorSafetySwitch", True), timeout=15)
    wait_until(lambda: (state(daemon, "gateway.state") or {}).get("name") == "Hopper", timeout=10)
