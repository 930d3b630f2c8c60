"""Settings of the simulated board, read from the environment (OT2_SIM_*) by a main or factory, never at import."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Mapping

from motion_daemon.smoothie_sim.board import MOUNT_LETTERS, BoardConfig, SimPipette
from motion_daemon.smoothie_sim.dialect import FIRMWARE_VERSION
from motion_daemon.smoothie_sim.faults import FaultKnobs


class SimConfigError(ValueError):
    """A simulator setting is malformed; the message says what was expected."""


def default_pipette_id(mount: str, model: str) -> str:
    """A stable serial number for a simulated pipette, shaped like a real one."""
    return f"SIM{mount[0].upper()}{zlib.crc32(model.encode()):010d}"


def parse_pipettes(spec: str) -> dict[str, SimPipette]:
    """Parse `left:p300_single_v2.0,right:p20_single_v2.2[:SERIAL]` into pipettes by mount."""
    found: dict[str, SimPipette] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        mount, _, rest = item.partition(":")
        model, _, serial = rest.partition(":")
        if mount not in MOUNT_LETTERS or not model:
            raise SimConfigError(f"pipette entry {item!r} must be left:<model> or right:<model>[:<serial>]")
        if mount in found:
            raise SimConfigError(f"pipette mount {mount!r} is given twice in {spec!r}")
        found[mount] = SimPipette(model, serial or default_pipette_id(mount, model))
    return found


def _number(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SimConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value >= minimum:
        raise SimConfigError(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in ("", "0", "1", "true", "false", "yes", "no"):
        raise SimConfigError(f"{name} must be 1/0 or true/false, got {raw!r}")
    return raw in ("1", "true", "yes")


def board_config_from_env(env: Mapping[str, str]) -> BoardConfig:
    """OT2_SIM_PIPETTES, OT2_SIM_SPEED (1 real time, 0 instant), OT2_SIM_BASIC, OT2_SIM_UNKNOWN_CODES,
    OT2_SIM_FW_VERSION (the factory firmware), OT2_SIM_FLASH_FILE (where the board's flash persists),
    OT2_SIM_GCODE_LOG (a file that every received line is appended to)."""
    unknown = env.get("OT2_SIM_UNKNOWN_CODES", "error") or "error"
    if unknown not in ("error", "ignore"):
        raise SimConfigError(f"OT2_SIM_UNKNOWN_CODES must be 'error' or 'ignore', got {unknown!r}")
    return BoardConfig(
        pipettes=parse_pipettes(env.get("OT2_SIM_PIPETTES", "")),
        speed_factor=_number(env, "OT2_SIM_SPEED", 0.0),
        basic=_flag(env, "OT2_SIM_BASIC"),
        unknown_codes=unknown,
        firmware_version=_firmware_version(env),
        flash_file=Path(env["OT2_SIM_FLASH_FILE"]) if env.get("OT2_SIM_FLASH_FILE") else None,
        gcode_log=env.get("OT2_SIM_GCODE_LOG") or None,
    )


def _firmware_version(env: Mapping[str, str]) -> str:
    version = env.get("OT2_SIM_FW_VERSION", "").strip() or FIRMWARE_VERSION
    if any(c.isspace() or c == "," for c in version):
        raise SimConfigError(f"OT2_SIM_FW_VERSION must be one word like edge-8414642, got {version!r}")
    return version


def faults_from_env(env: Mapping[str, str]) -> FaultKnobs:
    """OT2_SIM_DELAY, OT2_SIM_DROP_ACKS, OT2_SIM_GARBAGE, OT2_SIM_ALARM_NEXT_MOVE, OT2_SIM_DISCONNECT_NEXT_MOVE,
    OT2_SIM_FLASH_FAILURES (how many programming attempts die mid-flash), OT2_SIM_FLASH_NOISE (chunks damaged)."""
    return FaultKnobs(
        reply_delay_s=_number(env, "OT2_SIM_DELAY", 0.0),
        drop_acks=int(_number(env, "OT2_SIM_DROP_ACKS", 0)),
        garbage_replies=int(_number(env, "OT2_SIM_GARBAGE", 0)),
        alarm_next_move=_flag(env, "OT2_SIM_ALARM_NEXT_MOVE"),
        disconnect_next_move=_flag(env, "OT2_SIM_DISCONNECT_NEXT_MOVE"),
        flash_failures=int(_number(env, "OT2_SIM_FLASH_FAILURES", 0)),
        flash_noise=int(_number(env, "OT2_SIM_FLASH_NOISE", 0)),
    )
