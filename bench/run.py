"""Benchmark: the 96-well plate copy run end to end through HTTP (supervisor, gateway, runs, runner, motion daemon
on the instant simulated board), per-command overhead beside simulate, and stop latency (stop asked to motion no
longer busy) during a long move."""
from __future__ import annotations

import http.client
import json
import os
import socket
import uuid
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq

sys.path.insert(0, str(Path(__file__).parent))
from floor import start  # noqa: E402

from bus import BusConfig, Client  # noqa: E402
from opentrons.engine.sim_backend import SimulationBackend  # noqa: E402
from opentrons.execute import load  # noqa: E402
from opentrons.runner import make_context, run_protocol  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COPY96 = ROOT / "tests" / "protocollib" / "protocols" / "copy96.py"
PIPETTES = "left:p300_single_v2.0,right:p300_single_v2.0"
STOPS = 3
LONG_MOVES = """metadata = {"apiLevel": "2.13"}

def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
    pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    for _ in range(50):
        pipette.move_to(plate["H12"].top(), speed=20)
        pipette.move_to(tips["A1"].top(), speed=20)
"""


def simulate_seconds(path: Path) -> tuple[float, int]:
    begin = time.perf_counter()
    protocol = load(str(path))
    context = make_context(protocol.api_level, SimulationBackend(), simulating=False)
    run_protocol(protocol, context)
    return time.perf_counter() - begin, len(context.engine.commands)


def http_call(port: int, method: str, path: str, body: bytes | None = None,
              content_type: str = "application/json") -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Opentrons-Version": "3", "Content-Type": content_type})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    except (OSError, ValueError):
        return 0, {}
    finally:
        conn.close()


def upload(port: int, path: Path) -> str:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{path.name}\"\r\n\r\n"
            .encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode())
    status, answer = http_call(port, "POST", "/protocols", body, f"multipart/form-data; boundary={boundary}")
    if status not in (200, 201):
        raise RuntimeError(f"upload refused: {status} {answer}")
    return answer["data"]["id"]


def http_run_seconds(env: dict[str, str], work: Path, path: Path) -> float:
    port = _free_port()
    table = work / "table.json"
    table.write_text(json.dumps({"processes": [
        {"name": "motion", "argv": ["python", "-m", "motion_daemon"], "critical": True},
        {"name": "runs", "argv": ["python", "-m", "run_daemon"]},
        {"name": "gateway", "argv": ["python", "-m", "api_gateway"]}]}))
    stack = subprocess.Popen([sys.executable, "-m", "supervisor", "--run-dir", str(work / "http-run"), "start",
                              "--table", str(table), "--data-dir", str(work / "http-data"), "--smoothie", "sim",
                              "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: http_call(port, "GET", "/health")[0] == 200, timeout=60, interval=0.05)
        protocol_id = upload(port, path)
        wait_for(lambda: http_call(port, "GET", f"/protocols/{protocol_id}/analyses")[1]["data"][0]["status"]
                 == "completed", timeout=60, interval=0.05)
        run_id = http_call(port, "POST", "/runs", json.dumps({"data": {"protocolId": protocol_id}}).encode())[1][
            "data"]["id"]
        begin = time.perf_counter()
        http_call(port, "POST", f"/runs/{run_id}/actions", b'{"data": {"actionType": "play"}}')
        wait_for(lambda: http_call(port, "GET", f"/runs/{run_id}")[1]["data"]["status"] == "succeeded",
                 timeout=300, interval=0.02)
        return time.perf_counter() - begin
    finally:
        stack.terminate()
        stack.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.002) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise RuntimeError("condition not met in time")
        time.sleep(interval)


def one_stop(env: dict[str, str], client: Client, path: Path, run_id: str) -> float:
    runner = subprocess.Popen([sys.executable, "-m", "run_daemon.runner", "--run-id", run_id, str(path)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_for(lambda: _completed(client) >= 4, timeout=90)
    wait_for(lambda: client.call("motion.state")["state"] == "busy")
    asked = time.perf_counter()
    client.call("runner.stop", timeout=2)
    wait_for(lambda: client.call("motion.state")["state"] != "busy", timeout=2, interval=0.0005)
    latency = time.perf_counter() - asked
    runner.wait(timeout=120)
    return latency


def _completed(client: Client) -> int:
    try:
        return int(client.call("runner.state", timeout=0.5)["completed"])
    except Exception:
        return 0


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="ot2b-", dir="/tmp"))
    env = {**os.environ, "OT2_RUN_DIR": str(work / "run"), "OT2_DATA_DIR": str(work / "data"),
           "OT2_SIM_PIPETTES": PIPETTES, "OT2_SIM_SPEED": "0"}
    simulate_s, commands = simulate_seconds(COPY96)
    copy96_s = http_run_seconds(env, work, COPY96)
    slow = work / "long_moves.py"
    slow.write_text(LONG_MOVES)
    daemon = start("-m", ["motion_daemon"], {**env, "OT2_SIM_SPEED": "1"}, ready="motion_ready")
    client = Client(zmq.Context(), BusConfig(work / "run"), timeout=10)
    try:
        stops = [one_stop(env, client, slow, f"bench-stop-{i}") for i in range(STOPS)]
    finally:
        daemon.kill()
        daemon.wait()
    print(json.dumps({"copy96_run_s": round(copy96_s, 2), "copy96_simulate_s": round(simulate_s, 3),
                      "commands": commands, "per_command_ms": round((copy96_s - simulate_s) / commands * 1000, 2),
                      "stop_latency_ms": round(max(stops) * 1000, 1),
                      "stop_latency_ms_each": [round(s * 1000, 1) for s in stops]}))


if __name__ == "__main__":
    main()
