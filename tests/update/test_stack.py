"""The whole robot (`ot2 start`): a restart asked over HTTP brings every daemon back, and the name survives it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import wait_until
from tests.gateway.conftest import Http, free_port
from tests.update.helpers import new_key


def update_health(http: Http) -> dict[str, Any] | None:
    try:
        answer = http.get("/server/update/health", version=None, timeout=5)
    except OSError:
        return None  # the gateway is restarting
    return answer.body if answer.status == 200 else None


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
    assert wait_until(lambda: http.get("/health").status == 200, timeout=30)
    assert http.get("/health").body["name"] == "Hopper"
