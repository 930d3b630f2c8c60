"""The arbiter: owns every watcher and one-off, ticks them, feeds them heartbeats, publishes their changes."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import structlog
import zmq.asyncio

from bus import AsyncSubscriber, BusConfig, NotFound, Publisher, heartbeat_topic
from supervisor.oneoff import OneOffs
from supervisor.osproc import ProcessOS
from supervisor.table import ProcessSpec
from supervisor.watcher import State, Watcher

TICK = 0.05  # how often exits are reaped and timers checked: the floor of restart latency, negligible CPU
log = structlog.get_logger("supervisor")
LineSink = Callable[[str, str], None]


class Arbiter:
    """Every child of the supervisor; all state changes are published as `supervisor.process.<name>` events."""

    def __init__(self, table: Iterable[ProcessSpec], os_: ProcessOS, publisher: Publisher, env: dict[str, str],
                 on_line: LineSink, *, tick: float = TICK) -> None:
        self.tick_interval = tick
        self.shutting_down = False
        self._publisher = publisher
        self._waiters: list[tuple[set[State], str, asyncio.Future[None]]] = []
        self.watchers = {spec.name: Watcher(spec, os_, env, self._changed, _tagged(on_line, spec.name))
                         for spec in table}
        self.oneoffs = OneOffs(os_, env, self._oneoff_event, lambda ident: _tagged(on_line, ident))

    def watcher(self, name: str) -> Watcher:
        """The watcher of `name`, or NotFound naming the daemons there are."""
        try:
            return self.watchers[name]
        except KeyError:
            raise NotFound(f"no daemon named {name!r}; daemons: {', '.join(self.watchers) or 'none'}",
                           {"name": name, "daemons": list(self.watchers)}) from None

    def start_all(self) -> None:
        """Start every daemon in table order."""
        for watcher in self.watchers.values():
            watcher.start()

    def tick(self) -> None:
        """Reap and advance every child once."""
        for watcher in self.watchers.values():
            watcher.tick()
        self.oneoffs.tick()

    async def watch(self) -> None:
        """Tick until cancelled."""
        while True:
            if not self.shutting_down:  # from then on `shutdown` ticks only the child it is stopping
                self.tick()
            await asyncio.sleep(self.tick_interval)

    async def listen(self, ctx: zmq.asyncio.Context, config: BusConfig) -> None:
        """Feed heartbeats of the watched daemons to their watchers until cancelled."""
        names = [name for name, w in self.watchers.items() if w.spec.heartbeat]
        if not names:
            await asyncio.Future()  # nothing to listen to; returning would end the service
        sub = AsyncSubscriber(ctx, [config.pub(n) for n in names], [heartbeat_topic(n) for n in names])
        try:
            while True:
                event = await sub.recv()
                watcher = self.watchers.get(event.source)
                if watcher is not None and event.topic == heartbeat_topic(event.source) \
                        and isinstance(event.data, dict):
                    watcher.heartbeat(event.data.get("pid"))
        finally:
            sub.close()

    async def wait_for(self, name: str, states: set[State], timeout: float) -> bool:
        """Whether daemon `name` is (or reaches) one of `states` within `timeout` seconds."""
        if self.watcher(name).state in states:
            return True
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (states, name, future)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)

    async def shutdown(self, oneoff_grace: float = 3.0) -> None:
        """Stop one-offs, then every daemon in reverse start order, each killed after its grace period."""
        self.shutting_down = True
        self.oneoffs.stop_all(oneoff_grace)
        await self._until(lambda: not self.oneoffs.running(), self.oneoffs.tick)
        for watcher in reversed(self.watchers.values()):
            watcher.stop()
            await self._until(lambda: watcher.state in (State.STOPPED, State.FATAL), watcher.tick)
        log.info("all_stopped")

    def all_stopped(self) -> bool:
        """Whether no child process is left: every daemon stopped or fatal, every one-off ended."""
        return not self.oneoffs.running() and all(
            w.state in (State.STOPPED, State.FATAL) for w in self.watchers.values())

    def health(self) -> str:
        """`ok` when every daemon runs, `degraded` when only optional ones do not, `failed` when a critical one."""
        down = [w for w in self.watchers.values() if w.state is not State.RUNNING]
        if any(w.spec.critical for w in down):
            return "failed"
        return "degraded" if down else "ok"

    def status(self) -> dict[str, Any]:
        """Every daemon and one-off, and the overall health."""
        return {"health": self.health(),
                "processes": {name: w.snapshot() for name, w in self.watchers.items()},
                "spawns": self.oneoffs.snapshot()}

    async def _until(self, done: Callable[[], bool], step: Callable[[], None]) -> None:
        while not done():
            step()
            if not done():
                await asyncio.sleep(self.tick_interval)

    def _changed(self, watcher: Watcher) -> None:
        snap = watcher.snapshot()
        log.info("process_state", process=watcher.spec.name, state=snap["state"], pid=snap["pid"],
                 restarts=snap["restarts"], last_exit=(snap["last_exit"] or {}).get("reason"))
        self._publish(f"supervisor.process.{watcher.spec.name}", snap)
        for states, name, future in list(self._waiters):
            if name == watcher.spec.name and watcher.state in states and not future.done():
                future.set_result(None)

    def _oneoff_event(self, snap: dict[str, Any]) -> None:
        log.info("spawn_state", spawn=snap["id"], state=snap["state"], pid=snap["pid"], reason=snap["reason"])
        self._publish(f"supervisor.spawn.{snap['id']}", snap)

    def _publish(self, topic: str, data: dict[str, Any]) -> None:
        try:
            self._publisher.publish(topic, data)
        except RuntimeError:
            pass  # the service's sockets are closed while the last children stop; the log still has it


def _tagged(on_line: LineSink, name: str) -> Callable[[str], None]:
    return lambda line: on_line(name, line)
