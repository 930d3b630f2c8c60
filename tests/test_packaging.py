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
