"""Protocol analysis in a child process with a time limit: `python -m run_daemon.analysis PROTOCOL [-L DIR]`."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence

if TYPE_CHECKING:
    from opentrons.calibration_storage.applied import Corrections

DEFAULT_TIME_LIMIT_S = 60.0
MOUNTS = ("left", "right")
NOMINAL_WARNING = ("the robot's attached pipettes were not known (the motion daemon did not answer): positions are "
                   "nominal, without the pipette offsets and tip lengths stored for their serials")
Attached = Dict[str, Dict[str, Optional[str]]]


def analyze(protocol: Path, labware_dirs: Sequence[Path] = (), time_limit_s: float = DEFAULT_TIME_LIMIT_S,
            attached: Optional[Attached] = None) -> dict:
    """Simulate ``protocol`` in a child process; a child that overruns ``time_limit_s`` is killed and the
    analysis is ``not-ok`` with an error saying so (an endless loop never hangs the caller).

    ``attached`` is ``{mount: {model, id}}`` as the motion daemon reported it: the pipette serials place every
    move with that pipette's stored offset and tip lengths, as the run will. None (the robot's pipettes are not
    known) gives a nominal analysis that says so in its ``warnings``."""
    argv = [sys.executable, "-m", "run_daemon.analysis", str(protocol)]
    for folder in labware_dirs:
        argv += ["-L", str(folder)]
    if attached is not None:
        argv += ["--attached", json.dumps(attached)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=time_limit_s, check=False)
    except subprocess.TimeoutExpired:
        return {**failed_analysis("AnalysisTimeout", f"the analysis did not finish within {time_limit_s:g} s; "
                                  "check the protocol for an endless loop"), **assumed_pipettes(attached)}
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return {**failed_analysis("AnalysisCrashed", f"the analysis process ended without a result: {detail[0]}"),
                **assumed_pipettes(attached)}


def empty_analysis(result: str) -> dict:
    """An analysis with ``result`` and nothing loaded, run or gone wrong yet."""
    return {"result": result, "robotType": "OT-2 Standard", "commands": [], "labware": [], "pipettes": [],
            "modules": [], "liquids": [], "runTimeParameters": [], "errors": []}


def failed_analysis(error_type: str, detail: str) -> dict:
    """A not-ok analysis with one error and nothing else known."""
    return {**empty_analysis("not-ok"), "errors": [error(error_type, detail)]}


def error(error_type: str, detail: str) -> dict:
    """An error entry as the analysis and run records show it."""
    return {"id": f"error-{time.time_ns()}", "createdAt": time.time(), "errorType": error_type, "detail": detail}


def simulate(protocol_path: Path, labware_dirs: Sequence[Path], corrections: Optional["Corrections"] = None,
             attached: Optional[Attached] = None) -> dict:
    """Run the protocol on the simulation backend (with the robot's calibration and attached pipettes, when
    given) and describe what it loads and does, and which pipettes it assumed."""
    return {**_simulate(protocol_path, labware_dirs, corrections, attached), **assumed_pipettes(attached)}


def assumed_pipettes(attached: Optional[Attached]) -> dict:
    """The analysis fields that say which pipettes it assumed, and warn when it knew none."""
    return {"attachedPipettes": attached, "warnings": [] if attached is not None else [NOMINAL_WARNING]}


def _simulate(protocol_path: Path, labware_dirs: Sequence[Path], corrections: Optional["Corrections"],
              attached: Optional[Attached]) -> dict:
    from opentrons.engine.sim_backend import SimulationBackend
    from opentrons.errors import ProtocolError
    from opentrons.execute import listened_context, load
    from opentrons.runner import run_protocol

    records: list[dict[str, Any]] = []
    try:
        protocol = load(str(protocol_path))
        backend = SimulationBackend({mount: info["id"] for mount, info in (attached or {}).items() if info["id"]})
        context = listened_context(protocol, backend, list(labware_dirs), records.append, corrections)
        run_protocol(protocol, context)
    except (ProtocolError, OSError, UnicodeDecodeError) as exc:
        return {**failed_analysis(type(exc).__name__, str(exc)), "commands": [_command(r) for r in records]}
    engine = context.engine
    return {**empty_analysis("ok"), "commands": [_command(r) for r in records],
            "labware": [{"id": lw.labware_id, "loadName": lw.definition["parameters"]["loadName"],
                         "displayName": lw.display_name, "location": lw.location} for lw in engine.labware.values()],
            "pipettes": [{"id": p.pipette_id, "pipetteName": p.name, "mount": p.mount}
                         for p in engine.pipettes.values()],
            "modules": [{"id": m.module_id, "model": m.model, "location": {"slotName": m.slot}}
                        for m in engine.modules.values()]}


def attached_pipettes(text: str) -> Attached:
    """Parse ``{mount: {model, id} | null}`` (JSON); a clear error for anything else."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc}") from None
    expected = 'expected {"left"|"right": {"model": str|null, "id": str|null} | null}'
    if not isinstance(value, dict) or not set(value) <= set(MOUNTS):
        raise argparse.ArgumentTypeError(f"{expected}, got {text[:200]}")
    for info in value.values():
        if info is not None and not (isinstance(info, dict) and set(info) == {"model", "id"}
                                     and all(v is None or isinstance(v, str) for v in info.values())):
            raise argparse.ArgumentTypeError(f"{expected}, got {text[:200]}")
    return {mount: info for mount, info in value.items() if info is not None}


def _command(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"command-{record['index']}", "key": f"command-{record['index']}", "intent": "protocol",
            "createdAt": record["startedAt"], **record}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the analysis of one protocol as JSON on stdout."""
    parser = argparse.ArgumentParser(prog="python -m run_daemon.analysis", description="Analyze a protocol")
    parser.add_argument("protocol", type=Path)
    parser.add_argument("-L", "--custom-labware-path", action="append", default=[], type=Path)
    parser.add_argument("--attached", type=attached_pipettes, metavar="JSON",
                        help='the attached pipettes: {"left": {"model": ..., "id": ...} | null, "right": ...}')
    args = parser.parse_args(argv)
    from opentrons.calibration_storage.applied import corrections_from_env

    corrections = corrections_from_env(os.environ)
    json.dump(simulate(args.protocol, args.custom_labware_path, corrections, args.attached), sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
