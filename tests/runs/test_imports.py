"""The runner's modules are stateless on import, like every other package."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.test_imports import PROBE


@pytest.mark.parametrize("module", ["run_daemon", "run_daemon.journal", "run_daemon.run", "run_daemon.service",
                                    "run_daemon.analysis", "run_daemon.__main__", "run_daemon.runner",
                                    "run_daemon.manager", "run_daemon.protocol_ops", "run_daemon.exits",
                                    "run_daemon.uploads", "run_daemon.motion_watch", "opentrons.engine.bus_backend",
                                    "opentrons.execute"])
def test_import_is_stateless(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"threads": 1, "opened": []}
