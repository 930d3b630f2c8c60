"""Fixtures for supervisor tests: a real supervisor process running a table of scripted children."""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq

from bus import BusConfig, Client, Subscriber
from tests.conftest import Proc, wait_until

CHILD = str(Path(__file__).with_name("child.py"))


def child(name: str, mode: str = "serve", critical: bool = False, **policy: Any) -> dict[str, Any]:
    """A table entry running the scripted child as bus service `name`."""
    env = {"CHILD_MODE": mode, **{k.upper(): str(v) for k, v in policy.pop("child_env", {}).items()}}
    return {"name": name, "argv": ["python", CHILD, name], "critical": critical, "env": env,
            "hang_timeout": 2.0, "grace": 1.0, "backoff_base": 0.1, **policy}


class Stack:
    """A running supervisor, a client to its bus, and every supervisor event seen so far."""

    def __init__(self, proc: Proc, config: BusConfig, ctx: zmq.Context, sub: Subscriber) -> None:
        self.proc, self.config, self.ctx, self.sub = proc, config, ctx, sub
        self.client = Client(ctx, config, timeout=5.0)
        self.events: list[tuple[str, dict[str, Any]]] = []

    def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = 5.0) -> Any:
        return self.client.call(op, args, timeout=timeout)

    def status(self) -> dict[str, Any]:
        return self.call("supervisor.status")

    def proc_of(self, name: str) -> dict[str, Any]:
        return self.status()["processes"][name]

    def wait_state(self, name: str, state: str, timeout: float = 15.0) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            snap = self.proc_of(name)
            return snap if snap["state"] == state else None
        return wait_until(reached, timeout, interval=0.05)  # type: ignore[return-value]

    def wait_event(self, topic: str, match: Callable[[dict[str, Any]], bool], timeout: float = 15.0
                   ) -> dict[str, Any]:
        def seen() -> dict[str, Any] | None:
            while (event := self.sub.recv(timeout=0.05)) is not None:
                self.events.append((event.topic, event.data))
            return next((data for t, data in self.events if t == topic and match(data)), None)
        return wait_until(seen, timeout, interval=0.0)  # type: ignore[return-value]

    def close(self) -> None:
        self.client.close()
        self.sub.close()


@pytest.fixture
def stack(spawn: Callable[..., Proc], run_dir: Path, tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    """Start `python -m supervisor start --table` over the given entries; wait until it answers."""
    ctx = zmq.Context()
    stacks: list[Stack] = []

    def start(*entries: dict[str, Any], extra: tuple[str, ...] = ()) -> Stack:
        table = tmp_path / "table.json"
        table.write_text(json.dumps({"processes": list(entries)}))
        config = BusConfig.from_env({"OT2_RUN_DIR": str(run_dir)})
        sub = Subscriber(ctx, [config.pub("supervisor")],
                         ["supervisor.process.", "supervisor.spawn.", "supervisor.heartbeat"])
        proc = spawn("-m", "supervisor", "--run-dir", str(run_dir), "start", "--json-logs", "--table", str(table),
                     "--data-dir", str(tmp_path / "data"), *extra, env={"OT2_RUN_DIR": "", "OT2_DATA_DIR": ""})
        running = Stack(proc, config, ctx, sub)
        stacks.append(running)
        wait_until(lambda: _answers(running), 20.0, interval=0.05)
        # A subscription takes a moment to reach the publisher: until a heartbeat arrives, events can be lost.
        running.wait_event("supervisor.heartbeat", lambda _: True)
        return running
    yield start
    for running in stacks:
        running.close()
    ctx.destroy(linger=0)


def _answers(stack: Stack) -> bool:
    if stack.proc.popen.poll() is not None:
        raise AssertionError("supervisor exited:\n" + "\n".join(stack.proc.lines[-30:]))
    try:
        stack.client.call("supervisor.status", timeout=0.5)
    except Exception:
        return False
    return True


def alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def descendants(root: int) -> list[int]:
    """`root`'s children, grandchildren and so on, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    found, frontier = [], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


def kill_quietly(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
