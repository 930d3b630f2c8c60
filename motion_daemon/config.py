"""Motion daemon settings, built from the environment in one place (OT2_SMOOTHIE_PORT, OT2_SIM_*)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from motion_daemon.driver.axes import ACTIVE_CURRENTS
from motion_daemon.firmware.image import SHIPPED_DIR
from motion_daemon.smoothie_sim.board import BoardConfig
from motion_daemon.smoothie_sim.config import SimConfigError, board_config_from_env, faults_from_env
from motion_daemon.smoothie_sim.faults import FaultKnobs

SIMULATED = "sim"


class SettingsError(ValueError):
    """A motion setting is malformed; the message says what was expected."""


@dataclass(frozen=True)
class MotionSettings:
    """Where the board is and, when simulated, what it is like."""

    smoothie_port: str = SIMULATED
    board_revision: str = "2.1"
    sim_board: BoardConfig = field(default_factory=BoardConfig)
    sim_faults: FaultKnobs = field(default_factory=FaultKnobs)
    data_dir: Path = field(default_factory=lambda: Path.home() / ".ot2" / "data")
    firmware_dir: Path = SHIPPED_DIR
    firmware_check: bool = True

    @property
    def simulated(self) -> bool:
        """True when the daemon should run its own simulated board."""
        return self.smoothie_port == SIMULATED

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "MotionSettings":
        """Read OT2_SMOOTHIE_PORT (`sim`, a device path, or socket://host:port), OT2_BOARD_REVISION, OT2_SIM_*,
        OT2_DATA_DIR, OT2_SMOOTHIE_FIRMWARE_DIR (the image to keep the board on; default: the one shipped) and
        OT2_SMOOTHIE_FIRMWARE_CHECK (`on`/`off`: flash at start when the board runs another version)."""
        port = env.get("OT2_SMOOTHIE_PORT", SIMULATED).strip() or SIMULATED
        if port != SIMULATED and not (port.startswith("/") or "://" in port):
            raise SettingsError(f"OT2_SMOOTHIE_PORT must be 'sim', a device path or a URL like "
                                f"socket://host:port, got {port!r}")
        revision = env.get("OT2_BOARD_REVISION", "2.1")
        if revision not in ACTIVE_CURRENTS:
            raise SettingsError(f"OT2_BOARD_REVISION must be one of {sorted(ACTIVE_CURRENTS)}, got {revision!r}")
        check = env.get("OT2_SMOOTHIE_FIRMWARE_CHECK", "on").strip().lower() or "on"
        if check not in ("on", "off"):
            raise SettingsError(f"OT2_SMOOTHIE_FIRMWARE_CHECK must be 'on' or 'off', got {check!r}")
        try:
            return cls(port, revision, board_config_from_env(env), faults_from_env(env),
                       Path(env.get("OT2_DATA_DIR") or Path.home() / ".ot2" / "data"),
                       Path(env.get("OT2_SMOOTHIE_FIRMWARE_DIR") or SHIPPED_DIR), check == "on")
        except SimConfigError as exc:
            raise SettingsError(str(exc)) from exc
