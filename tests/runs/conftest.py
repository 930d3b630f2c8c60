"""Fixtures: a real motion daemon on a simulated board and small protocol files (the bus client is shared)."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any
from pathlib import Path

import pytest

PIPETTES = "left:p300_single_v2.0,right:p20_single_v2.2"
PROTOCOLS = Path(__file__).resolve().parent.parent / "protocollib" / "protocols"


@pytest.fixture
def motion(spawn: Callable, run_dir: Path) -> Callable[..., dict[str, str]]:
    """Start `python -m motion_daemon` (instant board unless `speed` is given); returns its bus environment."""
    def start(speed: str = "0", pipettes: str = PIPETTES) -> dict[str, str]:
        env = {"OT2_RUN_DIR": str(run_dir), "OT2_SIM_SPEED": speed, "OT2_SIM_PIPETTES": pipettes}
        spawn("-m", "motion_daemon", env=env, ready="motion_ready")
        return env
    return start



def write_protocol(folder: Path, body: str, api_level: str = "2.13") -> Path:
    """A Python protocol file whose run() body is `body`."""
    path = folder / "protocol.py"
    path.write_text(f'metadata = {{"apiLevel": "{api_level}"}}\n\n\ndef run(protocol):\n'
                    + textwrap.indent(textwrap.dedent(body), "    "))
    return path


# The whole-stack tests start a real supervisor the way the supervisor's own tests do.
from tests.supervisor.conftest import stack  # noqa: E402,F401


def motion_entry(speed: str) -> dict[str, Any]:
    """A supervisor table entry for the motion daemon on a simulated board."""
    return {"name": "motion", "argv": ["python", "-m", "motion_daemon"], "critical": True,
            "env": {"OT2_SIM_SPEED": speed, "OT2_SIM_PIPETTES": PIPETTES}}
