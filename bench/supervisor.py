"""Benchmark of the whole stack under `ot2 start`: cold start, restart after kill -9, and idle memory (one JSON line).

Runs the robot's daemons that exist; when none has a `__main__` yet, each is replaced by a stand-in that runs a real
bus ServiceHost (this file with `--stand-in NAME`), and the output says so.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This file shares its name with the package it measures: drop its own directory from the import path first.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import zmq  # noqa: E402

from bus import BusConfig, BusError, Client  # noqa: E402
from supervisor.table import ProcessSpec  # noqa: E402

DEADLINE = 30.0
IDLE_SAMPLES = 20


def stand_in(name: str) -> None:
    """A stand-in daemon: a real ServiceHost answering `<name>.state`, with the usual heartbeat."""
    import zmq.asyncio

    from bus import configure_logging
    from bus.loop import run as run_loop
    from bus.service import ServiceHost

    async def serve() -> None:
        configure_logging(name)
        host = ServiceHost(name, BusConfig.from_env(), zmq.asyncio.Context())
        host.server.register(f"{name}.state", lambda args: {"pid": os.getpid()})
        host.bind()
        await host.run()
    run_loop(serve())


def table(work: Path) -> tuple[list[str], bool, Path | None]:
    """The daemons to measure, whether they are stand-ins, and a table file for the stand-ins."""
    from supervisor.table import DAEMONS, default_table
    real = [spec.name for spec in default_table()]
    if real:
        return real, False, None
    entries = [{"name": name, "argv": ["python", str(Path(__file__).resolve()), "--stand-in", name],
                "critical": critical} for name, _, critical in DAEMONS]
    path = work / "table.json"
    path.write_text(json.dumps({"processes": entries}))
    return [entry["name"] for entry in entries], True, path


def until(predicate: Callable[[], Any], timeout: float = DEADLINE) -> Any:
    """Poll `predicate` until it returns a truthy value; fail after `timeout`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.005)
    raise SystemExit(f"benchmark: condition not met within {timeout} s")


def answers(client: Client, op: str) -> Any:
    """The result of `op`, or None while its service does not answer."""
    try:
        return client.call(op, timeout=0.5)
    except BusError:
        return None


def motion_back(client: Client, old_pid: int) -> bool:
    """A new motion process is running (per the supervisor) and answers its `state` request."""
    status = answers(client, "supervisor.status") or {}
    pid = status.get("processes", {}).get("motion", {}).get("pid")
    return pid not in (None, old_pid) and answers(client, "motion.state") is not None


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """The stack's resident memory with shared pages counted once (sum of PSS; the daemons are forked from one
    preloaded parent, so they share most pages), and the plain sum of each process's RSS, from /proc."""
    pss_kb = rss_kb = 0
    for pid in pids:
        try:
            pss_kb += _field_kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss:")
            rss_kb += _field_kb(Path(f"/proc/{pid}/status"), "VmRSS:")
        except FileNotFoundError:
            pass
    return pss_kb / 1024, rss_kb / 1024


def _field_kb(path: Path, name: str) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(name):
            return int(line.split()[1])
    return 0


def descendants(root: int) -> list[int]:
    """`root` and every process below it (the supervisor, its fork server and the daemons), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


def measure(work: Path) -> dict[str, Any]:
    """Start the stack, time it to ready, kill -9 motion and time it back, sample memory at idle."""
    names, stand_ins, table_file = table(work)
    config = BusConfig.from_env({"OT2_RUN_DIR": str(work / "run")})
    argv = [sys.executable, "-m", "supervisor", "--run-dir", str(config.run_dir), "start", "--json-logs",
            "--data-dir", str(work / "data"), *(["--table", str(table_file)] if table_file else [])]
    ctx = zmq.Context()
    client = Client(ctx, config)
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        until(lambda: all(answers(client, f"{n}.state") for n in ["supervisor", *names]))
        cold = time.monotonic() - started
        status = client.call("supervisor.status")
        pids = descendants(proc.pid)
        idle = []
        for _ in range(IDLE_SAMPLES):
            idle.append(memory_mb(pids))
            time.sleep(0.1)
        old = status["processes"]["motion"]["pid"]
        killed = time.monotonic()
        os.kill(old, signal.SIGKILL)
        until(lambda: motion_back(client, old))
        restart = time.monotonic() - killed
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=DEADLINE)
        client.close()
        ctx.term()
    return {"cold_start_s": round(cold, 3), "restart_s": round(restart, 3), "idle_rss_mb": round(max(m[0] for m in idle), 1),
            "idle_rss_sum_mb": round(max(m[1] for m in idle), 1),
            "daemons": names, "stand_ins": stand_ins, "restart_backoff_s": ProcessSpec.backoff_base, "processes": len(pids), "cpus": os.cpu_count()}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--stand-in":
        stand_in(sys.argv[2])
        return
    work = Path(tempfile.mkdtemp(prefix="ot2b-", dir="/tmp"))
    try:
        print(json.dumps(measure(work)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
