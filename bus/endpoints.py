"""The one place that derives every bus address from configuration (OT2_RUN_DIR, OT2_BUS_*)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bus.errors import BadRequest

# Services with a fixed place on the bus. Their order fixes their tcp ports, so append, never reorder.
SERVICES: tuple[str, ...] = ("supervisor", "motion", "gateway", "update", "runner", "analysis", "calibration",
                            "runs")
DEFAULT_RUN_DIR = "/tmp/ot2-run"
DEFAULT_TCP_BASE_PORT = 37100
IPC_PATH_MAX = 100  # sun_path is 108 bytes on Linux; keep a margin for the socket name


@dataclass(frozen=True)
class BusConfig:
    """Where every service's request (`.rpc`) and event (`.pub`) sockets live."""

    run_dir: Path
    transport: str = "ipc"
    host: str = "127.0.0.1"
    base_port: int = DEFAULT_TCP_BASE_PORT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "BusConfig":
        """Read OT2_RUN_DIR (see `default_run_dir`), OT2_BUS_TRANSPORT (ipc|tcp), OT2_BUS_HOST, OT2_BUS_BASE_PORT."""
        env = os.environ if env is None else env
        transport = env.get("OT2_BUS_TRANSPORT", "ipc").strip().lower()
        if transport not in ("ipc", "tcp"):
            raise BadRequest(f"OT2_BUS_TRANSPORT={transport!r}: expected 'ipc' or 'tcp'")
        port_text = env.get("OT2_BUS_BASE_PORT", str(DEFAULT_TCP_BASE_PORT))
        if not port_text.isdigit() or not 1024 <= int(port_text) <= 65535 - 2 * len(SERVICES):
            raise BadRequest(f"OT2_BUS_BASE_PORT={port_text!r}: expected a port number from 1024 to 65000")
        run_dir = Path(env["OT2_RUN_DIR"]) if env.get("OT2_RUN_DIR") else default_run_dir()
        return cls(run_dir.absolute(), transport, env.get("OT2_BUS_HOST", "127.0.0.1"), int(port_text))

    def rpc(self, service: str) -> str:
        """The request/reply endpoint of a service."""
        return self._address(service, "rpc", 0)

    def pub(self, service: str) -> str:
        """The event endpoint of a service."""
        return self._address(service, "pub", 1)

    def ensure_run_dir(self) -> Path:
        """Create the run directory, readable by this user only (0700); apps call this before binding."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.run_dir, 0o700)
        return self.run_dir

    def as_env(self) -> dict[str, str]:
        """The environment that makes a child process derive the same addresses."""
        return {"OT2_RUN_DIR": str(self.run_dir), "OT2_BUS_TRANSPORT": self.transport,
                "OT2_BUS_HOST": self.host, "OT2_BUS_BASE_PORT": str(self.base_port)}

    def _address(self, service: str, kind: str, offset: int) -> str:
        if service not in SERVICES:
            raise BadRequest(f"unknown service {service!r}; known services: {', '.join(SERVICES)}")
        if self.transport == "tcp":
            return f"tcp://{self.host}:{self.base_port + 2 * SERVICES.index(service) + offset}"
        path = self.run_dir / f"{service}.{kind}"
        if len(str(path)) > IPC_PATH_MAX:
            raise BadRequest(f"ipc path {path} is longer than {IPC_PATH_MAX} characters; set a shorter OT2_RUN_DIR")
        return f"ipc://{path}"


def default_run_dir(cwd: Path | None = None) -> Path:
    """Without OT2_RUN_DIR: `var/run` of the current folder when it exists (a robot started there with
    `make run`, so `ot2 status` in another terminal of the checkout finds it), else the system default."""
    local = (cwd or Path.cwd()) / "var" / "run"
    return local if local.is_dir() else Path(DEFAULT_RUN_DIR)


def service_of(op: str) -> str:
    """The service an op belongs to (`motion.move` -> `motion`)."""
    service, dot, verb = op.partition(".")
    if not dot or not service or not verb:
        raise BadRequest(f"op {op!r} must have the form '<service>.<verb>'")
    return service
