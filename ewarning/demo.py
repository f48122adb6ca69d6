"""The shipped demo scenario, loaded into a store (see ``geodata/README.md``).

Besides the layers :mod:`ewarning.scenario` generates, the demo ships an
engagement log (``engagements.csv``) and two extra GPS tracks
(``gps/PTL-DEMO-*.gpx``) made here, seeded, SYNTHETIC like the rest.
They show the patterns of issue #14:

- **duplication** at Alindao town: civil affairs (29 Oct), human rights
  (1 Nov), the battalion (5 Nov) and police (8 Nov) each ask the same
  community about security and armed-group movements within 14 days;
- **silence** near the rising Alindao hotspot: the Catholic mission IDP site
  (18,000 people) was last engaged on 18 September, 58 days before the attack;
- regular, multi-component engagement with liaison assistants and women
  at Bambari, Bria, Kaga-Bandoro, Bangassou and Bangui;
- an Alindao company patrol that drives out, stops in its vehicles at the
  town and never nears the IDP site, and a Bambari dismounted patrol with a
  female engagement team that walks the Élevage site and stops twice.

Regenerate with ``python -m ewarning.demo geodata/demo`` (byte-identical;
a test checks the shipped files).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .config import GEODATA
from .importing import ImportReport, import_files

DEMO_DIR = GEODATA / "demo"
#: Load order: places first, then the mission, then what happened.
DEMO_FILES = ["sites.csv", "presence.csv", "patrols.csv", "patrol_points.csv", "alerts.csv", "engagements.csv"]
#: The files this module writes (the rest come from :mod:`ewarning.scenario`).
ENGAGEMENT_FILES = ["engagements.csv", "gps/PTL-DEMO-ALD-1105.gpx", "gps/PTL-DEMO-BMB-1106.gpx"]

ALINDAO_TOWN = ("Alindao town (Paris-Congo quarter)", 5.0600, 21.2050)
ALINDAO_SITE = ("Alindao Catholic mission site", 5.0365, 21.2170)
_COMMUNITIES = {
    "Bambari": [("Bambari Élevage site", 5.77966, 20.69376), ("Bambari Kidjigra quarter", 5.7600, 20.6700),
                ("Bambari Aviation site", 5.79322, 20.66848)],
    "Bria": [("Bria PK3 site", 6.57034, 21.99353), ("Bria Borno quarter", 6.53778, 21.97997)],
    "Kaga-Bandoro": [("Kaga-Bandoro base protection site", 7.01221, 19.17654),
                     ("Kaga-Bandoro Évêché site", 6.99141, 19.19555)],
    "Bangassou": [("Bangassou Tokoyo site", 4.73407, 22.83643), ("Bangassou Cathédrale quarter", 4.74401, 22.82201)],
    "Bangui": [("Bangui Lazaristes site", 4.34311, 18.52347), ("Bangui Don Bosco site", 4.33226, 18.56401),
               ("Bangui PK5 host families", 4.34763, 18.53698)],
}
_TOPICS = ["security", "freedom of movement", "return", "social cohesion", "access to fields", "justice",
           "sexual violence", "early warning", "humanitarian access", "elections"]
_QUESTIONS = {"security": "Which roads are safe to use this week?",
              "freedom of movement": "Can women go to the market without escort?",
              "return": "What would the families need to go home?",
              "early warning": "How do you alert the mission at night?"}
_ROTATION = [("civil_affairs", "community_meeting"), ("military", "community_meeting"),
             ("cla", "cla_contact"), ("human_rights", "joint_protection_team"),
             ("police", "local_protection_committee"), ("military", "female_engagement_team"),
             ("child_protection", "community_meeting"), ("cla", "cla_contact")]


def engagement_log(seed: int = 14) -> pd.DataFrame:
    """The demo engagement log as raw strings (what a user's CSV holds)."""
    rng = np.random.default_rng(seed)
    rows = []

    def add(day, component, activity, place, topics, women, men, questions=""):
        name, lat, lon = place
        rows.append({"date": pd.Timestamp(day).strftime("%Y-%m-%d"), "component": component, "activity": activity,
                     "community": name, "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                     "participants_women": str(women), "participants_men": str(men), "topics": "; ".join(topics),
                     "questions": questions})

    # Regular engagement around the four well-covered hotspots, every 6-12 days each.
    for town, places in _COMMUNITIES.items():
        day = pd.Timestamp("2018-06-04") + pd.Timedelta(days=int(rng.integers(0, 6)))
        k = int(rng.integers(0, len(_ROTATION)))
        while day < pd.Timestamp("2018-12-14"):
            component, activity = _ROTATION[k % len(_ROTATION)]
            place = places[int(rng.integers(0, len(places)))]
            topics = list(rng.choice(_TOPICS, size=int(rng.integers(1, 4)), replace=False))
            total = int(rng.integers(8, 60))
            share = 0.85 if activity == "female_engagement_team" else float(rng.uniform(0.15, 0.55))
            women = int(round(total * share))
            add(day, component, activity, place, topics, women, total - women, _QUESTIONS.get(topics[0], ""))
            day += pd.Timedelta(days=int(rng.integers(6, 13)))
            k += 1
    # Alindao before the attack: one meeting in August, the site last in September, then four components
    # asking the town the same questions within 11 days, and the site left silent.
    add("2018-08-14", "civil_affairs", "community_meeting", ALINDAO_TOWN, ["return", "social cohesion"], 6, 22,
        "What would the families need to go home?")
    add("2018-09-18", "civil_affairs", "local_protection_committee", ALINDAO_SITE, ["security", "site management"],
        9, 14, "Who guards the site at night?")
    same = ["security", "armed group movements"]
    add("2018-10-29", "civil_affairs", "joint_protection_team", ALINDAO_TOWN, same + ["return"], 3, 25,
        "Where are the armed men staying?")
    add("2018-11-01", "human_rights", "joint_protection_team", ALINDAO_TOWN, same + ["protection incidents"], 2, 18,
        "Where are the armed men staying?")
    add("2018-11-05", "military", "community_meeting", ALINDAO_TOWN, same, 0, 40,
        "Where are the armed men staying?")
    add("2018-11-08", "police", "community_meeting", ALINDAO_TOWN, same, 1, 15, "Have you seen armed men?")
    # After the surge (20 November): the liaison assistants reach the displaced.
    add("2018-11-22", "cla", "cla_contact", ALINDAO_SITE, ["security", "early warning"], 14, 10,
        "How do you alert the mission at night?")
    add("2018-11-27", "civil_affairs", "community_meeting", ("Alindao PK3 displaced", 5.06743, 21.23675),
        ["humanitarian access", "security"], 21, 17, "")
    frame = pd.DataFrame(rows).sort_values(["date", "community"], kind="stable").reset_index(drop=True)
    frame.insert(0, "engagement_id", [f"E-18-{i + 1:04d}" for i in range(len(frame))])
    return frame


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_320.0, lon + east_m / (111_320.0 * math.cos(math.radians(lat)))


def _track(seed: int, start: pd.Timestamp, origin: tuple[float, float], legs: list[tuple]) -> list[tuple]:
    """Fixes every 20 s: legs are ("move", north_m, east_m, minutes) or ("stop", minutes); 3-6 m of noise."""
    rng = np.random.default_rng(seed)
    lat, lon = origin
    t = start
    out = [(t, lat, lon)]
    for leg in legs:
        n = int(leg[-1] * 3)
        for _ in range(n):
            t += pd.Timedelta(seconds=20)
            if leg[0] == "move":
                lat, lon = _offset(lat, lon, leg[1] / n, leg[2] / n)
                jitter = 3.0
            else:
                jitter = 6.0
            la, lo = _offset(lat, lon, rng.normal(0, jitter), rng.normal(0, jitter))
            out.append((t, la, lo))
    return out


def _gpx(name: str, unit: str, kind: str, fixes: list[tuple]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<gpx version="1.1" creator="ewarning.demo (synthetic demo)" xmlns="http://www.topografix.com/GPX/1/1">',
             f"  <trk>\n    <name>{name}</name>\n    <desc>{unit}</desc>\n    <type>{kind}</type>\n    <trkseg>"]
    lines += [f'      <trkpt lat="{la:.6f}" lon="{lo:.6f}"><time>{t:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
              for t, la, lo in fixes]
    lines.append("    </trkseg>\n  </trk>\n</gpx>\n")
    return "\n".join(lines)


def demo_tracks() -> dict[str, str]:
    """The two extra GPX tracks (file name -> text)."""
    cob = (5.06020, 21.19346)
    # Alindao: drive to the town (1.2 km E), stop in the vehicles 25 min, drive north-west and back; never
    # within 2 km of the Catholic mission site to the south-east.
    ald = _track(1105, pd.Timestamp("2018-11-05T07:30:00Z"), cob,
                 [("move", 0, 1250, 4), ("stop", 25), ("move", 7000, -4000, 14), ("move", 0, 0, 0.4),
                  ("move", -7000, 2750, 14), ("move", 0, -1250, 3)])
    elevage = (5.77966, 20.69376)
    start = _offset(*elevage, -1500, -900)
    bmb = _track(1106, pd.Timestamp("2018-11-06T06:45:00Z"), start,
                 [("move", 1500, 900, 22), ("stop", 35), ("move", 400, -600, 12), ("stop", 20),
                  ("move", -1900, -300, 26)])
    return {"gps/PTL-DEMO-ALD-1105.gpx": _gpx("PTL-DEMO-ALD-1105", "BATT-1 C Coy (Alindao)", "driving", ald),
            "gps/PTL-DEMO-BMB-1106.gpx": _gpx("PTL-DEMO-BMB-1106", "BATT-2 A Coy / FET (Bambari)", "walking", bmb)}


def write(outdir) -> list[Path]:
    """Write :data:`ENGAGEMENT_FILES` into ``outdir``; the paths written."""
    outdir = Path(outdir)
    (outdir / "gps").mkdir(parents=True, exist_ok=True)
    path = outdir / "engagements.csv"
    engagement_log().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    paths = [path]
    for name, text in demo_tracks().items():
        (outdir / name).write_text(text, encoding="utf-8")
        paths.append(outdir / name)
    return paths


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ewarning.demo",
                                     description="write the demo engagement log and extra GPS tracks")
    parser.add_argument("outdir", help="folder for the demo files, e.g. geodata/demo")
    args = parser.parse_args(argv)
    for path in write(args.outdir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
