"""Analysis in a child process: results, errors, and a time limit that ends endless loops."""
from __future__ import annotations

import time
from pathlib import Path

from run_daemon.analysis import analyze
from tests.runs.conftest import PROTOCOLS, write_protocol
from tests.runs.test_bus_backend import simulated_commands


def test_a_good_protocol_analyzes_ok_with_its_commands_and_loads() -> None:
    analysis = analyze(PROTOCOLS / "basic_v2_0.py")
    assert analysis["result"] == "ok" and analysis["errors"] == []
    simulated = simulated_commands(PROTOCOLS / "basic_v2_0.py")
    assert [(c["commandType"], c["params"]) for c in analysis["commands"]] == \
        [(c["commandType"], c["params"]) for c in simulated]
    assert {p["pipetteName"] for p in analysis["pipettes"]} == {"p300_single_gen2"}
    assert "corning_96_wellplate_360ul_flat" in {lw["loadName"] for lw in analysis["labware"]}


def test_a_protocol_error_is_a_not_ok_analysis_naming_the_line(tmp_path: Path) -> None:
    path = write_protocol(tmp_path, """
        tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
        pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
        pipette.aspirate(10)
    """)
    analysis = analyze(path)
    assert analysis["result"] == "not-ok"
    assert "line 8" in analysis["errors"][0]["detail"]


def test_an_endless_loop_ends_as_a_failed_analysis_within_the_limit(tmp_path: Path) -> None:
    path = write_protocol(tmp_path, """
        while True:
            pass
    """)
    started = time.monotonic()
    analysis = analyze(path, time_limit_s=3)
    assert time.monotonic() - started < 10
    assert analysis["result"] == "not-ok" and analysis["errors"][0]["errorType"] == "AnalysisTimeout"


def test_a_file_that_is_not_a_protocol_is_a_not_ok_analysis(tmp_path: Path) -> None:
    path = tmp_path / "notes.py"
    path.write_bytes(b"\xff\xfe not text")
    analysis = analyze(path)
    assert analysis["result"] == "not-ok" and analysis["errors"][0]["detail"]
