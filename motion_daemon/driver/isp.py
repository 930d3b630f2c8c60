"""In-system programming of the Smoothie over its serial port: enter the bootloader, sync, wipe, write, verify, start.

The real OT-2 resets its LPC1769 into the NXP ROM bootloader with two GPIO pins and programs it with lpc21isp over
the same serial port. This is our own protocol in the same spirit: every chunk carries a CRC-32 that the board
checks (a bad chunk is resent), and the whole image is verified by length and SHA-256 before the board may start it.
"""
from __future__ import annotations

import hashlib
import time
import zlib
from typing import Callable, Protocol

from motion_daemon.driver.errors import SmoothieError
from motion_daemon.driver.transport import SerialTransport

CHUNK_BYTES = 512
REPLY_TIMEOUT_S = 1.0
SYNC_TRIES = 10
CHUNK_TRIES = 3
SYNC = "Synchronized"
ISP_COMMAND = b"isp\r\n"


class FlashError(SmoothieError):
    """Programming the board failed; the board may be left in its bootloader with no firmware."""

    kind = "flash_failed"


class ProgrammingLine(Protocol):
    """Something that resets the board into its bootloader (GPIO pins on a robot)."""

    def enter(self) -> None:
        """Reset the board into its bootloader; it answers only the programming protocol afterwards."""


class SerialProgrammingLine:
    """For the simulated board, which has no GPIO: a line on the serial port plays the ISP and reset pins."""

    def __init__(self, transport: SerialTransport) -> None:
        self._transport = transport

    def enter(self) -> None:
        """Send the reset-into-bootloader line; the board answers nothing until synchronised."""
        self._transport.write(ISP_COMMAND)


class IspClient:
    """Speaks the bootloader protocol over an open transport, one line out and one line back."""

    def __init__(self, transport: SerialTransport, reply_timeout_s: float = REPLY_TIMEOUT_S) -> None:
        self._transport = transport
        self._timeout = reply_timeout_s
        self._pending = b""

    def program(self, image: bytes, progress: Callable[[float], None] = lambda fraction: None) -> str:
        """Write `image` and start it; returns the version the board verified. Raises FlashError."""
        self._sync()
        self._expect("E", "OK", "wipe")
        chunks = range(0, len(image), CHUNK_BYTES)
        for index, offset in enumerate(chunks):
            self._write_chunk(index, offset, image[offset:offset + CHUNK_BYTES])
            progress((index + 1) / len(chunks))
        verified = self._expect(f"V {len(image)} {hashlib.sha256(image).hexdigest()}", "OK", "verify")
        self._expect("G", "OK", "start")
        return verified.partition(" ")[2]

    def _sync(self) -> None:
        self._transport.discard_input()
        for _ in range(SYNC_TRIES):
            if self._ask("?", quiet_ok=True) == SYNC:
                self._expect(SYNC, "OK", "sync")
                return
        raise FlashError(f"the bootloader did not answer '?' with {SYNC!r} after {SYNC_TRIES} tries", "?")

    def _write_chunk(self, index: int, offset: int, data: bytes) -> None:
        line = f"W {index} {offset} {data.hex()} {zlib.crc32(data):08x}"
        reply = ""
        for _ in range(CHUNK_TRIES):
            reply = self._ask(line)
            if reply == f"OK {index}":
                return
            if not reply.endswith("checksum"):
                break  # only a damaged transfer is worth resending
        raise FlashError(f"the board refused chunk {index} at byte {offset}: {reply}", f"W {index}", reply)

    def _expect(self, line: str, ok: str, step: str) -> str:
        reply = self._ask(line)
        if reply.split(" ", 1)[0] != ok:
            raise FlashError(f"firmware {step} failed: the board answered {reply!r}", line.split(" ")[0], reply)
        return reply

    def _ask(self, line: str, quiet_ok: bool = False) -> str:
        self._transport.write(line.encode("ascii") + b"\r\n")
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            head, newline, rest = self._pending.partition(b"\n")
            if newline:
                self._pending = rest
                text = head.decode("ascii", "replace").strip()
                if text:
                    return text
                continue
            self._pending += self._transport.read_chunk()
        if quiet_ok:
            return ""
        raise FlashError(f"no answer from the bootloader within {self._timeout} s to {line.split(' ')[0]!r}",
                         line.split(" ")[0])
