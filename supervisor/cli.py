"""`ot2`: bring the whole robot up in the foreground (`ot2 start`), and see or restart its daemons."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import zmq

from bus import BusConfig, BusError, Client
from supervisor.app import StartOptions, run

RESTART_TIMEOUT = 20.0


def build_parser() -> argparse.ArgumentParser:
    """The `ot2` command line."""
    parser = argparse.ArgumentParser(prog="ot2", description="Run and control the OT-2 robot's daemons.")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="bus socket directory (default: $OT2_RUN_DIR, else /tmp/ot2-run)")
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start every daemon and watch them in the foreground (Ctrl-C stops all)")
    start.add_argument("--smoothie", default="sim", help="motor controller port: sim, a device, or socket://host:port")
    start.add_argument("--host", default="127.0.0.1", help="address the HTTP API listens on")
    start.add_argument("--port", type=int, default=31950, help="port the HTTP API listens on")
    start.add_argument("--data-dir", type=Path, default=None,
                       help="persistent data (default: $OT2_DATA_DIR, else ~/.ot2/data)")
    start.add_argument("--json-logs", action="store_true", help="JSON lines instead of readable logs")
    start.add_argument("--table", type=Path, default=None, help="JSON process table instead of the robot's daemons")
    start.add_argument("--no-preload", action="store_true",
                       help="start every daemon as a fresh interpreter instead of forking a preloaded one")
    start.add_argument("--hang-timeout", type=float, default=None,
                       help="seconds without a heartbeat before a daemon counts as hung (default 3)")
    start.add_argument("--grace", type=float, default=None,
                       help="seconds between the stop signal and SIGKILL (default 3)")
    status = sub.add_parser("status", help="show every daemon's state")
    status.add_argument("--json", action="store_true", help="print the raw status as JSON")
    restart = sub.add_parser("restart", help="restart one daemon and wait until it runs again")
    restart.add_argument("name", help="daemon name, e.g. motion")
    make_update = sub.add_parser("make-update", help="build a signed update file from a checkout")
    make_update.add_argument("--source", type=Path, default=Path("."), help="project checkout (default: .)")
    make_update.add_argument("--key", type=Path, required=True, help="PEM private key (Ed25519 or RSA)")
    make_update.add_argument("--version", required=True, help="version the update installs, e.g. 0.2.0")
    make_update.add_argument("--out", type=Path, default=Path("ot2-system.zip"), help="update file to write")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ot2` console script."""
    args = build_parser().parse_args(argv)
    env = dict(os.environ)
    if args.run_dir is not None:
        env["OT2_RUN_DIR"] = str(args.run_dir)
    try:
        config = BusConfig.from_env(env)
        if args.command == "start":
            return run(_start_options(args, env, config))
        if args.command == "make-update":
            return _make_update(args)
        return _remote(args, config)
    except BusError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 1
    except (OSError, zmq.ZMQError) as err:
        print(f"error: cannot start the supervisor: {err}", file=sys.stderr)
        return 1


def _make_update(args: argparse.Namespace) -> int:
    # imported here so that `ot2 start` and `ot2 status` do not pay for loading cryptography
    from update_daemon.package import build_update
    try:
        out = build_update(args.source, args.key.read_bytes(), args.version, args.out)
    except (OSError, ValueError) as err:
        print(f"error: cannot build the update: {err}", file=sys.stderr)
        return 1
    print(out)
    return 0


def _start_options(args: argparse.Namespace, env: dict[str, str], config: BusConfig) -> StartOptions:
    data_dir = args.data_dir or Path(env.get("OT2_DATA_DIR") or Path.home() / ".ot2" / "data")
    overrides: dict[str, Any] = {}
    if args.hang_timeout is not None:
        overrides["hang_timeout"] = args.hang_timeout
    if args.grace is not None:
        overrides["grace"] = args.grace
    return StartOptions(config=config, data_dir=data_dir.absolute(), smoothie=args.smoothie, http_host=args.host,
                        http_port=args.port, json_logs=args.json_logs, table_file=args.table, overrides=overrides,
                        base_env=env, preload=not args.no_preload)


def _remote(args: argparse.Namespace, config: BusConfig) -> int:
    ctx = zmq.Context()
    try:
        with Client(ctx, config) as client:
            if args.command == "status":
                result = client.call("supervisor.status", timeout=3.0, idempotent=True)
                print(json.dumps(result, indent=2, sort_keys=True) if args.json else format_status(result))
            else:
                snap = client.call("supervisor.restart", {"name": args.name}, timeout=RESTART_TIMEOUT)
                print(f"{args.name} restarted: {snap['state']} (pid {snap['pid']}, restarts {snap['restarts']})")
    finally:
        ctx.term()
    return 0


def format_status(status: dict[str, Any]) -> str:
    """The status as a table for a person."""
    rows = [("NAME", "STATE", "PID", "UPTIME", "RESTARTS", "CRITICAL", "LAST EXIT")]
    for name, proc in status["processes"].items():
        uptime = "-" if proc["uptime_s"] is None else f"{proc['uptime_s']:.1f}s"
        last = (proc["last_exit"] or {}).get("reason", "-")
        rows.append((name, proc["state"], str(proc["pid"] or "-"), uptime, str(proc["restarts"]),
                     "yes" if proc["critical"] else "no", last))
    for ident, one in status["spawns"].items():
        rows.append((ident, one["state"], str(one["pid"]), f"{one['runtime_s']:.1f}s", "-", "one-off",
                     one["reason"] or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows]
    if len(rows) == 1:
        lines.append("(no daemons installed)")
    return "\n".join([f"health: {status['health']}  (supervisor pid {status['pid']}, "
                      f"up {status['uptime_s']:.1f}s)", *lines])
