"""Fixtures: a real update daemon process on a private run dir and data dir, a bus client to it, and a supervisor
with no daemons of its own: it owns the active-slot record that a commit asks it to switch."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zmq

from bus import BusConfig, Client
from tests.update.helpers import new_key


@dataclass
class Daemon:
    """How to (re)start the daemon, and its directories and keys."""

    start: Callable[[], object]
    data_dir: Path
    private_key: Path
    client: Client
    config: BusConfig


@pytest.fixture
def daemon(run_dir: Path, tmp_path: Path, spawn) -> Iterator[Daemon]:
    private, public = new_key(tmp_path, "robot")
    data_dir = tmp_path / "data"
    env = {"OT2_RUN_DIR": str(run_dir), "OT2_DATA_DIR": str(data_dir), "OT2_UPDATE_KEY": str(public),
           "OT2_BUS_TRANSPORT": "ipc"}
    config = BusConfig.from_env(env)
    ctx = zmq.Context()
    client = Client(ctx, config, timeout=5)

    table = tmp_path / "no-daemons.json"
    table.write_text('{"processes": []}')
    spawn("-m", "supervisor", "start", "--table", str(table), "--data-dir", str(data_dir), env=env,
          ready="service_ready")

    def start() -> object:
        return spawn("-m", "update_daemon", env=env, ready="service_ready")
    yield Daemon(start, data_dir, private, client, config)
    client.close()
    ctx.term()
