"""Smoothie firmware images of this project: their format, the one shipped with the software, and its manifest."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"OT2-SMOOTHIE-IMAGE 1"
MANIFEST = "manifest.json"
SHIPPED_DIR = Path(__file__).resolve().parent
MAX_IMAGE_BYTES = 512 * 1024  # the LPC1769 has 512 KiB of flash


class FirmwareImageError(ValueError):
    """An image or its manifest is missing, malformed or does not match; the message says which and why."""


@dataclass(frozen=True)
class FirmwareImage:
    """A verified image: the version it carries, its bytes and their SHA-256."""

    version: str
    data: bytes

    @property
    def sha256(self) -> str:
        """Lowercase hex SHA-256 of the whole image."""
        return hashlib.sha256(self.data).hexdigest()


def build_image(version: str, body: bytes) -> bytes:
    """Lay out an image: magic, version, the body's SHA-256, a blank line, then the body."""
    if not version or any(c.isspace() for c in version):
        raise FirmwareImageError(f"a firmware version must be one word, got {version!r}")
    digest = hashlib.sha256(body).hexdigest()
    return MAGIC + f"\nversion: {version}\nbody-sha256: {digest}\n\n".encode() + body


def image_version(data: bytes) -> str:
    """The version an image carries, after checking its layout and its body's own checksum."""
    header, blank, body = data.partition(b"\n\n")
    lines = header.split(b"\n")
    if not blank or len(lines) != 3 or lines[0] != MAGIC:
        raise FirmwareImageError(f"not a Smoothie image: it must start with {MAGIC.decode()!r}, a version line "
                                 "and a body-sha256 line")
    fields = dict(line.decode("ascii", "replace").partition(": ")[::2] for line in lines[1:])
    version, digest = fields.get("version", ""), fields.get("body-sha256", "")
    if not version or not digest:
        raise FirmwareImageError("the image header needs 'version: …' and 'body-sha256: …'")
    if hashlib.sha256(body).hexdigest() != digest:
        raise FirmwareImageError(f"the image body does not match its body-sha256 {digest[:12]}…: corrupt image")
    return version


def load_image(directory: Path = SHIPPED_DIR) -> FirmwareImage:
    """Read the image named by `manifest.json` in `directory`, checking its size, SHA-256 and version."""
    manifest = _read_manifest(directory / MANIFEST)
    path = directory / manifest["image"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FirmwareImageError(f"cannot read firmware image {path}: {exc}") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise FirmwareImageError(f"{path} is {len(data)} bytes; the board holds at most {MAX_IMAGE_BYTES}")
    if hashlib.sha256(data).hexdigest() != manifest["sha256"]:
        raise FirmwareImageError(f"{path} does not match the SHA-256 in its manifest: corrupt image")
    version = image_version(data)
    if version != manifest["version"]:
        raise FirmwareImageError(f"{path} carries version {version!r}, the manifest says {manifest['version']!r}")
    return FirmwareImage(version, data)


def write_manifest(directory: Path, image_name: str, data: bytes) -> None:
    """Write the manifest describing `image_name` (whose bytes are `data`) beside it."""
    manifest = {"image": image_name, "version": image_version(data), "sha256": hashlib.sha256(data).hexdigest()}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise FirmwareImageError(f"cannot read firmware manifest {path}: {exc}") from exc
    keys = ("image", "version", "sha256")
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(k), str) for k in keys):
        raise FirmwareImageError(f"{path} must be a JSON object with string fields {', '.join(keys)}")
    if Path(manifest["image"]).name != manifest["image"]:
        raise FirmwareImageError(f"{path}: 'image' must be a file name beside the manifest, got {manifest['image']!r}")
    return manifest
