"""Simulate a protocol without a robot: the run log as data, and the opentrons_simulate command."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple, Union

from opentrons.errors import ProtocolError
from opentrons.protocols.parse import optional_level, parse
from opentrons.protocols.api_level import MAX_SUPPORTED

RunLog = List[Dict[str, Any]]
MOUNTS = ("left", "right")


def simulate(
    protocol_file: Union[IO[Any], str, Path],
    file_name: Optional[str] = None,
    custom_labware_paths: Optional[Sequence[str]] = None,
    **_ignored: Any,
) -> Tuple[RunLog, None]:
    """Simulate a protocol file; return (run log, None) like the reference simulator."""
    from opentrons.engine.sim_backend import SimulationBackend
    from opentrons.runner import make_context, run_protocol

    text, name = _read(protocol_file, file_name)
    protocol = parse(text, name)
    dirs = [Path(p) for p in custom_labware_paths or ()]
    context = make_context(protocol.api_level, SimulationBackend(), dirs)
    return run_protocol(protocol, context), None


def _read(protocol_file: Union[IO[Any], str, Path], file_name: Optional[str]) -> Tuple[str, str]:
    if isinstance(protocol_file, (str, Path)):
        path = Path(protocol_file)
        return path.read_text(encoding="utf-8"), file_name or path.name
    data = protocol_file.read()
    name = file_name or getattr(protocol_file, "name", "<protocol>")
    return (data.decode("utf-8") if isinstance(data, bytes) else data), Path(name).name


def format_runlog(runlog: RunLog) -> str:
    """One line per step, nested steps indented with tabs."""
    return "\n".join("\t" * entry["level"] + entry["payload"].get("text", "") for entry in runlog)


def get_protocol_api(version: Union[str, Any] = None, extra_labware: Optional[Dict[str, Any]] = None,
                     custom_labware_paths: Optional[Sequence[str]] = None, **_ignored: Any) -> Any:
    """A simulating ProtocolContext for notebooks and scripts (with the calibration in ``$OT2_DATA_DIR``, if set)."""
    from opentrons.calibration_storage.applied import corrections_from_env
    from opentrons.engine.sim_backend import SimulationBackend
    from opentrons.runner import make_context

    level = optional_level(str(version)) if version is not None else MAX_SUPPORTED
    context = make_context(level, SimulationBackend(), [Path(p) for p in custom_labware_paths or ()],
                           corrections=corrections_from_env(os.environ))
    for definition in (extra_labware or {}).values():
        context.engine.definitions.add_custom_labware(definition)
    return context


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opentrons_simulate", description="Simulate an OT-2 protocol")
    parser.add_argument("protocol", metavar="PROTOCOL", type=argparse.FileType("rb"))
    parser.add_argument("-L", "--custom-labware-path", action="append", default=[],
                        help="a folder of custom labware JSON definitions (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the command list as JSON (a command that moved has result.position)")
    parser.add_argument("--labware-offsets", type=Path, metavar="FILE",
                        help="a JSON list of labware offsets ({id, createdAt, definitionUri, location, vector})")
    parser.add_argument("-l", "--log-level", default="warning",
                        choices=["debug", "info", "warning", "error", "none"])
    parser.add_argument("-e", "--estimate-duration", action="store_true",
                        help="print the simulated run time on stderr")
    parser.add_argument("--pipette-id", action="append", default=[], type=_mount_serial, metavar="MOUNT=SERIAL",
                        help="the serial of the pipette on a mount, so that its stored pipette offset and tip "
                             "lengths are applied as on the robot (repeatable: left=..., right=...)")
    return parser


def _mount_serial(text: str) -> Tuple[str, str]:
    mount, equals, serial = text.partition("=")
    if mount not in MOUNTS or not equals:
        raise argparse.ArgumentTypeError(f"{text!r}: expected left=SERIAL or right=SERIAL")
    if not serial.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: the serial after '=' is empty")
    return mount, serial.strip()


def _pipette_ids(parser: argparse.ArgumentParser, pairs: Sequence[Tuple[str, str]]) -> Dict[str, str]:
    ids: Dict[str, str] = {}
    for mount, serial in pairs:
        if mount in ids:
            parser.error(f"argument --pipette-id: the {mount} mount is named twice ({ids[mount]}, {serial})")
        ids[mount] = serial
    return ids


def _keep_result(results: Dict[int, Any], record: Dict[str, Any]) -> None:
    if record.get("result") is not None:
        results[record["index"]] = record["result"]


def _with_results(commands: List[Dict[str, Any]], results: Dict[int, Any]) -> List[Dict[str, Any]]:
    return [{**command, "result": results[index]} if index in results else command
            for index, command in enumerate(commands)]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The opentrons_simulate command."""
    parser = _parser()
    args = parser.parse_args(argv)
    pipette_ids = _pipette_ids(parser, args.pipette_id)
    from opentrons.engine.sim_backend import SimulationBackend
    from opentrons.calibration_storage.applied import corrections_from_env
    from opentrons.execute import listen_to_commands
    from opentrons.labware_offsets import LabwareOffsetError
    from opentrons.runner import make_context, print_error, run_protocol

    from opentrons.cli_logging import configure

    log = configure(args.log_level, "opentrons_simulate")
    text, name = _read(args.protocol, None)
    args.protocol.close()
    try:
        corrections = corrections_from_env(os.environ, args.labware_offsets)
        protocol = parse(text, name)
        context = make_context(protocol.api_level, SimulationBackend(pipette_ids),
                               [Path(p) for p in args.custom_labware_path], corrections=corrections)
        results: Dict[int, Any] = {}
        listen_to_commands(context.engine, lambda record: _keep_result(results, record))
        runlog = run_protocol(protocol, context)
    except (ProtocolError, LabwareOffsetError) as exc:
        print_error(str(exc))
        log.debug("simulation.failed", protocol=name, error=str(exc))
        return 1
    log.info("simulation.finished", protocol=name, api_level=str(protocol.api_level),
             commands=len(context.engine.commands), simulated_s=round(context.engine.elapsed_seconds(), 3))
    for command in context.engine.commands:
        log.debug("command", **command)
    if args.json:
        print(json.dumps(_with_results(context.engine.commands, results), default=str, indent=1))
    else:
        print(format_runlog(runlog))
    if args.estimate_duration:
        print(f"Estimated duration: {context.engine.elapsed_seconds():.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
