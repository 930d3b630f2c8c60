"""What a calibration check compares: where the stored calibration puts a point against where a person found it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List

import structlog

from bus import Conflict
from opentrons.types import Point

if TYPE_CHECKING:
    from calibration_daemon.session import CalibrationSession

log = structlog.get_logger("calibration.checking")
# How far a found point may be from the calibrated one before the check says to recalibrate (mm, per axis).
HEIGHT_THRESHOLD = [0.0, 0.0, 1.0]
POINT_THRESHOLD = [1.5, 1.5, 0.0]
NEXT_STEP = {"comparingHeight": "comparingHeight", "comparingPointOne": "comparingPointOne",
             "comparingPointTwo": "comparingPointTwo", "comparingPointThree": "resultsSummary"}
CROSS_OF_STEP = {"comparingPointOne": 0, "comparingPointTwo": 1, "comparingPointThree": 2}


def compare_point(session: "CalibrationSession", here: Point) -> str:
    """Record the difference found in this step; returns the next step (the summary after the third point)."""
    step = session.step
    if step not in NEXT_STEP:
        raise Conflict(f"comparePoint has nothing to compare in step {step!r}")
    instrument = session.instrument
    if step == "comparingHeight":
        expected = session.calibration.to_robot(session.points.reference(), instrument.mount, instrument.serial)
        session.measured["deck"] = here
        difference, threshold = [0.0, 0.0, here.z - expected.z], HEIGHT_THRESHOLD
    else:
        cross = session.points.cross(CROSS_OF_STEP[step])
        expected = session.calibration.to_robot(cross, instrument.mount, instrument.serial)
        difference, threshold = [here.x - expected.x, here.y - expected.y, 0.0], POINT_THRESHOLD
    session.comparisons[step] = _comparison(difference, threshold)
    log.info("calibration_compared", step=step, **session.comparisons[step])
    return NEXT_STEP[step]


def _comparison(difference: List[float], threshold: List[float]) -> Dict[str, object]:
    exceeds = any(t > 0 and abs(d) > t for d, t in zip(difference, threshold))
    return {"differenceVector": [round(d, 4) for d in difference], "thresholdVector": threshold,
            "exceedsThreshold": exceeds}
