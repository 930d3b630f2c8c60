"""The aiohttp application factory: the route table wired to handlers, the version rule and the error mapping."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import structlog
from aiohttp import web

from api_gateway.context import GATEWAY_KEY, OPENAPI_KEY, Call, Gateway
from api_gateway.errors import ApiError, Style, response_for
from api_gateway.health import software_version
from api_gateway.openapi import document
from api_gateway.routes import ROUTES, Route
from api_gateway.versioning import HEADER, negotiate, response_headers

log = structlog.get_logger("api_gateway.app")
_ROUTE = "ot2.route"
_VERSION = "ot2.version"
_Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(gateway: Gateway, routes: Iterable[Route] = ROUTES) -> web.Application:
    """An app serving `routes` with `gateway`'s collaborators; it holds no robot state of its own."""
    routes = tuple(routes)
    app = web.Application(middlewares=[_errors], client_max_size=gateway.settings.max_body_bytes)
    app[GATEWAY_KEY] = gateway
    app[OPENAPI_KEY] = document(routes, version=software_version())
    for route in routes:
        app.router.add_route(route.method, route.path, _endpoint(route))
    app.on_response_prepare.append(_version_headers)
    app.on_shutdown.append(_close_websockets)
    return app


def _endpoint(route: Route) -> _Endpoint:
    async def endpoint(request: web.Request) -> web.StreamResponse:
        request[_ROUTE] = route
        version = negotiate(request.headers.get(HEADER)) if route.versioned else None
        request[_VERSION] = version
        return await route.handler(Call(request, request.app[GATEWAY_KEY], route, version))
    endpoint.__name__ = f"{route.method.lower()}_{route.path.strip('/').replace('/', '_').replace('.', '_')}"
    return endpoint


@web.middleware
async def _errors(request: web.Request, handler: _Endpoint) -> web.StreamResponse:
    """Every failure becomes the route's error body; nothing escapes as a bare 500 or a traceback."""
    route: Route | None = request.get(_ROUTE)
    try:
        return await handler(request)
    except ApiError as err:
        return response_for(err, _style(request))
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[GATEWAY_KEY].settings.max_body_bytes
        return response_for(ApiError(413, f"request body too large: the limit is {limit} bytes"), _style(request))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return response_for(_http_error(request, exc), _style(request))
    except Exception:  # the one place an unexpected failure is turned into an answer
        log.exception("request_crashed", method=request.method, path=request.path,
                      route=route.path if route else None)
        return response_for(ApiError(500, "the gateway failed unexpectedly; its log has the details"),
                            _style(request))


def _http_error(request: web.Request, exc: web.HTTPException) -> ApiError:
    if exc.status == 404:
        return ApiError(404, f"no route {request.method} {request.path[:100]}; /openapi.json lists every route")
    if exc.status == 405:
        allowed = ", ".join(sorted(getattr(exc, "allowed_methods", ()) or ()))
        return ApiError(405, f"{request.method} is not allowed on {request.path[:100]}; allowed: {allowed}")
    return ApiError(exc.status, exc.reason or "request refused")


def _style(request: web.Request) -> Style:
    route: Route | None = request.get(_ROUTE)
    return route.style if route is not None else Style.NEW


async def _version_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(response_headers(request.get(_VERSION)))


async def _close_websockets(app: web.Application) -> None:
    await app[GATEWAY_KEY].hub.close_all()
