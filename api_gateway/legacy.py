"""Handlers of the robot's legacy control routes (home, move, lights, motors, pipettes, identify, modules)."""
from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from api_gateway.axes import MOUNT_AXIS, PLUNGER_AXIS, disengage_request, engaged_body
from api_gateway.context import HOLDER, Call
from api_gateway.errors import ApiError, invalid
from api_gateway.pipettes import pipettes_body

ROBOT_POSITIONS = {"positions": {"change_pipette": {"target": "mount", "left": [300, 40, 30], "right": [95, 40, 30]},
                                 "attach_tip": {"target": "pipette", "point": [200, 90, 150]}}}
INVALID_ACTUATOR = "3014"
MIN_MOUNT_Z = 30.0
MAX_IDENTIFY_S = 600


async def positions(call: Call) -> web.Response:
    """The fixed positions used by the pipette-change and tip-attach flows."""
    return web.json_response(ROBOT_POSITIONS)


async def home(call: Call) -> web.Response:
    """Home the whole robot, or one mount's Z axis and plunger."""
    body = await call.json_body()
    target = body.get("target") if isinstance(body, dict) else None
    if target not in ("robot", "pipette"):
        raise ApiError(400, f"Invalid target {str(target)[:40]!r}: expected 'robot' or 'pipette'",
                       error_code=INVALID_ACTUATOR)
    if target == "robot":
        async with call.manual_control():
            await call.bus({"holder": HOLDER}, slow=True)
        return web.json_response({"message": "Homing robot."})
    mount = _mount(body)
    async with call.manual_control():
        await call.bus({"axes": [MOUNT_AXIS[mount], PLUNGER_AXIS[mount]], "holder": HOLDER}, slow=True)
    return web.json_response({"message": f"Pipette on {mount} homed successfully"})


async def move(call: Call) -> web.Response:
    """Move a mount or a pipette to a point: home that mount's Z, then move."""
    body = await call.json_body()
    if not isinstance(body, dict):
        raise invalid("body: expected a JSON object with target, point and mount")
    target = body.get("target")
    if target not in ("mount", "pipette"):
        raise invalid("body.target: expected 'mount' or 'pipette'", source={"pointer": "/target"})
    point, mount = _point(body.get("point")), _mount(body)
    if target == "mount" and point[2] < MIN_MOUNT_Z:
        raise invalid(f"body.point: z {point[2]:g} is below {MIN_MOUNT_Z:g}: a bare mount that low can hit the deck "
                      f"or run off its screw; use z of at least {MIN_MOUNT_Z:g}", source={"pointer": "/point"})
    async with call.manual_control():
        await call.bus({"axes": [MOUNT_AXIS[mount]], "holder": HOLDER}, op="motion.home", slow=True)
        await call.bus({"point": point, "mount": mount, "target": target, "holder": HOLDER}, slow=True)
    x, y, z = point
    return web.json_response({"message": f"Move complete. New position: Point(x={x!r}, y={y!r}, z={z!r})"})


async def get_lights(call: Call) -> web.Response:
    """Whether the rail lights are on."""
    lights = await call.read()
    return web.json_response({"on": bool(lights.get("rails")) if isinstance(lights, dict) else False})


async def set_lights(call: Call) -> web.Response:
    """Switch the rail lights; echoes the new state."""
    body = await call.json_body()
    on = body.get("on") if isinstance(body, dict) else None
    if not isinstance(on, bool):
        raise invalid("body.on: expected true or false", source={"pointer": "/on"})
    lights = await call.bus({"rails": on})
    return web.json_response({"on": bool(lights.get("rails", on)) if isinstance(lights, dict) else on})


async def engaged(call: Call) -> web.Response:
    """Which motors are engaged, by the robot's axis names."""
    return web.json_response(engaged_body(await call.read()))


async def disengage(call: Call) -> web.Response:
    """Disengage the named motors (other robots' axes are accepted and ignored)."""
    names, letters = disengage_request(await call.json_body())
    if letters:
        async with call.manual_control():
            await call.bus({"axes": letters, "holder": HOLDER})
    return web.json_response({"message": f"Disengaged axes: {', '.join(names)}"})


async def pipettes(call: Call) -> web.Response:
    """The attached pipettes; `refresh=true` re-reads their memories (takes the hardware while it does)."""
    refresh = _flag(call.request.query.get("refresh"), "refresh")
    if refresh:
        async with call.manual_control():
            attached = await call.bus({"refresh": True, "holder": HOLDER}, slow=True)
    else:
        attached = await call.read({"refresh": False})
    return web.json_response(pipettes_body(attached))


async def identify(call: Call) -> web.Response:
    """Blink the button light for `seconds`."""
    text = call.request.query.get("seconds")
    if text is None or not text.strip().isascii() or not text.strip().isdigit() \
            or not 1 <= int(text) <= MAX_IDENTIFY_S:
        raise invalid(f"query.seconds: expected an integer from 1 to {MAX_IDENTIFY_S}",
                      source={"parameter": "seconds"})
    await call.bus({"seconds": int(text)})
    return web.json_response({"message": "identifying"})


async def modules(call: Call) -> web.Response:
    """Attached modules (none yet), in the shape of the requested API version."""
    if call.version is not None and call.version < 3:
        return web.json_response({"modules": []})
    return web.json_response({"data": [], "meta": {"cursor": 0, "totalLength": 0}})


def _mount(body: dict[str, Any]) -> str:
    mount = body.get("mount")
    if mount not in MOUNT_AXIS:
        raise invalid("body.mount: expected 'left' or 'right'", source={"pointer": "/mount"})
    return str(mount)


def _point(value: Any) -> list[float]:
    if (not isinstance(value, list) or len(value) != 3
            or not all(_finite(v) for v in value)):
        raise invalid("body.point: expected a list of three finite numbers [x, y, z] in mm",
                      source={"pointer": "/point"})
    return [float(v) for v in value]


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    text = value.strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise invalid(f"query.{name}: expected true or false", source={"parameter": name})
    return text in ("true", "1")
