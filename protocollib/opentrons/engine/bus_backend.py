"""The bus backend: the engine's physical actions sent to the motion daemon, under the hardware lease."""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable, Dict, Optional, Tuple

from opentrons.definitions import shared_data_root
from opentrons.errors import UnsupportedError
from opentrons.types import Point

MOUNT_AXES = {"left": "zb", "right": "ac"}
MOUNT_Z = {"left": "z", "right": "a"}
PLUNGER = {"left": "b", "right": "c"}
PRESS_SPEED_MM_S = 30.0
PLUNGER_DROP_SPEED_MM_S = 10.0
MOVE_TIMEOUT_S = 120.0
# A holder that is not a bus service keeps the lease for a TTL; it is renewed well before it runs out.
LEASE_TTL_S = 30.0


class RunStopped(Exception):
    """The run was stopped: no further motion is sent."""


class BusBackend:
    """A ``MotionBackend`` that moves the real (or simulated) robot through ``motion.*`` ops.

    ``new_client`` makes a ``bus.Client``; ``holder`` names the lease holder (``runner:<id>`` or
    ``execute:<pid>``). ``pause()``/``play()`` gate motion between actions; ``stop()`` ends the
    run: the action in flight is halted by whoever calls ``motion.halt``, later actions raise.
    """

    def __init__(self, new_client: Callable[[], Any], holder: str,
                 lease_ttl_s: Optional[float] = LEASE_TTL_S) -> None:
        self._new_client = new_client
        self._client = new_client()
        self.holder = holder
        self._lease_ttl_s = lease_ttl_s
        self._lease_renewed = 0.0
        self._started = time.monotonic()
        self._configs: Dict[str, Dict[str, Any]] = {}
        self._tip_offset: Dict[str, float] = {}
        self._model_offset_z: Dict[str, float] = {}
        self._pipette_ids: Dict[str, str] = {}
        # (mount, x, y) of the last move by point: a move straight up or down from there needs only its Z axis.
        self._gantry: Optional[Tuple[str, float, float]] = None
        self._playing = threading.Event()
        self._playing.set()
        self._stopped = threading.Event()

    def open(self) -> None:
        """Take the lease, learn the attached pipettes, and home every axis."""
        self._renew_lease(force=True)
        attached = self._client.call("motion.pipettes", {}, idempotent=True)
        self._configs = {mount: _model_config(info["model"]) for mount, info in attached.items() if info}
        self._model_offset_z = {mount: float(info["model_offset"][2]) for mount, info in attached.items() if info}
        self._pipette_ids = {mount: str(info["id"]) for mount, info in attached.items() if info and info.get("id")}
        self.home()

    def close(self) -> None:
        """Give the lease back and close the bus sockets."""
        try:
            self._client.call("motion.lease.release", {"holder": self.holder})
        finally:
            self._client.close()

    def halt(self, reason: str) -> None:
        """Stop motion at once, even mid-move; callable from any thread."""
        self.stop()
        halter = self._new_client()
        try:
            halter.call("motion.halt", {"reason": reason}, timeout=1.0)
        finally:
            halter.close()

    def recover(self) -> None:
        """After a halt or an interrupted call: fresh sockets, clear the halt, home, accept motion again."""
        self._client.close()
        self._client = self._new_client()
        self._client.call("motion.reset", {})
        self._stopped.clear()
        self._gantry = None
        self.home()

    def pause(self) -> None:
        """Hold the next action until ``play``."""
        self._playing.clear()

    def play(self) -> None:
        """Let actions run again."""
        self._playing.set()

    def stop(self) -> None:
        """Refuse every further action (and wake a paused or delaying run)."""
        self._stopped.set()
        self._playing.set()

    @property
    def stopped(self) -> bool:
        """Whether ``stop`` was called."""
        return self._stopped.is_set()

    def home(self, mount: Optional[str] = None) -> None:
        """Home every axis, or the Z and plunger of ``mount``."""
        axes = MOUNT_AXES[mount] if mount else "xyzabc"
        if mount is None:
            self._gantry = None
        self._motion("motion.home", {"axes": axes})

    def attached_pipette_ids(self) -> Dict[str, str]:
        """The serials the motion daemon read from the attached pipettes' EEPROMs when the backend opened."""
        return dict(self._pipette_ids)

    def move_to(self, mount: str, point: Point, speed: Optional[float] = None) -> None:
        """Move the nozzle (or the end of the tip) of ``mount`` to ``point``.

        A move that changes X or Y is a point move (the daemon raises the mount, travels, lowers);
        a move straight up or down from the last point moves the Z axis alone.
        """
        z = point.z + self._tip_offset.get(mount, 0.0)
        args: Dict[str, Any] = {} if speed is None else {"speed": speed}
        if self._gantry == (mount, point.x, point.y):
            args["targets"] = {MOUNT_Z[mount]: z - self._model_offset_z.get(mount, 0.0)}
        else:
            args.update(point=[point.x, point.y, z], mount=mount, target="pipette")
            self._gantry = None
        self._motion("motion.move", args)
        self._gantry = (mount, point.x, point.y)

    def move_plunger(self, mount: str, position_mm: float, speed_mm_s: float) -> None:
        """Move the plunger of ``mount`` to ``position_mm``."""
        self._motion("motion.move", {"targets": {PLUNGER[mount]: position_mm}, "speed": speed_mm_s})

    def pick_up_tip(self, mount: str, tip_length: float) -> None:
        """Press the nozzle into the tip and lift back, as the OT-2 does; then ready the plunger."""
        config = self._config(mount)
        axis = MOUNT_Z[mount]
        start = float(self._client.call("motion.position", {}, idempotent=True)[axis])
        press = _setting(config, "pickUpDistance")
        self._motion("motion.move", {"targets": {axis: max(start - press, 0.0)}, "speed": PRESS_SPEED_MM_S})
        self._motion("motion.move", {"targets": {axis: start}})
        overlap = float(config.get("tipOverlap", {}).get("default", 0.0))
        self._tip_offset[mount] = tip_length - overlap
        self.move_plunger(mount, _setting(config, "bottom"), PLUNGER_DROP_SPEED_MM_S)

    def drop_tip(self, mount: str) -> None:
        """Push the tip off with the plunger's drop-tip stroke, then bring the plunger back."""
        config = self._config(mount)
        self.move_plunger(mount, _setting(config, "bottom"), PLUNGER_DROP_SPEED_MM_S)
        self.move_plunger(mount, _setting(config, "dropTip"), PLUNGER_DROP_SPEED_MM_S)
        self.move_plunger(mount, _setting(config, "bottom"), PLUNGER_DROP_SPEED_MM_S)
        self._tip_offset.pop(mount, None)

    def delay(self, seconds: float) -> None:
        """Wait on the wall clock; a stop ends the wait at once."""
        if self._stopped.wait(max(0.0, seconds)):
            raise RunStopped("the run was stopped during a delay")

    def set_rail_lights(self, on: bool) -> None:
        """Switch the rail lights."""
        self._gate()
        self._client.call("motion.lights", {"rails": bool(on)})

    def module_command(self, module_id: str, action: str, params: Dict[str, Any]) -> None:
        """Modules are not served on the bus yet: refuse clearly rather than pretend."""
        raise UnsupportedError(
            f"{action} cannot run: no module service is available on this robot; "
            "simulate protocols that use modules instead")

    def elapsed_seconds(self) -> float:
        """Wall-clock seconds since this backend was made."""
        return time.monotonic() - self._started

    def _config(self, mount: str) -> Dict[str, Any]:
        try:
            return self._configs[mount]
        except KeyError:
            raise UnsupportedError(f"No pipette is attached to the {mount} mount of the robot") from None

    def _gate(self) -> None:
        self._playing.wait()
        if self._stopped.is_set():
            raise RunStopped("the run was stopped")

    def _motion(self, op: str, args: Dict[str, Any]) -> Any:
        self._gate()
        self._renew_lease()
        return self._client.call(op, {**args, "holder": self.holder}, timeout=MOVE_TIMEOUT_S)

    def _renew_lease(self, force: bool = False) -> None:
        if self._lease_ttl_s is None and not force:
            return
        now = time.monotonic()
        if force or now - self._lease_renewed > (self._lease_ttl_s or LEASE_TTL_S) / 3:
            args: Dict[str, Any] = {"holder": self.holder}
            if self._lease_ttl_s is not None:
                args["ttl_s"] = self._lease_ttl_s
            self._client.call("motion.lease.acquire", args)
            self._lease_renewed = now


def _model_config(model: str) -> Dict[str, Any]:
    path = shared_data_root() / "pipette" / "definitions" / "1" / "pipetteModelSpecs.json"
    configs = json.loads(path.read_text(encoding="utf-8"))["config"]
    if model not in configs:
        raise UnsupportedError(f"The attached pipette model {model!r} is not a known OT-2 pipette")
    return dict(configs[model])


def _setting(config: Dict[str, Any], key: str) -> float:
    value = config[key]
    return float(value["value"] if isinstance(value, dict) else value)
