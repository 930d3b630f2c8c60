"""Trapezoidal move planning shared by the driver (time estimates, live position) and the simulated board."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence


@dataclass(frozen=True)
class Segment:
    """One straight move at a feed rate, limited per axis in speed and acceleration."""

    start: Mapping[str, float]
    target: Mapping[str, float]
    length: float
    cruise_mm_s: float
    accel_mm_s2: float

    @property
    def ramp_s(self) -> float:
        """Seconds spent accelerating (and again decelerating)."""
        return self.cruise_mm_s / self.accel_mm_s2 if self.length else 0.0

    @property
    def duration(self) -> float:
        """Seconds from start to stop."""
        if not self.length:
            return 0.0
        ramp_mm = self.cruise_mm_s * self.ramp_s / 2
        return 2 * self.ramp_s + (self.length - 2 * ramp_mm) / self.cruise_mm_s

    def distance_at(self, elapsed: float) -> float:
        """Distance covered along the path after `elapsed` seconds."""
        t = min(max(elapsed, 0.0), self.duration)
        ramp, v, a = self.ramp_s, self.cruise_mm_s, self.accel_mm_s2
        if t <= ramp:
            return a * t * t / 2
        cruise_end = self.duration - ramp
        if t <= cruise_end:
            return v * ramp / 2 + v * (t - ramp)
        remaining = self.duration - t
        return self.length - a * remaining * remaining / 2

    def time_at_distance(self, distance: float) -> float:
        """Seconds after the start at which `distance` along the path is reached."""
        d = min(max(distance, 0.0), self.length)
        ramp, v, a = self.ramp_s, self.cruise_mm_s, self.accel_mm_s2
        ramp_mm = v * ramp / 2
        if d <= ramp_mm:
            return math.sqrt(2 * d / a)
        if d <= self.length - ramp_mm:
            return ramp + (d - ramp_mm) / v
        return self.duration - math.sqrt(2 * (self.length - d) / a)

    def position_at(self, elapsed: float) -> dict[str, float]:
        """Every axis position after `elapsed` seconds."""
        if not self.length:
            return dict(self.target)
        fraction = self.distance_at(elapsed) / self.length
        return {axis: self.start[axis] + (self.target[axis] - self.start[axis]) * fraction for axis in self.start}


def plan_segment(
    start: Mapping[str, float],
    target: Mapping[str, float],
    feed_mm_s: float,
    max_speeds: Mapping[str, float],
    accels: Mapping[str, float],
) -> Segment:
    """Plan a straight move; `target` may name only the axes that move."""
    end = {**start, **target}
    deltas = {axis: end[axis] - start[axis] for axis in start if end[axis] != start[axis]}
    length = math.sqrt(sum(d * d for d in deltas.values()))
    cruise, accel = feed_mm_s, math.inf
    for axis, delta in deltas.items():
        share = abs(delta) / length
        cruise = min(cruise, max_speeds[axis] / share)
        accel = min(accel, accels[axis] / share)
    if not deltas:
        accel = 1.0
    cruise = min(cruise, math.sqrt(accel * length)) if length else cruise
    return Segment(dict(start), end, length, cruise, accel)


@dataclass(frozen=True)
class MotionPlan:
    """Segments run back to back, e.g. a plunger overshoot and its return."""

    segments: Sequence[Segment]

    @property
    def duration(self) -> float:
        """Seconds for the whole plan."""
        return sum(s.duration for s in self.segments)

    @property
    def target(self) -> dict[str, float]:
        """Where the plan ends."""
        return dict(self.segments[-1].target)

    def position_at(self, elapsed: float) -> dict[str, float]:
        """Every axis position `elapsed` seconds into the plan."""
        for segment in self.segments:
            if elapsed <= segment.duration:
                return segment.position_at(elapsed)
            elapsed -= segment.duration
        return self.target


def plan_moves(
    start: Mapping[str, float],
    targets: Sequence[Mapping[str, float]],
    feed_mm_s: float,
    max_speeds: Mapping[str, float],
    accels: Mapping[str, float],
) -> MotionPlan:
    """Plan consecutive straight moves starting from `start`."""
    segments: list[Segment] = []
    here: Mapping[str, float] = start
    for target in targets:
        segment = plan_segment(here, target, feed_mm_s, max_speeds, accels)
        segments.append(segment)
        here = segment.target
    return MotionPlan(segments)
