"""The simulated board's in-system-programming bootloader: sync, wipe, checksummed writes, verify, start."""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import structlog

from bus.atomic import CorruptFile, read_json_object, write_json_atomically

from motion_daemon.firmware.image import FirmwareImageError, image_version

log = structlog.get_logger(__name__)
SYNC = "Synchronized"
OK = "OK"
# The chunk after which a board told to fail mid-flash stops answering, as a board that lost power would.
FAIL_AT_CHUNK = 4


@dataclass
class FlashMemory:
    """The board's flash: the version of the firmware in it (None once wiped), kept in `path` when one is given."""

    version: str | None
    path: Path | None = None

    @classmethod
    def load(cls, factory_version: str, path: Path | None) -> "FlashMemory":
        """The flash as a previous run left it in `path`, else as it left the factory."""
        try:
            stored = read_json_object(path) if path is not None else None
        except CorruptFile as exc:
            # Garbage in the flash runs no firmware: the board comes up in its bootloader, as a real one would.
            log.warning("sim_flash_unreadable", reason=str(exc))
            return cls(None, path)
        if stored is None:
            return cls(factory_version, path)
        version = stored.get("version")
        return cls(version if isinstance(version, str) and version else None, path)

    def store(self, version: str | None) -> None:
        """Record what the flash now holds; the file survives the process, as flash survives a power cycle."""
        self.version = version
        if self.path is not None:
            write_json_atomically(self.path, {"version": version})


class Bootloader:
    """Answers the programming protocol (one line in, one line out) until `G` starts the new firmware."""

    def __init__(self, flash: FlashMemory, take_failure: Callable[[], bool], take_noise: Callable[[], bool]) -> None:
        self._flash = flash
        self._take_failure = take_failure
        self._take_noise = take_noise
        self._synced = False
        self._received = bytearray()
        self._chunks = 0
        self._failing = False
        self.started = False

    def handle(self, line: str) -> str:
        """The reply text (with its line break) to one line, or "" when the board stays silent."""
        words = line.split()
        if self._failing or not words:
            return ""
        if words[0] == "?":
            return f"{SYNC}\r\n"
        if words[0] == SYNC:
            self._synced = True
            return f"{OK}\r\n"
        if not self._synced:
            return ""  # the real bootloader ignores everything before auto-baud sync
        handler = {"E": self._wipe, "W": self._write, "V": self._verify, "G": self._go}.get(words[0])
        reply = handler(words[1:]) if handler else f"ERR unknown-command {words[0]}"
        return f"{reply}\r\n" if reply else ""

    def _wipe(self, args: list[str]) -> str:
        self._received.clear()
        self._chunks = 0
        self._flash.store(None)
        self._failing = self._take_failure()
        return OK

    def _write(self, args: list[str]) -> str:
        if len(args) != 4:
            return "ERR format W needs <index> <offset> <hex> <crc32>"
        index, offset, data_hex, crc = args
        try:
            data = bytes.fromhex(data_hex)
            offset_value = int(offset)
        except ValueError:
            return f"ERR {index} format"
        if self._take_noise():
            data = bytes([data[0] ^ 0x20]) + data[1:] if data else b"\x20"  # a bit flipped on the wire
        if f"{zlib.crc32(data):08x}" != crc.lower():
            return f"ERR {index} checksum"
        if offset_value != len(self._received):
            return f"ERR {index} offset expected {len(self._received)}"
        self._received += data
        self._chunks += 1
        if self._failing and self._chunks >= FAIL_AT_CHUNK:
            return ""
        return f"{OK} {index}"

    def _verify(self, args: list[str]) -> str:
        if len(args) != 2 or args[0] != str(len(self._received)):
            return f"ERR verify length: received {len(self._received)} bytes"
        if hashlib.sha256(self._received).hexdigest() != args[1].lower():
            return "ERR verify sha256 mismatch"
        try:
            version = image_version(bytes(self._received))
        except FirmwareImageError as exc:
            return f"ERR verify image {exc}"
        self._flash.store(version)
        return f"{OK} {version}"

    def _go(self, args: list[str]) -> str:
        if self._flash.version is None:
            return "ERR go: no firmware in flash"
        self.started = True
        return OK
