"""The simulated board's state machine: positions, homed flags, limits, alarms, halt, EEPROM, timed motion."""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from motion_daemon.driver.axes import AXES, AXIS_ORDER, DEFAULT_FEED_MM_S
from motion_daemon.kinematics import MotionPlan, Segment, plan_segment
from motion_daemon.smoothie_sim import dialect
from motion_daemon.smoothie_sim.bootloader import Bootloader, FlashMemory
from motion_daemon.smoothie_sim.faults import FaultKnobs

# Each max switch sits this far past the homed position, so a move beyond it trips the switch.
SWITCH_MARGIN_MM = 1.0
RECEIVED_LINES_KEPT = 100_000
BASIC_CODES = frozenset({"G0", "G4", "G28.2", "G90", "G91", "M114.2", "M400", "M999", "M112", "VERSION"})
MOUNT_LETTERS = {"left": "L", "right": "R"}
# Homing runs at the axis's max speed from the start; a huge acceleration models that without a ramp.
HOMING_ACCEL_MM_S2 = 1e9


@dataclass(frozen=True)
class SimPipette:
    """A pipette on a mount: the model and serial number its EEPROM holds."""

    model: str
    pipette_id: str


@dataclass(frozen=True)
class Reply:
    """Text to send back, not before `ready_at` (the firmware holds some acks until motion ends); `moves` marks a G0."""

    text: str
    ready_at: float = 0.0
    moves: bool = False


@dataclass
class _Motion:
    plan: MotionPlan
    started: float
    scale: float
    alarm_at: float | None = None
    alarm_axis: str = ""

    @property
    def ends(self) -> float:
        return self.started + self.plan.duration * self.scale

    def position_at(self, now: float) -> dict[str, float]:
        if self.scale == 0:
            return self.plan.target
        return self.plan.position_at((now - self.started) / self.scale)


@dataclass
class BoardConfig:
    """What the simulated board is: attached pipettes, speed factor (1 real time, 0 instant), dialect, firmware.

    `firmware_version` is what the flash holds when it left the factory; `flash_file`, when given, keeps what
    later programming put there across restarts of the process, as a real board's flash would.
    """

    pipettes: Mapping[str, SimPipette] = field(default_factory=dict)
    speed_factor: float = 0.0
    basic: bool = False
    unknown_codes: str = "error"
    firmware_version: str = dialect.FIRMWARE_VERSION
    flash_file: Path | None = None
    # A file every received line is appended to, so tests in other processes can see the G-code sent.
    gcode_log: str | None = None


class SimulatedSmoothie:
    """Answers one line at a time as the firmware would; time is passed in so the caller owns the clock."""

    def __init__(self, config: BoardConfig, faults: FaultKnobs | None = None) -> None:
        self.config = config
        self.faults = faults or FaultKnobs()
        self.position = {axis: 0.0 for axis in AXIS_ORDER}
        self.homed = {axis: False for axis in AXIS_ORDER}
        self.engaged = {axis: False for axis in AXIS_ORDER}
        self.max_speeds = {axis: float(AXES[axis].max_speed_mm_s) for axis in AXIS_ORDER}
        self.accels = {axis: float(AXES[axis].acceleration_mm_s2) for axis in AXIS_ORDER}
        self.currents: dict[str, float] = {}
        self.steps_per_mm: dict[str, float] = {}
        self.feed_mm_s = DEFAULT_FEED_MM_S
        self.relative = False
        self.halted = False
        self.motion: _Motion | None = None
        self.dwell_until = 0.0
        # The latest non-empty lines received, in order: what golden tests compare against (bounded, so a
        # long-running simulated robot does not grow without limit).
        self.received: deque[str] = deque(maxlen=RECEIVED_LINES_KEPT)
        self.flash = FlashMemory.load(config.firmware_version, config.flash_file)
        # A board with a wiped flash has nothing to run but its bootloader.
        self.bootloader: Bootloader | None = self._new_bootloader() if self.flash.version is None else None
        self._handlers: dict[str, Callable[[list[str], float], str | None]] = {
            "G0": self._move, "G4": self._dwell, "G28.2": self._home, "G28.6": self._homed_flags,
            "G90": self._absolute, "G91": self._relative, "M114.2": self._position, "M119": self._switches,
            "M907": self._set_currents, "M92": self._set_steps, "M203.1": self._set_max_speeds,
            "M204": self._set_accels, "M400": self._noop, "M18": self._disengage, "M999": self._clear_halt,
            "M369": self._read_id, "M371": self._read_model,
        }

    # -- the line interface --------------------------------------------------------------------------------

    def handle_line(self, line: str, now: float) -> Reply:
        """Answer one received line (without its line break)."""
        stripped = line.strip()
        if stripped and self.bootloader is None:
            self.received.append(stripped)
            if self.config.gcode_log:
                self._log_line(stripped)
        if self.bootloader is not None or stripped.lower() == dialect.ISP_COMMAND:
            return Reply(self._programming(stripped, now))
        if stripped.lower() == "version":
            return Reply(f"{dialect.version_reply(self.flash.version or '')}\r\n{dialect.OK}\r\n")
        if self.halted and "M999" not in stripped.upper().split():
            return Reply(f"{dialect.HALTED}\r\n")
        if not stripped:
            return Reply(f"{dialect.OK}\r\n")
        try:
            return self._run_groups(dialect.split_codes(stripped), now)
        except _NoInstrument as missing:
            return Reply(f"{dialect.no_instrument(missing.letter)}\r\n")
        except (ValueError, IndexError) as exc:
            return Reply(f"error:{exc}\r\n")

    def _log_line(self, line: str) -> None:
        with open(self.config.gcode_log or "", "a", encoding="ascii", errors="replace") as log:
            log.write(line + "\n")

    def emergency_stop(self, now: float) -> str:
        """M112: stop at once wherever the axes are; the position is no longer trusted."""
        self.received.append("M112")
        self._stop_motion(now)
        self.halted = True
        self.homed = {axis: False for axis in AXIS_ORDER}
        return f"{dialect.HALT_ACCEPTED}\r\n"

    def poll(self, now: float) -> str:
        """Advance time: finish motion, or raise the limit alarm it runs into; return any unsolicited output."""
        motion = self.motion
        if motion is None:
            return ""
        if motion.alarm_at is not None and now >= motion.alarm_at:
            self.position = motion.position_at(motion.alarm_at) if motion.scale else motion.plan.target
            self.motion = None
            self.halted = True
            self.homed = {axis: False for axis in AXIS_ORDER}
            return f"{dialect.alarm_text(motion.alarm_axis)}\r\n"
        if now >= motion.ends:
            self.position = motion.plan.target
            self.motion = None
        return ""

    def busy_until(self) -> float:
        """When the current motion or dwell ends (or the motion's alarm fires); 0 when idle."""
        if self.motion is None:
            return self.dwell_until
        ends = self.motion.alarm_at if self.motion.alarm_at is not None else self.motion.ends
        return max(ends, self.dwell_until)

    def _new_bootloader(self) -> Bootloader:
        return Bootloader(self.flash, lambda: self.faults.take("flash_failures"),
                          lambda: self.faults.take("flash_noise"))

    def _programming(self, line: str, now: float) -> str:
        """`isp` resets the board into its bootloader (the real OT-2 does it with the ISP and reset pins)."""
        if line.lower() == dialect.ISP_COMMAND:
            self.power_cycle(now)
            self.bootloader = self._new_bootloader()
            return ""
        assert self.bootloader is not None
        reply = self.bootloader.handle(line)
        if self.bootloader.started:
            self.power_cycle(now)
            self.bootloader = None
        return reply

    def power_cycle(self, now: float) -> None:
        """What a pulled cable does to the board: motion stops, homing is lost, the halt clears."""
        self._stop_motion(now)
        self.halted = False
        self.homed = {axis: False for axis in AXIS_ORDER}

    # -- dispatch ------------------------------------------------------------------------------------------

    def _run_groups(self, groups: list[tuple[str, list[str]]], now: float) -> Reply:
        data: list[str] = []
        hold = 0.0
        moves = any(code == "G0" and any(word[:1].upper() in AXES for word in args) for code, args in groups)
        for code, args in groups:
            handler = self._handlers.get(code) if self._knows(code) else None
            if handler is None:
                if self.config.unknown_codes == "error" or not self._looks_like_code(code):
                    return Reply(f"{dialect.UNSUPPORTED} {code}\r\n")
                continue
            output = handler(args, now)
            if output:
                data.append(output)
            if code in ("M400", "G28.2"):
                hold = max(hold, self.busy_until())
        text = "".join(f"{item}\r\n" for item in data) + f"{dialect.OK}\r\n"
        return Reply(text, hold, moves)

    def _knows(self, code: str) -> bool:
        return not self.config.basic or code in BASIC_CODES

    @staticmethod
    def _looks_like_code(code: str) -> bool:
        return code[:1] in "GM" and code[1:2].isdigit()

    # -- motion --------------------------------------------------------------------------------------------

    def _start(self, plan: MotionPlan, now: float, limit_check: bool = True) -> None:
        motion = _Motion(plan, now, self.config.speed_factor)
        if limit_check:
            self._find_limit_hit(motion)
        if limit_check and self.faults.take("alarm_next_move"):
            motion.alarm_at = motion.started + plan.duration * motion.scale / 2
            moving = [a for a in AXIS_ORDER if plan.target[a] != plan.segments[0].start[a]]
            motion.alarm_axis = moving[0] if moving else "X"
        self.motion = motion
        self.engaged.update({a: True for a in AXIS_ORDER if plan.target[a] != plan.segments[0].start[a]})

    def _find_limit_hit(self, motion: _Motion) -> None:
        elapsed = 0.0
        for segment in motion.plan.segments:
            hit = _first_switch_hit(segment)
            if hit is not None:
                axis, seconds = hit
                motion.alarm_at, motion.alarm_axis = motion.started + (elapsed + seconds) * motion.scale, axis
                return
            elapsed += segment.duration

    def _stop_motion(self, now: float) -> None:
        if self.motion is not None:
            self.position = self.motion.position_at(min(now, self.motion.ends))
            self.motion = None

    def _move(self, args: list[str], now: float) -> None:
        values = dialect.axis_args(args)
        if "F" in values:
            feed = values.pop("F")
            if feed <= 0:
                raise ValueError(f"feed rate must be above 0, got F{feed}")
            self.feed_mm_s = feed / 60
        if not values:
            return None
        unknown = [axis for axis in values if axis not in AXES]
        if unknown:
            raise ValueError(f"unknown axis {unknown[0]}")
        start = self._queued_end(now)
        target = {a: start[a] + v if self.relative else v for a, v in values.items()}
        segment = plan_segment(start, target, self.feed_mm_s, self.max_speeds, self.accels)
        self._append(segment, now)
        return None

    def _queued_end(self, now: float) -> dict[str, float]:
        return self.motion.plan.target if self.motion is not None else dict(self.position)

    def _append(self, segment: Segment, now: float) -> None:
        if self.motion is not None and now < self.motion.ends:
            segments = [*self.motion.plan.segments, segment]
            started = self.motion.started
            self.motion = None
            self._start(MotionPlan(segments), started)
        else:
            self.poll(now)
            self._start(MotionPlan([segment]), now)

    def _dwell(self, args: list[str], now: float) -> None:
        seconds = dialect.axis_args(args[:1]).get("P", 0.0) if args else 0.0
        if seconds < 0:
            raise ValueError(f"dwell must not be negative: {args[0]}")
        self.dwell_until = max(self.busy_until(), now) + seconds * self.config.speed_factor
        return None

    def _home(self, args: list[str], now: float) -> None:
        axes = "".join(args).upper() or AXIS_ORDER
        start = self._queued_end(now)
        target = {axis: AXES[axis].homed_mm for axis in axes if axis in AXES}
        fast = {axis: HOMING_ACCEL_MM_S2 for axis in AXIS_ORDER}
        segment = plan_segment(start, target, math.inf, self.max_speeds, fast)
        self.poll(now)
        self._start(MotionPlan([segment]), now, limit_check=False)
        self.homed.update({axis: True for axis in target})
        return None

    def _absolute(self, args: list[str], now: float) -> None:
        self.relative = False

    def _relative(self, args: list[str], now: float) -> None:
        self.relative = True

    def _noop(self, args: list[str], now: float) -> None:
        return None

    # -- queries and settings --------------------------------------------------------------------------------

    def _position(self, args: list[str], now: float) -> str:
        here = self.motion.position_at(now) if self.motion is not None else self.position
        return dialect.position_reply(here)

    def _homed_flags(self, args: list[str], now: float) -> str:
        return dialect.homed_reply(self.homed)

    def _switches(self, args: list[str], now: float) -> str:
        pressed = {axis: self.position[axis] >= AXES[axis].homed_mm - 0.001 for axis in AXIS_ORDER}
        return dialect.switches_reply(pressed)

    def _set_currents(self, args: list[str], now: float) -> None:
        self.currents.update(dialect.axis_args(args))

    def _set_steps(self, args: list[str], now: float) -> None:
        self.steps_per_mm.update(dialect.axis_args(args))

    def _set_max_speeds(self, args: list[str], now: float) -> None:
        self.max_speeds.update(dialect.positive_args(args))

    def _set_accels(self, args: list[str], now: float) -> None:
        values = dialect.positive_args(args)
        values.pop("S", None)
        self.accels.update(values)

    def _disengage(self, args: list[str], now: float) -> None:
        self.engaged.update({axis: False for axis in "".join(args).upper() if axis in AXES})

    def _clear_halt(self, args: list[str], now: float) -> str | None:
        was_halted, self.halted = self.halted, False
        return dialect.AFTER_HALT_WARNING if was_halted else None

    def _eeprom(self, args: list[str], read: Callable[[SimPipette], str]) -> str:
        letter = args[0].upper() if args else ""
        mount = next((m for m, l in MOUNT_LETTERS.items() if l == letter), None)
        if mount is None:
            raise ValueError(f"mount must be L or R, got {letter!r}")
        pipette = self.config.pipettes.get(mount)
        if pipette is None:
            raise _NoInstrument(letter)
        return dialect.eeprom_reply(letter, read(pipette))

    def _read_id(self, args: list[str], now: float) -> str:
        return self._eeprom(args, lambda p: p.pipette_id)

    def _read_model(self, args: list[str], now: float) -> str:
        return self._eeprom(args, lambda p: dialect.eeprom_model_text(p.model))


class _NoInstrument(ValueError):
    def __init__(self, letter: str) -> None:
        super().__init__(letter)
        self.letter = letter


def _first_switch_hit(segment: Segment) -> tuple[str, float] | None:
    """The first max switch the segment runs into, and after how many (board) seconds."""
    hits = []
    for axis in AXIS_ORDER:
        switch = AXES[axis].homed_mm + SWITCH_MARGIN_MM
        start, end = segment.start[axis], segment.target[axis]
        if end > switch and start <= switch and segment.length:
            distance = (switch - start) / (end - start) * segment.length
            hits.append((segment.time_at_distance(distance), axis))
    if not hits:
        return None
    seconds, axis = min(hits)
    return axis, seconds
