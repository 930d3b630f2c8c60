"""The envelope codec and the error catalogue: round trips and every kind of bad message."""
from __future__ import annotations

import msgpack
import pytest

from bus import envelope as env
from bus.errors import (BadEnvelope, BusError, Conflict, ErrorCode, MEANING, TooLarge, VersionMismatch,
                        error_from_wire)


def test_request_round_trip() -> None:
    req = env.Request("a-1", "motion.move", {"x": 100.5, "axes": ["x"]}, 1234.5)
    assert env.decode_request(env.encode_request(req)) == req


def test_reply_round_trip_and_typed_error() -> None:
    assert env.decode_reply(env.encode_reply("a-1", {"x": 1})).result() == {"x": 1}
    reply = env.decode_reply(env.encode_error("a-2", Conflict("lease held by run-1", {"holder": "run-1"})))
    with pytest.raises(Conflict) as caught:
        reply.result()
    assert caught.value.code == "conflict" and caught.value.details == {"holder": "run-1"}


def test_event_round_trip() -> None:
    event = env.decode_event(b"motion.position", env.encode_event(7, "motion", {"x": 1.0}, ts=10.0))
    assert (event.topic, event.seq, event.ts, event.source, event.data) == ("motion.position", 7, 10.0, "motion",
                                                                           {"x": 1.0})


@pytest.mark.parametrize("raw, error, words", [
    (b"\xc1garbage", BadEnvelope, "not valid msgpack"),
    (msgpack.packb([1, 2]), BadEnvelope, "must be a map"),
    (msgpack.packb({"v": 99, "id": "x", "op": "motion.home"}), VersionMismatch, "v=1"),
    (msgpack.packb({"v": 1, "op": "motion.home"}), BadEnvelope, "'id'"),
    (msgpack.packb({"v": 1, "id": "x", "op": "home"}), BadEnvelope, "<service>.<verb>"),
    (msgpack.packb({"v": 1, "id": "x", "op": "motion.home", "args": [1]}), BadEnvelope, "'args' must be a map"),
    (msgpack.packb({"v": 1, "id": "x", "op": "motion.home", "deadline": "soon"}), BadEnvelope, "'deadline'"),
])
def test_bad_requests_say_what_is_wrong(raw: bytes, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        env.decode_request(raw)


def test_oversized_message_is_refused() -> None:
    raw = env.encode_request(env.Request("x", "motion.echo", {"blob": b"\0" * 2000}))
    with pytest.raises(TooLarge, match="exceeds the limit of 1000"):
        env.decode_request(raw, max_bytes=1000)


def test_peek_finds_the_id_of_an_invalid_request() -> None:
    assert env.peek_request_id(msgpack.packb({"v": 5, "id": "r-9"})) == "r-9"
    assert env.peek_request_id(b"\xc1") == ""


def test_every_code_has_a_meaning_and_a_class() -> None:
    for code in ErrorCode:
        assert MEANING[code]
        err = error_from_wire({"code": code.value, "message": "m"})
        assert err.code == code.value and isinstance(err, BusError)


def test_unknown_and_malformed_errors_are_kept_readable() -> None:
    assert error_from_wire({"code": "brand_new", "message": "m"}).code == "brand_new"
    assert error_from_wire("nonsense").code == "internal"
