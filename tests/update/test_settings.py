"""The settings store: validation, persistence across instances, corrupt files set aside, kill -9 mid-write."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from bus import BadRequest
from update_daemon import reset
from update_daemon.flags import FLAGS
from update_daemon.settings import SettingsStore


def test_flags_and_name_survive_a_new_store(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json", "opentrons-dev")
    store.set_flag("enableDoorSafetySwitch", True)
    store.set_name("  Ada  ")
    again = SettingsStore(tmp_path / "settings.json", "opentrons-dev")
    assert again.load() is None
    assert again.values()["enableDoorSafetySwitch"] is True and again.robot_name == "Ada"


def test_the_view_lists_every_ot2_flag_and_links_restart_only_when_needed(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json", "x")
    view = store.view()
    assert [s["id"] for s in view["settings"]] == [f.id for f in FLAGS] and "links" not in view
    assert set(view["settings"][0]) == {"id", "old_id", "title", "description", "restart_required", "value"}
    store.set_flag("shortFixedTrash", True)
    assert "links" not in store.view()
    store.set_flag("enablePerformanceMetrics", True)
    assert store.view()["links"] == {"restart": "/server/restart"}


def test_null_restores_the_default(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json", "x")
    store.set_flag("disableHomeOnBoot", True)
    store.set_flag("disableHomeOnBoot", None)
    assert store.view()["settings"][2]["value"] is None and store.values()["disableHomeOnBoot"] is False


@pytest.mark.parametrize(("flag", "value", "says"), [("noSuchFlag", True, "no setting with id"),
                                                     (3, True, "no setting with id"),
                                                     ("shortFixedTrash", "yes", "true, false or null")])
def test_bad_flag_writes_are_refused(tmp_path: Path, flag: object, value: object, says: str) -> None:
    store = SettingsStore(tmp_path / "settings.json", "x")
    with pytest.raises(BadRequest, match=says):
        store.set_flag(flag, value)
    assert not (tmp_path / "settings.json").exists()


@pytest.mark.parametrize("name", ["", "   ", 5, None, "x" * 64, "tab\there"])
def test_bad_names_are_refused(tmp_path: Path, name: object) -> None:
    with pytest.raises(BadRequest, match="robot name"):
        SettingsStore(tmp_path / "settings.json", "x").set_name(name)


def test_a_corrupt_file_is_set_aside_and_defaults_apply(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"flags": {"shortFixedTr')
    store = SettingsStore(path, "fallback")
    assert "not valid JSON" in (store.load() or "")
    assert store.robot_name == "fallback" and (tmp_path / "settings.corrupt").exists()


def test_a_kill_9_mid_write_never_leaves_a_corrupt_file(tmp_path: Path, spawn) -> None:
    path = tmp_path / "settings.json"
    for round_ in range(5):
        writer = spawn("-m", "tests.update.settings_writer", str(path), ready="writing")
        os.kill(writer.popen.pid, signal.SIGKILL)
        writer.popen.wait(timeout=10)
        stored = json.loads(path.read_text())
        assert stored["name"].startswith("robot-"), round_
        store = SettingsStore(path, "x")
        assert store.load() is None


def test_each_reset_option_wipes_exactly_its_folders(tmp_path: Path) -> None:
    assert all(bool(option.folders) != bool(option.owner) for option in reset.OPTIONS)
    folders = {folder for option in reset.OPTIONS for folder in option.folders}
    for option in reset.OPTIONS:
        for folder in folders:
            (tmp_path / folder).mkdir(parents=True, exist_ok=True)
            (tmp_path / folder / "data.json").write_text("{}")
        reset.wipe(tmp_path, option)
        left = {folder for folder in folders if (tmp_path / folder / "data.json").exists()}
        assert left == folders - set(option.folders), option.id
