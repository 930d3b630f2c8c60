"""The `runs` bus service: owns stored protocols and runs, creates runs one at a time, starts their runners."""
from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import structlog

from bus import AsyncClient, BadRequest, Conflict, NotFound, Unavailable
from bus.service import ServiceHost
from run_daemon.blocking import off_loop
from run_daemon.journal import RunRecord
from run_daemon.offsets import checked_offsets
from run_daemon.protocol_ops import ProtocolOps, text_arg
from run_daemon.records import OFFSETS_FILE, RUNNER_STATUSES, RunStore, is_active, status_of, view

log = structlog.get_logger("runs.manager")
ACTIONS = ("play", "pause", "stop")
RESET_OPTIONS = ("runsHistory",)
MAX_PAGE = 2000  # commands per page: keeps a reply far under the bus's 4 MiB message limit
RUNNER_START_S = 10.0  # how long an action waits for a just-spawned runner to answer
CALL_TIMEOUT_S = 5.0


class RunsManager:
    """Runs in memory by id (their records on disk); the lock makes create, act, delete and reset atomic."""

    def __init__(self, host: ServiceHost, client: AsyncClient, data_dir: Path, analysis_time_limit_s: float) -> None:
        self.host = host
        self.client = client
        self.store = RunStore(data_dir)
        self.lock = asyncio.Lock()
        self.runs: dict[str, dict[str, Any]] = {}
        self.protocols = ProtocolOps(data_dir, self.lock, self._protocol_in_use, self._notify,
                                     analysis_time_limit_s, client)
        self.protocols.register(host.server)
        for verb in ("state", "list", "get", "create", "action", "commands", "update", "delete", "reset"):
            host.server.register(f"runs.{verb}", getattr(self, "op_" + verb))

    async def start(self) -> None:
        """Load the stored runs and resume unfinished analyses."""
        self.runs = await off_loop(self.store.load_all)
        await self.protocols.start()
        log.info("runs_loaded", runs=len(self.runs))

    def status(self) -> dict[str, Any]:
        """What the heartbeat carries."""
        current = next((rid for rid, meta in self.runs.items() if meta.get("current")), None)
        return {"runs": len(self.runs), "current": current}

    def _notify(self, kind: str, ident: str) -> None:
        # Clients re-fetch the resource on this hint, as they do on the real robot's notifications.
        self.host.publisher.publish(f"runs.changed.{kind}", {"id": ident})

    def _protocol_in_use(self, protocol_id: str) -> bool:
        return any(meta["protocolId"] == protocol_id for meta in self.runs.values())

    def _meta(self, args: dict[str, Any]) -> dict[str, Any]:
        run_id = text_arg(args, "id")
        meta = self.runs.get(run_id)
        if meta is None:
            raise NotFound(f"no run with id {run_id[:80]!r}", {"errorId": "RunNotFound"})
        return meta

    async def _view(self, meta: dict[str, Any]) -> dict[str, Any]:
        return view(meta, await off_loop(self.store.record, meta["id"]))

    async def _save(self, meta: dict[str, Any]) -> None:
        await off_loop(self.store.save, meta)
        self.runs[meta["id"]] = meta
        self._notify("run", meta["id"])

    async def op_state(self, args: dict[str, Any]) -> dict[str, Any]:
        return {**self.status(), "seq": self.host.publisher.seqs()}

    async def op_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every run, oldest first, and the id of the current one."""
        runs = [await self._view(meta) for meta in list(self.runs.values())]
        return {"runs": runs, "current": next((r["id"] for r in runs if r["current"]), None)}

    async def op_get(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self._view(self._meta(args))

    async def op_create(self, args: dict[str, Any]) -> dict[str, Any]:
        """Create the current run of a stored protocol; Conflict `RunAlreadyActive` while one has not ended."""
        protocol_id = text_arg(args, "protocolId")
        offsets = checked_offsets(args.get("labwareOffsets"))
        async with self.lock:
            await self.protocols.get(protocol_id)
            for meta in [m for m in self.runs.values() if m.get("current")]:
                record = await off_loop(self.store.record, meta["id"])
                if is_active(meta, record):
                    raise Conflict(f"run {meta['id']} is still {status_of(meta, record)}; stop it or let it finish "
                                   "first", {"errorId": "RunAlreadyActive", "runId": meta["id"]})
                await self._save({**meta, "current": False})
            meta = await off_loop(self.store.create, protocol_id, offsets)
            self.runs[meta["id"]] = meta
        log.info("run_created", id=meta["id"], protocol=protocol_id, offsets=len(offsets))
        self._notify("run", meta["id"])
        return view(meta, RunRecord())

    async def op_commands(self, args: dict[str, Any]) -> dict[str, Any]:
        """A page of the run's completed commands (`cursor`, `pageLength`) and how many there are."""
        meta = self._meta(args)
        cursor, length = args.get("cursor", 0), args.get("pageLength", 20)
        for name, value, low in (("cursor", cursor, 0), ("pageLength", length, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10**9:
                raise BadRequest(f"{name}: expected a whole number of at least {low}, got {value!r}",
                                 {"field": name})
        commands = (await off_loop(self.store.record, meta["id"])).commands
        return {"commands": commands[cursor:cursor + min(length, MAX_PAGE)], "cursor": cursor,
                "totalLength": len(commands)}

    async def op_update(self, args: dict[str, Any]) -> dict[str, Any]:
        """`current: false` dismisses a run that is not running (409 `RunNotIdle` while a runner has it)."""
        if args.get("current") is not False:
            raise BadRequest("expected {\"current\": false}: a run can only be dismissed", {"field": "current"})
        async with self.lock:
            meta = self._meta(args)
            record = await off_loop(self.store.record, meta["id"])
            if status_of(meta, record) in RUNNER_STATUSES:
                raise Conflict(f"run {meta['id']} is {status_of(meta, record)}; stop it before dismissing it",
                               {"errorId": "RunNotIdle"})
            meta = {**meta, "current": False}
            await self._save(meta)
        return view(meta, record)

    async def op_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        """Delete a run that no runner has (409 `RunNotIdle` otherwise)."""
        async with self.lock:
            meta = self._meta(args)
            record = await off_loop(self.store.record, meta["id"])
            if status_of(meta, record) in RUNNER_STATUSES:
                raise Conflict(f"run {meta['id']} is {status_of(meta, record)}; stop it before deleting it",
                               {"errorId": "RunNotIdle"})
            await off_loop(self.store.delete, meta["id"])
            del self.runs[meta["id"]]
        self._notify("run", meta["id"])
        return {"deleted": meta["id"]}

    async def op_reset(self, args: dict[str, Any]) -> dict[str, Any]:
        """Wipe every stored protocol and run (`options: ["runsHistory"]`); refused while a run is active."""
        options = args.get("options")
        if not isinstance(options, list) or not options or not set(options) <= set(RESET_OPTIONS):
            raise BadRequest(f"options: expected a list of {', '.join(RESET_OPTIONS)}, got {options!r}"[:300],
                             {"field": "options", "known": list(RESET_OPTIONS)})
        async with self.lock:
            for meta in [m for m in self.runs.values() if m.get("current")]:
                if is_active(meta, await off_loop(self.store.record, meta["id"])):
                    raise Conflict(f"run {meta['id']} is active; stop it before clearing the run history",
                                   {"errorId": "RunActive"})
            await self.protocols.wipe()
            await off_loop(self.store.wipe)
            self.runs = {}
        log.info("runs_history_cleared")
        self._notify("run", "*")
        return {"cleared": list(options)}

    async def op_action(self, args: dict[str, Any]) -> dict[str, Any]:
        """play (start or resume), pause or stop; Conflict `RunActionNotAllowed` when the status forbids it."""
        action = args.get("actionType")
        if action not in ACTIONS:
            raise BadRequest(f"actionType: expected one of {', '.join(ACTIONS)}, got {str(action)[:40]!r}",
                             {"field": "actionType"})
        async with self.lock:
            meta = self._meta(args)
            if not meta.get("current"):
                raise Conflict(f"run {meta['id']} is not the current run", {"errorId": "RunStopped"})
            record = await off_loop(self.store.record, meta["id"])
            meta = await self._act(meta, status_of(meta, record), action)
            entry = {"id": str(uuid.uuid4()), "createdAt": time.time(), "actionType": action}
            await self._save({**meta, "actions": [*meta["actions"], entry]})
        return entry

    async def _act(self, meta: dict[str, Any], status: str, action: str) -> dict[str, Any]:
        if action == "play" and status == "idle":
            await self._spawn_runner(meta)
            return {**meta, "startedAt": time.time()}
        if action == "stop" and status == "idle":
            await off_loop(self.store.end_stopped, meta["id"])
        elif status in ("running", "paused", "stop-requested"):
            await self._ask_runner(action)
        else:
            raise Conflict(f"cannot {action} a run that is {status}", {"errorId": "RunActionNotAllowed"})
        return meta

    async def _spawn_runner(self, meta: dict[str, Any]) -> None:
        main = await off_loop(self.protocols.store.main_file, meta["protocolId"])
        argv = ["python", "-m", "run_daemon.runner", "--run-id", meta["id"], str(main), "-L", str(main.parent)]
        if meta["labwareOffsets"]:
            argv += ["--labware-offsets", str(self.store.folder(meta["id"]) / OFFSETS_FILE)]
        spawned = await self.client.call("supervisor.spawn", {"id": f"run-{meta['id']}", "argv": argv},
                                         timeout=CALL_TIMEOUT_S)
        log.info("runner_spawned", id=meta["id"], pid=spawned.get("pid"))

    async def _ask_runner(self, action: str) -> None:
        # Between `play` and the runner binding its socket the runner is not there yet: wait for it, bounded.
        end = time.monotonic() + RUNNER_START_S
        while True:
            try:
                await self.client.call(f"runner.{action}", {}, timeout=CALL_TIMEOUT_S)
                return
            except Unavailable:
                if time.monotonic() > end:
                    raise
            await asyncio.sleep(0.05)

    async def runner_ended(self, run_id: str, reason: str) -> None:
        """A runner process ended: a run it left unfinished ends `failed`, with how the process ended."""
        async with self.lock:
            meta = self.runs.get(run_id)
            if meta is None or not meta.get("startedAt"):
                return
            record = await off_loop(self.store.record, run_id)
            if record.finished:
                return
            await off_loop(self.store.end_failed, run_id, record.outcome(reason)["error"])
        log.warning("run_failed_runner_died", id=run_id, reason=reason)
        self._notify("run", run_id)

    async def resync(self, supervisor_status: dict[str, Any], asked_at: float) -> None:
        """Settle every run started before `asked_at` against the supervisor's one-offs (after a gap or restart)."""
        spawns = supervisor_status.get("spawns") or {}
        for run_id, meta in list(self.runs.items()):
            spawn = spawns.get(f"run-{run_id}")
            if not meta.get("current") or not meta.get("startedAt") or meta["startedAt"] >= asked_at or \
                    (spawn is not None and spawn.get("state") == "running"):
                continue
            reason = (spawn or {}).get("reason") or "the supervisor has no record of it: the robot restarted"
            await self.runner_ended(run_id, str(reason))

