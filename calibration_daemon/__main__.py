"""`python -m calibration_daemon`: the calibration daemon's main (data dir from the environment, clean-up, serve)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import structlog
import zmq.asyncio

from bus import AsyncClient, BusConfig, BusError, configure_logging
from bus.atomic import remove_stale_temporaries
from bus.loop import run as run_loop
from bus.service import ServiceHost
from calibration_daemon.service import CalibrationService
from opentrons.calibration_storage.files import CalibrationPaths
from opentrons.calibration_storage.store import CalibrationStore

log = structlog.get_logger("calibration")


def clean_after_crash(paths: CalibrationPaths) -> list[str]:
    """Remove temporaries of writes a crash cut short; the files they were replacing are intact."""
    folders = [paths.deck_file.parent, paths.tip_length_dir, paths.pipette_offset_dir / "left",
               paths.pipette_offset_dir / "right"]
    return [str(p) for folder in folders for p in remove_stale_temporaries(folder)]


async def serve(data_dir: Path, bus_config: BusConfig) -> None:
    """Build the daemon's objects, bind, and serve until SIGTERM/SIGINT."""
    paths = CalibrationPaths.in_data_dir(data_dir)
    store = CalibrationStore(paths)
    ctx = zmq.asyncio.Context()
    host = ServiceHost("calibration", bus_config, ctx,
                       status=lambda: {"sessions": len(service.sessions)})
    service = CalibrationService(host, store, data_dir, AsyncClient(ctx, bus_config))
    log.info("calibration_started", root=str(paths.root), cleaned=clean_after_crash(paths))
    for problem in store.problems():
        log.error("calibration_file_unusable", **problem)
    host.bind()
    try:
        await host.run()
    finally:
        service.client.close()


def main() -> int:
    """Entry point: exit 2 with a clear message on bad settings."""
    configure_logging("calibration", level=os.environ.get("OT2_LOG_LEVEL", "info"))
    try:
        bus_config = BusConfig.from_env()
    except BusError as exc:
        print(f"calibration_daemon: {exc}", file=sys.stderr)
        return 2
    run_loop(serve(Path(os.environ.get("OT2_DATA_DIR", "var/data")), bus_config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
