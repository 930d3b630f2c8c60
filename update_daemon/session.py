"""One software-update session: upload, validation, writing to the inactive slot, commit, as the App expects."""
from __future__ import annotations

import asyncio
import base64
import shutil
import threading
import uuid
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from bus import BadRequest, Conflict
from update_daemon.artifact import Cancelled, UpdateFileError, Verifier
from update_daemon.slots import VersionSlots

log = structlog.get_logger("update.session")
UPLOAD_NAME = "ot2-system.zip"
MAX_UPLOAD_BYTES = 200 << 20  # the real robot's request body limit
MESSAGES = {
    "awaiting-file": "Waiting for update file", "validating": "Validating update file",
    "writing": "Writing update to system", "done": "Ready to commit update",
    "ready-for-restart": "Ready for restart", "error": "Error",
}


def new_token() -> str:
    """URL-safe base64 of a UUID4 without padding, as the real update server hands out."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


class UpdateSession:
    """The state of one update; long steps run in a worker thread and watch `cancelled` between chunks."""

    def __init__(self, download_dir: Path, verifier: Verifier, slots: VersionSlots,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.token = new_token()
        self.download_dir = download_dir
        self.verifier = verifier
        self.slots = slots
        self.max_upload_bytes = max_upload_bytes
        self.stage = "awaiting-file"
        self.progress = 0.0
        self.error: tuple[str, str] | None = None
        self.received = 0
        self.slot: str | None = None
        self.version: str | None = None
        self.cancelled = threading.Event()
        self._task: asyncio.Future[None] | None = None
        shutil.rmtree(download_dir, ignore_errors=True)
        download_dir.mkdir(parents=True)

    def state(self) -> dict[str, Any]:
        """The status body: stage, progress and message, or the error's short name and message."""
        if self.error is not None:
            return {"stage": "error", "error": self.error[0], "message": self.error[1]}
        return {"stage": self.stage, "progress": round(self.progress, 3), "message": MESSAGES[self.stage]}

    @property
    def upload_path(self) -> Path:
        return self.download_dir / UPLOAD_NAME

    def add_chunk(self, data: Any, offset: Any) -> None:
        """Append one piece of the upload; `offset` must be where the previous piece ended."""
        if self.stage != "awaiting-file" or self.error is not None:
            raise Conflict("the update file was already uploaded for this session",
                           {"error": "file-already-uploaded", "stage": self.state()["stage"]})
        if not isinstance(data, bytes) or offset != self.received:
            raise BadRequest(f"expected bytes at offset {self.received}, got {type(data).__name__} at {offset!r}",
                             {"error": "bad-chunk", "expected_offset": self.received})
        if self.received + len(data) > self.max_upload_bytes:
            raise BadRequest(f"the update file is larger than {self.max_upload_bytes} bytes",
                             {"error": "file-too-large"})
        with open(self.upload_path, "ab") as out:
            out.write(data)
        self.received += len(data)

    def start_processing(self) -> None:
        """The upload is complete: validate, then write, in the background."""
        if self.received == 0:
            raise BadRequest("no update file was uploaded; expected the form field ot2-system.zip",
                             {"error": "no-file-name"})
        self.stage = "validating"
        self._task = asyncio.ensure_future(self._process())

    async def _process(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            verified = await loop.run_in_executor(None, self.verifier.verify, self.upload_path, self.download_dir,
                                                  self._set_progress, self.cancelled)
            self.stage, self.progress, self.version = "writing", 0.0, verified.version
            self.slot = await loop.run_in_executor(None, self.slots.install, verified.payload,
                                                   verified.version_info, self._set_progress, self.cancelled)
            self.stage, self.progress = "done", 1.0
            log.info("update_ready", version=self.version, slot=self.slot)
        except Cancelled:
            log.info("update_cancelled", stage=self.stage)
        except UpdateFileError as exc:
            self.error = (exc.short, exc.message)
            log.warning("update_refused", error=exc.short, reason=exc.message)
        except OSError as exc:
            self.error = ("Write Failed", f"the update could not be written: {exc}")
            log.error("update_write_failed", reason=str(exc))
        finally:
            shutil.rmtree(self.download_dir, ignore_errors=True)

    def _set_progress(self, value: float) -> None:
        self.progress = value  # a float store is atomic; the loop thread only reads it

    async def commit(self, activate: Callable[[str], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """Have the new slot made the active one (by its owner, through `activate`); only from `done`."""
        if self.stage != "done" or self.error is not None or self.slot is None or self.cancelled.is_set():
            raise Conflict(f"the update is not ready to commit (stage {self.state()['stage']})",
                           {"error": "not-ready"})
        record = await activate(self.slot)
        self.stage = "ready-for-restart"
        log.info("update_committed", **record)
        return self.state()

    async def cancel(self) -> None:
        """Stop any running step and wait for it, so no half-written slot stays and no commit can follow."""
        self.cancelled.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        shutil.rmtree(self.download_dir, ignore_errors=True)
        self.slots.clean_partial()
