"""The one error catalogue of the bus: codes, their meaning, and the typed exceptions that carry them."""
from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorCode(str, Enum):
    """Every error code a bus reply can carry; the gateway maps each to HTTP in one place."""

    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    UNKNOWN_OP = "unknown_op"
    BAD_ENVELOPE = "bad_envelope"
    VERSION_MISMATCH = "version_mismatch"
    TOO_LARGE = "too_large"
    HALTED = "halted"
    HARDWARE_ERROR = "hardware_error"
    CONTROLLER_UNAVAILABLE = "controller_unavailable"
    INTERNAL = "internal"


MEANING: dict[ErrorCode, str] = {
    ErrorCode.BAD_REQUEST: "the request's arguments are wrong; the message says which and what is expected",
    ErrorCode.NOT_FOUND: "the thing the request names does not exist",
    ErrorCode.CONFLICT: "the request cannot be done in the current state (e.g. the hardware lease is held)",
    ErrorCode.UNAVAILABLE: "the service is not running or not ready; try again later",
    ErrorCode.TIMEOUT: "no reply came within the request's deadline",
    ErrorCode.UNKNOWN_OP: "the service has no handler for this op",
    ErrorCode.BAD_ENVELOPE: "the message is not a valid bus envelope",
    ErrorCode.VERSION_MISMATCH: "the envelope version is not one this service speaks",
    ErrorCode.TOO_LARGE: "the message is larger than the service accepts",
    ErrorCode.HALTED: "motion was stopped by a halt; the robot must be homed before it moves again",
    ErrorCode.HARDWARE_ERROR: "the motor controller reported an error or an alarm",
    ErrorCode.CONTROLLER_UNAVAILABLE: "the motor controller is not connected; the daemon is reconnecting",
    ErrorCode.INTERNAL: "the service failed unexpectedly; its log has the details",
}


class BusError(Exception):
    """An error reply from a bus service (or the client's own timeout), with its catalogue code."""

    code: str = ErrorCode.INTERNAL.value

    def __init__(self, message: str, details: dict[str, Any] | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code is not None:
            self.code = code

    def to_wire(self) -> dict[str, Any]:
        """The `error` member of a reply envelope for this exception."""
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}: {self.message})"


def _error_class(name: str, code: ErrorCode, *bases: type) -> type[BusError]:
    cls = type(name, (BusError, *bases), {"code": code.value, "__doc__": MEANING[code]})
    cls.__module__ = __name__
    return cls


BadRequest = _error_class("BadRequest", ErrorCode.BAD_REQUEST)
NotFound = _error_class("NotFound", ErrorCode.NOT_FOUND)
Conflict = _error_class("Conflict", ErrorCode.CONFLICT)
Unavailable = _error_class("Unavailable", ErrorCode.UNAVAILABLE)
BusTimeout = _error_class("BusTimeout", ErrorCode.TIMEOUT, TimeoutError)
UnknownOp = _error_class("UnknownOp", ErrorCode.UNKNOWN_OP)
BadEnvelope = _error_class("BadEnvelope", ErrorCode.BAD_ENVELOPE)
VersionMismatch = _error_class("VersionMismatch", ErrorCode.VERSION_MISMATCH)
TooLarge = _error_class("TooLarge", ErrorCode.TOO_LARGE)
Halted = _error_class("Halted", ErrorCode.HALTED)
HardwareError = _error_class("HardwareError", ErrorCode.HARDWARE_ERROR)
ControllerUnavailable = _error_class("ControllerUnavailable", ErrorCode.CONTROLLER_UNAVAILABLE)
InternalError = _error_class("InternalError", ErrorCode.INTERNAL)

_BY_CODE: dict[str, type[BusError]] = {
    cls.code: cls
    for cls in (BadRequest, NotFound, Conflict, Unavailable, BusTimeout, UnknownOp, BadEnvelope, VersionMismatch,
                TooLarge, Halted, HardwareError, ControllerUnavailable, InternalError)
}


def error_from_wire(error: Any) -> BusError:
    """Build the typed exception for the `error` member of a reply; tolerate a malformed one."""
    if not isinstance(error, dict):
        return InternalError(f"malformed error in reply: {error!r}")
    code = str(error.get("code", ErrorCode.INTERNAL.value))
    message = str(error.get("message", ""))
    details = error.get("details") if isinstance(error.get("details"), dict) else {}
    cls = _BY_CODE.get(code)
    return cls(message, details) if cls else BusError(message, details, code=code)
