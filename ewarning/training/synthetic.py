"""The SYNTHETIC training scenarios shipped in ``geodata/scenarios/``, made by a seeded generator.

Two small invented situations in the Central African Republic (real town
names and approximate positions; every report, base, unit, patrol,
population and phone number is made up, armed groups are never named):

- ``reprisal``: around Kembé, early 2018. A community alert network of six
  focal points reports steadily; on 20 April an integrated patrol holds a
  large public meeting at the Kembé north site and asks, in front of everyone,
  who the early-warning contacts are. Threats against "those who talk to the
  mission" follow, then two focal points are abducted and one is killed, and
  the network falls silent: fewer reports is not calm.
- ``duplication``: around Ippy, February-March 2018. Five components visit
  the Ippy IDP site within four weeks and ask the same community the same
  questions; an armed attack on the road is then reported through four
  channels within hours (the engine counts one incident), while the site's own
  focal points report less and less.

Regenerate with ``python -m ewarning.training.synthetic geodata/scenarios``
(the same seed gives byte-identical files; a test checks the shipped ones).

Examples
--------
>>> tables = generate("reprisal")
>>> sorted(tables)
['alerts', 'engagements', 'patrol_points', 'patrols', 'presence', 'sites']
>>> int((tables["alerts"]["category"] == "abduction").sum()) >= 1
True
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SCENARIOS", "generate", "write"]

SCENARIOS = ("reprisal", "duplication")
_FILES = ("alerts", "sites", "presence", "patrols", "patrol_points", "engagements")

KEMBE = (4.6000, 21.8800)
KEMBE_NORTH = (4.6800, 21.9300)
MOBAYE = (4.3195, 21.1858)
BANGASSOU = (4.7413, 22.8184)
IPPY = (6.2500, 21.2167)
IPPY_SITE = (6.2550, 21.2250)
NDASSIMA = (6.0500, 21.5000)
BAMBARI = (5.7679, 20.6757)

_ROUTINE = [("threat_or_rumour", 2), ("armed_group_movement", 2), ("checkpoint_extortion", 2),
            ("intercommunal_tension", 2), ("looting", 3)]
_TEXT = {"threat_or_rumour": "Rumours of an attack on the villages {d} km {w} of {t}.",
         "armed_group_movement": "Armed men seen moving on the road {d} km {w} of {t}.",
         "checkpoint_extortion": "Illegal checkpoint taking money from traders {d} km {w} of {t}.",
         "intercommunal_tension": "Dispute between herders and farmers {d} km {w} of {t}.",
         "looting": "Shops looted at night {d} km {w} of {t}.",
         "armed_attack": "Armed attack on travellers {d} km {w} of {t}.",
         "killing": "People killed {d} km {w} of {t}.",
         "abduction": "People taken by armed men {d} km {w} of {t}.",
         "arson": "Houses burned {d} km {w} of {t}."}
_WINDS = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"]


def _offset(rng, centre, km):
    """A point about ``km`` (up to) from ``centre`` (lat, lon), with its distance and bearing word."""
    d = float(rng.uniform(0.5, km))
    a = float(rng.uniform(0, 2 * math.pi))
    lat = centre[0] + d / 111.0 * math.cos(a)
    lon = centre[1] + d / (111.0 * math.cos(math.radians(centre[0]))) * math.sin(a)
    wind = _WINDS[int(round(((math.degrees(a) % 360) / 45.0))) % 8]
    return round(lat, 5), round(lon, 5), max(1, int(round(d))), wind


def _iso(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:00Z")


class _Alerts:
    def __init__(self, prefix: str, rng):
        self.rows, self.prefix, self.rng = [], prefix, rng

    def add(self, when, centre, km, town, category, severity, channel, reporter="", killed=0, injured=0,
            lag_hours=(0.2, 6.0), reliability="C", credibility="3", precision="village", point=None):
        rng = self.rng
        lat, lon, d, w = _offset(rng, centre, km) if point is None else (*point, 1, "north")
        occurred = pd.Timestamp(when)
        reported = occurred + pd.Timedelta(hours=float(rng.uniform(*lag_hours)))
        self.rows.append({"id": f"{self.prefix}-{len(self.rows) + 1:05d}", "reported_at": _iso(reported),
                          "occurred_at": _iso(occurred), "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                          "location_precision": precision, "category": category, "severity": str(severity),
                          "killed": str(killed), "injured": str(injured), "channel": channel,
                          "verification": "unverified", "reliability": reliability, "credibility": credibility,
                          "reporter": reporter, "text": _TEXT.get(category, "Incident {d} km {w} of {t}.").format(
                              d=d, w=w, t=town)})

    def routine(self, start, end, centre, km, town, rate, reporters, channels, until_silence=None, silent_rate=0.0):
        rng = self.rng
        day = pd.Timestamp(start)
        while day < pd.Timestamp(end):
            r = rate if until_silence is None or day < pd.Timestamp(until_silence) else silent_rate
            for _ in range(int(rng.poisson(r))):
                cat, sev = _ROUTINE[int(rng.integers(len(_ROUTINE)))]
                when = day + pd.Timedelta(minutes=int(rng.integers(6 * 60, 20 * 60)))
                self.add(when, centre, km, town, cat, sev, channels[int(rng.integers(len(channels)))],
                         reporters[int(rng.integers(len(reporters)))] if reporters else "")
            day += pd.Timedelta(days=1)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows)
        df = df.sort_values(["reported_at", "id"]).reset_index(drop=True)
        df["id"] = [f"{self.prefix}-{i + 1:05d}" for i in range(len(df))]
        return df


def _presence(rows) -> pd.DataFrame:
    cols = ["base_id", "name", "kind", "lat", "lon", "military", "police", "civilian", "cla", "cla_female",
            "start", "end"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols).astype(str).replace("None", "")


def _sites(rows) -> pd.DataFrame:
    cols = ["site_id", "name", "kind", "lat", "lon", "population", "opened", "closed"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols).astype(str).replace("None", "")


class _Patrols:
    def __init__(self, prefix: str, rng):
        self.meta, self.points, self.prefix, self.rng = [], [], prefix, rng

    def add(self, start, unit, component, kind, frm, to, engagements=0, cla=False, fet=False, hours=4.0):
        pid = f"{self.prefix}-{len(self.meta) + 1:04d}"
        start = pd.Timestamp(start)
        end = start + pd.Timedelta(hours=hours)
        self.meta.append({"patrol_id": pid, "unit": unit, "component": component, "type": kind, "start": _iso(start),
                          "end": _iso(end), "engagements": str(engagements), "cla_present": "yes" if cla else "no",
                          "female_engagement_team": "yes" if fet else "no"})
        n = 6
        for i in range(n):
            f = i / (n - 1)
            # out and back: the middle point is the destination
            g = 1 - abs(2 * f - 1)
            lat = frm[0] + (to[0] - frm[0]) * g + float(self.rng.normal(0, 0.003))
            lon = frm[1] + (to[1] - frm[1]) * g + float(self.rng.normal(0, 0.003))
            self.points.append({"patrol_id": pid, "seq": str(i + 1), "time": _iso(start + (end - start) * f),
                                "lat": f"{lat:.5f}", "lon": f"{lon:.5f}"})
        return pid

    def frames(self):
        return pd.DataFrame(self.meta), pd.DataFrame(self.points)


def _engagements(rows) -> pd.DataFrame:
    cols = ["engagement_id", "date", "place", "lat", "lon", "component", "unit", "topics"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols).astype(str)


def _reprisal(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    alerts = _Alerts("RP", rng)
    focal = [f"+236 70 00 81 {i:02d}" for i in range(1, 7)]
    start, end = pd.Timestamp("2017-12-01"), pd.Timestamp("2018-06-15")
    engagement, threats, abducted, killed = (pd.Timestamp("2018-04-20 10:00"), pd.Timestamp("2018-04-23"),
                                             pd.Timestamp("2018-04-30 22:00"), pd.Timestamp("2018-05-04 05:30"))
    # The Kembé network: six focal points, steady until the abductions, then nearly silent (one still calls).
    alerts.routine(start, end, KEMBE, 18, "Kembé", 0.9, focal, ["can_call", "can_sms"], until_silence=abducted,
                   silent_rate=0.08)
    alerts.routine(start, end, MOBAYE, 15, "Mobaye", 0.6, [f"+236 70 00 82 {i:02d}" for i in range(1, 5)],
                   ["can_call", "hotline"])
    alerts.routine(start, end, BANGASSOU, 15, "Bangassou", 0.8, [f"+236 70 00 83 {i:02d}" for i in range(1, 6)],
                   ["can_call", "can_sms", "patrol_report"])
    # After the public meeting: threats against "informers", heard through the hotline and an NGO.
    for i, day in enumerate(pd.date_range(threats, periods=5, freq="D")):
        alerts.add(day + pd.Timedelta(hours=9 + i), KEMBE_NORTH, 6, "Kembé", "threat_or_rumour", 3,
                   "hotline" if i % 2 == 0 else "partner_ngo", reliability="B", credibility="2")
    alerts.add(abducted, KEMBE_NORTH, 3, "Kembé", "abduction", 5, "partner_ngo", lag_hours=(10, 14),
               reliability="B", credibility="2")
    alerts.add(killed, KEMBE_NORTH, 3, "Kembé", "killing", 5, "patrol_report", killed=2, lag_hours=(6, 9),
               reliability="A", credibility="2")
    alerts.add(pd.Timestamp("2018-05-09 03:00"), KEMBE_NORTH, 4, "Kembé", "arson", 4, "partner_ngo",
               lag_hours=(20, 30), reliability="B", credibility="3")
    alerts.add(pd.Timestamp("2018-05-12 16:00"), KEMBE, 6, "Kembé", "displacement", 3, "liaison_assistant",
               reliability="B", credibility="2")
    presence = _presence([
        ("B-KMB-TOB", "Kembé temporary operating base", "temporary_base", 4.6050, 21.8850, 140, 0, 0, 1, 0,
         "2017-06-01", None),
        ("B-MBY-COB", "Mobaye company base", "company_base", 4.3250, 21.1900, 200, 25, 6, 2, 1, "2016-01-01", None),
        ("B-BGS-HQ", "Bangassou sector base", "sector_hq", 4.7450, 22.8150, 600, 140, 40, 3, 2, "2016-01-01", None)])
    sites = _sites([
        ("S-KMB-01", "Kembé north site", "idp_camp", *KEMBE_NORTH, 2200, "2017-09-01", None),
        ("S-KMB-02", "Kembé host families", "host_community", 4.5950, 21.8700, 3500, "2017-06-01", None),
        ("S-BGS-01", "Bangassou cathedral site", "idp_camp", 4.7380, 22.8210, 2000, "2017-05-15", None)])
    patrols = _Patrols("PTL-RP", rng)
    tob = (4.6050, 21.8850)
    for day in pd.date_range("2017-12-04", "2018-06-12", freq="7D"):
        patrols.add(day + pd.Timedelta(hours=7), "BATT-2 A Coy", "military", "vehicle", tob, KEMBE_NORTH,
                    engagements=int(rng.integers(0, 2)))
    patrols.add(engagement, "BATT-2 A Coy / Civil Affairs", "military", "integrated", tob, KEMBE_NORTH,
                engagements=6, cla=True, hours=5)
    for day in pd.date_range("2017-12-06", "2018-06-12", freq="10D"):
        patrols.add(day + pd.Timedelta(hours=8), "BATT-2 C Coy", "military", "vehicle", (4.3250, 21.1900), MOBAYE)
    meta, points = patrols.frames()
    engagements = _engagements([
        ("E-RP-001", "2018-02-14T10:00:00Z", "Kembé host families", 4.5950, 21.8700, "military", "BATT-2 A Coy",
         "security_concerns;humanitarian_needs"),
        ("E-RP-002", "2018-04-20T10:00:00Z", "Kembé north site", *KEMBE_NORTH, "military", "BATT-2 A Coy",
         "security_concerns;armed_group_presence;early_warning_contacts"),
        ("E-RP-003", "2018-04-20T11:00:00Z", "Kembé north site", *KEMBE_NORTH, "civilian", "Civil Affairs Mobaye",
         "early_warning_contacts;protection_needs")])
    return {"alerts": alerts.frame(), "sites": sites, "presence": presence, "patrols": meta,
            "patrol_points": points, "engagements": engagements}


def _duplication(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    alerts = _Alerts("DP", rng)
    start, end = pd.Timestamp("2017-09-01"), pd.Timestamp("2018-04-01")
    site_focal = [f"+236 70 00 91 {i:02d}" for i in range(1, 6)]
    # The site's focal points report less and less as the visits pile up (asked five times, they stop answering).
    alerts.routine(start, pd.Timestamp("2018-02-10"), IPPY_SITE, 10, "Ippy", 0.8, site_focal, ["can_call", "can_sms"])
    alerts.routine(pd.Timestamp("2018-02-10"), end, IPPY_SITE, 10, "Ippy", 0.25, site_focal[:2], ["can_call"])
    alerts.routine(start, end, NDASSIMA, 12, "Ndassima", 0.4, [f"+236 70 00 92 {i:02d}" for i in range(1, 4)],
                   ["can_call", "radio"])
    alerts.routine(start, end, BAMBARI, 15, "Bambari", 1.0, [f"+236 70 00 93 {i:02d}" for i in range(1, 7)],
                   ["can_call", "can_sms", "hotline", "patrol_report"])
    # One attack on the road south of the site, reported through four channels within hours (one incident).
    attack = pd.Timestamp("2018-03-06 06:40")
    where = (6.2100, 21.2400)
    for i, (channel, lag) in enumerate([("patrol_report", (1.0, 1.5)), ("liaison_assistant", (2.0, 2.5)),
                                        ("can_call", (0.5, 0.8)), ("partner_ngo", (5.0, 6.0))]):
        jitter = (round(where[0] + float(rng.normal(0, 0.0015)), 5), round(where[1] + float(rng.normal(0, 0.0015)), 5))
        alerts.add(attack, where, 1, "Ippy", "armed_attack", 4, channel, reporter=site_focal[0] if channel == "can_call"
                   else "", killed=3 if i == 0 else 2 + i % 2, injured=4, lag_hours=lag, point=jitter,
                   reliability="B", credibility="2")
    alerts.add(pd.Timestamp("2018-03-09 18:00"), IPPY_SITE, 3, "Ippy", "killing", 5, "liaison_assistant", killed=1,
               reliability="B", credibility="2")
    presence = _presence([
        ("B-IPY-TOB", "Ippy temporary operating base", "temporary_base", 6.2600, 21.2100, 150, 0, 0, 1, 0,
         "2017-03-01", None),
        ("B-IPY-POL", "Ippy police post", "police_post", 6.2480, 21.2190, 0, 12, 0, 0, 0, "2017-10-01", None),
        ("B-BBR-HQ", "Bambari sector base", "sector_hq", 5.7700, 20.6800, 800, 160, 60, 4, 2, "2015-01-01", None),
        ("B-BBR-FO", "Bambari field office", "field_office", 5.7650, 20.6700, 0, 0, 25, 2, 1, "2015-01-01", None)])
    sites = _sites([
        ("S-IPY-01", "Ippy IDP site", "idp_camp", *IPPY_SITE, 6000, "2017-05-01", None),
        ("S-IPY-02", "Ndassima host community", "host_community", *NDASSIMA, 1500, "2017-01-01", None),
        ("S-BBR-01", "Bambari Elevage site", "idp_camp", 5.7900, 20.6600, 4500, "2016-01-01", None)])
    patrols = _Patrols("PTL-DP", rng)
    tob, post, hq = (6.2600, 21.2100), (6.2480, 21.2190), (5.7700, 20.6800)
    for day in pd.date_range("2017-09-04", "2018-03-30", freq="7D"):
        patrols.add(day + pd.Timedelta(hours=7), "BATT-4 B Coy", "military", "vehicle", tob, NDASSIMA, hours=6)
    visits = [("2018-02-05T09:00:00Z", "military", "BATT-4 B Coy (CIMIC)", "integrated", tob,
               "security_concerns;armed_group_presence;humanitarian_needs"),
              ("2018-02-09T09:30:00Z", "police", "UNPOL Ippy", "dismounted", post,
               "security_concerns;armed_group_presence;sexual_violence"),
              ("2018-02-14T10:00:00Z", "civilian", "Civil Affairs Bambari", "vehicle", hq,
               "security_concerns;humanitarian_needs;returns"),
              ("2018-02-20T10:00:00Z", "civilian", "Human Rights Bambari", "vehicle", hq,
               "security_concerns;sexual_violence;armed_group_presence"),
              ("2018-02-26T09:00:00Z", "civilian", "Child Protection Bambari", "vehicle", hq,
               "child_protection;armed_group_presence"),
              ("2018-03-03T09:00:00Z", "military", "BATT-4 B Coy", "dismounted", tob,
               "security_concerns;armed_group_presence")]
    rows = []
    for i, (when, comp, unit, kind, frm, topics) in enumerate(visits, start=1):
        patrols.add(pd.Timestamp(when).tz_localize(None), unit, comp, kind, frm, IPPY_SITE, engagements=1 + i % 2,
                    cla=comp == "military", fet=comp == "police", hours=5)
        rows.append((f"E-DP-{i:03d}", when, "Ippy IDP site", *IPPY_SITE, comp, unit, topics))
    rows.append(("E-DP-007", "2018-01-18T10:00:00Z", "Ndassima host community", *NDASSIMA, "military",
                 "BATT-4 B Coy (CIMIC)", "security_concerns;humanitarian_needs"))
    meta, points = patrols.frames()
    return {"alerts": alerts.frame(), "sites": sites, "presence": presence, "patrols": meta,
            "patrol_points": points, "engagements": _engagements(sorted(rows, key=lambda r: r[1]))}


def generate(name: str, seed: int = 2018) -> dict[str, pd.DataFrame]:
    """The tables of the synthetic scenario ``name`` (:data:`SCENARIOS`), as raw strings (like a user's CSV)."""
    if name == "reprisal":
        return _reprisal(seed)
    if name == "duplication":
        return _duplication(seed)
    raise ValueError(f"unknown synthetic scenario {name!r}; expected one of {', '.join(SCENARIOS)}")


def write(folder: str | Path, names=SCENARIOS, seed: int = 2018) -> list[Path]:
    """Write each scenario's CSV files into ``folder/<name>/`` (``scenario.json`` is written by hand)."""
    out = []
    for name in names:
        home = Path(folder) / name
        home.mkdir(parents=True, exist_ok=True)
        for layer, frame in generate(name, seed).items():
            path = home / f"{layer}.csv"
            frame.to_csv(path, index=False, lineterminator="\n")
            out.append(path)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ewarning.training.synthetic",
                                     description="Write the synthetic training scenarios' files.")
    parser.add_argument("folder", nargs="?", default="geodata/scenarios")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)
    for path in write(args.folder, seed=args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
