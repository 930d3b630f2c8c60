"""The OpenAPI document of the gateway, built from the route table so that it cannot drift from it."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from api_gateway.context import OPENAPI_KEY, Call
from api_gateway.errors import Style
from api_gateway.schemas import LEGACY_ERROR, NEW_ERROR
from api_gateway.versioning import API_VERSION, HEADER, MIN_API_VERSION

if TYPE_CHECKING:
    from api_gateway.routes import Route

_VERSION_HEADER = {"name": HEADER, "in": "header", "required": True,
                   "description": f"API version: an integer of at least {MIN_API_VERSION}, or '*' for the latest "
                                  f"({API_VERSION})",
                   "schema": {"oneOf": [{"type": "integer", "minimum": MIN_API_VERSION}, {"const": "*"}]}}


def document(routes: Iterable["Route"], *, version: str) -> dict[str, Any]:
    """An OpenAPI 3.1 document describing every route of the table."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {"openapi": "3.1.0",
            "info": {"title": "OT-2 robot HTTP API", "version": version,
                     "description": "The OT-2's HTTP API, served by translating requests to the robot's bus."},
            "paths": paths}


def _operation(route: "Route") -> dict[str, Any]:
    params = [{"name": p.name, "in": "query", "required": p.required, "schema": p.schema} for p in route.query]
    if route.versioned:
        params.append(_VERSION_HEADER)
    responses: dict[str, Any] = {}
    if route.ok is not None:
        responses["200"] = _json("Success", route.ok)
    elif route.path == "/notifications/subscribe":
        responses["101"] = {"description": "Switching to the websocket protocol"}
    for status in sorted(error_statuses(route)):
        responses[str(status)] = _json("Error", error_schema(route, status))
    operation: dict[str, Any] = {"summary": route.summary, "parameters": params, "responses": responses,
                                 "x-error-style": route.style.value}
    if route.op:
        operation["x-bus-op"] = route.op
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body}}}
    return operation


def error_statuses(route: "Route") -> set[int]:
    """Every error status a route can answer with: its own, the version rule's and the body limit's."""
    return set(route.errors) | ({400, 422} if route.versioned else set()) | ({413} if route.body else set())


def error_schema(route: "Route", status: int) -> dict[str, Any]:
    """The body schema of an error answer; an outdated version header is answered in the newer shape anywhere."""
    if route.versioned and status == 400 and route.style is Style.LEGACY:
        return {"anyOf": [LEGACY_ERROR, NEW_ERROR]}
    return route.error_schema()


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


async def serve(call: Call) -> web.Response:
    """`GET /openapi.json`."""
    return web.json_response(call.request.app[OPENAPI_KEY])
