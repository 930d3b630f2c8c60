"""`/calibration/status` in the real robot's shape, read from the store."""
from __future__ import annotations

from typing import Any, Dict

from opentrons.calibration_storage.attitude import IDENTITY
from opentrons.calibration_storage.store import CalibrationStore


def deck_view(store: CalibrationStore) -> Dict[str, Any]:
    """`{status, data: {type: attitude, matrix, lastModified, pipetteCalibratedWith, tiprack, source, status}}`."""
    status, record = store.deck_status()
    record = record or {}
    return {"status": status, "data": {
        "type": "attitude", "matrix": record.get("attitude", IDENTITY), "lastModified": record.get("lastModified"),
        "pipetteCalibratedWith": record.get("pipetteCalibratedWith"), "tiprack": record.get("tiprack"),
        "source": record.get("source"), "status": record.get("status")}}


def instrument_view() -> Dict[str, Any]:
    """The legacy per-mount instrument offsets; the OT-2 keeps them at zero since pipette offsets replaced them."""
    zero = {"single": [0.0, 0.0, 0.0], "multi": [0.0, 0.0, 0.0]}
    return {"left": dict(zero), "right": dict(zero)}
