"""What `saveOffset` records in each step, and the calibration it computes and writes when the last point is in."""
from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from bus import Conflict
from opentrons.calibration_storage.attitude import AttitudeError, solve_attitude
from opentrons.types import Point

if TYPE_CHECKING:
    from calibration_daemon.session import CalibrationSession

log = structlog.get_logger("calibration.saving")
DECK_POINT_STEPS = {"savingPointOne": 1, "savingPointTwo": 2, "savingPointThree": 3}


def save_offset(session: "CalibrationSession", here: Point) -> str:
    """Record `here` for the current step; returns the next step. Writes the store when a result is complete."""
    step, kind = session.step, session.session_type
    if step == "joggingToDeck" and kind != "tipLengthCalibration":
        session.measured["deck"] = here
        return step
    if kind == "deckCalibration" and step in DECK_POINT_STEPS:
        session.measured[f"point{DECK_POINT_STEPS[step]}"] = here
        return _save_deck(session) if step == "savingPointThree" else step
    if kind == "pipetteOffsetCalibration" and step == "savingPointOne":
        return _save_pipette_offset(session, here)
    if kind == "tipLengthCalibration" and step == "measuringNozzleOffset":
        session.measured["nozzle"] = here
        return step
    if kind == "tipLengthCalibration" and step == "measuringTipOffset":
        return _save_tip_length(session, here)
    raise Conflict(f"saveOffset has nothing to save in step {step!r} of a {kind} session")


def _save_deck(session: "CalibrationSession") -> str:
    expected = [session.points.cross(i) for i in range(3)]
    measured = [session.measured[f"point{i}"] for i in (1, 2, 3)]
    try:
        matrix = solve_attitude(expected, measured)
    except AttitudeError as exc:
        for i in (1, 2, 3):
            session.measured.pop(f"point{i}", None)
        session.step = "joggingToDeck"
        log.warning("deck_calibration_refused", status=exc.status, reason=str(exc))
        raise Conflict(f"{exc.status}: {exc}; nothing was saved. Move to point one and measure the three "
                       "points again", {"error": exc.status, "status": exc.status}) from None
    instrument = session.instrument
    session.store.save_deck(matrix, instrument.serial, instrument.tip_rack_uri)
    # Offsets were measured against the old deck map; applying them on the new one would count the shift twice.
    marked = session.store.mark_pipette_offsets_bad("deck_calibration")
    session.saved = {"type": "deckCalibration", "matrix": matrix}
    log.info("deck_calibration_saved", matrix=matrix, pipette=instrument.serial, offsets_marked_bad=marked)
    return "calibrationComplete"


def _save_pipette_offset(session: "CalibrationSession", here: Point) -> str:
    instrument = session.instrument
    expected = session.calibration.to_robot(session.points.cross(0), instrument.mount, instrument.serial)
    deck = session.measured["deck"]
    offset = [here.x - expected.x, here.y - expected.y, deck.z - expected.z]
    session.store.save_pipette_offset(instrument.serial, instrument.mount, offset, instrument.tip_rack_uri)
    session.saved = {"type": "pipetteOffset", "offset": offset}
    log.info("pipette_offset_saved", pipette=instrument.serial, mount=instrument.mount, offset=offset)
    return "calibrationComplete"


def _save_tip_length(session: "CalibrationSession", here: Point) -> str:
    nozzle = session.measured.get("nozzle")
    if nozzle is None:
        raise Conflict("save the nozzle height at the reference point first (without a tip)")
    instrument = session.instrument
    length = here.z - nozzle.z + instrument.tip_length
    if not 0 < length < 200:
        raise Conflict(f"the measured tip length {length:.2f} mm is impossible; jog the tip to touch the "
                       "reference point and save again", {"error": "BAD_CALIBRATION"})
    session.store.save_tip_length(instrument.serial, instrument.tip_rack_uri, length)
    session.saved = {"type": "tipLength", "tipLength": length}
    log.info("tip_length_saved", pipette=instrument.serial, tiprack=instrument.tip_rack_uri, length=length)
    return "calibrationComplete"
