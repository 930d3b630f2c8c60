"""Protocol metadata read from the uploaded files without running them (as the robot's `/protocols` lists it)."""
from __future__ import annotations

import ast
import json
from typing import Any



class ProtocolFileError(ValueError):
    """A file that cannot be read as what its name says; the message names the file and the problem."""


def python_metadata(name: str, content: bytes) -> dict[str, Any]:
    """The `metadata` dict literal of a Python protocol, with `apiLevel` from `requirements` when only there."""
    try:
        tree = ast.parse(content.decode("utf-8"), filename=name)
    except UnicodeDecodeError:
        raise ProtocolFileError(f"{name}: expected UTF-8 text") from None
    except SyntaxError as exc:
        raise ProtocolFileError(f"{name} line {exc.lineno}: the file is not valid Python ({exc.msg})") from None
    metadata = _literal_dict(tree, "metadata")
    requirements = _literal_dict(tree, "requirements")
    if "apiLevel" not in metadata and isinstance(requirements.get("apiLevel"), str):
        metadata["apiLevel"] = requirements["apiLevel"]
    return metadata


def _literal_dict(tree: ast.Module, variable: str) -> dict[str, Any]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return {}  # not a literal: the analysis reports what the protocol really does with it
            return _plain(value) if isinstance(value, dict) else {}
    return {}


def _plain(value: dict[Any, Any]) -> dict[str, Any]:
    # Values JSON can carry are shown as they are; anything else in a Python literal (a set, bytes) as text.
    return {str(k): v if _jsonable(v) else repr(v) for k, v in value.items()}


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def json_document(name: str, content: bytes) -> dict[str, Any]:
    """A JSON file that must hold an object (a JSON protocol or a labware definition)."""
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolFileError(f"{name}: the file is not valid JSON ({str(exc)[:120]})") from None
    if not isinstance(document, dict):
        raise ProtocolFileError(f"{name}: expected a JSON object, got {type(document).__name__}")
    return document


def json_metadata(name: str, content: bytes) -> dict[str, Any]:
    """The `metadata` object of a JSON protocol."""
    metadata = json_document(name, content).get("metadata", {})
    return metadata if isinstance(metadata, dict) else {}
