"""The `update` bus service: settings, feature flags, robot name, reset, health and software-update sessions."""
from __future__ import annotations

import asyncio
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from bus import AsyncClient, BadRequest, BusError, Conflict, NotFound, Unavailable
from bus.service import ServiceHost
from update_daemon import reset
from update_daemon.artifact import Verifier
from update_daemon.robot_config import robot_config
from update_daemon.session import UpdateSession
from update_daemon.settings import SettingsStore
from update_daemon.slots import VersionSlots

log = structlog.get_logger("update.service")
RESTART_DELAY_S = 1.0
RESET_TIMEOUT_S = 10.0  # an owner wipes its folders; a busy one may take a moment
COMMIT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class UpdatePaths:
    """Where the daemon keeps its data under the data directory."""

    data_dir: Path

    @property
    def settings(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def software(self) -> Path:
        return self.data_dir / "software"

    @property
    def downloads(self) -> Path:
        return self.data_dir / "update" / "downloads"


class UpdateService:
    """All of the daemon's state: the settings store, the version slots and at most one update session."""

    def __init__(self, host: ServiceHost, paths: UpdatePaths, store: SettingsStore, verifier: Verifier,
                 software_version: str) -> None:
        self.host = host
        self.paths = paths
        self.store = store
        self.verifier = verifier
        self.slots = VersionSlots(paths.software)
        self.software_version = software_version
        self.boot_id = uuid.uuid4().hex
        self.session: UpdateSession | None = None
        self._restart_task: asyncio.Future[None] | None = None
        self._commit_lock = asyncio.Lock()
        for verb in ("state", "health", "name", "name.set", "settings", "settings.set", "settings.robot",
                     "reset.options", "reset", "begin", "file", "status", "commit", "cancel", "restart"):
            host.server.register(f"update.{verb}", getattr(self, "op_" + verb.replace(".", "_")))

    def recover(self) -> list[str]:
        """Start clean after any crash: no download, no half-written slot. Returns what was cleaned."""
        cleaned = [str(p) for p in self.slots.clean_partial()]
        if self.paths.downloads.exists():
            cleaned.append(str(self.paths.downloads))
            shutil.rmtree(self.paths.downloads, ignore_errors=True)
        return cleaned

    def running_version(self) -> str:
        """The version of the software running now (a committed update runs only after the restart)."""
        return self.software_version

    # -- settings, name, reset -------------------------------------------------------------------------------

    def op_state(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"name": self.store.robot_name, "settings": self.store.values(), "version": self.running_version(),
                "active": self.slots.active(),
                "boot_id": self.boot_id, "session": self.session.state() if self.session else None,
                "seq": self.host.publisher.seqs()}

    def op_name(self, args: dict[str, Any]) -> dict[str, str]:
        return {"name": self.store.robot_name}

    def op_name_set(self, args: dict[str, Any]) -> dict[str, str]:
        if "name" not in args:
            raise BadRequest("a name is required: {\"name\": \"<robot name>\"}", {"field": "name"})
        name = self.store.set_name(args["name"])
        self.host.publisher.publish("update.name", {"name": name})
        return {"name": name}

    def op_settings(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.store.view()

    def op_settings_set(self, args: dict[str, Any]) -> dict[str, Any]:
        if "id" not in args:
            raise BadRequest("a setting id is required: {\"id\": \"<flag id>\", \"value\": true|false|null}",
                             {"field": "id"})
        self.store.set_flag(args["id"], args.get("value"))
        self.host.publisher.publish("update.settings", {"settings": self.store.values()})
        return self.store.view()

    def op_settings_robot(self, args: dict[str, Any]) -> dict[str, Any]:
        config = robot_config()
        config["name"] = self.store.robot_name
        return config

    def op_reset_options(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"options": [{"id": o.id, "name": o.name, "description": o.description} for o in reset.OPTIONS]}

    async def op_reset(self, args: dict[str, Any]) -> dict[str, str]:
        unknown = [key for key in args if key not in reset.BY_ID]
        bad = [key for key, value in args.items() if not isinstance(value, bool)]
        if unknown or bad:
            raise BadRequest(f"reset takes a map of option ids to true/false; unknown ids {unknown}, "
                             f"non-boolean values for {bad}; options: {', '.join(reset.BY_ID)}",
                             {"unknown": unknown, "not_bool": bad})
        chosen = [reset.BY_ID[key] for key, value in args.items() if value]
        if not chosen:
            return {"message": "Nothing to do"}
        done = await self._reset_through_owners(chosen)
        for option in chosen:
            if option.owner is None:
                reset.wipe(self.paths.data_dir, option)
                done.append(option.id)
        self.host.publisher.publish("update.reset", {"options": done})
        return {"message": "Options " + ", ".join(f"'{o.name}'" for o in chosen) + " were reset"}

    async def _reset_through_owners(self, chosen: list[reset.ResetOption]) -> list[str]:
        """Ask each owning service to wipe its options; an owner that refuses or is down stops the reset there,
        and the error says which options were already cleared."""
        done: list[str] = []
        client = AsyncClient(self.host.ctx, self.host.config)
        try:
            for owner, ids in reset.by_owner(chosen).items():
                try:
                    await client.call(f"{owner}.reset", {"options": ids}, timeout=RESET_TIMEOUT_S)
                except BusError as err:
                    if done:
                        self.host.publisher.publish("update.reset", {"options": done})
                    raise type(err)(f"{', '.join(ids)} not reset: the {owner} service answered: {err.message}"
                                    f" (already reset: {', '.join(done) or 'nothing'})",
                                    {**err.details, "reset": done, "not_reset": ids}, code=err.code) from err
                done.extend(ids)
        finally:
            client.close()
        return done

    # -- health and update sessions --------------------------------------------------------------------------

    def op_health(self, args: dict[str, Any]) -> dict[str, Any]:
        version = self.running_version()
        record = self.slots.active() or {}
        rollback = {"rolledBackFrom": record["rolled_back_from"]} if record.get("rolled_back_from") else {}
        return {**rollback, "name": self.store.robot_name, "serialNumber": "unknown", "bootId": self.boot_id,
                "updateServerVersion": self.software_version, "apiServerVersion": version,
                "smoothieVersion": "unimplemented", "systemVersion": version,
                "capabilities": {"systemUpdate": "/server/update/begin", "buildrootUpdate": "/server/update/begin",
                                 "restart": "/server/restart"},
                "robotModel": "OT-2 Standard"}

    def op_begin(self, args: dict[str, Any]) -> dict[str, str]:
        if self.session is not None:
            raise Conflict("an update session is already active; cancel it first",
                           {"error": "session-already-active"})
        self.session = UpdateSession(self.paths.downloads, self.verifier, self.slots)
        self._publish_session()
        return {"token": self.session.token}

    def _session_for(self, args: dict[str, Any]) -> UpdateSession:
        token = args.get("token")
        if self.session is None or not isinstance(token, str) or token != self.session.token:
            raise NotFound(f"No such session {token}", {"error": "bad-token"})
        return self.session

    def op_file(self, args: dict[str, Any]) -> dict[str, Any]:
        """One piece of the upload (`data` bytes at `offset`); `last: true` starts validation."""
        session = self._session_for(args)
        if args.get("data") is not None or not args.get("last"):
            session.add_chunk(args.get("data"), args.get("offset"))
        if args.get("last"):
            session.start_processing()
        self._publish_session()
        return session.state()

    def op_status(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._session_for(args).state()

    async def op_commit(self, args: dict[str, Any]) -> dict[str, Any]:
        async with self._commit_lock:  # a cancel waits for a commit in flight, so the two never interleave
            state = await self._session_for(args).commit(self._activate)
        self._publish_session()
        return state

    async def _activate(self, slot: str) -> dict[str, Any]:
        """Ask the supervisor, the one writer of the active-slot record, to make `slot` active (on trial)."""
        client = AsyncClient(self.host.ctx, self.host.config)
        try:
            return await client.call("supervisor.software.activate", {"slot": slot}, timeout=COMMIT_TIMEOUT_S)
        except BusError as err:
            log.error("commit_failed", code=err.code, reason=err.message)
            raise Unavailable(f"the supervisor did not switch to the new version ({err.message}); the running "
                              "version is unchanged, commit again", {"error": "commit-failed"}) from err
        finally:
            client.close()

    async def op_cancel(self, args: dict[str, Any]) -> dict[str, str]:
        async with self._commit_lock:
            session, self.session = self.session, None
            if session is not None:
                await session.cancel()
                self.host.publisher.publish("update.session", None)
        return {"message": "Session cancelled"}

    def _publish_session(self) -> None:
        if self.session is not None:
            self.host.publisher.publish("update.session", self.session.state())

    def op_restart(self, args: dict[str, Any]) -> dict[str, str]:
        if self._restart_task is None or self._restart_task.done():
            self._restart_task = asyncio.ensure_future(self._restart_stack())
        return {"message": f"Restarting in {RESTART_DELAY_S:g}s"}

    async def _restart_stack(self) -> None:
        """Ask the supervisor to restart every daemon (this one included) on the active software."""
        await asyncio.sleep(RESTART_DELAY_S)  # the reply to the restart request must reach the App first
        client = AsyncClient(self.host.ctx, self.host.config)
        try:
            await client.call("supervisor.software.restart", timeout=5)
        except BusError as err:
            log.warning("restart_failed", code=err.code, reason=err.message)
        finally:
            client.close()
