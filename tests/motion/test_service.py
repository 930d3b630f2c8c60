"""The motion daemon as a real process on the bus, on the simulated board (pty in-process, or TCP)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zmq

from bus import BusConfig, Client, Conflict, ControllerUnavailable, Halted, Subscriber
from bus import BadRequest, BusError
from tests.conftest import wait_until

PIPETTES = "left:p300_single_v2.0,right:p20_single_v2.2"
OT2_BUS = str(Path(sys.executable).with_name("ot2-bus"))


@pytest.fixture
def daemon(spawn: Callable, run_dir: Path) -> Callable[..., dict[str, str]]:
    """Start `python -m motion_daemon` with extra env; returns the env (for ot2-bus) once it serves."""
    def start(**extra: str) -> dict[str, str]:
        env = {"OT2_RUN_DIR": str(run_dir), "OT2_SIM_SPEED": "0", "OT2_SIM_PIPETTES": PIPETTES, **extra}
        spawn("-m", "motion_daemon", env=env, ready="motion_ready")
        return env
    return start



def bus_cli(env: dict[str, str], *args: str) -> Any:
    """Run `ot2-bus call ...` with a deadline generous enough for a loaded test machine."""
    done = subprocess.run([OT2_BUS, *args, "--timeout", "30"], env={**os.environ, **env}, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_home_move_position_through_the_inspector(daemon: Callable, run_dir: Path) -> None:
    env = daemon()
    watcher = subprocess.Popen([OT2_BUS, "watch", "motion.position", "--json", "--count", "1", "--seconds", "20"],
                               env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
    bus_cli(env, "call", "motion.home")
    moved = bus_cli(env, "call", "motion.move", '{"x": 100, "y": 100}')
    assert moved["position"]["x"] == 100 and moved["position"]["y"] == 100
    position = bus_cli(env, "call", "motion.position")
    assert (position["x"], position["y"]) == (100, 100)
    while watcher.poll() is None:  # the watcher connects late; keep moving until it has seen an event
        bus_cli(env, "call", "motion.move", '{"x": 120}')
        try:
            watcher.wait(timeout=0.3)
        except subprocess.TimeoutExpired:
            pass
    event = json.loads(watcher.stdout.read().splitlines()[0])  # type: ignore[union-attr]
    assert event["topic"] == "motion.position" and "x" in event["data"]["position"]


def test_state_snapshot_reports_the_board(daemon: Callable, client: Client) -> None:
    daemon()
    state = client.call("motion.state")
    assert state["fw_version"] == "edge-8414642" and state["ready"] and state["state"] == "idle"
    assert state["pipettes"]["left"]["name"] == "p300_single_gen2"
    assert state["pipettes"]["right"]["model"] == "p20_single_v2.2"
    assert set(state["homed"]) == set("xyzabc") and state["lease"] is None


def test_unsafe_moves_are_refused_before_any_motion(daemon: Callable, client: Client) -> None:
    daemon()
    with pytest.raises(BadRequest, match="not homed|unknown"):
        client.call("motion.move", {"targets": {"x": 100}})
    client.call("motion.home")
    with pytest.raises(BadRequest, match="outside its travel"):
        client.call("motion.move", {"targets": {"x": 1000}})
    with pytest.raises(BadRequest, match="unknown axis"):
        client.call("motion.move", {"targets": {"q": 1}})
    with pytest.raises(BadRequest, match="must be a number"):
        client.call("motion.move", {"targets": {"x": "far"}})


def test_lease_conflict_names_the_holder_and_halt_is_always_allowed(daemon: Callable, client: Client) -> None:
    daemon()
    client.call("motion.home")
    client.call("motion.lease.acquire", {"holder": "runner:run-1", "ttl_s": 30})
    with pytest.raises(Conflict, match="in use by runner:run-1") as caught:
        client.call("motion.move", {"targets": {"x": 50}, "holder": "gateway"})
    assert caught.value.details["holder"] == "runner:run-1"
    with pytest.raises(Conflict):
        client.call("motion.lease.acquire", {"holder": "gateway"})
    assert client.call("motion.move", {"targets": {"x": 50}, "holder": "runner:run-1"})["position"]["x"] == 50
    client.call("motion.halt", {"reason": "test halt"})
    assert client.call("motion.state")["state"] == "halted"
    assert client.call("motion.lease.release", {"holder": "runner:run-1"}) == {"released": True}
    client.call("motion.reset")
    assert client.call("motion.state")["homed"]["x"] is False


def test_lease_with_ttl_expires(daemon: Callable, client: Client) -> None:
    daemon()
    client.call("motion.lease.acquire", {"holder": "execute:42", "ttl_s": 0.5})
    wait_until(lambda: client.call("motion.state")["lease"] is None, 10)


def test_halt_stops_a_long_move_and_the_mover_is_told(daemon: Callable, client: Client, run_dir: Path) -> None:
    daemon(OT2_SIM_SPEED="1")
    client.call("motion.home", {"axes": "x"}, timeout=60)
    sub = Subscriber(zmq.Context(), [BusConfig(run_dir).pub("motion")], ["motion.position"])
    mover = subprocess.Popen([OT2_BUS, "call", "motion.move", '{"targets": {"x": 10}, "speed": 10}'],
                             env={**os.environ, "OT2_RUN_DIR": str(run_dir)}, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: (e := sub.recv(timeout=0.2)) is not None and e.data["moving"], 20)
    client.call("motion.halt")
    assert mover.wait(timeout=10) == 1
    assert "error: halted" in mover.stderr.read()  # type: ignore[union-attr]
    state = client.call("motion.state")
    assert state["state"] == "halted" and not any(state["homed"].values())
    with pytest.raises(Halted):
        client.call("motion.move", {"targets": {"x": 100}})
    sub.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pulled_board_mid_move_then_reconnect(daemon: Callable, spawn: Callable, client: Client) -> None:
    port = _free_port()
    # The knob drops the link half-way through the first move (the X home's back-off move is the first).
    spawn("-m", "motion_daemon.smoothie_sim", "--listen", f"127.0.0.1:{port}", "--speed", "0.2",
          "--disconnect-next-move", ready="listening")
    daemon(OT2_SMOOTHIE_PORT=f"socket://127.0.0.1:{port}")
    with pytest.raises(ControllerUnavailable, match="lost the Smoothie connection"):
        client.call("motion.home", {"axes": "x"}, timeout=60)
    assert client.call("motion.state")["state"] in ("controller_unavailable", "idle")
    wait_until(lambda: client.call("motion.state")["state"] == "idle", 20)
    assert not client.call("motion.state")["homed"]["x"]
    client.call("motion.home", {"axes": "x"}, timeout=60)
    assert client.call("motion.move", {"targets": {"x": 400}}, timeout=30)["position"]["x"] == 400


def test_killed_board_process_is_reported_and_reconnected(daemon: Callable, spawn: Callable,
                                                         client: Client) -> None:
    port = _free_port()
    board = ["-m", "motion_daemon.smoothie_sim", "--listen", f"127.0.0.1:{port}", "--speed", "0"]
    sim = spawn(*board, ready="listening")
    daemon(OT2_SMOOTHIE_PORT=f"socket://127.0.0.1:{port}")
    sim.stop()
    # A serial line has no liveness of its own: the loss shows on the next command, as on the real robot.
    with pytest.raises(ControllerUnavailable):
        client.call("motion.home")
    assert client.call("motion.state")["state"] == "controller_unavailable"
    spawn(*board, ready="listening")
    wait_until(lambda: client.call("motion.state")["state"] == "idle", 20)
    client.call("motion.home")
    assert client.call("motion.move", {"targets": {"y": 100}})["position"]["y"] == 100


def test_bad_arguments_never_crash_the_daemon(daemon: Callable, client: Client) -> None:
    daemon()
    for op, args in [("motion.move", {"point": [1, 2], "mount": "left"}), ("motion.home", {"axes": 7}),
                     ("motion.disengage", {}), ("motion.lights", {"rails": "on"}),
                     ("motion.identify", {"seconds": -1}), ("motion.lease.acquire", {})]:
        with pytest.raises(BusError) as caught:
            client.call(op, args)
        assert caught.value.code == "bad_request", (op, caught.value)
    assert client.call("motion.lights", {"rails": True}) == {"rails": True, "button": True}
