"""`/protocols` and `/runs`: HTTP in front of the `runs` service, which owns every protocol and run."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import BodyPartReader, web

from api_gateway.context import Call
from api_gateway.errors import invalid
from bus import BusError

UPLOAD_CHUNK = 1 << 20  # one `runs.upload.write`, well under the bus's 4 MiB message limit
ACTION_TIMEOUT_S = 15.0
TIMESTAMPS = frozenset({"createdAt", "startedAt", "completedAt"})  # a stop waits for the halt; an action just after play waits for the runner to come up


async def _runs(call: Call, op: str, args: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
    """Call a `runs` op; its errors become the robot's (the error id from `details.errorId`)."""
    return _wire(await call.bus(args, op=op, timeout=timeout))


def _wire(value: Any) -> Any:
    """An answer in the robot's shape: the service keeps epoch seconds; HTTP clients (the App) read timestamps as
    ISO 8601 strings in UTC."""
    if isinstance(value, dict):
        return {key: _iso(item) if key in TIMESTAMPS else _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    return value


def _iso(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc).isoformat(timespec="microseconds")
    return _wire(value)


def _listing(items: list[Any]) -> dict[str, Any]:
    return {"data": items, "meta": {"cursor": 0, "totalLength": len(items)}}


async def post_protocol(call: Call) -> web.Response:
    """Stream the multipart `files` to the runs service in pieces; 201 new, 200 when the same files came before."""
    if not call.request.content_type.startswith("multipart/"):
        raise invalid("expected a multipart/form-data body with one or more `files` parts")
    token = (await _runs(call, "runs.upload.begin"))["token"]
    try:
        await _send_files(call, token)
        done = await _runs(call, "runs.upload.finish", {"token": token})
    except BaseException:
        await _abort(call, token)
        raise
    return web.json_response({"data": done["protocol"]}, status=201 if done["created"] else 200)


async def _send_files(call: Call, token: str) -> None:
    reader = await call.request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name != "files":
            continue  # other fields (key, protocolKind, run-time parameters) are not used on this robot
        if not part.filename:
            raise invalid("each `files` part needs a file name (Content-Disposition filename)")
        offset = 0
        while chunk := await part.read_chunk(UPLOAD_CHUNK):
            await _runs(call, "runs.upload.write", {"token": token, "name": part.filename, "offset": offset,
                                                    "data": bytes(chunk)})
            offset += len(chunk)
        if offset == 0:  # an empty file still counts as a file (and is refused by name rules or content)
            await _runs(call, "runs.upload.write", {"token": token, "name": part.filename, "offset": 0,
                                                    "data": b""})


async def _abort(call: Call, token: str) -> None:
    try:
        await call.gateway.client.call("runs.upload.abort", {"token": token}, timeout=1.0)
    except BusError:
        pass  # the runs service drops an upload left idle for a minute anyway


async def get_protocols(call: Call) -> web.Response:
    """Every stored protocol, oldest first."""
    return web.json_response(_listing(await _runs(call, "runs.protocols")))


async def get_protocol_ids(call: Call) -> web.Response:
    """The ids of every stored protocol."""
    return web.json_response(_listing([p["id"] for p in await _runs(call, "runs.protocols")]))


async def get_protocol(call: Call) -> web.Response:
    """One stored protocol."""
    found = await _runs(call, "runs.protocol", {"id": call.request.match_info["protocolId"]})
    return web.json_response({"data": found})


async def delete_protocol(call: Call) -> web.Response:
    """Delete a protocol (409 `ProtocolUsedByRun` while a stored run uses it)."""
    await _runs(call, "runs.protocol.delete", {"id": call.request.match_info["protocolId"]})
    return web.json_response({})


async def get_analyses(call: Call) -> web.Response:
    """A protocol's analyses: pending while its child process runs, then the full result."""
    found = await _runs(call, "runs.protocol.analyses", {"id": call.request.match_info["protocolId"]})
    return web.json_response({"data": found})


async def post_run(call: Call) -> web.Response:
    """Create the current run of a stored protocol, with optional labware offsets; 409 while a run is active."""
    body = await call.json_body()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("protocolId"), str):
        raise invalid('expected {"data": {"protocolId": "<id of an uploaded protocol>", "labwareOffsets"?: [...]}}')
    args = {"protocolId": data["protocolId"], "labwareOffsets": data.get("labwareOffsets")}
    return web.json_response({"data": _run_out(await _runs(call, "runs.create", args))}, status=201)


def _run_out(run: dict[str, Any]) -> dict[str, Any]:
    return {**run, "links": {"commands": {"href": f"/runs/{run['id']}/commands"}}}


async def get_runs(call: Call) -> web.Response:
    """Every run, oldest first (the last `pageLength` of them when given), with a link to the current one."""
    listed = await _runs(call, "runs.list")
    runs = listed["runs"]
    length = _whole(call, "pageLength", len(runs))
    links = {"current": {"href": f"/runs/{listed['current']}"}} if listed["current"] else {}
    page = runs[max(len(runs) - length, 0):]
    return web.json_response({"data": [_run_out(r) for r in page], "links": links,
                              "meta": {"cursor": len(runs) - len(page), "totalLength": len(runs)}})


def _whole(call: Call, name: str, default: int) -> int:
    text = call.request.query.get(name)
    if text is None:
        return default
    if not text.isdigit():
        raise invalid(f"{name}: expected a whole number, got {text[:20]!r}", source={"parameter": name})
    return int(text)


async def get_run(call: Call) -> web.Response:
    """One run: status, actions, errors, what it loaded so far, its labware offsets."""
    run = await _runs(call, "runs.get", {"id": call.request.match_info["runId"]})
    return web.json_response({"data": _run_out(run)})


async def patch_run(call: Call) -> web.Response:
    """`{"data": {"current": false}}` dismisses a run that is not running."""
    body = await call.json_body()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or data.get("current") is not False:
        raise invalid('expected {"data": {"current": false}}')
    run = await _runs(call, "runs.update", {"id": call.request.match_info["runId"], "current": False})
    return web.json_response({"data": _run_out(run)})


async def delete_run(call: Call) -> web.Response:
    """Delete a run that is not running (409 `RunNotIdle` otherwise)."""
    await _runs(call, "runs.delete", {"id": call.request.match_info["runId"]})
    return web.json_response({})


async def post_action(call: Call) -> web.Response:
    """play (start or resume), pause or stop; 409 `RunActionNotAllowed` when the run's status forbids it."""
    body = await call.json_body()
    data = body.get("data") if isinstance(body, dict) else None
    action = data.get("actionType") if isinstance(data, dict) else None
    if action not in ("play", "pause", "stop"):
        raise invalid(f'expected {{"data": {{"actionType": one of play, pause, stop}}}}, got {str(action)[:40]!r}')
    entry = await _runs(call, "runs.action", {"id": call.request.match_info["runId"], "actionType": action},
                        timeout=ACTION_TIMEOUT_S)
    return web.json_response({"data": entry}, status=201)


async def get_commands(call: Call) -> web.Response:
    """The run's completed commands, paged (`cursor`, `pageLength`)."""
    args = {"id": call.request.match_info["runId"], "cursor": _whole(call, "cursor", 0),
            "pageLength": _whole(call, "pageLength", 20)}
    page = await _runs(call, "runs.commands", args)
    commands = [{"id": f"command-{c['index']}", "key": f"command-{c['index']}", "intent": "protocol",
                 "createdAt": c["startedAt"], **{k: v for k, v in c.items() if k not in ("event", "index")}}
                for c in page["commands"]]
    return web.json_response({"data": commands, "meta": {"cursor": page["cursor"],
                                                         "totalLength": page["totalLength"]}})
