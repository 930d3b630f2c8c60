"""Building a signed update file from a checkout: the software payload, its hash, the signature, VERSION.json."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from update_daemon.artifact import HASH_FILE, PAYLOAD, ROBOT_TYPE, SIGNATURE_FILE, VERSION_FILE

SKIPPED_DIRS = {"__pycache__", "var", "build", "dist", "node_modules"}


def _included(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(p.startswith(".") or p in SKIPPED_DIRS or p.endswith(".egg-info") for p in parts)


def payload_bytes(source: Path) -> bytes:
    """A gzip tar of the checkout's files (no hidden folders, caches, virtualenvs or run data)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink() and _included(path, source):
                tar.add(path, arcname=str(path.relative_to(source)), recursive=False)
    return buffer.getvalue()


def sign(private_key_pem: bytes, data: bytes) -> bytes:
    """Sign `data` with an Ed25519 or RSA private key (RSA: PKCS#1 v1.5 over SHA-256, as openssl dgst makes)."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise ValueError(f"unsupported signing key type {type(key).__name__}; expected Ed25519 or RSA")


def build_update(source: Path, private_key_pem: bytes, version: str, out: Path) -> Path:
    """Write a signed update file for `source` at `out` and return `out`."""
    if not source.is_dir():
        raise ValueError(f"{source} is not a folder; expected a checkout of the project")
    if not version.strip():
        raise ValueError("the version must not be empty")
    payload = payload_bytes(source)
    hash_file = hashlib.sha256(payload).hexdigest().encode() + b"\n"
    signature = sign(private_key_pem, hash_file)
    info = {"robot_type": ROBOT_TYPE, "version": version.strip()}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(VERSION_FILE, json.dumps(info))
        archive.writestr(PAYLOAD, payload)
        archive.writestr(HASH_FILE, hash_file)
        archive.writestr(SIGNATURE_FILE, signature)
    return out
