"""Shared helpers of the update tests: signing keys and update files built with the real builder."""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from update_daemon.artifact import HASH_FILE, PAYLOAD, ROBOT_TYPE, SIGNATURE_FILE, VERSION_FILE
from update_daemon.package import build_update, sign


def new_key(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh Ed25519 key pair as PEM files: (private, public)."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = directory / f"{name}.pem"
    public = directory / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def small_checkout(directory: Path, marker: str = "new") -> Path:
    """A tiny project tree to package (a real checkout works too, but costs time)."""
    source = directory / f"checkout-{marker}"
    (source / "update_daemon").mkdir(parents=True)
    (source / "update_daemon" / "marker.txt").write_text(marker)
    (source / "setup.cfg").write_text("[metadata]\nname = ot2-backend\n")
    (source / "update_daemon" / "filler.bin").write_bytes(os.urandom(4096))
    return source


def rewrite_member(update: Path, name: str, data: bytes, out: Path) -> Path:
    """A copy of `update` with member `name` replaced by (or added as) `data`."""
    with zipfile.ZipFile(update) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        dst.writestr(name, data)
    return out


def build(directory: Path, private: Path, version: str = "0.2.0", marker: str = "new") -> Path:
    """A signed update file of a small checkout."""
    return build_update(small_checkout(directory, marker), private.read_bytes(), version,
                        directory / f"update-{version}-{marker}.zip")


def signed_update_of(payload: bytes, private: Path, out: Path, version: str = "1.0") -> Path:
    """An update file around any payload bytes, hashed and signed correctly (to test the payload checks alone)."""
    hash_file = hashlib.sha256(payload).hexdigest().encode()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(VERSION_FILE, json.dumps({"robot_type": ROBOT_TYPE, "version": version}))
        archive.writestr(PAYLOAD, payload)
        archive.writestr(HASH_FILE, hash_file)
        archive.writestr(SIGNATURE_FILE, sign(private.read_bytes(), hash_file))
    return out
