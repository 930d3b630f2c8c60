"""The `ot2` command without a running supervisor, and imports of every supervisor module staying stateless."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_imports import PROBE

MODULES = ["supervisor.cli", "supervisor.app", "supervisor.forkserver", "supervisor.arbiter", "supervisor.control"]


@pytest.mark.parametrize("module", MODULES)
def test_importing_opens_nothing_and_starts_no_thread(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"threads": 1, "opened": []}


@pytest.mark.parametrize("command", [["status"], ["restart", "motion"]])
def test_without_a_supervisor_the_commands_say_it_is_not_running(run_dir: Path, command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "supervisor", "--run-dir", str(run_dir), *command],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("error: unavailable: supervisor is not reachable at ipc://")
    assert "(is it running?)" in done.stderr
