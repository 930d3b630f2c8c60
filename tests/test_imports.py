"""Libraries are stateless on import: no thread started, no file or socket opened, for every package."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = r"""
import importlib, json, os, sys, threading
before = set(os.listdir('/proc/self/fd'))
importlib.import_module(sys.argv[1])
opened = []
for fd in set(os.listdir('/proc/self/fd')) - before:
    try:
        opened.append(os.readlink('/proc/self/fd/' + fd))
    except OSError:
        pass
print(json.dumps({"threads": threading.active_count(), "opened": [p for p in opened if not p.startswith('/proc')]}))
"""

PACKAGES = ["bus", "bus.cli", "bus.service", "motion_daemon", "api_gateway", "update_daemon", "supervisor",
            "calibration_daemon", "calibration_daemon.service", "opentrons.calibration_storage.store",
            "opentrons"]


@pytest.mark.parametrize("package", PACKAGES)
def test_import_is_stateless(package: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, package], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found == {"threads": 1, "opened": []}
