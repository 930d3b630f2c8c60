"""One log stream for the whole robot: every child's lines tagged with its name, readable or as JSON lines."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, TextIO

SKIP_IN_TEXT = ("ts", "level", "event", "service")


class LogView:
    """Writes child output lines and the supervisor's own structlog lines to one stream."""

    def __init__(self, out: TextIO, as_json: bool, own_name: str = "supervisor") -> None:
        self.out, self.as_json, self.own_name = out, as_json, own_name
        self._pending = ""

    def child_line(self, name: str, line: str) -> None:
        """Show one output line of child `name`."""
        line = line.rstrip("\r")
        if not line.strip():
            return
        record = _parse(line)
        if self.as_json:
            record = {"service": name, **record} if record else {"service": name, "level": "info",
                                                                 "event": "output", "line": line}
            self._emit(json.dumps(record, default=str))
        else:
            self._emit(_readable(name, record) if record else f"{_clock(None)} {name:<10} | {line}")

    def write(self, text: str) -> int:
        """File-like entry for the supervisor's own structlog output (whole lines are shown as they complete)."""
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self.child_line(self.own_name, line)
        return len(text)

    def flush(self) -> None:
        """Nothing is held back but a partial line."""
        self.out.flush()

    def _emit(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _parse(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def _readable(name: str, record: dict[str, Any]) -> str:
    extra = " ".join(f"{key}={_short(value)}" for key, value in record.items() if key not in SKIP_IN_TEXT)
    level = str(record.get("level", "info"))
    text = f"{_clock(record.get('ts'))} {name:<10} {level:<7} {record.get('event', '')}"
    return f"{text} {extra}" if extra else text


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if " " not in text or text.startswith(("{", "[")) else json.dumps(text)


def _clock(ts: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(ts).replace("Z", "+00:00")) if ts else datetime.now(timezone.utc)
    except ValueError:
        moment = datetime.now(timezone.utc)
    return moment.astimezone().strftime("%H:%M:%S.%f")[:-3]
