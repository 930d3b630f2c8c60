"""Checks an HTTP answer of the gateway against its own OpenAPI document."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from api_gateway.schemas import NEW_ERROR


def check_answer(spec: dict[str, Any], method: str, target: str, status: int, body: Any) -> None:
    """Fail when the answer's status is not documented for the route, or its body does not match the schema."""
    path = urlsplit(target).path
    operation = _operation(spec, method.lower(), path)
    if operation is None:
        assert status in (404, 405), f"{method} {path}: undocumented route answered {status}"
        jsonschema.validate(body, NEW_ERROR)
        return
    responses = operation["responses"]
    assert str(status) in responses, f"{method} {path}: status {status} is not documented ({sorted(responses)})"
    content = responses[str(status)].get("content")
    if content is not None:
        jsonschema.validate(body, content["application/json"]["schema"])


def _operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The documented operation that serves `method path`: the path's own, else a templated path's that matches
    it, as a router would (DELETE /protocols/ids is DELETE /protocols/{protocolId} with the id "ids")."""
    exact = spec["paths"].get(path, {}).get(method)
    if exact is not None:
        return exact
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if method in operations and "{" in template and re.match(pattern, path):
            return operations[method]
    return None
