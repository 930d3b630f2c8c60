"""Run a parsed protocol on an engine: Python via run(protocol), JSON via its command list."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional

from opentrons.calibration_storage.applied import Corrections
from opentrons.definitions import DefinitionStore
from opentrons.engine.backend import MotionBackend
from opentrons.engine.engine import Engine
from opentrons.errors import ProtocolError
from opentrons.protocols.api_level import APIVersion
from opentrons.protocols.parse import Protocol, PythonProtocol

BackendFactory = Callable[[], MotionBackend]


class ProtocolRunError(ProtocolError):
    """A protocol raised while running; the message names its line."""


def make_context(level: APIVersion, backend: MotionBackend, labware_dirs: Iterable[Path] = (),
                 simulating: bool = True, corrections: Optional[Corrections] = None) -> Any:
    """A fresh ProtocolContext over a fresh engine, the given backend and calibration (default: nominal)."""
    from opentrons.protocol_api.protocol_context import ProtocolContext

    engine = Engine(DefinitionStore(labware_dirs), backend, corrections)
    return ProtocolContext(engine, level, simulating)


def run_protocol(protocol: Protocol, context: Any) -> List[Dict[str, Any]]:
    """Execute ``protocol`` against ``context``; return the run log."""
    if isinstance(protocol, PythonProtocol):
        _run_python(protocol, context)
    else:
        from opentrons.json_protocol import run_json

        run_json(protocol, context)
    return context.engine.run_log


def _run_python(protocol: PythonProtocol, context: Any) -> None:
    namespace: Dict[str, Any] = {"__name__": "__protocol__", "__file__": protocol.filename}
    code = compile(protocol.text, protocol.filename, "exec")
    try:
        exec(code, namespace)
        namespace["run"](context)
    except Exception as exc:  # any error in user code is reported with its protocol line
        raise ProtocolRunError(_describe(exc, protocol.filename)) from exc


def _describe(exc: BaseException, filename: str) -> str:
    line: Optional[int] = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    where = f" [line {line}]" if line is not None else ""
    return f"{type(exc).__name__}{where}: {exc}"


def print_error(message: str) -> None:
    """Print a protocol failure to stderr."""
    print(message, file=sys.stderr)
