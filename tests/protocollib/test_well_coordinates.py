"""Every well of every OT-2 labware definition is where the definition file says it is."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import pytest

from opentrons.definitions import shared_data_root
from opentrons.simulate import get_protocol_api

TOLERANCE_MM = 1e-9
_SLOTS = [str(n) for n in range(1, 12)]


def _ot2_definitions() -> List[Tuple[str, int, Dict[str, Any]]]:
    """Every version of every standard labware with wells that may stand on a deck slot."""
    root = shared_data_root() / "labware" / "definitions" / "2"
    found = []
    for folder in sorted(root.iterdir()):
        for path in sorted(folder.glob("*.json"), key=lambda p: int(p.stem)):
            definition = json.loads(path.read_text(encoding="utf-8"))
            roles = set(definition.get("allowedRoles") or ["labware"])
            if definition["wells"] and roles & {"labware", "fixture"}:
                found.append((folder.name, int(path.stem), definition))
    return found


def _slot_origins() -> Dict[str, Tuple[float, float, float]]:
    deck = json.loads((shared_data_root() / "deck" / "definitions" / "3" / "ot2_standard.json").read_text())
    return {s["id"]: tuple(s["position"]) for s in deck["locations"]["orderedSlots"]}


DEFINITIONS = _ot2_definitions()


def test_the_set_covers_the_package() -> None:
    assert len({name for name, _, _ in DEFINITIONS}) > 100


@pytest.mark.parametrize("batch", range(4))
def test_well_tops_and_bottoms_match_the_definition_files(batch: int) -> None:
    origins = _slot_origins()
    checked = 0
    for index, (load_name, version, definition) in enumerate(DEFINITIONS):
        if index % 4 != batch:
            continue
        slot = _SLOTS[index % len(_SLOTS)]
        protocol = get_protocol_api("2.13")
        labware = protocol.load_labware(load_name, slot, version=version)
        corner = definition["cornerOffsetFromSlot"]
        base = [origins[slot][i] + corner[axis] for i, axis in enumerate("xyz")]
        for name, well in definition["wells"].items():
            expected_bottom = (base[0] + well["x"], base[1] + well["y"], base[2] + well["z"])
            expected_top = expected_bottom[:2] + (expected_bottom[2] + well["depth"],)
            bottom = labware[name].bottom().point
            top = labware[name].top().point
            assert all(abs(a - b) < TOLERANCE_MM for a, b in zip(bottom, expected_bottom)), (load_name, name)
            assert all(abs(a - b) < TOLERANCE_MM for a, b in zip(top, expected_top)), (load_name, name)
            checked += 1
    assert checked > 0
