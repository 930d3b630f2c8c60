"""Importing the opentrons package opens no data file and starts no thread."""
from __future__ import annotations

import subprocess
import sys

TIMEOUT_S = 60
PROBE = """
import sys, threading
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
import opentrons, opentrons.protocol_api, opentrons.simulate, opentrons.execute, opentrons.types
import opentrons.protocol_api.protocol_context, opentrons.engine.engine, opentrons.json_protocol
data = [p for p in opened if not p.endswith((".py", ".pyc")) and "__pycache__" not in p]
print(threading.active_count(), data)
"""


def test_import_opens_no_data_file_and_starts_no_thread() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=True)
    assert done.stdout.strip() == "1 []"


def test_importing_protocol_api_loads_no_engine() -> None:
    probe = "import sys, opentrons.protocol_api; print('opentrons.engine.engine' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=True)
    assert done.stdout.strip() == "False"
