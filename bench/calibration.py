"""Benchmark: calibration status reads, jog commands in a session, and a whole deck calibration, over the bus."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import zmq

sys.path.insert(0, str(Path(__file__).parent))
from floor import start  # noqa: E402

from bus import BusConfig, Client  # noqa: E402

STATUS_READS = int(os.environ.get("BENCH_ROUNDS", 1000))
JOGS = 200
DECK_RUNS = 5
SETUP = ("loadLabware", "moveToTipRack", "pickUpTip", "moveToDeck")


def timed(call: object, count: int) -> list[float]:
    times = []
    for _ in range(count):
        begin = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - begin)
    return sorted(times)


def session(client: Client, kind: str) -> str:
    session_id = client.call("calibration.session.create", {"sessionType": kind, "createParams": {"mount": "left"}},
                             timeout=30)["id"]
    for command in SETUP:
        client.call("calibration.session.execute", {"id": session_id, "command": command}, timeout=30)
    return session_id


def execute(client: Client, session_id: str, command: str, data: dict | None = None) -> None:
    client.call("calibration.session.execute", {"id": session_id, "command": command, "data": data or {}}, timeout=30)


def deck_calibration(client: Client) -> None:
    session_id = session(client, "deckCalibration")
    execute(client, session_id, "jog", {"vector": [0, 0, -5]})
    execute(client, session_id, "saveOffset")
    for move in ("moveToPointOne", "moveToPointTwo", "moveToPointThree"):
        execute(client, session_id, move)
        execute(client, session_id, "jog", {"vector": [0.5, -0.5, -5]})
        execute(client, session_id, "saveOffset")
    client.call("calibration.session.delete", {"id": session_id}, timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ot2c-") as run_dir, tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "OT2_RUN_DIR": run_dir, "OT2_DATA_DIR": data_dir, "OT2_SIM_SPEED": "0",
               "OT2_SIM_PIPETTES": "left:p300_single_v2.0"}
        procs = [start("-m", ["motion_daemon"], env, ready="motion_ready"),
                 start("-m", ["calibration_daemon"], env, ready="service_ready")]
        try:
            client = Client(zmq.Context(), BusConfig(Path(run_dir)), timeout=30)
            reads = timed(lambda: client.call("calibration.status"), STATUS_READS)
            session_id = session(client, "pipetteOffsetCalibration")
            jogs = timed(lambda: execute(client, session_id, "jog", {"vector": [0.1, 0, 0]}), JOGS)
            client.call("calibration.session.delete", {"id": session_id}, timeout=30)
            decks = timed(lambda: deck_calibration(client), DECK_RUNS)
        finally:
            for proc in procs:
                proc.kill()  # type: ignore[attr-defined]
    print(json.dumps({"status_p50_ms": round(reads[len(reads) // 2] * 1e3, 2),
                      "status_p99_ms": round(reads[int(len(reads) * 0.99)] * 1e3, 2),
                      "jog_p50_ms": round(jogs[len(jogs) // 2] * 1e3, 2), "jog_max_ms": round(jogs[-1] * 1e3, 2),
                      "deck_calibration_s": round(decks[len(decks) // 2], 3), "status_reads": STATUS_READS,
                      "jogs": JOGS}))


if __name__ == "__main__":
    main()
