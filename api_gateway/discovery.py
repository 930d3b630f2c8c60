"""mDNS discovery: advertise `_http._tcp` on the gateway's port with TXT `robotModel=OT-2 Standard` (zeroconf)."""
from __future__ import annotations

import asyncio
import ipaddress
import socket

import ifaddr
import structlog
from zeroconf import ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from api_gateway.health_view import ROBOT_MODEL
from api_gateway.settings import GatewaySettings

log = structlog.get_logger("api_gateway.discovery")
SERVICE_TYPE = "_http._tcp.local."


def advertised_addresses(host: str) -> list[str]:
    """The IPv4 addresses to advertise: the bound one, or every non-loopback one when bound to all interfaces."""
    if host not in ("0.0.0.0", "::"):
        return [host] if ipaddress.ip_address(host).version == 4 else []
    found = {str(ip.ip) for adapter in ifaddr.get_adapters() for ip in adapter.ips if ip.is_IPv4}
    return sorted(a for a in found if not ipaddress.ip_address(a).is_loopback)


def service_info(name: str, addresses: list[str], port: int, hostname: str) -> ServiceInfo:
    """The DNS-SD record of the robot: instance `<name>._http._tcp.local.` on `<hostname>.local.`."""
    return ServiceInfo(SERVICE_TYPE, f"{name}.{SERVICE_TYPE}", port=port,
                       addresses=[socket.inet_aton(a) for a in addresses],
                       properties={"robotModel": ROBOT_MODEL}, server=f"{hostname}.local.")


class Advertiser:
    """Registers the robot on mDNS while the gateway runs; does nothing unless discovery is switched on.

    `addresses`, when given, are advertised (and multicast on) instead of the gateway host's: a robot reachable
    only on loopback is never advertised otherwise.
    """

    def __init__(self, settings: GatewaySettings, name: str, addresses: list[str] | None = None) -> None:
        self._settings = settings
        self._name = name
        self._addresses = addresses
        self._zeroconf: AsyncZeroconf | None = None
        self._info: ServiceInfo | None = None
        self._renaming: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def name(self) -> str:
        """The robot name the advertisement carries (or will carry once started)."""
        return self._name

    async def start(self) -> None:
        """Announce the robot (only with OT2_DISCOVERY=on and a non-loopback address, or explicit addresses)."""
        if self._addresses is None and not self._settings.advertise:
            log.info("discovery_off", discovery=self._settings.discovery, host=self._settings.host)
            return
        if self._addresses is None:
            self._addresses = advertised_addresses(self._settings.host)
        self._zeroconf = AsyncZeroconf(interfaces=self._addresses) if self._addresses else AsyncZeroconf()
        async with self._lock:
            await self._register()
        log.info("discovery_on", name=self._name, port=self._settings.port)

    def rename_soon(self, name: str) -> None:
        """Re-announce under `name` in the background (called when the update daemon announces a new name)."""
        previous = self._renaming
        self._renaming = asyncio.ensure_future(self.rename(name, previous))

    async def rename(self, name: str, after: asyncio.Future[None] | None = None) -> None:
        """Withdraw the old announcement and announce `name`, as the real robot re-advertises on a new name."""
        if after is not None:
            await asyncio.gather(after, return_exceptions=True)
        async with self._lock:
            if name == self._name:
                return
            self._name = name
            if self._zeroconf is None:
                return
            if self._info is not None:
                await self._zeroconf.async_unregister_service(self._info)
            await self._register()
        log.info("discovery_renamed", name=name)

    async def _register(self) -> None:
        assert self._zeroconf is not None
        self._info = service_info(self._name, self._addresses or [], self._settings.port,
                                  socket.gethostname().split(".")[0])
        # A name already taken on the network gets a suffix rather than failing the gateway.
        await self._zeroconf.async_register_service(self._info, allow_name_change=True)

    async def stop(self) -> None:
        """Withdraw the announcement."""
        if self._renaming is not None:
            await asyncio.gather(self._renaming, return_exceptions=True)
        if self._zeroconf is None:
            return
        if self._info is not None:
            await self._zeroconf.async_unregister_service(self._info)
        await self._zeroconf.async_close()
        self._zeroconf = None
