"""Benchmark: bus round trip (p50, p99, rate) beside a bare pyzmq REQ/REP + msgpack floor, and pub/sub rate."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import zmq
import zmq.asyncio

sys.path.insert(0, str(Path(__file__).parent))
from floor import PAYLOAD, compare, floor_caller, percentiles_us, serve_floor, start  # noqa: E402

from bus import BusConfig, Client, Publisher, RequestServer, Subscriber  # noqa: E402
from bus.loop import run as run_loop  # noqa: E402

ROUNDS = 5000
EVENTS = 200_000


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


def measure_pubsub(config: BusConfig, env: dict[str, str], count: int) -> float:
    proc = start(__file__, ["--role", "publish"], env)
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
        return run_loop(serve_bus(config))
    if args.role == "publish":
        return publish_burst(config, EVENTS)
    with tempfile.TemporaryDirectory(prefix="ot2b-") as run_dir:
        env = {**os.environ, "OT2_RUN_DIR": run_dir}
        config = BusConfig(Path(run_dir))
        servers = [start(__file__, ["--role", "floor"], env), start(__file__, ["--role", "bus"], env)]
        try:
            client = Client(zmq.Context(), config)
            rtt = compare({"floor": floor_caller(config.rpc("gateway")),
                           "bus": lambda: client.call("motion.echo", PAYLOAD)}, args.rounds)
            pubsub = measure_pubsub(config, env, EVENTS)
        finally:
            for proc in servers:
                proc.kill()
    (floor, floor_rate), (bus, bus_rate) = rtt["floor"], rtt["bus"]
    (bus_p50, bus_p99), (floor_p50, floor_p99) = percentiles_us(bus), percentiles_us(floor)
    print(json.dumps({"bus_p50_us": round(bus_p50, 1), "bus_p99_us": round(bus_p99, 1),
                      "floor_p50_us": round(floor_p50, 1), "floor_p99_us": round(floor_p99, 1),
                      "ratio_p50": round(bus_p50 / floor_p50, 3), "bus_per_s": round(bus_rate),
                      "floor_per_s": round(floor_rate), "pubsub_per_s": round(pubsub), "rounds": args.rounds}))


if __name__ == "__main__":
    main()
