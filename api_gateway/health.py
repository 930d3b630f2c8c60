"""`GET /health`, served from the bus mirror alone so that it never waits on a daemon."""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from typing import Any

from aiohttp import web

from api_gateway.context import Call
from api_gateway.errors import COMMUNICATION

ROBOT_MODEL = "OT-2 Standard"
MAX_PROTOCOL_API = [2, 21]
MIN_PROTOCOL_API = [2, 0]
LOGS = ["/logs/serial.log", "/logs/api.log", "/logs/server.log", "/logs/update_server.log"]
LINKS = {"apiLog": "/logs/api.log", "serialLog": "/logs/serial.log", "serverLog": "/logs/server.log",
         "apiSpec": "/openapi.json", "systemTime": "/system/time"}


@lru_cache(maxsize=1)
def software_version() -> str:
    """The installed version of this software (read once, on first use)."""
    try:
        return metadata.version("ot2-backend")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def health_body(name: str, motion: dict[str, Any], daemons: dict[str, Any]) -> dict[str, Any]:
    """Every field of the robot's health body, plus per-daemon readiness."""
    fw_version = motion.get("fw_version")
    return {"name": name, "robot_model": ROBOT_MODEL, "api_version": software_version(),
            "fw_version": fw_version.replace("NOMSD", "") if isinstance(fw_version, str) else "",
            "board_revision": str(motion.get("board_revision") or "UNKNOWN"), "logs": LOGS,
            "system_version": software_version(), "maximum_protocol_api_version": MAX_PROTOCOL_API,
            "minimum_protocol_api_version": MIN_PROTOCOL_API, "links": LINKS, "daemons": daemons}


async def health(call: Call) -> web.Response:
    """200 with the health body when motion is ready; 503 naming what each daemon is doing otherwise."""
    mirror = call.gateway.mirror
    daemons = mirror.readiness()
    if mirror.motion_ready():
        return web.json_response(health_body(call.gateway.name.current, mirror.motion or {}, daemons))
    motion = daemons["motion"]
    why = motion.get("reason") or motion.get("state") or "not running"
    return web.json_response({"message": f"The motion controller is not ready yet ({why}); try again shortly.",
                              "errorCode": COMMUNICATION, "daemons": daemons}, status=503)
