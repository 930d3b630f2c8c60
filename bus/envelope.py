"""The bus envelope: request, reply and event messages and their msgpack codec (see docs/bus.md)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import msgpack

from bus.errors import BadEnvelope, BusError, TooLarge, VersionMismatch, error_from_wire

VERSION = 1
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


@dataclass(slots=True)
class Request:
    """One request: `op` is `<service>.<verb>`; `deadline` is wall-clock seconds, or None."""

    id: str
    op: str
    args: dict[str, Any] = field(default_factory=dict)
    deadline: float | None = None

    @property
    def service(self) -> str:
        return self.op.split(".", 1)[0]

    def expired(self, now: float | None = None) -> bool:
        return self.deadline is not None and (now if now is not None else time.time()) > self.deadline


@dataclass(slots=True)
class Reply:
    """A decoded reply; `result()` returns the value or raises the typed error."""

    id: str
    ok: bool
    value: Any = None
    error: BusError | None = None

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


@dataclass(slots=True)
class Event:
    """A received event; `missed` counts events of this topic lost just before it."""

    topic: str
    seq: int
    ts: float
    source: str
    data: Any
    missed: int = 0
    restarted: bool = False


def new_packer() -> msgpack.Packer:
    """A reusable encoder for the `encode_*` functions: msgpack.packb builds one per call, which costs about as
    much as the encoding. Not thread-safe: one per socket owner, like the socket itself."""
    return msgpack.Packer(use_bin_type=True)


def _pack(obj: dict[str, Any], packer: msgpack.Packer | None = None) -> bytes:
    try:
        return (packer or new_packer()).pack(obj)
    except (TypeError, ValueError, OverflowError) as exc:
        raise BadEnvelope(f"cannot encode message: {exc}") from exc


def _unpack(raw: bytes, max_bytes: int) -> dict[str, Any]:
    if len(raw) > max_bytes:
        raise TooLarge(f"message of {len(raw)} bytes exceeds the limit of {max_bytes} bytes")
    try:
        obj = msgpack.unpackb(raw, raw=False, strict_map_key=False)
    except Exception as exc:  # msgpack raises many types for garbage; all mean the same here
        raise BadEnvelope(f"message is not valid msgpack: {type(exc).__name__}") from exc
    if not isinstance(obj, dict):
        raise BadEnvelope(f"envelope must be a map, got {type(obj).__name__}")
    if obj.get("v") != VERSION:
        raise VersionMismatch(f"envelope version {obj.get('v')!r} is not supported; this service speaks v={VERSION}",
                              {"supported": [VERSION]})
    return obj


def encode_request(req: Request, packer: msgpack.Packer | None = None) -> bytes:
    """Encode a request envelope `{v, id, op, args, deadline}`."""
    return _pack({"v": VERSION, "id": req.id, "op": req.op, "args": req.args, "deadline": req.deadline}, packer)


def decode_request(raw: bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> Request:
    """Decode and validate a request envelope; raise a typed BusError saying what is wrong."""
    obj = _unpack(raw, max_bytes)
    rid, op, args, deadline = obj.get("id"), obj.get("op"), obj.get("args", {}), obj.get("deadline")
    if not isinstance(rid, str) or not rid:
        raise BadEnvelope("request needs a non-empty string 'id'")
    if not isinstance(op, str) or "." not in op:
        raise BadEnvelope("request needs an 'op' string of the form '<service>.<verb>'", {"id": rid})
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise BadEnvelope(f"'args' must be a map, got {type(args).__name__}", {"id": rid})
    if deadline is not None and not isinstance(deadline, (int, float)):
        raise BadEnvelope("'deadline' must be a number of seconds since the epoch, or nil", {"id": rid})
    return Request(rid, op, args, deadline)


def peek_request_id(raw: bytes) -> str:
    """Best-effort id of an undecodable request, so its error reply can still be matched."""
    try:
        obj = msgpack.unpackb(raw, raw=False, strict_map_key=False)
    except Exception:
        return ""
    rid = obj.get("id") if isinstance(obj, dict) else None
    return rid if isinstance(rid, str) else ""


def encode_reply(rid: str, result: Any, packer: msgpack.Packer | None = None) -> bytes:
    """Encode a success reply `{v, id, ok: true, result}`."""
    return _pack({"v": VERSION, "id": rid, "ok": True, "result": result}, packer)


def encode_error(rid: str, error: BusError) -> bytes:
    """Encode an error reply `{v, id, ok: false, error: {code, message, details}}`."""
    try:
        return _pack({"v": VERSION, "id": rid, "ok": False, "error": error.to_wire()})
    except BadEnvelope:
        return _pack({"v": VERSION, "id": rid, "ok": False,
                      "error": {"code": error.code, "message": error.message, "details": {}}})


def decode_reply(raw: bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> Reply:
    """Decode a reply envelope into a Reply (raises BadEnvelope if it is not one)."""
    obj = _unpack(raw, max_bytes)
    rid = obj.get("id")
    if not isinstance(rid, str):
        raise BadEnvelope("reply needs a string 'id'")
    if obj.get("ok") is True:
        return Reply(rid, True, obj.get("result"))
    return Reply(rid, False, error=error_from_wire(obj.get("error")))


def encode_event(seq: int, source: str, data: Any, ts: float | None = None,
                 packer: msgpack.Packer | None = None) -> bytes:
    """Encode an event body `{v, seq, ts, source, data}`."""
    return _pack({"v": VERSION, "seq": seq, "ts": time.time() if ts is None else ts, "source": source, "data": data},
                 packer)


def decode_event(topic: bytes, body: bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> Event:
    """Decode the two frames of an event; raise BadEnvelope if they are not one."""
    obj = _unpack(body, max_bytes)
    seq, ts, source = obj.get("seq"), obj.get("ts"), obj.get("source")
    if not isinstance(seq, int) or not isinstance(ts, (int, float)) or not isinstance(source, str):
        raise BadEnvelope("event needs integer 'seq', numeric 'ts' and string 'source'")
    try:
        name = topic.decode()
    except UnicodeDecodeError as exc:
        raise BadEnvelope("event topic is not UTF-8") from exc
    return Event(name, seq, float(ts), source, obj.get("data"))
