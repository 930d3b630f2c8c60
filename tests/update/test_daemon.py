"""The update daemon as a real process: settings, name and health over the bus, events, restarts."""
from __future__ import annotations

import os
import signal

import pytest
import zmq

from bus import BadRequest, Subscriber
from tests.update.conftest import Daemon


def test_name_and_flags_survive_a_restart_and_boot_id_changes(daemon: Daemon) -> None:
    first = daemon.start()
    boot = daemon.client.call("update.health")["bootId"]
    assert daemon.client.call("update.name") == {"name": "opentrons-dev"}
    assert daemon.client.call("update.name.set", {"name": "Grace"}) == {"name": "Grace"}
    daemon.client.call("update.settings.set", {"id": "enableDoorSafetySwitch", "value": True})
    os.kill(first.popen.pid, signal.SIGKILL)
    first.popen.wait(timeout=10)
    daemon.start()
    health = daemon.client.call("update.health", idempotent=True)
    assert health["bootId"] != boot and health["name"] == "Grace"
    state = daemon.client.call("update.state")
    assert state["settings"]["enableDoorSafetySwitch"] is True and state["name"] == "Grace"


def test_other_daemons_see_setting_changes_as_events(daemon: Daemon) -> None:
    daemon.start()
    ctx = zmq.Context()
    sub = Subscriber(ctx, [daemon.config.pub("update")], ["update.settings"])
    try:
        event = None
        for _ in range(50):  # a subscription takes a moment to reach the publisher; repeat the write until seen
            daemon.client.call("update.settings.set", {"id": "shortFixedTrash", "value": True})
            event = sub.recv(timeout=0.1)
            if event is not None:
                break
        assert event is not None and event.data["settings"]["shortFixedTrash"] is True
    finally:
        sub.close()
        ctx.term()


@pytest.mark.parametrize(("op", "args", "says"), [
    ("update.name.set", {}, "a name is required"),
    ("update.name.set", {"name": ""}, "robot name"),
    ("update.settings.set", {"value": True}, "a setting id is required"),
    ("update.settings.set", {"id": "nope", "value": True}, "no setting with id"),
    ("update.reset", {"deckCalibration": "yes"}, "non-boolean"),
    ("update.reset", {"everything": True}, "unknown ids"),
])
def test_bad_requests_get_clear_errors_and_the_daemon_stays_up(daemon: Daemon, op: str, args: dict,
                                                                says: str) -> None:
    daemon.start()
    with pytest.raises(BadRequest, match=says):
        daemon.client.call(op, args)
    assert daemon.client.call("update.name")["name"] == "opentrons-dev"


def test_robot_config_and_reset(daemon: Daemon) -> None:
    daemon.start()
    daemon.client.call("update.name.set", {"name": "Lab 3"})
    config = daemon.client.call("update.settings.robot")
    assert config["name"] == "Lab 3" and config["model"] == "OT-2 Standard" and config["serial_speed"] == 115200
    ids = [o["id"] for o in daemon.client.call("update.reset.options")["options"]]
    assert "deckCalibration" in ids and "runsHistory" in ids
    (daemon.data_dir / "boot.d").mkdir()
    (daemon.data_dir / "ssh").mkdir()
    assert daemon.client.call("update.reset", {"bootScripts": True, "authorizedKeys": False}) == {
        "message": "Options 'Boot Scripts' were reset"}
    assert not (daemon.data_dir / "boot.d").exists() and (daemon.data_dir / "ssh").exists()
    assert daemon.client.call("update.reset", {}) == {"message": "Nothing to do"}
