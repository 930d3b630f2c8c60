"""`python -m run_daemon`: the `runs` service, owner of the stored protocols and runs (one runner per run)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import zmq.asyncio

from bus import AsyncClient, AsyncSubscriber, BusConfig, BusError, configure_logging
from bus.loop import run as run_loop
from bus.service import ServiceHost
from run_daemon.analysis import DEFAULT_TIME_LIMIT_S
from run_daemon.exits import TOPICS, RunnerExits
from run_daemon.manager import RunsManager


async def serve(config: BusConfig, data_dir: Path, analysis_time_limit_s: float) -> None:
    """Run the service until SIGTERM/SIGINT."""
    ctx = zmq.asyncio.Context()
    client = AsyncClient(ctx, config)
    subscriber = AsyncSubscriber(ctx, [config.pub("supervisor")], TOPICS)
    manager: RunsManager
    host = ServiceHost("runs", config, ctx, status=lambda: manager.status())
    manager = RunsManager(host, client, data_dir, analysis_time_limit_s)
    exits = RunnerExits(subscriber, client, manager.runner_ended, manager.resync)
    try:
        await manager.start()
        host.bind()
        await host.run(exits.follow())
    finally:
        subscriber.close()
        client.close()
        ctx.destroy(linger=0)


def time_limit(text: str) -> float:
    """The analysis time limit from `OT2_ANALYSIS_TIME_LIMIT_S`."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise ValueError(f"OT2_ANALYSIS_TIME_LIMIT_S={text!r}: expected seconds in (0, 3600]")
    return value


def main() -> int:
    """Entry point: 2 for bad settings."""
    configure_logging("runs", level=os.environ.get("OT2_LOG_LEVEL", "info"))
    try:
        config = BusConfig.from_env()
        limit = time_limit(os.environ.get("OT2_ANALYSIS_TIME_LIMIT_S", str(DEFAULT_TIME_LIMIT_S)))
    except (BusError, ValueError) as exc:
        print(f"run_daemon: {exc}", file=sys.stderr)
        return 2
    run_loop(serve(config, Path(os.environ.get("OT2_DATA_DIR", "var/data")), limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
