"""Events: a publisher with per-topic sequence numbers, heartbeats, and subscribers that detect lost events."""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import zmq
import zmq.asyncio

from bus.envelope import MAX_MESSAGE_BYTES, Event, decode_event, encode_event, new_packer
from bus.errors import BadEnvelope
from bus.frames import recv_event_frames, send_frames

DEFAULT_HWM = 100_000
HEARTBEAT_INTERVAL = 0.5


def heartbeat_topic(service: str) -> str:
    """The topic a service's heartbeats are published on."""
    return f"{service}.heartbeat"


class Publisher:
    """Publishes `[topic, {v, seq, ts, source, data}]`; `seq` rises per topic, so any prefix filter sees gaps."""

    def __init__(self, ctx: zmq.Context | zmq.asyncio.Context, source: str, endpoint: str, *,
                 hwm: int = DEFAULT_HWM) -> None:
        self.source = source
        self.endpoint = endpoint
        self._hwm = hwm
        # Publishing never blocks (PUB drops at the high-water mark), so a plain socket serves asyncio apps too.
        # The shadow does not own the context: keep the original referenced so it is not collected.
        self._owner = ctx
        self._ctx = ctx if type(ctx) is zmq.Context else zmq.Context.shadow(ctx.underlying)
        self._socket: zmq.Socket | None = None
        self._seqs: dict[str, int] = {}
        self._packer = new_packer()

    def bind(self) -> None:
        """Bind the PUB socket."""
        sock = self._ctx.socket(zmq.PUB)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.SNDHWM, self._hwm)
        sock.bind(self.endpoint)
        self._socket = sock

    @property
    def bound(self) -> bool:
        """Whether the socket is bound (publish() is allowed)."""
        return self._socket is not None

    def publish(self, topic: str, data: Any) -> int:
        """Publish one event and return its sequence number within its topic."""
        if self._socket is None:
            raise RuntimeError("Publisher.publish() before bind()")
        seq = self._seqs.get(topic, 0) + 1
        self._seqs[topic] = seq
        send_frames(self._socket, (topic.encode(), encode_event(seq, self.source, data, packer=self._packer)),
                    zmq.NOBLOCK)
        return seq

    def seqs(self) -> dict[str, int]:
        """The last sequence number of every topic, for a snapshot that late joiners can line up with."""
        return dict(self._seqs)

    def close(self) -> None:
        """Close the socket."""
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None


async def run_heartbeat(publisher: Publisher, status: Callable[[], dict[str, Any]] | None = None,
                        interval: float = HEARTBEAT_INTERVAL) -> None:
    """Publish `<source>.heartbeat` every `interval` seconds until cancelled; a hung loop stops the beat."""
    started = time.monotonic()
    topic = heartbeat_topic(publisher.source)
    while True:
        beat = {"pid": os.getpid(), "uptime_s": round(time.monotonic() - started, 3), "interval_s": interval}
        if status is not None:
            beat.update(status())
        publisher.publish(topic, beat)
        await asyncio.sleep(interval)


class GapTracker:
    """Remembers the last `seq` per (source, topic) and marks each event with what was missed before it.

    ZeroMQ keeps one publisher's events in order, so a `seq` at or below the last one means the publisher
    restarted, unless a snapshot already covers it (see `skip_through`).
    """

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], int] = {}
        self._covered: dict[tuple[str, str], int] = {}

    def accept(self, event: Event) -> bool:
        """Annotate `event` with `missed`/`restarted`; False means a snapshot already covers it (drop it)."""
        key = (event.source, event.topic)
        covered = self._covered.pop(key, None)
        if covered is not None and event.seq <= covered:
            self._covered[key] = covered
            return False
        last = self._last.get(key)
        if last is not None and event.seq <= last:
            event.restarted = True
            event.missed = event.seq - 1
        elif last is not None:
            event.missed = event.seq - last - 1
        self._last[key] = event.seq
        return True

    def skip_through(self, source: str, seqs: dict[str, int]) -> None:
        """Treat events up to these seqs as seen: a snapshot covers them (the late-joiner pattern)."""
        for topic, seq in seqs.items():
            self._covered[(source, topic)] = seq
            self._last[(source, topic)] = seq


def _new_sub(ctx: Any, endpoints: Iterable[str], prefixes: Iterable[str]) -> Any:
    sock = ctx.socket(zmq.SUB)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVHWM, DEFAULT_HWM)
    sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    for prefix in list(prefixes) or [""]:
        sock.setsockopt(zmq.SUBSCRIBE, prefix.encode())
    for endpoint in endpoints:
        sock.connect(endpoint)
    return sock


def _decode(frames: list[bytes] | tuple[bytes, bytes] | None, tracker: GapTracker) -> Event | None:
    if frames is None or len(frames) != 2:
        return None
    try:
        event = decode_event(frames[0], frames[1])
    except BadEnvelope:
        return None
    return event if tracker.accept(event) else None


class Subscriber:
    """A blocking subscriber to topic prefixes on one or more publishers (all topics when none given)."""

    def __init__(self, ctx: zmq.Context, endpoints: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        self.tracker = GapTracker()
        self._socket = _new_sub(ctx, endpoints, prefixes)

    def recv(self, timeout: float | None = None) -> Event | None:
        """The next valid event, or None when `timeout` seconds pass without one."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                frames = recv_event_frames(self._socket, zmq.NOBLOCK)
            except zmq.Again:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return None
                zmq.zmq_poll([(self._socket, zmq.POLLIN)], -1 if left is None else max(1, int(left * 1000)))
                continue
            event = _decode(frames, self.tracker)
            if event is not None:
                return event

    def close(self) -> None:
        """Close the socket."""
        self._socket.close(linger=0)


class AsyncSubscriber:
    """An asyncio subscriber; the same filtering and gap detection as Subscriber."""

    def __init__(self, ctx: zmq.asyncio.Context, endpoints: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        self.tracker = GapTracker()
        self._socket = _new_sub(ctx, endpoints, prefixes)

    async def recv(self) -> Event:
        """Wait for the next valid event."""
        while True:
            event = _decode(await self._socket.recv_multipart(), self.tracker)
            if event is not None:
                return event

    def close(self) -> None:
        """Close the socket."""
        self._socket.close(linger=0)
