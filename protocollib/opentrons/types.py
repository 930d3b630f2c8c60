"""Plain value types of the protocol API: points in deck space, locations and mounts."""
from __future__ import annotations

import enum
from typing import Any, NamedTuple, Union


class Point(NamedTuple):
    """A point in deck coordinates, in millimetres."""

    x: float = 0.0
    y: float = 0.0
    z: float = 0.0

    def __add__(self, other: Any) -> "Point":  # type: ignore[override]
        if not isinstance(other, Point):
            return NotImplemented
        return Point(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other: Any) -> "Point":
        if not isinstance(other, Point):
            return NotImplemented
        return Point(self.x - other.x, self.y - other.y, self.z - other.z)

    def __mul__(self, other: Any) -> "Point":  # type: ignore[override]
        if not isinstance(other, (float, int)):
            return NotImplemented
        return Point(self.x * other, self.y * other, self.z * other)

    __rmul__ = __mul__

    def __str__(self) -> str:
        return f"({self.x}, {self.y}, {self.z})"


class Location:
    """A point together with the labware or well it refers to (or None for free space)."""

    __slots__ = ("_point", "_labware")

    def __init__(self, point: Point, labware: Any) -> None:
        self._point = point
        self._labware = labware

    @property
    def point(self) -> Point:
        """The absolute point in deck coordinates."""
        return self._point

    @property
    def labware(self) -> Any:
        """The well, labware or module this location is in, or None."""
        return self._labware

    def move(self, point: Point) -> "Location":
        """Return a new location displaced by ``point``, keeping the same labware."""
        return Location(self._point + point, self._labware)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self._point, self._labware))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Location)
            and other._point == self._point
            and other._labware is self._labware
        )

    def __repr__(self) -> str:
        return f"Location(point={self._point!r}, labware={self._labware!r})"


class Mount(enum.Enum):
    """The two pipette mounts of the OT-2."""

    LEFT = "left"
    RIGHT = "right"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Union[str, "Mount"]) -> "Mount":
        """Accept a Mount or the strings 'left'/'right' in any case."""
        if isinstance(value, Mount):
            return value
        if isinstance(value, str) and value.lower() in ("left", "right"):
            return cls(value.lower())
        raise ValueError(f"Invalid mount {value!r}: expected 'left' or 'right'")


DeckLocation = Union[int, str]
