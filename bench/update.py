"""Benchmark of the update daemon's work: atomic settings writes, verifying and installing an update file."""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from update_daemon.artifact import Verifier
from update_daemon.package import build_update
from update_daemon.settings import SettingsStore
from update_daemon.slots import VersionSlots

PAYLOAD_MB = 32
WRITES = 200


def settings_writes_per_s(root: Path) -> float:
    store = SettingsStore(root / "settings.json", "bench")
    start = time.perf_counter()
    for i in range(WRITES):
        store.set_flag("shortFixedTrash", i % 2 == 0)
    return WRITES / (time.perf_counter() - start)


def update_figures(root: Path) -> dict[str, float]:
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    source = root / "checkout"
    source.mkdir()
    (source / "blob.bin").write_bytes(os.urandom(PAYLOAD_MB << 20))
    update = build_update(source, pem, "9.9.9", root / "update.zip")
    work = root / "work"
    work.mkdir()
    verifier = Verifier(key.public_key())
    start = time.perf_counter()
    verified = verifier.verify(update, work, lambda p: None, threading.Event())
    verify_s = time.perf_counter() - start
    start = time.perf_counter()
    VersionSlots(root / "software").install(verified.payload, verified.version_info, lambda p: None,
                                            threading.Event())
    install_s = time.perf_counter() - start
    return {"verify_mb_per_s": round(PAYLOAD_MB / verify_s, 1), "install_mb_per_s": round(PAYLOAD_MB / install_s, 1)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        figures = {"bench": "update", "payload_mb": PAYLOAD_MB,
                   "settings_writes_per_s": round(settings_writes_per_s(root), 1), **update_figures(root)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
