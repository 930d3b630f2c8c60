"""Benchmark: motion.position round trip beside the bus floor, small moves per second, and halt latency."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import zmq

sys.path.insert(0, str(Path(__file__).parent))
from floor import compare, floor_caller, percentiles_us, start  # noqa: E402

from bus import BusConfig, BusError, Client, Halted, Subscriber  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3000))
MOVES = 300
HALTS = 5


def start_daemon(env: dict[str, str]) -> object:
    return start("-m", ["motion_daemon"], env, ready="motion_ready")


def measure_position(config: BusConfig, rounds: int) -> dict[str, float]:
    client = Client(zmq.Context(), config)
    result = compare({"floor": floor_caller(config.rpc("gateway")),
                      "position": lambda: client.call("motion.position")}, rounds)
    (p50, p99), (floor_p50, _) = percentiles_us(result["position"][0]), percentiles_us(result["floor"][0])
    return {"position_p50_us": round(p50, 1), "position_p99_us": round(p99, 1), "floor_p50_us": round(floor_p50, 1),
            "ratio_p50": round(p50 / floor_p50, 3)}


def measure_moves(config: BusConfig, count: int) -> float:
    client = Client(zmq.Context(), config, timeout=30)
    client.call("motion.home")
    begin = time.perf_counter()
    for i in range(count):
        client.call("motion.move", {"targets": {"x": 100 + (i % 2)}})
    return count / (time.perf_counter() - begin)


def one_halt(client: Client, config: BusConfig) -> float:
    """Start a long real-time move in a thread, halt it once it runs, time until the mover hears `halted`."""
    client.call("motion.reset")
    client.call("motion.home", {"axes": "x"}, timeout=60)
    sub = Subscriber(zmq.Context(), [config.pub("motion")], ["motion.position"])
    outcome: dict[str, float] = {}

    def mover() -> None:
        try:
            Client(zmq.Context(), config, timeout=60).call("motion.move", {"targets": {"x": 20}, "speed": 20})
        except Halted:
            outcome["halted_at"] = time.perf_counter()
        except BusError as exc:
            outcome["error"] = exc  # type: ignore[assignment]
    thread = threading.Thread(target=mover)
    thread.start()
    deadline = time.monotonic() + 30
    while not ((event := sub.recv(timeout=1)) and event.data["moving"]):
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the long move never started: {outcome.get('error', 'no moving event')}")
    sent = time.perf_counter()
    client.call("motion.halt")
    thread.join(30)
    sub.close()
    if "halted_at" not in outcome:
        raise RuntimeError(f"the move was not halted: {outcome.get('error', 'it completed')}")
    return (outcome["halted_at"] - sent) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ot2m-") as instant_dir, \
            tempfile.TemporaryDirectory(prefix="ot2m-") as realtime_dir:
        base = {**os.environ, "OT2_SMOOTHIE_PORT": "sim"}
        instant = {**base, "OT2_RUN_DIR": instant_dir, "OT2_SIM_SPEED": "0"}
        realtime = {**base, "OT2_RUN_DIR": realtime_dir, "OT2_SIM_SPEED": "1"}
        procs = [start(str(Path(__file__).with_name("bus_rtt.py")), ["--role", "floor"], instant),
                 start_daemon(instant), start_daemon(realtime)]
        try:
            figures = measure_position(BusConfig(Path(instant_dir)), ROUNDS)
            figures["moves_per_s"] = round(measure_moves(BusConfig(Path(instant_dir)), MOVES), 1)
            rt = BusConfig(Path(realtime_dir))
            halts = [one_halt(Client(zmq.Context(), rt, timeout=60), rt) for _ in range(HALTS)]
        finally:
            for proc in procs:
                proc.kill()  # type: ignore[attr-defined]
    halts.sort()
    figures.update(halt_p50_ms=round(halts[len(halts) // 2], 2), halt_max_ms=round(halts[-1], 2), halts=len(halts))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
