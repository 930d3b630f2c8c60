"""The engine: runs each command against its state and the backend, and keeps the run log."""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from opentrons.calibration_storage.applied import Corrections
from opentrons.definitions import DefinitionStore
from opentrons.engine import geometry, handlers_liquid, handlers_setup
from opentrons.engine.backend import MotionBackend
from opentrons.engine.state import LabwareState, ModuleState, PipetteState
from opentrons.errors import CommandError
from opentrons.types import Point

Params = Dict[str, Any]
Place = Tuple[str, str]
Handler = Callable[["Engine", Params], Any]
_HANDLERS: Dict[str, Handler] = {**handlers_setup.HANDLERS, **handlers_liquid.HANDLERS}


class Engine:
    """Holds the protocol's state; every change goes through ``execute``."""

    def __init__(self, definitions: DefinitionStore, backend: MotionBackend,
                 corrections: Optional[Corrections] = None) -> None:
        self.definitions = definitions
        self.backend = backend
        self.corrections = corrections or Corrections()
        self.deck = definitions.deck()
        self.slot_origins = geometry.slot_origins(self.deck)
        self.slot_occupants: Dict[str, str] = {}
        self.pipettes: Dict[str, PipetteState] = {}
        self.labware: Dict[str, LabwareState] = {}
        self.modules: Dict[str, ModuleState] = {}
        self.commands: List[Dict[str, Any]] = []
        self.run_log: List[Dict[str, Any]] = []
        self.positions: Dict[str, Point] = {}
        self.places: Dict[str, Optional[Place]] = {}
        self.moves_sent = 0
        self.last_sent: Optional[Point] = None
        self.warn_out_of_bounds = False
        self.require_open_lid = True
        self.refuse_over_dispense = False
        self.labware_api_minor = 0
        self.pending_warnings: List[str] = []
        self._depth = 0
        self._ids = 0

    def new_id(self, prefix: str) -> str:
        """A fresh identifier such as 'labware-3'."""
        self._ids += 1
        return f"{prefix}-{self._ids}"

    def execute(self, command_type: str, params: Params, text: Optional[str] = None) -> Any:
        """Run one command; log ``text`` (if any) at the current nesting depth first."""
        handler = _HANDLERS.get(command_type)
        is_module_action = command_type.startswith(handlers_setup.MODULE_ACTION_PREFIXES)
        if handler is None and not is_module_action:
            raise CommandError(f"Unknown command type {command_type!r}")
        if text is not None:
            self.log(text)
        self.commands.append({"commandType": command_type, "params": params})
        try:
            if is_module_action:
                return handlers_setup.module_action(self, command_type, params)
            return handler(self, params)  # type: ignore[misc]
        finally:
            if text is not None:
                self._flush_warnings()

    def warn(self, line: str) -> None:
        """Queue a warning; it is logged under the next step that appears in the run log."""
        self.pending_warnings.append(line)

    def _flush_warnings(self) -> None:
        if not self.pending_warnings:
            return
        self.log("Logs from this command:")
        for line in self.pending_warnings:
            self.log(line)
        self.pending_warnings.clear()

    def log(self, text: str) -> None:
        """Add one line to the run log at the current depth."""
        self.run_log.append({"level": self._depth, "payload": {"text": text}})

    @contextlib.contextmanager
    def group(self, text: str) -> Iterator[None]:
        """Log ``text`` and nest every step inside the block one level deeper."""
        self.log(text)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    def pipette(self, pipette_id: str) -> PipetteState:
        """A loaded pipette by id, or a clear error."""
        try:
            return self.pipettes[pipette_id]
        except KeyError:
            raise CommandError(f"No pipette loaded with id {pipette_id!r}") from None

    def labware_state(self, labware_id: str) -> LabwareState:
        """A loaded labware by id, or a clear error."""
        try:
            return self.labware[labware_id]
        except KeyError:
            raise CommandError(f"No labware loaded with id {labware_id!r}") from None

    def well_point(self, params: Params) -> Point:
        """The absolute point a command's labware/well/wellLocation names."""
        lw = self.labware_state(params["labwareId"])
        well = params["wellName"]
        if well not in lw.definition["wells"]:
            raise CommandError(f"Labware {lw.display_name} has no well {well!r}")
        where = params.get("wellLocation") or {}
        origin = where.get("origin", "top")
        base = geometry.well_bottom(lw.definition, lw.origin, well)
        depth = lw.definition["wells"][well]["depth"]
        z = {"bottom": 0.0, "top": depth, "center": depth / 2}.get(origin, depth)
        offset = where.get("offset") or {}
        return Point(
            base.x + offset.get("x", 0.0),
            base.y + offset.get("y", 0.0),
            base.z + z + offset.get("z", 0.0),
        )

    def move_pipette(
        self, pipette: PipetteState, point: Point, speed: Optional[float] = None,
        direct: bool = False, minimum_z: Optional[float] = None, place: Optional[Place] = None,
    ) -> None:
        """Move a pipette to ``point``: straight within a well, else arcing above labware."""
        if place is not None:
            self._check_module_access(place[0])
        start = self.positions.get(pipette.mount)
        previous = self.places.get(pipette.mount)
        same_well = place is not None and place == previous and not (minimum_z or 0) > 0
        safe = self._travel_height(previous, place)
        if minimum_z is not None:
            safe = max(safe, minimum_z)
        for waypoint in geometry.arc_waypoints(start, point, safe, direct or same_well):
            self._check_z_floor(pipette, waypoint)
            self.move_calibrated(pipette.mount, waypoint, speed)
        self.positions[pipette.mount] = point
        self.places[pipette.mount] = place

    def move_calibrated(self, mount: str, point: Point, speed: Optional[float] = None) -> None:
        """Hand the backend the point where the nominal deck ``point`` really is for the pipette on ``mount``."""
        robot_point = self.corrections.calibration.to_robot(point, mount, self.hardware_pipette_id(mount))
        self.backend.move_to(mount, robot_point, speed)
        # Counted so that a command's record can say where it left the pipette (simulation and run alike).
        self.moves_sent += 1
        self.last_sent = robot_point

    def hardware_pipette_id(self, mount: str) -> Optional[str]:
        """The serial of the pipette attached on ``mount`` (None when the backend does not know one)."""
        return self.backend.attached_pipette_ids().get(mount)

    def _check_module_access(self, labware_id: str) -> None:
        module_id = self.labware[labware_id].location.get("moduleId")
        module = self.modules.get(module_id) if module_id else None
        if module is None:
            return
        kind = module.definition["moduleType"]
        if kind == "heaterShakerModuleType" and module.status.get("latch") != "closed":
            raise CommandError(
                "Cannot move pipette to Heater-Shaker while labware latch is open; "
                "call close_labware_latch() first"
            )
        if kind == "thermocyclerModuleType" and self.require_open_lid and module.status.get("lid") != "open":
            raise CommandError(
                "Thermocycler must be open when moving to labware inside it; call open_lid() first"
            )

    def _travel_height(self, previous: Optional[Place], place: Optional[Place]) -> float:
        if previous is not None and place is not None and previous[0] == place[0]:
            lw = self.labware[place[0]]
            tops = [geometry.well_top(lw.definition, lw.origin, w).z for w in (previous[1], place[1])]
            return max(tops) + geometry.IN_LABWARE_MARGIN_MM
        heights = [geometry.labware_height(lw.definition, lw.origin) for lw in self.labware.values()]
        return geometry.safe_height(heights)

    def _check_z_floor(self, pipette: PipetteState, point: Point) -> None:
        if not self.warn_out_of_bounds:
            return
        mount_z = round(pipette.mount_z(point.z), 2)
        if mount_z < 0:
            axis = "Z_L" if pipette.mount == "left" else "Z_R"
            self.warn(
                f"WARNING (util): Out of bounds move: {axis}=({mount_z} motor controller, "
                f"{mount_z} deck) too low for limit 0"
            )

    def elapsed_seconds(self) -> float:
        """How long the run has taken so far, per the backend's clock."""
        return self.backend.elapsed_seconds()
