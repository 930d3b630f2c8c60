"""transfer, distribute and consolidate: plan the steps from the options, then run each one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

from opentrons.protocol_api import naming
from opentrons.protocol_api.labware import Labware, Well, first_available_tip
from opentrons.protocols.api_level import APIVersion
from opentrons.types import Location

if TYPE_CHECKING:
    from opentrons.protocol_api.instrument_context import InstrumentContext

Step = Tuple[str, List[Any], Dict[str, Any]]
_HEADER_VERBS = {"transfer": "Transferring", "distribute": "Distributing", "consolidate": "Consolidating"}
_ZERO_VOLUMES_SKIPPED_FROM = APIVersion(2, 8)
_BLOWOUT_LOCATIONS = ("source well", "destination well", "trash")


@dataclass
class Options:
    """The keyword options of a transfer, resolved to what the planner needs."""

    new_tip: str = "once"
    air_gap: float = 0
    disposal_volume: float = 0.0
    mix_before: Optional[Tuple[int, float]] = None
    mix_after: Optional[Tuple[int, float]] = None
    touch_tip: bool = False
    blow_out: Optional[str] = None
    trash: bool = True
    gradient: Optional[Callable[[float], float]] = None


def _mix_option(value: Any) -> Optional[Tuple[int, float]]:
    if value is None or tuple(value) == (0, 0):
        return None
    return (value[0], value[1])


def _options(instr: "InstrumentContext", mode: str, kwargs: Dict[str, Any]) -> Options:
    location = kwargs.get("blowout_location")
    if location is not None and location not in _BLOWOUT_LOCATIONS:
        raise ValueError(f"blowout_location must be one of {_BLOWOUT_LOCATIONS}, got {location!r}")
    if location and instr.api_version < APIVersion(2, 8):
        raise ValueError("blowout_location needs apiLevel 2.8 or later")
    blow_out = None
    if kwargs.get("blow_out"):
        blow_out = location or ("source well" if instr.current_volume else "trash")
    new_tip = str(kwargs.get("new_tip") or "once").lower()
    if new_tip not in ("once", "always", "never"):
        raise ValueError(f"new_tip must be 'once', 'always' or 'never', got {kwargs.get('new_tip')!r}")
    disposal = kwargs.get("disposal_volume")
    if mode == "distribute" and disposal is None:
        disposal = instr.min_volume
    return Options(
        new_tip=new_tip, air_gap=kwargs.get("air_gap") or 0,
        disposal_volume=float(disposal or 0.0),
        mix_before=None if mode == "consolidate" else _mix_option(kwargs.get("mix_before")),
        mix_after=None if mode == "distribute" else _mix_option(kwargs.get("mix_after")),
        touch_tip=bool(kwargs.get("touch_tip")), blow_out=blow_out,
        trash=bool(kwargs.get("trash", True)), gradient=kwargs.get("gradient_function"),
    )


def run(instr: "InstrumentContext", mode: str, volume: Any, source: Any, dest: Any,
        kwargs: Dict[str, Any]) -> None:
    """Log the transfer's header(s) and execute its plan step by step."""
    options = _options(instr, mode, kwargs)
    engine = instr._engine
    source_text = _source_text(instr, source)
    tail = f"{naming.volume_text(volume)} from {source_text} to {naming.describe(dest)}"
    plan = Planner(instr, mode, volume, source, dest, options)
    if mode == "transfer":
        with engine.group(f"Transferring {tail}"):
            _execute(instr, plan)
        return
    with engine.group(f"{_HEADER_VERBS[mode]} {tail}"):
        with engine.group(f"Transferring {tail}"):
            _execute(instr, plan)


def _source_text(instr: "InstrumentContext", source: Any) -> str:
    return naming.describe(source[0] if isinstance(source, list) and source else source)


def _execute(instr: "InstrumentContext", plan: "Planner") -> None:
    for method, args, kwargs in plan:
        getattr(instr, method)(*args, **kwargs)


def _flatten(targets: Any) -> List[Any]:
    if isinstance(targets, (Well, Location)):
        return [targets]
    if isinstance(targets, list) and targets and isinstance(targets[0], list):
        return [w for group in targets for w in group]
    return list(targets)


def _first_row_only(targets: List[Any], level: APIVersion, kind: str) -> List[Any]:
    kept = []
    for target in targets:
        well = target.labware if isinstance(target, Location) else target
        rows = well.parent.rows()
        two_rows = well.parent.parameters.get("format") == "384Standard" and level >= APIVersion(2, 2)
        allowed = rows[:2] if two_rows else rows[:1]
        if any(well in row for row in allowed):
            kept.append(target)
    if not kept and level >= APIVersion(2, 2):
        raise RuntimeError(f"Invalid {kind} for multichannel transfer: {targets}")
    return kept


def _split_for_max(volumes: List[float], targets: List[Any], limit: float) -> Iterator[Tuple[float, Any]]:
    if limit <= 0:
        raise ValueError("air_gap plus disposal_volume leave no room for liquid in the tip")
    for volume, target in zip(volumes, targets):
        while volume > limit * 2:
            yield limit, target
            volume -= limit
        if volume > limit:
            volume /= 2
            yield volume, target
        yield volume, target


class Planner:
    """Yields (method, args, kwargs) steps; it reads the pipette's live volume as it goes."""

    def __init__(self, instr: "InstrumentContext", mode: str, volume: Any, source: Any,
                 dest: Any, options: Options) -> None:
        self._instr = instr
        self._mode = mode
        self._opts = options
        self._level = instr.api_version
        if instr.channels > 1:
            self._sources = _first_row_only(_flatten(source), self._level, "source")
            self._dests = _first_row_only(_flatten(dest), self._level, "target")
        else:
            self._sources, self._dests = _flatten(source), _flatten(dest)
        total = max(len(self._sources), len(self._dests))
        self._volumes = self._volume_list(volume, total)
        self._max_volume = self._tip_limited_max()
        _check_volumes(options, instr.max_volume, self._max_volume)

    def _tip_limited_max(self) -> float:
        if self._opts.new_tip == "never":
            return self._instr._state.working_volume
        _, tip = first_available_tip(self._instr.tip_racks, self._instr.channels, self._instr.starting_tip)
        return min(tip.max_volume, self._instr.max_volume)

    def _volume_list(self, volume: Any, total: int) -> List[float]:
        if isinstance(volume, (int, float)):
            return [float(volume)] * total
        if isinstance(volume, tuple):
            low, high = volume[0], volume[-1]
            shape = self._opts.gradient or (lambda x: x)
            return [low + (high - low) * shape(i / (total - 1)) for i in range(total)]
        if not isinstance(volume, list):
            raise TypeError(f"Volume expected as a number, list or tuple but got {volume!r}")
        if len(volume) != total:
            raise RuntimeError("List of volumes should be equal to number of transfers")
        return volume

    def __iter__(self) -> Iterator[Step]:
        if self._opts.new_tip == "once":
            yield ("pick_up_tip", [], {})
        yield from {"transfer": self._transfer, "distribute": self._distribute,
                    "consolidate": self._consolidate}[self._mode]()
        if self._opts.new_tip == "once":
            yield self._tip_disposal()

    def _tip_disposal(self) -> Step:
        return ("drop_tip", [], {}) if self._opts.trash else ("return_tip", [], {})

    def _keeps(self, volume: float) -> bool:
        return self._level < _ZERO_VOLUMES_SKIPPED_FROM or volume > 0

    def _transfer(self) -> Iterator[Step]:
        sources, dests = _extend(self._sources, self._dests)
        room = self._instr.max_volume - self._opts.disposal_volume - self._opts.air_gap
        per_tip = self._max_volume - self._opts.disposal_volume - self._opts.air_gap
        for step_volume, (src, dst) in _split_for_max(self._volumes, list(zip(sources, dests)), room):
            if self._opts.new_tip == "always":
                yield ("pick_up_tip", [], {})
            moved = 0.0
            while moved < step_volume:
                volume = min(per_tip, step_volume - moved)
                yield from self._aspirate_steps(volume, src)
                yield from self._dispense_steps(volume, dst, src)
                moved += volume
            if self._opts.new_tip == "always":
                yield self._tip_disposal()

    def _distribute(self) -> Iterator[Step]:
        extra = self._opts.disposal_volume + self._opts.air_gap
        pending = _split_for_max(self._volumes, self._dests, self._instr.max_volume - extra)
        if self._opts.new_tip == "always":
            yield ("pick_up_tip", [], {})
        for group in self._groups(pending, lambda grouped: extra):
            total = sum(v for v, _ in group) + self._opts.disposal_volume
            yield from self._aspirate_steps(total, self._sources[0])
            for index, (volume, dst) in enumerate(group):
                yield from self._dispense_steps(volume, dst, self._sources[0], index < len(group) - 1)
        if self._opts.new_tip == "always":
            yield self._tip_disposal()

    def _consolidate(self) -> Iterator[Step]:
        pending = _split_for_max(self._volumes, self._sources, self._instr.max_volume)
        if self._opts.new_tip == "always":
            yield ("pick_up_tip", [], {})
        gap = self._opts.air_gap
        for group in self._groups(pending, lambda grouped: self._opts.disposal_volume + gap * len(grouped)):
            for volume, src in group:
                yield from self._aspirate_steps(volume, src)
            total = sum(v + gap for v, _ in group) - gap
            yield from self._dispense_steps(total, self._dests[0], None)
        if self._opts.new_tip == "always":
            yield self._tip_disposal()

    def _groups(self, pending: Iterator[Tuple[float, Any]],
                overhead: Callable[[List[Any]], float]) -> Iterator[List[Tuple[float, Any]]]:
        current = next(pending, None)
        while current is not None:
            grouped: List[Tuple[float, Any]] = []
            while current is not None and (
                sum(v for v, _ in grouped) + overhead(grouped) + current[0] <= self._max_volume
            ):
                if self._keeps(current[0]):
                    grouped.append(current)
                current = next(pending, None)
            if not grouped:
                return
            yield grouped

    def _aspirate_steps(self, volume: float, source: Any) -> Iterator[Step]:
        if self._opts.mix_before and self._instr.current_volume == 0:
            yield ("mix", [], _mix_kwargs(self._opts.mix_before, source))
        yield ("aspirate", [volume, source, 1.0], {})
        if self._opts.air_gap:
            yield ("air_gap", [self._opts.air_gap], {})
        if self._opts.touch_tip:
            yield ("touch_tip", [], {})

    def _dispense_steps(self, volume: float, dest: Any, src: Any,
                        more_to_come: bool = False) -> Iterator[Step]:
        yield ("dispense", [volume + self._opts.air_gap, dest, 1.0], {})
        if more_to_come:
            if self._opts.air_gap:
                yield ("air_gap", [self._opts.air_gap], {})
            if self._opts.touch_tip:
                yield ("touch_tip", [], {})
            return
        if self._instr.current_volume == 0 and self._opts.mix_after:
            yield ("mix", [], _mix_kwargs(self._opts.mix_after, dest))
        if self._opts.touch_tip:
            yield ("touch_tip", [], {})
        yield from self._blow_out_steps(dest, src)

    def _blow_out_steps(self, dest: Any, src: Any) -> Iterator[Step]:
        where = self._opts.blow_out
        if where == "source well":
            yield ("blow_out", [src], {})
        elif where == "destination well":
            yield ("blow_out", [dest], {})
        elif where == "trash" or self._opts.disposal_volume:
            trash = self._instr.trash_container
            yield ("blow_out", [trash.wells()[0] if isinstance(trash, Labware) else trash], {})


def _mix_kwargs(option: Tuple[int, float], location: Any) -> Dict[str, Any]:
    kwargs = {"repetitions": option[0], "volume": option[1], "location": location}
    return {k: v for k, v in kwargs.items() if v}


def _extend(sources: List[Any], dests: List[Any]) -> Tuple[List[Any], List[Any]]:
    if len(sources) < len(dests):
        if len(dests) % len(sources):
            raise ValueError("Source and destination lists must be divisible")
        sources = [s for s in sources for _ in range(len(dests) // len(sources))]
    elif len(sources) > len(dests):
        if len(sources) % len(dests):
            raise ValueError("Source and destination lists must be divisible")
        dests = [d for d in dests for _ in range(len(sources) // len(dests))]
    return sources, dests


def _check_volumes(options: Options, pipette_max: float, tip_max: float) -> None:
    if options.air_gap < 0 or options.air_gap >= tip_max:
        raise ValueError(
            f"air_gap must be between 0uL and the pipette's expected working volume, {tip_max}uL")
    if options.disposal_volume >= pipette_max or options.disposal_volume + options.air_gap >= pipette_max:
        raise ValueError("The sum of the air gap and disposal volume must be less than the "
                         "maximum volume of the pipette")
