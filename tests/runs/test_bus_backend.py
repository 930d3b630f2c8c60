"""The bus backend against the real motion daemon: same commands as simulation, lease, clear refusals."""
from __future__ import annotations

import signal
from pathlib import Path
from typing import Any, Callable

import pytest

from bus import Client
from opentrons.engine.sim_backend import SimulationBackend
from opentrons.types import Point
from opentrons.execute import bus_backend_factory, execute, load
from opentrons.runner import make_context, run_protocol
from tests.conftest import wait_until
from tests.runs.conftest import PROTOCOLS, write_protocol


def simulated_commands(path: Path) -> list[dict[str, Any]]:
    protocol = load(str(path))
    context = make_context(protocol.api_level, SimulationBackend(), simulating=False)
    run_protocol(protocol, context)
    return context.engine.commands


def executed(path: Path, holder: str, seen: list[Any]) -> list[dict[str, Any]]:
    commands: list[dict[str, Any]] = []
    execute(str(path), lambda: bus_backend_factory(holder),
            listener=lambda record: commands.append(
                {"commandType": record["commandType"], "params": record["params"]}) or seen.append(record["error"]))
    return commands


@pytest.mark.parametrize("name", ["basic_v2_0.py", "json_v3_basics.json"])
def test_executed_commands_equal_simulation(name: str, motion: Callable, run_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = PROTOCOLS / name
    monkeypatch.setenv("OT2_RUN_DIR", str(run_dir))
    motion()
    errors: list[Any] = []
    assert executed(path, "execute:test", errors) == simulated_commands(path)
    assert errors and not any(errors)


def test_the_lease_is_held_during_the_run_and_released_after(motion: Callable, run_dir: Path, client: Client,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OT2_RUN_DIR", str(run_dir))
    motion()
    holders: list[Any] = []
    path = write_protocol(run_dir, """
        tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
        pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
        pipette.pick_up_tip()
        pipette.drop_tip()
    """)
    execute(str(path), lambda: bus_backend_factory("execute:lease-test"),
            listener=lambda *_: holders.append(client.call("motion.state")["lease"]["holder"]))
    assert set(holders) == {"execute:lease-test"}
    assert client.call("motion.state")["lease"] is None


def test_a_run_is_refused_while_someone_else_holds_the_lease(motion: Callable, run_dir: Path, client: Client,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OT2_RUN_DIR", str(run_dir))
    motion()
    client.call("motion.lease.acquire", {"holder": "gateway", "ttl_s": 30})
    from bus import Conflict
    with pytest.raises(Conflict, match="in use by gateway"):
        bus_backend_factory("execute:late")


def test_modules_are_refused_with_a_clear_error(motion: Callable, run_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OT2_RUN_DIR", str(run_dir))
    motion()
    path = write_protocol(run_dir, """
        module = protocol.load_module("temperature module gen2", 3)
        module.set_temperature(40)
    """)
    from opentrons.errors import ProtocolError
    with pytest.raises(ProtocolError, match="no module service"):
        execute(str(path), lambda: bus_backend_factory("execute:modules"))


def test_opentrons_execute_prints_the_run_log_and_ctrl_c_leaves_the_robot_safe(
        motion: Callable, spawn: Callable, run_dir: Path, client: Client) -> None:
    env = motion(speed="0.05")
    path = write_protocol(run_dir, """
        tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
        plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 3)
        pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
        pipette.pick_up_tip()
        for _ in range(50):
            pipette.move_to(plate["H12"].top(), speed=5)
            pipette.move_to(tips["A1"].top(), speed=5)
    """)
    run = spawn("-m", "opentrons.execute", str(path), env=env)
    run.wait_for_line("Picking up tip", timeout=60)
    assert client.call("motion.state")["lease"]["holder"] == f"execute:{run.popen.pid}"
    wait_until(lambda: client.call("motion.position")["x"] < 300, timeout=20)
    run.popen.send_signal(signal.SIGINT)
    assert run.popen.wait(timeout=60) == 130
    state = client.call("motion.state")
    assert state["lease"] is None and state["state"] == "idle" and all(state["homed"].values())
    assert any("Dropping tip into" in line for line in run.lines)


def test_a_vertical_move_lands_where_a_point_move_does(motion: Callable, run_dir: Path, client: Client,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OT2_RUN_DIR", str(run_dir))
    motion()
    backend = bus_backend_factory("execute:vertical")
    try:
        backend.move_to("left", Point(100, 100, 80))
        backend.move_to("left", Point(100, 100, 30))
        vertical = client.call("motion.position")
        backend.move_to("left", Point(150, 120, 80))
        backend.move_to("left", Point(100, 100, 30))
        assert client.call("motion.position") == vertical
    finally:
        backend.close()
