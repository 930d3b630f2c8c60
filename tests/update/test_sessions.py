"""Update sessions against a real daemon: the App's flow, refused files, one session at a time, cancel, kill -9."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bus import BadRequest, Client, Conflict, NotFound
from tests.conftest import wait_until
from tests.update.conftest import Daemon
from tests.update.helpers import build, new_key, rewrite_member, small_checkout
from update_daemon.package import build_update

CHUNK = 256 << 10


def upload(client: Client, token: str, update: Path) -> dict[str, Any]:
    """Send the file in pieces as the gateway does; the last call starts validation."""
    data = update.read_bytes()
    for offset in range(0, len(data), CHUNK):
        client.call("update.file", {"token": token, "offset": offset, "data": data[offset:offset + CHUNK]})
    return client.call("update.file", {"token": token, "last": True})


def settle(client: Client, token: str) -> dict[str, Any]:
    """Poll status until the session leaves validating/writing."""
    def finished() -> dict[str, Any] | None:
        state = client.call("update.status", {"token": token})
        return state if state["stage"] not in ("validating", "writing") else None
    return wait_until(finished, timeout=30)  # type: ignore[return-value]


def active_version(daemon: Daemon) -> str | None:
    path = daemon.data_dir / "software" / "active.json"
    return json.loads(path.read_text())["version"] if path.exists() else None


def assert_clean(daemon: Daemon) -> None:
    """No download and no half-written slot anywhere."""
    assert not (daemon.data_dir / "update" / "downloads").exists()
    assert not list((daemon.data_dir / "software").glob("*.partial"))


def test_the_apps_flow_installs_and_commits_a_signed_update(daemon: Daemon, tmp_path: Path) -> None:
    daemon.start()
    client = daemon.client
    token = client.call("update.begin")["token"]
    assert len(token) == 22 and "=" not in token
    assert client.call("update.status", {"token": token}) == {
        "stage": "awaiting-file", "progress": 0.0, "message": "Waiting for update file"}
    assert upload(client, token, build(tmp_path, daemon.private_key, "0.3.0"))["stage"] in (
        "validating", "writing", "done")
    assert settle(client, token) == {"stage": "done", "progress": 1.0, "message": "Ready to commit update"}
    assert client.call("update.health")["systemVersion"] == "0.1.0"
    assert client.call("update.commit", {"token": token})["stage"] == "ready-for-restart"
    assert active_version(daemon) == "0.3.0"
    slot = daemon.data_dir / "software" / "slot-a"
    assert (slot / "update_daemon" / "marker.txt").read_text() == "new"
    assert client.call("update.state")["active"]["version"] == "0.3.0"
    assert client.call("update.health")["systemVersion"] == "0.1.0"  # the new version runs after the restart
    assert client.call("update.cancel") == {"message": "Session cancelled"}
    assert active_version(daemon) == "0.3.0"
    assert_clean(daemon)


def test_a_second_update_goes_to_the_other_slot(daemon: Daemon, tmp_path: Path) -> None:
    daemon.start()
    for version, slot in (("0.3.0", "a"), ("0.4.0", "b")):
        token = daemon.client.call("update.begin")["token"]
        upload(daemon.client, token, build(tmp_path, daemon.private_key, version, marker=version))
        assert settle(daemon.client, token)["stage"] == "done"
        daemon.client.call("update.commit", {"token": token})
        daemon.client.call("update.cancel")
        assert json.loads((daemon.data_dir / "software" / "active.json").read_text())["slot"] == slot
    record = json.loads((daemon.data_dir / "software" / "active.json").read_text())
    assert record["previous"] == {"slot": "a", "version": "0.3.0"}


def test_one_session_at_a_time_and_tokens_are_checked(daemon: Daemon) -> None:
    daemon.start()
    token = daemon.client.call("update.begin")["token"]
    with pytest.raises(Conflict) as busy:
        daemon.client.call("update.begin")
    assert busy.value.details["error"] == "session-already-active"
    with pytest.raises(NotFound, match="No such session nope") as bad:
        daemon.client.call("update.status", {"token": "nope"})
    assert bad.value.details["error"] == "bad-token"
    with pytest.raises(Conflict) as early:
        daemon.client.call("update.commit", {"token": token})
    assert early.value.details["error"] == "not-ready"
    with pytest.raises(BadRequest, match="no update file"):
        daemon.client.call("update.file", {"token": token, "last": True})
    with pytest.raises(BadRequest, match="offset 0"):
        daemon.client.call("update.file", {"token": token, "offset": 5, "data": b"x"})
    daemon.client.call("update.cancel")
    assert daemon.client.call("update.begin")["token"] != token


def tampered_files(tmp_path: Path, private: Path) -> list[tuple[str, Path]]:
    """(expected error, file): one byte flipped in the file (the zip's CRC catches it), one byte changed in the
    payload with the zip rebuilt around it (the hash catches it), another key, another robot, an escaping path."""
    good = build(tmp_path, private, "6.6.6")
    flipped = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        offset = archive.getinfo("software.tar.gz").header_offset + 200
        payload = bytearray(archive.read("software.tar.gz"))
    flipped[offset] ^= 0x01
    (tmp_path / "flipped.zip").write_bytes(bytes(flipped))
    payload[100] ^= 0x01
    other, _ = new_key(tmp_path, "intruder")
    return list({
        "Invalid Update File": tmp_path / "flipped.zip",
        "Hash Mismatch": rewrite_member(good, "software.tar.gz", bytes(payload), tmp_path / "payload.zip"),
        "Signature Mismatch": build_update(small_checkout(tmp_path, "evil"), other.read_bytes(), "6.6.6",
                                           tmp_path / "other-key.zip"),
        "Invalid Robot Type": rewrite_member(good, "VERSION.json", b'{"robot_type": "OT-3 Standard", "version": "6"}',
                                             tmp_path / "flex.zip"),
    }.items()) + [("Invalid Update File", rewrite_member(good, "../../etc/cron.d/x", b"x", tmp_path / "esc.zip"))]


def test_tampered_updates_are_refused_and_the_robot_runs_unchanged(daemon: Daemon, tmp_path: Path) -> None:
    daemon.start()
    for short, update in tampered_files(tmp_path, daemon.private_key):
        token = daemon.client.call("update.begin")["token"]
        upload(daemon.client, token, update)
        state = settle(daemon.client, token)
        assert state["stage"] == "error" and state["error"] == short, (short, state)
        with pytest.raises(Conflict):
            daemon.client.call("update.commit", {"token": token})
        daemon.client.call("update.cancel")
        assert active_version(daemon) is None and daemon.client.call("update.health")["systemVersion"] == "0.1.0"
        assert not list((daemon.data_dir / "software").glob("slot-*"))
        assert_clean(daemon)


@pytest.mark.parametrize("stage", ["awaiting-file", "done", "ready-for-restart"])
def test_kill_9_in_a_stage_restarts_clean(daemon: Daemon, tmp_path: Path, stage: str) -> None:
    proc = daemon.start()
    token = daemon.client.call("update.begin")["token"]
    if stage != "awaiting-file":
        upload(daemon.client, token, build(tmp_path, daemon.private_key, "0.5.0"))
        settle(daemon.client, token)
    else:
        daemon.client.call("update.file", {"token": token, "offset": 0, "data": b"PK" * 1000})
    if stage == "ready-for-restart":
        daemon.client.call("update.commit", {"token": token})
    os.kill(proc.popen.pid, signal.SIGKILL)
    proc.popen.wait(timeout=10)
    daemon.start()
    assert_clean(daemon)
    assert active_version(daemon) == ("0.5.0" if stage == "ready-for-restart" else None)
    with pytest.raises(NotFound):
        daemon.client.call("update.status", {"token": token})
    assert daemon.client.call("update.begin")["token"]


def test_a_restart_after_a_crash_mid_write_removes_the_half_written_slot(daemon: Daemon) -> None:
    partial = daemon.data_dir / "software" / "slot-b.partial" / "update_daemon"
    partial.mkdir(parents=True)
    (partial / "half.py").write_text("x = ")
    (daemon.data_dir / "update" / "downloads").mkdir(parents=True)
    (daemon.data_dir / ".settings.json.123.tmp").write_text('{"fl')
    daemon.start()
    assert_clean(daemon)
    assert not (daemon.data_dir / ".settings.json.123.tmp").exists()


def big_update(tmp_path: Path, private: Path) -> Path:
    """An update whose validation takes long enough to be interrupted (24 MB that do not compress)."""
    source = small_checkout(tmp_path, "big")
    (source / "update_daemon" / "blob.bin").write_bytes(os.urandom(24 << 20))
    return build_update(source, private.read_bytes(), "0.9.0", tmp_path / "big.zip")


def test_cancel_while_validating_leaves_nothing_and_a_commit_cannot_follow(daemon: Daemon, tmp_path: Path) -> None:
    daemon.start()
    token = daemon.client.call("update.begin")["token"]
    assert upload(daemon.client, token, big_update(tmp_path, daemon.private_key))["stage"] == "validating"
    assert daemon.client.call("update.cancel", timeout=30) == {"message": "Session cancelled"}
    with pytest.raises(NotFound):
        daemon.client.call("update.commit", {"token": token})
    assert_clean(daemon)
    assert active_version(daemon) is None


def test_kill_9_while_validating_restarts_clean(daemon: Daemon, tmp_path: Path) -> None:
    proc = daemon.start()
    token = daemon.client.call("update.begin")["token"]
    upload(daemon.client, token, big_update(tmp_path, daemon.private_key))
    os.kill(proc.popen.pid, signal.SIGKILL)
    proc.popen.wait(timeout=10)
    daemon.start()
    assert_clean(daemon)
    assert active_version(daemon) is None


def test_the_installed_slot_holds_the_whole_project_and_reports_its_version(daemon: Daemon, tmp_path: Path) -> None:
    daemon.start()
    root = Path(__file__).resolve().parents[2]
    update = build_update(root, daemon.private_key.read_bytes(), "2.0.0", tmp_path / "project.zip")
    token = daemon.client.call("update.begin")["token"]
    upload(daemon.client, token, update)
    assert settle(daemon.client, token)["stage"] == "done"
    daemon.client.call("update.commit", {"token": token})
    slot = daemon.data_dir / "software" / "slot-a"
    assert (slot / "update_daemon" / "__main__.py").is_file() and not (slot / ".venv").exists()
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); from update_daemon.__main__ import software_version; "
             "import update_daemon; print(software_version(), update_daemon.__file__)")
    done = subprocess.run([sys.executable, "-c", probe, str(slot)], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    version, module = done.stdout.split()
    assert version == "2.0.0" and module.startswith(str(slot)), done.stderr


def test_the_supervisor_is_the_one_writer_of_the_active_slot_and_checks_what_it_is_asked(
        daemon: Daemon, tmp_path: Path) -> None:
    daemon.start()
    client = daemon.client
    with pytest.raises(BadRequest, match="'slot' must be one of a, b"):
        client.call("supervisor.software.activate", {"slot": "c"})
    with pytest.raises(Conflict, match="holds no installed version"):
        client.call("supervisor.software.activate", {"slot": "a"})
    token = client.call("update.begin")["token"]
    upload(client, token, build(tmp_path, daemon.private_key, "0.4.0"))
    assert settle(client, token)["stage"] == "done"
    assert active_version(daemon) is None  # installing writes the slot only
    client.call("update.commit", {"token": token})
    record = json.loads((daemon.data_dir / "software" / "active.json").read_text())
    assert record == {"slot": "a", "version": "0.4.0", "trial": True, "previous": None}
    with pytest.raises(Conflict, match="slot a is the active one"):
        client.call("supervisor.software.activate", {"slot": "a"})
