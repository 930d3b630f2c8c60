"""The simulation backend: in-process, no hardware, a virtual clock that advances by move time."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from opentrons.types import Point

DEFAULT_SPEED_MM_S = 400.0
HOME_POINT = Point(418.0, 353.0, 218.0)
_MODULE_STEP_SECONDS = 1.0


class SimulationBackend:
    """Executes motion instantly and counts the time it would have taken."""

    def __init__(self, pipette_ids: Optional[Dict[str, str]] = None) -> None:
        self._pipette_ids = dict(pipette_ids or {})
        self._clock = 0.0
        self._positions: Dict[str, Point] = {}
        self._plungers: Dict[str, float] = {}
        self.rail_lights_on = False
        self.module_log: List[Tuple[str, str, Dict[str, Any]]] = []

    def home(self, mount: Optional[str] = None) -> None:
        """Put one mount (or both) at the home position."""
        for name in ((mount,) if mount else ("left", "right")):
            self._travel(name, HOME_POINT, DEFAULT_SPEED_MM_S)

    def attached_pipette_ids(self) -> Dict[str, str]:
        """The pipette serials this simulation was told of (none by default)."""
        return dict(self._pipette_ids)

    def move_to(self, mount: str, point: Point, speed: Optional[float] = None) -> None:
        """Record the new position and the time the straight move takes."""
        self._travel(mount, point, speed or DEFAULT_SPEED_MM_S)

    def _travel(self, mount: str, point: Point, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be above 0 mm/s, got {speed}")
        start = self._positions.get(mount, HOME_POINT)
        self._clock += math.dist(start, point) / speed
        self._positions[mount] = point

    def move_plunger(self, mount: str, position_mm: float, speed_mm_s: float) -> None:
        """Record the plunger position and the time the stroke takes."""
        if speed_mm_s <= 0:
            raise ValueError(f"plunger speed must be above 0 mm/s, got {speed_mm_s}")
        start = self._plungers.get(mount, 0.0)
        self._clock += abs(position_mm - start) / speed_mm_s
        self._plungers[mount] = position_mm

    def pick_up_tip(self, mount: str, tip_length: float) -> None:
        """A pick-up is a short press; count its time."""
        self._clock += 1.0

    def drop_tip(self, mount: str) -> None:
        """A drop is a plunger stroke; count its time."""
        self._clock += 1.0

    def delay(self, seconds: float) -> None:
        """Advance the virtual clock without sleeping."""
        self._clock += max(0.0, seconds)

    def set_rail_lights(self, on: bool) -> None:
        """Remember the light state."""
        self.rail_lights_on = on

    def module_command(self, module_id: str, action: str, params: Dict[str, Any]) -> None:
        """Modules reach their targets at once in simulation; log the action."""
        self.module_log.append((module_id, action, dict(params)))
        self._clock += _MODULE_STEP_SECONDS

    def elapsed_seconds(self) -> float:
        """The virtual clock."""
        return self._clock

    def position(self, mount: str) -> Point:
        """Where the pipette on ``mount`` is now."""
        return self._positions.get(mount, HOME_POINT)
