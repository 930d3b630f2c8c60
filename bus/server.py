"""The asyncio request server: a ROUTER socket dispatching `<service>.<verb>` ops to registered handlers."""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
import zmq
import zmq.asyncio

from bus.envelope import (MAX_MESSAGE_BYTES, Request, decode_request, encode_error, encode_reply, new_packer,
                          peek_request_id)
from bus.frames import NOBLOCK, POLLIN, recv_frames, send_frames
from bus.errors import BadEnvelope, BusError, BusTimeout, InternalError, UnknownOp

Handler = Callable[[dict[str, Any]], Any]
log = structlog.get_logger("bus.server")


class RequestServer:
    """Serves requests on one endpoint; each handler is registered on this instance.

    A plain function handler is called inline (for cheap answers that never block); a coroutine function runs
    as its own task, so a slow handler never holds up a fast one. A handler returns the result, or raises a
    BusError subclass for an error reply; any other exception becomes an `internal` error and is logged.
    """

    def __init__(self, ctx: zmq.asyncio.Context, service: str, endpoint: str, *,
                 max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.service = service
        self.endpoint = endpoint
        self.max_bytes = max_bytes
        self._ctx = ctx
        self._handlers: dict[str, Handler] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._socket: zmq.asyncio.Socket | None = None
        self._sync: zmq.Socket | None = None
        self._wake: Callable[[], object] = lambda: None
        self._packer = new_packer()

    def register(self, op: str, handler: Handler) -> None:
        """Serve `op` (which must belong to this service) with `handler(args) -> result`."""
        if not op.startswith(self.service + "."):
            raise ValueError(f"op {op!r} does not belong to service {self.service!r}")
        self._handlers[op] = handler

    @property
    def ops(self) -> list[str]:
        """The ops this server answers, sorted."""
        return sorted(self._handlers)

    def bind(self) -> None:
        """Bind the ROUTER socket; a far oversized message is dropped by ZeroMQ before it reaches memory."""
        sock = self._ctx.socket(zmq.ROUTER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.MAXMSGSIZE, self.max_bytes * 4)
        sock.setsockopt(zmq.ROUTER_MANDATORY, 0)
        sock.bind(self.endpoint)
        self._socket = sock
        # A synchronous view of the same socket: replies and draining never need the event loop's round trip.
        self._sync = zmq.Socket.shadow(sock.underlying)

    async def serve(self) -> None:
        """Receive and dispatch requests until cancelled; binds first if `bind()` was not called."""
        if self._socket is None:
            self.bind()
        sock = self._sync
        assert sock is not None
        loop = asyncio.get_running_loop()
        # Reading straight from the socket when its descriptor signals costs far less than an awaited future per
        # message. ZeroMQ's descriptor is edge-triggered, so every wake-up (and every reply sent) drains fully.
        self._wake = lambda: loop.call_soon(self._drain)
        loop.add_reader(sock.getsockopt(zmq.FD), self._drain)
        try:
            self._drain()
            await asyncio.Future()
        finally:
            loop.remove_reader(sock.getsockopt(zmq.FD))
            for task in list(self._tasks):
                task.cancel()
            sock.close(linger=0)
            self._socket = self._sync = None

    def _drain(self) -> None:
        # Reading while a zero-timeout poll says input is waiting both empties the queue and re-arms the
        # edge-triggered descriptor (the poll reads ZMQ_EVENTS; it costs less than getsockopt from Python, and far
        # less than the exception of a read that finds nothing).
        sock = self._sync
        while sock is not None and zmq.zmq_poll([(sock, POLLIN)], 0):
            try:
                frames = recv_frames(sock, NOBLOCK)
            except zmq.Again:
                return
            self._dispatch(sock, frames)

    def _dispatch(self, sock: zmq.Socket, frames: list[bytes]) -> None:
        route, raw = frames[:-1], frames[-1]
        if not route:
            return  # ROUTER always prepends an identity; nothing to answer without one
        try:
            req = decode_request(raw, self.max_bytes)
            handler = self._handler_for(req)
        except BusError as err:
            log.warning("request_refused", service=self.service, code=err.code, reason=err.message)
            self._send(sock, route, encode_error(peek_request_id(raw), err))
            return
        self._run(sock, route, req, handler)

    def _handler_for(self, req: Request) -> Handler:
        handler = self._handlers.get(req.op)
        if handler is None:
            raise UnknownOp(f"{self.service} has no op {req.op!r}; it serves: {', '.join(self.ops)}",
                            {"id": req.id, "ops": self.ops})
        if req.expired():
            raise BusTimeout(f"the deadline of {req.op} passed before it was handled", {"id": req.id})
        return handler

    def _run(self, sock: zmq.Socket, route: list[bytes], req: Request, handler: Handler) -> None:
        try:
            outcome = handler(req.args)
        except Exception as exc:  # a handler's failure is a reply, never a crash of the server
            self._send(sock, route, self._error_reply(req, exc))
            return
        if inspect.isawaitable(outcome):
            task = asyncio.ensure_future(self._finish(sock, route, req, outcome))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._send(sock, route, self._ok_reply(req, outcome))

    async def _finish(self, sock: zmq.Socket, route: list[bytes], req: Request,
                      outcome: Awaitable[Any]) -> None:
        try:
            reply = self._ok_reply(req, await outcome)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reply = self._error_reply(req, exc)
        self._send(sock, route, reply)
        self._wake()  # the send may have consumed the descriptor's edge while requests wait

    def _ok_reply(self, req: Request, result: Any) -> bytes:
        try:
            return encode_reply(req.id, result, self._packer)
        except BadEnvelope as exc:
            return self._error_reply(req, InternalError(f"{req.op} returned a value that cannot be sent: {exc}"))

    def _error_reply(self, req: Request, exc: Exception) -> bytes:
        if isinstance(exc, BusError):
            log.info("request_failed", op=req.op, id=req.id, code=exc.code, reason=exc.message)
            return encode_error(req.id, exc)
        log.exception("handler_crashed", op=req.op, id=req.id, exc_info=exc)
        return encode_error(req.id, InternalError(f"{req.op} failed: {type(exc).__name__}: {exc}"))

    @staticmethod
    def _send(sock: zmq.Socket, route: list[bytes], payload: bytes) -> None:
        try:
            # A ROUTER send never blocks; ZeroMQ drops the reply of a peer that has gone away.
            send_frames(sock, [*route, payload], NOBLOCK)
        except zmq.ZMQError as exc:
            log.warning("reply_dropped", reason=str(exc))
