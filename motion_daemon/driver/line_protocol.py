"""The Smoothie line protocol: framing, reading to the double ok, echo stripping, typed failures."""
from __future__ import annotations

import threading
import time

from motion_daemon.driver.errors import AlarmResponse, ErrorResponse, HaltedError, NoResponse
from motion_daemon.driver.replies import describe_alarm
from motion_daemon.driver.transport import SerialTransport

ACK = b"ok\r\nok\r\n"
TERMINATOR = "\r\n\r\n"
HALTED_MARK = "!!"


def frame(command: str) -> bytes:
    """Frame one command: words, a space, then a line and an empty line (each acked by the firmware)."""
    text = f"{command} {TERMINATOR}" if command else TERMINATOR
    return text.encode("ascii")


def _failure_in(text: str) -> bool:
    lowered = text.lower()
    return "error" in lowered or "alarm" in lowered or HALTED_MARK in text


def reply_complete(buffer: bytes) -> bool:
    """True once the buffer holds the ack, or a whole line reporting an error, alarm or halt."""
    if ACK in buffer:
        return True
    whole_lines, _, _ = buffer.rpartition(b"\n")
    return _failure_in(whole_lines.decode("ascii", errors="replace"))


def clean_reply(raw: bytes, command: str) -> str:
    """Return the reply text with acks, the echoed command, its longer tokens and line breaks removed."""
    text = raw.decode("ascii", errors="replace").replace(ACK.decode(), "")
    if command:
        text = text.replace(command, "")
        for token in command.split():
            if len(token) > 1:
                text = text.replace(token, "")
    return text.replace("\r", " ").replace("\n", " ").strip()


def raise_for_reply(text: str, command: str) -> None:
    """Raise AlarmResponse or ErrorResponse when the reply text reports one."""
    lowered = text.lower()
    if "alarm" in lowered or HALTED_MARK in text:
        reason, axis = describe_alarm(text)
        raise AlarmResponse(reason, command, text, axis)
    if "error" in lowered:
        raise ErrorResponse(f"the board rejected {command!r}: {text}", command, text)


class LineProtocol:
    """Sends one framed command and reads its reply; a set halt event ends any wait at once."""

    def __init__(self, transport: SerialTransport, halt_event: threading.Event) -> None:
        self._transport = transport
        self._halt_event = halt_event

    def exchange(self, command: str, timeout_s: float) -> str:
        """Send `command`, wait up to timeout_s for its complete reply, and return the cleaned text."""
        self._check_halt(command)
        stale = self._transport.discard_input()
        if b"alarm" in stale.lower():
            # An alarm raised after the previous ack must not be thrown away with the stale bytes.
            raise_for_reply(clean_reply(stale, ""), command)
        self._transport.write(frame(command))
        raw = self._read_reply(command, time.monotonic() + timeout_s)
        # A reply that completes after a halt began is the board answering the halt (`!!`): report the halt.
        self._check_halt(command)
        text = clean_reply(raw, command)
        raise_for_reply(text, command)
        return text

    def resync(self) -> None:
        """Drop late or stray replies until the line has been quiet briefly."""
        self._transport.discard_input(quiet_s=0.05)

    def _read_reply(self, command: str, deadline: float) -> bytes:
        buffer = b""
        while not reply_complete(buffer):
            self._check_halt(command)
            if time.monotonic() > deadline:
                partial = buffer.decode("ascii", errors="replace").strip()
                raise NoResponse(f"no complete reply to {command!r} in time (got {partial!r})", command, partial)
            buffer += self._transport.read_chunk()
        return buffer

    def _check_halt(self, command: str) -> None:
        if self._halt_event.is_set():
            raise HaltedError(f"halted while waiting for {command or 'the board'!r}")
