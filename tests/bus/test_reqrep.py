"""Request/reply across real processes, over ipc and tcp: results, errors, concurrency, timeouts, retries."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import msgpack
import pytest
import zmq
import zmq.asyncio

from bus import (AsyncClient, BusConfig, BusTimeout, Client, Conflict, InternalError, Unavailable, UnknownOp,
                 VersionMismatch)
from bus.client import new_dealer
from bus.envelope import decode_reply
from tests.conftest import wait_until


def test_result_and_typed_errors(demo: Callable, client: Client) -> None:
    demo()
    assert client.call("motion.echo", {"x": 1.5, "axes": ["x", "y"]}) == {"x": 1.5, "axes": ["x", "y"]}
    with pytest.raises(Conflict, match="held by run-1") as caught:
        client.call("motion.fail")
    assert caught.value.details == {"holder": "run-1"}
    with pytest.raises(UnknownOp, match="motion.echo"):
        client.call("motion.teleport")


def test_a_crashing_handler_is_an_error_reply_and_the_server_keeps_serving(demo: Callable, client: Client) -> None:
    demo()
    with pytest.raises(InternalError, match="ValueError: boom"):
        client.call("motion.crash")
    assert client.call("motion.echo", {"still": "here"}) == {"still": "here"}


def test_a_slow_handler_does_not_block_a_fast_one(demo: Callable, config: BusConfig) -> None:
    demo()

    async def scenario() -> None:
        client = AsyncClient(zmq.asyncio.Context(), config, timeout=10)
        slow = asyncio.ensure_future(client.call("motion.slow", {"seconds": 3}))
        fast = await client.call("motion.echo", {"n": 1})
        assert fast == {"n": 1} and not slow.done()
        assert await slow == "slow done"
        client.close()
    asyncio.run(scenario())


def test_down_service_is_unavailable_not_a_timeout(config: BusConfig, client: Client) -> None:
    with pytest.raises(Unavailable, match="not reachable"):
        client.call("motion.echo", timeout=10)


def test_timeout_then_socket_rebuilt_and_stale_reply_ignored(demo: Callable, client: Client) -> None:
    demo()
    with pytest.raises(BusTimeout, match="within 0.3 s"):
        client.call("motion.slow", {"seconds": 1}, timeout=0.3)
    assert client.call("motion.echo", {"after": "timeout"}) == {"after": "timeout"}


def test_client_survives_a_server_restart(demo: Callable, client: Client) -> None:
    server = demo()
    assert client.call("motion.count", {"key": "a"}) == 1
    server.stop()
    with pytest.raises((Unavailable, BusTimeout)):
        client.call("motion.count", {"key": "a"}, timeout=0.5)
    demo()
    assert client.call("motion.count", {"key": "a"}) == 1  # a fresh process counts from one


def test_only_idempotent_calls_are_retried(demo: Callable, client: Client) -> None:
    demo()
    assert client.call("motion.stall_first", {"key": "read"}, timeout=3, idempotent=True) == 2
    with pytest.raises(BusTimeout):
        client.call("motion.stall_first", {"key": "move"}, timeout=1)
    assert client.call("motion.state")["calls"]["move"] == 1


def test_async_client_timeout_keeps_other_calls_alive(demo: Callable, config: BusConfig) -> None:
    demo()

    async def scenario() -> None:
        client = AsyncClient(zmq.asyncio.Context(), config)
        slow = asyncio.ensure_future(client.call("motion.slow", {"seconds": 1.5}, timeout=5))
        with pytest.raises(BusTimeout):
            await client.call("motion.slow", {"seconds": 3}, timeout=0.3)
        assert await slow == "slow done"
        assert await client.call("motion.echo", {"ok": 1}) == {"ok": 1}
        client.close()
    asyncio.run(scenario())


def _raw_call(config: BusConfig, frame: bytes) -> object:
    ctx = zmq.Context()
    sock = new_dealer(ctx, config.rpc("motion"))
    try:
        wait_until(lambda: sock.poll(10, zmq.POLLOUT), 5)
        sock.send(frame)
        assert sock.poll(5000), "no reply to a bad request"
        return decode_reply(sock.recv())
    finally:
        sock.close(0)
        ctx.term()


def test_wrong_version_and_expired_deadline_get_error_replies(demo: Callable, config: BusConfig) -> None:
    demo()
    reply = _raw_call(config, msgpack.packb({"v": 2, "id": "r1", "op": "motion.echo", "args": {}}))
    assert reply.id == "r1" and isinstance(reply.error, VersionMismatch)
    late = msgpack.packb({"v": 1, "id": "r2", "op": "motion.echo", "args": {}, "deadline": time.time() - 5})
    reply = _raw_call(config, late)
    assert reply.id == "r2" and isinstance(reply.error, BusTimeout)
