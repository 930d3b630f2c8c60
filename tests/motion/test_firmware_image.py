"""Firmware images, the simulated bootloader and the driver's programming, without processes (a real pty)."""
from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest

from motion_daemon.driver.driver import SmoothieDriver
from motion_daemon.driver.isp import FlashError
from motion_daemon.driver.state import DriverState
from motion_daemon.firmware.image import (FirmwareImageError, build_image, image_version, load_image,
                                          write_manifest)
from motion_daemon.smoothie_sim.board import BoardConfig
from motion_daemon.smoothie_sim.bootloader import Bootloader, FlashMemory
from motion_daemon.smoothie_sim.faults import FaultKnobs
from motion_daemon.smoothie_sim.pty_board import PtySmoothie


def test_the_shipped_image_carries_the_version_the_real_robot_expects() -> None:
    assert load_image().version == "edge-8414642"


def test_a_corrupted_image_is_refused_by_its_own_checksum_and_by_the_manifest(tmp_path: Path) -> None:
    shipped = load_image()
    damaged = bytearray(shipped.data)
    damaged[-10] ^= 0x01
    with pytest.raises(FirmwareImageError, match="corrupt"):
        image_version(bytes(damaged))
    with pytest.raises(FirmwareImageError, match="not a Smoothie image"):
        image_version(b"\x7fELF not ours")
    name = "smoothie-edge-8414642.img"
    write_manifest(tmp_path, name, shipped.data)
    (tmp_path / name).write_bytes(bytes(damaged))
    with pytest.raises(FirmwareImageError, match="does not match the SHA-256 in its manifest"):
        load_image(tmp_path)


def test_a_missing_or_malformed_manifest_is_explained(tmp_path: Path) -> None:
    with pytest.raises(FirmwareImageError, match="cannot read firmware manifest"):
        load_image(tmp_path)
    (tmp_path / "manifest.json").write_text('{"image": "../x.img", "version": "v", "sha256": "0"}')
    with pytest.raises(FirmwareImageError, match="file name beside the manifest"):
        load_image(tmp_path)


def _synced_bootloader() -> tuple[Bootloader, FlashMemory]:
    flash = FlashMemory("edge-old")
    loader = Bootloader(flash, lambda: False, lambda: False)
    assert loader.handle("?") == "Synchronized\r\n"
    assert loader.handle("Synchronized") == "OK\r\n"
    return loader, flash


def test_the_bootloader_rejects_a_damaged_chunk_and_an_image_that_fails_verification() -> None:
    loader, flash = _synced_bootloader()
    assert loader.handle("E") == "OK\r\n" and flash.version is None
    data = b"hello"
    assert loader.handle(f"W 0 0 {data.hex()} {zlib.crc32(b'other'):08x}") == "ERR 0 checksum\r\n"
    assert loader.handle(f"W 0 0 {data.hex()} {zlib.crc32(data):08x}") == "OK 0\r\n"
    assert loader.handle(f"V 5 {'0' * 64}") == "ERR verify sha256 mismatch\r\n"
    assert loader.handle("G") == "ERR go: no firmware in flash\r\n"


def test_the_bootloader_refuses_a_well_transferred_image_that_is_not_valid_firmware() -> None:
    loader, flash = _synced_bootloader()
    loader.handle("E")
    junk = b"not an image at all"
    loader.handle(f"W 0 0 {junk.hex()} {zlib.crc32(junk):08x}")
    assert loader.handle(f"V {len(junk)} {hashlib.sha256(junk).hexdigest()}").startswith("ERR verify image")
    assert flash.version is None


def test_the_driver_programs_the_board_and_reads_the_new_version() -> None:
    image = build_image("edge-new1234", b"body\n" * 500)
    with PtySmoothie(BoardConfig(firmware_version="edge-old")) as sim:
        driver = SmoothieDriver(sim.url)
        assert driver.connect().firmware_version == "edge-old"
        progress: list[float] = []
        snap = driver.update_firmware(image, progress.append)
        assert (snap.state, snap.firmware_version) == (DriverState.IDLE, "edge-new1234")
        assert progress[-1] == 1.0
        driver.home("X")
        driver.close()


def test_a_board_that_dies_mid_flash_leaves_the_driver_unavailable_and_a_new_attempt_recovers_it(
        tmp_path: Path) -> None:
    flash_file = tmp_path / "flash.json"
    config = BoardConfig(firmware_version="edge-old", flash_file=flash_file)
    with PtySmoothie(config, FaultKnobs(flash_failures=1)) as sim:
        driver = SmoothieDriver(sim.url)
        driver.connect()
        with pytest.raises(FlashError, match="no answer from the bootloader"):
            driver.update_firmware(load_image().data)
        snap = driver.snapshot()
        assert snap.state is DriverState.CONTROLLER_UNAVAILABLE and snap.firmware_version is None
        assert '"version": null' in flash_file.read_text()  # wiped: the board now holds only its bootloader
        assert driver.update_firmware(load_image().data).firmware_version == "edge-8414642"
        driver.close()
    # The flash persists: a board created again from the same file runs the new firmware.
    with PtySmoothie(config) as sim:
        driver = SmoothieDriver(sim.url)
        assert driver.connect().firmware_version == "edge-8414642"
        driver.close()


def test_a_flash_file_holding_garbage_leaves_the_board_in_its_bootloader(tmp_path: Path) -> None:
    flash_file = tmp_path / "flash.json"
    flash_file.write_text("{not json")
    with PtySmoothie(BoardConfig(firmware_version="edge-old", flash_file=flash_file)) as sim:
        assert sim.board.bootloader is not None and sim.board.flash.version is None
        driver = SmoothieDriver(sim.url)
        assert driver.update_firmware(load_image().data).firmware_version == "edge-8414642"
        driver.close()


def test_chunks_damaged_on_the_wire_are_resent_but_not_forever() -> None:
    image = load_image().data
    with PtySmoothie(BoardConfig(firmware_version="edge-old"), FaultKnobs(flash_noise=2)) as sim:
        driver = SmoothieDriver(sim.url)
        assert driver.update_firmware(image).firmware_version == "edge-8414642"  # two resends of chunk 0
        sim.faults.set(flash_noise=3)
        with pytest.raises(FlashError, match="refused chunk 0 at byte 0: ERR 0 checksum"):
            driver.update_firmware(image)
        driver.close()


def test_the_board_refuses_to_start_a_transfer_that_is_not_firmware() -> None:
    with PtySmoothie(BoardConfig(firmware_version="edge-old")) as sim:
        driver = SmoothieDriver(sim.url)
        with pytest.raises(FlashError, match="verify failed.*not a Smoothie image"):
            driver.update_firmware(b"\x7fELF" + bytes(2000))
        assert sim.board.bootloader is not None and sim.board.flash.version is None
        driver.close()
