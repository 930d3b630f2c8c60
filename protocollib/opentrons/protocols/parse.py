"""Turn protocol file contents into a parsed protocol: kind, metadata and apiLevel, read statically."""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Union

from opentrons.errors import ApiLevelError, ProtocolParseError
from opentrons.protocols.api_level import (
    JSON_LEGACY_LEVEL,
    MAX_SUPPORTED,
    APIVersion,
    check_supported,
)

_V1_MODULES = ("robot", "instruments", "labware", "containers")
_REQUIREMENT_KEYS = {"robotType", "apiLevel"}
_OT2_ROBOT_TYPES = {"OT-2", None}


@dataclass
class PythonProtocol:
    """A Python protocol file: its source, name and what its dicts say."""

    text: str
    filename: str
    api_level: APIVersion
    metadata: Dict[str, Any] = field(default_factory=dict)
    requirements: Dict[str, Any] = field(default_factory=dict)


@dataclass
class JsonProtocol:
    """A JSON protocol: its parsed contents and schema version."""

    contents: Dict[str, Any]
    filename: str
    schema_version: int
    api_level: APIVersion
    metadata: Dict[str, Any] = field(default_factory=dict)


Protocol = Union[PythonProtocol, JsonProtocol]


def parse(text: Union[str, bytes], filename: str = "<protocol>") -> Protocol:
    """Parse a protocol file's contents; JSON when the name ends in .json."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if filename.endswith(".json"):
        return _parse_json(text, filename)
    return _parse_python(text, filename)


def _parse_json(text: str, filename: str) -> JsonProtocol:
    try:
        contents = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolParseError(f"{filename} is not valid JSON: {exc}") from exc
    if not isinstance(contents, dict):
        raise ProtocolParseError(f"{filename}: a JSON protocol must be an object")
    version = contents.get("schemaVersion")
    if version is None and "protocol-schema" in contents:
        version = int(str(contents["protocol-schema"]).split(".")[0])
    if version in (1, 2):
        raise ProtocolParseError(
            f"JSON protocol schema version {version} is no longer supported; "
            "re-export the protocol to schema version 3 or later"
        )
    if not isinstance(version, int) or version < 3 or version > 8:
        raise ProtocolParseError(
            f"{filename}: unknown JSON protocol schemaVersion {version!r}; expected 3 to 8"
        )
    level = JSON_LEGACY_LEVEL if version <= 5 else MAX_SUPPORTED
    return JsonProtocol(contents, filename, version, level, contents.get("metadata", {}))


def _parse_python(text: str, filename: str) -> PythonProtocol:
    try:
        tree = ast.parse(text, filename=filename)
    except SyntaxError as exc:
        raise ProtocolParseError(
            f"{filename} line {exc.lineno}: syntax error: {exc.msg}"
        ) from exc
    metadata = _literal_dict(tree, "metadata", filename)
    requirements = _literal_dict(tree, "requirements", filename)
    _check_requirements(requirements, filename)
    _check_run_function(tree, filename)
    level = _api_level(tree, metadata, requirements, filename)
    return PythonProtocol(text, filename, level, metadata, requirements)


def _literal_dict(tree: ast.Module, name: str, filename: str) -> Dict[str, Any]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return _evaluate_dict(node.value, name, filename)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name and node.value is not None:
                return _evaluate_dict(node.value, name, filename)
    return {}


def _evaluate_dict(node: ast.expr, name: str, filename: str) -> Dict[str, Any]:
    try:
        value = ast.literal_eval(node)
    except ValueError as exc:
        raise ProtocolParseError(
            f"{filename} line {node.lineno}: {name} must be a dict of literal "
            "values that can be read without running the protocol"
        ) from exc
    if not isinstance(value, dict):
        raise ProtocolParseError(f"{filename} line {node.lineno}: {name} must be a dict")
    return value


def _check_requirements(requirements: Dict[str, Any], filename: str) -> None:
    unknown = set(requirements) - _REQUIREMENT_KEYS
    if unknown:
        raise ProtocolParseError(
            f"{filename}: unrecognized keys in requirements: {sorted(unknown)}; "
            "allowed keys are 'robotType' and 'apiLevel'"
        )
    robot = requirements.get("robotType")
    if robot not in _OT2_ROBOT_TYPES:
        raise ProtocolParseError(
            f"{filename}: robotType {robot!r} is not supported here; "
            "this library simulates the OT-2 (robotType 'OT-2')"
        )


def _check_run_function(tree: ast.Module, filename: str) -> None:
    runs = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "run"
    ]
    if len(runs) != 1:
        raise ProtocolParseError(
            f"{filename}: a Python protocol must define exactly one top-level "
            "function 'run(protocol)'"
        )


def _api_level(
    tree: ast.Module,
    metadata: Dict[str, Any],
    requirements: Dict[str, Any],
    filename: str,
) -> APIVersion:
    in_meta, in_reqs = "apiLevel" in metadata, "apiLevel" in requirements
    if in_meta and in_reqs:
        raise ApiLevelError(
            f"{filename}: apiLevel is given in both metadata and requirements; "
            "give it in only one of them"
        )
    if in_meta or in_reqs:
        raw = metadata["apiLevel"] if in_meta else requirements["apiLevel"]
        return check_supported(APIVersion.from_string(raw))
    if _imports_v1(tree):
        return check_supported(APIVersion(1, 0))
    raise ApiLevelError(
        f"{filename}: no apiLevel found; add metadata = {{'apiLevel': '2.13'}} "
        "or requirements = {'apiLevel': '2.15'}"
    )


def _imports_v1(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "opentrons":
            if any(alias.name in _V1_MODULES for alias in node.names):
                return True
    return False


def optional_level(text: Optional[str]) -> Optional[APIVersion]:
    """Parse an optional apiLevel string given to get_protocol_api()."""
    return None if text is None else check_supported(APIVersion.from_string(text))
