"""The Protocol API objects: labware indexing and geometry, pipette settings, contexts for notebooks."""
from __future__ import annotations

from pathlib import Path

import pytest

from bus import Unavailable
from opentrons import execute, simulate
from opentrons.engine.sim_backend import SimulationBackend
from opentrons.errors import DeckConflictError, LabwareNotFoundError, OutOfTipsError, PipetteNotFoundError, UnsupportedError
from opentrons.types import Location, Mount, Point


def test_labware_indexing_by_name_index_row_and_column() -> None:
    protocol = simulate.get_protocol_api("2.13")
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    assert plate.wells()[1] is plate["B1"] and plate.well(8) is plate["A2"]
    assert plate.wells("A1", 95)[1] is plate["H12"]
    assert [w.well_name for w in plate.rows()[0][:3]] == ["A1", "A2", "A3"]
    assert [w.well_name for w in plate.columns()[1][:2]] == ["A2", "B2"]
    assert plate.rows_by_name()["C"][0] is plate["C1"]
    assert plate.columns_by_name()["12"][7] is plate["H12"]
    assert plate.wells_by_name()["D4"] is plate["D4"]
    with pytest.raises(KeyError, match="no well 'Z9'"):
        plate["Z9"]


def test_top_bottom_center_and_offset() -> None:
    protocol = simulate.get_protocol_api("2.13")
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 1)
    well = plate["A1"]
    assert well.top().point.z - well.bottom().point.z == pytest.approx(well.depth)
    assert well.center().point.z == pytest.approx(well.bottom().point.z + well.depth / 2)
    assert isinstance(well.top(2), Location) and well.top(2).labware is well
    before = well.top().point
    plate.set_offset(1, -2, 0.5)
    assert well.top().point == Point(before.x + 1, before.y - 2, before.z + 0.5)


def test_flow_rates_follow_the_requested_api_level() -> None:
    old = simulate.get_protocol_api("2.5").load_instrument("p300_single_gen2", "left")
    new = simulate.get_protocol_api("2.6").load_instrument("p300_single_gen2", Mount.LEFT)
    assert old.flow_rate.aspirate == 46.43 and new.flow_rate.aspirate == 92.86
    with pytest.raises(ValueError, match="positive"):
        new.flow_rate.aspirate = -1


def test_pipette_properties() -> None:
    protocol = simulate.get_protocol_api("2.13")
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    p20 = protocol.load_instrument("p20_single_gen2", "right", tip_racks=[tips])
    assert (p20.min_volume, p20.max_volume, p20.channels, p20.mount) == (1.0, 20, 1, "right")
    assert p20.well_bottom_clearance.aspirate == 1.0 and not p20.has_tip
    p20.starting_tip = tips["C3"]
    p20.pick_up_tip()
    assert p20.has_tip and not tips["C3"].has_tip
    assert protocol.loaded_instruments["right"] is p20 and protocol.loaded_labwares[1] is tips


def test_out_of_tips_is_clear() -> None:
    protocol = simulate.get_protocol_api("2.13")
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 1)
    multi = protocol.load_instrument("p20_multi_gen2", "left", tip_racks=[tips])
    for _ in range(12):
        multi.pick_up_tip()
        multi.drop_tip()
    with pytest.raises(OutOfTipsError, match="reset_tipracks"):
        multi.pick_up_tip()
    multi.reset_tipracks()
    multi.pick_up_tip()


def test_loading_errors_name_what_was_expected() -> None:
    protocol = simulate.get_protocol_api("2.13")
    with pytest.raises(LabwareNotFoundError, match="Labware Library"):
        protocol.load_labware("not_a_plate", 1)
    with pytest.raises(PipetteNotFoundError, match="p300_single_gen2"):
        protocol.load_instrument("p301_single", "left")
    with pytest.raises(DeckConflictError, match="slot number 1 to 12"):
        protocol.load_labware("corning_96_wellplate_360ul_flat", 13)
    with pytest.raises(DeckConflictError, match="Slot 12 is already occupied"):
        protocol.load_labware("corning_96_wellplate_360ul_flat", 12)
    with pytest.raises(ValueError, match="'left' or 'right'"):
        protocol.load_instrument("p20_single_gen2", "middle")


def test_fixed_trash_becomes_a_trash_bin_at_2_16() -> None:
    assert repr(simulate.get_protocol_api("2.13").fixed_trash) == "Opentrons Fixed Trash on 12"
    assert repr(simulate.get_protocol_api("2.15").fixed_trash) == "Opentrons Fixed Trash"
    assert repr(simulate.get_protocol_api("2.16").fixed_trash) == "Trash Bin on slot 12"


def test_execute_context_takes_a_backend_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = SimulationBackend()
    protocol = execute.get_protocol_api("2.13", backend_factory=lambda: backend)
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    assert not protocol.is_simulating()
    assert backend.position("left") == tips["A1"].top().point
    monkeypatch.setenv("OT2_RUN_DIR", str(tmp_path))  # a bus with no motion daemon on it
    with pytest.raises(Unavailable, match="motion is not reachable"):
        execute.get_protocol_api("2.13")


def test_modules_load_labware_and_record_status() -> None:
    protocol = simulate.get_protocol_api("2.13")
    temp = protocol.load_module("temperature module gen2", 3)
    plate = temp.load_labware("opentrons_96_aluminumblock_generic_pcr_strip_200ul")
    temp.set_temperature(4)
    assert "temperatureModule/setTargetTemperature" in temp.status
    assert plate["A1"].bottom().point.z > temp.labware_origin.z
    with pytest.raises(Exception, match="not a valid module load name"):
        protocol.load_module("warp drive", 4)


def _module_setup(level: str, module_name: str, plate_name: str) -> tuple:
    protocol = simulate.get_protocol_api(level)
    tips = protocol.load_labware("opentrons_96_tiprack_20ul", 5)
    module = protocol.load_module(module_name, 1 if "heater" in module_name else None)
    plate = module.load_labware(plate_name)
    pipette = protocol.load_instrument("p20_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    return module, plate, pipette


def test_heater_shaker_latch_must_be_closed_before_pipetting() -> None:
    shaker, plate, pipette = _module_setup("2.13", "heaterShakerModuleV1", "opentrons_96_flat_bottom_adapter_nest_wellplate_200ul_flat")
    with pytest.raises(Exception, match="close_labware_latch"):
        pipette.aspirate(5, plate["A1"])
    assert pipette.current_volume == 0
    shaker.close_labware_latch()
    pipette.aspirate(5, plate["A1"])


def test_thermocycler_lid_must_be_open_from_2_14() -> None:
    cycler, plate, pipette = _module_setup("2.14", "thermocycler", "nest_96_wellplate_100ul_pcr_full_skirt")
    with pytest.raises(Exception, match="open_lid"):
        pipette.aspirate(5, plate["A1"])
    cycler.open_lid()
    pipette.aspirate(5, plate["A1"])
    _, legacy_plate, legacy_pipette = _module_setup("2.13", "thermocycler", "nest_96_wellplate_100ul_pcr_full_skirt")
    legacy_pipette.aspirate(5, legacy_plate["A1"])


def test_features_newer_than_the_api_level_are_refused() -> None:
    protocol = simulate.get_protocol_api("2.0")
    pipette = protocol.load_instrument("p300_single_gen2", "left")
    with pytest.raises(Exception, match="has_tip is not available until API version 2.7"):
        pipette.has_tip
    with pytest.raises(Exception, match="set_rail_lights is not available until API version 2.5"):
        protocol.set_rail_lights(True)
    assert simulate.get_protocol_api("2.7").load_instrument("p20_single_gen2", "left").has_tip is False


def test_bad_volumes_and_locations_are_named() -> None:
    protocol = simulate.get_protocol_api("2.13")
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    pipette = protocol.load_instrument("p300_single_gen2", "left", tip_racks=[tips])
    pipette.pick_up_tip()
    with pytest.raises(Exception, match="volume must be a number of uL, got 'ten'"):
        pipette.aspirate("ten", tips["A2"])
    with pytest.raises(Exception, match="location must be a Well or a Location"):
        pipette.aspirate(10, tips)


def test_resume_is_gone_after_2_14_and_mix_resolves_volumes_per_step() -> None:
    with pytest.raises(UnsupportedError, match="delay"):
        simulate.get_protocol_api("2.15").resume()
    protocol = simulate.get_protocol_api("2.13")
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    p50 = protocol.load_instrument("p50_single", "left", tip_racks=[tips])
    p50.pick_up_tip()
    p50.aspirate(30, tips["A2"])
    p50.mix(1, location=tips["A3"])
    texts = [entry["payload"]["text"] for entry in protocol.engine.run_log[-3:]]
    assert texts[0] == "Mixing 1 times with a volume of 20.0 ul"
    assert texts[2].startswith("Dispensing 50.0 uL")
