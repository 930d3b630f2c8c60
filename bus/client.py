"""Request clients (sync and asyncio): a deadline on every call, Lazy Pirate rebuilds, retries only when idempotent."""
from __future__ import annotations

import itertools
import os
import time
from typing import Any

import zmq

from bus.endpoints import BusConfig, service_of
from bus.envelope import MAX_MESSAGE_BYTES, Request, decode_reply, encode_request, new_packer
from bus.errors import BadEnvelope, BusTimeout, Unavailable

DEFAULT_TIMEOUT = 5.0
DEFAULT_CONNECT_TIMEOUT = 0.5
IDEMPOTENT_RETRIES = 2


def new_dealer(ctx: zmq.Context, endpoint: str) -> zmq.Socket:
    """A DEALER that queues nothing for an absent server (so a stale request is never delivered late)."""
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.IMMEDIATE, 1)
    sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES * 4)
    sock.connect(endpoint)
    return sock


def wait_for(sock: zmq.Socket, event: int, timeout: float) -> bool:
    """Whether `sock` becomes ready for `event` within `timeout` seconds (low-level poll: pyzmq's Socket.poll()
    builds a Poller per call, which costs more than a local round trip)."""
    return bool(zmq.zmq_poll([(sock, event)], max(1, int(timeout * 1000))))


class RequestIds:
    """Unique request ids for one client: a per-process tag and a counter (cheaper than a UUID per call)."""

    def __init__(self) -> None:
        self._tag = f"{os.getpid():x}-{os.urandom(3).hex()}"
        self._count = itertools.count(1)

    def next(self) -> str:
        return f"{self._tag}-{next(self._count)}"


def attempt_budgets(timeout: float, idempotent: bool) -> list[float]:
    """Split one call's deadline over its tries: one try, or 1 + IDEMPOTENT_RETRIES for idempotent ops."""
    tries = 1 + IDEMPOTENT_RETRIES if idempotent else 1
    return [timeout / tries] * tries


def unavailable(op: str, endpoint: str) -> Unavailable:
    return Unavailable(f"{service_of(op)} is not reachable at {endpoint} (is it running?)",
                       {"service": service_of(op), "endpoint": endpoint})


def timed_out(op: str, timeout: float, tries: int) -> BusTimeout:
    return BusTimeout(f"{op} got no reply within {timeout:g} s ({tries} tr{'y' if tries == 1 else 'ies'})",
                      {"op": op, "timeout": timeout})


class Client:
    """A blocking client for any service; one socket per service, rebuilt after every timeout (Lazy Pirate)."""

    def __init__(self, ctx: zmq.Context, config: BusConfig, *, timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        self.config = config
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._ctx = ctx
        self._ids = RequestIds()
        self._packer = new_packer()
        self._sockets: dict[str, zmq.Socket] = {}

    def call(self, op: str, args: dict[str, Any] | None = None, *, timeout: float | None = None,
             idempotent: bool = False) -> Any:
        """Send `op` and return its result; raise the typed BusError of an error reply, or BusTimeout.

        Only a call marked idempotent is sent again after a try times out: a move is never resent blindly.
        """
        timeout = self.timeout if timeout is None else timeout
        service = service_of(op)
        budgets = attempt_budgets(timeout, idempotent)
        for budget in budgets:
            req = Request(self._ids.next(), op, args or {}, time.time() + budget)
            reply = self._try_once(service, req, budget)
            if reply is not None:
                return reply.result()
            self._rebuild(service)
        raise timed_out(op, timeout, len(budgets))

    def close(self) -> None:
        """Close every socket this client opened."""
        for sock in self._sockets.values():
            sock.close(linger=0)
        self._sockets.clear()

    def _try_once(self, service: str, req: Request, budget: float) -> Any:
        sock = self._socket(service)
        end = time.monotonic() + budget
        payload = encode_request(req, self._packer)
        try:
            sock.send(payload, zmq.NOBLOCK)
        except zmq.Again:  # with IMMEDIATE, a send fails while no server is connected: give it a moment
            if not wait_for(sock, zmq.POLLOUT, min(budget, self.connect_timeout)):
                raise unavailable(req.op, self.config.rpc(service)) from None
            sock.send(payload, zmq.NOBLOCK)
        while (left := end - time.monotonic()) > 0:
            if not wait_for(sock, zmq.POLLIN, left):
                break
            try:
                reply = decode_reply(sock.recv(zmq.NOBLOCK))
            except (zmq.Again, BadEnvelope):
                continue  # a garbled reply cannot be matched to this request; wait for the real one
            if reply.id == req.id:
                return reply
        return None

    def _socket(self, service: str) -> zmq.Socket:
        sock = self._sockets.get(service)
        if sock is None:
            sock = self._sockets[service] = new_dealer(self._ctx, self.config.rpc(service))
        return sock

    def _rebuild(self, service: str) -> None:
        sock = self._sockets.pop(service, None)
        if sock is not None:
            sock.close(linger=0)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
