"""The gateway's configuration, read from the environment by its main (never on import)."""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 31950
DEFAULT_ROBOT_NAME = "opentrons-dev"
MAX_BODY_BYTES = 1024 * 1024
MAX_NAME_OCTETS = 63  # a DNS-SD instance name label


class SettingsError(ValueError):
    """A configuration value is wrong; the message names the variable and what is expected."""


@dataclass(frozen=True)
class GatewaySettings:
    """Where the gateway listens, what it advertises, and the deadlines of its bus calls."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    discovery: bool = False
    robot_name: str = DEFAULT_ROBOT_NAME
    max_body_bytes: int = MAX_BODY_BYTES
    call_timeout: float = 3.0
    motion_timeout: float = 120.0
    data_dir: str = "var/data"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "GatewaySettings":
        """Read OT2_HTTP_HOST, OT2_HTTP_PORT, OT2_DISCOVERY (on|off), OT2_ROBOT_NAME, OT2_HTTP_MAX_BODY (bytes)
        OT2_HTTP_CALL_TIMEOUT (seconds a bus call that does not move the robot may take) and OT2_DATA_DIR (stored
        protocols and runs)."""
        env = os.environ if env is None else env
        return cls(host=_host(env.get("OT2_HTTP_HOST", DEFAULT_HOST)),
                   port=_int(env, "OT2_HTTP_PORT", DEFAULT_PORT, 0, 65535),
                   discovery=_switch(env.get("OT2_DISCOVERY", "off")),
                   robot_name=_name(env.get("OT2_ROBOT_NAME", DEFAULT_ROBOT_NAME)),
                   max_body_bytes=_int(env, "OT2_HTTP_MAX_BODY", MAX_BODY_BYTES, 1024, 256 * 1024 * 1024),
                   call_timeout=_seconds(env, "OT2_HTTP_CALL_TIMEOUT", 3.0),
                   data_dir=env.get("OT2_DATA_DIR", "var/data") or "var/data")

    @property
    def loopback(self) -> bool:
        """Whether the gateway listens on a loopback address only."""
        return is_loopback(self.host)

    @property
    def advertise(self) -> bool:
        """Discovery runs only when switched on and the gateway is reachable from the network."""
        return self.discovery and not self.loopback


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or `localhost`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host(text: str) -> str:
    host = text.strip()
    if host == "localhost":
        return host
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise SettingsError(f"OT2_HTTP_HOST={text!r}: expected an IP address such as 127.0.0.1 "
                            "(or 0.0.0.0 to listen on every interface)") from None
    return host


def _int(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    text = env.get(key, str(default)).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise SettingsError(f"{key}={text!r}: expected an integer from {low} to {high}")
    return int(text)


def _seconds(env: Mapping[str, str], key: str, default: float) -> float:
    text = env.get(key, str(default)).strip()
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 600:
        raise SettingsError(f"{key}={text!r}: expected a number of seconds from 0.1 to 600")
    return value


def _switch(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("on", "off", "1", "0", "true", "false"):
        raise SettingsError(f"OT2_DISCOVERY={text!r}: expected 'on' or 'off'")
    return value in ("on", "1", "true")


def _name(text: str) -> str:
    name = text.strip()
    if not name or len(name.encode()) > MAX_NAME_OCTETS:
        raise SettingsError(f"OT2_ROBOT_NAME={text!r}: expected a name of 1 to {MAX_NAME_OCTETS} UTF-8 octets")
    return name
