"""Bind safety, body limits, configuration errors, discovery switching and the one error mapping."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from api_gateway.discovery import SERVICE_TYPE, advertised_addresses, service_info
from api_gateway.errors import ApiError, Style, body_for, from_bus_error, status_for
from api_gateway.settings import GatewaySettings, SettingsError
from bus import Conflict, ErrorCode, Unavailable
from conftest import free_port


def test_defaults_are_loopback_without_discovery() -> None:
    settings = GatewaySettings.from_env({})
    assert (settings.host, settings.port, settings.discovery, settings.robot_name) == \
        ("127.0.0.1", 31950, False, "opentrons-dev")
    assert settings.loopback and not settings.advertise


def test_discovery_needs_the_switch_and_a_network_address() -> None:
    assert not GatewaySettings.from_env({"OT2_DISCOVERY": "on"}).advertise
    assert not GatewaySettings.from_env({"OT2_HTTP_HOST": "0.0.0.0"}).advertise
    assert GatewaySettings.from_env({"OT2_DISCOVERY": "on", "OT2_HTTP_HOST": "0.0.0.0"}).advertise


@pytest.mark.parametrize("env,named", [({"OT2_HTTP_HOST": "example.com"}, "OT2_HTTP_HOST"),
                                       ({"OT2_HTTP_PORT": "http"}, "OT2_HTTP_PORT"),
                                       ({"OT2_HTTP_PORT": "70000"}, "OT2_HTTP_PORT"),
                                       ({"OT2_DISCOVERY": "maybe"}, "OT2_DISCOVERY"),
                                       ({"OT2_ROBOT_NAME": "x" * 64}, "OT2_ROBOT_NAME"),
                                       ({"OT2_HTTP_CALL_TIMEOUT": "soon"}, "OT2_HTTP_CALL_TIMEOUT"),
                                       ({"OT2_HTTP_MAX_BODY": "1"}, "OT2_HTTP_MAX_BODY")])
def test_bad_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        GatewaySettings.from_env(env)


def test_main_exits_2_with_a_clear_message_on_bad_settings(run_dir) -> None:
    done = subprocess.run([sys.executable, "-m", "api_gateway"], capture_output=True, text=True, timeout=60,
                          env={"OT2_RUN_DIR": str(run_dir), "OT2_HTTP_PORT": "nope", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "OT2_HTTP_PORT='nope': expected an integer" in done.stderr


def test_listens_on_loopback_only_by_default(start_gateway) -> None:
    http = start_gateway()
    assert http.proc.wait_for_line("listening on").endswith(f"http://127.0.0.1:{http.port}")
    outside = _outside_address()
    if outside is not None:  # connecting to our own non-loopback address never leaves this host
        with pytest.raises(OSError):
            socket.create_connection((outside, http.port), timeout=2).close()


def _outside_address() -> str | None:
    addresses = [a for a in advertised_addresses("0.0.0.0") if not a.startswith("127.")]
    return addresses[0] if addresses else None


def test_body_over_the_limit_is_413(start_gateway) -> None:
    http = start_gateway(OT2_HTTP_MAX_BODY="2048")
    answer = http.post("/robot/lights", raw=b'{"on": true, "pad": "' + b"x" * 4096 + b'"}')
    assert answer.status == 413
    assert answer.body["message"] == "request body too large: the limit is 2048 bytes"
    assert answer.headers["opentrons-version"] == "3"


def test_advertisement_record() -> None:
    info = service_info("opentrons-dev", ["192.0.2.7"], 31950, "OT2CEP20190604A02")
    assert info.type == SERVICE_TYPE and info.name == f"opentrons-dev.{SERVICE_TYPE}"
    assert info.port == 31950 and info.properties == {b"robotModel": b"OT-2 Standard"}
    assert info.parsed_addresses() == ["192.0.2.7"] and info.server == "OT2CEP20190604A02.local."


def test_every_bus_error_code_has_a_status() -> None:
    expected = {"bad_request": 400, "not_found": 404, "conflict": 409, "unavailable": 503, "timeout": 504,
                "too_large": 413, "halted": 409, "hardware_error": 500, "controller_unavailable": 503,
                "internal": 500, "unknown_op": 400, "bad_envelope": 400, "version_mismatch": 400}
    assert {code.value: status_for(code.value) for code in ErrorCode} == expected
    assert status_for("from_the_future") == 500


def test_conflict_naming_a_holder_is_robot_busy_in_both_styles() -> None:
    err = from_bus_error(Conflict("lease held", {"holder": "run:42"}), busy_status=403)
    assert err.status == 403
    legacy = body_for(err, Style.LEGACY)
    assert legacy["errorCode"] == "4001" and "run:42" in legacy["message"]
    (new,) = body_for(err, Style.NEW)["errors"]
    assert new["id"] == "RobotBusy" and new["meta"]["holder"] == "run:42"
    down = body_for(from_bus_error(Unavailable("motion is down")), Style.LEGACY)
    assert down == {"message": "motion is down", "errorCode": "1000", "busCode": "unavailable"}
    assert body_for(ApiError(422, "bad", style=Style.NEW), Style.LEGACY)["errors"][0]["detail"] == "bad"
