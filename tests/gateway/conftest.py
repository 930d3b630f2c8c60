"""Fixtures for gateway tests: the gateway and small bus services as real processes, and a plain HTTP client."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STUB = str(Path(__file__).with_name("stub_service.py"))


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names) and the decoded JSON body (None when not JSON)."""

    status: int
    headers: dict[str, str]
    body: Any
    raw: bytes


@dataclass
class Http:
    """A blocking HTTP client for the gateway under test."""

    port: int
    host: str = "127.0.0.1"
    proc: Any = None

    def request(self, method: str, path: str, body: Any = None, *, version: str | None = "3",
                headers: dict[str, str] | None = None, raw: bytes | None = None, timeout: float = 30.0) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        sent = dict(headers or {})
        if version is not None:
            sent["Opentrons-Version"] = version
        payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        if payload is not None:
            sent.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=payload, headers=sent)
            resp = conn.getresponse()
            data = resp.read()
            return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, _json(data), data)
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.request("POST", path, body, **kw)


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


@pytest.fixture
def bus_env(run_dir: Path) -> dict[str, str]:
    """One bus in a fresh run directory (ipc)."""
    return {"OT2_RUN_DIR": str(run_dir), "OT2_SIM_SPEED": "0"}


@pytest.fixture
def start_gateway(spawn: Callable, bus_env: dict[str, str]) -> Callable[..., Http]:
    """Start `python -m api_gateway` on a free port (extra env allowed) and wait until it listens."""
    def start(**env: str) -> Http:
        port = free_port()
        proc = spawn("-m", "api_gateway", env={**bus_env, "OT2_HTTP_PORT": str(port), **env}, ready="listening on")
        return Http(port, proc=proc)
    return start


@pytest.fixture(scope="module")
def gateway() -> Iterator[Http]:
    """One gateway for a whole test module, on a bus where no other service runs."""
    run_dir = tempfile.mkdtemp(prefix="ot2g-", dir="/tmp")
    port = free_port()
    env = {**os.environ, "OT2_RUN_DIR": run_dir, "OT2_HTTP_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "api_gateway"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the first line says where it listens (or the process died)
        assert "listening on" in line, f"gateway did not start: {line!r}"
        yield Http(port)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def stub(spawn: Callable, bus_env: dict[str, str]) -> Callable:
    """Start the stub bus service as `service` (extra env allowed) and wait until it serves."""
    def start(service: str, **env: str):
        return spawn(STUB, service, env={**bus_env, **env}, ready="service_ready")
    return start
