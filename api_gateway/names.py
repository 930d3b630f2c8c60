"""The robot's name: owned by the update daemon (`update.name`), refreshed in the background, with a fallback."""
from __future__ import annotations

import asyncio

import structlog

from bus import AsyncClient, BusError

log = structlog.get_logger("api_gateway.names")


class RobotName:
    """The last name the update daemon gave, or the configured fallback while it is unavailable."""

    def __init__(self, client: AsyncClient, fallback: str, *, refresh_s: float = 30.0, timeout: float = 1.0) -> None:
        self.fallback = fallback
        self._known: str | None = None
        self._client = client
        self._refresh_s = refresh_s
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
            if name != self._known:
                log.info("robot_name", name=name)
            self._known = name
        else:
            log.warning("robot_name_malformed", got=repr(result)[:80])

    async def keep_fresh(self) -> None:
        """Refresh every `refresh_s` seconds until cancelled."""
        while True:
            await self.refresh()
            await asyncio.sleep(self._refresh_s)
