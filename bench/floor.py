"""Shared by the benchmarks: the bare pyzmq REQ/REP + msgpack floor, timing blocks and percentiles."""
from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import msgpack
import zmq

PAYLOAD = {"axes": ["x", "y"], "speed": 400}


def serve_floor(endpoint: str) -> None:
    """The floor: a bare REP loop that decodes and encodes msgpack, nothing else."""
    sock = zmq.Context().socket(zmq.REP)
    sock.bind(endpoint)
    print("ready", flush=True)
    while True:
        request = msgpack.unpackb(sock.recv())
        sock.send(msgpack.packb({"id": request["id"], "ok": True, "result": request["args"]}))


def floor_caller(endpoint: str) -> Callable[[], object]:
    """A REQ client of the floor server: one small request per call."""
    sock = zmq.Context().socket(zmq.REQ)
    sock.connect(endpoint)
    counter = iter(range(10**9))

    def call() -> object:
        sock.send(msgpack.packb({"id": str(next(counter)), "op": "motion.echo", "args": PAYLOAD}))
        return msgpack.unpackb(sock.recv())
    return call


def start(script: str, args: list[str], env: dict[str, str], ready: str = "ready") -> subprocess.Popen[str]:
    """Start `python script args...` (script may be `-m`), wait for a line containing `ready` on its stdout or
    stderr, then keep draining its output so it never blocks on a full pipe."""
    proc = subprocess.Popen([sys.executable, script, *args], env=env, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if ready in line:
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc
    raise RuntimeError(f"{script} {' '.join(args)} exited before it was ready")


def time_block(call: Callable[[], object], rounds: int, samples: list[float]) -> float:
    """Call `rounds` times, appending each latency to `samples`; returns the block's elapsed time."""
    begin = time.perf_counter()
    for _ in range(rounds):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return time.perf_counter() - begin


def compare(callers: dict[str, Callable[[], object]], rounds: int, warmup: int = 300,
            blocks: int = 10) -> dict[str, tuple[list[float], float]]:
    """Alternate blocks of each caller, so all see the same load on a shared machine: samples and rate each."""
    samples: dict[str, list[float]] = {name: [] for name in callers}
    elapsed = dict.fromkeys(callers, 0.0)
    for call in callers.values():
        time_block(call, warmup, [])
    for _ in range(blocks):
        for name, call in callers.items():
            elapsed[name] += time_block(call, max(1, rounds // blocks), samples[name])
    return {name: (samples[name], len(samples[name]) / elapsed[name]) for name in callers}


def percentiles_us(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in microseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e6, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6
