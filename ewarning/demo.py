"""The shipped demo scenario, loaded into a store (see ``geodata/README.md``)."""

from __future__ import annotations

import json

from .config import GEODATA
from .importing import ImportReport, import_files

DEMO_DIR = GEODATA / "demo"
#: Load order: places first, then the mission, then what happened.
DEMO_FILES = ["sites.csv", "presence.csv", "patrols.csv", "patrol_points.csv", "alerts.csv"]


def load_demo(store, *, user: str, secret: bytes = b"ewarning-demo") -> list[ImportReport]:
    """Import the demo layers into ``store`` as ``user`` (a fixed secret: the reporters are fake)."""
    from .scenario import ALINDAO_ATTACK, MISSION_BBOX

    store.set_setting("mission_bbox", json.dumps(list(MISSION_BBOX)))
    # The dashboard opens as of the attack day: only what was reported before it.
    store.set_setting("default_as_of", ALINDAO_ATTACK.strftime("%Y-%m-%d"))
    store.set_setting("mission_name", "Demo mission (synthetic)")
    missing = [name for name in DEMO_FILES if not (DEMO_DIR / name).exists()]
    if missing:
        raise FileNotFoundError(f"demo files missing in {DEMO_DIR}: {', '.join(missing)}")
    return import_files(store, [DEMO_DIR / name for name in DEMO_FILES], user=user, secret=secret)
