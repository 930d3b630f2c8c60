"""Execute a protocol on a robot through a motion backend; opentrons_execute and notebook contexts."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from opentrons.calibration_storage.applied import Corrections, corrections_from_env
from opentrons.errors import ProtocolError
from opentrons.labware_offsets import LabwareOffsetError
from opentrons.protocols.api_level import MAX_SUPPORTED
from opentrons.protocols.parse import Protocol, optional_level, parse
from opentrons.types import Point

BackendFactory = Callable[[], Any]
CommandListener = Callable[[Dict[str, Any]], None]
FIXED_TRASH = "opentrons_1_trash_1100ml_fixed"


def bus_backend_factory(holder: Optional[str] = None) -> Any:
    """An opened backend that drives the motion daemon over the bus (lease taken, robot homed)."""
    import zmq

    from bus import BusConfig, BusError, Client
    from opentrons.engine.bus_backend import BusBackend

    config = BusConfig.from_env()
    ctx = zmq.Context.instance()
    backend = BusBackend(lambda: Client(ctx, config), holder or f"execute:{os.getpid()}")
    try:
        backend.open()
    except BaseException:
        with contextlib.suppress(BusError):  # the error that stopped the opening is the one to report
            backend.close()
        raise
    return backend


def get_protocol_api(version: Optional[str] = None, backend_factory: Optional[BackendFactory] = None,
                     custom_labware_paths: Optional[Sequence[str]] = None) -> Any:
    """A ProtocolContext that moves the robot through ``backend_factory()`` (default: the bus), placing moves with
    the calibration stored in ``$OT2_DATA_DIR`` (read now), as ``opentrons_execute`` and the App's runs do."""
    from opentrons.runner import make_context

    level = optional_level(version) if version is not None else MAX_SUPPORTED
    backend = (backend_factory or bus_backend_factory)()
    return make_context(level, backend, [Path(p) for p in custom_labware_paths or ()], simulating=False,
                        corrections=corrections_from_env(os.environ))


def listen_to_commands(engine: Any, listener: CommandListener) -> None:
    """Call ``listener(record)`` after each command the engine finishes or fails.

    A record holds ``index``, ``commandType``, ``params``, ``status`` ('succeeded'/'failed'),
    ``startedAt``/``completedAt`` (epoch seconds), ``error`` (None or ``{errorType, detail}``) and, for a
    command that moved a pipette, ``result.position``: the last point the engine sent to the backend, with the
    robot's calibration applied.
    """
    run_command = engine.execute

    def execute_and_report(command_type: str, params: Dict[str, Any], text: Optional[str] = None) -> Any:
        index, started, moves_before = len(engine.commands), time.time(), engine.moves_sent
        try:
            result = run_command(command_type, params, text)
        except BaseException as exc:
            listener(command_record(index, engine.commands[index], started, exc, _moved_to(engine, moves_before)))
            raise
        listener(command_record(index, engine.commands[index], started, None, _moved_to(engine, moves_before)))
        return result

    engine.execute = execute_and_report


def _moved_to(engine: Any, moves_before: int) -> Optional[Point]:
    return engine.last_sent if engine.moves_sent > moves_before else None


def command_record(index: int, command: Dict[str, Any], started: float,
                   error: Optional[BaseException], position: Optional[Point] = None) -> Dict[str, Any]:
    """What is known of one finished command, for a run log, a journal or an event."""
    record = {"index": index, **command, "status": "failed" if error else "succeeded",
              "startedAt": started, "completedAt": time.time(),
              "error": {"errorType": type(error).__name__, "detail": str(error)} if error else None}
    if position is not None:
        record["result"] = {"position": {"x": position.x, "y": position.y, "z": position.z}}
    return record


def load(protocol_path: str) -> Protocol:
    """Read and parse a protocol file."""
    text = Path(protocol_path).read_text(encoding="utf-8")
    return parse(text, Path(protocol_path).name)


def execute(protocol_path: str, backend_factory: Optional[BackendFactory] = None,
            custom_labware_paths: Optional[Sequence[str]] = None,
            listener: Optional[CommandListener] = None) -> Any:
    """Run a protocol file through the backend (closed afterwards); return its run log."""
    from opentrons.runner import run_protocol

    protocol = load(protocol_path)
    backend = (backend_factory or bus_backend_factory)()
    try:
        context = listened_context(protocol, backend, [Path(p) for p in custom_labware_paths or ()], listener)
        return run_protocol(protocol, context)
    finally:
        # The bus backend holds the hardware lease: give it back however the run ended.
        if hasattr(backend, "close"):
            backend.close()


def listened_context(protocol: Protocol, backend: Any, labware_dirs: Sequence[Path],
                     listener: Optional[CommandListener], corrections: Optional[Corrections] = None) -> Any:
    """A ProtocolContext whose every command, the set-up ones included, is reported to ``listener``."""
    from opentrons.definitions import DefinitionStore
    from opentrons.engine.engine import Engine
    from opentrons.protocol_api.protocol_context import ProtocolContext

    engine = Engine(DefinitionStore(labware_dirs), backend, corrections)
    if listener is not None:
        listen_to_commands(engine, listener)
    return ProtocolContext(engine, protocol.api_level, False)


def make_safe(engine: Any) -> None:
    """After a halt: clear it, home, drop every attached tip into the fixed trash (homing that mount)."""
    engine.backend.recover()
    trash = next((lw.labware_id for lw in engine.labware.values()
                  if lw.definition["parameters"].get("loadName") == FIXED_TRASH), None)
    for pipette in list(engine.pipettes.values()):
        if pipette.has_tip:
            where = {"labwareId": trash, "wellName": "A1"} if trash else {}
            engine.execute("dropTip" if trash else "dropTipInPlace", {"pipetteId": pipette.pipette_id, **where},
                           "Dropping tip into the trash: the run was stopped")


class TerminalRun:
    """One ``opentrons_execute`` run: prints each new run-log line as its command completes."""

    def __init__(self, protocol_path: str, labware_paths: Sequence[str], corrections: Corrections) -> None:
        self.protocol = load(protocol_path)
        self.labware_paths = [Path(p) for p in labware_paths]
        self.corrections = corrections
        self.printed = 0
        self.context: Any = None

    def run(self) -> None:
        """Home, run the protocol, print as it goes; Ctrl-C halts and leaves the robot safe."""
        from opentrons.runner import run_protocol

        backend = bus_backend_factory()
        try:
            self.context = listened_context(self.protocol, backend, self.labware_paths,
                                            lambda *_: self.print_new_lines(), self.corrections)
            try:
                run_protocol(self.protocol, self.context)
            except KeyboardInterrupt:
                self.stop_safely(backend)
                raise
            self.print_new_lines()
        finally:
            backend.close()

    def stop_safely(self, backend: Any) -> None:
        """Halt motion, then drop tips in the trash and home."""
        print("Stopping: halting motion, dropping tips and homing", file=sys.stderr, flush=True)
        backend.halt("stopped from the terminal (Ctrl-C)")
        make_safe(self.context.engine)

    def print_new_lines(self) -> None:
        """Print the run-log entries not yet printed, indented by nesting level."""
        if self.context is None:  # the set-up commands inside the context's constructor log nothing
            return
        log: List[Dict[str, Any]] = self.context.engine.run_log
        for entry in log[self.printed:]:
            print("\t" * entry["level"] + entry["payload"]["text"], flush=True)
        self.printed = len(log)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The opentrons_execute command."""
    parser = argparse.ArgumentParser(
        prog="opentrons_execute", description="Run an OT-2 protocol on the robot")
    parser.add_argument("protocol", metavar="PROTOCOL")
    parser.add_argument("-L", "--custom-labware-path", action="append", default=[])
    parser.add_argument("--labware-offsets", type=Path, metavar="FILE",
                        help="a JSON list of labware offsets ({id, createdAt, definitionUri, location, vector})")
    args = parser.parse_args(argv)
    from bus import BusError
    from opentrons.runner import print_error

    try:
        corrections = corrections_from_env(os.environ, args.labware_offsets)
        TerminalRun(args.protocol, args.custom_labware_path, corrections).run()
    except (ProtocolError, BusError, OSError, LabwareOffsetError) as exc:
        print_error(f"{type(exc).__name__}: {exc}")
        return 1
    except KeyboardInterrupt:
        print_error("Run stopped by Ctrl-C; the robot is homed with its tips in the trash")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
