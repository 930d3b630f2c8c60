"""Fuzz the request server with random bytes, random msgpack and random frames: it keeps serving."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import msgpack
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bus import BusConfig, Client
from bus.client import new_dealer
from tests.conftest import wait_until

msgpack_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.floats() | st.text(max_size=20)
    | st.binary(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
envelope_like = st.fixed_dictionaries({}, optional={
    "v": st.sampled_from([1, 2, "1", None]), "id": st.text(max_size=8) | st.integers(-2**63, 2**64 - 1),
    "op": st.sampled_from(["motion.echo", "motion", "", "motion.nope", "x.y"]) | st.text(max_size=10),
    "args": msgpack_values, "deadline": st.none() | st.floats() | st.text(max_size=4)})


@pytest.fixture
def live(demo: Callable, config: BusConfig) -> Iterator[tuple[zmq.Socket, Client]]:
    demo()
    ctx = zmq.Context()
    raw = new_dealer(ctx, config.rpc("motion"))
    wait_until(lambda: raw.poll(10, zmq.POLLOUT), 5)
    client = Client(ctx, config, timeout=5)
    yield raw, client
    raw.close(0)
    client.close()
    ctx.term()


def _send_and_drain(raw: zmq.Socket, frames: list[bytes]) -> None:
    raw.send_multipart(frames)
    while raw.poll(5):
        raw.recv_multipart()


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.lists(st.binary(max_size=64), min_size=1, max_size=3))
def test_random_frames(live: tuple[zmq.Socket, Client], frames: list[bytes]) -> None:
    raw, client = live
    _send_and_drain(raw, frames)
    assert client.call("motion.echo", {"alive": True}) == {"alive": True}


@FUZZ
@given(msgpack_values | envelope_like)
def test_random_msgpack(live: tuple[zmq.Socket, Client], value: object) -> None:
    raw, client = live
    _send_and_drain(raw, [msgpack.packb(value, use_bin_type=True)])
    assert client.call("motion.echo", {"alive": True}) == {"alive": True}
