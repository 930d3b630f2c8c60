"""`GET /health`, served from the bus mirror alone so that it never waits on a daemon."""
from __future__ import annotations

from aiohttp import web

from api_gateway.context import Call


async def health(call: Call) -> web.Response:
    """200 with the health body when motion is ready; 503 naming what each daemon is doing otherwise."""
    status, body = call.gateway.health.answer(call.gateway.mirror, call.gateway.name.current)
    return web.Response(body=body, status=status, content_type="application/json")
