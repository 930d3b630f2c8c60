"""The driver's motion state, shared between the worker thread and halt(): positions, homed flags, live move plan."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Callable, Mapping

import structlog

from motion_daemon.driver.axes import AXES, AXIS_ORDER
from motion_daemon.kinematics import MotionPlan

log = structlog.get_logger(__name__)


class DriverState(str, Enum):
    """What the driver can do right now."""

    DISCONNECTED = "disconnected"
    IDLE = "idle"
    BUSY = "busy"
    HALTED = "halted"
    CONTROLLER_UNAVAILABLE = "controller_unavailable"
    UPDATING_FIRMWARE = "updating_firmware"


@dataclass(frozen=True)
class PipetteInfo:
    """A pipette read from its EEPROM."""

    model: str
    pipette_id: str | None


@dataclass(frozen=True)
class MotionSnapshot:
    """Everything a caller may want to show about the driver, at one instant."""

    state: DriverState
    position: Mapping[str, float]
    homed: Mapping[str, bool]
    engaged: Mapping[str, bool]
    halt_reason: str | None = None
    firmware_version: str | None = None
    pipettes: Mapping[str, PipetteInfo | None] = field(default_factory=dict)


def _all(value: object) -> dict:
    return {axis: value for axis in AXIS_ORDER}


Listener = Callable[[MotionSnapshot], None]


class MotionState:
    """Thread-safe holder of the snapshot plus the move in flight; notifies listeners on every change."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        homed_position = {axis: AXES[axis].homed_mm for axis in AXIS_ORDER}
        self._snapshot = MotionSnapshot(DriverState.DISCONNECTED, homed_position, _all(False), _all(False))
        self._plan: MotionPlan | None = None
        self._plan_started = 0.0
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(snapshot)` after every change (from whichever thread made it)."""
        self._listeners.append(listener)

    def snapshot(self) -> MotionSnapshot:
        """The current snapshot (immutable)."""
        with self._lock:
            return self._snapshot

    def update(self, only_from: tuple[DriverState, ...] = (), **changes: object) -> None:
        """Replace some snapshot fields (only while in one of `only_from`, if given); notify on change."""
        with self._lock:
            before = self._snapshot
            if only_from and before.state not in only_from:
                return
            self._snapshot = replace(before, **changes)
            changed = self._snapshot != before
        if changed:
            self._notify()

    def begin_move(self, plan: MotionPlan) -> None:
        """Record the plan of the move now being sent, so its position can be estimated."""
        with self._lock:
            self._plan, self._plan_started = plan, self._clock()
        self.update(state=DriverState.BUSY)

    def end_move(self, position: Mapping[str, float] | None) -> None:
        """Forget the plan; store the reached position; go idle unless halt() got there first."""
        with self._lock:
            self._plan = None
        if position is not None:
            self.update(position=dict(position))
        self.update(only_from=(DriverState.BUSY,), state=DriverState.IDLE)

    def estimated_position(self) -> dict[str, float]:
        """Where the axes are now: interpolated along the move in flight, else the last known position."""
        with self._lock:
            if self._plan is None:
                return dict(self._snapshot.position)
            return self._plan.position_at(self._clock() - self._plan_started)

    def enter_halted(self, reason: str) -> None:
        """Halted or alarmed: freeze the estimated position, every axis unhomed, until reset."""
        position = self.estimated_position()
        with self._lock:
            self._plan = None
        self.update(only_from=(DriverState.IDLE, DriverState.BUSY, DriverState.HALTED), state=DriverState.HALTED,
                    halt_reason=reason, homed=_all(False), position=position)

    def enter_unavailable(self, reason: str) -> None:
        """Lost the board: every axis unhomed until a reconnect and a home."""
        with self._lock:
            self._plan = None
        self.update(state=DriverState.CONTROLLER_UNAVAILABLE, halt_reason=reason, homed=_all(False),
                    engaged=_all(False))

    def _notify(self) -> None:
        snapshot = self.snapshot()
        for listener in list(self._listeners):
            try:
                listener(snapshot)
            except Exception:  # a broken listener must not break motion
                log.exception("motion_listener_failed")
