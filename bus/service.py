"""The frame of a bus service: its request server, its publisher and its heartbeat, run until a stop signal."""
from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
import zmq.asyncio

from bus.endpoints import BusConfig
from bus.pubsub import HEARTBEAT_INTERVAL, Publisher, run_heartbeat
from bus.server import RequestServer

log = structlog.get_logger("bus.service")


class ServiceHost:
    """Holds one service's sockets; apps register their ops on `server` and publish through `publisher`."""

    def __init__(self, name: str, config: BusConfig, ctx: zmq.asyncio.Context, *,
                 heartbeat_interval: float = HEARTBEAT_INTERVAL,
                 status: Callable[[], dict[str, Any]] | None = None) -> None:
        self.name = name
        self.config = config
        self.ctx = ctx
        self.server = RequestServer(ctx, name, config.rpc(name))
        self.publisher = Publisher(ctx, name, config.pub(name))
        self.heartbeat_interval = heartbeat_interval
        self._status = status
        self._stopped = asyncio.Event()

    def bind(self) -> None:
        """Create the run directory if needed and bind both sockets."""
        if self.config.transport == "ipc":
            self.config.ensure_run_dir()
        self.server.bind()
        self.publisher.bind()

    async def run(self, *background: Awaitable[Any]) -> None:
        """Serve until `stop()` or SIGTERM/SIGINT; `background` coroutines run alongside and are cancelled at the end."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        tasks = [asyncio.ensure_future(c) for c in (
            self.server.serve(), run_heartbeat(self.publisher, self._status, self.heartbeat_interval), *background)]
        log.info("service_ready", rpc=self.server.endpoint, pub=self.publisher.endpoint, ops=len(self.server.ops))
        stop = asyncio.ensure_future(self._stopped.wait())
        try:
            await self._until_stopped_or_failed(stop, set(tasks))
        finally:
            for task in tasks + [stop]:
                task.cancel()
            await asyncio.gather(*tasks, stop, return_exceptions=True)
            self.publisher.close()
            log.info("service_stopped")

    @staticmethod
    async def _until_stopped_or_failed(stop: asyncio.Future[Any], running: set[asyncio.Future[Any]]) -> None:
        """Background work may finish (a connect step); only a stop request or a failure ends the service."""
        while True:
            done, _ = await asyncio.wait([stop, *running], return_when=asyncio.FIRST_COMPLETED)
            if stop in done:
                return
            for task in done:
                running.discard(task)
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]

    def stop(self) -> None:
        """Ask `run()` to finish."""
        self._stopped.set()
