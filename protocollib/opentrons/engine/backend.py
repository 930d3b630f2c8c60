"""The motion backend interface the engine hands every physical action to."""
from __future__ import annotations

from typing import Any, Dict, Optional, Protocol

from opentrons.types import Point


class MotionBackend(Protocol):
    """What the engine needs from hardware, real or simulated.

    Every method either completes the action or raises; the engine changes its state
    only after a call returned, so a failed action never leaves tips or volumes wrong.
    """

    def home(self, mount: Optional[str] = None) -> None:
        """Home every axis, or only the axes of ``mount`` ('left'/'right')."""

    def move_to(self, mount: str, point: Point, speed: Optional[float] = None) -> None:
        """Move the critical point of the pipette on ``mount`` to ``point`` (mm, mm/s)."""

    def move_plunger(self, mount: str, position_mm: float, speed_mm_s: float) -> None:
        """Move the plunger of ``mount`` to an absolute position in mm."""

    def pick_up_tip(self, mount: str, tip_length: float) -> None:
        """Press onto a tip at the current position."""

    def drop_tip(self, mount: str) -> None:
        """Eject the tip at the current position."""

    def delay(self, seconds: float) -> None:
        """Wait for ``seconds``."""

    def set_rail_lights(self, on: bool) -> None:
        """Switch the rail lights."""

    def module_command(self, module_id: str, action: str, params: Dict[str, Any]) -> None:
        """Run a module action ('temperatureModule/setTargetTemperature', …)."""

    def attached_pipette_ids(self) -> Dict[str, str]:
        """The serial number of the pipette on each mount, where known (calibration is kept per serial)."""

    def elapsed_seconds(self) -> float:
        """Time spent so far: the virtual clock in simulation, the wall clock on hardware."""
