"""The whole robot (`ot2 start`): a restart asked over HTTP brings every daemon back, and the name survives it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import wait_until
from tests.gateway.conftest import Http, free_port
from tests.update.helpers import new_key
from tests.update.test_http import multipart
from update_daemon.package import build_update


def body_when_ok(http: Http, path: str) -> dict[str, Any] | None:
    """The body of a 200 answer; None while the route answers otherwise or the gateway is restarting."""
    try:
        answer = http.get(path, version=None if path.startswith("/server/") else "3", timeout=5)
    except OSError:
        return None
    return answer.body if answer.status == 200 else None


def update_health(http: Http) -> dict[str, Any] | None:
    return body_when_ok(http, "/server/update/health")


def test_restart_over_http_restarts_the_stack(spawn, run_dir: Path, tmp_path: Path) -> None:
    _, public = new_key(tmp_path, "robot")
    port = free_port()
    spawn("-m", "supervisor", "start", "--port", str(port), "--data-dir", str(tmp_path / "data"),
          env={"OT2_RUN_DIR": str(run_dir), "OT2_UPDATE_KEY": str(public)})
    http = Http(port)
    first = wait_until(lambda: update_health(http), timeout=30)
    assert http.post("/server/name", {"name": "Hopper"}, version=None).status == 200
    answer = http.post("/server/restart", version=None)
    assert answer.status == 200 and answer.body == {"message": "Restarting in 1s"}
    again = wait_until(lambda: (h := update_health(http)) and h["bootId"] != first["bootId"] and h, timeout=60)
    assert again["name"] == "Hopper"
    # The gateway learns the name from the update daemon once it is back (update.state), not at once.
    wait_until(lambda: (body_when_ok(http, "/health") or {}).get("name") == "Hopper", timeout=45)


def install(http: Http, update: Path) -> None:
    """The App's flow up to the restart: begin, upload, wait for done, commit."""
    token = http.post("/server/update/begin", version=None).body["token"]
    body, headers = multipart("ot2-system.zip", update.read_bytes())
    assert http.request("POST", f"/server/update/{token}/file", raw=body, headers=headers, version=None).status == 201

    def done() -> bool:
        state = http.get(f"/server/update/{token}/status", version=None).body
        assert state["stage"] != "error", state
        return state["stage"] == "done"
    wait_until(done, timeout=60)
    assert http.post(f"/server/update/{token}/commit", version=None).body["stage"] == "ready-for-restart"
    assert http.post("/server/update/cancel", version=None).status == 200


def restarted(http: Http, boot_id: str) -> dict[str, Any]:
    """Ask for a restart and wait for the update server to answer with a new boot id."""
    assert http.post("/server/restart", version=None).status == 200
    return wait_until(lambda: (h := update_health(http)) and h["bootId"] != boot_id and h,  # type: ignore
                      timeout=60)


def broken_checkout(tmp_path: Path) -> Path:
    """A version whose motion daemon (critical) exits at once: it can never become healthy."""
    source = tmp_path / "broken"
    (source / "motion_daemon").mkdir(parents=True)
    (source / "motion_daemon" / "__init__.py").write_text('"""A broken release."""\n')
    (source / "motion_daemon" / "__main__.py").write_text('raise SystemExit("this release cannot start")\n')
    return source


def test_an_update_runs_after_restart_and_a_broken_one_rolls_back(spawn, run_dir: Path, tmp_path: Path) -> None:
    private, public = new_key(tmp_path, "robot")
    port, root = free_port(), Path(__file__).resolve().parents[2]
    spawn("-m", "supervisor", "start", "--port", str(port), "--data-dir", str(tmp_path / "data"),
          env={"OT2_RUN_DIR": str(run_dir), "OT2_UPDATE_KEY": str(public), "OT2_UPDATE_TRIAL_S": "20"})
    http = Http(port)
    first = wait_until(lambda: update_health(http), timeout=30)
    install(http, build_update(root, private.read_bytes(), "2.0.0", tmp_path / "good.zip"))
    after = restarted(http, first["bootId"])
    assert after["systemVersion"] == "2.0.0" and "rolledBackFrom" not in after
    install(http, build_update(broken_checkout(tmp_path), private.read_bytes(), "3.0.0", tmp_path / "bad.zip"))
    assert http.post("/server/restart", version=None).status == 200
    # The update daemon of the broken release (from the factory code) may answer first; wait for the old version.
    back = wait_until(lambda: (h := update_health(http)) and h["systemVersion"] == "2.0.0" and "rolledBackFrom" in h
                      and h, timeout=90)
    assert back["rolledBackFrom"]["version"] == "3.0.0"
    assert "motion" in back["rolledBackFrom"]["reason"]
    assert wait_until(lambda: body_when_ok(http, "/health"), timeout=30)


def test_the_board_is_flashed_at_start_and_health_says_so(spawn, run_dir: Path, tmp_path: Path) -> None:
    _, public = new_key(tmp_path, "robot")
    port = free_port()
    spawn("-m", "supervisor", "start", "--port", str(port), "--data-dir", str(tmp_path / "data"),
          env={"OT2_RUN_DIR": str(run_dir), "OT2_UPDATE_KEY": str(public), "OT2_SIM_FW_VERSION": "edge-0ld0ld0"})
    http = Http(port)
    health = wait_until(lambda: body_when_ok(http, "/health"), timeout=30)
    assert health["fw_version"] == "edge-8414642"
    assert health["firmware"]["status"] == "up_to_date" and health["firmware"]["attempts"] == 1
    assert health["firmware"]["last_attempt"]["from_version"] == "edge-0ld0ld0"
    server = wait_until(lambda: (h := update_health(http)) and h["smoothieVersion"] != "unknown" and h, timeout=30)
    assert server["smoothieVersion"] == "edge-8414642"
    assert server["smoothieFirmware"]["last_attempt"]["result"] == "succeeded"
