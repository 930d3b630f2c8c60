"""`/calibration/*` and `/sessions`: the calibration store and calibration sessions, served by `calibration`."""
from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from api_gateway import schemas as s
from api_gateway.context import Call
from api_gateway.errors import invalid

DECK: s.Schema = s.obj({"status": {"enum": ["OK", "IDENTITY", "BAD_CALIBRATION", "SINGULARITY"]},
                        "data": s.obj({"type": {"const": "attitude"}, "matrix": {"type": "array"}})})
STATUS: s.Schema = s.obj({"deckCalibration": DECK, "instrumentCalibration": {"type": "object"}})
LIST: s.Schema = s.obj({"data": {"type": "array"}})
SESSION_REQUEST: s.Schema = s.obj({"data": s.obj({"sessionType": s.STRING}, {"createParams": {"type": "object"}})})
COMMAND_REQUEST: s.Schema = s.obj({"data": s.obj({"command": s.STRING}, {"data": {"type": "object"}})})


def _query(call: Call, *names: str) -> dict[str, str]:
    return {name: call.request.query[name] for name in names if name in call.request.query}


def _required(call: Call, *names: str) -> dict[str, str]:
    found = _query(call, *names)
    for name in names:
        if not found.get(name):
            raise invalid(f"query.{name}: required", source={"parameter": name})
    return found


async def status(call: Call) -> web.Response:
    """Deck calibration status and matrix, and the legacy instrument offsets."""
    return web.json_response(await call.bus(idempotent=True))


async def get_pipette_offsets(call: Call) -> web.Response:
    """Stored pipette offsets, filtered by `pipette_id` and `mount`."""
    found = await call.bus(_query(call, "pipette_id", "mount"), idempotent=True)
    return web.json_response({"data": found["data"], "links": None})


async def delete_pipette_offset(call: Call) -> web.Response:
    """Delete one pipette offset (`pipette_id` and `mount` required)."""
    await call.bus(_required(call, "pipette_id", "mount"))
    return web.json_response({"message": "Pipette offset calibration deleted"})


async def get_tip_lengths(call: Call) -> web.Response:
    """Stored tip lengths, filtered by `pipette_id`, `tiprack_uri` or `tiprack_hash`."""
    found = await call.bus(_query(call, "pipette_id", "tiprack_uri", "tiprack_hash"), idempotent=True)
    return web.json_response({"data": found["data"], "links": None})


async def delete_tip_length(call: Call) -> web.Response:
    """Delete one tip length (`pipette_id` and `tiprack_uri` required)."""
    await call.bus(_required(call, "pipette_id", "tiprack_uri"))
    return web.json_response({"message": "Tip length calibration deleted"})


async def _data(call: Call, required: str) -> dict[str, Any]:
    body = await call.json_body()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get(required), str):
        raise invalid(f"body.data.{required}: required, a string; the body is {{\"data\": {{\"{required}\": …}}}}",
                      source={"pointer": f"/data/{required}"})
    return data


def _session_links(session_id: str) -> dict[str, Any]:
    base = f"/sessions/{session_id}"
    return {"self": {"href": base}, "commandExecute": {"href": f"{base}/commands/execute"},
            "sessions": {"href": "/sessions"}}


async def create_session(call: Call) -> web.Response:
    """Start a calibration session (takes the hardware until it exits)."""
    data = await _data(call, "sessionType")
    params = data.get("createParams") or {}
    if not isinstance(params, dict):
        raise invalid("body.data.createParams: expected an object", source={"pointer": "/data/createParams"})
    session = await call.bus({"sessionType": data["sessionType"], "createParams": params}, slow=True)
    return web.json_response({"data": session, "links": _session_links(session["id"])}, status=201)


async def list_sessions(call: Call) -> web.Response:
    """Every session the calibration daemon holds."""
    found = await call.bus(idempotent=True)
    return web.json_response({"data": found["data"], "links": None})


async def get_session(call: Call) -> web.Response:
    """One session and its current step."""
    session = await call.bus({"id": call.request.match_info["sessionId"]}, idempotent=True)
    return web.json_response({"data": session, "links": _session_links(session["id"])})


async def delete_session(call: Call) -> web.Response:
    """Exit (home, release the robot) and forget a session."""
    session = await call.bus({"id": call.request.match_info["sessionId"]}, slow=True)
    return web.json_response({"data": session, "links": None})


async def execute_command(call: Call) -> web.Response:
    """Run one session command to completion; answers the command as executed."""
    data = await _data(call, "command")
    payload = data.get("data") or {}
    if not isinstance(payload, dict):
        raise invalid("body.data.data: expected an object", source={"pointer": "/data/data"})
    session_id = call.request.match_info["sessionId"]
    started = _now()
    await call.bus({"id": session_id, "command": data["command"], "data": payload}, slow=True)
    command = {"id": f"{session_id}-{time.monotonic_ns()}", "command": data["command"], "data": payload,
               "status": "executed", "createdAt": started, "startedAt": started, "completedAt": _now()}
    return web.json_response({"data": command, "links": _session_links(session_id)})


def _now() -> str:
    ts = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts % 1 * 1e6):06d}+00:00"
