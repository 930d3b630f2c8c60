"""A small bus service for the tests: echo, slow, failing and event-publishing ops (run as a real process)."""
from __future__ import annotations

import asyncio
import sys
from typing import Any

import zmq.asyncio

from bus import BusConfig, Conflict, configure_logging
from bus.service import ServiceHost

SERVICE = sys.argv[1] if len(sys.argv) > 1 else "motion"


class Demo:
    """State of the demo service: counters the tests read back."""

    def __init__(self, host: ServiceHost) -> None:
        self.host = host
        self.calls: dict[str, int] = {}
        for verb in ("echo", "slow", "fail", "crash", "count", "stall_first", "emit", "state"):
            host.server.register(f"{SERVICE}.{verb}", getattr(self, verb))

    def echo(self, args: dict[str, Any]) -> dict[str, Any]:
        return args

    async def slow(self, args: dict[str, Any]) -> str:
        await asyncio.sleep(float(args.get("seconds", 1.0)))
        return "slow done"

    def fail(self, args: dict[str, Any]) -> None:
        raise Conflict("the hardware lease is held by run-1", {"holder": "run-1"})

    def crash(self, args: dict[str, Any]) -> None:
        raise ValueError("boom")

    def count(self, args: dict[str, Any]) -> int:
        key = str(args.get("key", ""))
        self.calls[key] = self.calls.get(key, 0) + 1
        return self.calls[key]

    async def stall_first(self, args: dict[str, Any]) -> int:
        calls = self.count(args)
        if calls == 1:
            await asyncio.sleep(30)
        return calls

    def emit(self, args: dict[str, Any]) -> int:
        topic, n = str(args.get("topic", f"{SERVICE}.tick")), int(args.get("n", 1))
        for i in range(n):
            self.host.publisher.publish(topic, {"i": i})
        return n

    def state(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"calls": self.calls, "seq": self.host.publisher.seqs()}


async def main() -> None:
    configure_logging(SERVICE)
    host = ServiceHost(SERVICE, BusConfig.from_env(), zmq.asyncio.Context(), heartbeat_interval=0.2)
    Demo(host)
    host.bind()
    print("ready", flush=True)
    await host.run()


if __name__ == "__main__":
    asyncio.run(main())
