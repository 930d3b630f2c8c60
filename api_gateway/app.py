"""The aiohttp application factory: the route table wired to handlers, the version rule and the error mapping."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable

import structlog
from aiohttp import web

from api_gateway.context import GATEWAY_KEY, OPENAPI_KEY, Call, Gateway
from api_gateway.errors import ApiError, Style, response_for
from api_gateway.health_view import software_version
from api_gateway.openapi import document
from api_gateway.routes import ROUTES, Route
from api_gateway.versioning import HEADER, negotiate, response_headers

log = structlog.get_logger("api_gateway.app")
_Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(gateway: Gateway, routes: Iterable[Route] = ROUTES) -> web.Application:
    """An app serving `routes` with `gateway`'s collaborators; it holds no robot state of its own."""
    routes = tuple(routes)
    app = web.Application(client_max_size=gateway.settings.max_body_bytes)
    app[GATEWAY_KEY] = gateway
    app[OPENAPI_KEY] = document(routes, version=software_version())
    for route in routes:
        app.router.add_route(route.method, _any_segment(route.path), _endpoint(route, gateway))
    # Registered last, so it only sees what no route matched (an unknown path, or a known one with another method).
    app.router.add_route("*", "/{tail:.*}", _unrouted(routes))
    app.on_shutdown.append(_close_websockets)
    return app


def _any_segment(path: str) -> str:
    """`/runs/{runId}` as aiohttp should match it: any one segment (braces too) is the parameter, so every
    request that names the route reaches it and gets its own answer (a 404 for an unknown id)."""
    return re.sub(r"\{(\w+)\}", r"{\1:[^/]+}", path)


def _endpoint(route: Route, gateway: Gateway) -> _Endpoint:
    # No middleware: the version rule, the error mapping and the headers are applied here, in one frame,
    # because /health is on the hot path.
    async def endpoint(request: web.Request) -> web.StreamResponse:
        version = None
        try:
            if route.versioned:
                version = negotiate(request.headers.get(HEADER))
            response = await route.handler(Call(request, gateway, route, version))
        except Exception as exc:  # every failure becomes the route's error body, never a traceback
            response = _failure(request, route, exc)
        if not response.prepared:
            response.headers.update(response_headers(version))
        return response
    endpoint.__name__ = f"{route.method.lower()}_{route.path.strip('/').replace('/', '_').replace('.', '_')}"
    return endpoint


def _failure(request: web.Request, route: Route, exc: Exception) -> web.Response:
    if isinstance(exc, ApiError):
        return response_for(exc, route.style)
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        limit = request.app[GATEWAY_KEY].settings.max_body_bytes
        return response_for(ApiError(413, f"request body too large: the limit is {limit} bytes"), route.style)
    if isinstance(exc, web.HTTPException) and exc.status >= 400:
        return response_for(ApiError(exc.status, exc.reason or "request refused"), route.style)
    log.error("request_crashed", method=request.method, path=request.path, route=route.path, exc_info=exc)
    return response_for(ApiError(500, "the gateway failed unexpectedly; its log has the details"), route.style)


def _unrouted(routes: tuple[Route, ...]) -> _Endpoint:
    allowed: dict[str, list[str]] = {}
    for route in routes:
        allowed.setdefault(route.path, []).append(route.method)

    async def unrouted(request: web.Request) -> web.StreamResponse:
        methods = allowed.get(request.path)
        if methods:
            err = ApiError(405, f"{request.method[:10]} is not allowed on {request.path}; "
                                f"allowed: {', '.join(sorted(methods))}")
        else:
            err = ApiError(404, f"no route {request.method[:10]} {request.path[:100]}; /openapi.json lists "
                                "every route")
        response = response_for(err, Style.NEW)
        response.headers.update(response_headers(None))
        return response
    return unrouted


async def _close_websockets(app: web.Application) -> None:
    await app[GATEWAY_KEY].hub.close_all()
