"""The gateway process: the HTTP server, the bus service `gateway` (heartbeats) and the event pump, run together."""
from __future__ import annotations

import asyncio
from typing import Any

import structlog
import zmq.asyncio
from aiohttp import web

from api_gateway.app import create_app
from api_gateway.context import Gateway
from api_gateway.discovery import Advertiser
from api_gateway.mirror import BusMirror
from api_gateway.names import RobotName
from api_gateway.notifications import NotificationHub
from api_gateway.settings import GatewaySettings
from bus import SERVICES, AsyncClient, AsyncSubscriber, BusConfig
from bus.follow import Follower
from bus.loop import run as run_loop
from bus.service import ServiceHost

log = structlog.get_logger("api_gateway")
SERVICE = "gateway"


async def pump(subscriber: AsyncSubscriber, mirror: BusMirror, hub: NotificationHub, update: Follower) -> None:
    """Feed every bus event to the mirror, the update follower and the websocket clients, until cancelled."""
    while True:
        event = await subscriber.recv()
        try:
            mirror.apply(event)
            update.apply(event)
            hub.publish(event)
        except Exception:  # one odd event must not stop the gateway hearing the bus
            log.exception("event_not_handled", topic=event.topic, source=event.source)
        # A burst of queued events would otherwise be read without a pause and starve the websocket writers.
        await asyncio.sleep(0)


def build(settings: GatewaySettings, config: BusConfig, ctx: zmq.asyncio.Context) -> tuple[Gateway, AsyncSubscriber]:
    """The gateway's collaborators and the subscriber that feeds them."""
    client = AsyncClient(ctx, config, timeout=settings.call_timeout)
    subscriber = AsyncSubscriber(ctx, [config.pub(s) for s in SERVICES if s != SERVICE])
    gateway = Gateway(client=client, mirror=BusMirror(client, subscriber.tracker), hub=NotificationHub(),
                      settings=settings, name=RobotName(client, settings.robot_name))
    gateway.update_view.on_name(gateway.name.learn)
    return gateway, subscriber


async def serve(settings: GatewaySettings, config: BusConfig) -> None:
    """Run the gateway until SIGTERM/SIGINT."""
    ctx = zmq.asyncio.Context()
    gateway, subscriber = build(settings, config, ctx)
    host = ServiceHost(SERVICE, config, ctx, status=lambda: _status(gateway))
    runner = web.AppRunner(create_app(gateway), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    listening = [f"http://{a[0]}:{a[1]}" for a in runner.addresses]
    # Like every daemon, the gateway answers `<service>.state` on the bus, once its HTTP side listens.
    host.server.register(f"{SERVICE}.state", lambda args: {**_status(gateway), "http": listening})
    host.bind()
    print(f"api_gateway listening on {' '.join(listening)}", flush=True)
    log.info("http_listening", urls=listening)
    advertiser = Advertiser(settings, gateway.name.current)
    gateway.update_view.on_name(advertiser.rename_soon)
    follower = gateway.update_view.follower(gateway.client, subscriber.tracker)
    try:
        await advertiser.start()
        await host.run(pump(subscriber, gateway.mirror, gateway.hub, follower), gateway.mirror.keep_synced(),
                       follower.keep_synced())
    finally:
        await advertiser.stop()
        await runner.cleanup()
        subscriber.close()
        gateway.client.close()
        ctx.term()


def _status(gateway: Gateway) -> dict[str, Any]:
    return {"ready": True, "motion_ready": gateway.mirror.motion_ready(), "ws_clients": gateway.hub.count,
            "name": gateway.name.current, "settings": dict(gateway.update_view.flags)}


def run(settings: GatewaySettings, config: BusConfig) -> None:
    """Blocking entry point for the main."""
    run_loop(serve(settings, config))
