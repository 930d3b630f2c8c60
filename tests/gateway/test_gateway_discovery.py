"""The mDNS advertisement follows the robot name: a real zeroconf browser on loopback sees the old name go and the
new one come."""
from __future__ import annotations

import asyncio
from collections.abc import Callable

from zeroconf import ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf

from api_gateway.discovery import SERVICE_TYPE, Advertiser
from api_gateway.settings import GatewaySettings

LOOPBACK = "127.0.0.1"


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)
    await asyncio.wait_for(poll(), timeout)


def test_a_new_name_is_announced_and_the_old_one_withdrawn() -> None:
    async def scenario() -> list[tuple[str, ServiceStateChange]]:
        seen: list[tuple[str, ServiceStateChange]] = []

        def heard(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
            seen.append((name, state_change))
        settings = GatewaySettings(host=LOOPBACK, port=31950, discovery=True)
        advertiser = Advertiser(settings, "Ada", addresses=[LOOPBACK])
        listener = AsyncZeroconf(interfaces=[LOOPBACK])
        browser = AsyncServiceBrowser(listener.zeroconf, SERVICE_TYPE, handlers=[heard])
        try:
            await advertiser.start()
            await _until(lambda: (f"Ada.{SERVICE_TYPE}", ServiceStateChange.Added) in seen)
            advertiser.rename_soon("Grace")
            await _until(lambda: (f"Grace.{SERVICE_TYPE}", ServiceStateChange.Added) in seen)
            await _until(lambda: (f"Ada.{SERVICE_TYPE}", ServiceStateChange.Removed) in seen)
            assert advertiser.name == "Grace"
        finally:
            await advertiser.stop()
            await browser.async_cancel()
            await listener.async_close()
        return seen
    seen = asyncio.run(scenario())
    assert seen.index((f"Ada.{SERVICE_TYPE}", ServiceStateChange.Added)) < seen.index(
        (f"Grace.{SERVICE_TYPE}", ServiceStateChange.Added))


def test_without_discovery_nothing_is_announced_and_a_rename_only_remembers_the_name() -> None:
    async def scenario() -> str:
        advertiser = Advertiser(GatewaySettings(host=LOOPBACK, port=31950, discovery=True), "Ada")
        await advertiser.start()  # loopback only: nothing to announce on
        await advertiser.rename("Grace")
        await advertiser.stop()
        return advertiser.name
    assert asyncio.run(scenario()) == "Grace"
