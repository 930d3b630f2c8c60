"""The robot name comes from the update daemon when it answers, and from the configured fallback otherwise."""
from __future__ import annotations

import asyncio

import zmq.asyncio

from api_gateway.names import RobotName
from bus import AsyncClient, BusConfig


def _refreshed(bus_env: dict[str, str]) -> str:
    async def once() -> str:
        ctx = zmq.asyncio.Context()
        client = AsyncClient(ctx, BusConfig.from_env(bus_env))
        name = RobotName(client, "opentrons-dev", timeout=2.0)
        try:
            await name.refresh()
            return name.current
        finally:
            client.close()
            ctx.term()
    return asyncio.run(once())


def test_fallback_while_update_is_down(bus_env) -> None:
    assert _refreshed(bus_env) == "opentrons-dev"


def test_name_from_the_update_daemon(stub, bus_env) -> None:
    stub("update", OT2_STUB_NAME="Ada Lovelace")
    assert _refreshed(bus_env) == "Ada Lovelace"


def test_blank_name_keeps_the_fallback(stub, bus_env) -> None:
    stub("update", OT2_STUB_NAME="   ")
    assert _refreshed(bus_env) == "opentrons-dev"
