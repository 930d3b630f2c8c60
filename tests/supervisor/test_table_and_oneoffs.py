"""The process table's validation, one-off bookkeeping and the log view, without processes."""
from __future__ import annotations

import io
import json
import signal
import sys
from pathlib import Path

import pytest

from bus import BadRequest, Conflict
from tests.supervisor.fakeos import FakeOS
from supervisor.logview import LogView
from supervisor.oneoff import OneOffs
from supervisor.table import load_table


def write_table(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "table.json"
    path.write_text(json.dumps(document))
    return path


def test_a_table_keeps_its_order_and_policy(tmp_path: Path) -> None:
    path = write_table(tmp_path, {"processes": [
        {"name": "motion", "argv": ["python", "-m", "x"], "critical": True, "hang_timeout": 1},
        {"name": "helper", "argv": ["sleep", "9"], "heartbeat": False, "stop_signal": "INT"}]})
    motion, helper = load_table(path, {"grace": 0.5})
    assert (motion.name, motion.critical, motion.hang_timeout, motion.grace) == ("motion", True, 1.0, 0.5)
    assert motion.command()[0] == sys.executable
    assert (helper.heartbeat, helper.stop_signal, helper.command()) == (False, signal.SIGINT, ["sleep", "9"])


@pytest.mark.parametrize("document, complaint", [
    ([], "expected an object with a list 'processes'"),
    ({"processes": [3]}, "expected an object, got int"),
    ({"processes": [{"name": "Motion!", "argv": ["x"]}]}, "'name' must match"),
    ({"processes": [{"name": "motion", "argv": []}]}, "'argv' must be a non-empty list"),
    ({"processes": [{"name": "motion", "argv": ["x"], "env": {"A": 1}}]}, "'env' must map strings"),
    ({"processes": [{"name": "motion", "argv": ["x"], "hang_timeout": -1}]}, "'hang_timeout' must be a number"),
    ({"processes": [{"name": "motion", "argv": ["x"], "critical": "yes"}]}, "'critical' must be true or false"),
    ({"processes": [{"name": "motion", "argv": ["x"], "startretries": 1.5}]}, "'startretries' must be an integer"),
    ({"processes": [{"name": "motion", "argv": ["x"], "stop_signal": "KILL"}]}, "'stop_signal' must be one of"),
    ({"processes": [{"name": "motion", "argv": ["x"], "colour": "red"}]}, "unknown keys ['colour']"),
    ({"processes": [{"name": "helper", "argv": ["x"]}]}, "set \"heartbeat\": false"),
    ({"processes": [{"name": "motion", "argv": ["x"]}, {"name": "motion", "argv": ["y"]}]}, "must be unique"),
])
def test_a_bad_table_is_refused_with_what_was_expected(tmp_path: Path, document: object, complaint: str) -> None:
    with pytest.raises(BadRequest) as caught:
        load_table(write_table(tmp_path, document))
    assert complaint in caught.value.message


def test_an_unreadable_table_says_so(tmp_path: Path) -> None:
    with pytest.raises(BadRequest, match="cannot read it"):
        load_table(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(BadRequest, match="not valid JSON"):
        load_table(tmp_path / "bad.json")


def test_one_offs_report_start_and_exit_and_refuse_a_running_id() -> None:
    os_, events = FakeOS(), []
    oneoffs = OneOffs(os_, {"BASE": "1"}, events.append, lambda ident: lambda line: None)
    started = oneoffs.spawn({"id": "run-1", "argv": ["python", "-c", "pass"], "env": {"RUN": "1"}})
    assert started["state"] == "running" and os_.last.env == {"BASE": "1", "RUN": "1"}
    assert os_.last.argv[0] == sys.executable
    with pytest.raises(Conflict, match="still running"):
        oneoffs.spawn({"id": "run-1", "argv": ["true"]})
    os_.clock += 2.0
    os_.last.status = 7
    oneoffs.tick()
    assert [e["state"] for e in events] == ["running", "exited"]
    assert events[-1]["status"] == 7 and events[-1]["reason"] == "exited with status 7"
    assert events[-1]["runtime_s"] == 2.0
    assert oneoffs.spawn({"id": "run-1", "argv": ["true"]})["state"] == "running"  # a finished id may be reused


@pytest.mark.parametrize("args, field", [
    ({"argv": ["true"]}, "'id'"), ({"id": "a b", "argv": ["true"]}, "'id'"), ({"id": "r"}, "'argv'"),
    ({"id": "r", "argv": "true"}, "'argv'"), ({"id": "r", "argv": ["true"], "env": {"A": None}}, "'env'"),
])
def test_one_off_arguments_are_checked(args: dict, field: str) -> None:
    oneoffs = OneOffs(FakeOS(), {}, lambda snap: None, lambda ident: lambda line: None)
    with pytest.raises(BadRequest, match=field):
        oneoffs.spawn(args)


def test_stop_all_escalates_to_sigkill_after_the_grace() -> None:
    os_ = FakeOS()
    os_.obeys_term = False
    oneoffs = OneOffs(os_, {}, lambda snap: None, lambda ident: lambda line: None)
    oneoffs.spawn({"id": "r", "argv": ["true"]})
    oneoffs.stop_all(grace=1.0)
    oneoffs.tick()
    assert os_.last.signals == [signal.SIGTERM] and oneoffs.running()
    os_.clock += 1.0
    oneoffs.tick()
    oneoffs.tick()
    assert os_.last.signals == [signal.SIGTERM, signal.SIGKILL] and not oneoffs.running()


def test_log_view_tags_every_line_readable_or_as_json() -> None:
    out = io.StringIO()
    text = LogView(out, as_json=False)
    text.child_line("motion", json.dumps({"ts": "2026-01-01T10:00:00.5Z", "level": "warning",
                                          "event": "homed", "axes": "XYZ", "service": "motion"}))
    text.child_line("motion", "Traceback (most recent call last):")
    text.write('{"event": "own", "level": "info"}\npartial')
    first, second, third = out.getvalue().splitlines()
    assert first.split()[1:] == ["motion", "warning", "homed", "axes=XYZ"]
    assert second.endswith("motion     | Traceback (most recent call last):")
    assert third.split()[1:] == ["supervisor", "info", "own"]
    out = io.StringIO()
    machine = LogView(out, as_json=True)
    machine.child_line("gateway", '{"event": "up"}')
    machine.child_line("gateway", "plain text")
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"service": "gateway", "event": "up"},
        {"service": "gateway", "level": "info", "event": "output", "line": "plain text"}]
