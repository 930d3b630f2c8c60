"""The opentrons_simulate and opentrons_execute commands, run as real processes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TIMEOUT_S = 60


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)


def test_simulate_prints_the_run_log() -> None:
    done = _run("opentrons_simulate", str(HERE / "protocols" / "copy96.py"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (HERE / "golden" / "copy96.log").read_text(encoding="utf-8")


def test_simulate_json_prints_the_command_list() -> None:
    done = _run("opentrons_simulate", "--json", str(HERE / "protocols" / "copy96.py"))
    commands = json.loads(done.stdout)
    kinds = [c["commandType"] for c in commands]
    assert kinds.count("pickUpTip") == 96 and kinds.count("aspirate") == 96
    assert commands[0]["commandType"] == "loadLabware"


def test_a_failing_protocol_exits_non_zero_naming_its_line(tmp_path: Path) -> None:
    protocol = tmp_path / "bad.py"
    protocol.write_text(
        "metadata = {'apiLevel': '2.13'}\n"
        "def run(protocol):\n"
        "    plate = protocol.load_labware('corning_96_wellplate_360ul_flat', 1)\n"
        "    pip = protocol.load_instrument('p300_single_gen2', 'left')\n"
        "    pip.aspirate(10, plate['A1'])\n"
    )
    done = _run("opentrons_simulate", str(protocol))
    assert done.returncode == 1
    assert "NoTipAttachedError [line 5]" in done.stderr
    assert "pick_up_tip" in done.stderr


def test_unknown_labware_and_taken_slot_are_clear(tmp_path: Path) -> None:
    protocol = tmp_path / "slots.py"
    protocol.write_text(
        "metadata = {'apiLevel': '2.13'}\n"
        "def run(protocol):\n"
        "    protocol.load_labware('corning_96_wellplate_360ul_flat', 1)\n"
        "    protocol.load_labware('corning_96_wellplate_360ul_flat', 1)\n"
    )
    done = _run("opentrons_simulate", str(protocol))
    assert done.returncode == 1 and "[line 4]" in done.stderr and "Slot 1 is already occupied" in done.stderr
    protocol.write_text(protocol.read_text().replace("corning_96_wellplate_360ul_flat', 1)\n    protocol", "nope', 2)\n    protocol"))
    done = _run("opentrons_simulate", str(protocol))
    assert done.returncode == 1 and "[line 3]" in done.stderr and '"nope"' in done.stderr


def test_custom_labware_folder_is_used() -> None:
    done = _run("opentrons_simulate", "-L", str(HERE / "labware"), str(HERE / "protocols" / "custom_labware.py"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (HERE / "golden" / "custom_labware.log").read_text(encoding="utf-8")


def test_execute_without_a_motion_daemon_says_so(tmp_path: Path) -> None:
    done = subprocess.run([str(BIN / "opentrons_execute"), str(HERE / "protocols" / "copy96.py")],
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
                          env={**os.environ, "OT2_RUN_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert "Unavailable" in done.stderr and "motion" in done.stderr


def test_info_logging_is_one_json_line_on_stderr() -> None:
    done = _run("opentrons_simulate", "-l", "info", str(HERE / "protocols" / "copy96.py"))
    event = json.loads(done.stderr.strip().splitlines()[-1])
    assert event["event"] == "simulation.finished" and event["commands"] > 96
    assert event["simulated_s"] > 0
