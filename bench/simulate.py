"""Benchmark opentrons_simulate: whole-process time and peak memory, ours and (optionally) the reference.

Prints one JSON line. With --reference PATH (a venv holding opentrons==9.0.0) the same figures
are measured for the reference simulator in the same run, plus ratio_copy96 (ours over theirs).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
PROTOCOLS = ROOT / "tests" / "protocollib" / "protocols"
LARGE_STEPS = 10_000
IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import opentrons.protocol_api; "
    "print(time.perf_counter() - t)"
)


def large_protocol(steps: int) -> str:
    """A protocol of ``steps`` liquid-handling steps (aspirate/dispense pairs) on one tip."""
    return f'''"""Generated: {steps} liquid-handling steps."""
metadata = {{"apiLevel": "2.13"}}


def run(protocol):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    pipette = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    wells = plate.wells()
    pipette.pick_up_tip()
    for i in range({steps // 2}):
        pipette.aspirate(10, wells[i % 96])
        pipette.dispense(10, wells[(i + 1) % 96])
    pipette.drop_tip()
'''


def run_process(argv: List[str], env: Dict[str, str]) -> Tuple[float, float, str]:
    """Run ``argv``; return (wall seconds, peak RSS in MB, stdout); fail loudly on a non-zero exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {err.read().decode()[-500:]}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode()


def measure(bin_dir: Path, env: Dict[str, str], repeats: int,
            generated: Dict[str, Path]) -> Dict[str, float]:
    """Median whole-process figures of one simulator installation."""
    simulate = str(bin_dir / "opentrons_simulate")
    figures: Dict[str, float] = {}
    cases = {"copy96": PROTOCOLS / "copy96.py", "dilution": PROTOCOLS / "serial_dilution.py"}
    cases.update(generated)
    run_process([simulate, str(cases["copy96"])], env)  # warm-up: bytecode caches, disk cache
    for name, path in cases.items():
        runs = [run_process([simulate, str(path)], env) for _ in range(repeats)]
        figures[f"{name}_s"] = round(statistics.median(r[0] for r in runs), 4)
        if name == "copy96":
            figures["copy96_peak_mb"] = round(max(r[1] for r in runs), 1)
    imports = [float(run_process([str(bin_dir / "python"), "-c", IMPORT_SNIPPET], env)[2])
               for _ in range(repeats)]
    figures["import_s"] = round(statistics.median(imports), 4)
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    """Measure ours (the interpreter running this script) and, if asked, the reference."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", type=Path, help="venv with the real opentrons==9.0.0")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference-large", action="store_true",
                        help="also time the reference on the generated 1,000/10,000-step protocols (slow)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        generated = {}
        for name, steps in (("large_1k", LARGE_STEPS // 10), ("large", LARGE_STEPS)):
            generated[name] = Path(tmp) / f"{name}.py"
            generated[name].write_text(large_protocol(steps), encoding="utf-8")
        env = dict(os.environ, OT_API_CONFIG_DIR=str(Path(tmp) / "config"))
        # Measure installed behaviour: both simulators may keep their compiled bytecode.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        figures = measure(Path(sys.executable).parent, env, args.repeats, generated)
        figures["large_steps"] = LARGE_STEPS
        figures["large_1k_steps"] = LARGE_STEPS // 10
        if args.reference is not None:
            ref = measure(args.reference / "bin", env, args.repeats,
                          generated if args.reference_large else {})
            figures.update({f"ref_{key}": value for key, value in ref.items()})
            figures["ratio_copy96"] = round(figures["copy96_s"] / ref["copy96_s"], 4)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
