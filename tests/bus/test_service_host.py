"""ServiceHost: background work that finishes does not end the service; a failure does, and stop() does."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import zmq
import zmq.asyncio

from bus import AsyncClient, BusConfig
from bus.service import ServiceHost


def _host(run_dir: Path) -> ServiceHost:
    host = ServiceHost("motion", BusConfig(run_dir), zmq.asyncio.Context())
    host.server.register("motion.echo", lambda args: args)
    host.bind()
    return host


def test_finished_background_work_keeps_the_service_up(run_dir: Path) -> None:
    async def scenario() -> None:
        host = _host(run_dir)

        finished = asyncio.Event()

        async def finishes() -> None:
            finished.set()

        serving = asyncio.ensure_future(host.run(finishes()))
        client = AsyncClient(zmq.asyncio.Context(), host.config)
        await asyncio.wait_for(finished.wait(), 5)
        assert await client.call("motion.echo", {"up": True}) == {"up": True}
        host.stop()
        await asyncio.wait_for(serving, 5)
        client.close()
    asyncio.run(scenario())


def test_a_failing_background_task_ends_the_service(run_dir: Path) -> None:
    async def scenario() -> None:
        async def fails() -> None:
            raise RuntimeError("board exploded")
        with pytest.raises(RuntimeError, match="board exploded"):
            await asyncio.wait_for(_host(run_dir).run(fails()), 5)
    asyncio.run(scenario())
