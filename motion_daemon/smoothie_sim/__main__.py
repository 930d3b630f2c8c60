"""Run the simulated Smoothie as a TCP server: `python -m motion_daemon.smoothie_sim --listen 127.0.0.1:PORT`."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from typing import Sequence

import structlog

from motion_daemon.smoothie_sim.config import SimConfigError, board_config_from_env, faults_from_env
from motion_daemon.smoothie_sim.tcp_board import TcpSmoothie

# Command-line options and the environment variables they override.
_OPTION_ENV = {
    "pipettes": "OT2_SIM_PIPETTES", "speed": "OT2_SIM_SPEED", "basic": "OT2_SIM_BASIC",
    "unknown_codes": "OT2_SIM_UNKNOWN_CODES", "delay": "OT2_SIM_DELAY", "drop_acks": "OT2_SIM_DROP_ACKS",
    "garbage": "OT2_SIM_GARBAGE", "alarm_next_move": "OT2_SIM_ALARM_NEXT_MOVE",
    "disconnect_next_move": "OT2_SIM_DISCONNECT_NEXT_MOVE",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m motion_daemon.smoothie_sim", description=__doc__)
    parser.add_argument("--listen", required=True, help="HOST:PORT to listen on (port 0 picks a free port)")
    parser.add_argument("--pipettes", help="e.g. left:p300_single_v2.0,right:p20_single_v2.2")
    parser.add_argument("--speed", help="motion speed factor: 1 real time, 0 instant")
    parser.add_argument("--basic", action="store_const", const="1", help="answer only home/move/position/version")
    parser.add_argument("--unknown-codes", choices=("error", "ignore"), help="how a basic board answers others")
    parser.add_argument("--delay", help="fault: seconds added before every reply")
    parser.add_argument("--drop-acks", help="fault: drop the replies to the next N commands")
    parser.add_argument("--garbage", help="fault: put noise before the next N replies")
    parser.add_argument("--alarm-next-move", action="store_const", const="1", help="fault: next move alarms")
    parser.add_argument("--disconnect-next-move", action="store_const", const="1", help="fault: drop link mid-move")
    return parser


def _listen_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise SimConfigError(f"--listen must be HOST:PORT, got {text!r}")
    return host, int(port)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options over the environment, serve until SIGINT/SIGTERM; prints one JSON line with the URL."""
    structlog.configure(processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
                        logger_factory=structlog.PrintLoggerFactory(sys.stderr))
    args = _parser().parse_args(argv)
    env = dict(os.environ)
    env.update({_OPTION_ENV[name]: value for name, value in vars(args).items()
                if name in _OPTION_ENV and value is not None})
    try:
        host, port = _listen_address(args.listen)
        server = TcpSmoothie(host, port, board_config_from_env(env), faults_from_env(env))
    except (SimConfigError, OSError) as exc:
        print(f"smoothie_sim: {exc}", file=sys.stderr)
        return 2
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    server.start()
    print(json.dumps({"event": "listening", "url": server.url}), flush=True)
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
