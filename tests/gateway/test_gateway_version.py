"""The Opentrons-Version header rule on every route, against the real gateway process."""
from __future__ import annotations

import pytest

from api_gateway.routes import ROUTES
from api_gateway.errors import Style

VERSIONED = [r for r in ROUTES if r.versioned]


def _id(route) -> str:
    return f"{route.method} {route.path}"


@pytest.mark.parametrize("route", VERSIONED, ids=_id)
def test_missing_header_is_422_in_the_route_style(gateway, route) -> None:
    answer = gateway.request(route.method, route.path, {}, version=None)
    assert answer.status == 422
    assert answer.headers["opentrons-version"] == "4" and answer.headers["opentrons-min-version"] == "2"
    if route.style is Style.LEGACY:
        assert answer.body["errorCode"] == "4000"
        assert answer.body["message"].startswith("header.opentrons-version: field required")
        assert "Opentrons-Version: 4" in answer.body["message"]
    else:
        (error,) = answer.body["errors"]
        assert error["source"] == {"header": "opentrons-version"} and error["id"] == "InvalidRequest"


def test_below_minimum_is_400_outdated(gateway) -> None:
    for value in ("1", "0", "-3"):
        answer = gateway.get("/robot/positions", version=value)
        assert answer.status == 400, value
        (error,) = answer.body["errors"]
        assert error["id"] == "OutdatedAPIVersion" and "at least '2'" in error["detail"]
        assert answer.headers["opentrons-version"] == "4"


@pytest.mark.parametrize("value,negotiated", [("2", "2"), ("3", "3"), ("4", "4"), ("*", "4"), ("99", "4"),
                                              (" 3 ", "3")])
def test_accepted_values_negotiate_down(gateway, value: str, negotiated: str) -> None:
    answer = gateway.get("/robot/positions", version=value)
    assert answer.status == 200
    assert answer.headers["opentrons-version"] == negotiated
    assert answer.headers["opentrons-min-version"] == "2"


@pytest.mark.parametrize("value", ["abc", "3.0", "", "**", "1e3", "9" * 40])
def test_malformed_values_are_422_naming_what_is_expected(gateway, value: str) -> None:
    answer = gateway.get("/robot/positions", version=value)
    assert answer.status == 422
    assert "expected an integer of at least 2" in answer.body["message"]


def test_headers_are_on_unknown_routes_and_unversioned_ones(gateway) -> None:
    missing = gateway.get("/no/such/route")
    assert missing.status == 404 and missing.body["errors"][0]["id"] == "ResourceNotFound"
    assert missing.headers["opentrons-min-version"] == "2"
    spec = gateway.get("/openapi.json", version=None)
    assert spec.status == 200 and spec.headers["opentrons-version"] == "4"


def test_modules_shape_follows_the_version(gateway) -> None:
    assert gateway.get("/modules", version="2").body == {"modules": []}
    assert gateway.get("/modules", version="3").body == {"data": [], "meta": {"cursor": 0, "totalLength": 0}}


def test_positions_are_the_robots_constant(gateway) -> None:
    body = gateway.get("/robot/positions").body
    assert body["positions"]["change_pipette"] == {"target": "mount", "left": [300, 40, 30], "right": [95, 40, 30]}
    assert body["positions"]["attach_tip"] == {"target": "pipette", "point": [200, 90, 150]}
