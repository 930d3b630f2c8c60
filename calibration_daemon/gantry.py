"""The motion a calibration session needs, through the motion daemon, under the session's hardware lease."""
from __future__ import annotations

from typing import Any

from bus import AsyncClient
from opentrons.types import Point

MOVE_TIMEOUT_S = 60.0
MOUNT_Z = {"left": "z", "right": "a"}
PLUNGER = {"left": "b", "right": "c"}
PLUNGER_SPEED_MM_S = 10.0


class Gantry:
    """Moves one mount's pipette to deck points for one session; `holder` is `calibration:<session id>`."""

    def __init__(self, client: AsyncClient, holder: str, mount: str) -> None:
        self.client = client
        self.holder = holder
        self.mount = mount

    async def attached(self) -> dict[str, Any]:
        """The pipette on this mount as the motion daemon reports it ({model, name, id, ...}); None when empty."""
        pipettes = await self.client.call("motion.pipettes", {}, idempotent=True)
        return pipettes.get(self.mount)

    async def take_lease(self) -> None:
        """Hold the robot for the session (it ends with this daemon's heartbeat, or on release)."""
        await self.client.call("motion.lease.acquire", {"holder": self.holder})

    async def release_lease(self) -> None:
        """Let others move the robot again."""
        await self.client.call("motion.lease.release", {"holder": self.holder})

    async def home(self) -> None:
        """Home every axis."""
        await self._motion("motion.home", {})

    async def move_nozzle_to(self, point: Point, tip_offset: float) -> None:
        """Put the end of the nozzle (or of a tip `tip_offset` mm long past it) at `point`."""
        await self._motion("motion.move", {"point": [point.x, point.y, point.z + tip_offset], "mount": self.mount,
                                           "target": "pipette"})

    async def press_tip(self, press_mm: float) -> None:
        """Push the nozzle `press_mm` into the tip below it and come back up, as a tip pick-up does."""
        axis = MOUNT_Z[self.mount]
        start = float((await self.client.call("motion.position", {}, idempotent=True))[axis])
        await self._motion("motion.move", {"targets": {axis: max(start - press_mm, 0.0)}, "speed": 30.0})
        await self._motion("motion.move", {"targets": {axis: start}})

    async def eject_tip(self, bottom_mm: float, drop_tip_mm: float) -> None:
        """Push the tip off with the plunger's drop-tip stroke, then bring the plunger back to the bottom."""
        for position in (bottom_mm, drop_tip_mm, bottom_mm):
            await self._motion("motion.move", {"targets": {PLUNGER[self.mount]: position}, "speed": PLUNGER_SPEED_MM_S})

    async def _motion(self, op: str, args: dict[str, Any]) -> Any:
        return await self.client.call(op, {**args, "holder": self.holder}, timeout=MOVE_TIMEOUT_S)
