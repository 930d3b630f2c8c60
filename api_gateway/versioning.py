"""The `Opentrons-Version` header rule: required, an integer or `*`, negotiated down to the API version we speak."""
from __future__ import annotations

import re

from api_gateway.errors import ApiError, Style, invalid

API_VERSION = 4
MIN_API_VERSION = 2
HEADER = "Opentrons-Version"
MIN_HEADER = "Opentrons-Min-Version"
_INTEGER = re.compile(r"-?[0-9]{1,12}")
_EXPECTED = f"an integer of at least {MIN_API_VERSION} (this robot speaks up to {API_VERSION}) or '*' for the latest"


def negotiate(value: str | None) -> int:
    """The version to answer with for a request's header value; raise the robot's error when it is unusable."""
    known = _COMMON.get(value) if value is not None else None
    if known is not None:
        return known
    if value is None:
        raise invalid(f"header.opentrons-version: field required; send '{HEADER}: {API_VERSION}' ({_EXPECTED})",
                      source={"header": HEADER.lower()})
    text = value.strip()
    if text == "*":
        return API_VERSION
    if not _INTEGER.fullmatch(text):
        raise invalid(f"header.opentrons-version: {value[:40]!r} is not valid; expected {_EXPECTED}",
                      source={"header": HEADER.lower()})
    requested = int(text)
    if requested < MIN_API_VERSION:
        raise ApiError(400, f"The requested API version '{requested}' is not supported. '{HEADER}' must be at least "
                            f"'{MIN_API_VERSION}'; this robot speaks up to '{API_VERSION}'.",
                       error_id="OutdatedAPIVersion", source={"header": HEADER.lower()}, style=Style.NEW)
    return min(requested, API_VERSION)


def response_headers(negotiated: int | None) -> dict[str, str]:
    """The version headers every reply carries, errors included."""
    return _HEADERS.get(negotiated) or {HEADER: str(negotiated), MIN_HEADER: str(MIN_API_VERSION)}


# What clients send nearly always, answered without parsing (the header is checked on every request).
_COMMON: dict[str, int] = {**{str(v): v for v in range(MIN_API_VERSION, API_VERSION + 1)}, "*": API_VERSION}
_HEADERS: dict[int | None, dict[str, str]] = {
    v: {HEADER: str(v if v is not None else API_VERSION), MIN_HEADER: str(MIN_API_VERSION)}
    for v in (None, *range(MIN_API_VERSION, API_VERSION + 1))}
