"""Benchmark: GET /health and GET /motors/engaged on the gateway beside a bare aiohttp handler, same run.

The gateway and the motion daemon (simulated board) run as their own processes; the bare server is another
process serving the same JSON as /health. Concurrent keep-alive clients measure each target in alternating
blocks so that all see the same machine load. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CONCURRENCY = 16
BLOCKS = 6
BLOCK_S = 0.5
HEADERS = "Opentrons-Version: 3\r\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_bare(port: int, body: bytes) -> None:
    """The floor: an aiohttp app whose one handler returns a fixed JSON body."""
    from aiohttp import web

    async def handler(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")
    app = web.Application()
    app.router.add_get("/health", handler)
    print("ready", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def _one_connection(port: int, path: str, until: float, samples: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{HEADERS}\r\n".encode()
    try:
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"GET {path} answered {head[:60]!r}")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            samples.append(time.perf_counter() - t0)
    finally:
        writer.close()


async def _block(port: int, path: str, seconds: float, samples: list[float]) -> float:
    begin = time.perf_counter()
    await asyncio.gather(*(_one_connection(port, path, begin + seconds, samples) for _ in range(CONCURRENCY)))
    return time.perf_counter() - begin


async def compare(targets: dict[str, tuple[int, str]], blocks: int, block_s: float) -> dict[str, dict[str, float]]:
    """Alternate timed blocks of each target; requests/s and p99 latency (ms) of each."""
    samples: dict[str, list[float]] = {name: [] for name in targets}
    elapsed = dict.fromkeys(targets, 0.0)
    for port, path in targets.values():
        await _block(port, path, 0.3, [])
    for _ in range(blocks):
        for name, (port, path) in targets.items():
            elapsed[name] += await _block(port, path, block_s, samples[name])
    result = {}
    for name, found in samples.items():
        ordered = sorted(found)
        result[name] = {"rps": len(found) / elapsed[name],
                        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3}
    return result


def start(args: list[str], env: dict[str, str], ready: str) -> subprocess.Popen[str]:
    """Start `python args...`; wait until a stdout line contains `ready`."""
    proc = subprocess.Popen([sys.executable, *args], env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    for line in proc.stdout:
        if ready in line:
            return proc
    raise RuntimeError(f"{args} exited before it was ready")


def wait_healthy(port: int, timeout: float = 30.0) -> bytes:
    """Poll /health until it answers 200 (the motion daemon is ready); return the body."""
    end = time.monotonic() + timeout
    request = urllib.request.Request(f"http://127.0.0.1:{port}/health", headers={"Opentrons-Version": "3"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                return answer.read()
        except OSError:
            if time.monotonic() > end:
                raise RuntimeError("the gateway's /health did not become ready") from None
            time.sleep(0.1)


def run(blocks: int, block_s: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ot2bg-") as run_dir:
        env = {**os.environ, "OT2_RUN_DIR": run_dir, "OT2_SIM_SPEED": "0"}
        gw_port, bare_port = free_port(), free_port()
        procs = [subprocess.Popen([sys.executable, "-m", "motion_daemon"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)]
        try:
            procs.append(start(["-m", "api_gateway"], {**env, "OT2_HTTP_PORT": str(gw_port)}, "listening on"))
            body = wait_healthy(gw_port)
            procs.append(start([__file__, "--bare", str(bare_port)], {**env, "BENCH_BODY": body.decode()}, "ready"))
            wait_bare(bare_port)
            found = asyncio.run(compare({"bare": (bare_port, "/health"), "health": (gw_port, "/health"),
                                         "engaged": (gw_port, "/motors/engaged")}, blocks, block_s))
        finally:
            for proc in procs:
                proc.kill()
                proc.wait(timeout=10)
    bare = found["bare"]["rps"]
    return {"health_rps": round(found["health"]["rps"]), "engaged_rps": round(found["engaged"]["rps"]),
            "bare_rps": round(bare), "health_ratio": round(found["health"]["rps"] / bare, 3),
            "engaged_ratio": round(found["engaged"]["rps"] / bare, 3),
            "health_p99_ms": round(found["health"]["p99_ms"], 2),
            "engaged_p99_ms": round(found["engaged"]["p99_ms"], 2),
            "bare_p99_ms": round(found["bare"]["p99_ms"], 2), "concurrency": CONCURRENCY}


def wait_bare(port: int) -> None:
    end = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bare", type=int, help="serve the bare aiohttp floor on this port (internal)")
    parser.add_argument("--blocks", type=int, default=BLOCKS)
    parser.add_argument("--block-seconds", type=float, default=BLOCK_S)
    args = parser.parse_args()
    if args.bare:
        return serve_bare(args.bare, os.environ["BENCH_BODY"].encode())
    print(json.dumps(run(args.blocks, args.block_seconds)), flush=True)


if __name__ == "__main__":
    main()
