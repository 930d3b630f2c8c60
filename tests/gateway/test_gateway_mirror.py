"""The bus mirror: heartbeats make services alive, events update the motion snapshot, gaps ask for a new one."""
from __future__ import annotations

import zmq.asyncio

from api_gateway.mirror import BusMirror
from bus import AsyncClient, BusConfig, Event, GapTracker


class Clock:
    """A settable clock: heartbeat ages are about time, and a test sets time instead of waiting for it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _mirror(run_dir, clock: Clock) -> BusMirror:
    client = AsyncClient(zmq.asyncio.Context(), BusConfig(run_dir))
    return BusMirror(client, GapTracker(), clock=clock)


def _event(topic: str, data: object, seq: int = 1, missed: int = 0, restarted: bool = False) -> Event:
    return Event(topic, seq, 0.0, topic.split(".")[0], data, missed, restarted)


def test_heartbeats_make_a_service_alive_until_they_stop(run_dir) -> None:
    clock = Clock()
    mirror = _mirror(run_dir, clock)
    assert not mirror.alive("update")
    mirror.apply(_event("update.heartbeat", {"interval_s": 0.5}))
    assert mirror.alive("update") and mirror.readiness()["update"] == {"alive": True, "ready": True}
    clock.now += 1.6
    assert not mirror.alive("update")


def test_motion_events_update_the_installed_snapshot(run_dir) -> None:
    mirror = _mirror(run_dir, Clock())
    mirror._install({"state": "idle", "ready": True, "position": {"x": 1}, "seq": {"motion.position": 4}})
    mirror.apply(_event("motion.heartbeat", {"interval_s": 0.5}))
    assert mirror.motion_ready()
    mirror.apply(_event("motion.position", {"position": {"x": 2}, "moving": True}, seq=5))
    assert mirror.motion["position"] == {"x": 2}
    mirror.apply(_event("motion.state", {"state": "halted", "ready": False, "reason": "alarm"}, seq=1))
    assert not mirror.motion_ready()
    assert mirror.readiness()["motion"]["reason"] == "alarm"


def test_gap_or_restart_asks_for_a_snapshot(run_dir) -> None:
    mirror = _mirror(run_dir, Clock())
    mirror._install({"state": "idle", "ready": True, "seq": {}})
    mirror._resync.clear()
    mirror.apply(_event("motion.position", {"position": {}}, seq=9, missed=3))
    assert mirror._resync.is_set()
    mirror._resync.clear()
    mirror.apply(_event("motion.state", {"ready": True}, restarted=True))
    assert mirror._resync.is_set()

