"""The robot's name: owned by the update daemon (`update.name`), followed from its events, with a fallback."""
from __future__ import annotations

import structlog

from bus import AsyncClient, BusError

log = structlog.get_logger("api_gateway.names")


class RobotName:
    """The last name the update daemon gave, or the configured fallback while it is unavailable."""

    def __init__(self, client: AsyncClient, fallback: str, *, timeout: float = 1.0) -> None:
        self.fallback = fallback
        self._known: str | None = None
        self._client = client
        self._timeout = timeout

    @property
    def current(self) -> str:
        """The name to show now; never waits."""
        return self._known or self.fallback

    async def refresh(self) -> None:
        """Ask the update daemon once; keep the previous name when it does not answer well."""
        try:
            result = await self._client.call("update.name", timeout=self._timeout, idempotent=True)
        except BusError as err:
            log.debug("robot_name_unavailable", code=err.code)
            return
        name = result.get("name") if isinstance(result, dict) else None
        if isinstance(name, str) and name.strip():
            self.learn(name)
        else:
            log.warning("robot_name_malformed", got=repr(result)[:80])

    def learn(self, name: str) -> None:
        """Take the name the update daemon announced (its `update.name` event, or its state)."""
        self._known = name
