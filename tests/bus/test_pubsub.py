"""Events across real processes: delivery, per-topic seq, loss detection, publisher restarts, late joiners."""
from __future__ import annotations

from collections.abc import Callable

import zmq

from bus import BusConfig, Client, Publisher, Subscriber
from bus.pubsub import GapTracker
from bus.envelope import Event
from tests.conftest import wait_until


def _collect(sub: Subscriber, count: int, timeout: float = 5.0) -> list:
    events = []
    while len(events) < count:
        event = sub.recv(timeout=timeout)
        assert event is not None, f"only {len(events)} of {count} events arrived"
        events.append(event)
    return events


def _subscribed(sub: Subscriber, client: Client, topic: str = "motion.probe") -> None:
    """Wait until the subscription is live (a SUB misses what is published before it has connected)."""
    def probe() -> bool:
        client.call("motion.emit", {"topic": topic, "n": 1})
        return sub.recv(timeout=0.1) is not None
    wait_until(probe, 10)


def test_events_arrive_in_order_with_per_topic_seq(demo: Callable, config: BusConfig, client: Client) -> None:
    demo()
    sub = Subscriber(zmq.Context(), [config.pub("motion")], ["motion.tick"])
    _subscribed(sub, client, "motion.tick")
    client.call("motion.emit", {"topic": "motion.other", "n": 5})
    client.call("motion.emit", {"topic": "motion.tick", "n": 3})
    events = _collect(sub, 3)
    assert [e.data["i"] for e in events] == [0, 1, 2]
    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]
    assert all(e.missed == 0 and e.source == "motion" for e in events)
    sub.close()


def test_lost_events_are_detected(run_dir) -> None:
    ctx = zmq.Context()
    config = BusConfig(run_dir)
    pub = Publisher(ctx, "motion", config.pub("motion"), hwm=5)
    pub.bind()
    sub = Subscriber(ctx, [config.pub("motion")], ["motion."])
    sub._socket.setsockopt(zmq.RCVHWM, 5)
    wait_until(lambda: pub.publish("motion.x", 0) and sub.recv(timeout=0.05), 10)
    for i in range(20000):  # far beyond both high-water marks while the subscriber is not reading
        pub.publish("motion.x", i)
    received = []
    while (event := sub.recv(timeout=0.5)) is not None:
        received.append(event)
    assert received and sum(e.missed for e in received) > 0
    assert all(a.seq < b.seq for a, b in zip(received, received[1:]))
    pub.close(), sub.close(), ctx.term()


def test_subscriber_keeps_receiving_across_a_publisher_restart(demo: Callable, config: BusConfig,
                                                              client: Client) -> None:
    first = demo()
    sub = Subscriber(zmq.Context(), [config.pub("motion")], ["motion.tick", "motion.probe"])
    _subscribed(sub, client)
    client.call("motion.emit", {"topic": "motion.tick", "n": 2})
    assert [e.seq for e in _collect(sub, 2)] == [1, 2]
    first.stop()
    demo()
    _subscribed(sub, client)
    client.call("motion.emit", {"topic": "motion.tick", "n": 1})
    event = _collect(sub, 1)[0]
    assert event.seq == 1 and event.restarted
    sub.close()


def test_late_joiner_skips_what_the_snapshot_covers() -> None:
    tracker = GapTracker()
    tracker.skip_through("motion", {"motion.position": 10})
    covered = Event("motion.position", 10, 0.0, "motion", {})
    newer = Event("motion.position", 11, 0.0, "motion", {})
    assert not tracker.accept(covered)
    assert tracker.accept(newer) and newer.missed == 0


def test_late_joiner_against_a_live_service(demo: Callable, config: BusConfig, client: Client) -> None:
    demo()
    client.call("motion.emit", {"topic": "motion.tick", "n": 4})
    sub = Subscriber(zmq.Context(), [config.pub("motion")], ["motion.tick", "motion.probe"])
    _subscribed(sub, client)
    snapshot = client.call("motion.state")
    sub.tracker.skip_through("motion", snapshot["seq"])
    client.call("motion.emit", {"topic": "motion.tick", "n": 1})
    events = []
    while (e := sub.recv(timeout=1)) is not None:
        events.append(e)
    ticks = [e for e in events if e.topic == "motion.tick"]
    assert [e.seq for e in ticks] == [5] and ticks[0].missed == 0
    sub.close()


def test_malformed_messages_from_a_publisher_are_dropped_and_later_events_still_arrive(tmp_path) -> None:
    from bus.envelope import encode_event
    ctx = zmq.Context()
    raw = ctx.socket(zmq.PUB)
    endpoint = f"ipc://{tmp_path}/pub"
    raw.bind(endpoint)
    sub = Subscriber(ctx, [endpoint], ["motion."])

    def good(seq: int) -> list[bytes]:
        return [b"motion.tick", encode_event(seq, "motion", {"i": seq})]
    try:
        def joined() -> bool:
            raw.send_multipart([b"motion.join", encode_event(1, "motion", None)])
            return sub.recv(timeout=0.1) is not None
        wait_until(joined, 10)
        malformed = [[b"motion.one-frame"], [b"motion.tick", b"\xc1 not msgpack"],
                     [b"motion.tick", b"\x00", b"extra"],
                     [b"motion.tick", b"\x00", b"motion.tick", b"more"], [b"motion.\xff", encode_event(91, "motion", {})]]
        for seq, junk in enumerate(malformed, start=1):
            raw.send_multipart(good(seq))
            raw.send_multipart(junk)
        raw.send_multipart(good(6))
        received = []
        while (event := sub.recv(timeout=1)) is not None:
            received.append(event)
        ticks = [e for e in received if e.topic == "motion.tick"]
        assert [e.seq for e in ticks] == [1, 2, 3, 4, 5, 6] and all(e.missed == 0 for e in ticks)
    finally:
        sub.close()
        raw.close(linger=0)
        ctx.term()
