"""The package list in setup.cfg must name every package in the tree."""
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = ["bus", "motion_daemon", "api_gateway", "update_daemon", "supervisor", "run_daemon", "calibration_daemon"]


def _tree_packages() -> set[str]:
    found = set()
    roots = [(ROOT / name, name) for name in TOP_LEVEL]
    roots.append((ROOT / "protocollib" / "opentrons", "opentrons"))
    for base, name in roots:
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base).parts
            found.add(".".join((name, *rel)))
    return found


def test_setup_cfg_lists_every_package() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    listed = set(cfg["options"]["packages"].split())
    assert listed == _tree_packages()


def test_every_app_runs_its_event_loop_through_bus_loop() -> None:
    """One way to run an event loop (uvloop where installed): no app calls asyncio.run itself."""
    offenders = [str(path.relative_to(ROOT)) for name in TOP_LEVEL for path in (ROOT / name).rglob("*.py")
                 if "asyncio.run(" in path.read_text(encoding="utf-8") and path != ROOT / "bus" / "loop.py"]
    assert offenders == []
