"""Definitions of labware, pipettes, modules and the deck, read lazily from opentrons-shared-data."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from opentrons.errors import LabwareNotFoundError, PipetteNotFoundError, ProtocolError
from opentrons.labware_versions import default_version

Definition = Dict[str, Any]
_DEFAULT_NAMESPACE = "opentrons"


def shared_data_root() -> Path:
    """Where the opentrons-shared-data package keeps its JSON files."""
    spec = importlib.util.find_spec("opentrons_shared_data")
    if spec is None or not spec.submodule_search_locations:
        raise ProtocolError("opentrons-shared-data is not installed; it holds the definitions")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _model_version(model: str) -> Tuple[int, ...]:
    """(1, 5) for 'p300_single_v1.5'; the newest model is the one a new pipette reports."""
    return tuple(int(part) for part in model.rsplit("_v", 1)[1].split("."))


class DefinitionStore:
    """Loads definitions on first use and keeps them for the life of this object."""

    def __init__(self, custom_labware_dirs: Iterable[Path] = ()) -> None:
        self._root: Optional[Path] = None
        self._cache: Dict[Tuple[str, ...], Any] = {}
        self._custom: Dict[Tuple[str, str, int], Definition] = {}
        self._custom_dirs = [Path(d) for d in custom_labware_dirs]
        self._custom_loaded = False

    @property
    def root(self) -> Path:
        """The shared-data directory, located on first use."""
        if self._root is None:
            self._root = shared_data_root()
        return self._root

    def _json(self, *parts: str) -> Any:
        key = parts
        if key not in self._cache:
            with open(self.root.joinpath(*parts), encoding="utf-8") as handle:
                self._cache[key] = json.load(handle)
        return self._cache[key]

    def add_custom_labware(self, definition: Definition) -> Tuple[str, str, int]:
        """Register a custom labware definition; return its (namespace, load name, version)."""
        try:
            params = definition["parameters"]
            key = (definition["namespace"], params["loadName"], int(definition["version"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(
                "custom labware definition is missing namespace, version or "
                f"parameters.loadName ({exc})"
            ) from exc
        self._custom[key] = definition
        return key

    def _load_custom_dirs(self) -> None:
        if self._custom_loaded:
            return
        self._custom_loaded = True
        for directory in self._custom_dirs:
            for path in sorted(directory.glob("*.json")):
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
                if isinstance(data, dict) and "wells" in data and "parameters" in data:
                    self.add_custom_labware(data)

    def labware(
        self,
        load_name: str,
        namespace: Optional[str] = None,
        version: Optional[int] = None,
        api_minor: int = 0,
    ) -> Definition:
        """The definition of ``load_name``: custom ones first, then the standard set."""
        self._load_custom_dirs()
        custom = self._find_custom(load_name, namespace, version)
        if custom is not None:
            return custom
        if namespace not in (None, _DEFAULT_NAMESPACE):
            raise self._not_found(load_name, namespace, version)
        chosen = version if version is not None else default_version(load_name, api_minor)
        path = self.root / "labware" / "definitions" / "2" / load_name / f"{chosen}.json"
        if not path.is_file():
            raise self._not_found(load_name, namespace, version)
        return self._json("labware", "definitions", "2", load_name, f"{chosen}.json")

    def _find_custom(
        self, load_name: str, namespace: Optional[str], version: Optional[int]
    ) -> Optional[Definition]:
        matches = [
            (key, d)
            for key, d in self._custom.items()
            if key[1] == load_name
            and (namespace is None or key[0] == namespace)
            and (version is None or key[2] == version)
        ]
        if not matches:
            return None
        return max(matches, key=lambda item: item[0][2])[1]

    def _not_found(
        self, load_name: str, namespace: Optional[str], version: Optional[int]
    ) -> LabwareNotFoundError:
        return LabwareNotFoundError(
            f"Unable to find a labware definition for \"{load_name}\" "
            f"(namespace {namespace or _DEFAULT_NAMESPACE}, version {version or 'default'}). "
            "Check the load name against the Labware Library, or pass the folder of "
            "your custom labware with -L"
        )

    def labware_load_names(self) -> List[str]:
        """Every standard labware load name in the shared data."""
        return sorted(p.name for p in (self.root / "labware" / "definitions" / "2").iterdir())

    def pipette_names(self) -> Dict[str, Any]:
        """The pipette name specs (flow rates, volumes, channels) keyed by API name."""
        return self._json("pipette", "definitions", "1", "pipetteNameSpecs.json")

    def pipette(self, name: str) -> Tuple[Definition, Definition]:
        """The (name spec, default model config) pair for an OT-2 pipette API name."""
        names = self.pipette_names()
        if name not in names or name.startswith(("p50_multi_flex", "p1000_96")) or "flex" in name:
            raise PipetteNotFoundError(
                f"Unknown pipette name \"{name}\". Expected one of: "
                + ", ".join(sorted(n for n in names if "flex" not in n and "96" not in n))
            )
        models = self._json("pipette", "definitions", "1", "pipetteModelSpecs.json")["config"]
        candidates = [m for m, c in models.items() if c.get("name") == name]
        if not candidates:
            raise PipetteNotFoundError(f"No OT-2 pipette model is defined for \"{name}\"")
        newest = max(candidates, key=_model_version)
        return names[name], dict(models[newest], model=newest)

    def deck(self, name: str = "ot2_standard") -> Definition:
        """The deck definition (schema 3) of the OT-2."""
        return self._json("deck", "definitions", "3", f"{name}.json")

    def module(self, model: str) -> Definition:
        """A module definition (schema 3) by model, e.g. 'temperatureModuleV2'."""
        return self._json("module", "definitions", "3", f"{model}.json")
