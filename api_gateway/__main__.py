"""`python -m api_gateway`: the OT-2 HTTP API (env OT2_HTTP_HOST, OT2_HTTP_PORT, OT2_DISCOVERY, OT2_ROBOT_NAME)."""
from __future__ import annotations

import sys

from api_gateway.service import run
from api_gateway.settings import GatewaySettings, SettingsError
from bus import BusConfig, BusError, configure_logging


def main() -> int:
    """Read the configuration, then serve until stopped; a bad setting exits with status 2 and says why."""
    configure_logging("gateway")
    try:
        settings, config = GatewaySettings.from_env(), BusConfig.from_env()
    except (SettingsError, BusError) as exc:
        print(f"api_gateway: {exc}", file=sys.stderr)
        return 2
    try:
        run(settings, config)
    except OSError as exc:  # typically the port is taken
        print(f"api_gateway: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
