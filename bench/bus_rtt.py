"""Benchmark: bus round trip (p50, p99, rate) beside a bare pyzmq REQ/REP + msgpack floor, and pub/sub rate."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import msgpack
import zmq
import zmq.asyncio

from bus import BusConfig, Client, Publisher, RequestServer, Subscriber

ROUNDS = 5000
WARMUP = 500
EVENTS = 200_000
PAYLOAD = {"axes": ["x", "y"], "speed": 400}


def serve_floor(endpoint: str) -> None:
    """The floor: a bare REP loop that decodes and encodes msgpack, nothing else."""
    sock = zmq.Context().socket(zmq.REP)
    sock.bind(endpoint)
    print("ready", flush=True)
    while True:
        request = msgpack.unpackb(sock.recv())
        sock.send(msgpack.packb({"id": request["id"], "ok": True, "result": request["args"]}))


async def serve_bus(config: BusConfig) -> None:
    server = RequestServer(zmq.asyncio.Context(), "motion", config.rpc("motion"))
    server.register("motion.echo", lambda args: args)
    server.bind()
    print("ready", flush=True)
    await server.serve()


def publish_burst(config: BusConfig, count: int) -> None:
    publisher = Publisher(zmq.Context(), "motion", config.pub("motion"), hwm=count + 1)
    publisher.bind()
    print("ready", flush=True)
    sys.stdin.readline()  # the subscriber is connected and subscribed
    for i in range(count):
        publisher.publish("motion.position", {"x": i, "y": 2.5, "z": 100.0})
    sys.stdin.readline()


def start(role: str, env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, __file__, "--role", role], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e6, ordered[int(len(ordered) * 0.99)] * 1e6


def time_block(call: Callable[[], object], rounds: int, samples: list[float]) -> float:
    begin = time.perf_counter()
    for _ in range(rounds):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return time.perf_counter() - begin


def floor_caller(endpoint: str) -> Callable[[], object]:
    sock = zmq.Context().socket(zmq.REQ)
    sock.connect(endpoint)
    counter = iter(range(10**9))

    def call() -> object:
        sock.send(msgpack.packb({"id": str(next(counter)), "op": "motion.echo", "args": PAYLOAD}))
        return msgpack.unpackb(sock.recv())
    return call


def measure_rtt(config: BusConfig, rounds: int, blocks: int = 10) -> dict[str, tuple[list[float], float]]:
    """Alternate blocks of floor and bus calls, so both see the same load on a shared machine."""
    client = Client(zmq.Context(), config)
    callers = {"floor": floor_caller(config.rpc("gateway")), "bus": lambda: client.call("motion.echo", PAYLOAD)}
    samples: dict[str, list[float]] = {name: [] for name in callers}
    elapsed = dict.fromkeys(callers, 0.0)
    for name, call in callers.items():
        time_block(call, WARMUP, [])
    for _ in range(blocks):
        for name, call in callers.items():
            elapsed[name] += time_block(call, rounds // blocks, samples[name])
    return {name: (samples[name], len(samples[name]) / elapsed[name]) for name in callers}


def measure_pubsub(config: BusConfig, env: dict[str, str], count: int) -> float:
    proc = start("publish", env)
    sub = Subscriber(zmq.Context(), [config.pub("motion")], ["motion.position"])
    time.sleep(0.3)  # a SUB needs a moment to connect before events sent to it are not lost (slow joiner)
    assert proc.stdin is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    first = sub.recv(timeout=10)
    begin, received = time.perf_counter(), 1
    while received < count and sub.recv(timeout=1) is not None:
        received += 1
    rate = (received - 1) / (time.perf_counter() - begin)
    proc.stdin.write("done\n")
    proc.stdin.flush()
    proc.wait(timeout=10)
    return rate if first is not None else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", choices=["floor", "bus", "publish"])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    config = BusConfig.from_env()
    if args.role == "floor":
        return serve_floor(config.rpc("gateway"))
    if args.role == "bus":
        return asyncio.run(serve_bus(config))
    if args.role == "publish":
        return publish_burst(config, EVENTS)
    with tempfile.TemporaryDirectory(prefix="ot2b-") as run_dir:
        env = {**os.environ, "OT2_RUN_DIR": run_dir}
        config = BusConfig(Path(run_dir))
        servers = [start("floor", env), start("bus", env)]
        try:
            rtt = measure_rtt(config, args.rounds)
            (floor, floor_rate), (bus, bus_rate) = rtt["floor"], rtt["bus"]
            pubsub = measure_pubsub(config, env, EVENTS)
        finally:
            for proc in servers:
                proc.kill()
    (bus_p50, bus_p99), (floor_p50, floor_p99) = percentiles(bus), percentiles(floor)
    print(json.dumps({"bus_p50_us": round(bus_p50, 1), "bus_p99_us": round(bus_p99, 1),
                      "floor_p50_us": round(floor_p50, 1), "floor_p99_us": round(floor_p99, 1),
                      "ratio_p50": round(bus_p50 / floor_p50, 3), "bus_per_s": round(bus_rate),
                      "floor_per_s": round(floor_rate), "pubsub_per_s": round(pubsub), "rounds": args.rounds}))


if __name__ == "__main__":
    main()
