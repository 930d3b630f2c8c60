"""The hardware lease: one holder may move the robot at a time; it dies with its holder's heartbeat or TTL."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bus import SERVICES, BadRequest, Conflict

DEFAULT_TTL_S = 30.0
HEARTBEAT_GRACE_S = 3.0


@dataclass(frozen=True)
class Holding:
    """Who holds the lease, since when (wall clock), and until when (monotonic) if it has a TTL."""

    holder: str
    since: float
    expires: float | None

    def as_dict(self) -> dict[str, object]:
        return {"holder": self.holder, "since": self.since}


def holder_service(holder: str) -> str | None:
    """The bus service a holder names (`runner:run-1` -> `runner`), or None for a holder with no heartbeat."""
    service = holder.split(":", 1)[0]
    return service if service in SERVICES else None


class HardwareLease:
    """One holder at a time. A holder that is a bus service keeps the lease while its heartbeat lasts; any other
    holder keeps it for a TTL, renewed by acquiring again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._holding: Holding | None = None
        self._beats: dict[str, float] = {}

    @property
    def holding(self) -> Holding | None:
        return self._holding

    def acquire(self, holder: str, ttl_s: float | None = None) -> Holding:
        """Take (or renew) the lease; Conflict naming the holder when someone else has it."""
        if not isinstance(holder, str) or not holder.strip():
            raise BadRequest("lease.acquire needs 'holder': a non-empty string naming who moves the robot")
        if ttl_s is not None and (not isinstance(ttl_s, (int, float)) or ttl_s <= 0):
            raise BadRequest(f"'ttl_s' must be a positive number of seconds, got {ttl_s!r}")
        self.check(holder)
        now = self._clock()
        if holder_service(holder) and ttl_s is None:
            self._beats.setdefault(holder_service(holder) or "", now)
            expires = None
        else:
            expires = now + (ttl_s or DEFAULT_TTL_S)
        since = self._holding.since if self._holding and self._holding.holder == holder else time.time()
        self._holding = Holding(holder, since, expires)
        return self._holding

    def release(self, holder: str) -> bool:
        """Give the lease back; False if `holder` did not hold it."""
        if self._holding is not None and self._holding.holder == holder:
            self._holding = None
            return True
        return False

    def check(self, holder: str | None) -> None:
        """Conflict unless the robot is free or held by `holder`."""
        self.expire()
        held = self._holding
        if held is not None and held.holder != holder:
            raise Conflict(f"the robot is in use by {held.holder}; it holds the hardware lease",
                           {"holder": held.holder, "since": held.since})

    def heartbeat(self, service: str) -> None:
        """Note a heartbeat of a bus service (keeps a lease it holds alive)."""
        self._beats[service] = self._clock()

    def expire(self) -> Holding | None:
        """End a lease whose TTL passed or whose holder's heartbeat stopped; returns the ended holding."""
        held, now = self._holding, self._clock()
        if held is None:
            return None
        service = holder_service(held.holder)
        if held.expires is not None:
            dead = now > held.expires
        else:
            dead = service is not None and now - self._beats.get(service, now) > HEARTBEAT_GRACE_S
        if dead:
            self._holding = None
            return held
        return None
