"""The follower asks for a snapshot at start, on a gap, on a publisher restart and when a heartbeat returns."""
from __future__ import annotations

import asyncio

from bus.envelope import Event
from bus.follow import ABSENT_S, Follower, UpdateSettingsView
from bus.pubsub import GapTracker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _event(topic: str, seq: int, data: object = None, **marks: object) -> Event:
    event = Event(topic, seq, 0.0, "update", data)
    for name, value in marks.items():
        setattr(event, name, value)
    return event


def _snapshot_arrived(follower: Follower) -> None:
    """What keep_synced does once the snapshot it asked for is in."""
    follower._resync.clear()
    follower.synced.set()


def test_events_apply_once_synced_and_any_gap_or_return_asks_again() -> None:
    async def scenario() -> list[str]:
        view, clock = UpdateSettingsView(), Clock()
        heard: list[str] = []
        view.on_name(heard.append)
        follower = Follower(None, GapTracker(), "update", view.apply_state, view.apply_event, clock=clock)  # type: ignore[arg-type]
        follower.apply(_event("update.name", 1, {"name": "early"}))
        assert follower.wants_snapshot and heard == []  # no snapshot yet: the event is not applied
        _snapshot_arrived(follower)
        follower.apply(_event("update.heartbeat", 1, {}))
        assert follower.wants_snapshot  # the first heartbeat ever: the service may have changed since
        _snapshot_arrived(follower)
        follower.apply(_event("update.name", 2, {"name": "Ada"}))
        assert heard == ["Ada"]
        follower.apply(_event("update.name", 4, {"name": "Grace"}, missed=1))
        assert follower.wants_snapshot and heard == ["Ada"]
        _snapshot_arrived(follower)
        follower.apply(_event("update.settings", 1, {"settings": {}}, restarted=True))
        assert follower.wants_snapshot
        _snapshot_arrived(follower)
        clock.now += 0.5
        follower.apply(_event("update.heartbeat", 2, {}))
        assert not follower.wants_snapshot  # beats in a row: nothing to do
        clock.now += ABSENT_S + 1
        follower.apply(_event("update.heartbeat", 3, {}))
        assert follower.wants_snapshot  # back after a silence
        return heard
    assert asyncio.run(scenario()) == ["Ada"]


def test_malformed_values_are_ignored() -> None:
    view = UpdateSettingsView()
    flags: list[dict[str, bool]] = []
    view.on_flags(flags.append)
    view.apply_state({"settings": {"shortFixedTrash": True, "bad": "yes"}, "name": "   "})
    view.apply_state({"settings": "nonsense", "name": 5})
    assert flags == [{"shortFixedTrash": True}] and view.name is None


def test_a_failed_snapshot_is_asked_again_at_the_next_heartbeat() -> None:
    async def scenario() -> None:
        clock = Clock()
        follower = Follower(None, GapTracker(), "update", lambda state: None, lambda event: None,  # type: ignore[arg-type]
                            clock=clock)
        follower.apply(_event("update.heartbeat", 1, {}))
        follower._resync.clear()  # keep_synced took the request, and its call failed: still not synced
        clock.now += 0.5
        follower.apply(_event("update.heartbeat", 2, {}))
        assert follower.wants_snapshot and follower._resync.is_set()
    asyncio.run(scenario())
