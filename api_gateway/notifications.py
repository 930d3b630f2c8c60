"""Live events over websockets: bus events fanned out to many clients, each by its own bounded queue."""
from __future__ import annotations

import asyncio
import json
from typing import Any

import structlog
from aiohttp import web

from api_gateway.versioning import response_headers
from bus import Event

log = structlog.get_logger("api_gateway.notifications")
QUEUE_BOUND = 1024
SEND_TIMEOUT_S = 2.0
CLOSE_TIMEOUT_S = 1.0
MAX_TOPICS = 32
MAX_TOPIC_CHARS = 200


def event_frame(event: Event) -> str:
    """The JSON text frame for one bus event: `{topic, event}`."""
    body = {"seq": event.seq, "ts": event.ts, "source": event.source, "data": event.data,
            "missed": event.missed, "restarted": event.restarted}
    try:
        return json.dumps({"topic": event.topic, "event": body}, default=_plain)
    except (TypeError, ValueError):  # e.g. map keys JSON cannot carry: send the data as text rather than nothing
        return json.dumps({"topic": event.topic, "event": {**body, "data": repr(event.data)}})


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return repr(value)


class _Listener:
    """One websocket client: its topic prefixes and the queue its writer drains."""

    def __init__(self, ws: web.WebSocketResponse, prefixes: tuple[str, ...], bound: int) -> None:
        self.ws = ws
        self.prefixes = prefixes
        self.queue: asyncio.Queue[str] = asyncio.Queue(bound)
        self.dropped = asyncio.Event()

    def wants(self, topic: str) -> bool:
        return any(topic.startswith(prefix) for prefix in self.prefixes)


class NotificationHub:
    """Fans bus events out to websocket listeners; a listener that falls behind is dropped, never waited for."""

    def __init__(self, *, bound: int = QUEUE_BOUND, send_timeout: float = SEND_TIMEOUT_S) -> None:
        self._listeners: set[_Listener] = set()
        self._bound = bound
        self._send_timeout = send_timeout
        self.dropped_total = 0

    @property
    def count(self) -> int:
        """How many clients are connected."""
        return len(self._listeners)

    def publish(self, event: Event) -> None:
        """Queue `event` for every listener whose prefixes match; never blocks."""
        frame: str | None = None
        for listener in list(self._listeners):
            if not listener.wants(event.topic):
                continue
            frame = frame or event_frame(event)
            try:
                listener.queue.put_nowait(frame)
            except asyncio.QueueFull:
                self._drop(listener, "queue_full")

    async def serve(self, request: web.Request, prefixes: tuple[str, ...]) -> web.WebSocketResponse:
        """Run one websocket client until it leaves or is dropped."""
        ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=4096, timeout=CLOSE_TIMEOUT_S)
        ws.headers.update(response_headers(None))
        listener = _Listener(ws, prefixes, self._bound)
        # Listening starts before the handshake is answered: an event sent once the client is connected is seen.
        self._listeners.add(listener)
        writer: asyncio.Future[None] | None = None
        try:
            await ws.prepare(request)
            log.info("ws_open", topics=list(prefixes), clients=self.count)
            writer = asyncio.ensure_future(self._write(listener))
            await self._read_until_closed(listener)
        finally:
            if writer is not None:
                writer.cancel()
            self._listeners.discard(listener)
            if ws.prepared:
                await self._close(ws, request)
            log.info("ws_closed", clients=self.count)
        return ws

    @staticmethod
    async def _close(ws: web.WebSocketResponse, request: web.Request) -> None:
        # A client that reads nothing may never take the close frame: give up on it after a bound.
        try:
            await asyncio.wait_for(ws.close(), CLOSE_TIMEOUT_S)
        except (asyncio.TimeoutError, ConnectionError):
            if request.transport is not None:
                request.transport.abort()

    async def close_all(self) -> None:
        """Close every client (on shutdown)."""
        for listener in list(self._listeners):
            await listener.ws.close(code=1001, message=b"server shutting down")

    async def _read_until_closed(self, listener: _Listener) -> None:
        # Clients only listen; reading is how a close or a dead peer is noticed. A drop ends the wait at once.
        reader = asyncio.ensure_future(self._drain_incoming(listener.ws))
        dropped = asyncio.ensure_future(listener.dropped.wait())
        await asyncio.wait([reader, dropped], return_when=asyncio.FIRST_COMPLETED)
        reader.cancel()
        dropped.cancel()

    @staticmethod
    async def _drain_incoming(ws: web.WebSocketResponse) -> None:
        async for _message in ws:
            pass

    async def _write(self, listener: _Listener) -> None:
        while True:
            frame = await listener.queue.get()
            try:
                await asyncio.wait_for(listener.ws.send_str(frame), self._send_timeout)
            except asyncio.TimeoutError:
                self._drop(listener, "send_timeout")
                return
            except (ConnectionError, RuntimeError):
                listener.dropped.set()
                return

    def _drop(self, listener: _Listener, reason: str) -> None:
        if listener in self._listeners:
            self._listeners.discard(listener)
            self.dropped_total += 1
            log.warning("ws_dropped_slow_client", reason=reason, clients=self.count)
        listener.dropped.set()


def topic_prefixes(values: list[str]) -> tuple[str, ...]:
    """Validate the `topic` query values of a subscription; raise ValueError saying what is expected."""
    if not values:
        raise ValueError("at least one 'topic' query parameter is required, e.g. ?topic=motion.&topic=run.")
    if len(values) > MAX_TOPICS:
        raise ValueError(f"{len(values)} topics given; at most {MAX_TOPICS} are allowed")
    for value in values:
        if len(value) > MAX_TOPIC_CHARS or not value.isprintable():
            raise ValueError(f"topic {value[:40]!r} is not valid; expected a dotted prefix of printable "
                             f"characters, at most {MAX_TOPIC_CHARS} long")
    return tuple(values)
