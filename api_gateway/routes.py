"""The route table: every `METHOD /path`, its handler, its bus op, its error style and its schemas, as data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api_gateway import calibration as c
from api_gateway import health, legacy, live, openapi, runs
from api_gateway import update_server as u
from api_gateway import schemas as s
from api_gateway.context import Handler
from api_gateway.errors import Style


@dataclass(frozen=True)
class Param:
    """A query parameter."""

    name: str
    schema: s.Schema
    required: bool = False


@dataclass(frozen=True)
class Route:
    """One route: what serves it, which bus op it crosses to, how it answers errors and what its bodies are."""

    method: str
    path: str
    handler: Handler
    op: str | None
    summary: str
    style: Style = Style.LEGACY
    versioned: bool = True
    busy_status: int = 409
    invalid_status: int = 400  # the newer API's routes answer invalid input with 422
    body: s.Schema | None = None
    query: tuple[Param, ...] = ()
    ok: s.Schema | None = None
    ok_status: int = 200
    errors: tuple[int, ...] = (422, 503, 504)

    def error_schema(self) -> s.Schema:
        """The schema of this route's error bodies."""
        return {Style.LEGACY: s.LEGACY_ERROR, Style.NEW: s.NEW_ERROR, Style.SERVER: s.SERVER_ERROR}[self.style]


_MOTION_ERRORS = (400, 403, 409, 422, 500, 503, 504)
_BUS_DOWN = (503, 504)


def _server(method: str, path: str, handler: Handler, op: str, summary: str, **kw: Any) -> Route:
    """A route of the update server: `{error, message}` bodies, no version header (as on the real robot)."""
    return Route(method, path, handler, op, summary, style=Style.SERVER, versioned=False, **kw)


UPDATE_SERVER_ROUTES: tuple[Route, ...] = (
    _server("GET", "/server/update/health", u.update_health, "update.health",
            "Update server health: versions and a boot id that changes on every restart",
            ok=u.UPDATE_HEALTH, errors=_BUS_DOWN),
    _server("POST", "/server/update/begin", u.begin, "update.begin", "Open the one software update session",
            ok=u.TOKEN, ok_status=201, errors=(409, *_BUS_DOWN)),
    _server("POST", "/server/update/cancel", u.cancel, "update.cancel", "End the update session, if any",
            ok=s.MESSAGE, errors=_BUS_DOWN),
    _server("GET", "/server/update/{token}/status", u.status, "update.status",
            "Stage, progress and message of the update session", ok=u.SESSION_STATE, errors=(404, *_BUS_DOWN)),
    _server("POST", "/server/update/{token}/file", u.upload, "update.file",
            "Upload the update file (multipart field ot2-system.zip); validation starts at once",
            ok=u.SESSION_STATE, ok_status=201, errors=(400, 404, 409, *_BUS_DOWN)),
    _server("POST", "/server/update/{token}/commit", u.commit, "update.commit",
            "Make the validated, written update the active version", ok=u.SESSION_STATE,
            errors=(404, 409, *_BUS_DOWN)),
    _server("POST", "/server/restart", u.restart, "update.restart", "Restart the robot's daemons in 1 s",
            ok=s.MESSAGE, errors=_BUS_DOWN),
    _server("GET", "/server/name", u.get_name, "update.name", "The robot's name", ok=u.NAME, errors=_BUS_DOWN),
    _server("POST", "/server/name", u.set_name, "update.name.set", "Rename the robot", body=u.NAME, ok=u.NAME,
            errors=(400, *_BUS_DOWN)),
)

SETTINGS_ROUTES: tuple[Route, ...] = (
    Route("GET", "/settings", u.get_settings, "update.settings", "Feature flags and their values",
          ok=u.SETTINGS, errors=(422, *_BUS_DOWN)),
    Route("POST", "/settings", u.set_setting, "update.settings.set", "Set a feature flag (null: the default)",
          body=u.SETTING_REQUEST, ok=u.SETTINGS, errors=(400, 422, *_BUS_DOWN)),
    Route("GET", "/settings/reset/options", u.reset_options, "update.reset.options",
          "What a factory reset can clear", ok=u.RESET_OPTIONS, errors=(422, *_BUS_DOWN)),
    Route("POST", "/settings/reset", u.reset, "update.reset", "Clear the chosen data (option id: true)",
          body=u.RESET_REQUEST, ok=s.MESSAGE, errors=(400, 409, 422, *_BUS_DOWN)),
    Route("GET", "/settings/robot", u.robot_settings, "update.settings.robot", "The robot configuration",
          ok=u.ROBOT_CONFIG, errors=(422, *_BUS_DOWN)),
)

_CAL_ERRORS = (400, 404, 409, 422, 503, 504)


def _cal(method: str, path: str, handler: Handler, op: str, summary: str, **kw: Any) -> Route:
    """A calibration route: newer error bodies, served by the calibration daemon."""
    return Route(method, path, handler, op, summary, style=Style.NEW, errors=_CAL_ERRORS, **kw)


CALIBRATION_ROUTES: tuple[Route, ...] = (
    _cal("GET", "/calibration/status", c.status, "calibration.status", "Deck calibration status and matrix",
         ok=c.STATUS),
    _cal("GET", "/calibration/pipette_offset", c.get_pipette_offsets, "calibration.pipette_offset.list",
         "Stored pipette offsets", query=(Param("pipette_id", s.STRING), Param("mount", s.STRING)), ok=c.LIST),
    _cal("DELETE", "/calibration/pipette_offset", c.delete_pipette_offset, "calibration.pipette_offset.delete",
         "Delete one pipette offset", query=(Param("pipette_id", s.STRING, True), Param("mount", s.STRING, True)),
         ok=s.MESSAGE),
    _cal("GET", "/calibration/tip_length", c.get_tip_lengths, "calibration.tip_length.list", "Stored tip lengths",
         query=(Param("pipette_id", s.STRING), Param("tiprack_uri", s.STRING), Param("tiprack_hash", s.STRING)),
         ok=c.LIST),
    _cal("DELETE", "/calibration/tip_length", c.delete_tip_length, "calibration.tip_length.delete",
         "Delete one tip length", query=(Param("pipette_id", s.STRING, True), Param("tiprack_uri", s.STRING, True)),
         ok=s.MESSAGE),
    _cal("POST", "/sessions", c.create_session, "calibration.session.create",
         "Start a calibration session (deckCalibration, pipetteOffsetCalibration, tipLengthCalibration, "
         "calibrationCheck)",
         body=c.SESSION_REQUEST, ok=s.DATA, ok_status=201),
    _cal("GET", "/sessions", c.list_sessions, "calibration.session.list", "Calibration sessions", ok=s.DATA),
    _cal("GET", "/sessions/{sessionId}", c.get_session, "calibration.session.get", "One calibration session",
         ok=s.DATA),
    _cal("DELETE", "/sessions/{sessionId}", c.delete_session, "calibration.session.delete",
         "Exit and remove a calibration session", ok=s.DATA),
    _cal("POST", "/sessions/{sessionId}/commands/execute", c.execute_command, "calibration.session.execute",
         "Run one session command (calibration.jog, calibration.saveOffset, ...)", body=c.COMMAND_REQUEST,
         ok=s.DATA),
)

_RUNS = (503, 504)


def _new(method: str, path: str, handler: Handler, op: str, summary: str, **kw: Any) -> Route:
    """A route of the newer API (`{errors: [...]}` bodies) served by the `runs` service."""
    return Route(method, path, handler, op, summary, style=Style.NEW, ok=s.DATA, invalid_status=422, **kw)


RUN_ROUTES: tuple[Route, ...] = (
    _new("POST", "/protocols", runs.post_protocol, "runs.upload.write",
         "Upload a protocol (multipart `files`: one .py with labware .json files, or one .json protocol; at most "
         "32 MiB in all); analyzed in the background. 201, or 200 when the same files were uploaded before",
         ok_status=201, errors=(409, 413, 422, *_RUNS)),
    _new("GET", "/protocols", runs.get_protocols, "runs.protocols", "Every stored protocol with its metadata",
         errors=(422, *_RUNS)),
    _new("GET", "/protocols/ids", runs.get_protocol_ids, "runs.protocols", "The ids of every stored protocol",
         errors=(422, *_RUNS)),
    _new("GET", "/protocols/{protocolId}", runs.get_protocol, "runs.protocol", "One stored protocol",
         errors=(404, 422, *_RUNS)),
    _new("DELETE", "/protocols/{protocolId}", runs.delete_protocol, "runs.protocol.delete",
         "Delete a protocol (409 ProtocolUsedByRun while a stored run uses it)", errors=(404, 409, 422, *_RUNS)),
    _new("GET", "/protocols/{protocolId}/analyses", runs.get_analyses, "runs.protocol.analyses",
         "A protocol's analyses", errors=(404, 422, *_RUNS)),
    _new("POST", "/runs", runs.post_run, "runs.create", "Create the current run of a protocol, with optional "
         "labwareOffsets", ok_status=201, errors=(404, 409, 422, *_RUNS)),
    _new("GET", "/runs", runs.get_runs, "runs.list", "Every run (the last pageLength), with links.current",
         query=(Param("pageLength", {"type": "integer", "minimum": 0}),), errors=(422, *_RUNS)),
    _new("GET", "/runs/{runId}", runs.get_run, "runs.get", "One run and its status", errors=(404, 422, *_RUNS)),
    _new("PATCH", "/runs/{runId}", runs.patch_run, "runs.update", "Dismiss a run: {data: {current: false}}",
         errors=(404, 409, 422, *_RUNS)),
    _new("DELETE", "/runs/{runId}", runs.delete_run, "runs.delete", "Delete a run that is not running",
         errors=(404, 409, 422, *_RUNS)),
    _new("POST", "/runs/{runId}/actions", runs.post_action, "runs.action", "play, pause or stop a run",
         ok_status=201, errors=(404, 409, 422, *_RUNS)),
    _new("GET", "/runs/{runId}/commands", runs.get_commands, "runs.commands", "A run's completed commands, paged",
         query=(Param("cursor", {"type": "integer", "minimum": 0}),
                Param("pageLength", {"type": "integer", "minimum": 1})), errors=(404, 422, *_RUNS)),
)

ROUTES: tuple[Route, ...] = (
    Route("GET", "/health", health.health, None, "Robot name, versions and per-daemon readiness",
          ok=s.HEALTH, errors=(422, 503)),
    Route("POST", "/robot/home", legacy.home, "motion.home", "Home the robot, or one pipette's mount and plunger",
          busy_status=403, body=s.HOME_REQUEST, ok=s.MESSAGE, errors=_MOTION_ERRORS),
    Route("POST", "/robot/move", legacy.move, "motion.move", "Move a mount or pipette to a point (deprecated)",
          busy_status=403, body=s.MOVE_REQUEST, ok=s.MESSAGE, errors=_MOTION_ERRORS),
    Route("GET", "/robot/positions", legacy.positions, None, "Fixed positions for pipette change and tip attach",
          ok=s.POSITIONS, errors=(422,)),
    Route("GET", "/robot/lights", legacy.get_lights, "motion.lights", "Whether the rail lights are on",
          ok=s.LIGHTS),
    Route("POST", "/robot/lights", legacy.set_lights, "motion.lights", "Switch the rail lights",
          body=s.LIGHTS, ok=s.LIGHTS),
    Route("GET", "/motors/engaged", legacy.engaged, "motion.engaged", "Which motors are engaged", ok=s.ENGAGED),
    Route("POST", "/motors/disengage", legacy.disengage, "motion.disengage", "Disengage motors",
          busy_status=403, body=s.DISENGAGE_REQUEST, ok=s.MESSAGE, errors=(403, 409, 422, 503, 504)),
    Route("GET", "/pipettes", legacy.pipettes, "motion.pipettes", "Attached pipettes",
          busy_status=403, query=(Param("refresh", {"type": "boolean"}),), ok=s.PIPETTES,
          errors=(403, 409, 422, 503, 504)),
    Route("POST", "/identify", legacy.identify, "motion.identify", "Blink the button light",
          query=(Param("seconds", {"type": "integer", "minimum": 1, "maximum": 600}, required=True),), ok=s.MESSAGE,
          errors=(400, 422, 503, 504)),
    Route("GET", "/modules", legacy.modules, None, "Attached modules (none on this robot yet)",
          style=Style.NEW, ok=s.MODULES, errors=(422,)),
    Route("GET", "/notifications/subscribe", live.subscribe, None,
          "Websocket of live bus events as JSON text frames {topic, event}; one or more topic prefixes",
          style=Style.NEW, versioned=False, query=(Param("topic", {"type": "string"}, required=True),),
          errors=(400, 422)),
    *RUN_ROUTES,
    Route("GET", "/openapi.json", openapi.serve, None, "This document", versioned=False, ok=s.OPENAPI, errors=()),
    *UPDATE_SERVER_ROUTES,
    *SETTINGS_ROUTES,
    *CALIBRATION_ROUTES,
)


def find(method: str, path: str) -> Route | None:
    """The route for `METHOD /path`, if there is one."""
    return next((r for r in ROUTES if r.method == method and r.path == path), None)
