"""InstrumentContext: a loaded pipette and everything a protocol asks it to do."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

from opentrons.engine.state import PipetteState
from opentrons.errors import CommandError, NoTipAttachedError, VolumeError
from opentrons.protocol_api import naming, transfers
from opentrons.protocol_api.labware import Labware, Well, first_available_tip
from opentrons.protocol_api.settings import Clearances, FlowRates, PlungerSpeeds
from opentrons.protocol_api.trash import TrashBin
from opentrons.protocols.api_level import APIVersion, requires_version
from opentrons.types import Location

if TYPE_CHECKING:
    from opentrons.protocol_api.protocol_context import ProtocolContext

AIR_GAP_IN_PLACE_FROM = APIVersion(2, 22)
RETURNED_TIPS_REUSED_BEFORE = APIVersion(2, 2)
ZERO_MEANS_ZERO_FROM = APIVersion(2, 16)
ENGINE_CORE_FROM = APIVersion(2, 14)
Target = Union[Well, Location, TrashBin, Labware]


class InstrumentContext:
    """A pipette on a mount: liquid handling, tips and moves, each logged as a step."""

    def __init__(self, ctx: "ProtocolContext", state: PipetteState, tip_racks: List[Labware]) -> None:
        self._ctx = ctx
        self._engine = ctx.engine
        self._state = state
        self.tip_racks: List[Labware] = tip_racks
        self.starting_tip: Optional[Well] = None
        spec = ctx.engine.definitions.pipette(state.name)[0]
        self.flow_rate = FlowRates(spec, ctx.api_version)
        self.speed = PlungerSpeeds(self)
        self.well_bottom_clearance = Clearances()
        self.trash_container: Union[Labware, TrashBin] = ctx.fixed_trash
        self.default_speed = 400.0

    # -- properties -------------------------------------------------------------------
    @property
    def api_version(self) -> APIVersion:
        """The apiLevel this pipette follows."""
        return self._ctx.api_version

    @property
    def name(self) -> str:
        """The API name, e.g. 'p300_single_gen2'."""
        return self._state.name

    @property
    def model(self) -> str:
        """The model string, e.g. 'p300_single_v2.0'."""
        return self._state.model_config["model"]

    @property
    def mount(self) -> str:
        """'left' or 'right'."""
        return self._state.mount

    @property
    def channels(self) -> int:
        """1 or 8."""
        return self._state.channels

    @property
    def min_volume(self) -> float:
        """The smallest volume this pipette handles, in µL."""
        return self._state.min_volume

    @property
    def max_volume(self) -> float:
        """The largest volume this pipette holds, in µL."""
        return self._state.max_volume

    @property
    def current_volume(self) -> float:
        """The volume in the tip now, in µL."""
        volume = self._state.current_volume
        if volume == 0 and (not self._state.has_tip or self.api_version >= ENGINE_CORE_FROM):
            return 0  # the reference reports these empty states as the integer 0
        return volume

    @property
    @requires_version(2, 7)
    def has_tip(self) -> bool:
        """Whether a tip is attached."""
        return self._state.has_tip

    @property
    def hw_pipette(self) -> Dict[str, Any]:
        """A summary of the pipette's state."""
        return {"name": self.name, "model": self.model, "has_tip": self._state.has_tip,
                "current_volume": self.current_volume, "channels": self.channels}

    # -- helpers ----------------------------------------------------------------------
    def _pid(self) -> Dict[str, Any]:
        return {"pipetteId": self._state.pipette_id}

    def _well_params(self, location: Location) -> Dict[str, Any]:
        well = location.labware
        if isinstance(well, Well):
            bottom = well.bottom().point
            offset = location.point - bottom
            return {"labwareId": well.parent.engine_id, "wellName": well.well_name,
                    "wellLocation": {"origin": "bottom", "offset": offset._asdict()}}
        return {"coordinates": location.point._asdict()}

    def _resolve(self, location: Optional[Target], clearance: float, action: str) -> Location:
        if isinstance(location, Well):
            return location.bottom(clearance)
        if isinstance(location, Location):
            return location
        if location is not None:
            raise CommandError(f"{action}: location must be a Well or a Location, got {location!r}")
        cached = self._ctx.location_cache
        if isinstance(cached, Location):
            return cached
        raise CommandError(
            f"{action}: no location given and the pipette has no current well; "
            "pass a Well or Location"
        )

    @staticmethod
    def _check_volume(volume: Any, action: str) -> None:
        if volume is not None and (isinstance(volume, bool) or not isinstance(volume, (int, float))):
            raise VolumeError(f"{action}: volume must be a number of uL, got {volume!r}")

    def _require_tip(self, action: str) -> None:
        if not self._state.has_tip:
            raise NoTipAttachedError(
                f"Cannot {action} without a tip attached to the {self.name} on the "
                f"{self.mount} mount; call pick_up_tip() first"
            )

    # -- liquid handling --------------------------------------------------------------
    def aspirate(self, volume: Optional[float] = None, location: Optional[Target] = None,
                 rate: float = 1.0) -> "InstrumentContext":
        """Draw ``volume`` µL (default: as much as fits) at ``location`` (default: here)."""
        self._check_volume(volume, "aspirate")
        target = self._resolve(location, self.well_bottom_clearance.aspirate, "aspirate")
        self._require_tip("aspirate")
        if volume is None or (volume == 0 and self.api_version < ZERO_MEANS_ZERO_FROM):
            volume = self._state.working_volume - self._state.current_volume
        if volume < 0:
            raise VolumeError(f"aspirate volume must be positive, got {volume}")
        flow = self.flow_rate.aspirate * rate
        text = f"Aspirating {float(volume)} uL from {naming.describe(target)} at {flow} uL/sec"
        self._liquid_command("aspirate", target, location is None, volume, flow, text)
        return self

    def dispense(self, volume: Optional[float] = None, location: Optional[Target] = None,
                 rate: float = 1.0, push_out: Optional[float] = None) -> "InstrumentContext":
        """Push out ``volume`` µL (default: all) at ``location`` (default: here)."""
        self._check_volume(volume, "dispense")
        target = self._resolve(location, self.well_bottom_clearance.dispense, "dispense")
        self._require_tip("dispense")
        if volume is None or (volume == 0 and self.api_version < ZERO_MEANS_ZERO_FROM):
            volume = self.current_volume
        flow = self.flow_rate.dispense * rate
        text = f"Dispensing {float(volume)} uL into {naming.describe(target)} at {flow} uL/sec"
        self._liquid_command("dispense", target, location is None, volume, flow, text)
        return self

    def _liquid_command(self, kind: str, target: Location, in_place: bool, volume: float,
                        flow: float, text: str) -> None:
        params = dict(self._pid(), volume=float(volume), flowRate=flow)
        if in_place:
            self._engine.execute(f"{kind}InPlace", params, text)
        elif isinstance(target.labware, Well):
            self._engine.execute(kind, dict(params, **self._well_params(target)), text)
        else:
            self._engine.log(text)
            self._engine.execute("moveToCoordinates", dict(self._pid(), **self._well_params(target)))
            self._engine.execute(f"{kind}InPlace", params)
        self._ctx.location_cache = target

    def mix(self, repetitions: int = 1, volume: Optional[float] = None,
            location: Optional[Target] = None, rate: float = 1.0) -> "InstrumentContext":
        """Aspirate and dispense ``volume`` µL ``repetitions`` times at one place."""
        self._require_tip("mix")
        shown = volume
        if volume is None or (volume == 0 and self.api_version < ZERO_MEANS_ZERO_FROM):
            shown = self._state.working_volume - self._state.current_volume
        # Like the reference, each step resolves a missing volume itself (available / held).
        with self._engine.group(f"Mixing {repetitions} times with a volume of {float(shown)} ul"):
            self.aspirate(volume, location, rate)
            for _ in range(int(repetitions) - 1):
                self.dispense(volume, rate=rate)
                self.aspirate(volume, rate=rate)
            self.dispense(volume, rate=rate)
        return self

    def blow_out(self, location: Optional[Target] = None) -> "InstrumentContext":
        """Empty the tip completely at ``location`` (default: here)."""
        self._require_tip("blow out")
        if isinstance(location, TrashBin):
            target: Any = location
            where = location.labware.wells()[0].top()
        else:
            where = location.top() if isinstance(location, Well) else self._resolve(location, 0.0, "blow_out")
            target = where
        flow = self.flow_rate.blow_out
        text = f"Blowing out into {naming.describe(target)} at {flow} uL/sec"
        params = dict(self._pid(), flowRate=flow)
        if location is None:
            self._engine.execute("blowOutInPlace", params, text)
        else:
            self._engine.execute("blowout", dict(params, **self._well_params(where)), text)
        self._ctx.location_cache = where
        return self

    def touch_tip(self, location: Optional[Well] = None, radius: float = 1.0,
                  v_offset: float = -1.0, speed: float = 60.0) -> "InstrumentContext":
        """Touch the tip to the sides of a well, ``v_offset`` mm from its top."""
        self._require_tip("touch tip")
        well = location if isinstance(location, Well) else self._resolve(location, 0.0, "touch_tip").labware
        if not isinstance(well, Well):
            raise CommandError("touch_tip needs a well; pass one or move to one first")
        if not 1.0 <= speed <= 80.0:
            speed = min(max(speed, 1.0), 80.0)
        where = well.top(v_offset)
        params = dict(self._pid(), radius=radius, speed=speed, **self._well_params(where))
        self._engine.execute("touchTip", params, "Touching tip")
        self._ctx.location_cache = where
        return self

    def air_gap(self, volume: Optional[float] = None, height: Optional[float] = None) -> "InstrumentContext":
        """Draw air into the tip ``height`` mm (default 5) above the current well."""
        self._require_tip("air gap")
        text = "Air gap" + (f" of {volume} uL" if volume is not None else "") + (
            f" at height {height}" if height is not None else "")
        cached = self._ctx.location_cache
        if not isinstance(cached, Location) or not isinstance(cached.labware, Well):
            raise CommandError(f"Cached location of {cached} is not valid for air gap; move to a well first")
        target = cached.labware.top(5 if height is None else height)
        with self._engine.group(text):
            self._engine.execute("moveToWell", dict(self._pid(), **self._well_params(target)))
            self._ctx.location_cache = target
            if self.api_version >= AIR_GAP_IN_PLACE_FROM:
                gap = self._state.working_volume - self.current_volume if volume is None else volume
                self._engine.execute("airGapInPlace", dict(self._pid(), volume=float(gap),
                                                           flowRate=self.flow_rate.aspirate))
            else:
                self.aspirate(volume)
        return self

    # -- tips -------------------------------------------------------------------------
    def pick_up_tip(self, location: Union[Well, Labware, Location, None] = None,
                    presses: Optional[int] = None, increment: Optional[float] = None,
                    prep_after: Optional[bool] = None) -> "InstrumentContext":
        """Pick up the next tip from the tip racks, or the one at ``location``."""
        if isinstance(location, Location):
            location = location.labware
        if isinstance(location, Labware):
            _, well = first_available_tip([location], self.channels, None)
        elif isinstance(location, Well):
            well = location
        else:
            if not self.tip_racks:
                raise CommandError(
                    f"No tip racks were given to the {self.name}; "
                    "pass tip_racks to load_instrument, or a location to pick_up_tip"
                )
            _, well = first_available_tip(self.tip_racks, self.channels, self.starting_tip)
        params = dict(self._pid(), labwareId=well.parent.engine_id, wellName=well.well_name,
                      wellLocation={"origin": "top", "offset": {"x": 0, "y": 0, "z": 0}})
        self._engine.execute("pickUpTip", params, f"Picking up tip from {naming.describe(well)}")
        self._ctx.location_cache = well.top()
        return self

    def drop_tip(self, location: Union[Well, Location, TrashBin, None] = None,
                 home_after: Optional[bool] = None) -> "InstrumentContext":
        """Drop the tip into the trash, or at ``location``."""
        self._require_tip("drop a tip")
        if location is None:
            location = self.trash_container
            if isinstance(location, Labware):
                location = location.wells()[0]
        if isinstance(location, TrashBin):
            where = location.labware.wells()[0].top()
        elif isinstance(location, Well):
            where = location.top()
        else:
            where = location
        params = dict(self._pid(), homeAfter=home_after is not False, **self._well_params(where))
        self._engine.execute("dropTip", params, f"Dropping tip into {naming.describe(location)}")
        self._ctx.location_cache = None if isinstance(location, TrashBin) else where
        return self

    def return_tip(self, home_after: Optional[bool] = None) -> "InstrumentContext":
        """Put the tip back where it was picked up from."""
        self._require_tip("return a tip")
        rack_id, well_name = self._state.tip_origin  # type: ignore[misc]
        well = self._ctx._labware[rack_id][well_name]
        with self._engine.group("Returning tip"):
            self.drop_tip(well, home_after=home_after)
        if self.api_version < RETURNED_TIPS_REUSED_BEFORE:
            well.parent.return_tips(well, self.channels)
        return self

    def reset_tipracks(self) -> None:
        """Mark every tip in this pipette's tip racks as available and forget starting_tip."""
        for rack in self.tip_racks:
            rack.reset()
        self.starting_tip = None

    # -- moves ------------------------------------------------------------------------
    def move_to(self, location: Union[Location, TrashBin], force_direct: bool = False,
                minimum_z_height: Optional[float] = None,
                speed: Optional[float] = None) -> "InstrumentContext":
        """Move to a Location (or the trash bin), arcing above the deck unless direct."""
        where = location.labware.wells()[0].top() if isinstance(location, TrashBin) else location
        if not isinstance(where, Location):
            raise CommandError(f"move_to needs a Location such as well.top(), got {location!r}")
        params = dict(self._pid(), forceDirect=force_direct, minimumZHeight=minimum_z_height,
                      speed=speed, **self._well_params(where))
        kind = "moveToWell" if "labwareId" in params else "moveToCoordinates"
        self._engine.execute(kind, params, f"Moving to {naming.describe(location)}")
        self._ctx.location_cache = where
        return self

    def home(self) -> "InstrumentContext":
        """Home this pipette's axes."""
        self._engine.execute("home", {"mount": self.mount},
                             f"Homing pipette plunger on mount {self.mount}")
        return self

    def home_plunger(self) -> "InstrumentContext":
        """Home the plunger."""
        self._engine.execute("home", {"mount": self.mount})
        return self

    # -- complex liquid handling ------------------------------------------------------
    def transfer(self, volume: Any, source: Any, dest: Any, **kwargs: Any) -> "InstrumentContext":
        """Move liquid from sources to destinations; see the keyword options of the API."""
        transfers.run(self, "transfer", volume, source, dest, kwargs)
        return self

    def distribute(self, volume: Any, source: Any, dest: Any, **kwargs: Any) -> "InstrumentContext":
        """One source to many destinations, aspirating several dispenses at once."""
        transfers.run(self, "distribute", volume, source, dest, kwargs)
        return self

    def consolidate(self, volume: Any, source: Any, dest: Any, **kwargs: Any) -> "InstrumentContext":
        """Many sources into one destination, dispensing once per tipful."""
        transfers.run(self, "consolidate", volume, source, dest, kwargs)
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.model} in {self.mount.upper()}>"
