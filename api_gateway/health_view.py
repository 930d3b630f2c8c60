"""The health answer, built from the bus mirror alone and kept until one of its inputs changes."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import metadata
from typing import Any

from api_gateway.errors import COMMUNICATION
from api_gateway.mirror import BusMirror

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
            "minimum_protocol_api_version": MIN_PROTOCOL_API, "links": LINKS, "daemons": daemons,
            "firmware": motion.get("firmware")}


class HealthCache:
    """The last health answer and what it was built from; /health is polled hard, and its inputs rarely change."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._answer: tuple[int, bytes] = (503, b"")

    def answer(self, mirror: BusMirror, name: str) -> tuple[int, bytes]:
        """Status and JSON body for the mirror's current view, rebuilt only when an input changed."""
        motion = mirror.motion or {}
        key = (name, mirror.motion_ready(), mirror.alive_flags(), motion.get("state"), motion.get("reason"),
               motion.get("fw_version"), motion.get("board_revision"), json.dumps(motion.get("firmware")))
        if key != self._key:
            self._answer = _build(mirror, name)
            self._key = key
        return self._answer


def _build(mirror: BusMirror, name: str) -> tuple[int, bytes]:
    daemons = mirror.readiness()
    if mirror.motion_ready():
        return 200, json.dumps(health_body(name, mirror.motion or {}, daemons)).encode()
    motion = daemons["motion"]
    why = motion.get("reason") or motion.get("state") or "not running"
    return 503, json.dumps({"message": f"The motion controller is not ready yet ({why}); try again shortly.",
                            "errorCode": COMMUNICATION, "daemons": daemons,
                            "firmware": (mirror.motion or {}).get("firmware")}).encode()
