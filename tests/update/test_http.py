"""The update server's and the settings routes over HTTP: the gateway and the update daemon as real processes."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import wait_until
from tests.gateway.conftest import Answer, Http, free_port
from tests.update.conftest import Daemon
from tests.update.helpers import build, new_key

BOUNDARY = "ot2-update-test-boundary"


@pytest.fixture
def http(daemon: Daemon, spawn, run_dir: Path) -> Http:
    daemon.start()
    port = free_port()
    proc = spawn("-m", "api_gateway", env={"OT2_RUN_DIR": str(run_dir), "OT2_HTTP_PORT": str(port)},
                 ready="listening on")
    return Http(port, proc=proc)


def multipart(field: str, data: bytes) -> tuple[bytes, dict[str, str]]:
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nignored\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{field}"\r\n'
            "Content-Type: application/zip\r\n\r\n").encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode(), {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload(http: Http, token: str, update: Path, field: str = "ot2-system.zip") -> Answer:
    body, headers = multipart(field, update.read_bytes())
    return http.request("POST", f"/server/update/{token}/file", raw=body, headers=headers, version=None)


def settled(http: Http, token: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        state = http.get(f"/server/update/{token}/status", version=None).body
        return state if state["stage"] not in ("validating", "writing") else None
    return wait_until(done, timeout=30)  # type: ignore[return-value]


def test_the_apps_update_flow_over_http(http: Http, daemon: Daemon, tmp_path: Path) -> None:
    boot = http.get("/server/update/health", version=None)
    assert boot.status == 200 and boot.headers["access-control-allow-origin"] == "*"
    assert "opentrons-version" not in boot.headers and boot.body["systemVersion"] == "0.1.0"
    begun = http.post("/server/update/begin", version=None)
    assert begun.status == 201
    token = begun.body["token"]
    again = http.post("/server/update/begin", version=None)
    assert again.status == 409 and again.body["error"] == "session-already-active" and set(again.body) == {
        "error", "message"}
    sent = upload(http, token, build(tmp_path, daemon.private_key, "0.7.0"))
    assert sent.status == 201 and sent.body["stage"] in ("validating", "writing", "done")
    assert settled(http, token) == {"stage": "done", "progress": 1.0, "message": "Ready to commit update"}
    committed = http.post(f"/server/update/{token}/commit", version=None)
    assert committed.status == 200 and committed.body["stage"] == "ready-for-restart"
    assert (daemon.data_dir / "software" / "slot-a" / "VERSION.json").is_file()
    assert http.get("/server/update/health", version=None).body["systemVersion"] == "0.1.0"  # until the restart
    assert http.post("/server/update/cancel", version=None).body == {"message": "Session cancelled"}


def test_bad_tokens_uploads_and_early_commits(http: Http, tmp_path: Path) -> None:
    missing = http.get("/server/update/nope/status", version=None)
    assert missing.status == 404 and missing.body == {"error": "bad-token", "message": "No such session nope"}
    token = http.post("/server/update/begin", version=None).body["token"]
    early = http.post(f"/server/update/{token}/commit", version=None)
    assert early.status == 409 and early.body["error"] == "not-ready"
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"junk")
    wrong_field = upload(http, token, junk, field="firmware.bin")
    assert wrong_field.status == 400 and wrong_field.body["error"] == "no-file-name"
    not_multipart = http.post(f"/server/update/{token}/file", {"file": "x"}, version=None)
    assert not_multipart.status == 400 and "multipart" in not_multipart.body["message"]
    assert upload(http, token, junk, field="system-update.zip").status == 201
    assert settled(http, token)["error"] == "Invalid Update File"
    assert upload(http, token, junk).body["error"] == "file-already-uploaded"


def test_an_update_signed_with_another_key_is_refused_over_http(http: Http, tmp_path: Path) -> None:
    intruder, _ = new_key(tmp_path, "intruder")
    token = http.post("/server/update/begin", version=None).body["token"]
    upload(http, token, build(tmp_path, intruder, "6.6.6"))
    state = settled(http, token)
    assert state["stage"] == "error" and state["error"] == "Signature Mismatch"
    assert http.post(f"/server/update/{token}/commit", version=None).status == 409
    assert http.get("/server/update/health", version=None).body["systemVersion"] == "0.1.0"


def test_the_robot_name_over_http(http: Http) -> None:
    assert http.get("/server/name", version=None).body == {"name": "opentrons-dev"}
    renamed = http.post("/server/name", {"name": "Ada"}, version=None)
    assert renamed.status == 200 and renamed.body == {"name": "Ada"}
    for bad in ({"name": 3}, {"nom": "x"}, [1]):
        answer = http.post("/server/name", bad, version=None)
        assert answer.status == 400 and set(answer.body) == {"error", "message"}, bad
    assert http.post("/server/name", {"name": " "}, version=None).status == 400
    assert http.get("/server/name", version=None).body == {"name": "Ada"}


def test_a_new_name_shows_in_health_at_once(http: Http, spawn, run_dir: Path) -> None:
    spawn("-m", "motion_daemon", env={"OT2_RUN_DIR": str(run_dir), "OT2_SMOOTHIE_PORT": "sim"},
          ready="motion_ready")
    wait_until(lambda: http.get("/health").status == 200, timeout=15)
    assert http.post("/server/name", {"name": "Rosalind"}, version=None).status == 200
    assert http.get("/health").body["name"] == "Rosalind"


def test_settings_routes(http: Http, daemon: Daemon) -> None:
    flags = http.get("/settings")
    assert flags.status == 200 and flags.headers["opentrons-version"] == "3"
    assert {"shortFixedTrash", "enableDoorSafetySwitch"} <= {f["id"] for f in flags.body["settings"]}
    changed = http.post("/settings", {"id": "enablePerformanceMetrics", "value": True})
    assert changed.status == 200 and changed.body["links"] == {"restart": "/server/restart"}
    unknown = http.post("/settings", {"id": "noSuchFlag", "value": True})
    assert unknown.status == 400 and "no setting with id" in unknown.body["message"]
    assert http.post("/settings", {"value": True}).status == 422
    assert http.get("/settings/robot").body["model"] == "OT-2 Standard"
    assert "deckCalibration" in {o["id"] for o in http.get("/settings/reset/options").body["options"]}
    (daemon.data_dir / "boot.d").mkdir(parents=True)
    reset = http.post("/settings/reset", {"bootScripts": True})
    assert reset.status == 200 and reset.body == {"message": "Options 'Boot Scripts' were reset"}
    assert not (daemon.data_dir / "boot.d").exists()
    down = http.post("/settings/reset", {"deckCalibration": True})  # its owner, the calibration daemon, is not running
    assert down.status == 503 and "calibration service" in down.body["message"]
    assert http.post("/settings/reset", {"everything": True}).status == 400


def test_routes_answer_503_in_their_shape_when_the_update_daemon_is_down(spawn, run_dir: Path) -> None:
    port = free_port()
    spawn("-m", "api_gateway", env={"OT2_RUN_DIR": str(run_dir), "OT2_HTTP_PORT": str(port)}, ready="listening on")
    http = Http(port)
    down = http.post("/server/update/begin", version=None)
    assert down.status == 503 and down.body["error"] == "unavailable"
    legacy = http.get("/settings")
    assert legacy.status == 503 and legacy.body["errorCode"] == "1000"
