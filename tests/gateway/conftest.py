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
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import wait_until

STUB = str(Path(__file__).with_name("stub_service.py"))
# The motion daemon lands on its own branch; tests that drive it wait for it rather than fail without it.
needs_motion = pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "motion_daemon" / "__main__.py").exists(),
    reason="motion_daemon has no __main__ on this branch yet")


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


class Launched:
    """A child process started for a whole test module; its output is read by a thread so nothing blocks."""

    def __init__(self, args: list[str], env: dict[str, str], ready: str, timeout: float = 30.0) -> None:
        self.popen = subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        self._seen = threading.Event()
        self._ready = ready
        threading.Thread(target=self._read, daemon=True).start()
        if not self._seen.wait(timeout) or self._ready not in "\n".join(self.lines):
            self.stop()
            raise AssertionError(f"{args} not ready within {timeout} s:\n" + "\n".join(self.lines[-20:]))

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))
            if self._ready in line:
                self._seen.set()
        self._seen.set()  # the process ended: stop waiting for a line that will never come

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=10)


@pytest.fixture(scope="module")
def module_run_dir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="ot2g-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def gateway(module_run_dir: str) -> Iterator[Http]:
    """One gateway for a whole test module, on a bus where no other service runs."""
    port = free_port()
    proc = Launched(["-m", "api_gateway"], {"OT2_RUN_DIR": module_run_dir, "OT2_HTTP_PORT": str(port)},
                    "listening on")
    yield Http(port, proc=proc)
    proc.stop()


class MotionDaemon:
    """The real motion daemon (simulated board, instant moves) as a process a test may kill and start again."""

    def __init__(self, run_dir: str) -> None:
        self.env = {"OT2_RUN_DIR": run_dir, "OT2_SIM_SPEED": "0"}
        self.proc = self.start()

    def start(self) -> Launched:
        self.proc = Launched(["-m", "motion_daemon"], self.env, "service_ready")
        return self.proc

    def kill(self) -> None:
        self.proc.popen.kill()
        self.proc.popen.wait(timeout=10)


@pytest.fixture(scope="module")
def motion(module_run_dir: str) -> Iterator[MotionDaemon]:
    daemon = MotionDaemon(module_run_dir)
    yield daemon
    daemon.proc.stop()


@pytest.fixture(scope="module")
def robot(module_run_dir: str, motion: MotionDaemon) -> Iterator[Http]:
    """A gateway in front of the real motion daemon, for a whole test module; ready once /health answers 200."""
    port = free_port()
    proc = Launched(["-m", "api_gateway"], {**motion.env, "OT2_HTTP_PORT": str(port)}, "listening on")
    http = Http(port, proc=proc)
    try:
        wait_until(lambda: http.get("/health").status == 200, timeout=20)
        yield http
    finally:
        proc.stop()


@pytest.fixture
def stub(spawn: Callable, bus_env: dict[str, str]) -> Callable:
    """Start the stub bus service as `service` (extra env allowed) and wait until it serves."""
    def start(service: str, **env: str):
        return spawn(STUB, service, env={**bus_env, **env}, ready="service_ready")
    return start
