"""Execute a protocol on a robot through a motion backend; opentrons_execute and notebook contexts."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from opentrons.errors import ProtocolError, UnsupportedError
from opentrons.protocols.api_level import MAX_SUPPORTED
from opentrons.protocols.parse import optional_level, parse

BackendFactory = Callable[[], Any]


def bus_backend_factory() -> Any:
    """The backend that drives the motion daemon over the bus (not available yet)."""
    raise UnsupportedError(
        "The bus backend (motion daemon) is not available in this version; "
        "pass backend_factory=SimulationBackend to run without hardware"
    )


def get_protocol_api(version: Optional[str] = None, backend_factory: Optional[BackendFactory] = None,
                     custom_labware_paths: Optional[Sequence[str]] = None) -> Any:
    """A ProtocolContext that moves the robot through ``backend_factory()`` (default: the bus)."""
    from opentrons.runner import make_context

    level = optional_level(version) if version is not None else MAX_SUPPORTED
    backend = (backend_factory or bus_backend_factory)()
    return make_context(level, backend, [Path(p) for p in custom_labware_paths or ()], simulating=False)


def execute(protocol_path: str, backend_factory: Optional[BackendFactory] = None,
            custom_labware_paths: Optional[Sequence[str]] = None) -> Any:
    """Run a protocol file through the backend; return its run log."""
    from opentrons.runner import make_context, run_protocol

    text = Path(protocol_path).read_text(encoding="utf-8")
    protocol = parse(text, Path(protocol_path).name)
    backend = (backend_factory or bus_backend_factory)()
    context = make_context(protocol.api_level, backend,
                           [Path(p) for p in custom_labware_paths or ()], simulating=False)
    return run_protocol(protocol, context)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The opentrons_execute command."""
    parser = argparse.ArgumentParser(
        prog="opentrons_execute", description="Run an OT-2 protocol on the robot")
    parser.add_argument("protocol", metavar="PROTOCOL")
    parser.add_argument("-L", "--custom-labware-path", action="append", default=[])
    args = parser.parse_args(argv)
    from opentrons.runner import print_error
    from opentrons.simulate import format_runlog

    try:
        runlog = execute(args.protocol, None, args.custom_labware_path)
    except ProtocolError as exc:
        print_error(str(exc))
        return 1
    print(format_runlog(runlog))
    return 0


if __name__ == "__main__":
    sys.exit(main())
