"""The `runs` service's protocol ops: uploads in pieces, the stored protocols, and their analyses."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from bus import AsyncClient, BadRequest, BusError, Conflict, NotFound
from bus.server import RequestServer
from run_daemon.analysis import MOUNTS, Attached, analyze
from run_daemon.blocking import off_loop
from run_daemon.store import ProtocolStore, StoreError
from run_daemon.uploads import Uploads

log = structlog.get_logger("runs.protocols")
# motion.pipettes is answered from the daemon's memory; a daemon that takes longer is not there to ask.
PIPETTES_TIMEOUT_S = 2.0


def protocol_not_found(protocol_id: Any) -> NotFound:
    """The error for an unknown protocol id (the robot's `ProtocolNotFound`)."""
    return NotFound(f"no protocol with id {str(protocol_id)[:80]!r}", {"errorId": "ProtocolNotFound"})


def text_arg(args: dict[str, Any], key: str) -> str:
    """A required string argument."""
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{key}: expected a non-empty string, got {value!r}"[:200], {"field": key})
    return value


class ProtocolOps:
    """Serves `runs.upload.*` and `runs.protocol*`; every change is made under the manager's lock."""

    def __init__(self, data_dir: Path, lock: asyncio.Lock, in_use: Callable[[str], bool],
                 notify: Callable[[str, str], None], analysis_time_limit_s: float, client: AsyncClient) -> None:
        self.store = ProtocolStore(data_dir)
        self._client = client
        self.uploads = Uploads(self.store.root)
        self._lock = lock
        self._in_use = in_use
        self._notify = notify
        self._time_limit = analysis_time_limit_s
        self._analysis_slot = asyncio.Semaphore(1)  # two cores: one simulation at a time leaves one for motion
        self._analyses: set[asyncio.Future[None]] = set()

    def register(self, server: RequestServer) -> None:
        """Register every op of this part of the service."""
        for op, handler in {"runs.upload.begin": self.op_upload_begin, "runs.upload.write": self.op_upload_write,
                            "runs.upload.finish": self.op_upload_finish, "runs.upload.abort": self.op_upload_abort,
                            "runs.protocols": self.op_protocols, "runs.protocol": self.op_protocol,
                            "runs.protocol.analyses": self.op_analyses,
                            "runs.protocol.delete": self.op_delete}.items():
            server.register(op, handler)

    async def start(self) -> None:
        """Drop leftover staged uploads and analyze what a restart left unanalyzed."""
        await off_loop(self.uploads.clear)
        for protocol_id in await off_loop(self.store.pending):
            self._analyze_later(protocol_id)

    async def op_upload_begin(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"token": await off_loop(self.uploads.begin)}

    async def op_upload_write(self, args: dict[str, Any]) -> dict[str, Any]:
        data, offset = args.get("data"), args.get("offset", 0)
        if not isinstance(data, bytes) or isinstance(offset, bool) or not isinstance(offset, int):
            raise BadRequest("expected {token, name, offset: int, data: bytes}")
        size = await off_loop(self.uploads.write, text_arg(args, "token"), text_arg(args, "name"), offset, data)
        return {"size": size}

    async def op_upload_abort(self, args: dict[str, Any]) -> dict[str, Any]:
        await off_loop(self.uploads.abort, text_arg(args, "token"))
        return {"aborted": True}

    async def op_upload_finish(self, args: dict[str, Any]) -> dict[str, Any]:
        """Store the uploaded files as a protocol (the same files again: the stored one, `created: false`)."""
        files = await off_loop(self.uploads.finish, text_arg(args, "token"))
        async with self._lock:
            try:
                record, created = await off_loop(self.store.add, files)
            except StoreError as exc:
                raise BadRequest(str(exc), {"errorId": "ProtocolFilesInvalid"}) from None
        if created:
            log.info("protocol_stored", id=record["id"], files=[f["name"] for f in record["files"]])
            self._notify("protocol", record["id"])
            self._analyze_later(record["id"])
        return {"protocol": record, "created": created}

    async def op_protocols(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        return await off_loop(self.store.all)

    async def op_protocol(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self.get(text_arg(args, "id"))

    async def get(self, protocol_id: str) -> dict[str, Any]:
        """A stored protocol, or the robot's ProtocolNotFound."""
        try:
            return await off_loop(self.store.get, protocol_id)
        except KeyError:
            raise protocol_not_found(protocol_id) from None

    async def op_analyses(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        protocol_id = text_arg(args, "id")
        try:
            return await off_loop(self.store.analyses, protocol_id)
        except KeyError:
            raise protocol_not_found(protocol_id) from None

    async def op_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        """Delete a protocol that no stored run uses (409 `ProtocolUsedByRun` otherwise)."""
        protocol_id = text_arg(args, "id")
        async with self._lock:
            await self.get(protocol_id)
            if self._in_use(protocol_id):
                raise Conflict(f"protocol {protocol_id} is used by a run; delete its runs first",
                               {"errorId": "ProtocolUsedByRun"})
            await off_loop(self.store.delete, protocol_id)
        self._notify("protocol", protocol_id)
        return {"deleted": protocol_id}

    async def wipe(self) -> None:
        """Remove every stored protocol and staged upload (the caller holds the lock)."""
        await off_loop(self.uploads.clear)
        await off_loop(self.store.wipe)

    def _analyze_later(self, protocol_id: str) -> None:
        task = asyncio.ensure_future(self._analyze(protocol_id))
        self._analyses.add(task)
        task.add_done_callback(self._analyses.discard)

    async def _analyze(self, protocol_id: str) -> None:
        async with self._analysis_slot:
            try:
                main = await off_loop(self.store.main_file, protocol_id)
            except KeyError:
                return  # deleted (or wiped) before its turn came
            attached = await self.attached_pipettes()
            analysis = await off_loop(analyze, main, [main.parent], self._time_limit, attached)
            async with self._lock:
                try:
                    await off_loop(self.store.save_analysis, protocol_id, analysis)
                except (KeyError, FileNotFoundError):
                    return  # deleted while it was analyzed
        log.info("protocol_analyzed", id=protocol_id, result=analysis.get("result"))
        self._notify("protocol", protocol_id)

    async def attached_pipettes(self) -> Attached | None:
        """`{mount: {model, id}}` of the attached pipettes, so the analysis places moves as the run will; None
        (a nominal analysis that says so) when the motion daemon does not answer or answers nonsense."""
        try:
            reply = await self._client.call("motion.pipettes", {}, timeout=PIPETTES_TIMEOUT_S, idempotent=True)
        except BusError as exc:
            log.warning("analysis_pipettes_unknown", error=str(exc))
            return None
        if not isinstance(reply, dict) or not all(info is None or isinstance(info, dict) for info in reply.values()):
            log.warning("analysis_pipettes_unknown", error=f"motion.pipettes replied {str(reply)[:200]}")
            return None
        return {mount: {"model": _text(info.get("model")), "id": _text(info.get("id"))}
                for mount, info in reply.items() if mount in MOUNTS and info}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
