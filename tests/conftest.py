"""Shared fixtures: short run directories and real child processes that are always cleaned up."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zmq

from bus import BusConfig, Client

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_dir() -> Iterator[Path]:
    """A short run directory (ipc socket paths must stay under ~100 characters)."""
    path = Path(tempfile.mkdtemp(prefix="ot2t-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def client(run_dir: Path) -> Iterator[Client]:
    """A bus client for the test's run directory."""
    ctx = zmq.Context()
    with Client(ctx, BusConfig(run_dir), timeout=10) as bus_client:
        yield bus_client
    ctx.term()


def wait_until(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.02) -> object:
    """Poll `predicate` until it returns a truthy value; fail the test when `timeout` passes first."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {timeout} s: {predicate}")
        time.sleep(interval)


class Proc:
    """A child process whose output lines are collected by a thread, so tests can wait on a line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, text: str, timeout: float = 15.0) -> str:
        def found() -> str | None:
            if self.popen.poll() is not None and not any(text in line for line in self.lines):
                raise AssertionError(f"process exited ({self.popen.returncode}) before {text!r}:\n"
                                     + "\n".join(self.lines[-30:]))
            return next((line for line in self.lines if text in line), None)
        return str(wait_until(found, timeout))

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=10)


@pytest.fixture
def spawn() -> Iterator[Callable[..., Proc]]:
    """Start real child processes (`python <args>`); every one is killed at the end of the test."""
    procs: list[Proc] = []

    def start(*args: str, env: dict[str, str] | None = None, ready: str | None = None) -> Proc:
        proc = Proc([sys.executable, *args], {**os.environ, **(env or {})})
        procs.append(proc)
        if ready:
            proc.wait_for_line(ready)
        return proc
    yield start
    for proc in procs:
        proc.stop()
