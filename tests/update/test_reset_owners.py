"""Factory reset through the owners: calibration and runs data are wiped by the daemons that own them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bus import Conflict, Unavailable
from tests.update.conftest import Daemon

PROTOCOL = b"metadata = {'apiLevel': '2.13'}\n\ndef run(protocol):\n    protocol.comment('hello')\n"


def _seed_calibration(data_dir: Path) -> tuple[Path, Path]:
    deck = data_dir / "calibration" / "deck" / "deck_calibration.json"
    offset = data_dir / "calibration" / "pipette_offset" / "left" / "P20SV202020070101.json"
    for path in (deck, offset):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"schemaVersion": 1}))
    return deck, offset


def _upload(daemon: Daemon) -> str:
    token = daemon.client.call("runs.upload.begin")["token"]
    daemon.client.call("runs.upload.write", {"token": token, "name": "hello.py", "offset": 0, "data": PROTOCOL})
    return daemon.client.call("runs.upload.finish", {"token": token}, timeout=20)["protocol"]["id"]


@pytest.fixture
def owners(daemon: Daemon, run_dir: Path, spawn) -> Daemon:
    env = {"OT2_RUN_DIR": str(run_dir), "OT2_DATA_DIR": str(daemon.data_dir), "OT2_BUS_TRANSPORT": "ipc"}
    spawn("-m", "calibration_daemon", env=env, ready="service_ready")
    spawn("-m", "run_daemon", env=env, ready="service_ready")
    daemon.start()
    return daemon


def test_each_option_is_wiped_by_its_owner_and_nothing_else_goes(owners: Daemon) -> None:
    deck, offset = _seed_calibration(owners.data_dir)
    protocol_id = _upload(owners)
    (owners.data_dir / "boot.d").mkdir()
    answer = owners.client.call("update.reset", {"deckCalibration": True, "bootScripts": True,
                                                 "runsHistory": False}, timeout=15)
    assert answer == {"message": "Options 'Deck Calibration', 'Boot Scripts' were reset"}
    assert not deck.exists() and offset.exists() and not (owners.data_dir / "boot.d").exists()
    assert owners.client.call("runs.protocol", {"id": protocol_id})["id"] == protocol_id
    owners.client.call("update.reset", {"runsHistory": True, "pipetteOffsetCalibrations": True}, timeout=15)
    assert not offset.exists() and owners.client.call("runs.protocols") == []


def test_an_owner_that_is_down_is_named_and_the_options_it_owns_stay(daemon: Daemon) -> None:
    deck, _ = _seed_calibration(daemon.data_dir)
    (daemon.data_dir / "boot.d").mkdir()
    daemon.start()
    with pytest.raises(Unavailable, match="deckCalibration not reset: the calibration service") as refused:
        daemon.client.call("update.reset", {"deckCalibration": True, "bootScripts": True}, timeout=15)
    assert refused.value.details["not_reset"] == ["deckCalibration"] and refused.value.details["reset"] == []
    assert deck.exists() and (daemon.data_dir / "boot.d").exists()  # a reset that fails clears nothing more


def test_runs_history_is_refused_while_a_run_is_active(owners: Daemon) -> None:
    protocol_id = _upload(owners)
    owners.client.call("runs.create", {"protocolId": protocol_id})
    with pytest.raises(Conflict, match="runsHistory not reset: the runs service"):
        owners.client.call("update.reset", {"runsHistory": True}, timeout=15)
    assert owners.client.call("runs.protocol", {"id": protocol_id})["id"] == protocol_id
