"""Noticing, from its heartbeat, that the motion daemon was lost mid-run (restarted, or silent past its hang limit)."""
from __future__ import annotations

import asyncio

from bus import AsyncSubscriber, Event

TOPIC = "motion.heartbeat"
# The supervisor kills a daemon silent for 3 s as hung; a little more than that means it is gone.
SILENCE_S = 3.5


async def motion_lost(subscriber: AsyncSubscriber, silence_s: float = SILENCE_S) -> str:
    """Wait until the motion daemon is lost and return why: its heartbeat came from a new process, or stopped.

    Either way its positions, homing and lease are gone, so a run cannot go on. Before the first heartbeat
    nothing is judged: a motion daemon that is not there at all fails the run's first command by itself."""
    pid = _pid(await subscriber.recv())
    while True:
        try:
            beat = await asyncio.wait_for(subscriber.recv(), silence_s)
        except asyncio.TimeoutError:
            return f"the motion daemon (pid {pid}) stopped sending heartbeats for {silence_s:g} s"
        if _pid(beat) != pid:
            return f"the motion daemon restarted (pid {pid}, now {_pid(beat)}); the robot's position " \
                   "and homing were lost with it"


def _pid(beat: Event) -> object:
    return beat.data.get("pid") if isinstance(beat.data, dict) else None
