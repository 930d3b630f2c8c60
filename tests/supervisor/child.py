"""A scripted child for supervisor tests: a real bus service that misbehaves as CHILD_MODE says."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import zmq.asyncio

from bus import BusConfig, configure_logging
from bus.service import ServiceHost

NAME = sys.argv[1] if len(sys.argv) > 1 else "motion"
MODE = os.environ.get("CHILD_MODE", "serve")


def spawn_count() -> int:
    """How many times this child has been started, counted in a file under OT2_DATA_DIR."""
    counter = Path(os.environ["OT2_DATA_DIR"]) / f"{NAME}.starts"
    count = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(count))
    return count


async def crash_after(seconds: float) -> None:
    await asyncio.sleep(seconds)
    os._exit(4)


async def ignore_term() -> None:
    # Runs after ServiceHost.run() installed its handlers, so this replaces them.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: print("ignoring SIGTERM", flush=True))
    await asyncio.Future()


async def main() -> None:
    configure_logging(NAME)
    starts = spawn_count()
    if MODE == "crash_at_start" or (MODE == "crash_first" and starts <= int(os.environ.get("CHILD_CRASHES", "1"))):
        print(f"crashing at start #{starts}", flush=True)
        sys.exit(3)
    if MODE == "slow_start":
        time.sleep(float(os.environ.get("CHILD_DELAY", "1.0")))
    if MODE == "plain":
        print("plain child up", flush=True)
        await asyncio.Future()
    host = ServiceHost(NAME, BusConfig.from_env(), zmq.asyncio.Context(),
                       heartbeat_interval=float(os.environ.get("CHILD_BEAT", "0.2")))
    host.server.register(f"{NAME}.state", lambda args: {"pid": os.getpid(), "starts": starts})
    host.bind()
    background: list[Any] = []
    if MODE == "crash_later":
        background.append(crash_after(float(os.environ.get("CHILD_AFTER", "1.5"))))
    if MODE == "ignore_term":
        background.append(ignore_term())
    await host.run(*background)


if __name__ == "__main__":
    asyncio.run(main())
