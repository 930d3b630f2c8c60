"""The settings store: feature-flag values and the robot name, validated and persisted atomically in one file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bus import BadRequest
from bus.atomic import CorruptFile, read_json_object, write_json_atomically
from update_daemon.flags import BY_ID, FLAGS

MAX_NAME_LENGTH = 63


def check_name(name: Any) -> str:
    """The robot name to store, or BadRequest saying what a name must be."""
    if not isinstance(name, str):
        raise BadRequest(f"the robot name must be a string, got {type(name).__name__}", {"field": "name"})
    stripped = name.strip()
    if not stripped or len(stripped) > MAX_NAME_LENGTH or not stripped.isprintable():
        raise BadRequest(f"the robot name must be 1 to {MAX_NAME_LENGTH} printable characters, got {name!r}",
                         {"field": "name"})
    return stripped


class SettingsStore:
    """Flag values (None = never set, the default applies) and the name, kept in `<data dir>/settings.json`."""

    def __init__(self, path: Path, default_name: str) -> None:
        self.path = path
        self.default_name = default_name
        self.flags: dict[str, bool] = {}
        self.name: str | None = None
        self.pending_restart: set[str] = set()

    def load(self) -> str | None:
        """Read the file; a corrupt one is set aside (kept for inspection) and defaults apply. Returns a warning."""
        try:
            stored = read_json_object(self.path) or {}
        except CorruptFile as exc:
            self.path.replace(self.path.with_suffix(".corrupt"))
            return str(exc)
        flags = stored.get("flags", {})
        self.flags = {k: v for k, v in flags.items() if k in BY_ID and isinstance(v, bool)} \
            if isinstance(flags, dict) else {}
        name = stored.get("name")
        self.name = name if isinstance(name, str) and name.strip() else None
        return None

    def save(self) -> None:
        """Persist the current values atomically."""
        write_json_atomically(self.path, {"flags": self.flags, "name": self.name})

    @property
    def robot_name(self) -> str:
        """The name the robot goes by."""
        return self.name or self.default_name

    def set_name(self, name: Any) -> str:
        """Validate, store and persist a new robot name."""
        self.name = check_name(name)
        self.save()
        return self.name

    def set_flag(self, flag_id: Any, value: Any) -> None:
        """Set one flag (None restores its default) and persist; BadRequest for an unknown id or a non-bool."""
        if not isinstance(flag_id, str) or flag_id not in BY_ID:
            raise BadRequest(f"no setting with id {flag_id!r}; expected one of: {', '.join(BY_ID)}",
                             {"field": "id", "ids": list(BY_ID)})
        if value is not None and not isinstance(value, bool):
            raise BadRequest(f"the value of {flag_id} must be true, false or null, got {value!r}", {"field": "value"})
        before = self.flags.get(flag_id)
        if value is None:
            self.flags.pop(flag_id, None)
        else:
            self.flags[flag_id] = value
        self.save()
        if BY_ID[flag_id].restart_required and before != value:
            self.pending_restart.add(flag_id)

    def view(self) -> dict[str, Any]:
        """The /settings body: every flag with its value (null when never set) and the restart link when pending."""
        body: dict[str, Any] = {"settings": [
            {"id": f.id, "old_id": f.old_id, "title": f.title, "description": f.description,
             "restart_required": f.restart_required, "value": self.flags.get(f.id)} for f in FLAGS]}
        if self.pending_restart:
            body["links"] = {"restart": "/server/restart"}
        return body

    def values(self) -> dict[str, bool]:
        """Each flag's effective value (the default when never set), as other daemons need them."""
        return {f.id: self.flags.get(f.id, f.default) for f in FLAGS}
