"""`python -m motion_daemon`: the motion daemon's main (settings from the environment, then serve)."""
from __future__ import annotations

import asyncio
import os
import sys

import structlog
import zmq.asyncio

from bus import BusConfig, BusError, configure_logging
from bus.loop import run as run_loop
from bus.service import ServiceHost
from motion_daemon.board_factory import open_board
from motion_daemon.config import MotionSettings, SettingsError
from motion_daemon.firmware.updater import FirmwarePlan
from motion_daemon.service import MotionService


async def serve(settings: MotionSettings, config: BusConfig) -> None:
    """Build the daemon's objects, bind, and serve until SIGTERM/SIGINT."""
    board = open_board(settings)
    host = ServiceHost("motion", config, zmq.asyncio.Context())
    firmware = FirmwarePlan.load(settings.firmware_dir, settings.data_dir, settings.firmware_check)
    service = MotionService(host, board.driver, settings.board_revision, firmware)
    host.bind()
    try:
        await service.run()
    finally:
        board.close()


def main() -> int:
    """Entry point: exit 2 with a clear message on bad settings."""
    configure_logging("motion", level=os.environ.get("OT2_LOG_LEVEL", "info"))
    try:
        settings = MotionSettings.from_env(os.environ)
        config = BusConfig.from_env()
    except (SettingsError, BusError) as exc:
        structlog.get_logger("motion").error("bad_settings", reason=str(exc))
        print(f"motion_daemon: {exc}", file=sys.stderr)
        return 2
    run_loop(serve(settings, config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
