"""Endpoint derivation: one place, from the environment, for ipc and tcp."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bus import SERVICES, BadRequest, BusConfig, service_of


def test_ipc_endpoints_live_in_the_run_dir(run_dir: Path) -> None:
    config = BusConfig.from_env({"OT2_RUN_DIR": str(run_dir)})
    assert config.rpc("motion") == f"ipc://{run_dir}/motion.rpc"
    assert config.pub("motion") == f"ipc://{run_dir}/motion.pub"


def test_run_dir_is_created_private(run_dir: Path) -> None:
    config = BusConfig.from_env({"OT2_RUN_DIR": str(run_dir / "sub")})
    made = config.ensure_run_dir()
    assert stat.S_IMODE(made.stat().st_mode) == 0o700


def test_tcp_endpoints_are_distinct_ports() -> None:
    config = BusConfig.from_env({"OT2_BUS_TRANSPORT": "tcp", "OT2_BUS_BASE_PORT": "40000"})
    addresses = {config.rpc(s) for s in SERVICES} | {config.pub(s) for s in SERVICES}
    assert len(addresses) == 2 * len(SERVICES)
    assert config.rpc("supervisor") == "tcp://127.0.0.1:40000"


def test_env_round_trip() -> None:
    config = BusConfig.from_env({"OT2_BUS_TRANSPORT": "tcp", "OT2_BUS_BASE_PORT": "40100", "OT2_RUN_DIR": "/tmp/x"})
    assert BusConfig.from_env(config.as_env()) == config


@pytest.mark.parametrize("env, words", [
    ({"OT2_BUS_TRANSPORT": "udp"}, "expected 'ipc' or 'tcp'"),
    ({"OT2_BUS_BASE_PORT": "80"}, "expected a port number"),
    ({"OT2_BUS_BASE_PORT": "many"}, "expected a port number"),
])
def test_bad_configuration_is_explained(env: dict[str, str], words: str) -> None:
    with pytest.raises(BadRequest, match=words):
        BusConfig.from_env(env)


def test_unknown_service_and_long_paths_are_refused() -> None:
    with pytest.raises(BadRequest, match="known services"):
        BusConfig.from_env({}).rpc("toaster")
    with pytest.raises(BadRequest, match="shorter OT2_RUN_DIR"):
        BusConfig.from_env({"OT2_RUN_DIR": "/tmp/" + "d" * 120}).rpc("motion")


def test_service_of() -> None:
    assert service_of("motion.move") == "motion"
    with pytest.raises(BadRequest):
        service_of("motion")


def test_default_run_dir_prefers_a_local_robot(run_dir: Path) -> None:
    from bus.endpoints import DEFAULT_RUN_DIR, default_run_dir
    assert default_run_dir(run_dir) == Path(DEFAULT_RUN_DIR)
    (run_dir / "var" / "run").mkdir(parents=True)
    assert default_run_dir(run_dir) == run_dir / "var" / "run"
