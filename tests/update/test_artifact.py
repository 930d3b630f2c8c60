"""Every bad update file is refused with the real error name before anything is written; good ones pass."""
from __future__ import annotations

import io
import json
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.update.helpers import build, new_key, rewrite_member, signed_update_of
from update_daemon.artifact import (PAYLOAD, Limits, UpdateFileError, Verifier, load_public_key, safe_member_name)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Verifier]:
    private, public = new_key(tmp_path, "robot")
    return private, Verifier(load_public_key(public.read_bytes()))


def verify(verifier: Verifier, update: Path, tmp_path: Path) -> object:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return verifier.verify(update, work, lambda p: None, threading.Event())


def refused(verifier: Verifier, update: Path, tmp_path: Path) -> UpdateFileError:
    with pytest.raises(UpdateFileError) as caught:
        verify(verifier, update, tmp_path)
    return caught.value


def test_a_signed_update_passes_and_reports_its_version(keys, tmp_path: Path) -> None:
    private, verifier = keys
    verified = verify(verifier, build(tmp_path, private, "1.2.3"), tmp_path)
    assert verified.version == "1.2.3" and verified.payload.is_file()


def test_one_changed_byte_in_the_payload_is_a_hash_mismatch(keys, tmp_path: Path) -> None:
    private, verifier = keys
    update = build(tmp_path, private)
    with zipfile.ZipFile(update) as archive:
        payload = bytearray(archive.read(PAYLOAD))
    payload[len(payload) // 2] ^= 0x01
    error = refused(verifier, rewrite_member(update, PAYLOAD, bytes(payload), tmp_path / "t.zip"), tmp_path)
    assert error.short == "Hash Mismatch"


def test_an_update_signed_with_another_key_is_a_signature_mismatch(keys, tmp_path: Path) -> None:
    _, verifier = keys
    other, _ = new_key(tmp_path, "intruder")
    assert refused(verifier, build(tmp_path, other), tmp_path).short == "Signature Mismatch"


def test_a_rehashed_payload_without_a_new_signature_is_a_signature_mismatch(keys, tmp_path: Path) -> None:
    private, verifier = keys
    update = build(tmp_path, private)
    tampered = rewrite_member(update, PAYLOAD + ".hash", b"0" * 64, tmp_path / "t.zip")
    assert refused(verifier, tampered, tmp_path).short == "Hash Mismatch"


def test_a_robot_without_a_key_refuses_signed_updates(keys, tmp_path: Path) -> None:
    private, _ = keys
    assert refused(Verifier(None), build(tmp_path, private), tmp_path).short == "Signature Mismatch"


def test_signatures_can_be_made_optional(keys, tmp_path: Path) -> None:
    private, _ = keys
    update = build(tmp_path, private)
    unsigned = tmp_path / "unsigned.zip"
    with zipfile.ZipFile(update) as src, zipfile.ZipFile(unsigned, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith(".sig"):
                dst.writestr(info, src.read(info))
    assert refused(Verifier(None), unsigned, tmp_path).short == "File Missing"
    assert verify(Verifier(None, signature_required=False), unsigned, tmp_path).version == "0.2.0"


def test_rsa_keys_sign_and_verify(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = tmp_path / "rsa.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert verify(Verifier(load_public_key(public)), build(tmp_path, private), tmp_path).version == "0.2.0"


@pytest.mark.parametrize("robot_type", ["OT-3 Standard", None])
def test_another_robot_type_is_refused(keys, tmp_path: Path, robot_type: str | None) -> None:
    private, verifier = keys
    info = json.dumps({"robot_type": robot_type, "version": "9.9.9"}).encode()
    update = rewrite_member(build(tmp_path, private), "VERSION.json", info, tmp_path / "t.zip")
    assert refused(verifier, update, tmp_path).short == "Invalid Robot Type"


def test_a_corrupt_zip_is_refused(keys, tmp_path: Path) -> None:
    _, verifier = keys
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    error = refused(verifier, junk, tmp_path)
    assert error.short == "Invalid Update File" and "zip" in error.message


def test_a_truncated_update_is_refused(keys, tmp_path: Path) -> None:
    private, verifier = keys
    update = build(tmp_path, private)
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(update.read_bytes()[: update.stat().st_size // 2])
    assert refused(verifier, truncated, tmp_path).short == "Invalid Update File"


def test_missing_members_are_named(keys, tmp_path: Path) -> None:
    _, verifier = keys
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("VERSION.json", json.dumps({"robot_type": "OT-2 Standard", "version": "1"}))
    error = refused(verifier, empty, tmp_path)
    assert error.short == "File Missing" and ".hash" in error.message


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b", "C:/windows"])
def test_zip_members_escaping_the_archive_are_refused(keys, tmp_path: Path, name: str) -> None:
    private, verifier = keys
    update = rewrite_member(build(tmp_path, private), name, b"x", tmp_path / "t.zip")
    error = refused(verifier, update, tmp_path)
    assert error.short == "Invalid Update File" and "outside the archive" in error.message


def test_oversized_members_are_refused_before_reading(keys, tmp_path: Path) -> None:
    private, _ = keys
    verifier = Verifier(keys[1].key, limits=Limits(max_member_bytes=1000))
    error = refused(verifier, build(tmp_path, private), tmp_path)
    assert error.short == "Invalid Update File" and "'software.tar.gz' is" in error.message
    assert "at most 1000" in error.message


def _tar_with(entry: tarfile.TarInfo, data: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.addfile(entry, io.BytesIO(data) if data else None)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["escape", "symlink"])
def test_payload_entries_outside_or_not_plain_are_refused(keys, tmp_path: Path, kind: str) -> None:
    private, verifier = keys
    entry = tarfile.TarInfo("../../outside.py" if kind == "escape" else "link")
    if kind == "symlink":
        entry.type, entry.linkname = tarfile.SYMTYPE, "/etc/passwd"
    else:
        entry.size = 1
    update = signed_update_of(_tar_with(entry, b"x" if kind == "escape" else b""), private, tmp_path / "u.zip")
    error = refused(verifier, update, tmp_path)
    assert error.short == "Invalid Update File" and repr(entry.name) in error.message


def test_a_payload_that_is_not_a_tar_is_refused(keys, tmp_path: Path) -> None:
    private, verifier = keys
    update = signed_update_of(b"not a tar at all", private, tmp_path / "u.zip")
    assert "not a valid gzip tar" in refused(verifier, update, tmp_path).message


def test_member_names_are_checked_for_escapes() -> None:
    assert safe_member_name("a/b.py") and not safe_member_name("") and not safe_member_name("..")
