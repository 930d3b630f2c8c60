"""Benchmark of Smoothie programming through the driver: the shipped image flashed onto the simulated board."""
from __future__ import annotations

import json
import statistics
import time

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.firmware.image import load_image
from motion_daemon.smoothie_sim.board import BoardConfig
from motion_daemon.smoothie_sim.pty_board import PtySmoothie

ROUNDS = 5


def flash_seconds(image: bytes) -> list[float]:
    """Seconds per full update (bootloader entry, sync, wipe, write, verify, start, reconnect and set-up)."""
    times = []
    with PtySmoothie(BoardConfig(firmware_version="edge-old")) as sim:
        driver = SmoothieDriver(sim.url)
        driver.connect()
        for _ in range(ROUNDS):
            start = time.perf_counter()
            driver.update_firmware(image)
            times.append(time.perf_counter() - start)
        driver.close()
    return times


def main() -> None:
    image = load_image()
    times = flash_seconds(image.data)
    median = statistics.median(times)
    print(json.dumps({"bench": "firmware", "image_bytes": len(image.data), "rounds": ROUNDS,
                      "flash_s_median": round(median, 4), "flash_s_max": round(max(times), 4),
                      "kib_per_s": round(len(image.data) / 1024 / median, 1)}))


if __name__ == "__main__":
    main()
