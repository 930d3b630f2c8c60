"""Typed errors of the Smoothie driver: what the board said, what the user asked wrongly, and why motion stopped."""
from __future__ import annotations


class MotionError(Exception):
    """Base of every driver error; `kind` is a stable short name a bus service can map to an error code."""

    kind = "motion_error"


class InvalidRequest(MotionError, ValueError):
    """The caller asked for something malformed (unknown axis, non-number, bad mount)."""

    kind = "bad_request"


class OutOfBounds(InvalidRequest):
    """A target lies outside an axis's travel; nothing was sent to the board."""

    kind = "out_of_bounds"


class NotHomed(InvalidRequest):
    """A move names an axis whose position is unknown; nothing was sent to the board."""

    kind = "not_homed"


class NotReady(MotionError):
    """The driver is halted or has lost its board; motion is refused until reset or reconnect."""

    kind = "not_ready"


class ControllerUnavailable(NotReady):
    """The serial connection is closed or broken."""

    kind = "controller_unavailable"


class HaltedError(MotionError):
    """A command ended because halt() stopped the board (distinct from a failure)."""

    kind = "halted"


class SmoothieError(MotionError):
    """The board answered, or failed to answer, in a way that stops the command."""

    kind = "smoothie_error"

    def __init__(self, message: str, command: str = "", reply: str = "") -> None:
        super().__init__(message)
        self.command = command
        self.reply = reply


class NoResponse(SmoothieError):
    """No complete reply arrived within the timeout (after the allowed retries)."""

    kind = "no_response"


class ErrorResponse(SmoothieError):
    """The board replied with an error line."""

    kind = "error_response"


class ParseError(SmoothieError):
    """A data reply did not have the fields the command promises."""

    kind = "parse_error"


class AlarmResponse(SmoothieError):
    """The board raised an alarm (limit switch, homing or probing failure, or it is halted)."""

    kind = "alarm"

    def __init__(self, reason: str, command: str = "", reply: str = "", axis: str | None = None) -> None:
        super().__init__(reason, command, reply)
        self.reason = reason
        self.axis = axis
