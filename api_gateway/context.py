"""What a route handler works with: the gateway's collaborators and one request's call helpers."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from aiohttp import web

from api_gateway.errors import ApiError, from_bus_error, invalid
from api_gateway.fresh_reads import FreshReads
from api_gateway.health_view import HealthCache
from api_gateway.mirror import BusMirror
from bus.follow import UpdateSettingsView
from api_gateway.names import RobotName
from api_gateway.notifications import NotificationHub
from api_gateway.settings import GatewaySettings
from bus import AsyncClient, BusError

if TYPE_CHECKING:
    from api_gateway.routes import Route

log = structlog.get_logger("api_gateway")
HOLDER = "gateway"


@dataclass
class Gateway:
    """The collaborators of one gateway app; it keeps no robot state of its own beyond the read-only mirror."""

    client: AsyncClient
    mirror: BusMirror
    hub: NotificationHub
    settings: GatewaySettings
    name: RobotName
    # The feature flags and name as the update daemon announces them (followed, never polled).
    update_view: UpdateSettingsView = field(default_factory=UpdateSettingsView)
    manual: asyncio.Lock = field(default_factory=asyncio.Lock)
    health: HealthCache = field(default_factory=HealthCache)
    reads: FreshReads = field(default_factory=FreshReads)


@dataclass
class Call:
    """One HTTP request being served by one route."""

    request: web.Request
    gateway: Gateway
    route: "Route"
    version: int | None

    async def bus(self, args: dict[str, Any] | None = None, *, op: str | None = None, slow: bool = False,
                  idempotent: bool = False, timeout: float | None = None) -> Any:
        """Call the route's bus op (or `op`) with a deadline; bus errors become the route's HTTP errors."""
        settings = self.gateway.settings
        op = op or self.route.op
        assert op is not None, f"{self.route.path} has no bus op"
        if timeout is None:
            timeout = settings.motion_timeout if slow else settings.call_timeout
        try:
            return await self.gateway.client.call(op, args or {}, timeout=timeout, idempotent=idempotent)
        except BusError as err:
            raise from_bus_error(err, busy_status=self.route.busy_status,
                                 invalid_status=self.route.invalid_status) from None

    async def read(self, args: dict[str, Any] | None = None) -> Any:
        """An idempotent read of the route's op, shared with identical reads in flight (see FreshReads)."""
        key = (self.route.op, tuple(sorted((args or {}).items())))
        return await self.gateway.reads.read(key, lambda: self.bus(args, idempotent=True))

    async def json_body(self) -> Any:
        """The request body as JSON; a missing or malformed body is the robot's 422."""
        raw = await self.request.read()
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser follows
            raise invalid("body: expected a JSON object", source={"pointer": "/"}) from None

    @asynccontextmanager
    async def manual_control(self) -> AsyncIterator[None]:
        """Hold the hardware lease as `gateway` for the body of the block; one manual motion at a time."""
        lock = self.gateway.manual
        try:
            await asyncio.wait_for(lock.acquire(), self.gateway.settings.motion_timeout)
        except asyncio.TimeoutError:
            raise ApiError(504, "another manual motion is still running; try again later") from None
        try:
            await self.bus({"holder": HOLDER}, op="motion.lease.acquire")
            try:
                yield
            finally:
                await asyncio.shield(self._release())
        finally:
            lock.release()

    async def _release(self) -> None:
        try:
            await self.gateway.client.call("motion.lease.release", {"holder": HOLDER},
                                           timeout=self.gateway.settings.call_timeout)
        except BusError as err:  # the lease also ends with our heartbeat; log and answer the request anyway
            log.warning("lease_release_failed", code=err.code, reason=err.message)


Handler = Callable[[Call], Awaitable[web.StreamResponse]]
OPENAPI_KEY: web.AppKey[dict[str, Any]] = web.AppKey("openapi", dict)
GATEWAY_KEY: web.AppKey[Gateway] = web.AppKey("gateway", Gateway)
