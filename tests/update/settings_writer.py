"""A child process that rewrites the settings file as fast as it can, so a test can kill -9 it mid-write."""
from __future__ import annotations

import sys
from pathlib import Path

from update_daemon.settings import SettingsStore


def main(path: str) -> None:
    store = SettingsStore(Path(path), "writer")
    count = 0
    while True:
        count += 1
        store.set_name(f"robot-{count}-" + "x" * (count % 50))
        store.set_flag("shortFixedTrash", count % 2 == 0)
        if count == 20:
            print("writing", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
