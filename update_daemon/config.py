"""The update daemon's settings, read from the environment by its main (never on import)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from update_daemon.artifact import Verifier, load_public_key

DEFAULT_NAME = "opentrons-dev"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting of the update daemon is wrong; the message says which and what is expected."""


@dataclass(frozen=True)
class UpdateConfig:
    """Data directory, signing key and policy of the update daemon."""

    data_dir: Path
    key_path: Path
    signature_required: bool
    default_name: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "UpdateConfig":
        """OT2_DATA_DIR, OT2_UPDATE_KEY (PEM public key), OT2_UPDATE_SIGNATURE_REQUIRED, DEV_ROBOT_NAME."""
        data_dir = Path(env.get("OT2_DATA_DIR") or Path.home() / ".ot2" / "data")
        key_path = Path(env.get("OT2_UPDATE_KEY") or data_dir / "update" / "signing-key.pub.pem")
        required = env.get("OT2_UPDATE_SIGNATURE_REQUIRED", "true").strip().lower()
        if required not in TRUE_WORDS | FALSE_WORDS:
            raise ConfigError(f"OT2_UPDATE_SIGNATURE_REQUIRED must be true or false, got {required!r}")
        return cls(data_dir, key_path, required in TRUE_WORDS, env.get("DEV_ROBOT_NAME") or DEFAULT_NAME)

    def verifier(self) -> Verifier:
        """A verifier with the robot's key; no key file means every signed-update check fails, clearly."""
        try:
            pem = self.key_path.read_bytes()
        except FileNotFoundError:
            return Verifier(None, self.signature_required)
        except OSError as exc:
            raise ConfigError(f"cannot read the update signing key {self.key_path}: {exc}") from exc
        try:
            return Verifier(load_public_key(pem), self.signature_required)
        except ValueError as exc:
            raise ConfigError(f"{self.key_path} is not a PEM public key (Ed25519 or RSA): {exc}") from exc
