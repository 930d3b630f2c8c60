"""The `motion` bus service: serves the driver's motion over the bus, publishes position and state events."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import structlog

from bus import (SERVICES, AsyncClient, AsyncSubscriber, BadRequest, BusError, Conflict, ControllerUnavailable,
                 heartbeat_topic)
from bus.follow import Follower, UpdateSettingsView
from bus.service import ServiceHost
from motion_daemon.driver.axes import AXES
from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.errors import MotionError
from motion_daemon.driver.state import DriverState, MotionSnapshot
from motion_daemon.firmware.updater import FirmwarePlan, FirmwareUpdater
from motion_daemon.lease import HardwareLease
from motion_daemon.translate import (PipetteSpecs, bus_error, lower_axes, parse_axes, parse_point, parse_targets,
                                     snapshot_view)

T = TypeVar("T")
log = structlog.get_logger("motion.service")
POSITION_INTERVAL_S = 0.05
RECONNECT_INTERVAL_S = 1.0
OTHERS = [s for s in SERVICES if s != "motion"]
FLAGS_WAIT_S = 5.0  # how long the boot home waits to learn disableHomeOnBoot from the update daemon


class MotionService:
    """All of the daemon's state: the driver (used from one worker thread), the lease, the lights."""

    def __init__(self, host: ServiceHost, driver: SmoothieDriver, board_revision: str, firmware: FirmwarePlan) -> None:
        self.host = host
        self.driver = driver
        self.board_revision = board_revision
        self.lease = HardwareLease()
        self.lights = {"rails": False, "button": True}
        self.specs = PipetteSpecs()
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="smoothie")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._moving = asyncio.Event()
        self._unavailable = asyncio.Event()
        self._started = asyncio.Event()
        self.firmware = FirmwareUpdater(driver, self._call, firmware, self._publish_state)
        # The feature flags, as the update daemon announces them; `disableHomeOnBoot` decides the boot home.
        self.flags = UpdateSettingsView()
        self.flags.on_flags(lambda flags: self._publish_state())
        for verb in ("state", "position", "home", "move", "engaged", "disengage", "pipettes", "lights",
                     "identify", "halt", "reset", "lease.acquire", "lease.release", "firmware.update"):
            host.server.register(f"motion.{verb}", getattr(self, "op_" + verb.replace(".", "_")))

    # -- running ---------------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Connect in the background (the bus answers meanwhile), then serve until stopped."""
        self._loop = asyncio.get_running_loop()
        self.driver.add_listener(lambda snap: self._loop.call_soon_threadsafe(self._on_change, snap))
        client = AsyncClient(self.host.ctx, self.host.config)
        sub = AsyncSubscriber(self.host.ctx, [self.host.config.pub(s) for s in OTHERS],
                              [*(heartbeat_topic(s) for s in OTHERS), "update.settings"])
        follower = self.flags.follower(client, sub.tracker)
        try:
            await self.host.run(self._connect(), self._publish_positions(), self._reconnect_when_lost(),
                                self._watch_bus(sub, follower), follower.keep_synced(), self._home_on_boot(follower))
        finally:
            sub.close()
            client.close()
        self._worker.shutdown(wait=False, cancel_futures=True)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)
        except MotionError as exc:
            raise bus_error(exc) from exc

    async def _connect(self) -> None:
        try:
            await self._call(self.driver.connect)
        except Exception as exc:  # a board stuck in its bootloader is still worth a firmware check
            log.warning("connect_failed", reason=str(exc))
        if self.firmware.check_at_start:
            await self.firmware.bring_up_to_date()
        self._unavailable.clear()
        self._started.set()
        try:
            if self.driver.snapshot().state is not DriverState.IDLE:
                raise ControllerUnavailable(self.driver.snapshot().halt_reason or "the Smoothie did not connect")
            await self._call(self.driver.read_pipettes)
            log.info("motion_ready", **{k: v for k, v in self.state().items() if k in ("fw_version", "pipettes")})
        except Exception as exc:  # the reconnect loop takes over; the reason is in the state
            log.warning("connect_failed", reason=str(exc))
            self._unavailable.set()

    def _publish_state(self) -> None:
        if self.host.publisher.bound:
            self.host.publisher.publish("motion.state", self.state())

    def _on_change(self, snap: MotionSnapshot) -> None:
        if not self.host.publisher.bound:
            return  # the service is shutting down; the board's last changes have no one to tell
        if snap.state is DriverState.BUSY:
            self._moving.set()
        elif self._moving.is_set():
            self._moving.clear()
            self._publish_position(moving=False)
        if snap.state is DriverState.CONTROLLER_UNAVAILABLE:
            self._unavailable.set()
        self.host.publisher.publish("motion.state", self.state())

    def _publish_position(self, moving: bool) -> None:
        position = lower_axes(self.driver.estimated_position())
        self.host.publisher.publish("motion.position", {"position": position, "moving": moving})

    async def _publish_positions(self) -> None:
        while True:
            await self._moving.wait()
            while self._moving.is_set():
                self._publish_position(moving=True)
                await asyncio.sleep(POSITION_INTERVAL_S)

    async def _reconnect_when_lost(self) -> None:
        await self._started.wait()
        while True:
            await self._unavailable.wait()
            if self.firmware.busy:  # programming owns the port; it reconnects by itself when done
                await asyncio.sleep(RECONNECT_INTERVAL_S)
                continue
            try:
                await self._call(self.driver.reconnect)
                await self._call(self.driver.read_pipettes)
                self._unavailable.clear()
                log.info("controller_reconnected")
            except Exception as exc:
                log.info("controller_still_unavailable", reason=str(exc))
                await asyncio.sleep(RECONNECT_INTERVAL_S)

    async def _watch_bus(self, sub: AsyncSubscriber, follower: Follower) -> None:
        """Other services' heartbeats (lease holders) and the update daemon's flags (followed, with resync)."""
        while True:
            try:
                event = await asyncio.wait_for(sub.recv(), 0.5)
                if event.topic.endswith(".heartbeat"):
                    self.lease.heartbeat(event.source)
                follower.apply(event)
            except asyncio.TimeoutError:
                pass
            ended = self.lease.expire()
            if ended is not None:
                log.warning("lease_expired", holder=ended.holder)
                self.host.publisher.publish("motion.state", self.state())

    async def _home_on_boot(self, follower: Follower) -> None:
        """Home once at start, as the OT-2 does, unless `disableHomeOnBoot` is set; only once the flag is known."""
        await self._started.wait()
        try:
            await asyncio.wait_for(follower.synced.wait(), FLAGS_WAIT_S)
        except asyncio.TimeoutError:
            log.info("home_on_boot_skipped", reason="the feature flags are unknown (no update daemon answered)")
            return
        if self.flags.flags.get("disableHomeOnBoot", False):
            log.info("home_on_boot_skipped", reason="disableHomeOnBoot is set")
            return
        if self.lease.holding is not None or self.driver.snapshot().state is not DriverState.IDLE:
            log.info("home_on_boot_skipped", reason="the robot is leased or not idle")
            return
        try:
            await self._call(self.driver.home)
            log.info("homed_on_boot")
        except BusError as err:
            log.warning("home_on_boot_failed", code=err.code, reason=err.message)

    # -- ops -------------------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        view = snapshot_view(self.driver.snapshot(), self.specs)
        held = self.lease.holding
        view.update(lease=held.as_dict() if held else None, board_revision=self.board_revision,
                    lights=dict(self.lights), firmware=self.firmware.status(), flags=dict(self.flags.flags),
                    seq=self.host.publisher.seqs())
        return view

    def op_state(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.state()

    def op_position(self, args: dict[str, Any]) -> dict[str, float]:
        return lower_axes(self.driver.estimated_position())

    def op_engaged(self, args: dict[str, Any]) -> dict[str, bool]:
        return lower_axes(self.driver.snapshot().engaged)

    async def op_home(self, args: dict[str, Any]) -> dict[str, Any]:
        axes = parse_axes(args.get("axes"))
        self.lease.check(args.get("holder"))
        return {"position": lower_axes(await self._call(self.driver.home, axes))}

    async def op_move(self, args: dict[str, Any]) -> dict[str, Any]:
        speed = args.get("speed")
        self.lease.check(args.get("holder"))
        if "point" in args:
            return {"position": lower_axes(await self._move_point(args, speed))}
        targets = parse_targets(args.get("targets", {k: v for k, v in args.items() if k in "xyzabc"}))
        return {"position": lower_axes(await self._call(self.driver.move, targets, speed))}

    async def _move_point(self, args: dict[str, Any], speed: Any) -> dict[str, float]:
        pipette = self.driver.snapshot().pipettes.get(str(args.get("mount")))
        offset = (self.specs.describe(pipette) or {}).get("model_offset", [0.0, 0.0, 0.0])
        axis, x, y, z = parse_point(args, float(offset[2]))
        # As the real robot does: raise the mount, travel in X and Y, then lower it.
        await self._call(self.driver.move, {axis: AXES[axis].max_mm}, speed)
        await self._call(self.driver.move, {"X": x, "Y": y}, speed)
        return await self._call(self.driver.move, {axis: z}, speed)

    async def op_disengage(self, args: dict[str, Any]) -> dict[str, Any]:
        if "axes" not in args:
            raise BadRequest("disengage needs 'axes', e.g. [\"x\", \"y\"] or \"xy\"")
        axes = parse_axes(args["axes"])
        self.lease.check(args.get("holder"))
        await self._call(self.driver.disengage, axes)
        return {"disengaged": [a.lower() for a in axes]}

    async def op_pipettes(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("refresh"):
            self.lease.check(args.get("holder"))
            await self._call(self.driver.read_pipettes)
        pipettes = self.driver.snapshot().pipettes
        return {m: self.specs.describe(pipettes.get(m)) for m in ("left", "right")}

    def op_lights(self, args: dict[str, Any]) -> dict[str, bool]:
        for name in ("rails", "button"):
            if name in args:
                if not isinstance(args[name], bool):
                    raise BadRequest(f"'{name}' must be true or false, got {args[name]!r}")
                self.lights[name] = args[name]
        self.host.publisher.publish("motion.state", self.state())
        return dict(self.lights)

    def op_identify(self, args: dict[str, Any]) -> dict[str, bool]:
        seconds = args.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 600:
            raise BadRequest(f"'seconds' must be a number from 0 to 600, got {seconds!r}")
        asyncio.ensure_future(self._blink(float(seconds)))
        return {"identifying": True}

    async def _blink(self, seconds: float) -> None:
        for _ in range(int(seconds / 0.25)):
            self.lights["button"] = not self.lights["button"]
            await asyncio.sleep(0.25)
        self.lights["button"] = True

    def op_halt(self, args: dict[str, Any]) -> dict[str, Any]:
        # Called inline on the event loop, never queued behind the worker: the move it stops is on the worker.
        self.driver.halt(str(args.get("reason") or "halted by user"))
        return {"state": self.driver.snapshot().state.value}

    async def op_reset(self, args: dict[str, Any]) -> dict[str, Any]:
        await self._call(self.driver.reset)
        return self.state()

    async def op_firmware_update(self, args: dict[str, Any]) -> dict[str, Any]:
        force = args.get("force", False)
        if not isinstance(force, bool):
            raise BadRequest(f"'force' must be true or false, got {force!r}")
        return await self.firmware.update(self._refuse_if_leased, force)

    def _refuse_if_leased(self) -> None:
        held = self.lease.holding
        if held is not None:
            raise Conflict(f"the hardware lease is held by {held.holder}: the firmware is not updated under a "
                           "run or manual control", {"holder": held.holder})

    def op_lease_acquire(self, args: dict[str, Any]) -> dict[str, Any]:
        held = self.lease.acquire(args.get("holder"), args.get("ttl_s"))  # type: ignore[arg-type]
        self.host.publisher.publish("motion.state", self.state())
        return held.as_dict()

    def op_lease_release(self, args: dict[str, Any]) -> dict[str, bool]:
        released = self.lease.release(str(args.get("holder")))
        if released:
            self.host.publisher.publish("motion.state", self.state())
        return {"released": released}
