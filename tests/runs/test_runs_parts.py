"""The runs service's parts on real files: upload staging, metadata, labware offsets, the protocol store."""
from __future__ import annotations

from pathlib import Path

import pytest

from bus import BadRequest, NotFound, TooLarge
from run_daemon import uploads
from run_daemon.journal import JOURNAL_NAME, read_journal
from run_daemon.metadata import ProtocolFileError, python_metadata
from run_daemon.offsets import checked_offsets
from run_daemon.records import RunStore
from run_daemon.store import ProtocolStore, StoreError
from run_daemon.uploads import Uploads

OFFSET = {"definitionUri": "opentrons/opentrons_96_tiprack_300ul/1",
          "location": {"slotName": "1", "moduleModel": "magneticModuleV2"}, "vector": {"x": 1, "y": 0, "z": -0.5}}


def test_an_upload_in_pieces_gives_back_each_file_whole(tmp_path: Path) -> None:
    staged = Uploads(tmp_path)
    token = staged.begin()
    assert staged.write(token, "p.py", 0, b"metadata = {}\n") == 14
    assert staged.write(token, "p.py", 14, b"def run(p): pass\n") == 31
    staged.write(token, "lw.json", 0, b"{}")
    assert staged.finish(token) == [("p.py", b"metadata = {}\ndef run(p): pass\n"), ("lw.json", b"{}")]
    assert list((tmp_path / uploads.STAGING).iterdir()) == []
    with pytest.raises(NotFound, match="no upload in progress"):
        staged.write(token, "p.py", 0, b"x")


def test_upload_limits_say_what_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 3 << 20)
    staged = Uploads(tmp_path)
    token = staged.begin()
    with pytest.raises(BadRequest, match="offset 0"):
        staged.write(token, "p.py", 5, b"x")
    with pytest.raises(TooLarge, match=f"at most {uploads.MAX_CHUNK_BYTES} bytes"):
        staged.write(token, "p.py", 0, b"x" * (uploads.MAX_CHUNK_BYTES + 1))
    for piece in range(3):
        staged.write(token, "p.py", piece << 20, b"x" * (1 << 20))
    with pytest.raises(TooLarge, match="limit of 3 MiB"):
        staged.write(token, "p.py", 3 << 20, b"x")


def test_idle_uploads_are_dropped_when_a_new_one_begins(tmp_path: Path) -> None:
    now = [0.0]
    staged = Uploads(tmp_path, clock=lambda: now[0])
    old = staged.begin()
    now[0] = uploads.IDLE_TIMEOUT_S + 1
    staged.begin()
    with pytest.raises(NotFound):
        staged.finish(old)


def test_metadata_comes_from_the_literal_and_apilevel_from_requirements() -> None:
    source = b'requirements = {"apiLevel": "2.15"}\nmetadata = {"protocolName": "P", "tags": ["a"], "n": {1, 2}}\n'
    assert python_metadata("p.py", source) == {"protocolName": "P", "tags": ["a"], "n": "{1, 2}", "apiLevel": "2.15"}
    assert python_metadata("p.py", b"metadata = make()\n") == {}
    with pytest.raises(ProtocolFileError, match="p.py line 2"):
        python_metadata("p.py", b"x = 1\ndef run(:\n")


def test_offsets_are_checked_and_stamped() -> None:
    stamped = checked_offsets([OFFSET])
    assert {k: stamped[0][k] for k in OFFSET} == {**OFFSET, "vector": {"x": 1.0, "y": 0.0, "z": -0.5}}
    assert stamped[0]["id"] and stamped[0]["createdAt"] > 0
    assert checked_offsets(None) == []
    for bad, field in ((OFFSET, "expected a list"), ([{**OFFSET, "definitionUri": "plain"}], "definitionUri"),
                       ([{**OFFSET, "location": {"slotName": "13"}}], "slotName"),
                       ([{**OFFSET, "vector": {"x": 1, "y": 2, "z": float("nan")}}], "vector.z"),
                       ([{**OFFSET, "extra": 1}], "exactly definitionUri")):
        with pytest.raises(BadRequest, match=field):
            checked_offsets(bad)


def test_the_store_refuses_unreadable_files_and_deletes_whole(tmp_path: Path) -> None:
    store = ProtocolStore(tmp_path)
    with pytest.raises(StoreError, match="lw.json: expected a JSON object"):
        store.add([("p.py", b"def run(p): pass\n"), ("lw.json", b"[]")])
    record, created = store.add([("p.py", b'metadata = {"apiLevel": "2.13"}\ndef run(p): pass\n')])
    assert created and record["metadata"] == {"apiLevel": "2.13"} and store.ids() == [record["id"]]
    assert store.pending() == [record["id"]]
    store.delete(record["id"])
    assert store.all() == [] and not (tmp_path / "protocols" / record["id"]).exists()


def test_journals_are_read_as_they_grow_and_a_torn_line_does_not_swallow_the_final_status(tmp_path: Path) -> None:
    runs = RunStore(tmp_path)
    meta = runs.create("protocol-1", [])
    journal = runs.folder(meta["id"]) / JOURNAL_NAME
    journal.write_bytes(b'{"event":"status","status":"running","ts":1,"error":null}\n')
    assert runs.record(meta["id"]).status == "running"
    with open(journal, "ab") as file:
        file.write(b'{"event":"command","index":0,"commandType":"home","params":{},"status":"succeeded"}\n{"eve')
    assert [c["index"] for c in runs.record(meta["id"]).commands] == [0]
    runs.end_failed(meta["id"], {"errorType": "RunnerDied", "detail": "power lost"})
    record = runs.record(meta["id"])
    assert record.status == "failed" and len(record.commands) == 1 and record == read_journal(journal.parent)
