"""The `runner` bus service: serves pause/play/stop/state for the one run and publishes its events."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import structlog

from bus import AsyncSubscriber, BusError, Conflict
from bus.service import ServiceHost
from run_daemon.motion_watch import motion_lost
from run_daemon.run import ProtocolRun

log = structlog.get_logger("runner.service")
STOP_HALT_REASON = "run stopped"
SHUTDOWN_HALT_REASON = "run stopped: the runner was asked to shut down"
# Time for subscribers to receive the final status before the publisher closes.
FINAL_EVENT_GRACE_S = 0.2
# Time an abandoned run's worker gets to notice by itself (a failed call) before the process ends.
ABANDON_GRACE_S = 1.0
EXIT_ABANDONED = 1


class RunnerService:
    """Binds the run to the bus: ops on the loop, the run itself in a worker thread."""

    def __init__(self, host: ServiceHost, run: ProtocolRun, motion_events: AsyncSubscriber,
                 exit_now: Callable[[int], None]) -> None:
        self.host = host
        self.run = run
        self._motion_events = motion_events
        self._exit_now = exit_now
        self._loop: asyncio.AbstractEventLoop | None = None
        for verb in ("state", "pause", "play", "stop"):
            host.server.register(f"runner.{verb}", getattr(self, "op_" + verb))

    def notify(self, kind: str, data: dict[str, Any]) -> None:
        """Publish `run.<id>.<kind>` from any thread (the publisher is used only on the loop)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._publish, f"run.{self.run.run_id}.{kind}", data)

    def _publish(self, topic: str, data: dict[str, Any]) -> None:
        if self.host.publisher.bound:  # after a shutdown signal the socket is closed; the journal has it all
            self.host.publisher.publish(topic, data)

    async def serve(self) -> str:
        """Run the protocol while serving the bus; a SIGTERM stops the run safely. Return the final status."""
        self._loop = asyncio.get_running_loop()
        work = self._loop.run_in_executor(None, self.run.execute)
        await self.host.run(self._end_after(work), self._abandon_if_motion_lost(work))
        if not work.done():
            await self._stop_for_shutdown()
        status = await work
        log.info("run_ended", run_id=self.run.run_id, status=status, completed=self.run.completed)
        return status

    async def _end_after(self, work: "asyncio.Future[str]") -> None:
        await asyncio.shield(work)
        await asyncio.sleep(FINAL_EVENT_GRACE_S)
        self.host.stop()

    async def _abandon_if_motion_lost(self, work: "asyncio.Future[str]") -> None:
        reason = await motion_lost(self._motion_events)
        if not self.run.abandon(reason):
            return
        await asyncio.get_running_loop().run_in_executor(None, self.run.journal.flush)
        try:
            await asyncio.wait_for(asyncio.shield(work), ABANDON_GRACE_S)
        except asyncio.TimeoutError:
            # The worker waits on a reply that will never come (its daemon is gone) and a thread cannot be
            # cancelled: the failure is on disk, so end the process; the supervisor reports the exit.
            log.error("runner_exit_abandoned", run_id=self.run.run_id)
            self._exit_now(EXIT_ABANDONED)

    async def _stop_for_shutdown(self) -> None:
        with contextlib.suppress(Conflict):
            self.run.request_stop()
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.run.backend.halt, SHUTDOWN_HALT_REASON)
        except BusError as exc:  # the motion daemon is gone too: nothing moves, the run still ends
            log.warning("halt_failed", run_id=self.run.run_id, error=str(exc))

    def op_state(self, args: dict[str, Any]) -> dict[str, Any]:
        return {**self.run.view(), "seq": self.host.publisher.seqs()}

    def op_pause(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.run.pause()

    def op_play(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.run.play()

    async def op_stop(self, args: dict[str, Any]) -> dict[str, Any]:
        self.run.request_stop()
        # The halt is a blocking bus call (at most 1 s): keep the loop free for other requests meanwhile.
        await asyncio.get_running_loop().run_in_executor(None, self.run.backend.halt, STOP_HALT_REASON)
        return self.run.view()
