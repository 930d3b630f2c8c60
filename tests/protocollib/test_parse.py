"""Reading protocol files: apiLevel rules applied statically, JSON schema versions."""
from __future__ import annotations

import json

import pytest

from opentrons.errors import ApiLevelError, ProtocolParseError
from opentrons.protocols.api_level import APIVersion
from opentrons.protocols.parse import JsonProtocol, PythonProtocol, parse

RUN = "\ndef run(protocol):\n    pass\n"


def test_api_level_from_metadata() -> None:
    parsed = parse("metadata = {'apiLevel': '2.13'}" + RUN, "p.py")
    assert isinstance(parsed, PythonProtocol) and parsed.api_level == APIVersion(2, 13)


def test_api_level_from_requirements_with_ot2_robot_type() -> None:
    parsed = parse("requirements = {'robotType': 'OT-2', 'apiLevel': '2.15'}" + RUN, "p.py")
    assert parsed.api_level == APIVersion(2, 15)


def test_api_level_in_both_places_is_an_error() -> None:
    text = "metadata = {'apiLevel': '2.13'}\nrequirements = {'apiLevel': '2.15'}" + RUN
    with pytest.raises(ApiLevelError, match="both metadata and requirements"):
        parse(text, "p.py")


@pytest.mark.parametrize("level", ["2.29", "2.99", "3.0"])
def test_levels_above_the_supported_range_are_refused(level: str) -> None:
    with pytest.raises(ApiLevelError, match="not supported"):
        parse(f"metadata = {{'apiLevel': '{level}'}}" + RUN, "p.py")


@pytest.mark.parametrize("level", ["2", "two.13", "2.13.1"])
def test_malformed_levels_say_the_expected_form(level: str) -> None:
    with pytest.raises(ApiLevelError, match="2.13"):
        parse(f"metadata = {{'apiLevel': '{level}'}}" + RUN, "p.py")


def test_a_number_instead_of_a_string_is_refused() -> None:
    with pytest.raises(ApiLevelError, match="string"):
        parse("metadata = {'apiLevel': 2.13}" + RUN, "p.py")


def test_v1_imports_without_api_level_are_refused() -> None:
    with pytest.raises(ApiLevelError, match="v1"):
        parse("from opentrons import robot" + RUN, "p.py")


def test_missing_api_level_explains_where_to_put_it() -> None:
    with pytest.raises(ApiLevelError, match="metadata = "):
        parse(RUN, "p.py")


def test_unknown_requirements_keys_and_flex_are_refused() -> None:
    with pytest.raises(ProtocolParseError, match="unrecognized keys"):
        parse("requirements = {'apiLevel': '2.15', 'color': 'red'}" + RUN, "p.py")
    with pytest.raises(ProtocolParseError, match="OT-2"):
        parse("requirements = {'apiLevel': '2.15', 'robotType': 'Flex'}" + RUN, "p.py")


def test_metadata_must_be_literal() -> None:
    with pytest.raises(ProtocolParseError, match="literal"):
        parse("LEVEL = '2.13'\nmetadata = {'apiLevel': LEVEL}" + RUN, "p.py")


def test_run_function_is_required_and_syntax_errors_name_the_line() -> None:
    with pytest.raises(ProtocolParseError, match="run\\(protocol\\)"):
        parse("metadata = {'apiLevel': '2.13'}\n", "p.py")
    with pytest.raises(ProtocolParseError, match="line 2"):
        parse("metadata = {'apiLevel': '2.13'}\ndef run(:\n", "p.py")


@pytest.mark.parametrize("version", [1, 2])
def test_json_schema_1_and_2_are_refused_with_advice(version: int) -> None:
    with pytest.raises(ProtocolParseError, match="re-export"):
        parse(json.dumps({"schemaVersion": version}), "p.json")


def test_json_schema_3_runs_at_level_2_8_and_6_is_accepted() -> None:
    v3 = parse(json.dumps({"schemaVersion": 3, "commands": []}), "p.json")
    v6 = parse(json.dumps({"schemaVersion": 6, "commands": []}), "p.json")
    assert isinstance(v3, JsonProtocol) and v3.api_level == APIVersion(2, 8)
    assert isinstance(v6, JsonProtocol) and v6.schema_version == 6


def test_json_that_is_not_json_is_a_clear_error() -> None:
    with pytest.raises(ProtocolParseError, match="not valid JSON"):
        parse("{nope", "p.json")
