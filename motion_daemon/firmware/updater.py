"""Keeps the board on the shipped firmware: a check when the daemon starts, and the `motion.firmware.update` op."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from bus import BusError, Conflict
from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.isp import FlashError
from motion_daemon.driver.state import DriverState
from motion_daemon.firmware.image import FirmwareImage, FirmwareImageError, load_image
from motion_daemon.firmware.record import AttemptRecord
from motion_daemon.translate import bus_error

log = structlog.get_logger(__name__)
# Runs a driver call on the daemon's one worker thread, turning driver errors into bus errors.
WorkerCall = Callable[..., Awaitable[Any]]
RECORD_PATH = Path("motion") / "firmware.json"


class FirmwareUpdater:
    """Flashes the shipped image through the driver when the board runs another version, a bounded number of times."""

    def __init__(self, driver: SmoothieDriver, call: WorkerCall, plan: "FirmwarePlan",
                 on_change: Callable[[], None]) -> None:
        self._driver = driver
        self._call = call
        self._image = plan.image
        self._image_problem = plan.image_problem
        self._record = plan.record
        self.check_at_start = plan.check_at_start
        self._on_change = on_change
        self._busy = asyncio.Lock()
        self.progress: float | None = None

    @property
    def busy(self) -> bool:
        """True while an attempt is under way."""
        return self._busy.locked()

    def status(self) -> dict[str, Any]:
        """What health shows: board and shipped versions, the attempt record, and a one-word summary."""
        return {"status": self._summary(), "board_version": self._board_version(),
                "image_version": self._image.version if self._image else None, "image_problem": self._image_problem,
                "progress": self.progress, **{k: v for k, v in self._record.as_dict().items() if k != "image_version"}}

    async def bring_up_to_date(self) -> None:
        """At start: flash while the board runs another version (or sits in its bootloader) and tries remain."""
        while self._image is not None and self._should_try():
            try:
                await self.attempt()
            except BusError as exc:
                log.warning("firmware_attempt_failed", attempt=self._record.attempts, reason=str(exc))
        if self._summary() == "gave_up":
            log.error("firmware_update_gave_up", attempts=self._record.attempts, image=self._image_version())

    async def update(self, holder_check: Callable[[], None], force: bool) -> dict[str, Any]:
        """The op: refuse while moving or leased; flash once unless the board already runs the shipped version."""
        if self._image is None:
            raise Conflict(f"no usable firmware image ships with this software: {self._image_problem}")
        holder_check()
        if self.busy or self._driver.snapshot().state is DriverState.BUSY:
            raise Conflict("the robot is moving or its firmware is being updated; try again when it is idle")
        if force or self._board_version() != self._image.version:
            await self.attempt()
        return self.status()

    async def attempt(self) -> None:
        """One recorded attempt: counted on disk first, then programming, then the outcome on disk."""
        assert self._image is not None
        async with self._busy:
            self._record.begin(self._image.version, self._board_version())
            self.progress = 0.0
            self._on_change()
            try:
                snap = await self._call(self._driver.update_firmware, self._image.data, self._set_progress)
                if snap.firmware_version != self._image.version:
                    raise bus_error(FlashError(f"the board reports {snap.firmware_version!r} after programming, "
                                               f"expected {self._image.version!r}"))
            except BaseException as exc:
                self._record.finish("failed", str(exc))
                raise
            finally:
                self.progress = None
                self._on_change()
            self._record.finish("succeeded")
            log.info("firmware_updated", version=self._image.version, attempt=self._record.attempts)

    def _should_try(self) -> bool:
        version = self._image_version()
        if self._record.attempts_for(version) >= self._record.max_attempts:
            return False
        connected = self._driver.snapshot().state is DriverState.IDLE
        if connected:
            return self._board_version() != version
        # A board that does not answer is tried only when our own last attempt may have left it in its bootloader.
        return self._record.last_failed(version)

    def _summary(self) -> str:
        if self._image is None:
            return "image_invalid"
        if self.progress is not None:
            return "updating"
        if self._board_version() == self._image.version:
            return "up_to_date"
        if self._record.attempts_for(self._image.version) >= self._record.max_attempts:
            return "gave_up"
        return "failed" if self._record.last_failed(self._image.version) else "pending"

    def _board_version(self) -> str | None:
        return self._driver.snapshot().firmware_version

    def _image_version(self) -> str:
        return self._image.version if self._image else ""

    def _set_progress(self, fraction: float) -> None:
        self.progress = round(fraction, 3)


@dataclass(frozen=True)
class FirmwarePlan:
    """What the daemon was configured with: the image (or why there is none), the record, the start-up check."""

    image: FirmwareImage | None
    image_problem: str | None
    record: AttemptRecord
    check_at_start: bool

    @classmethod
    def load(cls, firmware_dir: Path, data_dir: Path, check_at_start: bool) -> "FirmwarePlan":
        """Read and verify the image and the attempt record; a bad image is reported, never flashed."""
        try:
            image, problem = load_image(firmware_dir), None
        except FirmwareImageError as exc:
            image, problem = None, str(exc)
            log.error("firmware_image_invalid", reason=problem)
        return cls(image, problem, AttemptRecord.load(data_dir / RECORD_PATH), check_at_start)
