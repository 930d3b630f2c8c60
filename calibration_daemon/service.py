"""The `calibration` bus service: the store's reads, deletes and reset, and the calibration sessions."""
from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict

import structlog

from bus import AsyncClient, BadRequest, Conflict, NotFound
from bus.service import ServiceHost
from calibration_daemon.deck_points import DeckPoints
from calibration_daemon.gantry import Gantry
from calibration_daemon.session import CalibrationSession, Instrument
from calibration_daemon.status import deck_view, instrument_view
from calibration_daemon.steps import SESSION_TYPES
from opentrons.calibration_storage.applied import RobotCalibration, load_robot_calibration
from opentrons.calibration_storage.files import CalibrationFileError, check_mount, check_pipette_id
from opentrons.calibration_storage.store import CalibrationStore
from opentrons.definitions import DefinitionStore
from opentrons.errors import ProtocolError
from opentrons.labware_offsets import definition_uri

log = structlog.get_logger("calibration.service")
RESET_KINDS = {"deckCalibration": "deck", "pipetteOffsetCalibrations": "pipette_offset",
               "tipLengthCalibrations": "tip_length"}


class CalibrationService:
    """All of the daemon's state: the store it alone writes, and at most one live calibration session."""

    def __init__(self, host: ServiceHost, store: CalibrationStore, data_dir: Path, client: AsyncClient) -> None:
        self.host = host
        self.store = store
        self.data_dir = data_dir
        self.client = client
        self.points = DeckPoints(DefinitionStore([]))
        self.sessions: Dict[str, CalibrationSession] = {}
        for verb in ("state", "status", "deck.get", "deck.delete", "pipette_offset.list", "pipette_offset.delete",
                     "tip_length.list", "tip_length.delete", "reset", "session.create", "session.get",
                     "session.list", "session.delete", "session.execute"):
            host.server.register(f"calibration.{verb}", getattr(self, "op_" + verb.replace(".", "_")))

    # -- the store ------------------------------------------------------------------------------------------

    def op_state(self, args: Dict[str, Any]) -> Dict[str, Any]:
        return {"sessions": [s.view() for s in self.sessions.values()], "problems": self.store.problems()}

    def op_status(self, args: Dict[str, Any]) -> Dict[str, Any]:
        problems = self.store.problems()
        for problem in problems:
            log.error("calibration_file_unusable", **problem)
        return {"deckCalibration": deck_view(self.store), "instrumentCalibration": instrument_view(),
                "problems": problems}

    def op_deck_get(self, args: Dict[str, Any]) -> Dict[str, Any]:
        return deck_view(self.store)

    def op_deck_delete(self, args: Dict[str, Any]) -> Dict[str, Any]:
        if not self.store.delete_deck():
            raise NotFound("there is no deck calibration to delete")
        return {"deleted": True}

    def op_pipette_offset_list(self, args: Dict[str, Any]) -> Dict[str, Any]:
        pipette_id, mount = args.get("pipette_id"), args.get("mount")
        _checked(lambda: mount is None or check_mount(mount))
        return {"data": self.store.pipette_offsets(pipette_id, mount)}

    def op_pipette_offset_delete(self, args: Dict[str, Any]) -> Dict[str, Any]:
        pipette_id, mount = args.get("pipette_id"), args.get("mount")
        _checked(lambda: (check_pipette_id(pipette_id), check_mount(mount)))
        if not self.store.delete_pipette_offset(pipette_id, mount):
            raise NotFound(f"no pipette offset for pipette {pipette_id} on the {mount} mount")
        return {"deleted": True}

    def op_tip_length_list(self, args: Dict[str, Any]) -> Dict[str, Any]:
        return {"data": self.store.tip_lengths(args.get("pipette_id"), args.get("tiprack_uri"),
                                               args.get("tiprack_hash"))}

    def op_tip_length_delete(self, args: Dict[str, Any]) -> Dict[str, Any]:
        pipette_id, uri = args.get("pipette_id"), args.get("tiprack_uri")
        _checked(lambda: check_pipette_id(pipette_id))
        if not isinstance(uri, str) or not uri:
            raise BadRequest("deleting a tip length needs 'tiprack_uri' (namespace/loadName/version)")
        if not self.store.delete_tip_length(pipette_id, uri):
            raise NotFound(f"no tip length for pipette {pipette_id} with tip rack {uri}")
        return {"deleted": True}

    def op_reset(self, args: Dict[str, Any]) -> Dict[str, Any]:
        options = args.get("options")
        if not isinstance(options, list) or not all(o in RESET_KINDS for o in options):
            raise BadRequest(f"reset needs 'options': a list of {', '.join(RESET_KINDS)}, got {options!r}")
        for option in options:
            self.store.wipe(RESET_KINDS[option])
        log.info("calibration_reset", options=options)
        return {"reset": list(options)}

    # -- sessions -------------------------------------------------------------------------------------------

    async def op_session_create(self, args: Dict[str, Any]) -> Dict[str, Any]:
        session_type, params = args.get("sessionType"), args.get("createParams") or {}
        if session_type not in SESSION_TYPES:
            raise BadRequest(f"sessionType must be one of {', '.join(SESSION_TYPES)}, got {session_type!r}")
        if not isinstance(params, dict):
            raise BadRequest(f"createParams must be an object, got {params!r}")
        live = [s for s in self.sessions.values() if s.step != "sessionExited"]
        if live:
            raise Conflict(f"calibration session {live[0].session_id} is still open; exit or delete it first",
                           {"error": "SessionAlreadyActive"})
        session_id = uuid.uuid4().hex
        gantry = Gantry(self.client, f"calibration:{session_id}", await self._mount(params))
        instrument = await self._instrument(gantry, params)
        await self._release_orphaned_lease()
        await gantry.take_lease()
        session = CalibrationSession(session_id, session_type, params, instrument, gantry, self.points, self.store,
                                     self._calibration_for(session_type, instrument))
        self.sessions[session_id] = session
        log.info("session_created", session=session_id, type=session_type, mount=instrument.mount)
        return session.view()

    def op_session_get(self, args: Dict[str, Any]) -> Dict[str, Any]:
        return self._session(args).view()

    def op_session_list(self, args: Dict[str, Any]) -> Dict[str, Any]:
        return {"data": [s.view() for s in self.sessions.values()]}

    async def op_session_delete(self, args: Dict[str, Any]) -> Dict[str, Any]:
        session = self._session(args)
        await session.exit()
        del self.sessions[session.session_id]
        return session.view()

    async def op_session_execute(self, args: Dict[str, Any]) -> Dict[str, Any]:
        session = self._session(args)
        command, data = args.get("command"), args.get("data") or {}
        if not isinstance(command, str) or not isinstance(data, dict):
            raise BadRequest("execute needs 'command' (e.g. \"calibration.jog\") and optional 'data' (an object)")
        await session.execute(command, data)
        return session.view()

    async def _release_orphaned_lease(self) -> None:
        """A session of a previous run of this daemon (killed mid-session) may still hold the robot: its lease
        would otherwise live on, since this service's heartbeat came back. Every `calibration:` holder is ours."""
        lease = (await self.client.call("motion.state", {}, idempotent=True)).get("lease") or {}
        holder = str(lease.get("holder", ""))
        if holder.startswith("calibration:") and holder.split(":", 1)[1] not in self.sessions:
            log.warning("orphaned_lease_released", holder=holder)
            await self.client.call("motion.lease.release", {"holder": holder})

    def _session(self, args: Dict[str, Any]) -> CalibrationSession:
        session = self.sessions.get(str(args.get("id")))
        if session is None:
            raise NotFound(f"no calibration session with id {str(args.get('id'))[:80]!r}")
        return session

    async def _mount(self, params: Dict[str, Any]) -> str:
        if "mount" in params:
            return str(_checked(lambda: check_mount(params["mount"])))
        attached = await self.client.call("motion.pipettes", {}, idempotent=True)
        mount = next((m for m in ("left", "right") if attached.get(m)), None)
        if mount is None:
            raise Conflict("no pipette is attached; attach one to calibrate")
        return mount

    async def _instrument(self, gantry: Gantry, params: Dict[str, Any]) -> Instrument:
        info = await gantry.attached()
        if not info or not info.get("id"):
            raise Conflict(f"no pipette with a serial number is attached on the {gantry.mount} mount")
        try:
            spec, model_config = self.points.definitions.pipette(str(info["name"]))
        except ProtocolError as exc:
            raise Conflict(f"the attached pipette cannot be calibrated: {exc}") from None
        rack = params.get("tipRackDefinition") or self.points.default_tip_rack(float(spec["maxVolume"]))
        self._check_tip_rack(rack)
        calibration = load_robot_calibration(self.data_dir)
        default = float(rack["parameters"]["tipLength"])
        tip_length = calibration.tip_length(str(info["id"]), definition_uri(rack), default)
        return Instrument(gantry.mount, str(info["id"]), str(info["model"]), str(info["name"]), model_config, rack,
                          tip_length)

    def _check_tip_rack(self, rack: Any) -> None:
        """A custom tip rack must be a whole tip rack definition: everything a session reads from it is there."""
        try:
            # Each read below raises on a missing or malformed part, as it would later in the session.
            definition_uri(rack)
            str(rack["metadata"]["displayName"])
            self.points.tip_rack_a1(rack)
            usable = rack["parameters"]["isTiprack"] is True and float(rack["parameters"]["tipLength"]) > 0
        except (KeyError, TypeError, ValueError, IndexError):
            usable = False
        if not usable:
            raise BadRequest("tipRackDefinition must be a tip rack labware definition (namespace, version, "
                             "parameters {loadName, isTiprack: true, tipLength}, metadata, and a well A1)")

    def _calibration_for(self, session_type: str, instrument: Instrument) -> RobotCalibration:
        """Deck calibration measures the bare gantry; a pipette offset is measured against the deck calibration
        without the pipette's old offset; a tip length with everything applied."""
        if session_type == "deckCalibration":
            return RobotCalibration()
        stored = load_robot_calibration(self.data_dir)
        if session_type == "pipetteOffsetCalibration":
            own = (instrument.mount, instrument.serial)
            return replace(stored, pipette_offsets={k: v for k, v in stored.pipette_offsets.items() if k != own})
        return stored


def _checked(check: Any) -> Any:
    try:
        return check()
    except CalibrationFileError as exc:
        raise BadRequest(str(exc)) from None
