"""Protocol uploads received in pieces over the bus, staged in `protocols/.uploads/<token>/` until finished."""
from __future__ import annotations

import hashlib
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bus import BadRequest, Conflict, NotFound, TooLarge

MAX_UPLOAD_BYTES = 32 << 20  # every file of one protocol together
MAX_FILES = 50
MAX_CHUNK_BYTES = 1 << 20  # one `runs.upload.write`; the bus refuses messages over 4 MiB
MAX_OPEN_UPLOADS = 8
IDLE_TIMEOUT_S = 60.0
STAGING = ".uploads"


@dataclass
class Upload:
    """One upload in progress: its folder, the files in the order first written, and their sizes."""

    folder: Path
    touched: float
    sizes: dict[str, int] = field(default_factory=dict)


class Uploads:
    """Staged uploads; files are appended piece by piece and read back whole when the upload finishes."""

    def __init__(self, protocols_root: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.root = protocols_root / STAGING
        self._open: dict[str, Upload] = {}
        self._clock = clock

    def clear(self) -> None:
        """Drop every staged upload (at start: leftovers of a previous process; on a reset)."""
        self._open.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def begin(self) -> str:
        """Open an upload and return its token; uploads idle for a minute are dropped first."""
        self._drop_idle()
        if len(self._open) >= MAX_OPEN_UPLOADS:
            raise Conflict(f"{MAX_OPEN_UPLOADS} uploads are already in progress; try again when one ends")
        token = uuid.uuid4().hex
        folder = self.root / token
        folder.mkdir(parents=True)
        self._open[token] = Upload(folder, self._clock())
        return token

    def write(self, token: str, name: str, offset: int, data: bytes) -> int:
        """Append `data` to file `name` at `offset` (its current size); return the new size."""
        upload = self._get(token)
        if len(data) > MAX_CHUNK_BYTES:
            raise TooLarge(f"one upload piece may hold at most {MAX_CHUNK_BYTES} bytes, got {len(data)}")
        if name not in upload.sizes and len(upload.sizes) >= MAX_FILES:
            raise TooLarge(f"a protocol may have at most {MAX_FILES} files")
        size = upload.sizes.get(name, 0)
        if offset != size:
            raise BadRequest(f"{name}: expected the piece at offset {size}, got {offset}", {"expected": size})
        if sum(upload.sizes.values()) + len(data) > MAX_UPLOAD_BYTES:
            raise TooLarge(f"the protocol's files are over the limit of {MAX_UPLOAD_BYTES >> 20} MiB in all",
                           {"limit": MAX_UPLOAD_BYTES})
        with open(upload.folder / _safe(name), "ab") as file:
            file.write(data)
        upload.sizes[name] = size + len(data)
        upload.touched = self._clock()
        return upload.sizes[name]

    def finish(self, token: str) -> list[tuple[str, bytes]]:
        """Close the upload and return its files as (name, content), in the order they were sent."""
        upload = self._get(token)
        try:
            return [(name, (upload.folder / _safe(name)).read_bytes()) for name in upload.sizes]
        finally:
            self.abort(token)

    def abort(self, token: str) -> None:
        """Forget an upload and its staged files (nothing happens for an unknown token)."""
        upload = self._open.pop(token, None)
        if upload is not None:
            shutil.rmtree(upload.folder, ignore_errors=True)

    def _get(self, token: str) -> Upload:
        upload = self._open.get(token) if isinstance(token, str) else None
        if upload is None:
            raise NotFound(f"no upload in progress with token {str(token)[:40]!r}; begin one with runs.upload.begin")
        return upload

    def _drop_idle(self) -> None:
        now = self._clock()
        for token in [t for t, u in self._open.items() if now - u.touched > IDLE_TIMEOUT_S]:
            self.abort(token)


def _safe(name: str) -> str:
    # Staged under a neutral name: the real name is checked by the protocol store when the upload finishes.
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()
