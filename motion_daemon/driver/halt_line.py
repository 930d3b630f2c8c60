"""The emergency-halt line: how halt() stops the board at once; an interface, so a GPIO line can replace serial."""
from __future__ import annotations

from typing import Protocol

from motion_daemon.driver.gcode import Code
from motion_daemon.driver.line_protocol import frame
from motion_daemon.driver.transport import SerialTransport


class HaltLine(Protocol):
    """Something that stops the motion controller immediately, callable from any thread."""

    def trigger(self) -> None:
        """Stop the board now; must not wait for the command queue."""


class SerialHaltLine:
    """Sends M112 (Smoothieware's emergency halt) out of band, between whatever else is on the wire."""

    def __init__(self, transport: SerialTransport) -> None:
        self._transport = transport

    def trigger(self) -> None:
        """Write M112 under the transport's write lock, without waiting for any reply."""
        self._transport.write(frame(Code.HALT.value))
