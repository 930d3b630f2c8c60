"""SmoothieDriver: the OT-2 motion controller as one object with state, safety checks and a queue-jumping halt."""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Mapping

import structlog

from motion_daemon.driver import gcode, pipettes
from motion_daemon.driver.axes import (
    AXES, AXIS_ORDER, DEFAULT_FEED_MM_S, PLUNGER_AXES, PLUNGER_OVERSHOOT_MM, check_axes, currents_for,
)
from motion_daemon.driver.errors import (
    AlarmResponse, ControllerUnavailable, HaltedError, InvalidRequest, NoResponse, NotHomed, NotReady, OutOfBounds,
    SmoothieError,
)
from motion_daemon.driver.gcode import Code, Command
from motion_daemon.driver.halt_line import HaltLine, SerialHaltLine
from motion_daemon.driver.homing import HomingPlan, expand_home_axes
from motion_daemon.driver.isp import FlashError, IspClient, ProgrammingLine, SerialProgrammingLine
from motion_daemon.driver.line_protocol import LineProtocol
from motion_daemon.driver.replies import parse_position, parse_switches
from motion_daemon.driver.runner import CommandRunner, Timeouts
from motion_daemon.driver.setup import run_setup
from motion_daemon.driver.state import DriverState, Listener, MotionSnapshot, MotionState, PipetteInfo
from motion_daemon.driver.transport import SerialTransport
from motion_daemon.kinematics import MotionPlan, plan_moves

log = structlog.get_logger(__name__)

# Targets closer than this to the current position count as unchanged and are not sent.
POSITION_TOLERANCE_MM = 0.001
HALT_DRAIN_QUIET_S = 0.05
READY = (DriverState.IDLE,)


class SmoothieDriver:
    """Drives one Smoothie board. Public calls are serialised; halt() may be called from any thread at any time."""

    def __init__(
        self,
        url: str,
        *,
        board_revision: str = "2.1",
        timeouts: Timeouts = Timeouts(),
        halt_line: Callable[[SerialTransport], HaltLine] = SerialHaltLine,
        programming_line: Callable[[SerialTransport], ProgrammingLine] = SerialProgrammingLine,
    ) -> None:
        self._transport = SerialTransport(url)
        self._halt_event = threading.Event()
        self._runner = CommandRunner(LineProtocol(self._transport, self._halt_event), timeouts)
        self._halt_line = halt_line(self._transport)
        self._programming_line = programming_line(self._transport)
        self._revision = board_revision
        self._command_lock = threading.RLock()
        self._state = MotionState()
        self._feed_mm_s = DEFAULT_FEED_MM_S

    # -- connection -----------------------------------------------------------------------------------------

    def connect(self) -> MotionSnapshot:
        """Open the port and run the set-up sequence; the board's own homed flags are trusted."""
        return self._open_and_setup(trust_homed=True)

    def reconnect(self) -> MotionSnapshot:
        """Re-open after a lost connection and re-run set-up; every axis comes back unhomed and idle."""
        return self._open_and_setup(trust_homed=False)

    def close(self) -> None:
        """Close the port; the driver is disconnected until connect()."""
        with self._command_lock:
            self._transport.close()
            self._state.update(state=DriverState.DISCONNECTED, homed=_all(False), engaged=_all(False))

    def _open_and_setup(self, trust_homed: bool) -> MotionSnapshot:
        with self._command_lock:
            self._halt_event.clear()
            try:
                self._transport.open()
                self._runner.capabilities.unsupported.clear()
                result = run_setup(self._runner, self._revision)
            except (ControllerUnavailable, SmoothieError) as exc:
                self._lose_connection(str(exc))
                raise ControllerUnavailable(f"Smoothie set-up failed: {exc}") from exc
            homed = result.homed if trust_homed and result.homed is not None else _all(False)
            self._feed_mm_s = DEFAULT_FEED_MM_S
            self._state.update(state=DriverState.IDLE, position=result.position, homed=homed,
                               engaged=_all(False), halt_reason=None, firmware_version=result.firmware_version)
            log.info("smoothie_connected", url=self._transport.url, firmware=result.firmware_version)
            return self._state.snapshot()

    def update_firmware(self, image: bytes, progress: Callable[[float], None] = lambda fraction: None) -> MotionSnapshot:
        """Reset the board into its bootloader, program `image`, then reconnect and re-read the version.

        Allowed whenever no command runs, including on a board that answers nothing but its bootloader. On failure
        the driver is controller_unavailable (the board may hold no firmware) and FlashError says why.
        """
        with self._command_lock:
            self._halt_event.clear()
            self._state.update(state=DriverState.UPDATING_FIRMWARE, homed=_all(False), engaged=_all(False))
            try:
                self._transport.open()
                self._programming_line.enter()
                version = IspClient(self._transport).program(image, progress)
            except (ControllerUnavailable, SmoothieError) as exc:
                self._state.update(firmware_version=None)  # whatever the flash holds now, it is not known
                self._lose_connection(f"firmware update failed: {exc}")
                raise FlashError(f"firmware update failed: {exc}") from exc
            log.info("smoothie_programmed", version=version)
            return self._open_and_setup(trust_homed=False)

    # -- queries -------------------------------------------------------------------------------------------

    def snapshot(self) -> MotionSnapshot:
        """State, position, homed and engaged flags, halt reason, firmware version, pipettes; never blocks."""
        return self._state.snapshot()

    def estimated_position(self) -> dict[str, float]:
        """Position now, interpolated from the move plan while a move runs; never blocks."""
        return self._state.estimated_position()

    def add_listener(self, listener: Listener) -> None:
        """Have `listener(snapshot)` called after every state change."""
        self._state.add_listener(listener)

    def refresh_position(self) -> dict[str, float]:
        """Ask the board for its position (M114.2) and store it."""
        with self._guard():
            position = parse_position(self._runner.run(gcode.simple(Code.POSITION)))
            self._state.update(position=position)
            return position

    def read_switches(self) -> dict[str, bool] | None:
        """Limit switch states (M119): the six max switches and `Probe`; None if the board cannot report them."""
        with self._guard():
            text = self._runner.run_optional(gcode.simple(Code.SWITCHES), Code.SWITCHES)
            return parse_switches(text) if text is not None else None

    def read_pipettes(self) -> dict[str, PipetteInfo | None]:
        """Read both pipette EEPROMs (this powers the Z and plunger motors off, as the OT-2 must)."""
        with self._guard():
            found = pipettes.read_all(self._runner)
            self._mark_disengaged(pipettes.EEPROM_MOTORS)
            self._state.update(pipettes=found)
            return found

    # -- motion --------------------------------------------------------------------------------------------

    def home(self, axes: str = AXIS_ORDER) -> dict[str, float]:
        """Home the axes (plus those the homing order requires) and return the new position."""
        letters = _checked_axes(axes)
        with self._guard():
            plan = HomingPlan(self._revision, self._runner.capabilities)
            steps = plan.steps(letters)
            self._state.update(state=DriverState.BUSY)
            for step in steps:
                if step.homing_speeds:
                    self._state.begin_move(self._home_plan(step.homing_speeds))
                self._runner.run(step.command, step.expected_s)
            return self._finish_home(expand_home_axes(letters))

    def move(self, targets: Mapping[str, float], speed_mm_s: float | None = None) -> dict[str, float]:
        """Move to absolute targets (mm per axis letter) at an optional speed; refused before any G-code if unsafe."""
        checked = _checked_targets(targets)
        speed = _checked_speed(speed_mm_s)
        with self._guard():
            self._check_homed_and_bounds(checked)
            position = self._state.snapshot().position
            changed = {a: v for a, v in checked.items() if abs(v - position[a]) > POSITION_TOLERANCE_MM}
            if not changed:
                return dict(position)
            return self._run_move(position, changed, speed)

    def disengage(self, axes: str = AXIS_ORDER) -> None:
        """Power the motors of `axes` off (M18); a later move or home powers them again."""
        letters = _checked_axes(axes)
        with self._guard():
            self._runner.run(gcode.disengage(letters))
            self._mark_disengaged(letters)

    def halt(self, reason: str = "halted by user") -> None:
        """Stop the board now, from any thread; the running command ends with HaltedError; reset() to recover."""
        self._halt_event.set()
        try:
            self._halt_line.trigger()
        except ControllerUnavailable as exc:
            log.warning("halt_without_board", error=str(exc))
        self._state.enter_halted(reason)
        log.warning("motion_halted", reason=reason)

    def reset(self) -> MotionSnapshot:
        """Clear a halt or alarm (M999); every axis stays unhomed until homed."""
        with self._command_lock:
            if self._state.snapshot().state in (DriverState.CONTROLLER_UNAVAILABLE, DriverState.DISCONNECTED):
                raise ControllerUnavailable("the Smoothie is not connected: reconnect first")
            self._halt_event.clear()
            with self._guard(allowed=(DriverState.IDLE, DriverState.HALTED)):
                self._transport.discard_input(quiet_s=HALT_DRAIN_QUIET_S)
                self._runner.run(gcode.simple(Code.RESET))
                position = parse_position(self._runner.run(gcode.simple(Code.POSITION)))
                self._state.update(state=DriverState.IDLE, halt_reason=None, position=position, homed=_all(False))
            return self._state.snapshot()

    # -- internals -----------------------------------------------------------------------------------------

    def _run_move(self, position: Mapping[str, float], changed: dict[str, float], speed: float | None) -> dict:
        first, second = _with_overshoot(position, changed)
        line = self._currents_prefix("".join(changed)) + gcode.move(first)
        targets = [first] if not second else [first, second]
        if second:
            line = line + gcode.move(second)
        feed = speed if speed is not None else self._feed_mm_s
        plan = self._plan(position, targets, feed)
        if speed is not None:
            self._runner.run_optional(gcode.feed_rate(speed), "feed_rate")
        self._state.begin_move(plan)
        self._runner.run(line, plan.duration)
        self._state.end_move(plan.target)
        self._mark_engaged("".join(changed))
        self._after_move(changed, speed)
        return plan.target

    def _after_move(self, changed: Mapping[str, float], speed: float | None) -> None:
        if any(axis in PLUNGER_AXES for axis in changed) and self._runner.capabilities.supports(Code.CURRENTS):
            # As on the OT-2, plungers drop back to dwell current as soon as their move is done.
            self._runner.run(gcode.currents(currents_for(self._revision, "".join(set("XYZA") & set(changed)))))
        if speed is not None:
            self._runner.run_optional(gcode.feed_rate(self._feed_mm_s), "feed_rate")

    def _plan(self, start: Mapping[str, float], targets: list[dict[str, float]], feed: float) -> MotionPlan:
        speeds = {a: AXES[a].max_speed_mm_s for a in AXIS_ORDER}
        accels = {a: AXES[a].acceleration_mm_s2 for a in AXIS_ORDER}
        return plan_moves(start, targets, feed, speeds, accels)

    def _home_plan(self, speeds: Mapping[str, float]) -> MotionPlan:
        """An estimate only: where homing axes started is not truly known, but it keeps position events moving."""
        targets = {axis: AXES[axis].homed_mm for axis in speeds}
        accels = {a: AXES[a].acceleration_mm_s2 for a in AXIS_ORDER}
        return plan_moves(self._state.estimated_position(), [targets], math.inf, speeds, accels)

    def _currents_prefix(self, active: str) -> Command:
        if not self._runner.capabilities.supports(Code.CURRENTS):
            return Command(())
        return gcode.currents(currents_for(self._revision, active))

    def _finish_home(self, homed_axes: str) -> dict[str, float]:
        position = parse_position(self._runner.run(gcode.simple(Code.POSITION)))
        homed = {**self._state.snapshot().homed, **{axis: True for axis in homed_axes}}
        self._state.update(homed=homed)
        self._mark_engaged(homed_axes)
        self._state.end_move(position)
        return position

    def _check_homed_and_bounds(self, targets: Mapping[str, float]) -> None:
        homed = self._state.snapshot().homed
        unhomed = "".join(axis for axis in targets if not homed[axis])
        if unhomed:
            raise NotHomed(f"axes {unhomed} are not homed (position unknown): home them before moving")
        for axis, value in targets.items():
            spec = AXES[axis]
            if not spec.min_mm <= value <= spec.max_mm:
                raise OutOfBounds(f"{axis} ({spec.plain_name}) target {value} mm is outside its travel "
                                  f"{spec.min_mm}..{spec.max_mm} mm")

    def _mark_engaged(self, axes: str) -> None:
        engaged = dict(self._state.snapshot().engaged)
        engaged.update({axis: True for axis in axes})
        self._state.update(engaged=engaged)

    def _mark_disengaged(self, axes: str) -> None:
        engaged = dict(self._state.snapshot().engaged)
        engaged.update({axis: False for axis in axes})
        self._state.update(engaged=engaged)

    def _lose_connection(self, reason: str) -> None:
        self._transport.close()
        self._state.enter_unavailable(reason)
        log.error("smoothie_unavailable", reason=reason)

    @contextmanager
    def _guard(self, allowed: tuple[DriverState, ...] = READY) -> Iterator[None]:
        """Serialise a public call, refuse it unless the state allows, and turn failures into state changes."""
        with self._command_lock:
            snapshot = self._state.snapshot()
            if snapshot.state not in allowed:
                raise _refusal(snapshot)
            try:
                yield
            except AlarmResponse as exc:
                log.error("smoothie_alarm", reason=exc.reason, axis=exc.axis, command=exc.command,
                          reply=exc.reply, position=self._state.estimated_position())
                self._state.enter_halted(exc.reason)
                raise
            except HaltedError:
                self._state.enter_halted(self._state.snapshot().halt_reason or "halted by user")
                raise
            except (ControllerUnavailable, NoResponse) as exc:
                self._lose_connection(str(exc))
                raise
            finally:
                self._state.end_move(None)


def _all(value: bool) -> dict[str, bool]:
    return {axis: value for axis in AXIS_ORDER}


def _refusal(snapshot: MotionSnapshot) -> NotReady:
    if snapshot.state in (DriverState.CONTROLLER_UNAVAILABLE, DriverState.DISCONNECTED):
        return ControllerUnavailable(f"the Smoothie is {snapshot.state.value}: reconnect first")
    if snapshot.state is DriverState.UPDATING_FIRMWARE:
        return NotReady("the Smoothie firmware is being updated: motion is refused until it is done")
    reason = f" ({snapshot.halt_reason})" if snapshot.halt_reason else ""
    return NotReady(f"motion is {snapshot.state.value}{reason}: reset() first")


def _checked_axes(axes: str) -> str:
    if not isinstance(axes, str) or not axes:
        raise InvalidRequest(f"axes must be a non-empty string of letters from {AXIS_ORDER}, got {axes!r}")
    try:
        return check_axes(axes)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from exc


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidRequest(f"{name} must be a finite number of mm, got {value!r}")
    return float(value)


def _checked_targets(targets: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(targets, Mapping) or not targets:
        raise InvalidRequest(f"targets must be a non-empty mapping of axis letter to mm, got {targets!r}")
    checked: dict[str, float] = {}
    for axis, value in targets.items():
        letter = _checked_axes(axis) if isinstance(axis, str) and len(axis) == 1 else None
        if letter is None:
            raise InvalidRequest(f"target key {axis!r} is not one axis letter from {AXIS_ORDER}")
        checked[letter] = _number(f"target for {letter}", value)
    return checked


def _checked_speed(speed: float | None) -> float | None:
    if speed is None:
        return None
    value = _number("speed", speed)
    fastest = max(spec.max_speed_mm_s for spec in AXES.values())
    if not 0 < value <= fastest:
        raise InvalidRequest(f"speed must be above 0 and at most {fastest} mm/s, got {speed!r}")
    return value


def _with_overshoot(position: Mapping[str, float], changed: dict[str, float]) -> tuple[dict, dict]:
    """A rising plunger goes 0.3 mm past its target and comes back, so backlash is always taken up the same way."""
    rising = {a: v for a, v in changed.items() if a in PLUNGER_AXES and v > position[a]}
    first = {**changed, **{a: v + PLUNGER_OVERSHOOT_MM for a, v in rising.items()}}
    return first, rising
