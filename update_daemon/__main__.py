"""`python -m update_daemon`: the update daemon's main (settings from the environment, recovery, then serve)."""
from __future__ import annotations

import asyncio
import json
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import structlog
import zmq.asyncio

from bus import BusConfig, BusError, configure_logging
from bus.loop import run as run_loop
from bus.service import ServiceHost
from bus.atomic import remove_stale_temporaries
from update_daemon.config import ConfigError, UpdateConfig
from update_daemon.service import UpdatePaths, UpdateService
from update_daemon.settings import SettingsStore

log = structlog.get_logger("update")


def software_version() -> str:
    """The version of the code this process runs: a version slot's VERSION.json when it was imported from a slot,
    else the installed project's version (the factory software)."""
    slot_info = Path(__file__).resolve().parent.parent / "VERSION.json"
    try:
        return str(json.loads(slot_info.read_text())["version"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        return version("ot2-backend")
    except PackageNotFoundError:
        return "0.0.0"


async def serve(config: UpdateConfig, bus_config: BusConfig) -> None:
    """Recover from any crash, build the daemon's objects, bind, and serve until SIGTERM/SIGINT."""
    paths = UpdatePaths(config.data_dir)
    stale = remove_stale_temporaries(paths.data_dir) + remove_stale_temporaries(paths.software)
    store = SettingsStore(paths.settings, config.default_name)
    warning = store.load()
    if warning:
        log.error("settings_corrupt", reason=warning)
    host = ServiceHost("update", bus_config, zmq.asyncio.Context(),
                       status=lambda: {"session": service.session.state() if service.session else None})
    service = UpdateService(host, paths, store, config.verifier(), software_version())
    cleaned = service.recover()
    log.info("update_started", boot_id=service.boot_id, version=service.running_version(),
             cleaned=cleaned + [str(p) for p in stale], signature_required=config.signature_required)
    host.bind()
    await host.run()


def main() -> int:
    """Entry point: exit 2 with a clear message on bad settings."""
    configure_logging("update", level=os.environ.get("OT2_LOG_LEVEL", "info"))
    try:
        config = UpdateConfig.from_env(os.environ)
        bus_config = BusConfig.from_env()
        config.verifier()
    except (ConfigError, BusError) as exc:
        log.error("bad_settings", reason=str(exc))
        print(f"update_daemon: {exc}", file=sys.stderr)
        return 2
    run_loop(serve(config, bus_config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
