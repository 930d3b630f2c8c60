"""Serial transport: opens a pyserial URL (device, socket://, simulated pty), reads in short chunks, writes locked."""
from __future__ import annotations

import threading
from typing import NoReturn
import time

import termios

import serial
import serial.serialposix

from motion_daemon.driver.errors import ControllerUnavailable

BAUD_RATE = 115200
# Reads return at least this often, so a waiting reader can notice a halt or a deadline.
READ_CHUNK_S = 0.01
# termios.error is not an OSError, yet a vanished pty raises it from flush().
_PORT_ERRORS = (serial.SerialException, OSError, termios.error)


class SerialTransport:
    """One serial session; every failure becomes ControllerUnavailable so callers see a single error type."""

    def __init__(self, url: str, baud_rate: int = BAUD_RATE) -> None:
        self.url = url
        self._baud_rate = baud_rate
        self._port: serial.SerialBase | None = None
        self._write_lock = threading.Lock()

    def open(self) -> None:
        """Open the port; a plain device is locked exclusively so no second process can share it."""
        self.close()
        try:
            port = serial.serial_for_url(self.url, baudrate=self._baud_rate, timeout=READ_CHUNK_S,
                                         write_timeout=2.0, do_not_open=True)
            if isinstance(port, serial.serialposix.Serial):
                port.exclusive = True
            port.open()
        except (*_PORT_ERRORS, ValueError) as exc:
            raise ControllerUnavailable(f"cannot open Smoothie port {self.url!r}: {exc}") from exc
        self._port = port

    def close(self) -> None:
        """Close the port if open; never raises."""
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except _PORT_ERRORS:
                pass

    def write(self, data: bytes) -> None:
        """Write all bytes; safe to call from another thread while a read is in progress."""
        with self._write_lock:
            port = self._require_port()
            try:
                port.write(data)
                port.flush()
            except _PORT_ERRORS as exc:
                self._fail(exc)

    def read_chunk(self) -> bytes:
        """Return whatever arrived within one short read interval (possibly nothing)."""
        port = self._require_port()
        try:
            return port.read(max(1, port.in_waiting))
        except _PORT_ERRORS as exc:
            self._fail(exc)

    def discard_input(self, quiet_s: float = 0.0, limit_s: float = 1.0) -> bytes:
        """Drop pending input and return it; with quiet_s, keep going until the line is quiet that long."""
        port = self._require_port()
        dropped = b""
        try:
            while port.in_waiting:
                dropped += port.read(port.in_waiting)
            deadline = time.monotonic() + limit_s
            quiet_since = time.monotonic()
            while quiet_s and time.monotonic() - quiet_since < quiet_s and time.monotonic() < deadline:
                chunk = port.read(max(1, port.in_waiting))
                if chunk:
                    dropped += chunk
                    quiet_since = time.monotonic()
        except _PORT_ERRORS as exc:
            self._fail(exc)
        return dropped

    def _require_port(self) -> serial.SerialBase:
        port = self._port
        if port is None:
            raise ControllerUnavailable(f"Smoothie port {self.url!r} is not open")
        return port

    def _fail(self, exc: Exception) -> NoReturn:
        self.close()
        raise ControllerUnavailable(f"lost the Smoothie connection on {self.url!r}: {exc}") from exc
