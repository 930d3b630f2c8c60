"""Which software the daemons run (the factory install or a version slot), and the trial of a freshly committed one.

The supervisor is the only writer of `<data>/software/active.json`. The update daemon installs a version into
`<data>/software/slot-X` and commits it with `supervisor.software.activate`, which writes the record with
`trial: true`. On `supervisor.software.restart` (and at start) the supervisor runs every Python daemon from the
active slot; a trial that is not healthy within the deadline is rolled back: `active.json` goes back to the
previous version, with `rolled_back_from` saying what failed, and every daemon restarts on it.
"""
from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import structlog

from bus import BadRequest, Conflict
from supervisor.arbiter import Arbiter
from supervisor.table import PYTHON, ProcessSpec
from supervisor.watcher import State
from bus.atomic import read_json_object, write_json_atomically

log = structlog.get_logger("supervisor.software")
ACTIVE = Path("software") / "active.json"
DEFAULT_TRIAL_S = 60.0
SLOTS = ("a", "b")
SETTLE_S = 3.0  # a trial counts as healthy once every daemon has run this long without a failure
POLL_S = 0.1
# Run `-m module` with the slot (and its protocollib folder) first on sys.path, ahead of the factory install.
LAUNCH = ("import runpy, sys; sys.path[:0] = sys.argv[1:3]; module = sys.argv[3]; sys.argv = [module] + "
          "sys.argv[4:]; runpy.run_module(module, run_name='__main__', alter_sys=True)")


def trial_deadline(env: Mapping[str, str]) -> float:
    """OT2_UPDATE_TRIAL_S: seconds a new version has to become healthy before it is rolled back."""
    raw = env.get("OT2_UPDATE_TRIAL_S", str(DEFAULT_TRIAL_S))
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 1.0 <= value <= 3600.0:
        raise BadRequest(f"OT2_UPDATE_TRIAL_S={raw!r}: expected seconds from 1 to 3600")
    return value


def slot_argv(argv: tuple[str, ...], slot_dir: Path | None) -> tuple[str, ...]:
    """The command that runs `python -m module` from `slot_dir` (other commands, and the factory, unchanged)."""
    if slot_dir is None or len(argv) < 3 or argv[:2] != (PYTHON, "-m"):
        return argv
    return (PYTHON, "-c", LAUNCH, str(slot_dir), str(slot_dir / "protocollib"), *argv[2:])


class Software:
    """Points every watcher at the active slot, restarts the stack on request, and runs the trial of a new one."""

    def __init__(self, arbiter: Arbiter, data_dir: Path, deadline: float) -> None:
        self.arbiter = arbiter
        self.data_dir = data_dir
        self.deadline = deadline
        self._factory: dict[str, ProcessSpec] = {n: w.spec for n, w in arbiter.watchers.items()}
        self._trial: asyncio.Future[None] | None = None

    def active(self) -> dict[str, Any] | None:
        """The active record, or None (factory software); an unreadable file counts as the factory, logged."""
        try:
            return read_json_object(self.data_dir / ACTIVE)
        except ValueError as exc:
            log.error("active_record_unreadable", reason=str(exc))
            return None

    def apply(self, record: dict[str, Any] | None) -> None:
        """Make the next start of every daemon use the record's slot."""
        slot = record.get("slot") if record else None
        slot_dir = self.data_dir / "software" / f"slot-{slot}" if isinstance(slot, str) else None
        for name, watcher in self.arbiter.watchers.items():
            spec = self._factory[name]
            watcher.spec = dataclasses.replace(spec, argv=slot_argv(spec.argv, slot_dir))
        log.info("software_selected", slot=slot, version=record.get("version") if record else None)

    def boot(self) -> None:
        """At supervisor start: select the active slot, and try it out if it is still on trial."""
        record = self.active()
        self.apply(record)
        if record and record.get("trial"):
            self._trial = asyncio.ensure_future(self._run_trial(record))

    def op_activate(self, args: dict[str, Any]) -> dict[str, Any]:
        """`supervisor.software.activate {slot}`: make an installed, inactive slot the active one, on trial.

        The record remembers the version it replaces, for a rollback; the daemons switch at the next restart.
        """
        slot = args.get("slot")
        if slot not in SLOTS:
            raise BadRequest(f"'slot' must be one of {', '.join(SLOTS)}, got {slot!r}")
        previous = self.active()
        if previous and previous.get("slot") == slot:
            raise Conflict(f"slot {slot} is the active one; install into the other slot first", {"slot": slot})
        try:
            info = read_json_object(self.data_dir / "software" / f"slot-{slot}" / "VERSION.json")
        except ValueError as exc:
            raise Conflict(f"slot {slot} has an unreadable VERSION.json ({exc}); install it again") from exc
        if info is None:
            raise Conflict(f"slot {slot} holds no installed version (no VERSION.json)", {"slot": slot})
        record = {"slot": slot, "version": info.get("version"), "trial": True, "previous": previous and
                  {"slot": previous.get("slot"), "version": previous.get("version")}}
        write_json_atomically(self.data_dir / ACTIVE, record)
        log.info("software_activated", slot=slot, version=record["version"])
        return record

    def op_restart(self, args: dict[str, Any]) -> dict[str, Any]:
        """`supervisor.software.restart`: restart every daemon on the active software (answered at once)."""
        record = self.active()
        self.apply(record)
        for watcher in self.arbiter.watchers.values():
            watcher.restart()
        if self._trial is not None:  # a newer commit replaces the version that was on trial
            self._trial.cancel()
        if record and record.get("trial"):
            self._trial = asyncio.ensure_future(self._run_trial(record))
        return {"restarting": list(self.arbiter.watchers), "slot": record and record.get("slot"),
                "version": record and record.get("version"), "trial": bool(record and record.get("trial"))}

    async def _run_trial(self, record: dict[str, Any]) -> None:
        reason = await self._unhealthy_reason()
        if reason is None:
            write_json_atomically(self.data_dir / ACTIVE, {**record, "trial": False})
            log.info("update_confirmed", version=record.get("version"), slot=record.get("slot"))
            return
        previous = record.get("previous") or {}
        rolled_back = {"slot": previous.get("slot"), "version": previous.get("version"), "previous": None,
                       "trial": False, "rolled_back_from": {"version": record.get("version"), "reason": reason}}
        write_json_atomically(self.data_dir / ACTIVE, rolled_back)
        log.error("update_rolled_back", failed=record.get("version"), to=previous.get("version"), reason=reason)
        self.apply(rolled_back)
        for watcher in self.arbiter.watchers.values():
            watcher.restart()

    async def _unhealthy_reason(self) -> str | None:
        """None once every daemon has run for SETTLE_S within the deadline; else why not."""
        loop = asyncio.get_running_loop()
        end, healthy_since = loop.time() + self.deadline, None
        while loop.time() < end:
            await asyncio.sleep(POLL_S)
            fatal = [n for n, w in self.arbiter.watchers.items() if w.state is State.FATAL]
            if fatal:
                return f"{', '.join(fatal)} could not start"
            if self.arbiter.health() != "ok":
                healthy_since = None
            elif healthy_since is None:
                healthy_since = loop.time()
            elif loop.time() - healthy_since >= SETTLE_S:
                return None
        down = [n for n, w in self.arbiter.watchers.items() if w.state is not State.RUNNING]
        return f"not healthy within {self.deadline:g} s ({', '.join(down) or 'unsteady'} not running)"
