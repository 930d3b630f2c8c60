"""The supervisor app: lock the run directory, serve the `supervisor` service, run the children until told to stop."""
from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import structlog
import zmq.asyncio

from bus import BadRequest, BusConfig, Conflict, configure_logging
from bus.loop import run as run_loop
from bus.service import ServiceHost
from supervisor.arbiter import Arbiter
from supervisor.control import Control
from supervisor.logview import LogView
from supervisor.forkserver import ForkServerOS
from supervisor.osproc import ProcessOS, RealOS
from supervisor.software import Software, trial_deadline
from supervisor.table import DAEMONS, ProcessSpec, default_table, load_table

log = structlog.get_logger("supervisor")


@dataclass(frozen=True)
class StartOptions:
    """Everything `ot2 start` was told."""

    config: BusConfig
    data_dir: Path
    smoothie: str = "sim"
    http_host: str = "127.0.0.1"
    http_port: int = 31950
    json_logs: bool = False
    table_file: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    base_env: dict[str, str] = field(default_factory=dict)
    preload: bool = True  # start Python daemons from a preloaded fork server (see supervisor.forkserver)


def child_env(options: StartOptions) -> dict[str, str]:
    """The environment every child gets: the bus configuration, the data directory and the robot's settings."""
    return {**options.base_env, **options.config.as_env(), "OT2_DATA_DIR": str(options.data_dir),
            "OT2_SMOOTHIE_PORT": options.smoothie, "OT2_HTTP_HOST": options.http_host,
            "OT2_HTTP_PORT": str(options.http_port), "PYTHONUNBUFFERED": "1"}


def run(options: StartOptions) -> int:
    """Run the supervisor in the foreground until SIGINT, SIGTERM or `supervisor.shutdown`; returns the exit code."""
    table = (load_table(options.table_file, options.overrides) if options.table_file
             else default_table(options.overrides))
    if not 1 <= options.http_port <= 65535:
        raise BadRequest(f"--port {options.http_port}: expected a TCP port from 1 to 65535")
    options.data_dir.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    # Before any thread or logging set-up: the fork server's children start from this clean state.
    forkserver = ForkServerOS.start() if options.preload else None
    view = LogView(sys.stdout, options.json_logs)
    configure_logging("supervisor", stream=view)  # type: ignore[arg-type]
    try:
        lock = _lock_run_dir(options.config)
        try:
            run_loop(_serve(options, table, view, forkserver))
        finally:
            lock.close()
    finally:
        if forkserver is not None:
            forkserver.close()
    return 0


async def _serve(options: StartOptions, table: list[ProcessSpec], view: LogView,
                 forkserver: ForkServerOS | None) -> None:
    ctx = zmq.asyncio.Context()
    control: Control | None = None
    host = ServiceHost("supervisor", options.config, ctx,
                       status=lambda: control.heartbeat_status() if control else {})
    host.bind()
    loop = asyncio.get_running_loop()
    os_: ProcessOS = RealOS(loop) if forkserver is None else forkserver
    if forkserver is not None:
        forkserver.attach(loop)
    arbiter = Arbiter(table, os_, host.publisher, child_env(options), view.child_line)
    stop_requested = asyncio.Event()
    control = Control(host, arbiter, stop_requested.set)
    software = Software(arbiter, options.data_dir, trial_deadline(options.base_env))
    host.server.register("supervisor.software.restart", software.op_restart)
    host.server.register("supervisor.software.activate", software.op_activate)
    software.boot()
    _announce(options, table)
    try:
        await host.run(arbiter.watch(), arbiter.listen(ctx, options.config), _lifecycle(arbiter, stop_requested, host))
    finally:
        if not arbiter.all_stopped():  # run() ended on an error before the orderly stop: stop what is left
            await arbiter.shutdown()
        ctx.destroy(linger=0)


async def _lifecycle(arbiter: Arbiter, stop_requested: asyncio.Event, host: ServiceHost) -> None:
    """Start every daemon, then on SIGINT/SIGTERM or `shutdown` stop them all, then end the service."""
    loop = asyncio.get_running_loop()
    # These replace ServiceHost's handlers (installed before this task first runs): the service keeps answering
    # `status` and publishing events while the children stop, and closes only after the last one is gone.
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_requested.set)
    arbiter.start_all()
    await stop_requested.wait()
    log.info("shutting_down")
    await arbiter.shutdown()
    host.stop()


def _announce(options: StartOptions, table: list[ProcessSpec]) -> None:
    names = [spec.name for spec in table]
    missing = [module for name, module, _ in DAEMONS if name not in names] if not options.table_file else []
    http = f"http://{options.http_host}:{options.http_port}"
    log.info("robot_starting", http=http if "gateway" in names else f"{http} (no gateway installed yet)",
             control=options.config.rpc("supervisor"), daemons=names, not_installed=missing,
             data_dir=str(options.data_dir))
    if not table:
        log.warning("no_daemons", reason="no daemon package has a __main__ yet; the supervisor runs alone")


def _lock_run_dir(config: BusConfig) -> IO[str]:
    """Hold the run directory for this supervisor: a second one would take over the first one's sockets."""
    run_dir = config.ensure_run_dir()
    lock = open(run_dir / "supervisor.pid", "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        owner = lock.read().strip() or "unknown"
        lock.close()
        raise Conflict(f"another supervisor (pid {owner}) already runs with run directory {run_dir}; "
                       "stop it or give another --run-dir") from None
    lock.truncate(0)
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock
