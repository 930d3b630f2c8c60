"""The process table: which daemons the supervisor runs, in what order, and how it watches each one."""
from __future__ import annotations

import importlib.util
import json
import re
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bus import SERVICES, BadRequest

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
PYTHON = "python"  # argv[0] spelled this way means "the interpreter the supervisor runs on"


@dataclass(frozen=True)
class ProcessSpec:
    """One daemon: its command and the policy the supervisor applies to it (times in seconds)."""

    name: str
    argv: tuple[str, ...]
    critical: bool = False
    env: dict[str, str] = field(default_factory=dict)
    heartbeat: bool = True      # watch `<name>.heartbeat`; without it a child is running after `startsecs`
    startsecs: float = 1.0      # an exit sooner than this after spawn counts as a failed start
    start_timeout: float = 10.0  # a heartbeat daemon silent this long after spawn is killed as a failed start
    hang_timeout: float = 3.0   # a running daemon whose heartbeat stops this long is hung: SIGKILL, restart
    startretries: int = 3       # failed starts in a row beyond this mark the daemon fatal
    stop_signal: int = signal.SIGTERM
    grace: float = 3.0          # time between the stop signal and SIGKILL
    backoff_base: float = 0.2   # first restart delay; doubles with every quick exit in a row
    backoff_max: float = 10.0

    def command(self) -> list[str]:
        """The argv to execute, with `python` replaced by the supervisor's own interpreter."""
        head = sys.executable if self.argv[0] == PYTHON else self.argv[0]
        return [head, *self.argv[1:]]


# (name, module, critical) in start order: motion first, since everything that moves the robot asks it.
DAEMONS: tuple[tuple[str, str, bool], ...] = (
    ("motion", "motion_daemon", True),
    ("calibration", "calibration_daemon", False),
    ("runs", "run_daemon", False),
    ("gateway", "api_gateway", False),
    ("update", "update_daemon", False),
)


def default_table(overrides: dict[str, Any] | None = None) -> list[ProcessSpec]:
    """The robot's daemons whose package has a `__main__` installed; `overrides` sets policy fields on each."""
    table = []
    for name, module, critical in DAEMONS:
        if importlib.util.find_spec(f"{module}.__main__") is not None:
            table.append(_spec({"name": name, "argv": [PYTHON, "-m", module], "critical": critical,
                                **(overrides or {})}, len(table)))
    return table


def load_table(path: Path, overrides: dict[str, Any] | None = None) -> list[ProcessSpec]:
    """Read a table file: `{"processes": [{"name", "argv", ...}, ...]}`, listed in start order."""
    try:
        document = json.loads(Path(path).read_text())
    except OSError as exc:
        raise BadRequest(f"process table {path}: cannot read it ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"process table {path}: not valid JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("processes"), list):
        raise BadRequest(f"process table {path}: expected an object with a list 'processes'")
    table = [_spec({**(overrides or {}), **entry} if isinstance(entry, dict) else entry, i)
             for i, entry in enumerate(document["processes"])]
    names = [spec.name for spec in table]
    if len(set(names)) != len(names):
        raise BadRequest(f"process table {path}: names must be unique, got {names}")
    return table


_NUMBERS = ("startsecs", "start_timeout", "hang_timeout", "grace", "backoff_base", "backoff_max")


def _spec(entry: Any, index: int) -> ProcessSpec:
    where = f"process table entry {index}"
    if not isinstance(entry, dict):
        raise BadRequest(f"{where}: expected an object, got {type(entry).__name__}")
    unknown = set(entry) - set(ProcessSpec.__dataclass_fields__)
    if unknown:
        raise BadRequest(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(ProcessSpec.__dataclass_fields__)}")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise BadRequest(f"{where}: 'name' must match {NAME_PATTERN.pattern}, got {name!r}")
    where = f"process {name!r}"
    argv = entry.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and a for a in argv):
        raise BadRequest(f"{where}: 'argv' must be a non-empty list of non-empty strings, got {argv!r}")
    env = entry.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise BadRequest(f"{where}: 'env' must map strings to strings, got {env!r}")
    if entry.get("heartbeat", True) is True and name not in SERVICES:
        raise BadRequest(f"{where}: only bus services ({', '.join(SERVICES)}) publish heartbeats; "
                         "set \"heartbeat\": false for other programs")
    return ProcessSpec(name=name, argv=tuple(argv), env=dict(env), stop_signal=_signal(entry, where),
                       **_checked_fields(entry, where))


def _checked_fields(entry: dict[str, Any], where: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("critical", "heartbeat"):
        if key in entry:
            if not isinstance(entry[key], bool):
                raise BadRequest(f"{where}: {key!r} must be true or false, got {entry[key]!r}")
            fields[key] = entry[key]
    for key in _NUMBERS:
        if key in entry:
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
                raise BadRequest(f"{where}: {key!r} must be a number of seconds in (0, 3600], got {value!r}")
            fields[key] = float(value)
    if "startretries" in entry:
        value = entry["startretries"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise BadRequest(f"{where}: 'startretries' must be an integer from 0 to 100, got {value!r}")
        fields["startretries"] = value
    return fields


def _signal(entry: dict[str, Any], where: str) -> int:
    name = entry.get("stop_signal", "TERM")
    if not isinstance(name, str) or name.upper().removeprefix("SIG") not in ("TERM", "INT", "QUIT", "HUP"):
        raise BadRequest(f"{where}: 'stop_signal' must be one of TERM, INT, QUIT, HUP; got {name!r}")
    return int(getattr(signal, "SIG" + name.upper().removeprefix("SIG")))
