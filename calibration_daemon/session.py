"""One calibration session: its step, where the pipette is, what was measured, and the commands that move it on."""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bus import BadRequest, Conflict
from calibration_daemon.deck_points import ABOVE_DECK, ABOVE_TIP_RACK, DeckPoints
from calibration_daemon.checking import compare_point
from calibration_daemon.gantry import Gantry
from calibration_daemon.saving import save_offset
from calibration_daemon.steps import FREE_COMMANDS, JOG_STEPS, TRANSITIONS, command_name, supported_commands
from opentrons.calibration_storage.applied import RobotCalibration
from opentrons.calibration_storage.store import CalibrationStore
from opentrons.labware_offsets import definition_uri
from opentrons.types import Point

MAX_JOG_MM = 100.0


@dataclass
class Instrument:
    """The pipette being calibrated, its tip rack, and the tip length assumed while moving with a tip."""

    mount: str
    serial: str
    model: str
    name: str
    model_config: Dict[str, Any]
    tip_rack: Dict[str, Any]
    tip_length: float

    @property
    def tip_rack_uri(self) -> str:
        """namespace/loadName/version of the tip rack used."""
        return definition_uri(self.tip_rack)

    @property
    def tip_offset(self) -> float:
        """How far past the nozzle the end of a tip is."""
        return self.tip_length - float(self.model_config.get("tipOverlap", {}).get("default", 0.0))

    def view(self) -> Dict[str, Any]:
        """The instrument as a session shows it."""
        return {"model": self.model, "name": self.name, "serial": self.serial, "mount": self.mount,
                "tipLength": self.tip_length, "tipRackLoadName": self.tip_rack["parameters"]["loadName"],
                "tipRackUri": self.tip_rack_uri, "tipRackDisplay": self.tip_rack["metadata"]["displayName"]}


@dataclass
class CalibrationSession:
    """A session moves the robot only while a command runs; it holds the hardware lease from create to exit."""

    session_id: str
    session_type: str
    create_params: Dict[str, Any]
    instrument: Instrument
    gantry: Gantry
    points: DeckPoints
    store: CalibrationStore
    calibration: RobotCalibration
    step: str = "sessionStarted"
    created_at: float = field(default_factory=time.time)
    # Where the nozzle or tip end was last sent, in the motion daemon's frame (after calibration).
    here: Optional[Point] = None
    has_tip: bool = False
    measured: Dict[str, Point] = field(default_factory=dict)
    saved: Optional[Dict[str, Any]] = None
    comparisons: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def view(self) -> Dict[str, Any]:
        """The session as the HTTP API shows it."""
        rack = self.instrument.tip_rack
        return {"id": self.session_id, "sessionType": self.session_type, "createParams": self.create_params,
                "createdAt": _iso(self.created_at),
                "details": {"currentStep": self.step, "instrument": self.instrument.view(),
                            "labware": [{"slot": "8", "loadName": rack["parameters"]["loadName"],
                                         "namespace": rack["namespace"], "version": rack["version"],
                                         "isTiprack": True, "uri": self.instrument.tip_rack_uri}],
                            "supportedCommands": [f"calibration.{c}" for c in supported_commands(self.session_type)],
                            "hasTip": self.has_tip, "saved": self.saved, "comparisonsByStep": self.comparisons}}

    async def execute(self, command: str, data: Dict[str, Any]) -> None:
        """Run one command, or refuse it clearly (unknown, or not allowed in the current step)."""
        name = command_name(command)
        if name not in supported_commands(self.session_type):
            raise BadRequest(f"unknown command {command!r} for a {self.session_type} session; supported: "
                             + ", ".join(f"calibration.{c}" for c in supported_commands(self.session_type)))
        if self.lock.locked():
            raise Conflict(f"session {self.session_id} is still running a command; wait for it to finish")
        async with self.lock:
            if self.step == "sessionExited":
                raise Conflict("the session has exited; create a new session to calibrate again")
            if name in FREE_COMMANDS[self.session_type]:
                await getattr(self, f"_{name}")(data)
            else:
                await self._step_command(name)

    async def _step_command(self, name: str) -> None:
        moves = TRANSITIONS[self.session_type][name]
        if self.step not in moves:
            raise Conflict(f"calibration.{name} cannot run in step {self.step!r}; it runs in: "
                           + ", ".join(sorted(moves)))
        await getattr(self, f"_{name}")()
        self.step = moves[self.step]

    # -- commands that move the session on ------------------------------------------------------------------

    async def _loadLabware(self) -> None:
        await self.gantry.home()

    async def _moveToTipRack(self) -> None:
        await self._go(self.points.tip_rack_a1(self.instrument.tip_rack) + ABOVE_TIP_RACK)

    async def _pickUpTip(self) -> None:
        await self.gantry.press_tip(float(self.instrument.model_config["pickUpDistance"]["value"]))
        self.has_tip = True

    async def _invalidateTip(self) -> None:
        await self._return_tip()

    async def _moveToDeck(self) -> None:
        await self._go(self.points.reference() + ABOVE_DECK)

    async def _moveToPointOne(self) -> None:
        await self._go_to_cross(0)

    async def _moveToPointTwo(self) -> None:
        await self._go_to_cross(1)

    async def _moveToPointThree(self) -> None:
        await self._go_to_cross(2)

    async def _moveToReferencePoint(self) -> None:
        await self._go(self.points.reference() + ABOVE_DECK)

    # -- free commands --------------------------------------------------------------------------------------

    async def _jog(self, data: Dict[str, Any]) -> None:
        vector = _jog_vector(data)
        if self.step not in JOG_STEPS or self.here is None:
            raise Conflict(f"nothing to jog in step {self.step!r}; move the pipette somewhere first")
        await self._move_robot(self.here + Point(*vector))

    async def _saveOffset(self, data: Dict[str, Any]) -> None:
        if self.here is None:
            raise Conflict(f"nothing to save in step {self.step!r}; move the pipette and jog it first")
        self.step = save_offset(self, self.here)

    async def _comparePoint(self, data: Dict[str, Any]) -> None:
        if self.here is None:
            raise Conflict(f"nothing to compare in step {self.step!r}; move the pipette and jog it first")
        self.step = compare_point(self, self.here)

    async def _exitSession(self, data: Dict[str, Any]) -> None:
        await self.exit()

    async def exit(self) -> None:
        """Put a picked-up tip back in its rack, home and give the robot back; the session then refuses everything."""
        if self.step != "sessionExited":
            self.step = "sessionExited"
            try:
                await self._return_tip()
                await self.gantry.home()
            finally:
                await self.gantry.release_lease()

    # -- moving ---------------------------------------------------------------------------------------------

    async def _return_tip(self) -> None:
        """Drop the tip back where it came from (A1 of the rack), so that no tip is left on the pipette."""
        if not self.has_tip:
            return
        await self._go(self.points.tip_rack_a1(self.instrument.tip_rack))
        config = self.instrument.model_config
        await self.gantry.eject_tip(float(config["bottom"]["value"]), float(config["dropTip"]["value"]))
        self.has_tip = False

    async def _go_to_cross(self, index: int) -> None:
        deck_z = self.measured.get("deck")
        if deck_z is None:
            raise Conflict("save the deck height first: jog the tip down to the deck and send saveOffset")
        cross = self.points.cross(index)
        self.measured.pop(f"point{index + 1}", None)
        await self._move_robot(self.calibration.to_robot(cross, self.instrument.mount, self.instrument.serial)
                               ._replace(z=deck_z.z) + ABOVE_DECK)

    async def _go(self, nominal: Point) -> None:
        await self._move_robot(self.calibration.to_robot(nominal, self.instrument.mount, self.instrument.serial))

    async def _move_robot(self, point: Point) -> None:
        await self.gantry.move_nozzle_to(point, self.instrument.tip_offset if self.has_tip else 0.0)
        self.here = point


def _jog_vector(data: Dict[str, Any]) -> List[float]:
    vector = data.get("vector") if isinstance(data, dict) else None
    if (not isinstance(vector, list) or len(vector) != 3
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in vector)):
        raise BadRequest(f"jog needs data {{\"vector\": [x, y, z]}} in mm, got {data!r}")
    if any(abs(v) > MAX_JOG_MM for v in vector):
        raise BadRequest(f"a jog moves at most {MAX_JOG_MM} mm per axis, got {vector}")
    return [float(v) for v in vector]


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts % 1 * 1e6):06d}+00:00"

