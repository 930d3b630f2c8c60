"""API levels ("2.N"): parsing, comparison and the range this library supports."""
from __future__ import annotations

import functools
from typing import Any, Callable, NamedTuple, TypeVar

from opentrons.errors import ApiLevelError


class APIVersion(NamedTuple):
    """A protocol API level, compared as a (major, minor) tuple."""

    major: int
    minor: int

    @classmethod
    def from_string(cls, text: object) -> "APIVersion":
        """Parse "2.N"; raise ApiLevelError with the expected form otherwise."""
        if not isinstance(text, str):
            raise ApiLevelError(f"apiLevel must be a string like '2.13', not {text!r}")
        parts = text.strip().split(".")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ApiLevelError(f"apiLevel must look like '2.13', not {text!r}")
        return cls(int(parts[0]), int(parts[1]))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


F = TypeVar("F", bound=Callable[..., Any])
MIN_SUPPORTED = APIVersion(2, 0)
MAX_SUPPORTED = APIVersion(2, 28)
JSON_LEGACY_LEVEL = APIVersion(2, 8)


def check_supported(level: APIVersion) -> APIVersion:
    """Return ``level`` if we support it, else raise with the supported range."""
    if level.major == 1:
        raise ApiLevelError(
            "Protocol API v1 is no longer supported; set apiLevel to a 2.x value "
            f"between {MIN_SUPPORTED} and {MAX_SUPPORTED}"
        )
    if level.major != 2 or level > MAX_SUPPORTED:
        raise ApiLevelError(
            f"API version {level} is not supported by this robot software. "
            f"Please set apiLevel between {MIN_SUPPORTED} and {MAX_SUPPORTED}"
        )
    return level


class APIVersionError(ApiLevelError):
    """A protocol used a feature newer than the apiLevel it asked for."""


def requires_version(major: int, minor: int) -> Callable[[F], F]:
    """Mark an API method as available only from apiLevel major.minor on."""
    needed = APIVersion(major, minor)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
            current = self.api_version
            if current < needed:
                raise APIVersionError(
                    f"{type(self).__name__}.{func.__name__} is not available until API version "
                    f"{needed}. You are currently using API version {current}. "
                    f"Increase your protocol's apiLevel to use it."
                )
            return func(self, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
