"""`/protocols` and `/runs`: stored protocols with their analyses, and runs executed by runner processes."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web

from api_gateway.context import Call
from api_gateway.errors import ApiError, invalid
from bus import BusError
from run_daemon.analysis import analyze
from run_daemon.journal import RunJournal, read_journal
from run_daemon.store import ProtocolStore, StoreError, write_json

ACTIONS = ("play", "pause", "stop")
EXIT_POLL_S = 0.5


def _data_dir(call: Call) -> Path:
    return Path(call.gateway.settings.data_dir)


def _protocol_id(call: Call, store: ProtocolStore) -> str:
    protocol_id = call.request.match_info["protocolId"]
    try:
        store.get(protocol_id)
    except KeyError:
        raise ApiError(404, f"no protocol with id {protocol_id[:80]!r}", error_id="ProtocolNotFound") from None
    return protocol_id


async def post_protocol(call: Call) -> web.Response:
    """Store an uploaded protocol (multipart `files`) and analyze it in a child process in the background."""
    if not call.request.content_type.startswith("multipart/"):
        raise invalid("expected a multipart/form-data body with one or more `files` parts")
    files: list[tuple[str, bytes]] = []
    reader = await call.request.multipart()
    async for part in reader:
        if getattr(part, "name", None) == "files" and part.filename:
            files.append((part.filename, bytes(await part.read())))
    store = ProtocolStore(_data_dir(call))
    try:
        record, created = store.add(files)
    except StoreError as exc:
        raise ApiError(422, str(exc), error_id="ProtocolFilesInvalid") from None
    if created:
        task = asyncio.ensure_future(_analyze(store, record["id"]))
        call.gateway.background.add(task)
        task.add_done_callback(call.gateway.background.discard)
    return web.json_response({"data": record}, status=201 if created else 200)


async def _analyze(store: ProtocolStore, protocol_id: str) -> None:
    main = store.main_file(protocol_id)
    analysis = await asyncio.get_running_loop().run_in_executor(None, analyze, main, [main.parent])
    store.save_analysis(protocol_id, analysis)


async def get_protocol(call: Call) -> web.Response:
    """One stored protocol."""
    store = ProtocolStore(_data_dir(call))
    return web.json_response({"data": store.get(_protocol_id(call, store))})


async def get_analyses(call: Call) -> web.Response:
    """A protocol's analyses: pending while the child process runs, then the full result."""
    store = ProtocolStore(_data_dir(call))
    return web.json_response({"data": store.analyses(_protocol_id(call, store))})


def _runs_root(call: Call) -> Path:
    return _data_dir(call) / "runs"


def _run_meta(call: Call, run_id: str) -> dict[str, Any]:
    path = _runs_root(call) / run_id / "run.json"
    if "/" in run_id or not path.exists():
        raise ApiError(404, f"no run with id {run_id[:80]!r}", error_id="RunNotFound")
    return json.loads(path.read_text(encoding="utf-8"))


def _run_view(call: Call, meta: dict[str, Any]) -> dict[str, Any]:
    record = read_journal(_runs_root(call) / meta["id"])
    status, error = (record.status or "idle"), (record.statuses[-1]["error"] if record.statuses else None)
    exit_reason = call.gateway.run_exits.get(meta["id"])
    if exit_reason is not None and not record.finished:
        status, error = "failed", record.outcome(exit_reason)["error"]
    return {**meta, "status": status, "errors": [error] if error else [], "actions": [], "pipettes": [],
            "modules": [], "labware": [], "liquids": [], "labwareOffsets": [], "runTimeParameters": [],
            "outputFileIds": [], "hasEverEnteredErrorRecovery": False, "ok": True}


def _active_run(call: Call) -> dict[str, Any] | None:
    root = _runs_root(call)
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in root.glob("*/run.json")] if root.exists() else []
    views = [_run_view(call, m) for m in metas if m.get("current")]
    return next((v for v in views if v["status"] not in ("stopped", "failed", "succeeded")), None)


async def post_run(call: Call) -> web.Response:
    """Create the current run of a stored protocol; 409 while another run is active."""
    body = await call.json_body()
    data = body.get("data") if isinstance(body, dict) else None
    protocol_id = data.get("protocolId") if isinstance(data, dict) else None
    if not isinstance(protocol_id, str):
        raise invalid("expected {\"data\": {\"protocolId\": \"<id of an uploaded protocol>\"}}")
    try:
        ProtocolStore(_data_dir(call)).get(protocol_id)
    except KeyError:
        raise ApiError(404, f"no protocol with id {protocol_id[:80]!r}", error_id="ProtocolNotFound") from None
    active = _active_run(call)
    if active is not None:
        raise ApiError(409, f"run {active['id']} is still {active['status']}; stop or finish it first",
                       error_id="RunAlreadyActive")
    meta = {"id": str(uuid.uuid4()), "createdAt": time.time(), "protocolId": protocol_id, "current": True}
    folder = _runs_root(call) / meta["id"]
    folder.mkdir(parents=True)
    write_json(folder / "run.json", meta)
    return web.json_response({"data": _run_view(call, meta)}, status=201)


async def get_run(call: Call) -> web.Response:
    """One run with its status (from its journal, or failed when its runner died)."""
    return web.json_response({"data": _run_view(call, _run_meta(call, call.request.match_info["runId"]))})


async def post_action(call: Call) -> web.Response:
    """play (start or resume), pause or stop; 409 when the run's status does not allow it."""
    view = _run_view(call, _run_meta(call, call.request.match_info["runId"]))
    body = await call.json_body()
    data = body.get("data") if isinstance(body, dict) else None
    action = data.get("actionType") if isinstance(data, dict) else None
    if action not in ACTIONS:
        raise invalid(f"expected {{\"data\": {{\"actionType\": one of {', '.join(ACTIONS)}}}}}, got {action!r}")
    await _act(call, view, action)
    return web.json_response({"data": {"id": str(uuid.uuid4()), "createdAt": time.time(), "actionType": action}},
                             status=201)


async def _act(call: Call, view: dict[str, Any], action: str) -> None:
    status = view["status"]
    if action == "play" and status == "idle":
        main = ProtocolStore(_data_dir(call)).main_file(view["protocolId"])
        argv = ["python", "-m", "run_daemon", "--run-id", view["id"], str(main), "-L", str(main.parent)]
        await call.bus({"id": f"run-{view['id']}", "argv": argv}, op="supervisor.spawn")
        _watch_exit(call, view["id"])
    elif action == "stop" and status == "idle":
        journal = RunJournal(_runs_root(call) / view["id"])
        journal.append({"event": "status", "status": "stopped", "ts": time.time(), "error": None})
        journal.close()
    elif status in ("running", "paused", "stop-requested"):
        await call.bus({}, op=f"runner.{action}")
    else:
        raise ApiError(409, f"cannot {action} a run that is {status}", error_id="RunActionNotAllowed")


def _watch_exit(call: Call, run_id: str) -> None:
    async def watch() -> None:
        while True:
            try:
                spawns = (await call.gateway.client.call("supervisor.status", {}, idempotent=True))["spawns"]
            except BusError:  # the supervisor is restarting or busy: ask again on the next round
                spawns = {f"run-{run_id}": {"state": "unknown"}}
            spawned = spawns.get(f"run-{run_id}")
            if spawned is None or spawned["state"] == "exited":
                call.gateway.run_exits[run_id] = (spawned or {}).get("reason") or "the runner is gone"
                return
            await asyncio.sleep(EXIT_POLL_S)
    task = asyncio.ensure_future(watch())
    call.gateway.background.add(task)
    task.add_done_callback(call.gateway.background.discard)


async def get_commands(call: Call) -> web.Response:
    """The run's completed commands, paged (`cursor`, `pageLength`)."""
    meta = _run_meta(call, call.request.match_info["runId"])
    commands = read_journal(_runs_root(call) / meta["id"]).commands
    try:
        cursor = int(call.request.query.get("cursor", 0))
        length = int(call.request.query.get("pageLength", 20))
    except ValueError:
        raise invalid("cursor and pageLength must be whole numbers") from None
    page = [{"id": f"command-{c['index']}", "key": f"command-{c['index']}", "intent": "protocol",
             "createdAt": c["startedAt"], **{k: v for k, v in c.items() if k not in ("event", "index")}}
            for c in commands[max(cursor, 0):max(cursor, 0) + max(length, 0)]]
    return web.json_response({"data": page, "meta": {"cursor": cursor, "totalLength": len(commands)}})
