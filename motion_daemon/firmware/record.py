"""The motion daemon's record of firmware update attempts, kept on disk so retries stay bounded across restarts."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from bus.atomic import CorruptFile, read_json_object, write_json_atomically

log = structlog.get_logger(__name__)
MAX_ATTEMPTS = 3
IN_PROGRESS = "in_progress"


@dataclass
class AttemptRecord:
    """Attempts at putting `image_version` on the board, and how the last one went."""

    path: Path
    image_version: str | None = None
    attempts: int = 0
    last_attempt: dict[str, Any] | None = None
    max_attempts: int = MAX_ATTEMPTS

    @classmethod
    def load(cls, path: Path, max_attempts: int = MAX_ATTEMPTS) -> "AttemptRecord":
        """Read the record; an attempt left in progress was cut short by a crash and is recorded as interrupted."""
        try:
            stored = read_json_object(path) or {}
        except CorruptFile as exc:
            log.warning("firmware_record_unreadable", reason=str(exc))
            stored = {}
        attempts = stored.get("attempts")
        record = cls(path, stored.get("image_version") if isinstance(stored.get("image_version"), str) else None,
                     attempts if isinstance(attempts, int) and attempts >= 0 else 0,
                     stored.get("last_attempt") if isinstance(stored.get("last_attempt"), dict) else None,
                     max_attempts)
        if record.last_attempt is not None and record.last_attempt.get("result") == IN_PROGRESS:
            record.finish("interrupted", "the motion daemon stopped before the attempt ended")
        return record

    def attempts_for(self, image_version: str) -> int:
        """How many attempts this image has had (a new image starts from zero)."""
        return self.attempts if self.image_version == image_version else 0

    def last_failed(self, image_version: str) -> bool:
        """True when this image's last attempt did not succeed (the board may be stuck in its bootloader)."""
        return self.attempts_for(image_version) > 0 and (self.last_attempt or {}).get("result") != "succeeded"

    def begin(self, image_version: str, from_version: str | None) -> None:
        """Count and persist an attempt before it starts, so a crash during it still counts."""
        self.attempts = self.attempts_for(image_version) + 1
        self.image_version = image_version
        self.last_attempt = {"number": self.attempts, "started_at": time.time(), "from_version": from_version,
                             "result": IN_PROGRESS, "reason": None, "ended_at": None}
        self._save()

    def finish(self, result: str, reason: str | None = None) -> None:
        """Persist how the last attempt ended: `succeeded`, `failed` or `interrupted`."""
        if self.last_attempt is None:
            return
        self.last_attempt.update(result=result, reason=reason, ended_at=time.time())
        self._save()

    def as_dict(self) -> dict[str, Any]:
        """The record as stored and as shown in health."""
        return {"image_version": self.image_version, "attempts": self.attempts, "max_attempts": self.max_attempts,
                "last_attempt": dict(self.last_attempt) if self.last_attempt else None}

    def _save(self) -> None:
        write_json_atomically(self.path, {k: v for k, v in self.as_dict().items() if k != "max_attempts"})
