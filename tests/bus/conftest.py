"""Fixtures for bus tests: the demo service as a real process, over ipc and tcp."""
from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zmq

from bus import SERVICES, BusConfig, Client

DEMO = str(Path(__file__).with_name("demo_service.py"))


def free_port_block(size: int = 2 * len(SERVICES)) -> int:
    """A base port whose next `size` loopback ports are free now (other test runs may share the machine)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size < 65000 and all(_is_free(base + i) for i in range(size)):
            return base
    raise RuntimeError(f"no block of {size} free loopback ports found")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(params=["ipc", "tcp"])
def bus_env(request: pytest.FixtureRequest, run_dir: Path) -> dict[str, str]:
    """Environment for one bus: ipc in a fresh run dir, or tcp on loopback ports of its own."""
    env = {"OT2_RUN_DIR": str(run_dir), "OT2_BUS_TRANSPORT": request.param}
    if request.param == "tcp":
        env["OT2_BUS_BASE_PORT"] = str(free_port_block())
    return env


@pytest.fixture
def config(bus_env: dict[str, str]) -> BusConfig:
    return BusConfig.from_env(bus_env)


@pytest.fixture
def demo(spawn: Callable, bus_env: dict[str, str]) -> Callable:
    """Start the demo service (as `motion` unless another name is given) and wait until it serves."""
    def start(service: str = "motion"):
        return spawn(DEMO, service, env=bus_env, ready="service_ready")
    return start


@pytest.fixture
def client(config: BusConfig) -> Iterator[Client]:
    ctx = zmq.Context()
    with Client(ctx, config, timeout=5.0) as c:
        yield c
    ctx.term()
