"""Verification of an update file, done completely before anything is written to a version slot.

An update file is a zip holding `VERSION.json` (robot type and version), the software payload `software.tar.gz`,
its SHA-256 as lowercase hex in `software.tar.gz.hash`, and a signature of that hash file in
`software.tar.gz.hash.sig` (Ed25519, or RSA PKCS#1 v1.5 with SHA-256 as `openssl dgst -sha256 -sign` makes).
"""
from __future__ import annotations

import hashlib
import json
import tarfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

ROBOT_TYPE = "OT-2 Standard"
VERSION_FILE = "VERSION.json"
PAYLOAD = "software.tar.gz"
HASH_FILE = PAYLOAD + ".hash"
SIGNATURE_FILE = HASH_FILE + ".sig"
CHUNK = 1 << 20

Progress = Callable[[float], None]


class UpdateFileError(Exception):
    """A refused update file: `short` is the error name the App shows, the message says what was wrong."""

    def __init__(self, short: str, message: str) -> None:
        super().__init__(message)
        self.short = short
        self.message = message


class Cancelled(Exception):
    """The session was cancelled while this step ran."""


@dataclass(frozen=True)
class Limits:
    """Size bounds that keep a hostile file from filling the disk or memory."""

    max_member_bytes: int = 512 << 20
    max_payload_files: int = 20000
    max_small_member_bytes: int = 64 << 10


@dataclass(frozen=True)
class VerifiedUpdate:
    """What validation established: the payload's path in the download dir and the new version's facts."""

    payload: Path
    version_info: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.version_info["version"])


def safe_member_name(name: str) -> bool:
    """Whether an archive member name stays inside the archive (no absolute path, no `..`, no drive letter)."""
    path = PurePosixPath(name.replace("\\", "/"))
    return bool(name) and not path.is_absolute() and ".." not in path.parts and ":" not in path.parts[0]


def open_zip(path: Path, limits: Limits) -> zipfile.ZipFile:
    """Open the update zip, refusing a corrupt archive, escaping paths and oversized members."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UpdateFileError("Invalid Update File", f"the update file is not a valid zip archive ({exc})") from exc
    for info in archive.infolist():
        if not safe_member_name(info.filename):
            archive.close()
            raise UpdateFileError("Invalid Update File",
                                  f"the update file has a member outside the archive: {info.filename!r}")
        if info.file_size > limits.max_member_bytes:
            archive.close()
            raise UpdateFileError("Invalid Update File", f"member {info.filename!r} is {info.file_size} bytes; "
                                  f"at most {limits.max_member_bytes} are accepted")
    return archive


def read_small(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """A small member's bytes ("File Missing" when absent)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise UpdateFileError("File Missing", f"the update file has no {name}") from None
    if info.file_size > limits.max_small_member_bytes:
        raise UpdateFileError("Invalid Update File", f"{name} is {info.file_size} bytes; "
                              f"at most {limits.max_small_member_bytes} are expected")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UpdateFileError("Invalid Update File", f"{name} cannot be read ({exc})") from exc


def check_version_info(raw: bytes) -> dict[str, Any]:
    """VERSION.json must be an object naming this robot type and a version."""
    try:
        info = json.loads(raw)
    except ValueError as exc:
        raise UpdateFileError("Invalid Update File", f"{VERSION_FILE} is not valid JSON ({exc})") from exc
    if not isinstance(info, dict) or not isinstance(info.get("version"), str) or not info["version"]:
        raise UpdateFileError("Invalid Update File", f"{VERSION_FILE} must be an object with a \"version\" string")
    if info.get("robot_type") != ROBOT_TYPE:
        raise UpdateFileError("Invalid Robot Type", f"this update is for robot type {info.get('robot_type')!r}; "
                              f"this robot is {ROBOT_TYPE!r}")
    return info


def copy_and_hash(archive: zipfile.ZipFile, dest: Path, progress: Progress, cancelled: threading.Event) -> str:
    """Unzip the payload to `dest` (progress 0 to 0.5) and return its SHA-256 (0.5 to 1.0, as the real robot)."""
    try:
        info = archive.getinfo(PAYLOAD)
    except KeyError:
        raise UpdateFileError("File Missing", f"the update file has no {PAYLOAD}") from None
    total = max(info.file_size, 1)
    digest = hashlib.sha256()
    done = 0
    try:
        with archive.open(info) as src, open(dest, "wb") as out:
            while chunk := src.read(CHUNK):
                if cancelled.is_set():
                    raise Cancelled()
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                progress(min(done / total, 1.0) * 0.5)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UpdateFileError("Invalid Update File", f"{PAYLOAD} cannot be unzipped ({exc})") from exc
    progress(1.0)
    return digest.hexdigest()


def load_public_key(pem: bytes) -> ed25519.Ed25519PublicKey | rsa.RSAPublicKey:
    """The robot's update signing key (PEM); ValueError for anything else."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, (ed25519.Ed25519PublicKey, rsa.RSAPublicKey)):
        raise ValueError(f"unsupported signing key type {type(key).__name__}; expected Ed25519 or RSA")
    return key


def check_signature(key: ed25519.Ed25519PublicKey | rsa.RSAPublicKey, signed: bytes, signature: bytes) -> None:
    """"Signature Mismatch" unless `signature` over `signed` verifies with `key`."""
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed)
        else:
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise UpdateFileError("Signature Mismatch",
                              "the signature of the update file does not match this robot's signing key") from None


def check_payload_listing(payload: Path, limits: Limits) -> None:
    """The software archive may hold only plain files and folders inside itself, within the size bounds."""
    try:
        with tarfile.open(payload, "r:gz") as tar:
            members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UpdateFileError("Invalid Update File", f"{PAYLOAD} is not a valid gzip tar archive ({exc})") from exc
    if len(members) > limits.max_payload_files:
        raise UpdateFileError("Invalid Update File", f"{PAYLOAD} has {len(members)} entries; "
                              f"at most {limits.max_payload_files} are accepted")
    for member in members:
        if not safe_member_name(member.name):
            raise UpdateFileError("Invalid Update File", f"{PAYLOAD} has an entry outside the archive: {member.name!r}")
        if not (member.isfile() or member.isdir()):
            raise UpdateFileError("Invalid Update File",
                                  f"{PAYLOAD} entry {member.name!r} is not a plain file or folder")
        if member.size > limits.max_member_bytes:
            raise UpdateFileError("Invalid Update File", f"{PAYLOAD} entry {member.name!r} is {member.size} bytes; "
                                  f"at most {limits.max_member_bytes} are accepted")


@dataclass(frozen=True)
class Verifier:
    """Checks update files against the robot's key; `key` None with `signature_required` refuses every file."""

    key: ed25519.Ed25519PublicKey | rsa.RSAPublicKey | None
    signature_required: bool = True
    limits: Limits = Limits()

    def verify(self, upload: Path, workdir: Path, progress: Progress, cancelled: threading.Event) -> VerifiedUpdate:
        """Run every check on `upload`, unzipping the payload into `workdir`; raise UpdateFileError on the first."""
        with open_zip(upload, self.limits) as archive:
            info = check_version_info(read_small(archive, VERSION_FILE, self.limits))
            hash_file = read_small(archive, HASH_FILE, self.limits)
            signature = read_small(archive, SIGNATURE_FILE, self.limits) if self.signature_required else None
            payload = workdir / PAYLOAD
            digest = copy_and_hash(archive, payload, progress, cancelled)
        if hash_file.strip().decode("ascii", "replace").lower() != digest:
            raise UpdateFileError("Hash Mismatch", f"{PAYLOAD} has SHA-256 {digest}, but {HASH_FILE} says "
                                  f"{hash_file.strip()[:64].decode('ascii', 'replace')}")
        if signature is not None:
            if self.key is None:
                raise UpdateFileError("Signature Mismatch", "this robot has no update signing key installed, "
                                      "and signatures are required")
            check_signature(self.key, hash_file, signature)
        check_payload_listing(payload, self.limits)
        return VerifiedUpdate(payload, info)
