"""The engine: commands as data, state that changes only after the backend succeeded, plunger maths."""
from __future__ import annotations

from typing import Any

import pytest

from opentrons.engine.sim_backend import SimulationBackend
from opentrons.errors import NoTipAttachedError, VolumeError
from opentrons.runner import make_context
from opentrons.protocols.api_level import APIVersion


class FailingPlunger(SimulationBackend):
    """A backend whose plunger or tip actions fail: the boundary we cannot make fail for real."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_plunger = False
        self.fail_pick_up = False

    def move_plunger(self, mount: str, position_mm: float, speed_mm_s: float) -> None:
        if self.fail_plunger:
            raise RuntimeError("plunger stalled")
        super().move_plunger(mount, position_mm, speed_mm_s)

    def pick_up_tip(self, mount: str, tip_length: float) -> None:
        if self.fail_pick_up:
            raise RuntimeError("tip not seated")
        super().pick_up_tip(mount, tip_length)


def _setup(backend: Any, level: str = "2.13") -> tuple:
    ctx = make_context(APIVersion.from_string(level), backend)
    tips = ctx.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = ctx.load_labware("corning_96_wellplate_360ul_flat", 2)
    pipette = ctx.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    return ctx, tips, plate, pipette


def test_every_call_becomes_a_json_vocabulary_command() -> None:
    ctx, _, plate, pipette = _setup(SimulationBackend())
    pipette.pick_up_tip()
    pipette.aspirate(50, plate["A1"])
    pipette.dispense(50, plate["B1"])
    pipette.drop_tip()
    kinds = [c["commandType"] for c in ctx.engine.commands]
    assert kinds == ["loadLabware"] * 3 + ["loadPipette", "pickUpTip", "aspirate", "dispense", "dropTip"]
    aspirate = ctx.engine.commands[5]["params"]
    assert aspirate["wellName"] == "A1" and aspirate["volume"] == 50.0
    assert aspirate["wellLocation"]["origin"] == "bottom"


def test_failed_aspirate_leaves_the_volume_unchanged() -> None:
    backend = FailingPlunger()
    _, _, plate, pipette = _setup(backend)
    pipette.pick_up_tip()
    pipette.aspirate(100, plate["A1"])
    backend.fail_plunger = True
    with pytest.raises(RuntimeError, match="plunger stalled"):
        pipette.aspirate(50, plate["A1"])
    assert pipette.current_volume == 100.0


def test_failed_pick_up_leaves_no_tip_and_the_rack_full() -> None:
    backend = FailingPlunger()
    _, tips, _, pipette = _setup(backend)
    backend.fail_pick_up = True
    with pytest.raises(RuntimeError, match="tip not seated"):
        pipette.pick_up_tip()
    assert not pipette.has_tip
    assert tips.next_tip() is tips["A1"]


def test_volume_over_the_tip_maximum_is_refused_before_motion() -> None:
    ctx, _, plate, pipette = _setup(SimulationBackend())
    pipette.pick_up_tip()
    with pytest.raises(VolumeError, match="at most 300 uL"):
        pipette.aspirate(301, plate["A1"])
    assert pipette.current_volume == 0


def test_aspirate_without_a_tip_says_what_to_do() -> None:
    _, _, plate, pipette = _setup(SimulationBackend())
    with pytest.raises(NoTipAttachedError, match="pick_up_tip"):
        pipette.aspirate(10, plate["A1"])


def test_plunger_travel_grows_with_volume_from_the_bottom_position() -> None:
    ctx, _, _, pipette = _setup(SimulationBackend())
    state = ctx.engine.pipette(pipette._state.pipette_id)
    bottom = state.model_config["bottom"]["value"]
    assert state.plunger_position(0, "aspirate") == bottom
    small, large = state.plunger_position(20, "aspirate"), state.plunger_position(200, "aspirate")
    assert bottom < small < large <= state.model_config["top"]["value"]


def test_the_virtual_clock_counts_delays_and_moves_without_sleeping() -> None:
    ctx, _, plate, pipette = _setup(SimulationBackend())
    ctx.delay(minutes=10)
    after_delay = ctx.engine.elapsed_seconds()
    assert after_delay >= 600
    pipette.move_to(plate["A1"].top())
    assert ctx.engine.elapsed_seconds() > after_delay


def test_eight_channel_pipette_takes_a_whole_column_of_tips() -> None:
    ctx = make_context(APIVersion(2, 13), SimulationBackend())
    tips = ctx.load_labware("opentrons_96_tiprack_20ul", 1)
    multi = ctx.load_instrument("p20_multi_gen2", "left", tip_racks=[tips])
    multi.pick_up_tip()
    multi.drop_tip()
    assert tips.next_tip() is tips["A2"]
    assert tips.next_tip(8) is tips["A2"]
    assert not tips["H1"].has_tip
