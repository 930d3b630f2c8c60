"""The asyncio request client: many calls in flight on one socket, each reply routed to its future by id."""
from __future__ import annotations

import asyncio
import time
from typing import Any

import zmq
import zmq.asyncio

from bus.client import (DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, RequestIds, attempt_budgets, new_dealer,
                        timed_out, unavailable)
from bus.endpoints import BusConfig, service_of
from bus.envelope import Reply, Request, decode_reply, encode_request, new_packer
from bus.errors import BadEnvelope


class _Channel:
    """One DEALER socket, the task reading its replies, and the futures waiting on them."""

    def __init__(self, ctx: zmq.asyncio.Context, endpoint: str) -> None:
        self.socket = new_dealer(ctx, endpoint)  # type: ignore[arg-type]
        self.pending: dict[str, asyncio.Future[Reply]] = {}
        self.retired = False
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            raw = await self.socket.recv()
            try:
                reply = decode_reply(raw)
            except BadEnvelope:
                continue
            future = self.pending.get(reply.id)
            if future is not None and not future.done():
                future.set_result(reply)

    def forget(self, rid: str) -> None:
        self.pending.pop(rid, None)
        if self.retired and not self.pending:
            self.close()

    def close(self) -> None:
        self.reader.cancel()
        self.socket.close(linger=0)
        for future in self.pending.values():
            future.cancel()
        self.pending.clear()


class AsyncClient:
    """A client for asyncio code. After a timeout the channel is replaced (Lazy Pirate); calls still waiting on
    the old one keep it until they finish, so one slow call never cancels the others."""

    def __init__(self, ctx: zmq.asyncio.Context, config: BusConfig, *, timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        self.config = config
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._ctx = ctx
        self._ids = RequestIds()
        self._packer = new_packer()
        self._channels: dict[str, _Channel] = {}

    async def call(self, op: str, args: dict[str, Any] | None = None, *, timeout: float | None = None,
                   idempotent: bool = False) -> Any:
        """Send `op` and return its result; raise the typed BusError of an error reply, or BusTimeout."""
        timeout = self.timeout if timeout is None else timeout
        service = service_of(op)
        budgets = attempt_budgets(timeout, idempotent)
        for budget in budgets:
            req = Request(self._ids.next(), op, args or {}, time.time() + budget)
            reply = await self._try_once(service, req, budget)
            if reply is not None:
                return reply.result()
            self._retire(service)
        raise timed_out(op, timeout, len(budgets))

    def close(self) -> None:
        """Close every channel; calls still waiting are cancelled."""
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()

    async def _try_once(self, service: str, req: Request, budget: float) -> Reply | None:
        channel = self._channel(service)
        if not await channel.socket.poll(int(min(budget, self.connect_timeout) * 1000), zmq.POLLOUT):
            raise unavailable(req.op, self.config.rpc(service))
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        channel.pending[req.id] = future
        try:
            # Never a blocking send: with IMMEDIATE, a server that went away between the poll and here would hold
            # an awaited send past every deadline.
            await channel.socket.send(encode_request(req, self._packer), zmq.NOBLOCK)
            return await asyncio.wait_for(future, budget)
        except zmq.Again:
            raise unavailable(req.op, self.config.rpc(service)) from None
        except asyncio.TimeoutError:
            return None
        finally:
            channel.forget(req.id)

    def _channel(self, service: str) -> _Channel:
        channel = self._channels.get(service)
        if channel is None:
            channel = self._channels[service] = _Channel(self._ctx, self.config.rpc(service))
        return channel

    def _retire(self, service: str) -> None:
        channel = self._channels.pop(service, None)
        if channel is not None:
            channel.retired = True
            if not channel.pending:
                channel.close()
