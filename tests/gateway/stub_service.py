"""A stand-in bus service for gateway tests: publishes events on request, and answers motion reads slowly."""
from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import zmq.asyncio

from bus import BusConfig, configure_logging
from bus.service import ServiceHost

SERVICE = sys.argv[1] if len(sys.argv) > 1 else "analysis"
DELAY = float(os.environ.get("OT2_STUB_DELAY", "0"))


class Stub:
    """`<service>.emit {topic, n, size}` publishes n events; as `motion`, `motion.engaged` waits DELAY s first;
    as `update`, `update.name` answers OT2_STUB_NAME."""

    def __init__(self, host: ServiceHost) -> None:
        self.host = host
        host.server.register(f"{SERVICE}.emit", self.emit)
        if SERVICE == "motion":
            host.server.register("motion.engaged", self.engaged)
        if SERVICE == "update":
            host.server.register("update.name", lambda args: {"name": os.environ.get("OT2_STUB_NAME", "")})

    def emit(self, args: dict[str, Any]) -> int:
        topic, n, size = str(args.get("topic", f"{SERVICE}.tick")), int(args.get("n", 1)), int(args.get("size", 0))
        for i in range(n):
            self.host.publisher.publish(topic, {"i": i, "pad": "x" * size})
        return n

    async def engaged(self, args: dict[str, Any]) -> dict[str, bool]:
        await asyncio.sleep(DELAY)
        return dict.fromkeys("xyzabc", True)


async def main() -> None:
    configure_logging(SERVICE)
    host = ServiceHost(SERVICE, BusConfig.from_env(), zmq.asyncio.Context(), heartbeat_interval=0.2)
    Stub(host)
    host.bind()
    await host.run()


if __name__ == "__main__":
    asyncio.run(main())
