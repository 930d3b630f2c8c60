"""Our run log matches the reference simulator's golden log, line for line, on every committed protocol."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from opentrons.runner import ProtocolRunError
from opentrons.simulate import format_runlog, simulate

HERE = Path(__file__).resolve().parent
PROTOCOLS = HERE / "protocols"
GOLDEN = HERE / "golden"
LABWARE = HERE / "labware"
# The reference 9.0.0 refuses schema-6 JSON protocols in opentrons_simulate; running them is
# part of our brief, so for these we require a run log instead of the reference's refusal.
RUNS_WHERE_REFERENCE_REFUSES = {"err_json_v6.json"}


def _cases(suffix: str) -> list:
    found = []
    for protocol in sorted(PROTOCOLS.glob("*")):
        if protocol.suffix in (".py", ".json") and (GOLDEN / f"{protocol.stem}{suffix}").is_file():
            found.append(pytest.param(protocol, id=protocol.name))
    return found


def _simulate(protocol: Path) -> str:
    runlog, _ = simulate(protocol, custom_labware_paths=[str(LABWARE)])
    return format_runlog(runlog)


@pytest.mark.parametrize("protocol", _cases(".log"))
def test_run_log_matches_golden_line_for_line(protocol: Path) -> None:
    expected = (GOLDEN / f"{protocol.stem}.log").read_text(encoding="utf-8").splitlines()
    assert _simulate(protocol).splitlines() == expected


@pytest.mark.parametrize("protocol", _cases(".error"))
def test_failing_protocol_fails_at_the_same_line(protocol: Path) -> None:
    if protocol.name in RUNS_WHERE_REFERENCE_REFUSES:
        assert "Picking up tip from" in _simulate(protocol)
        return
    golden = (GOLDEN / f"{protocol.stem}.error").read_text(encoding="utf-8").strip()
    with pytest.raises(Exception) as caught:
        _simulate(protocol)
    message = str(caught.value)
    expected_line = re.search(r"\[line (\d+)\]", golden)
    if expected_line:
        assert isinstance(caught.value, ProtocolRunError)
        assert f"[line {expected_line.group(1)}]" in message
    assert message, "the error must say what was wrong"


def test_golden_set_is_not_empty() -> None:
    assert len(_cases(".log")) >= 25
