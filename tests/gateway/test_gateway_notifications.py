"""The websocket of live events: topics, many clients, and a slow client dropped without slowing the others."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
from typing import Any

import aiohttp
import pytest
import zmq

from bus import BusConfig, Client
from conftest import Http
from tests.conftest import wait_until


def _service_alive(http: Http, service: str) -> bool:
    daemons = http.get("/health").body.get("daemons", {})
    return bool(daemons.get(service, {}).get("alive"))


@pytest.fixture
def events(start_gateway, stub, bus_env):
    """A gateway and a stub `analysis` service it hears; returns (http, emit(topic, n, size))."""
    stub("analysis")
    http = start_gateway()
    wait_until(lambda: _service_alive(http, "analysis"))
    ctx = zmq.Context()
    client = Client(ctx, BusConfig.from_env(bus_env), timeout=10)

    def emit(topic: str, n: int, size: int = 0) -> None:
        client.call("analysis.emit", {"topic": topic, "n": n, "size": size})
    yield http, emit
    client.close()
    ctx.term()


async def _collect(ws: aiohttp.ClientWebSocketResponse, count: int, topic: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    while len(got) < count:
        message = await ws.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.TEXT, f"after {len(got)} events: {message}"
        frame = json.loads(message.data)
        if frame["topic"] == topic:
            got.append(frame)
    return got


def test_events_reach_every_subscribed_client(events) -> None:
    http, emit = events

    async def scenario() -> None:
        base = f"ws://127.0.0.1:{http.port}/notifications/subscribe"
        async with aiohttp.ClientSession() as session:
            ticks = await session.ws_connect(f"{base}?topic=analysis.tick")
            both = await session.ws_connect(f"{base}?topic=analysis.other&topic=analysis.tick")
            await asyncio.get_running_loop().run_in_executor(None, emit, "analysis.tick", 5)
            await asyncio.get_running_loop().run_in_executor(None, emit, "analysis.other", 2)
            first = await _collect(ticks, 5, "analysis.tick")
            assert [f["event"]["data"]["i"] for f in first] == [0, 1, 2, 3, 4]
            assert first[0]["event"]["source"] == "analysis" and first[0]["event"]["seq"] == 1
            assert len(await _collect(both, 2, "analysis.other")) == 2
            await ticks.close()
            await both.close()
    asyncio.run(scenario())


def test_subscription_needs_a_topic(events) -> None:
    http, _ = events
    answer = http.get("/notifications/subscribe", version=None, headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()})
    assert answer.status == 422 and "topic" in answer.body["errors"][0]["detail"]
    plain = http.get("/notifications/subscribe?topic=motion.", version=None)
    assert plain.status == 400 and "websocket" in plain.body["errors"][0]["detail"]


def _stalled_client(port: int) -> socket.socket:
    """A websocket client that completes the handshake and then never reads."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /notifications/subscribe?topic=analysis. HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    return sock


def test_slow_client_is_dropped_and_others_get_everything(events) -> None:
    http, emit = events
    batches, count, size = 10, 200, 8000  # 16 MB in all: more than the stalled client's buffers and queue hold

    async def scenario() -> None:
        stalled = _stalled_client(http.port)
        loop = asyncio.get_running_loop()
        async with aiohttp.ClientSession() as session:
            fast = await session.ws_connect(f"ws://127.0.0.1:{http.port}/notifications/subscribe?topic=analysis.")
            for batch in range(batches):
                await loop.run_in_executor(None, emit, "analysis.flood", count, size)
                got = await _collect(fast, count, "analysis.flood")
                assert [f["event"]["data"]["i"] for f in got] == list(range(count)), batch
                assert all(f["event"]["missed"] == 0 for f in got)
            await fast.close()
        stalled.close()
    asyncio.run(scenario())
    http.proc.wait_for_line("ws_dropped_slow_client", timeout=10)
