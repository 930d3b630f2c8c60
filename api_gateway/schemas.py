"""JSON schemas of the gateway's request and response bodies, used by the route table and the OpenAPI document."""
from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None, *, extra: bool = True) -> Schema:
    """An object schema with required and optional properties."""
    return {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required),
            "additionalProperties": extra}


STRING: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
NUMBER: Schema = {"type": "number"}
INT_PAIR: Schema = {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}
POINT: Schema = {"type": "array", "items": NUMBER, "minItems": 3, "maxItems": 3}
MESSAGE: Schema = obj({"message": STRING})

LEGACY_ERROR: Schema = obj({"message": STRING, "errorCode": STRING})
SERVER_ERROR: Schema = obj({"error": STRING, "message": STRING})
NEW_ERROR: Schema = obj({"errors": {"type": "array", "minItems": 1, "items": obj(
    {"id": STRING, "title": STRING, "detail": STRING, "errorCode": STRING},
    {"source": {"type": "object"}, "meta": {"type": "object"}})}})

DAEMON: Schema = obj({"alive": BOOL, "ready": BOOL})
DAEMONS: Schema = {"type": "object", "additionalProperties": DAEMON}
HEALTH: Schema = obj({
    "name": STRING, "robot_model": {"const": "OT-2 Standard"}, "api_version": STRING, "fw_version": STRING,
    "board_revision": STRING, "logs": {"type": "array", "items": STRING}, "system_version": STRING,
    "maximum_protocol_api_version": INT_PAIR, "minimum_protocol_api_version": INT_PAIR,
    "links": obj({"apiLog": STRING, "serialLog": STRING, "serverLog": STRING, "apiSpec": STRING,
                  "systemTime": STRING})},
    {"robot_serial": STRING, "daemons": DAEMONS})
HEALTH_UNAVAILABLE: Schema = obj({"message": STRING, "errorCode": STRING, "daemons": DAEMONS})

POSITIONS: Schema = obj({"positions": obj({
    "change_pipette": obj({"target": {"const": "mount"}, "left": POINT, "right": POINT}),
    "attach_tip": obj({"target": {"const": "pipette"}, "point": POINT})})})

HOME_REQUEST: Schema = obj({"target": {"enum": ["robot", "pipette"]}}, {"mount": {"enum": ["left", "right"]}})
MOVE_REQUEST: Schema = obj({"target": {"enum": ["mount", "pipette"]}, "point": POINT,
                            "mount": {"enum": ["left", "right"]}}, {"model": STRING})
LIGHTS: Schema = obj({"on": BOOL})
ENGAGED: Schema = obj({axis: obj({"enabled": BOOL}) for axis in ("x", "y", "z_l", "z_r", "p_l", "p_r")})
DISENGAGE_REQUEST: Schema = obj({"axes": {"type": "array", "items": STRING}})

_NULLABLE_STRING: Schema = {"type": ["string", "null"]}
_PIPETTE = obj({"model": _NULLABLE_STRING, "name": _NULLABLE_STRING, "tip_length": {"type": ["number", "null"]},
                "mount_axis": STRING, "plunger_axis": STRING, "id": _NULLABLE_STRING})
PIPETTES: Schema = obj({"left": _PIPETTE, "right": _PIPETTE})

MODULES: Schema = {"oneOf": [
    obj({"data": {"type": "array"}, "meta": obj({"cursor": {"type": "integer"}, "totalLength": {"type": "integer"}})}),
    obj({"modules": {"type": "array"}})]}
OPENAPI: Schema = obj({"openapi": STRING, "info": {"type": "object"}, "paths": {"type": "object"}})

# The JSON:API envelope of the protocol and run routes: `{"data": ...}` (a list envelope adds `meta`).
DATA: Schema = obj({"data": {"type": ["object", "array"]}})
