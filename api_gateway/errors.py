"""The one place that maps errors to HTTP: bus error codes to status codes, and both real robot error body shapes."""
from __future__ import annotations

from enum import Enum
from typing import Any

from aiohttp import web

from bus.errors import BusError, ErrorCode


class Style(str, Enum):
    """Which error body a route answers with: legacy `{message, errorCode}`, newer `{errors: [...]}`, or the update
    server's `{error, message}` (its routes under /server carry no version headers either)."""

    LEGACY = "legacy"
    NEW = "new"
    SERVER = "server"


# errorCode values of the robot's error catalogue (general, robot in use, robotics control, communication).
GENERAL = "4000"
ROBOT_IN_USE = "4001"
ROBOTICS_CONTROL = "2000"
COMMUNICATION = "1000"

_STATUS: dict[str, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.TIMEOUT: 504,
    ErrorCode.UNKNOWN_OP: 400,
    ErrorCode.BAD_ENVELOPE: 400,
    ErrorCode.VERSION_MISMATCH: 400,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.HALTED: 409,
    ErrorCode.HARDWARE_ERROR: 500,
    ErrorCode.CONTROLLER_UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}

_ROBOT_CODE: dict[str, str] = {
    ErrorCode.CONFLICT: ROBOT_IN_USE,
    ErrorCode.UNAVAILABLE: COMMUNICATION,
    ErrorCode.TIMEOUT: COMMUNICATION,
    ErrorCode.CONTROLLER_UNAVAILABLE: COMMUNICATION,
    ErrorCode.HALTED: ROBOTICS_CONTROL,
    ErrorCode.HARDWARE_ERROR: ROBOTICS_CONTROL,
}

_TITLES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Bad Request"),
    403: ("RobotBusy", "Robot Busy"),
    404: ("ResourceNotFound", "Resource Not Found"),
    405: ("MethodNotAllowed", "Method Not Allowed"),
    409: ("RobotBusy", "Robot Busy"),
    413: ("RequestTooLarge", "Request Too Large"),
    422: ("InvalidRequest", "Invalid Request"),
    500: ("UnexpectedError", "Unexpected Error"),
    503: ("HardwareNotYetInitialized", "Hardware Not Yet Initialized"),
    504: ("GatewayTimeout", "Gateway Timeout"),
}


class ApiError(Exception):
    """An HTTP error answer: status, a sentence for a person, the robot errorCode, and optional extras."""

    def __init__(self, status: int, message: str, *, error_code: str = GENERAL, error_id: str | None = None,
                 source: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                 style: Style | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code
        self.error_id = error_id or _TITLES.get(status, ("HttpError", ""))[0]
        self.source = source
        self.extra = extra or {}
        self.style = style  # set when the real robot answers in one shape whatever the route's style


def status_for(code: str) -> int:
    """The HTTP status for a bus error code (500 for a code the catalogue does not know)."""
    return _STATUS.get(code, 500)


def from_bus_error(err: BusError, *, busy_status: int = 409, invalid_status: int = 400) -> ApiError:
    """Translate a bus error into the HTTP error the gateway answers with.

    A conflict naming a lease holder is the robot's "robot busy" (403 on the legacy motion routes). Routes of the
    newer API answer invalid input with 422 (`invalid_status`). A service may name the robot's error id for its
    error in `details.errorId` (`RunAlreadyActive`), and the update server its error name in `details.error`.
    """
    holder = err.details.get("holder")
    if err.code == ErrorCode.CONFLICT and isinstance(holder, str):
        return robot_busy(holder, busy_status)
    extra: dict[str, Any] = {"busCode": err.code}
    if isinstance(err.details.get("error"), str):  # the update server's own error name (`session-already-active`)
        extra["error"] = err.details["error"]
    error_id = err.details.get("errorId") if isinstance(err.details.get("errorId"), str) else None
    status = invalid_status if err.code == ErrorCode.BAD_REQUEST else status_for(err.code)
    return ApiError(status, err.message, error_code=_ROBOT_CODE.get(err.code, GENERAL), error_id=error_id,
                    extra=extra)


def robot_busy(holder: str, status: int) -> ApiError:
    """The real robot's answer while another holder (a run) owns the hardware."""
    return ApiError(status, f"Robot is busy: the hardware is in use by {holder}; try again when it is released.",
                    error_code=ROBOT_IN_USE, error_id="RobotBusy", extra={"holder": holder})


def invalid(message: str, *, source: dict[str, str] | None = None) -> ApiError:
    """A request that fails validation (the real robot answers 422)."""
    return ApiError(422, message, error_id="InvalidRequest", source=source)


def body_for(err: ApiError, style: Style) -> dict[str, Any]:
    """The JSON body of `err` in the route's style (or the error's own, when it has one)."""
    if (err.style or style) is Style.LEGACY:
        return {"message": err.message, "errorCode": err.error_code, **err.extra}
    if (err.style or style) is Style.SERVER:
        return {"error": str(err.extra.get("error") or err.extra.get("busCode") or err.error_id),
                "message": err.message}
    entry: dict[str, Any] = {"id": err.error_id, "title": _TITLES.get(err.status, ("", "Error"))[1],
                             "detail": err.message, "errorCode": err.error_code}
    if err.source:
        entry["source"] = err.source
    if err.extra:
        entry["meta"] = err.extra
    return {"errors": [entry]}


def response_for(err: ApiError, style: Style) -> web.Response:
    """The aiohttp response carrying `err`."""
    return web.json_response(body_for(err, style), status=err.status)
