"""`python -m run_daemon.runner --run-id ID PROTOCOL`: run one protocol on the robot as the bus service `runner`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

import structlog
import zmq
import zmq.asyncio

from bus import AsyncSubscriber, BusConfig, BusError, Client, configure_logging
from bus.loop import run as run_loop
from bus.service import ServiceHost
from opentrons.calibration_storage.applied import Corrections, corrections_from_env
from opentrons.engine.bus_backend import BusBackend
from opentrons.labware_offsets import LabwareOffsetError
from run_daemon.journal import RunJournal
from run_daemon.motion_watch import TOPIC as MOTION_HEARTBEAT
from run_daemon.run import ProtocolRun
from run_daemon.service import RunnerService

EXIT_CODES = {"succeeded": 0, "stopped": 0, "failed": 1}
RUN_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """The command line; a run id must be safe as a directory name."""
    parser = argparse.ArgumentParser(prog="python -m run_daemon.runner", description="Run one protocol on the robot")
    parser.add_argument("--run-id", required=True)
    parser.add_argument("protocol", type=Path)
    parser.add_argument("-L", "--custom-labware-path", action="append", default=[], type=Path)
    parser.add_argument("--labware-offsets", type=Path, metavar="FILE",
                        help="a JSON list of the run's labware offsets ({id, createdAt, definitionUri, location, "
                             "vector})")
    args = parser.parse_args(argv)
    if not args.run_id or not set(args.run_id) <= RUN_ID_CHARS or args.run_id.startswith("."):
        parser.error(f"--run-id must be letters, digits, '_', '-' or '.', got {args.run_id!r}")
    return args


async def serve(args: argparse.Namespace, config: BusConfig, data_dir: Path, corrections: Corrections) -> str:
    """Build the run and its service, bind, run to the end."""
    sync_ctx = zmq.Context()
    backend = BusBackend(lambda: Client(sync_ctx, config), f"runner:{args.run_id}", lease_ttl_s=None)
    journal = RunJournal(data_dir / "runs" / args.run_id)
    ctx = zmq.asyncio.Context()
    host = ServiceHost("runner", config, ctx)
    service: RunnerService
    run = ProtocolRun(args.run_id, args.protocol, args.custom_labware_path, backend, journal,
                      lambda kind, data: service.notify(kind, data), corrections)
    motion_events = AsyncSubscriber(ctx, [config.pub("motion")], [MOTION_HEARTBEAT])
    service = RunnerService(host, run, motion_events, os._exit)
    host.bind()
    try:
        return await service.serve()
    finally:
        motion_events.close()
        journal.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point: 0 when the run succeeded or was stopped, 1 when it failed, 2 for bad settings."""
    configure_logging("runner", level=os.environ.get("OT2_LOG_LEVEL", "info"))
    args = parse_args(argv)
    try:
        config = BusConfig.from_env()
    except BusError as exc:
        print(f"run_daemon: {exc}", file=sys.stderr)
        return 2
    data_dir = Path(os.environ.get("OT2_DATA_DIR", "var/data"))
    try:
        corrections = corrections_from_env({**os.environ, "OT2_DATA_DIR": str(data_dir)}, args.labware_offsets)
    except LabwareOffsetError as exc:
        print(f"run_daemon.runner: {exc}", file=sys.stderr)
        return 2
    status = run_loop(serve(args, config, data_dir, corrections))
    structlog.get_logger("runner").info("runner_exit", status=status)
    return EXIT_CODES.get(status, 1)


if __name__ == "__main__":
    sys.exit(main())
