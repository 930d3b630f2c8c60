"""Handlers of the update server's routes (`/server/*`) and the settings routes (`/settings*`), served by `update`."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from api_gateway import schemas as s
from api_gateway.context import Call
from api_gateway.errors import ApiError, invalid

UPLOAD_FIELDS = ("ot2-system.zip", "system-update.zip")
UPLOAD_CHUNK = 1 << 20  # well under the bus's 4 MiB message limit
CORS = {"Access-Control-Allow-Origin": "*"}

SESSION_STATE: s.Schema = {"oneOf": [
    s.obj({"stage": s.STRING, "progress": s.NUMBER, "message": s.STRING}),
    s.obj({"stage": {"const": "error"}, "error": s.STRING, "message": s.STRING})]}
TOKEN: s.Schema = s.obj({"token": s.STRING})
NAME: s.Schema = s.obj({"name": s.STRING})
UPDATE_HEALTH: s.Schema = s.obj({
    "name": s.STRING, "serialNumber": s.STRING, "bootId": s.STRING, "updateServerVersion": s.STRING,
    "apiServerVersion": s.STRING, "smoothieVersion": s.STRING, "systemVersion": s.STRING,
    "capabilities": {"type": "object"}, "robotModel": {"const": "OT-2 Standard"}})
SETTING: s.Schema = s.obj({"id": s.STRING, "old_id": {"type": ["string", "null"]}, "title": s.STRING,
                           "description": s.STRING, "restart_required": s.BOOL,
                           "value": {"type": ["boolean", "null"]}})
SETTINGS: s.Schema = s.obj({"settings": {"type": "array", "items": SETTING}}, {"links": s.obj({"restart": s.STRING})})
SETTING_REQUEST: s.Schema = s.obj({"id": s.STRING}, {"value": {"type": ["boolean", "null"]}})
RESET_OPTIONS: s.Schema = s.obj({"options": {"type": "array", "items": s.obj(
    {"id": s.STRING, "name": s.STRING, "description": s.STRING})}})
RESET_REQUEST: s.Schema = {"type": "object", "additionalProperties": s.BOOL}
ROBOT_CONFIG: s.Schema = s.obj({"model": s.STRING, "name": s.STRING, "version": {"type": "integer"}})


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers)


async def update_health(call: Call) -> web.Response:
    """The update server's health: versions and a boot id that changes on every restart, and the Smoothie firmware
    as the motion daemon last reported it (its version, and how the last firmware update went)."""
    body = await call.bus(idempotent=True)
    motion = call.gateway.mirror.motion or {}
    body.update(smoothieVersion=motion.get("fw_version") or "unknown", smoothieFirmware=motion.get("firmware"))
    return _json(body, headers=CORS)


async def begin(call: Call) -> web.Response:
    """Open the one update session (409 session-already-active while another exists)."""
    return _json(await call.bus(), status=201)


async def cancel(call: Call) -> web.Response:
    """End the session, whatever its stage; fine when there is none."""
    return _json(await call.bus())


async def status(call: Call) -> web.Response:
    """The session's stage, progress and message (404 bad-token for another token)."""
    return _json(await call.bus({"token": call.request.match_info["token"]}, idempotent=True))


async def commit(call: Call) -> web.Response:
    """Switch to the installed version (409 not-ready before the stage is done)."""
    return _json(await call.bus({"token": call.request.match_info["token"]}))


async def restart(call: Call) -> web.Response:
    """Restart the robot's daemons one second after answering."""
    return _json(await call.bus())


async def upload(call: Call) -> web.Response:
    """Stream the multipart field `ot2-system.zip` to the update daemon in pieces, then start validation."""
    token = call.request.match_info["token"]
    if not call.request.content_type.startswith("multipart/"):
        raise ApiError(400, "expected a multipart/form-data body with the update file in field ot2-system.zip",
                       extra={"error": "no-file-name"})
    reader = await call.request.multipart()
    sent = 0
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader) and part.name in UPLOAD_FIELDS:
            while chunk := await part.read_chunk(UPLOAD_CHUNK):
                await call.bus({"token": token, "offset": sent, "data": bytes(chunk)})
                sent += len(chunk)
            break
    if sent == 0:
        raise ApiError(400, "the body has no non-empty field ot2-system.zip (or system-update.zip)",
                       extra={"error": "no-file-name"})
    return _json(await call.bus({"token": token, "last": True}), status=201)


async def get_name(call: Call) -> web.Response:
    """The robot's name."""
    return _json(await call.bus(idempotent=True))


async def set_name(call: Call) -> web.Response:
    """Rename the robot; 400 for a body that is not {"name": "<1 to 63 printable characters>"}."""
    try:
        body = json.loads(await call.request.read())
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise ApiError(400, 'body: expected a JSON object with a string name, e.g. {"name": "my-ot2"}',
                       extra={"error": "bad-name"})
    answer = await call.bus({"name": body["name"]})
    await call.gateway.name.refresh()  # /health shows the new name at once, not at the next periodic refresh
    return _json(answer)


async def _body_object(call: Call, expected: str) -> dict[str, Any]:
    body = await call.json_body()
    if not isinstance(body, dict):
        raise invalid(f"body: {expected}", source={"pointer": "/"})
    return body


async def get_settings(call: Call) -> web.Response:
    """Every feature flag with its value, and the restart link when a change needs one."""
    return _json(await call.bus(idempotent=True))


async def set_setting(call: Call) -> web.Response:
    """Set one feature flag (`value` null restores the default); 400 for an unknown id."""
    body = await _body_object(call, 'expected {"id": "<setting id>", "value": true | false | null}')
    if not isinstance(body.get("id"), str):
        raise invalid("body.id: expected the id of a setting (GET /settings lists them)", source={"pointer": "/id"})
    return _json(await call.bus({"id": body["id"], "value": body.get("value")}))


async def reset_options(call: Call) -> web.Response:
    """What a factory reset can clear."""
    return _json(await call.bus(idempotent=True))


async def reset(call: Call) -> web.Response:
    """Clear the chosen options' data: a map from option id to true/false."""
    body = await _body_object(call, 'expected a map of option ids to true/false, e.g. {"deckCalibration": true}')
    return _json(await call.bus(body))


async def robot_settings(call: Call) -> web.Response:
    """The robot configuration."""
    return _json(await call.bus(idempotent=True))
