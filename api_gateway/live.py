"""`GET /notifications/subscribe`: the websocket of live bus events."""
from __future__ import annotations

from aiohttp import web

from api_gateway.context import Call
from api_gateway.errors import ApiError, invalid
from api_gateway.notifications import topic_prefixes


async def subscribe(call: Call) -> web.StreamResponse:
    """Upgrade to a websocket that forwards every bus event whose topic starts with one of the `topic` values."""
    try:
        prefixes = topic_prefixes(call.request.query.getall("topic", []))
    except ValueError as exc:
        raise invalid(f"query.topic: {exc}", source={"parameter": "topic"}) from None
    ws = web.WebSocketResponse()
    if not ws.can_prepare(call.request).ok:
        raise ApiError(400, "this route is a websocket: open it with a websocket client ('Upgrade: websocket')",
                       source={"header": "upgrade"})
    return await call.gateway.hub.serve(call.request, prefixes)
