"""`ot2-bus`: the bus inspector for a person at a terminal (watch events, call ops, service status, endpoints)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from typing import Any

import zmq

from bus.client import Client
from bus.endpoints import SERVICES, BusConfig
from bus.envelope import Event
from bus.errors import BusError
from bus.pubsub import HEARTBEAT_INTERVAL, Subscriber, heartbeat_topic


def _to_json(value: Any) -> str:
    return json.dumps(value, default=lambda o: o.hex() if isinstance(o, bytes) else repr(o), sort_keys=True)


def format_event(event: Event, as_json: bool) -> str:
    """One line for an event: readable by default, a JSON object with --json."""
    if as_json:
        return _to_json({"topic": event.topic, "seq": event.seq, "ts": event.ts, "source": event.source,
                         "data": event.data, "missed": event.missed})
    stamp = datetime.fromtimestamp(event.ts).strftime("%H:%M:%S.%f")[:-3]
    lost = f"  (missed {event.missed})" if event.missed else ""
    return f"{stamp} {event.topic} #{event.seq} {_to_json(event.data)}{lost}"


def cmd_watch(args: argparse.Namespace, config: BusConfig, ctx: zmq.Context) -> int:
    endpoints = [config.pub(s) for s in SERVICES]
    sub = Subscriber(ctx, endpoints, args.prefixes)
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    count = 0
    try:
        while deadline is None or time.monotonic() < deadline:
            left = None if deadline is None else deadline - time.monotonic()
            event = sub.recv(timeout=0.5 if left is None else min(0.5, max(0.0, left)))
            if event is None:
                continue
            print(format_event(event, args.json), flush=True)
            count += 1
            if args.count and count >= args.count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        sub.close()
    return 0


def cmd_call(args: argparse.Namespace, config: BusConfig, ctx: zmq.Context) -> int:
    try:
        payload = json.loads(args.args) if args.args else {}
    except json.JSONDecodeError as exc:
        print(f"error: bad_request: JSON_ARGS is not valid JSON ({exc}); expected an object like '{{\"x\": 100}}'",
              file=sys.stderr)
        return 2
    if not isinstance(payload, dict):
        print("error: bad_request: JSON_ARGS must be a JSON object, e.g. '{\"x\": 100}'", file=sys.stderr)
        return 2
    with Client(ctx, config, timeout=args.timeout) as client:
        try:
            result = client.call(args.op, payload, idempotent=args.idempotent)
        except BusError as err:
            print(f"error: {err.code}: {err.message}", file=sys.stderr)
            if err.details:
                print(f"details: {_to_json(err.details)}", file=sys.stderr)
            return 1
    print(json.dumps(result, indent=2, sort_keys=True, default=repr))
    return 0


def heartbeat_ages(config: BusConfig, ctx: zmq.Context, wait: float) -> dict[str, dict[str, Any]]:
    """Listen to every service's heartbeat for `wait` seconds; the latest beat of each, with its age."""
    topics = [heartbeat_topic(s) for s in SERVICES]
    sub = Subscriber(ctx, [config.pub(s) for s in SERVICES], topics)
    seen: dict[str, dict[str, Any]] = {}
    end = time.monotonic() + wait
    try:
        while (left := end - time.monotonic()) > 0:
            event = sub.recv(timeout=left)
            if event is not None:
                seen[event.source] = {"ts": event.ts, **(event.data if isinstance(event.data, dict) else {})}
    finally:
        sub.close()
    now = time.time()
    return {name: {**beat, "age_s": round(now - beat["ts"], 3)} for name, beat in seen.items()}


def cmd_status(args: argparse.Namespace, config: BusConfig, ctx: zmq.Context) -> int:
    beats = heartbeat_ages(config, ctx, args.wait)
    rows = []
    for name in SERVICES:
        beat = beats.get(name)
        rows.append({"service": name, "alive": beat is not None, "heartbeat_age_s": beat and beat["age_s"],
                     "pid": beat and beat.get("pid"), "rpc": config.rpc(name), "pub": config.pub(name)})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'SERVICE':<11} {'STATE':<8} {'HEARTBEAT':>10} {'PID':>7}  ENDPOINTS")
    for r in rows:
        age = f"{r['heartbeat_age_s']:.2f}s ago" if r["alive"] else "-"
        print(f"{r['service']:<11} {'up' if r['alive'] else 'silent':<8} {age:>10} {r['pid'] or '-':>7}  "
              f"{r['rpc']}  {r['pub']}")
    return 0


def cmd_list(args: argparse.Namespace, config: BusConfig, ctx: zmq.Context) -> int:
    table = {name: {"rpc": config.rpc(name), "pub": config.pub(name)} for name in SERVICES}
    if args.json:
        print(json.dumps(table, indent=2))
        return 0
    print(f"transport {config.transport}, run dir {config.run_dir}")
    for name, ends in table.items():
        print(f"{name:<11} rpc {ends['rpc']:<40} pub {ends['pub']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `ot2-bus` argument parser."""
    parser = argparse.ArgumentParser(prog="ot2-bus", description="Inspect the OT-2 message bus.")
    sub = parser.add_subparsers(dest="command", required=True)
    watch = sub.add_parser("watch", help="print live events (all topics, or those starting with a prefix)")
    watch.add_argument("prefixes", nargs="*", metavar="TOPIC_PREFIX")
    watch.add_argument("--json", action="store_true", help="one JSON object per line")
    watch.add_argument("--count", type=int, default=0, help="stop after this many events")
    watch.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    call = sub.add_parser("call", help="send one request and print its result as JSON")
    call.add_argument("op", metavar="OP", help="<service>.<verb>, e.g. motion.position")
    call.add_argument("args", metavar="JSON_ARGS", nargs="?", default="", help="a JSON object of arguments")
    call.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the reply (default 10)")
    call.add_argument("--idempotent", action="store_true", help="allow retries (only for read-only ops)")
    status = sub.add_parser("status", help="every known service with its last heartbeat age and endpoints")
    status.add_argument("--wait", type=float, default=3 * HEARTBEAT_INTERVAL, help="seconds to listen")
    status.add_argument("--json", action="store_true")
    lst = sub.add_parser("list", help="the endpoint table")
    lst.add_argument("--json", action="store_true")
    return parser


COMMANDS = {"watch": cmd_watch, "call": cmd_call, "status": cmd_status, "list": cmd_list}


def main(argv: list[str] | None = None) -> int:
    """Entry point of `ot2-bus`."""
    args = build_parser().parse_args(argv)
    try:
        config = BusConfig.from_env()
    except BusError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    ctx = zmq.Context()
    try:
        return COMMANDS[args.command](args, config, ctx)
    except BusError as err:
        print(f"error: {err.code}: {err.message}", file=sys.stderr)
        return 2
    finally:
        ctx.term()


if __name__ == "__main__":
    sys.exit(main())
