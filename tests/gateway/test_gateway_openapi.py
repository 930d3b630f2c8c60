"""/openapi.json describes every route, and real answers (successes and errors) match it."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from api_gateway.health_view import software_version
from api_gateway.openapi import document
from api_gateway.routes import ROUTES
from spec_check import check_answer


@pytest.fixture(scope="module")
def spec(gateway):
    answer = gateway.get("/openapi.json", version=None)
    assert answer.status == 200
    return answer.body


def test_document_lists_every_route_with_valid_schemas(spec) -> None:
    assert spec == document(ROUTES, version=software_version())
    for route in ROUTES:
        operation = spec["paths"][route.path][route.method.lower()]
        assert operation["summary"]
        for response in operation["responses"].values():
            for media in response.get("content", {}).values():
                Draft202012Validator.check_schema(media["schema"])


REQUESTS = [
    ("GET", "/robot/positions", None, "3"), ("GET", "/modules", None, "2"), ("GET", "/modules", None, "*"),
    ("GET", "/health", None, "3"), ("GET", "/health", None, None), ("GET", "/robot/lights", None, "1"),
    ("POST", "/robot/home", {"target": "arm"}, "3"), ("POST", "/robot/home", {"target": "pipette"}, "3"),
    ("POST", "/robot/move", {"target": "mount", "point": [1, 2, 3], "mount": "left"}, "3"),
    ("POST", "/robot/move", {"target": "mount", "point": [1, 2], "mount": "left"}, "3"),
    ("POST", "/robot/lights", {"on": "yes"}, "3"), ("POST", "/motors/disengage", {"axes": ["w"]}, "3"),
    ("GET", "/pipettes?refresh=maybe", None, "3"), ("POST", "/identify", None, "3"),
    ("POST", "/identify?seconds=-1", None, "3"), ("GET", "/motors/engaged", None, "3"),
    ("DELETE", "/health", None, "3"), ("GET", "/nope", None, "3"), ("GET", "/notifications/subscribe", None, None),
]


@pytest.mark.parametrize("method,path,body,version", REQUESTS)
def test_answers_match_the_document(gateway, spec, method, path, body, version) -> None:
    answer = gateway.request(method, path, body, version=version)
    check_answer(spec, method, path, answer.status, answer.body)
