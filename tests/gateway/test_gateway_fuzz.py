"""Property-based fuzz of every route (bodies, headers, queries): never a crash, never an undocumented answer."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api_gateway.routes import ROUTES
from conftest import Http, needs_motion
from spec_check import check_answer

PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=24)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | PRINTABLE,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(PRINTABLE, inner, max_size=4),
                    max_leaves=12)
FIELDS = st.sampled_from(["target", "mount", "point", "on", "axes", "model", "x"])
PLAUSIBLE_BODY = st.dictionaries(FIELDS, JSON | st.sampled_from(["robot", "pipette", "mount", "left", "right"])
                                 | st.lists(st.floats(-1e6, 1e6), max_size=4), max_size=4)
QUERY_NAMES = st.sampled_from(["refresh", "seconds", "topic", "x"])
VERSIONS = st.none() | st.sampled_from(["2", "3", "4", "*", "1", "0", "-1"]) | PRINTABLE


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, bytes | None, dict[str, str]]:
    route = draw(st.sampled_from(ROUTES))
    method = draw(st.sampled_from([route.method, route.method, "GET", "POST", "PUT", "DELETE"]))
    query = draw(st.lists(st.tuples(QUERY_NAMES, PRINTABLE), max_size=3))
    body = draw(st.none() | PLAUSIBLE_BODY.map(lambda b: json.dumps(b).encode())
                | JSON.map(lambda b: json.dumps(b).encode()) | st.binary(max_size=64))
    headers: dict[str, str] = {}
    version = draw(VERSIONS)
    if version is not None:
        headers["Opentrons-Version"] = version
    if draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(["application/json", "text/plain", "x/y"]))
    return method, f"{route.path}?{urlencode(query)}" if query else route.path, body, headers


def _fuzz_once(http: Http, spec: Any, request: tuple[str, str, bytes | None, dict[str, str]]) -> None:
    method, target, body, headers = request
    answer = http.request(method, target, raw=body, version=None, headers=headers)
    assert answer.status < 500 or answer.status in (503, 504), (answer.status, answer.raw[:300])
    assert answer.body is not None, answer.raw[:300]
    assert answer.headers["opentrons-min-version"] == "2"
    check_answer(spec, method, target, answer.status, answer.body)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
def test_no_route_crashes_with_motion_down(gateway: Http, request) -> None:
    _fuzz_once(gateway, gateway.get("/openapi.json", version=None).body, request)


@needs_motion
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
def test_no_route_crashes_with_the_real_motion_daemon(robot: Http, request) -> None:
    _fuzz_once(robot, robot.get("/openapi.json", version=None).body, request)
    assert robot.get("/health").status == 200  # whatever was sent, the robot is still ready
