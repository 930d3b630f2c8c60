"""Deck attitude: a 2-D affine map of the deck (as a 3x3 matrix) solved from three measured points, and applied."""
from __future__ import annotations

import math
from typing import List, Sequence, Tuple

Matrix = List[List[float]]
Point3 = Sequence[float]
IDENTITY: Matrix = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
# A triangle of points must span at least this area (mm²) to define a map; the OT-2's spans ~46,000 mm².
MIN_TRIANGLE_AREA_MM2 = 100.0
# How far a believable deck may be from nominal: ~1.1° of rotation or 2 % of scale or shear, 10 mm of shift.
MAX_LINEAR_DEVIATION = 0.02
MAX_SHIFT_MM = 10.0


class AttitudeError(ValueError):
    """Three points that do not give a usable attitude; `status` is SINGULARITY or BAD_CALIBRATION."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


def solve_attitude(expected: Sequence[Point3], measured: Sequence[Point3]) -> Matrix:
    """The matrix M with M·(x, y, 1) = measured for each expected point; refuses singular or implausible maps."""
    if len(expected) != 3 or len(measured) != 3:
        raise AttitudeError("SINGULARITY", "deck calibration needs exactly three expected and three measured points")
    for name, points in (("expected", expected), ("measured", measured)):
        if abs(_triangle_area(points)) < MIN_TRIANGLE_AREA_MM2:
            raise AttitudeError("SINGULARITY", f"the three {name} points lie (nearly) on one line; "
                                               "they must form a triangle across the deck")
    rows = [[p[0], p[1], 1.0] for p in expected]
    inverse = _invert3(rows)
    matrix = [[sum(inverse[i][k] * measured[k][axis] for k in range(3)) for i in range(3)] for axis in (0, 1)]
    matrix.append([0.0, 0.0, 1.0])
    check_plausible(matrix)
    return matrix


def check_plausible(matrix: Matrix) -> None:
    """Raise BAD_CALIBRATION when the map rotates, scales or shifts the deck more than a real OT-2 could be off."""
    deviation = max(abs(matrix[0][0] - 1), abs(matrix[0][1]), abs(matrix[1][0]), abs(matrix[1][1] - 1))
    shift = math.hypot(matrix[0][2], matrix[1][2])
    if deviation > MAX_LINEAR_DEVIATION or shift > MAX_SHIFT_MM:
        raise AttitudeError("BAD_CALIBRATION", f"the measured points are wildly off the deck's nominal geometry "
                                               f"(rotation/scale {deviation:.3f}, shift {shift:.1f} mm; allowed "
                                               f"{MAX_LINEAR_DEVIATION} and {MAX_SHIFT_MM} mm); check the points "
                                               "and calibrate again")


def apply_attitude(matrix: Matrix, x: float, y: float) -> Tuple[float, float]:
    """Where the nominal deck point (x, y) really is."""
    return (matrix[0][0] * x + matrix[0][1] * y + matrix[0][2],
            matrix[1][0] * x + matrix[1][1] * y + matrix[1][2])


def is_singular(matrix: Matrix) -> bool:
    """Whether the matrix cannot be inverted (a stored one that no longer maps the deck)."""
    return abs(matrix[0][0] * matrix[1][1] - matrix[0][1] * matrix[1][0]) < 1e-9


def _triangle_area(points: Sequence[Point3]) -> float:
    (ax, ay), (bx, by), (cx, cy) = ((p[0], p[1]) for p in points)
    return ((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2


def _invert3(m: Matrix) -> Matrix:
    det = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
           - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
           + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
    cof = [[(m[(r + 1) % 3][(c + 1) % 3] * m[(r + 2) % 3][(c + 2) % 3]
             - m[(r + 1) % 3][(c + 2) % 3] * m[(r + 2) % 3][(c + 1) % 3]) for c in range(3)] for r in range(3)]
    return [[cof[c][r] / det for c in range(3)] for r in range(3)]
