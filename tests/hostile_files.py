"""Hostile input files for every reader: seeded, deterministic, mostly small.

:func:`generate` writes ``n`` files for the import pipeline to survive. Each
file starts from a *valid* seed of one reader family, built here in code
(canonical CSVs of every layer, ACLED and UCDP GED exports with their real
column names, HXL with a hashtag row, KoBoToolbox CSV and XLSX exports, Excel
workbooks with a sheet per layer, GeoJSON, GeoPackage, GPX and KML), then one
*mutation* is applied: what a broken download, a careless spreadsheet user, a
confused GPS unit or a deliberate attacker would hand the importer. Every
mutation's docstring says what it models.

Reader families (the seed a file started from; a mutation may change what the
file looks like, e.g. ``disguise`` writes another format under this family's
extension): ``own``, ``acled``, ``ucdp``, ``hxl``, ``kobo_csv``,
``kobo_xlsx``, ``excel``, ``geojson``, ``gpkg``, ``gpx``, ``kml``.

Determinism: file ``i`` of ``generate(seed, n, ...)`` depends only on
``(seed, i)`` and the plan (which family and mutation file ``i`` gets, itself
drawn from ``random.Random(seed)``), so ``generate(seed, n, d, indices=[i])``
rebuilds exactly that one file. Zip timestamps and GeoPackage change times are
pinned so the same seed gives the same bytes.

Safety of the generator itself: nothing here touches the network. XML external
entities point at ``/etc/hostname``; VRT files point at a CSV in the output
folder's ``support/`` directory (or at themselves); nothing names a URL.

Run alone to write one set: ``python tests/hostile_files.py --seed 1 --files 200 --out /tmp/hostile``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import shutil
import sqlite3
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

FAMILIES = ("own", "acled", "ucdp", "hxl", "kobo_csv", "kobo_xlsx", "excel", "geojson", "gpkg", "gpx", "kml")
CSV_FAMILIES = ("own", "acled", "ucdp", "hxl", "kobo_csv")
XLSX_FAMILIES = ("excel", "kobo_xlsx")
VECTOR_FAMILIES = ("geojson", "gpkg")
XML_FAMILIES = ("gpx", "kml")
TEXT_FAMILIES = CSV_FAMILIES + ("geojson",) + XML_FAMILIES
TABLE_FAMILIES = CSV_FAMILIES + XLSX_FAMILIES + VECTOR_FAMILIES
ALL = FAMILIES
SUFFIX = {"own": ".csv", "acled": ".csv", "ucdp": ".csv", "hxl": ".csv", "kobo_csv": ".csv", "kobo_xlsx": ".xlsx",
          "excel": ".xlsx", "geojson": ".geojson", "gpkg": ".gpkg", "gpx": ".gpx", "kml": ".kml"}

#: Longer than the csv module's default field limit (131,072 characters).
HUGE = 131_072 + 4_099
#: Fixed timestamp for zip members and GeoPackage metadata (reproducible bytes).
ZIP_TIME = (2018, 11, 15, 0, 0, 0)


@dataclass
class HostileFile:
    """One generated file.

    Attributes
    ----------
    path : Path
        The file (or, for the ``directory`` mutation, a folder).
    family : str
        The reader family whose valid seed the file started from.
    mutation : str
        The mutation applied (``valid`` for an untouched seed).
    expect : str or None
        ``"refused"`` when the importer must refuse the file (entity
        expansion, external entities, VRT indirection), ``"imported"`` for an
        untouched valid seed; None when either outcome is acceptable.
    detail : str
        The mutation's variant, for reports.
    index : int
        Position in the generated set.
    """

    path: Path
    family: str
    mutation: str
    expect: str | None = None
    detail: str = ""
    index: int = 0

    def as_dict(self) -> dict:
        return {"index": self.index, "path": str(self.path), "family": self.family, "mutation": self.mutation,
                "expect": self.expect, "detail": self.detail}


# -- random but plausible content ---------------------------------------------------------------------------------
CATEGORIES = ["killing", "armed_attack", "abduction", "sexual_violence", "looting", "arson", "displacement",
              "armed_group_movement", "intercommunal_tension", "threat_or_rumour", "checkpoint_extortion"]
CHANNELS = ["can_call", "hotline", "sms", "patrol", "media", "can_sms"]
TEXTS = ["Éléments armés vus au marché de Datoko, direction mission catholique.",
         "Armed men seen near the market at dawn", "Pillage du marché de Bambari PK3",
         "Rumeur d'attaque du site de déplacés ce soir", "Barrière illégale sur l'axe Alindao-Kongbo",
         "Two houses burnt in Ngoubi quarter", "Déplacement massif vers la mission (≈300 ménages)"]
PLACES = ["Alindao", "Bambari", "Bangassou", "Ndélé", "Kaga-Bandoro", "Bria", "Obo", "Zémio", "Paoua", "Bossangoa"]
ACLED_TYPES = [("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
               ("Violence against civilians", "Abduction/forced disappearance"),
               ("Violence against civilians", "Sexual violence"),
               ("Strategic developments", "Looting/property destruction"), ("Protests", "Peaceful protest"),
               ("Riots", "Mob violence"), ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
               ("Strategic developments", "Agreement")]
ACLED_HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
                "tags", "timestamp"]
UCDP_HEADER = ["id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
               "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
               "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
               "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
               "where_coordinates", "where_description", "latitude", "longitude", "adm_1", "adm_2", "priogrid_gid",
               "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end", "deaths_a",
               "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob"]

#: Coordinates that are not coordinates.
COORD_VALUES = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "", " ", "0", "-0", "1e308", "-1e309",
                "1e-320", "4,79", "4.79.1", "0x10", "１２.５", "٤٫٧٩", "4.79e", "--4", "4°47'N", "N4.79", "null",
                "None", "+4.79", "  4.79  ", "4.79\u00a0", "999", "-91", "181", "90.0000001", "-180.0000001",
                "1" * 400, "4.7" + "9" * 5000, "1/0", "+236 70 12 34 56"]
#: Dates that cannot be, or only just can be.
DATE_VALUES = ["2018-02-30", "2018-13-01", "2018-00-10", "0000-00-00", "0001-01-01", "1677-09-21",
               "1677-09-21T00:12:43Z", "2262-04-12T00:00:00Z", "2262-04-11T23:47:16.854775808Z",
               "9999-12-31T23:59:59Z", "10000-01-01", "99999-01-01", "-0001-01-01", "1e20", "-1", "0", "4e9",
               "1541030400", "now", "today", "yesterday", "NaT", "nan", "", " ", "2018-11-15T25:61:61",
               "2018-11-15T10:00:00+99:00", "2018-11-15T10:00:00+14:01", "2018-W46-4", "15/11/2018", "11/15/2018",
               "31/31/2018", "2018-11-15 10:00 PM +0100", "2018-11-15" * 300, "2030-01-01", "1900-01-01",
               "1970-01-01T00:00:00Z", "2018-11-15T10:00:00.123456789123Z", "Thu, 15 Nov 2018 10:00:00 GMT",
               "15 novembre 2018", "２０１８-１１-１５", "2018-11-15T10:00:00Z\u202e", "2018-11-15T10:00:00 Europe/Nowhere",
               "9" * 40, "-9" * 20, "2018-11-15T10:00:00-00:00", "+275760-09-13"]
#: Counts and numbers at and beyond every limit.
NUMBER_VALUES = ["1e400", "-1e400", "inf", "-inf", "nan", "-1", "-0", "99999999999999999999999",
                 "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                 "1.5", "1e18", "1e19", "0x1F", "１０", "", "∞", "1_000", "1,000", "10 killed", "12.0", "1e-400",
                 "3.4028235e38", "00000000000000000000000000000001", "+5", "5-", "2**64", "9" * 400, "True"]
#: Text that wants to be code, or hides things.
TEXT_VALUES = ["=1+1", '=HYPERLINK("http://127.0.0.1/x","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
               "<script>alert(1)</script>", "\u202eevil\u202c", "\x1b[31mred", "\x7f\x08", "line1\nline2",
               "tab\tsep", 'quote"inside', "emoji 🧨", "\ud83d", "\u2028\u2029", "\ufeffBOM inside", "A" * 5000,
               "%s%s%n", "${jndi:ldap://127.0.0.1/a}", "'; DROP TABLE alerts; --", "\\x00", "\x00",
               "call +236 70 12 34 56 or mail focal@example.org", "\udcff", "\x0b\x0c\x1c\x1d\x1e", "\u0085next"]
#: Typed spreadsheet cell values at the limits.
CELL_VALUES = [float("nan"), float("inf"), float("-inf"), 10 ** 30, -(10 ** 30), 2 ** 63, 1e308, -0.0, 1e-320,
               True, False, dt.datetime(1900, 1, 1), dt.datetime(1899, 12, 30), dt.datetime(9999, 12, 31, 23, 59, 59),
               dt.date(1900, 2, 28), dt.time(23, 59, 59, 999999), dt.timedelta(days=-5), dt.timedelta(days=10 ** 6),
               "", " ", "#DIV/0!", "nan", "inf", "=1/0", dt.datetime(1, 1, 1), 0, -1]
#: Pairs of header names that mean the same column (case, alias or identity synonyms).
COLLIDING = {
    "own": [("Lat", "lat"), ("phone", "mobile"), ("lat", "latitude"), ("LAT", "Latitude"), ("lon", "lng"),
            ("lon", "x"), ("reporter", "phone"), ("phone", "Phone"), ("date", "occurred_at"),
            ("description", "text"), ("category", "Category"), ("id", "ID"), ("fatalities", "killed"),
            (" lat", "lat "), ("lat", "lat.1"), ("site_id", "SITE_ID"), ("base_id", "Base_Id"),
            ("patrol_id", "Patrol_ID"), ("seq", "SEQ"), ("y", "latitude")],
    "acled": [("latitude", "Latitude"), ("event_date", "EVENT_DATE"), ("notes", "NOTES"), ("phone", "mobile"),
              ("fatalities", "Fatalities"), ("event_id_cnty", "EVENT_ID_CNTY"), ("latitude", "latitude ")],
    "ucdp": [("latitude", "Latitude"), ("id", "ID"), ("best", "BEST"), ("where_prec", "Where_Prec"),
             ("date_start", "DATE_START"), ("phone", "mobile")],
    "hxl": [("#geo+lat", "#geo+lat"), ("#geo+lat", "#geo +lat"), ("#contact+phone", "#contact+phone+mobile"),
            ("#event+type", "#event+type+main"), ("#date+occurred", "#date+occurred"), ("#site+id", "#site+id")],
    "vector": [("Lat", "lat"), ("phone", "mobile"), ("lat", "latitude"), ("geometry", "GEOMETRY"), ("fid", "FID"),
               ("geometry", "geom"), ("id", "ID"), ("reporter", "phone"), ("category", "Category"), ("x", "lon")],
    "kobo": [("alert/category", "other/category"), ("_uuid", "_UUID"), ("reporter/phone", "reporter/mobile"),
             ("_alert/location_latitude", "lat"), ("alert/incident_date", "date"), ("alert/category", "ALERT/CATEGORY"),
             ("phone", "mobile"), ("Lat", "lat")],
}


def _lat(rng: random.Random) -> str:
    return f"{rng.uniform(2.3, 11.0):.5f}"


def _lon(rng: random.Random) -> str:
    return f"{rng.uniform(14.5, 27.4):.5f}"


def _when(rng: random.Random) -> dt.datetime:
    return dt.datetime(2018, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 700))


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _phone(rng: random.Random) -> str:
    return f"+236 7{rng.randint(0, 9)} {rng.randrange(10 ** 6):06d}"


# -- tables: the seed of every CSV, sheet and vector layer ----------------------------------------------------------
@dataclass
class Table:
    """Rows of one layer before serialisation.

    ``roles`` names the columns a mutation targets (``lat``, ``lon``, ``date``,
    ``number``, ``text``, ``id``, ``identity``). Rows before ``first_data``
    are not data (an HXL hashtag row). Columns whose name starts with ``__``
    are hidden: for vector layers ``__lat__``/``__lon__`` become the point
    geometry and ``__route__`` a line's coordinates.
    """

    layer: str
    header: list
    rows: list[list]
    roles: dict[str, list[int]]
    delimiter: str = ","
    first_data: int = 0
    name: str = ""

    def col(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None

    def data_rows(self) -> list[list]:
        return self.rows[self.first_data:]

    def role(self, rng: random.Random, role: str) -> list[int]:
        """Column positions for ``role`` (any visible column when the table has none)."""
        cols = [c for c in self.roles.get(role, []) if c < len(self.header)]
        if cols:
            return cols
        visible = [i for i, h in enumerate(self.header) if not str(h).startswith("__")]
        return [rng.choice(visible)] if visible else []

    def add_column(self, name, values: list, at: int | None = None) -> None:
        at = len(self.header) if at is None else at
        self.header.insert(at, name)
        for r, row in enumerate(self.rows):
            row.insert(at, values[r] if r < len(values) else "")
        for role, cols in self.roles.items():
            self.roles[role] = [c + 1 if c >= at else c for c in cols]

    def drop_column(self, at: int) -> None:
        del self.header[at]
        for row in self.rows:
            if at < len(row):
                del row[at]
        for role, cols in self.roles.items():
            self.roles[role] = [c - 1 if c > at else c for c in cols if c != at]


def _roles(header: list, **named: list[str]) -> dict[str, list[int]]:
    return {role: [header.index(n) for n in names if n in header] for role, names in named.items()}


def own_table(rng: random.Random, layer: str | None = None) -> Table:
    """A canonical CSV layer, 3 to 12 rows, as the mission's own tools write it."""
    layer = layer or rng.choice(["alerts", "alerts", "sites", "presence", "patrols", "patrol_points"])
    n = rng.randint(3, 12)
    rows: list[list] = []
    if layer == "alerts":
        header = ["id", "reported_at", "occurred_at", "lat", "lon", "category", "severity", "killed", "injured",
                  "channel", "verification", "text", "reporter"]
        for i in range(n):
            occ = _when(rng)
            rows.append([f"A-{rng.randrange(10 ** 6):06d}-{i}", _iso(occ + dt.timedelta(minutes=rng.randint(5, 900))),
                         _iso(occ), _lat(rng), _lon(rng), rng.choice(CATEGORIES), str(rng.randint(1, 5)),
                         str(rng.randint(0, 9)), str(rng.randint(0, 9)), rng.choice(CHANNELS),
                         rng.choice(["unverified", "verified"]), rng.choice(TEXTS), _phone(rng)])
        roles = _roles(header, id=["id"], date=["reported_at", "occurred_at"], lat=["lat"], lon=["lon"],
                       number=["severity", "killed", "injured"], text=["text", "category", "channel"],
                       identity=["reporter"])
    elif layer == "sites":
        header = ["site_id", "name", "kind", "lat", "lon", "population", "opened", "closed"]
        for i in range(n):
            rows.append([f"S-{i:03d}", f"{rng.choice(PLACES)} site {i}", rng.choice(["idp_camp", "IDP camp", "poc"]),
                         _lat(rng), _lon(rng), str(rng.randint(100, 30000)), _when(rng).date().isoformat(), ""])
        roles = _roles(header, id=["site_id"], date=["opened", "closed"], lat=["lat"], lon=["lon"],
                       number=["population"], text=["name", "kind"])
    elif layer == "presence":
        header = ["base_id", "name", "kind", "lat", "lon", "military", "police", "civilian", "cla", "cla_female",
                  "start", "end"]
        for i in range(n):
            rows.append([f"B-{i:03d}", f"{rng.choice(PLACES)} base", rng.choice(["tob", "cob", "police_post"]),
                         _lat(rng), _lon(rng), str(rng.randint(0, 900)), str(rng.randint(0, 200)),
                         str(rng.randint(0, 50)), str(rng.randint(0, 4)), str(rng.randint(0, 2)),
                         _when(rng).date().isoformat(), ""])
        roles = _roles(header, id=["base_id"], date=["start", "end"], lat=["lat"], lon=["lon"],
                       number=["military", "police", "civilian", "cla", "cla_female"], text=["name", "kind"])
    elif layer == "patrols":
        header = ["patrol_id", "unit", "component", "type", "start", "end", "engagements", "cla_present",
                  "female_engagement_team"]
        for i in range(n):
            start = _when(rng)
            rows.append([f"P-{i:03d}", f"BATT-{rng.randint(1, 6)} C Coy", rng.choice(["military", "police"]),
                         rng.choice(["vehicle", "dismounted"]), _iso(start),
                         _iso(start + dt.timedelta(hours=rng.randint(1, 9))), str(rng.randint(0, 4)),
                         rng.choice(["yes", "no"]), rng.choice(["yes", "no"])])
        roles = _roles(header, id=["patrol_id"], date=["start", "end"], number=["engagements"],
                       text=["unit", "component", "type", "cla_present"])
    else:
        header = ["patrol_id", "seq", "time", "lat", "lon"]
        for p in range(rng.randint(1, 3)):
            t = _when(rng)
            lat, lon = float(_lat(rng)), float(_lon(rng))
            for s in range(rng.randint(2, 6)):
                rows.append([f"PTL-{p:03d}", str(s + 1), _iso(t + dt.timedelta(minutes=12 * s)),
                             f"{lat + 0.01 * s:.5f}", f"{lon + 0.01 * s:.5f}"])
        roles = _roles(header, id=["patrol_id"], date=["time"], lat=["lat"], lon=["lon"], number=["seq"])
    return Table(layer, header, rows, roles, delimiter=rng.choice([",", ",", ",", ";", "\t"]))


def acled_table(rng: random.Random) -> Table:
    """An ACLED export (data export tool columns), 3 to 12 events in the CAR."""
    rows = []
    for i in range(rng.randint(3, 12)):
        when = _when(rng)
        etype, sub = rng.choice(ACLED_TYPES)
        row = dict.fromkeys(ACLED_HEADER, "")
        row.update(event_id_cnty=f"CEN{rng.randint(10000, 99999)}", event_date=when.date().isoformat(),
                   year=str(when.year), time_precision=str(rng.randint(1, 3)), disorder_type="Political violence",
                   event_type=etype, sub_event_type=sub, actor1="UPC", inter1="2", actor2="Civilians", inter2="7",
                   interaction="27", iso="140", region="Middle Africa", country="Central African Republic",
                   admin1="Basse-Kotto", location=rng.choice(PLACES), latitude=_lat(rng), longitude=_lon(rng),
                   geo_precision=str(rng.randint(1, 3)), source="Radio Ndeke Luka", source_scale="National",
                   notes=rng.choice(TEXTS), fatalities=str(rng.randint(0, 12)),
                   timestamp=str(int(when.replace(tzinfo=dt.timezone.utc).timestamp()) + rng.randint(0, 10 ** 6)))
        rows.append([row[h] for h in ACLED_HEADER])
    roles = _roles(ACLED_HEADER, id=["event_id_cnty"], date=["event_date", "timestamp"], lat=["latitude"],
                   lon=["longitude"], number=["fatalities", "geo_precision", "time_precision"],
                   text=["notes", "event_type", "sub_event_type"])
    return Table("alerts", list(ACLED_HEADER), rows, roles)


def ucdp_table(rng: random.Random) -> Table:
    """A UCDP GED export (GED 23.1 columns), 3 to 12 events."""
    rows = []
    for i in range(rng.randint(3, 12)):
        start = _when(rng)
        row = dict.fromkeys(UCDP_HEADER, "")
        lat, lon = _lat(rng), _lon(rng)
        best = rng.randint(0, 30)
        row.update(id=str(rng.randint(1000, 999999)), relid="0", year=str(start.year), active_year="1",
                   code_status="Clear", type_of_violence=str(rng.randint(1, 3)), conflict_name="CAR - Civilians",
                   side_a="Government of Central African Republic", side_b="Civilians", number_of_sources="1",
                   where_prec=str(rng.choice([1, 1, 2, 3, 4, 5, 6, 7])), where_coordinates=rng.choice(PLACES),
                   where_description=rng.choice(PLACES) + " town", latitude=lat, longitude=lon,
                   country="Central African Republic", country_id="482", region="Africa", event_clarity="1",
                   date_prec=str(rng.randint(1, 3)), date_start=start.date().isoformat(),
                   date_end=(start + dt.timedelta(days=rng.randint(0, 3))).date().isoformat(), best=str(best),
                   high=str(best + 2), low=str(max(0, best - 2)), gwnoa="482.0")
        rows.append([row[h] for h in UCDP_HEADER])
    roles = _roles(UCDP_HEADER, id=["id"], date=["date_start", "date_end"], lat=["latitude"], lon=["longitude"],
                   number=["best", "where_prec", "type_of_violence", "date_prec"], text=["where_description", "side_a"])
    return Table("alerts", list(UCDP_HEADER), rows, roles)


def hxl_table(rng: random.Random) -> Table:
    """An HXL-tagged CSV: alerts with a text header and a hashtag row, or sites with hashtags as the header."""
    if rng.random() < 0.6:
        header = ["Incident ID", "Date reported", "Date of incident", "Latitude", "Longitude", "Prefecture",
                  "Incident type", "Killed", "Injured", "Description", "Focal point phone"]
        tags = ["#event+id", "#date+reported", "#date+occurred", "#geo+lat", "#geo+lon", "#adm1+name",
                "#event+type", "#affected+killed", "#affected+injured", "#description", "#contact+phone"]
        rows = [tags]
        for i in range(rng.randint(3, 12)):
            occ = _when(rng)
            rows.append([f"HXL-{i:03d}", (occ + dt.timedelta(hours=3)).date().isoformat(), occ.date().isoformat(),
                         _lat(rng), _lon(rng), "Basse-Kotto", rng.choice(CATEGORIES).replace("_", " "),
                         str(rng.randint(0, 9)), str(rng.randint(0, 9)), rng.choice(TEXTS), _phone(rng)])
        roles = {"id": [0], "date": [1, 2], "lat": [3], "lon": [4], "text": [6, 9], "number": [7, 8], "identity": [10]}
        return Table("alerts", header, rows, roles, first_data=1)
    header = ["#site+id", "#site+name", "#site+type", "#adm1+name", "#geo+lat", "#geo+lon", "#affected+idps",
              "#date+opened"]
    rows = [[f"CF-{i:02d}", f"{rng.choice(PLACES)} site", "IDP camp", "Basse-Kotto", _lat(rng), _lon(rng),
             str(rng.randint(100, 20000)), _when(rng).date().isoformat()] for i in range(rng.randint(3, 12))]
    roles = {"id": [0], "text": [1, 2], "lat": [4], "lon": [5], "number": [6], "date": [7]}
    return Table("sites", header, rows, roles)


KOBO_HEADER = ["start", "end", "today", "deviceid", "alert/incident_date", "alert/incident_time", "alert/category",
               "alert/severity", "alert/killed", "alert/description", "alert/location", "_alert/location_latitude",
               "_alert/location_longitude", "_alert/location_altitude", "_alert/location_precision", "reporter/phone",
               "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_submitted_by",
               "__version__", "_geolocation", "_index"]


def _uuid(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def kobo_table(rng: random.Random, typed: bool = False) -> Table:
    """A KoBoToolbox export of a CAN alert form (group paths, KoBo's own columns), text or typed cells."""
    rows = []
    for i in range(rng.randint(3, 12)):
        occ = _when(rng)
        lat, lon = _lat(rng), _lon(rng)
        sub = occ + dt.timedelta(hours=rng.randint(1, 20))
        uid = _uuid(rng)
        if typed:
            rows.append([occ, sub, occ.date(), "collect:ab12", occ.date(), occ.strftime("%H:%M:00.000+01:00"),
                         rng.choice(CATEGORIES), rng.randint(1, 5), rng.randint(0, 9), rng.choice(TEXTS),
                         f"{lat} {lon} 512 4", float(lat), float(lon), 512.0, 4.0, _phone(rng), f"uuid:{uid}",
                         45873000 + i, uid, sub, None, "can_alindao", "vHk3qP6b", f"[{lat}, {lon}]", i + 1])
        else:
            rows.append([occ.isoformat() + ".000+01:00", sub.isoformat() + ".000+01:00", occ.date().isoformat(),
                         "collect:ab12", occ.date().isoformat(), occ.strftime("%H:%M:00.000+01:00"),
                         rng.choice(CATEGORIES), str(rng.randint(1, 5)), str(rng.randint(0, 9)), rng.choice(TEXTS),
                         f"{lat} {lon} 512 4", lat, lon, "512", "4", _phone(rng), f"uuid:{uid}", str(45873000 + i),
                         uid, sub.strftime("%Y-%m-%dT%H:%M:%S"), "", "can_alindao", "vHk3qP6b", f"[{lat}, {lon}]",
                         str(i + 1)])
    roles = _roles(KOBO_HEADER, id=["_uuid"], date=["alert/incident_date", "_submission_time", "alert/incident_time"],
                   lat=["_alert/location_latitude"], lon=["_alert/location_longitude"],
                   number=["alert/severity", "alert/killed"], text=["alert/description", "alert/category"],
                   identity=["reporter/phone"], geopoint=["alert/location", "_geolocation"])
    return Table("alerts", list(KOBO_HEADER), rows, roles, delimiter=rng.choice([";", ","]), name="Alertes CAN")


def typed_table(rng: random.Random, layer: str) -> Table:
    """A layer as spreadsheet cells: numbers as numbers, dates as dates."""
    t = own_table(rng, layer)
    num = set(t.roles.get("number", [])) | set(t.roles.get("lat", [])) | set(t.roles.get("lon", []))
    dates = set(t.roles.get("date", []))
    for row in t.rows:
        for c, v in enumerate(row):
            if c in num and v != "":
                row[c] = float(v) if "." in v else int(v)
            elif c in dates and v:
                row[c] = dt.datetime.strptime(v[:19].replace("Z", ""), "%Y-%m-%dT%H:%M:%S" if "T" in v else "%Y-%m-%d")
            elif v == "":
                row[c] = None
    return t


def excel_tables(rng: random.Random) -> list[Table]:
    """One to three sheets of the project's layers, named by layer or told apart by their columns."""
    layers = rng.sample(["alerts", "sites", "presence", "patrols"], rng.randint(1, 3))
    tables = []
    for layer in layers:
        t = typed_table(rng, layer)
        t.name = rng.choice({"alerts": ["Alerts", "alerts", "Alertes"], "sites": ["sites", "IDP sites"],
                             "presence": ["presence", "Bases"], "patrols": ["patrols"]}[layer])
        tables.append(t)
        if layer == "patrols":
            pts = typed_table(rng, "patrol_points")
            ids = [r[0] for r in t.rows]
            for r in pts.rows:
                r[0] = rng.choice(ids)
            pts.name = rng.choice(["patrol_points", "Patrol points"])
            tables.append(pts)
    return tables


def vector_tables(rng: random.Random, family: str) -> list[Table]:
    """Point layers (alerts, sites, presence) and line layers (patrols) for GeoJSON or GeoPackage."""
    count = 1 if family == "geojson" else rng.randint(1, 2)
    tables = []
    for layer in rng.sample(["alerts", "alerts", "sites", "presence", "patrols", "patrol_points"], count):
        if layer in [t.layer for t in tables]:
            continue
        t = typed_table(rng, layer)
        lat, lon = t.col("lat"), t.col("lon")
        if lat is not None:
            t.header[lat], t.header[lon] = "__lat__", "__lon__"
            t.roles["lat"], t.roles["lon"] = [lat], [lon]
        if layer == "patrols":
            routes = []
            for _ in t.rows:
                y, x = float(_lat(rng)), float(_lon(rng))
                routes.append([[round(x + 0.01 * k, 5), round(y + 0.008 * k, 5)] for k in range(rng.randint(2, 8))])
            t.add_column("__route__", routes)
            t.roles["route"] = [t.col("__route__")]
        for row in t.rows:
            for c, v in enumerate(row):
                if isinstance(v, dt.datetime):
                    row[c] = _iso(v)
        t.name = layer
        tables.append(t)
    return tables


# -- serialisers ------------------------------------------------------------------------------------------------------
def csv_text(t: Table, newline: str = "\n", quoting: int = csv.QUOTE_MINIMAL, header: bool = True) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=t.delimiter, lineterminator=newline, quoting=quoting)
    if header:
        w.writerow(t.header)
    for row in t.rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


def _cell(v):
    """A value openpyxl accepts (it refuses control characters in strings)."""
    if isinstance(v, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        v = v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
    if isinstance(v, list):
        return json.dumps(v)
    return v


def xlsx_bytes(tables: list[Table], extra: Callable | None = None) -> bytes:
    """A workbook with one sheet per table (first table = first sheet), via openpyxl."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used = set()
    for i, t in enumerate(tables):
        title = (t.name or t.layer or f"Sheet{i + 1}")[:31]
        while title.lower() in used:
            title = (title[:28] + f"_{i}")[:31]
        used.add(title.lower())
        ws = wb.create_sheet(title)
        ws.append([_cell(h) for h in t.header])
        for row in t.rows:
            ws.append([_cell(v) for v in row])
    if extra is not None:
        extra(wb)
    buf = io.BytesIO()
    wb.properties.created = dt.datetime(*ZIP_TIME)
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Same members, fixed timestamps (and openpyxl's save time pinned): reproducible bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2018-11-15T00:00:00Z<", body)
            zi = zipfile.ZipInfo(info.filename, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, body)
    return out.getvalue()


class Raw(str):
    """A JSON token written as is (NaN, 1e400, a bare word...)."""


def json_text(obj, indent=None) -> str:
    """JSON with :class:`Raw` tokens spliced in verbatim."""
    raws: list[str] = []

    def swap(o):
        if isinstance(o, Raw):
            raws.append(str(o))
            return f"\u0000RAW{len(raws) - 1}\u0000"
        if isinstance(o, dict):
            return {k: swap(v) for k, v in o.items()}
        if isinstance(o, list):
            return [swap(v) for v in o]
        return o

    text = json.dumps(swap(obj), ensure_ascii=False, indent=indent, default=str)
    return re.sub(r'"\\u0000RAW(\d+)\\u0000"', lambda m: raws[int(m.group(1))], text)


def _num(v):
    """A coordinate as a JSON number when it is one, else as it came (a string, NaN...)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    try:
        return float(str(v))
    except (TypeError, ValueError):
        return v


def feature_collection(t: Table) -> dict:
    features = []
    for row in t.rows:
        props = {}
        geometry = None
        for h, v in zip(t.header, row):
            if h == "__route__":
                geometry = {"type": "LineString", "coordinates": [[_num(c) for c in p] for p in (v or [])]}
            elif h in ("__lat__", "__lon__"):
                continue
            else:
                props[str(h)] = v
        lat, lon = t.col("__lat__"), t.col("__lon__")
        if lat is not None and lon is not None:
            geometry = {"type": "Point", "coordinates": [_num(row[lon]), _num(row[lat])]}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "name": t.name or t.layer, "features": features}


def _plain(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, str):  # GDAL takes UTF-8 only: lone surrogates become U+FFFD
        return v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(v, int) and not -(2 ** 63) <= v < 2 ** 63:
        return str(v)
    return v


def gdf_for(t: Table):
    """A GeoDataFrame of a vector table (mixed-type columns become text)."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString, Point

    data = {}
    for c, h in enumerate(t.header):
        if str(h).startswith("__"):
            continue
        values = [_plain(row[c]) if c < len(row) else None for row in t.rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds and not kinds <= {int} and not kinds <= {int, float} and not kinds <= {bool}:
            values = [None if v is None else str(v) for v in values]
        name = str(h) if str(h) else "unnamed"
        while name in data:
            name += "_"
        data[name] = pd.Series(values, dtype=object if kinds - {int, float} or not kinds else None)
    import warnings

    warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
    geoms = []
    lat, lon, route = t.col("__lat__"), t.col("__lon__"), t.col("__route__")
    for row in t.rows:
        g = None
        try:
            if route is not None:
                pts = [(float(p[0]), float(p[1])) for p in (row[route] or []) if len(p) >= 2]
                g = LineString(pts) if len(pts) >= 2 else None
            elif lat is not None:
                g = Point(float(row[lon]), float(row[lat]))
        except (TypeError, ValueError, IndexError):
            g = None
        geoms.append(g)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def write_gpkg(tables: list[Table], path: Path) -> None:
    """GeoPackage via geopandas/pyogrio, change times pinned."""
    path.unlink(missing_ok=True)
    for t in tables:
        gdf_for(t).to_file(path, layer=t.name or t.layer, driver="GPKG", engine="pyogrio")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE gpkg_contents SET last_change = '2018-11-15T00:00:00.000Z'")
    con.close()


@dataclass
class Track:
    """One GPX track/route or KML placemark: points are [lat, lon, time] strings."""

    name: str
    points: list[list[str]]
    kind: str = "trk"          # GPX: trk, rte; KML: line, track, multi, point
    desc: str = ""
    type: str = "walking"
    extra: str = ""            # raw XML added inside the element
    data: dict = field(default_factory=dict)
    span: tuple[str, str] | None = None


def tracks_seed(rng: random.Random, family: str) -> list[Track]:
    tracks = []
    for i in range(rng.randint(1, 4)):
        t0 = _when(rng)
        lat, lon = float(_lat(rng)), float(_lon(rng))
        pts = [[f"{lat + 0.003 * k:.6f}", f"{lon + 0.002 * k:.6f}", _iso(t0 + dt.timedelta(minutes=4 * k))]
               for k in range(rng.randint(2, 12))]
        if family == "gpx":
            tracks.append(Track(f"ALD-DP-{i:02d}", pts, rng.choice(["trk", "trk", "rte"]), f"BATT-{i} C Coy",
                                rng.choice(["walking", "driving", "boat", "unknown thing"])))
        else:
            kind = rng.choice(["line", "track", "multi", "line", "point"])
            tracks.append(Track(f"ALD-VP-{i:02d}", pts, kind,
                                data={"unit": f"BATT-{i} A Coy", "component": rng.choice(["military", "police"]),
                                      "type": rng.choice(["vehicle", "dismounted"]),
                                      "engagements": str(rng.randint(0, 3)),
                                      "cla_present": rng.choice(["yes", "no"])},
                                span=(pts[0][2], pts[-1][2]) if rng.random() < 0.6 else None))
    return tracks


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def gpx_text(tracks: list[Track], prolog: str = '<?xml version="1.0" encoding="UTF-8"?>', doctype: str = "",
             root: str = 'gpx version="1.1" creator="hostile" xmlns="http://www.topografix.com/GPX/1/1"',
             waypoints: int = 1, esc: Callable[[str], str] = _esc) -> str:
    out = [prolog, doctype, f"<{root}>"]
    for w in range(waypoints):
        out.append(f'  <wpt lat="4.790120" lon="20.680310"><name>TOB {w}</name></wpt>')
    tag = root.split()[0]
    for t in tracks:
        pt = "trkpt" if t.kind == "trk" else "rtept"
        body = "".join(f'<{pt} lat="{esc(p[0])}" lon="{esc(p[1])}"><ele>512.0</ele>'
                       + (f"<time>{esc(p[2])}</time>" if p[2] else "") + f"</{pt}>" for p in t.points)
        if t.kind == "trk":
            body = f"<trkseg>{body}</trkseg>"
        out.append(f"  <{t.kind}><name>{esc(t.name)}</name><desc>{esc(t.desc)}</desc><type>{esc(t.type)}</type>"
                   f"{t.extra}{body}</{t.kind}>")
    out.append(f"</{tag}>")
    return "\n".join(s for s in out if s) + "\n"


def kml_text(tracks: list[Track], prolog: str = '<?xml version="1.0" encoding="UTF-8"?>', doctype: str = "",
             root: str = 'kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"',
             esc: Callable[[str], str] = _esc, coord_sep: str = " ") -> str:
    out = [prolog, doctype, f"<{root}>", "<Document><name>Sector East patrols</name><Folder>"]
    for t in tracks:
        coords = coord_sep.join(f"{esc(p[1])},{esc(p[0])},0" for p in t.points)
        if t.kind == "line":
            geom = f"<LineString><coordinates>{coords}</coordinates></LineString>"
        elif t.kind == "multi":
            half = max(1, len(t.points) // 2)
            a = coord_sep.join(f"{esc(p[1])},{esc(p[0])},0" for p in t.points[:half + 1])
            b = coord_sep.join(f"{esc(p[1])},{esc(p[0])},0" for p in t.points[half:])
            geom = (f"<MultiGeometry><LineString><coordinates>{a}</coordinates></LineString>"
                    f"<LineString><coordinates>{b}</coordinates></LineString></MultiGeometry>")
        elif t.kind == "track":
            geom = ("<gx:Track>" + "".join(f"<when>{esc(p[2])}</when>" for p in t.points)
                    + "".join(f"<gx:coord>{esc(p[1])} {esc(p[0])} 0</gx:coord>" for p in t.points) + "</gx:Track>")
        elif t.points:
            p = t.points[0]
            geom = f"<Point><coordinates>{esc(p[1])},{esc(p[0])},0</coordinates></Point>"
        else:
            geom = "<Point><coordinates></coordinates></Point>"
        data = "".join(f'<Data name="{esc(k)}"><value>{esc(v)}</value></Data>' for k, v in t.data.items())
        span = (f"<TimeSpan><begin>{esc(t.span[0])}</begin><end>{esc(t.span[1])}</end></TimeSpan>"
                if t.span else "")
        out.append(f"<Placemark><name>{esc(t.name)}</name>{span}<ExtendedData>{data}</ExtendedData>{t.extra}"
                   f"{geom}</Placemark>")
    out.append("</Folder></Document>")
    out.append(f"</{root.split()[0]}>")
    return "\n".join(s for s in out if s) + "\n"


# -- the mutation context ----------------------------------------------------------------------------------------------
class Ctx:
    """What a mutation works with: its RNG, family, file name, and seeds of the family."""

    def __init__(self, rng: random.Random, family: str, mutation: str, index: int, out_dir: Path, options: dict):
        self.rng, self.family, self.mutation, self.index = rng, family, mutation, index
        self.out_dir, self.options = out_dir, options
        self.path: Path | None = None
        self.detail = ""

    # files
    def target(self, suffix: str | None = None) -> Path:
        suffix = SUFFIX[self.family] if suffix is None else suffix
        self.path = self.out_dir / f"{self.index:05d}-{self.family}-{self.mutation}{suffix}"
        return self.path

    def write(self, data: bytes | str, suffix: str | None = None) -> Path:
        path = self.target(suffix)
        path.write_bytes(text_bytes(data) if isinstance(data, str) else data)
        return path

    def support(self, name: str) -> Path:
        d = self.out_dir / "support"
        d.mkdir(exist_ok=True)
        return d / f"{self.index:05d}-{name}"

    def scratch(self, suffix: str) -> Path:
        d = self.out_dir / "scratch"
        d.mkdir(exist_ok=True)
        return d / f"{self.index:05d}{suffix}"

    # seeds
    def tables(self, family: str | None = None) -> list[Table]:
        family = family or self.family
        rng = self.rng
        if family == "own":
            return [own_table(rng)]
        if family == "acled":
            return [acled_table(rng)]
        if family == "ucdp":
            return [ucdp_table(rng)]
        if family == "hxl":
            return [hxl_table(rng)]
        if family == "kobo_csv":
            return [kobo_table(rng)]
        if family == "kobo_xlsx":
            t = kobo_table(rng, typed=True)
            repeat = Table("alerts", ["victim_sex", "victim_age", "_parent_index", "_index"],
                           [["F", 23, 1, 1], ["M", 40, 1, 2]], {}, name="victims")
            return [t, repeat] if rng.random() < 0.5 else [t]
        if family == "excel":
            return excel_tables(rng)
        if family in VECTOR_FAMILIES:
            return vector_tables(rng, family)
        raise ValueError(family)

    def serialise(self, tables: list[Table], family: str | None = None) -> bytes:
        family = family or self.family
        if family in CSV_FAMILIES:
            return text_bytes(csv_text(tables[0], newline=self.rng.choice(["\n", "\n", "\r\n"]),
                                       quoting=csv.QUOTE_ALL if family == "kobo_csv" and self.rng.random() < 0.5
                                       else csv.QUOTE_MINIMAL))
        if family in XLSX_FAMILIES:
            return xlsx_bytes(tables)
        if family == "geojson":
            return text_bytes(json_text(feature_collection(tables[0]), indent=self.rng.choice([None, 1])))
        if family == "gpkg":
            path = self.scratch(".gpkg")
            write_gpkg(tables, path)
            data = path.read_bytes()
            path.unlink()
            return data
        raise ValueError(family)

    def tracks(self) -> list[Track]:
        return tracks_seed(self.rng, self.family)

    def xml(self, tracks: list[Track], **kw) -> str:
        return (gpx_text if self.family == "gpx" else kml_text)(tracks, **kw)

    def seed_bytes(self, family: str | None = None) -> bytes:
        """A valid file of ``family`` (default: this file's family)."""
        family = family or self.family
        if family in XML_FAMILIES:
            fn = gpx_text if family == "gpx" else kml_text
            return text_bytes(fn(tracks_seed(self.rng, family)))
        return self.serialise(self.tables(family), family)


@dataclass
class Mutation:
    name: str
    families: tuple[str, ...]
    fn: Callable[[Ctx], str | None]
    expect: str | None = None
    special_only: bool = False
    doc: str = ""


MUTATIONS: dict[str, Mutation] = {}


def mutation(name: str, families, expect: str | None = None, special_only: bool = False):
    """Register a mutation: ``fn(ctx)`` writes the file (via ``ctx.write``) and returns a detail string."""
    def register(fn):
        MUTATIONS[name] = Mutation(name, tuple(families), fn, expect, special_only, (fn.__doc__ or "").strip())
        return fn
    return register


def _rows_to_touch(ctx: Ctx, t: Table, at_most: int = 4) -> list[list]:
    rows = t.data_rows()
    if not rows:
        return []
    return ctx.rng.sample(rows, min(len(rows), ctx.rng.randint(1, at_most)))


def _table_mutation(ctx: Ctx, change: Callable[[Table], str]) -> str:
    """Build the family's seed tables, let ``change`` alter one of them, write the file."""
    tables = ctx.tables()
    target = tables[0] if ctx.family in ("kobo_xlsx",) else ctx.rng.choice(tables)
    detail = change(target)
    if ctx.family == "gpkg":
        path = ctx.target()
        write_gpkg(tables, path)
    else:
        ctx.write(ctx.serialise(tables))
    return f"{target.layer}: {detail}"


def _typed(ctx: Ctx, value):
    """In a spreadsheet, sometimes the typed cousin of a hostile string."""
    if ctx.family in XLSX_FAMILIES and ctx.rng.random() < 0.4:
        return ctx.rng.choice(CELL_VALUES)
    if ctx.family in VECTOR_FAMILIES and ctx.rng.random() < 0.3:
        values = [None, True, 1e308, -1, 10 ** 20, float("nan"), [1, 2], {"a": 1}]
        return ctx.rng.choice(values[:6] if ctx.family == "gpkg" else values)
    return value


# -- valid ---------------------------------------------------------------------------------------------------------
@mutation("valid", ALL, expect="imported")
def m_valid(ctx: Ctx) -> str:
    """An untouched seed: checks that the generator's seeds are real files of their format."""
    if ctx.family in XML_FAMILIES:
        ctx.write(ctx.xml(ctx.tracks()))
    elif ctx.family == "gpkg":
        write_gpkg(ctx.tables(), ctx.target())
    else:
        ctx.write(ctx.seed_bytes())
    return "seed"


# -- values in cells (CSV, spreadsheets, vector attributes and coordinates) --------------------------------------------
@mutation("coords_hostile", TABLE_FAMILIES)
def m_coords_hostile(ctx: Ctx) -> str:
    """Coordinates typed by hand or mangled by locale: NaN, Infinity, blanks, decimal commas, DMS, 1e308, digits
    from other scripts, out-of-range degrees."""
    def change(t: Table) -> str:
        used = []
        for row in _rows_to_touch(ctx, t):
            for role in ("lat", "lon"):
                if ctx.rng.random() < 0.7:
                    for c in t.role(ctx.rng, role):
                        v = _typed(ctx, ctx.rng.choice(COORD_VALUES))
                        row[c] = v
                        used.append(repr(v)[:20])
            for c in t.roles.get("route", []):
                if row[c]:
                    p = ctx.rng.randrange(len(row[c]))
                    row[c][p] = [Raw(ctx.rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "null", '"4,79"']))
                                 if ctx.family == "geojson" else ctx.rng.choice([float("nan"), float("inf"), 1e308]),
                                 row[c][p][1]]
            for c in t.roles.get("geopoint", []):
                row[c] = ctx.rng.choice(["nan inf 0 0", "4.79", "[nan, inf]", "[[[", "a b c d", "", "[None, None]",
                                          "0 0 0 0", "1e400 -1e400", "[4.79]", "4,79 20,68"])
        return ", ".join(used[:6])
    return _table_mutation(ctx, change)


@mutation("coords_zero_or_swapped", TABLE_FAMILIES)
def m_coords_zero(ctx: Ctx) -> str:
    """A GPS with no fix (0,0), or latitude and longitude swapped by a spreadsheet user."""
    def change(t: Table) -> str:
        mode = ctx.rng.choice(["zero", "swap", "both_nan"])
        lat, lon = t.roles.get("lat", []), t.roles.get("lon", [])
        for row in _rows_to_touch(ctx, t, 6):
            for a, b in zip(lat, lon):
                if mode == "zero":
                    row[a], row[b] = ("0", "0") if isinstance(row[a], str) else (0, 0)
                elif mode == "swap":
                    row[a], row[b] = row[b], row[a]
                else:
                    row[a], row[b] = "nan", "nan"
            for c in t.roles.get("route", []):
                row[c] = [[p[1], p[0]] for p in row[c]] if mode == "swap" else [[0, 0] for _ in row[c]]
        return mode
    return _table_mutation(ctx, change)


@mutation("dates_impossible", TABLE_FAMILIES)
def m_dates(ctx: Ctx) -> str:
    """Dates that cannot be (30 February, month 13, year 0 or 99999), that overflow 64-bit nanoseconds
    (1677, 2262), Unix times in date columns, words, other calendars' digits."""
    def change(t: Table) -> str:
        used = []
        for row in _rows_to_touch(ctx, t):
            for c in t.role(ctx.rng, "date"):
                if ctx.rng.random() < 0.8:
                    row[c] = _typed(ctx, ctx.rng.choice(DATE_VALUES))
                    used.append(repr(row[c])[:24])
        return ", ".join(used[:6])
    return _table_mutation(ctx, change)


@mutation("numbers_extreme", TABLE_FAMILIES)
def m_numbers(ctx: Ctx) -> str:
    """Counts beyond 64 bits, 1e400, negative and NaN casualties, hex, words, thousands separators."""
    def change(t: Table) -> str:
        used = []
        for row in _rows_to_touch(ctx, t):
            for c in t.role(ctx.rng, "number"):
                row[c] = _typed(ctx, ctx.rng.choice(NUMBER_VALUES))
                used.append(repr(row[c])[:24])
        return ", ".join(used[:6])
    return _table_mutation(ctx, change)


@mutation("text_hostile", TABLE_FAMILIES)
def m_text(ctx: Ctx) -> str:
    """Formula injection, script tags, right-to-left overrides, control characters, lone surrogates, NUL, identities
    typed into free text."""
    def change(t: Table) -> str:
        used = []
        for row in _rows_to_touch(ctx, t, 6):
            for c in t.role(ctx.rng, "text"):
                row[c] = _typed(ctx, ctx.rng.choice(TEXT_VALUES))
                used.append(repr(row[c])[:16])
        return ", ".join(used[:6])
    return _table_mutation(ctx, change)


@mutation("identity_everywhere", TABLE_FAMILIES)
def m_identity(ctx: Ctx) -> str:
    """A reporter's phone number or e-mail typed into the wrong column (coordinates, dates, category, id)."""
    def change(t: Table) -> str:
        for row in _rows_to_touch(ctx, t, 6):
            c = ctx.rng.randrange(len(t.header))
            if not str(t.header[c]).startswith("__") or t.header[c] in ("__lat__", "__lon__"):
                row[c] = ctx.rng.choice([_phone(ctx.rng), "focal.point@example.org", "@can_alindao", "+23675041122"])
        return "identities in random cells"
    return _table_mutation(ctx, change)


@mutation("huge_field", TABLE_FAMILIES + XML_FAMILIES)
def m_huge(ctx: Ctx) -> str:
    """A field longer than the csv module's 131,072-character limit (a pasted document, a runaway export)."""
    pattern = ctx.rng.choice(["A", "é", "x,y ", 'q"', "line\n", "\t", "😀"])
    value = (pattern * (HUGE // len(pattern) + 1))[:HUGE + ctx.rng.randint(0, 5000)]
    if ctx.family in XML_FAMILIES:
        tracks = ctx.tracks()
        t = ctx.rng.choice(tracks)
        where = ctx.rng.choice(["name", "desc", "data"])
        if where == "name":
            t.name = value
        elif where == "desc" or ctx.family == "gpx":
            t.desc = value
        else:
            t.data["unit"] = value
        ctx.write(ctx.xml(tracks))
        return f"{where}: {len(value):,} chars of {pattern!r}"

    def change(t: Table) -> str:
        if ctx.rng.random() < 0.2:
            c = ctx.rng.randrange(len(t.header))
            if not str(t.header[c]).startswith("__"):
                t.header[c] = value
                return f"header cell of {len(value):,} chars"
        row = ctx.rng.choice(t.data_rows())
        c = ctx.rng.choice(t.role(ctx.rng, "text"))
        row[c] = value
        return f"cell of {len(value):,} chars of {pattern!r}"
    return _table_mutation(ctx, change)


# -- headers -----------------------------------------------------------------------------------------------------------
def _header_row(t: Table) -> list:
    """The row a reader takes names from: the hashtag row for HXL alerts, else the header."""
    return t.rows[0] if t.first_data else t.header


@mutation("dup_header", TABLE_FAMILIES)
def m_dup_header(ctx: Ctx) -> str:
    """The same column name twice or more (a copy-pasted column, two exports pasted side by side)."""
    def change(t: Table) -> str:
        names = _header_row(t)
        visible = [i for i, h in enumerate(names) if not str(h).startswith("__")]
        if len(visible) < 2:
            return "too narrow"
        a, b = ctx.rng.sample(visible, 2)
        names[b] = names[a]
        if ctx.rng.random() < 0.3 and len(visible) > 2:
            names[ctx.rng.choice(visible)] = names[a]
        return f"{names[a]!r} repeated"
    return _table_mutation(ctx, change)


@mutation("colliding_header", TABLE_FAMILIES)
def m_colliding(ctx: Ctx) -> str:
    """Two columns that mean the same after case-folding or aliasing: Lat + lat, lat + latitude, phone + mobile,
    reporter + phone, date + occurred_at (each reader must pick one or refuse, never mix them up)."""
    key = ("kobo" if ctx.family.startswith("kobo") else "own" if ctx.family == "excel"
           else "vector" if ctx.family in VECTOR_FAMILIES else ctx.family)
    pairs = COLLIDING[key]
    if ctx.family == "gpkg":  # field names are case-insensitive and 'geom' is the geometry: skip what cannot be
        pairs = [p for p in pairs if p[0].strip().lower() != p[1].strip().lower() and "geom" not in p]
    pair = tuple(ctx.options.get("pair") or ctx.rng.choice(pairs))

    def change(t: Table) -> str:
        names = _header_row(t)
        a, b = pair
        source = None
        for cand in (a, a.strip().lower(), "lat" if "lat" in a.lower() else None):
            if cand in names:
                source = names.index(cand)
                break
        if ctx.family in VECTOR_FAMILIES and source is None and "lat" in a.lower():
            source = t.col("__lat__")
        values = [row[source] if source is not None else _phone(ctx.rng) for row in t.rows]
        other = [ctx.rng.choice([v, _lat(ctx.rng), _phone(ctx.rng), ""]) for v in values]
        if t.first_data:
            other[0] = b
            values[0] = a
        if source is not None and not str(t.header[source]).startswith("__"):
            names[source] = a
            t.add_column(b if not t.first_data else "Other", other, ctx.rng.randint(0, len(t.header)))
            if t.first_data:
                t.rows[0][t.header.index("Other")] = b
        else:
            t.add_column(a if not t.first_data else "A", values, ctx.rng.randint(0, len(t.header)))
            t.add_column(b if not t.first_data else "B", other, ctx.rng.randint(0, len(t.header)))
        return f"{a!r} + {b!r}"
    return _table_mutation(ctx, change)


@mutation("blank_header", TABLE_FAMILIES)
def m_blank_header(ctx: Ctx) -> str:
    """Header cells left empty or holding only spaces (merged cells, a stray delimiter), or no header at all."""
    def change(t: Table) -> str:
        names = _header_row(t)
        mode = ctx.rng.choice(["some", "all", "spaces", "unnamed"])
        for i in range(len(names)):
            if str(names[i]).startswith("__"):
                continue
            if mode == "all" or ctx.rng.random() < 0.3:
                names[i] = {"some": "", "all": "", "spaces": "   ", "unnamed": f"Unnamed: {i}"}[mode]
        return mode
    return _table_mutation(ctx, change)


@mutation("missing_column", TABLE_FAMILIES)
def m_missing(ctx: Ctx) -> str:
    """A required or identifying column dropped (coordinates, category, id, dates)."""
    def change(t: Table) -> str:
        role = ctx.rng.choice(["lat", "lon", "id", "date", "text", "number"])
        cols = [c for c in t.roles.get(role, []) if not str(t.header[c]).startswith("__")]
        if not cols:
            visible = [i for i, h in enumerate(t.header) if not str(h).startswith("__")]
            if not visible:
                return "nothing to drop"
            cols = [ctx.rng.choice(visible)]
        c = ctx.rng.choice(cols)
        name = t.header[c]
        t.drop_column(c)
        return f"dropped {name!r}"
    return _table_mutation(ctx, change)


@mutation("many_columns", TABLE_FAMILIES)
def m_many_columns(ctx: Ctx) -> str:
    """Thousands of extra columns (an export of every form question, a transposed sheet)."""
    def change(t: Table) -> str:
        k = ctx.rng.randint(500, 3000 if ctx.family in CSV_FAMILIES else 1200)
        for j in range(k):
            t.header.append(f"q{j}")
            for r, row in enumerate(t.rows):
                row.append(f"#extra+q{j}" if r < t.first_data else ("x" if (j + r) % 3 else ""))
        return f"{k} extra columns"
    return _table_mutation(ctx, change)


@mutation("many_rows", TABLE_FAMILIES)
def m_many_rows(ctx: Ctx) -> str:
    """A long file of near-identical rows (a feed replayed, a form submitted in a loop)."""
    def change(t: Table) -> str:
        n = ctx.rng.randint(400, 1500)
        rows = t.data_rows()
        if not rows:
            return "no rows"
        t.rows = t.rows[:t.first_data] + [list(ctx.rng.choice(rows)) for _ in range(n)]
        return f"{n} rows"
    return _table_mutation(ctx, change)


@mutation("duplicate_ids", TABLE_FAMILIES)
def m_dup_ids(ctx: Ctx) -> str:
    """The same report id on several rows (a re-export appended to itself)."""
    def change(t: Table) -> str:
        rows = t.data_rows()
        cols = t.role(ctx.rng, "id")
        for row in rows[1:]:
            if ctx.rng.random() < 0.7:
                for c in cols:
                    row[c] = rows[0][c]
        return "ids repeated"
    return _table_mutation(ctx, change)


# -- CSV structure -----------------------------------------------------------------------------------------------------
def _csv_lines(ctx: Ctx) -> tuple[Table, list[str]]:
    t = ctx.tables()[0]
    return t, csv_text(t).split("\n")[:-1]


@mutation("ragged_rows", CSV_FAMILIES)
def m_ragged(ctx: Ctx) -> str:
    """Rows with more or fewer fields than the header (a hand-edited file, an unquoted comma in a note)."""
    t = ctx.tables()[0]
    for row in _rows_to_touch(ctx, t, 5):
        if ctx.rng.random() < 0.5:
            row.extend(ctx.rng.choice(["x", "", _phone(ctx.rng), "4.79"]) for _ in range(ctx.rng.randint(1, 6)))
        else:
            del row[ctx.rng.randint(0, max(0, len(row) - 1)):]
    ctx.write(text_bytes(csv_text(t)))
    return "ragged"


@mutation("csv_quoting", CSV_FAMILIES)
def m_quoting(ctx: Ctx) -> str:
    """Unbalanced quotes (the rest of the file becomes one field), quotes inside unquoted fields, newlines (\\n,
    \\r\\n, bare \\r) inside quoted fields."""
    t, lines = _csv_lines(ctx)
    mode = ctx.rng.choice(["stray", "inner", "newlines", "eof_quote"])
    if mode == "newlines":
        for row in _rows_to_touch(ctx, t):
            c = ctx.rng.randrange(len(row))
            row[c] = str(row[c]) + ctx.rng.choice(["\n", "\r\n", "\r", "\n\n"]) + "continued"
        ctx.write(text_bytes(csv_text(t)))
        return mode
    i = ctx.rng.randrange(len(lines))
    line = lines[i]
    pos = ctx.rng.randint(0, len(line))
    lines[i] = line[:pos] + ('"' if mode in ("stray", "eof_quote") else 'x"y') + line[pos:]
    text = "\n".join(lines) + ("\n" if mode != "eof_quote" else '\n"')
    ctx.write(text_bytes(text))
    return f"{mode} at line {i + 1}"


@mutation("delimiter_mix", CSV_FAMILIES)
def m_delims(ctx: Ctx) -> str:
    """Rows written with another delimiter than the header's (files concatenated from two locales)."""
    t = ctx.tables()[0]
    header_only = Table(t.layer, t.header, [], {}, t.delimiter)
    out = csv_text(header_only)
    for row in t.rows:
        other = Table(t.layer, [], [row], {}, ctx.rng.choice([t.delimiter, ",", ";", "\t", "|"]))
        out += csv_text(other, header=False)
    ctx.write(text_bytes(out))
    return "mixed delimiters"


@mutation("blank_lines", CSV_FAMILIES)
def m_blank_lines(ctx: Ctx) -> str:
    """Blank, whitespace-only and delimiter-only lines between rows, before the header, at the end."""
    t, lines = _csv_lines(ctx)
    for _ in range(ctx.rng.randint(1, 8)):
        lines.insert(ctx.rng.randint(0, len(lines)), ctx.rng.choice(["", "   ", t.delimiter * len(t.header), "\t",
                                                                      t.delimiter * 3, '""']))
    ctx.write(text_bytes("\n".join(lines) + "\n"))
    return "blank lines"


@mutation("header_only_or_none", CSV_FAMILIES)
def m_header_only(ctx: Ctx) -> str:
    """A header and no data (an empty export), or data and no header (the header row deleted)."""
    t = ctx.tables()[0]
    mode = ctx.rng.choice(["header_only", "no_header", "single_line"])
    if mode == "header_only":
        t.rows = t.rows[:t.first_data]
        ctx.write(text_bytes(csv_text(t)))
    elif mode == "no_header":
        ctx.write(text_bytes(csv_text(Table(t.layer, [], t.rows[t.first_data:], {}, t.delimiter), header=False)))
    else:
        ctx.write(text_bytes(t.delimiter.join(str(h) for h in t.header)))
    return mode


@mutation("hashtag_row_hostile", CSV_FAMILIES)
def m_hashtags(ctx: Ctx) -> str:
    """A HXL hashtag row that is malformed (bare '#', '#geo+', '#1abc', attributes a thousand long) or sits
    where the data starts, as HDX copies of exports carry."""
    t = ctx.tables()[0]
    bad = ["#", "#geo+", "#1abc", "#geo+lat+" + "+".join(f"a{i}" for i in range(1000)), "#geo +lat", "#event+type",
           "#date+occurred", "##", "#contact+phone", "#geo+lon", "#x" * 2000, "#event+id+id"]
    tags = [ctx.rng.choice(bad) if ctx.rng.random() < 0.6 else f"#meta+c{i}" for i in range(len(t.header))]
    if t.first_data:
        t.rows[0] = tags
    else:
        t.rows.insert(0, tags)
    ctx.write(text_bytes(csv_text(t)))
    return "malformed hashtag row"


@mutation("kobo_group_collisions", ("kobo_csv", "kobo_xlsx"))
def m_kobo_groups(ctx: Ctx) -> str:
    """KoBo group paths that collide or degenerate once the group is dropped ('a/category' + 'b/category',
    '/', '//', '_/_latitude', deep paths, a group named like a KoBo column)."""
    def change(t: Table) -> str:
        names = ["grp/category", "other/category", "/", "//", "_/_latitude", "_/_longitude", "a/b/c/d/e/lat",
                 "a/b/c/d/e/lon", "grp/_uuid", "_uuid/x", "grp/", "/lat", "grp/phone", "grp/mobile", "grp/reporter",
                 "x" * 300 + "/category", "grp/incident_date", "g/_submission_time"]
        for name in ctx.rng.sample(names, ctx.rng.randint(2, 8)):
            t.add_column(name, [ctx.rng.choice(["killing", "4.79", "", _phone(ctx.rng), "2018-11-15"])
                                for _ in t.rows], ctx.rng.randint(0, len(t.header)))
        return "group path collisions"
    return _table_mutation(ctx, change)


# -- bytes (any file) --------------------------------------------------------------------------------------------------
def _base(ctx: Ctx) -> bytes:
    return ctx.seed_bytes()


@mutation("flip_bytes", ALL)
def m_flip(ctx: Ctx) -> str:
    """Random bit rot: 1 to 24 bytes XOR-ed anywhere (a bad USB stick, a flaky satellite link)."""
    data = bytearray(_base(ctx))
    k = ctx.rng.randint(1, 24)
    for _ in range(k):
        p = ctx.rng.randrange(len(data))
        data[p] ^= ctx.rng.randint(1, 255)
    ctx.write(bytes(data))
    return f"{k} bytes"


@mutation("truncate", ALL)
def m_truncate(ctx: Ctx) -> str:
    """A download or copy cut short at a random byte."""
    data = _base(ctx)
    cut = ctx.rng.randint(1, max(1, len(data) - 1))
    ctx.write(data[:cut])
    return f"cut at {cut} of {len(data)}"


@mutation("insert_junk", ALL)
def m_junk(ctx: Ctx) -> str:
    """Random bytes spliced in (a corrupt transfer, a file appended to another)."""
    data = _base(ctx)
    for _ in range(ctx.rng.randint(1, 5)):
        p = ctx.rng.randint(0, len(data))
        data = data[:p] + ctx.rng.randbytes(ctx.rng.randint(1, 64)) + data[p:]
    ctx.write(data)
    return "junk"


@mutation("insert_nul", ALL)
def m_nul(ctx: Ctx) -> str:
    """NUL bytes inside the text (a file pre-allocated by a phone and never fully written)."""
    data = _base(ctx)
    where = []
    for _ in range(ctx.rng.randint(1, 5)):
        p = ctx.rng.randint(0, len(data)) if ctx.rng.random() < 0.5 else ctx.rng.randint(0, min(len(data), 4096))
        data = data[:p] + b"\x00" * ctx.rng.randint(1, 8) + data[p:]
        where.append(p)
    ctx.write(data)
    return f"at {where}"


@mutation("zero_tail", ALL)
def m_zero_tail(ctx: Ctx) -> str:
    """The end of the file overwritten by zeros (power lost while saving)."""
    data = bytearray(_base(ctx))
    k = ctx.rng.randint(1, max(1, len(data) // 2))
    data[-k:] = b"\x00" * k
    ctx.write(bytes(data))
    return f"last {k} bytes zeroed"


@mutation("random_bytes", ALL)
def m_random(ctx: Ctx) -> str:
    """Noise with the right extension (an encrypted attachment, a corrupt archive renamed)."""
    n = ctx.rng.choice([1, 7, 100, 4096, 30000])
    head = ctx.rng.choice([b"", b"PK\x03\x04", b"SQLite format 3\x00", b"<?xml", b"{",
                           b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
    ctx.write(head + ctx.rng.randbytes(n))
    return f"{n} random bytes after {head!r}"


@mutation("disguise", ALL)
def m_disguise(ctx: Ctx) -> str:
    """Another format's content under this family's extension (a GPX saved as .csv, a workbook as .geojson)."""
    other = ctx.rng.choice([f for f in FAMILIES if f != ctx.family])
    data = ctx.seed_bytes(other)
    ctx.write(data)
    return f"{other} content"


@mutation("empty", ALL)
def m_empty(ctx: Ctx) -> str:
    """A zero-byte file, or one holding only whitespace."""
    ctx.write(ctx.rng.choice([b"", b"", b" \n\t\r\n  ", b"\n"]) if ctx.family in TEXT_FAMILIES else b"")
    return "empty"


@mutation("directory", ("own", "gpkg"), special_only=True)
def m_directory(ctx: Ctx) -> str:
    """A folder where a file was expected (a GeoPackage's sidecar folder, a mis-click in the file picker)."""
    path = ctx.target()
    path.mkdir()
    (path / "inside.csv").write_text("lat,lon,category\n4.79,20.68,killing\n")
    return "folder"


@mutation("special_file", ("own",), special_only=True)
def m_special_file(ctx: Ctx) -> str:
    """Not a regular file: a named pipe (opening it blocks until someone writes) or a link to /dev/zero (endless
    zeros that a careless reader slurps until memory runs out)."""
    import os

    path = ctx.target()
    mode = ctx.options.get("mode") or ctx.rng.choice(["fifo", "devzero"])
    if mode == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return mode


@mutation("invalid_utf8", TEXT_FAMILIES)
def m_invalid_utf8(ctx: Ctx) -> str:
    """Bytes that are not UTF-8: lone continuation bytes, overlong forms, encoded surrogates, cut sequences, in the
    header or in data."""
    data = _base(ctx)
    seqs = [b"\xff", b"\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80", b"\xe2\x82", b"\xf4\x90\x80\x80", b"\xc3",
            b"\xe9", b"\xf0\x9f\x98"]
    for _ in range(ctx.rng.randint(1, 6)):
        p = ctx.rng.randint(0, len(data)) if ctx.rng.random() < 0.7 else ctx.rng.randint(0, min(80, len(data)))
        data = data[:p] + ctx.rng.choice(seqs) + data[p:]
    ctx.write(data)
    return "invalid UTF-8"


@mutation("bom_games", TEXT_FAMILIES)
def m_bom(ctx: Ctx) -> str:
    """Byte-order marks that lie: a UTF-16 or UTF-32 mark on UTF-8 text, two marks, a mark in the middle."""
    data = _base(ctx)
    mode = ctx.rng.choice(["utf8", "double", "utf16le_on_utf8", "utf16be_on_utf8", "utf32", "middle"])
    if mode == "utf8":
        data = b"\xef\xbb\xbf" + data
    elif mode == "double":
        data = b"\xef\xbb\xbf\xef\xbb\xbf" + data
    elif mode == "utf16le_on_utf8":
        data = b"\xff\xfe" + data
    elif mode == "utf16be_on_utf8":
        data = b"\xfe\xff" + data
    elif mode == "utf32":
        data = b"\x00\x00\xfe\xff" + data
    else:
        nl = data.find(b"\n")
        data = data[:nl + 1] + b"\xef\xbb\xbf" + data[nl + 1:] if nl >= 0 else b"\xef\xbb\xbf" + data
    ctx.write(data)
    return mode


@mutation("reencode", TEXT_FAMILIES)
def m_reencode(ctx: Ctx) -> str:
    """The same text in another encoding: UTF-16 with and without a mark (Excel's 'Unicode text'), UTF-32,
    cp1252 (Windows), latin-1."""
    text = _base(ctx).decode("utf-8", "surrogatepass")
    enc = ctx.rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1"])
    data = text.encode(enc, errors="replace")
    ctx.write(data)
    return enc


@mutation("crlf_mix", TEXT_FAMILIES)
def m_crlf(ctx: Ctx) -> str:
    """Line endings mixed within one file: \\n, \\r\\n, bare \\r (old Mac), \\n\\r."""
    data = _base(ctx).replace(b"\r\n", b"\n")
    parts = data.split(b"\n")
    out = parts[0]
    for part in parts[1:]:
        out += ctx.rng.choice([b"\n", b"\r\n", b"\r", b"\n\r"]) + part
    ctx.write(out)
    return "mixed line endings"


# -- spreadsheets ------------------------------------------------------------------------------------------------------
@mutation("xlsx_typed_cells", XLSX_FAMILIES)
def m_xlsx_cells(ctx: Ctx) -> str:
    """Cells of every type in every column: NaN, infinities, 10**30, 2**63, dates at Excel's limits, times,
    negative durations, booleans, formulas, error strings."""
    tables = ctx.tables()
    for t in tables[:1] if ctx.family == "kobo_xlsx" else tables:
        for row in t.data_rows():
            for c in range(len(row)):
                if ctx.rng.random() < 0.25:
                    row[c] = ctx.rng.choice(CELL_VALUES)
    mac = ctx.rng.random() < 0.3

    def extra(wb):
        if mac:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904

            wb.epoch = CALENDAR_MAC_1904
    ctx.write(xlsx_bytes(tables, extra))
    return "typed cells" + (", 1904 date system" if mac else "")


@mutation("xlsx_far_cells", XLSX_FAMILIES)
def m_xlsx_far(ctx: Ctx) -> str:
    """A sparse sheet: values in column XFD (16,384) and/or row 1,048,576, on many rows (a stray keystroke far
    away; cheap to store, expensive to pad)."""
    tables = ctx.tables()
    rows = ctx.rng.choice([1, 10, 200, 2000])
    mode = ctx.rng.choice(["column", "row", "both"])

    def extra(wb):
        ws = wb.worksheets[0]
        if mode in ("column", "both"):
            for r in range(1, rows + 1):
                ws.cell(row=r, column=16384, value="x")
        if mode in ("row", "both"):
            ws.cell(row=1048576, column=1, value="far")
    ctx.write(xlsx_bytes(tables, extra))
    return f"{mode}, {rows} rows"


@mutation("xlsx_many_sheets", XLSX_FAMILIES)
def m_xlsx_sheets(ctx: Ctx) -> str:
    """Hundreds of sheets: empty ones, unknown names, two sheets of the same layer, names that differ only by case."""
    tables = ctx.tables()
    k = ctx.rng.randint(20, 200)

    def extra(wb):
        if ctx.rng.random() < 0.5:
            wb.create_chartsheet("Chart")
        for j in range(k):
            ws = wb.create_sheet(ctx.rng.choice([f"S{j}", f"alerts{j}", f"ALERTS {j}", f"Sites-{j}"]))
            if j % 3 == 0:
                ws.append(["category", "lat", "lon"])
                ws.append(["killing", 4.79, 20.68])
            elif j % 3 == 1:
                ws.append(["unknown", "columns"])
    ctx.write(xlsx_bytes(tables, extra))
    return f"{k} extra sheets"


@mutation("xlsx_same_layer_sheets", ("excel",))
def m_xlsx_same_layer(ctx: Ctx) -> str:
    """Two to four sheets holding the same layer (one sheet per month, one per sector), with no id column (alerts),
    the same ids on every sheet, or each sheet's own ids."""
    layer = ctx.rng.choice(["alerts", "sites", "presence", "patrols"])
    k = ctx.rng.randint(2, 4)
    mode = ctx.rng.choice(["no_ids", "same_ids", "own_ids"])
    tables = []
    first = None
    for j in range(k):
        t = typed_table(ctx.rng, layer)
        t.name = f"{layer} {j}" if j else layer
        idc = t.roles["id"][0] if t.roles.get("id") else None
        if idc is not None and mode == "no_ids" and layer == "alerts":
            t.drop_column(idc)
        elif idc is not None and mode == "same_ids":
            first = first or [r[idc] for r in t.rows]
            for r, v in zip(t.rows, first):
                r[idc] = v
        tables.append(t)
    ctx.write(xlsx_bytes(tables))
    if mode == "no_ids" and layer != "alerts":
        mode = "ids restarting on each sheet"  # only alerts may lack an id; other layers number from 0 per sheet
    return f"{k} sheets of {layer}, {mode}"


@mutation("xlsx_header_cells", XLSX_FAMILIES)
def m_xlsx_header(ctx: Ctx) -> str:
    """Header cells that are numbers, dates, booleans, formulas or blanks (a pivot table pasted as values), or
    merged across columns, or pushed down under a title block."""
    tables = ctx.tables()
    t = tables[0]
    for c in range(len(t.header)):
        if ctx.rng.random() < 0.3:
            t.header[c] = ctx.rng.choice([1, 2.5, dt.datetime(2018, 11, 15), True, None, "=A1", " ", "#REF!"])
    mode = ctx.rng.choice(["typed", "merged", "title_rows"])

    def extra(wb):
        ws = wb.worksheets[0]
        if mode == "merged":
            ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=min(3, max(1, len(t.header))))
        elif mode == "title_rows":
            ws.insert_rows(1, ctx.rng.randint(1, 5))
            ws["B1"] = "Rapport hebdomadaire"
    ctx.write(xlsx_bytes(tables, extra))
    return mode


@mutation("xlsx_empty_workbook", XLSX_FAMILIES)
def m_xlsx_empty(ctx: Ctx) -> str:
    """A workbook with sheets but no values, or only blank-looking values (spaces)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = dt.datetime(*ZIP_TIME)
    if ctx.rng.random() < 0.5:
        wb.active.append([" ", None, "  "])
        wb.active.append([None, None])
    buf = io.BytesIO()
    wb.save(buf)
    ctx.write(normalise_zip(buf.getvalue()))
    return "no values"


@mutation("xls_garbage", XLSX_FAMILIES)
def m_xls(ctx: Ctx) -> str:
    """An old binary .xls (OLE2 magic) that is damaged or is really something else."""
    body = ctx.rng.choice([ctx.rng.randbytes(2048), b"\x00" * 512, _base(ctx)])
    ctx.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body, ctx.rng.choice([".xls", ".xlsx"]))
    return "OLE2 magic"


def _zip_records(data: bytes) -> list[dict]:
    """For each member: name, local header offset, data offset, compressed size, central directory offset."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    end = data.rfind(b"PK\x05\x06")
    cd_off = struct.unpack_from("<L", data, end + 16)[0]
    central = {}
    p = cd_off
    while data[p:p + 4] == b"PK\x01\x02":
        nlen, elen, clen = struct.unpack_from("<HHH", data, p + 28)
        central[data[p + 46:p + 46 + nlen].decode("utf-8", "replace")] = p
        p += 46 + nlen + elen + clen
    for info in infos:
        off = info.header_offset
        nlen, elen = struct.unpack_from("<HH", data, off + 26)
        out.append({"name": info.filename, "local": off, "data": off + 30 + nlen + elen,
                    "csize": info.compress_size, "central": central.get(info.filename)})
    return out


def _pick_member(ctx: Ctx, records: list[dict]) -> dict:
    sheets = [r for r in records if r["name"].startswith("xl/worksheets/")]
    other = [r for r in records if r["name"] in ("xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml",
                                                 "xl/styles.xml", "xl/_rels/workbook.xml.rels")]
    return ctx.rng.choice(sheets if sheets and ctx.rng.random() < 0.6 else (other or records))


@mutation("zip_member_flip", XLSX_FAMILIES)
def m_zip_flip(ctx: Ctx) -> str:
    """Bytes flipped inside one compressed member (the deflate stream breaks, or inflates to broken XML)."""
    data = bytearray(_base(ctx))
    rec = _pick_member(ctx, _zip_records(bytes(data)))
    for _ in range(ctx.rng.randint(1, 8)):
        if rec["csize"]:
            p = rec["data"] + ctx.rng.randrange(rec["csize"])
            data[p] ^= ctx.rng.randint(1, 255)
    ctx.write(bytes(data))
    return rec["name"]


@mutation("zip_truncate", XLSX_FAMILIES)
def m_zip_truncate(ctx: Ctx) -> str:
    """A workbook cut inside a member or inside the central directory (a half-finished download)."""
    data = _base(ctx)
    recs = _zip_records(data)
    if ctx.rng.random() < 0.5:
        rec = _pick_member(ctx, recs)
        cut = rec["data"] + ctx.rng.randint(0, max(0, rec["csize"] - 1))
    else:
        cut = ctx.rng.randint(len(data) - 200 if len(data) > 400 else 1, len(data) - 1)
    ctx.write(data[:cut])
    return f"cut at {cut} of {len(data)}"


def _patch(data: bytearray, rec: dict, local_at: int, central_at: int, fmt: str, value) -> None:
    struct.pack_into(fmt, data, rec["local"] + local_at, value)
    if rec["central"] is not None:
        struct.pack_into(fmt, data, rec["central"] + central_at, value)


@mutation("zip_header_lies", XLSX_FAMILIES)
def m_zip_headers(ctx: Ctx) -> str:
    """Zip headers that lie about a member: wrong CRC, the 'encrypted' flag, an unsupported compression method
    (implode, AES, 99), a wrong uncompressed size."""
    data = bytearray(_base(ctx))
    rec = _pick_member(ctx, _zip_records(bytes(data)))
    mode = ctx.options.get("mode") or ctx.rng.choice(["crc", "encrypted", "method", "size", "size_huge"])
    if mode == "crc":
        _patch(data, rec, 14, 16, "<L", ctx.rng.getrandbits(32))
    elif mode == "encrypted":
        _patch(data, rec, 6, 8, "<H", 1)
    elif mode == "method":
        _patch(data, rec, 8, 10, "<H", ctx.rng.choice([6, 9, 98, 99, 12, 14, 95]))
    elif mode == "size":
        _patch(data, rec, 22, 24, "<L", ctx.rng.randint(0, 10))
    else:
        _patch(data, rec, 22, 24, "<L", 0xFFFFFFF0)
    ctx.write(bytes(data))
    return f"{mode} on {rec['name']}"


def _rezip(src: bytes, replace: dict | None = None, drop: tuple = (), duplicate: tuple = ()) -> bytes:
    """A copy of a zip with members replaced or added (bytes, or a writer ``fn(fh)`` for streamed content),
    dropped, or duplicated."""
    import warnings

    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        names = [i.filename for i in zin.infolist()]
        names += [n for n in replace if n not in names]
        for name in names:
            if name in drop:
                continue
            body = replace.get(name)
            zi = zipfile.ZipInfo(name, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            if callable(body):
                with zout.open(zi, "w") as fh:
                    body(fh)
            else:
                zout.writestr(zi, zin.read(name) if body is None else body)
            if name in duplicate:
                zout.writestr(zipfile.ZipInfo(name, ZIP_TIME), b"<broken")
    return out.getvalue()


@mutation("zip_members", XLSX_FAMILIES)
def m_zip_members(ctx: Ctx) -> str:
    """Missing, duplicated or extra zip members: no workbook.xml, no sheet, two sheet1.xml, a member named
    '../../evil', a member that is itself a zip."""
    data = _base(ctx)
    mode = ctx.rng.choice(["drop_sheet", "drop_workbook", "drop_types", "drop_rels", "duplicate", "traversal",
                           "nested_zip", "drop_styles"])
    if mode.startswith("drop_"):
        name = {"drop_sheet": "xl/worksheets/sheet1.xml", "drop_workbook": "xl/workbook.xml",
                "drop_types": "[Content_Types].xml", "drop_rels": "xl/_rels/workbook.xml.rels",
                "drop_styles": "xl/styles.xml"}[mode]
        out = _rezip(data, drop=(name,))
    elif mode == "duplicate":
        out = _rezip(data, duplicate=("xl/worksheets/sheet1.xml",))
    elif mode == "traversal":
        out = _rezip(data, replace={"../../evil.xml": b"<x/>", "/etc/evil": b"x"})
    else:
        out = _rezip(data, replace={"xl/worksheets/sheet1.xml": data})
    ctx.write(out)
    return mode


def _sheet_xml(rows_xml: str, dimension: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{rows_xml}</sheetData></worksheet>")


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(text)}</t></is></c>'


def _first_sheet_header(ctx: Ctx) -> tuple[bytes, list[str], list]:
    tables = ctx.tables()
    return xlsx_bytes(tables), [str(h) for h in tables[0].header], tables[0].rows[0] if tables[0].rows else []


def _col(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@mutation("xlsx_bad_cells", XLSX_FAMILIES)
def m_xlsx_bad_cells(ctx: Ctx) -> str:
    """Hand-written sheet XML with impossible cells: a shared-string index past the table, a style index that does
    not exist, numbers that are words, a date cell holding text, references like 'ZZZZ0' or 'A-1', rows out of
    order."""
    base, header, first = _first_sheet_header(ctx)
    head = "<row r=\"1\">" + "".join(_inline(f"{_col(i)}1", h) for i, h in enumerate(header)) + "</row>"
    kind = ctx.rng.choice(["shared_index", "style_index", "number_text", "date_text", "bad_ref", "bool", "error",
                           "unknown_type", "rich_string", "row_number"])
    bad_cols = set(ctx.rng.sample(range(len(first)), min(len(first), ctx.rng.randint(1, 3)))) if first else set()
    cells = []
    for i, v in enumerate(first):
        ref = f"{_col(i)}2"
        if i not in bad_cols:
            cells.append(_inline(ref, "" if v is None else str(v)))
        elif kind == "shared_index":
            cells.append(f'<c r="{ref}" t="s"><v>{ctx.rng.choice([99999, -1, "x", 2 ** 40, 1.5])}</v></c>')
        elif kind == "style_index":
            cells.append(f'<c r="{ref}" s="{ctx.rng.choice([999, -1, "x"])}"><v>1</v></c>')
        elif kind == "number_text":
            cells.append(f'<c r="{ref}" t="n"><v>{ctx.rng.choice(["abc", "1e400", "", "1,5", "NaN", "0x1F"])}</v></c>')
        elif kind == "date_text":
            value = ctx.rng.choice(["garbage", "2018-02-30", "99999-01-01", ""])
            cells.append(f'<c r="{ref}" t="d"><v>{value}</v></c>')
        elif kind == "bad_ref":
            cells.append(f'<c r="{ctx.rng.choice(["ZZZZ0", "A-1", "1A", "", "XFE1", "A99999999"])}"><v>5</v></c>')
        elif kind == "bool":
            cells.append(f'<c r="{ref}" t="b"><v>{ctx.rng.choice(["2", "yes", ""])}</v></c>')
        elif kind == "error":
            cells.append(f'<c r="{ref}" t="e"><v>{ctx.rng.choice(["#N/A", "#DIV/0!", "#REF!", "junk"])}</v></c>')
        elif kind == "unknown_type":
            cells.append(f'<c r="{ref}" t="zz"><v>1</v></c>')
        elif kind == "rich_string":
            cells.append(f'<c r="{ref}" t="s"><v>1</v></c>')
        else:
            cells.append(_inline(ref, str(v)))
    row_no = ctx.rng.choice([0, -5, 1, 99999999]) if kind == "row_number" else 2
    rows = head + f'<row r="{row_no}">' + "".join(cells) + "</row>"
    if ctx.rng.random() < 0.3:
        rows += '<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
    sst = ('<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main" count="2" uniqueCount="2"><si><t>killing</t></si><si><r><t>rich</t></r></si></sst>')
    ctx.write(_rezip(base, replace={"xl/worksheets/sheet1.xml": text_bytes(_sheet_xml(rows, ctx.rng.choice(
        ["", "A1:XFD1048576", "garbage", "A1:A1"]))), **_register_shared_strings(base, text_bytes(sst))}))
    return kind


def _register_shared_strings(base: bytes, sst) -> dict:
    """Replacements that put a shared-strings part into a workbook and register it (content type and workbook
    relationship), so a reader really parses it: openpyxl writes inline strings and no such part."""
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    if "/xl/sharedStrings.xml" not in types:
        types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                              'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>')
    if "sharedStrings" not in rels:
        rels = rels.replace("</Relationships>", '<Relationship Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
                            'Id="rId999" /></Relationships>')
    return {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/sharedStrings.xml": sst}


def _billion_laughs(root: str, depth: int = 9) -> tuple[str, str]:
    ents = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                      for i in range(1, depth + 1)]
    return f"<!DOCTYPE {root} [\n " + "\n ".join(ents) + "\n]>", f"&lol{depth};"


@mutation("xlsx_entities", XLSX_FAMILIES, expect="refused")
def m_xlsx_entities(ctx: Ctx) -> str:
    """Entity declarations inside the workbook's XML: billion laughs in the shared strings or a sheet, an external
    entity (file:///etc/hostname) in workbook.xml. Must be refused."""
    base, header, _ = _first_sheet_header(ctx)
    mode = ctx.options.get("mode") or ctx.rng.choice(["laughs_sheet", "laughs_strings", "xxe_workbook", "xxe_sheet"])
    if mode == "laughs_sheet" or mode == "xxe_sheet":
        if mode == "laughs_sheet":
            doctype, ref = _billion_laughs("worksheet")
        else:
            doctype, ref = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"
        head = "".join(_inline(f"{_col(i)}1", h) for i, h in enumerate(header))
        xml = _sheet_xml(f'<row r="1">{head}</row><row r="2"><c r="A2" t="inlineStr"><is><t>{ref}</t></is></c></row>')
        xml = xml.replace("\n<worksheet", "\n" + doctype + "\n<worksheet", 1)
        out = _rezip(base, replace={"xl/worksheets/sheet1.xml": text_bytes(xml)})
    elif mode == "laughs_strings":
        doctype, ref = _billion_laughs("sst")
        sst = ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + '\n<sst xmlns="http://schemas.openxmlformats.org/'
               f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{ref}</t></si></sst>')
        sheet = _sheet_xml('<row r="1">' + "".join(_inline(f"{_col(i)}1", h) for i, h in enumerate(header))
                           + '</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>')
        out = _rezip(base, replace={"xl/worksheets/sheet1.xml": text_bytes(sheet),
                                    **_register_shared_strings(base, text_bytes(sst))})
    else:
        with zipfile.ZipFile(io.BytesIO(base)) as zf:
            wbxml = zf.read("xl/workbook.xml").decode()
        wbxml = re.sub(r"(<\?xml[^>]*\?>)", r'\1<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>',
                       wbxml, count=1)
        if "<!DOCTYPE" not in wbxml:
            wbxml = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>' + wbxml
        wbxml = re.sub(r'name="[^"]*"', 'name="&xxe;"', wbxml, count=1)
        out = _rezip(base, replace={"xl/workbook.xml": text_bytes(wbxml)})
    ctx.write(out)
    return mode


def _stream(pattern: bytes, total: int, head: bytes = b"", tail: bytes = b"") -> Callable:
    def write(fh):
        fh.write(head)
        chunk = pattern * max(1, (1 << 20) // len(pattern))
        left = total
        while left > 0:
            fh.write(chunk[:left])
            left -= len(chunk)
        fh.write(tail)
    return write


@mutation("zip_bomb_sheet", XLSX_FAMILIES, special_only=True)
def m_zip_bomb(ctx: Ctx) -> str:
    """A worksheet that inflates about 1000:1: a header then ~100 MB of identical rows, one enormous cell of
    spaces, or a single row millions of cells wide. The file is ~100 KB. Or ("split") the same ratio spread over
    many sheets of just under 1 MiB each, the size below which a ratio check may not look."""
    mode = ctx.options.get("mode") or ctx.rng.choice(["rows", "blob", "wide", "split"])
    if mode == "split":
        return _split_bomb(ctx)
    base, header, _ = _first_sheet_header(ctx)
    size = ctx.options.get("mb", 100) << 20
    head_row = '<row r="1">' + "".join(_inline(f"{_col(i)}1", h) for i, h in enumerate(header)) + "</row>"
    pre, post = _sheet_xml(head_row + "\x00").split("\x00")
    if mode == "rows":
        cells = "".join('<c t="inlineStr"><is><t>killing</t></is></c>' for _ in header[:3])
        body = _stream(f"<row>{cells}</row>".encode(), size, pre.encode(), post.encode())
    elif mode == "blob":
        body = _stream(b" ", size, (pre + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode(),
                       ("x</t></is></c></row>" + post).encode())
    else:  # the header row itself is millions of cells wide
        pre, post = _sheet_xml("\x00").split("\x00")
        body = _stream(b'<c t="inlineStr"><is><t>a</t></is></c>', size // 4, (pre + '<row r="1">').encode(),
                       ('</row><row r="2">' + _inline("A2", "killing") + "</row>" + post).encode())
    ctx.write(_rezip(base, replace={"xl/worksheets/sheet1.xml": body}))
    return f"{mode}, {size >> 20} MB inflated"


def _split_bomb(ctx: Ctx) -> str:
    """``parts`` sheets of alert rows, each part unpacking to just under 1 MiB at ~1000:1."""
    import openpyxl

    parts = ctx.options.get("parts", 60)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    header = ["category", "lat", "lon", "occurred_at"]
    for k in range(parts):
        wb.create_sheet(f"alerts {k}" if k else "alerts").append(header)
    buf = io.BytesIO()
    wb.save(buf)
    base = buf.getvalue()
    head = '<row r="1">' + "".join(_inline(f"{_col(i)}1", h) for i, h in enumerate(header)) + "</row>"
    pre, post = _sheet_xml(head + "\x00").split("\x00")
    row = ("<row>" + _inline("", "killing").replace(' r=""', "") + '<c t="n"><v>4.79</v></c><c t="n"><v>20.68</v></c>'
           + _inline("", "2018-11-15").replace(' r=""', "") + "</row>").encode()
    room = (1 << 20) - 1 - len(pre) - len(post)
    body = _stream(row, room - room % len(row), pre.encode(), post.encode())
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    ctx.write(_rezip(base, replace={n: body for n in sheets}))
    return f"split over {len(sheets)} parts of just under 1 MiB"


@mutation("shared_strings_bomb", XLSX_FAMILIES, special_only=True)
def m_sst_bomb(ctx: Ctx) -> str:
    """A shared-strings table of millions of short entries (~100 MB inflated, ~100 KB on disk), loaded whole before
    any row is read."""
    base, header, _ = _first_sheet_header(ctx)
    size = ctx.options.get("mb", 100) << 20
    sheet = _sheet_xml('<row r="1">' + "".join(_inline(f"{_col(i)}1", h) for i, h in enumerate(header))
                       + '</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    pre = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    if ctx.options.get("mode") == "under_limits":
        # Just under 64 MiB of strings, packed just under 100:1: passes size and ratio checks, and is loaded whole.
        size = (64 << 20) - 4096
        noise = random.Random(ctx.index)
        block = b"".join(b"<si><t>ab</t></si>" * 58 + b"<si><t>%s</t></si>" % noise.randbytes(6).hex().encode()
                         for _ in range(600))

        def body(fh):
            fh.write(pre)
            left = size - len(pre) - len(b"</sst>")
            while left > len(block):
                fh.write(block)
                left -= len(block)
            fh.write(b"<si><t>ab</t></si>" * (left // 18))
            fh.write(b"</sst>")
        ctx.write(_rezip(base, replace={"xl/worksheets/sheet1.xml": text_bytes(sheet),
                                        **_register_shared_strings(base, body)}))
        return "64 MiB of shared strings at under 100:1"
    body = _stream(b"<si><t>ab</t></si>", size, pre, b"</sst>")
    ctx.write(_rezip(base, replace={"xl/worksheets/sheet1.xml": text_bytes(sheet),
                                    **_register_shared_strings(base, body)}))
    return f"{size >> 20} MB of shared strings"


# -- GeoJSON -----------------------------------------------------------------------------------------------------------
def _fc(ctx: Ctx) -> dict:
    return feature_collection(ctx.tables("geojson")[0])


@mutation("json_deep_nesting", ("geojson",))
def m_json_deep(ctx: Ctx) -> str:
    """JSON nested tens of thousands deep, in a property, in the coordinates, or around the whole document (stack
    exhaustion in recursive parsers)."""
    fc = _fc(ctx)
    depth = ctx.options.get("depth") or ctx.rng.choice([1000, 5000, 50000, 200000])
    mode = ctx.rng.choice(["property", "coordinates", "document", "array"])
    text = json_text(fc)
    if mode == "property":
        nest = '{"a":' * depth + "1" + "}" * depth
        text = text.replace('"properties": {', '"properties": {"deep": ' + nest + ", ", 1)
    elif mode == "coordinates":
        nest = "[" * depth + "20.6, 4.7" + "]" * depth
        text = re.sub(r'"coordinates": \[[^\]]*\]', '"coordinates": ' + nest, text, count=1)
    elif mode == "document":
        text = '{"x":' * depth + text + "}" * depth
    else:
        text = "[" * depth + "]" * depth
    ctx.write(text)
    return f"{mode}, depth {depth}"


@mutation("json_nan_inf", ("geojson",))
def m_json_nan(ctx: Ctx) -> str:
    """Non-standard JSON numbers: NaN, Infinity, -Infinity, 1e400, 1e-400, 30-digit integers, -0, as coordinates
    and property values."""
    t = ctx.tables("geojson")[0]
    tokens = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0",
              "0e0", "1E+308", "nan", "inf"]
    for row in _rows_to_touch(ctx, t, 5):
        for c in range(len(row)):
            if ctx.rng.random() < 0.3:
                if t.header[c] == "__route__" and row[c]:
                    row[c][0] = [Raw(ctx.rng.choice(tokens)), Raw(ctx.rng.choice(tokens))]
                else:
                    row[c] = Raw(ctx.rng.choice(tokens))
    ctx.write(json_text(feature_collection(t)))
    return "NaN/Infinity"


@mutation("json_not_geojson", ("geojson",))
def m_json_not(ctx: Ctx) -> str:
    """JSON that is not a FeatureCollection: an array, a number, null, a Feature without geometry, features as an
    object, a TopoJSON-looking object, an empty object."""
    cases = ["[]", "42", "null", '"FeatureCollection"', "{}", '{"type":"Feature"}',
             '{"type":"FeatureCollection","features":{}}', '{"type":"FeatureCollection","features":[1,2,null]}',
             '{"type":"Topology","objects":{},"arcs":[]}', '{"type":"FeatureCollection"}', "true",
             '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point"}}]}',
             '{"type":"FeatureCollection","features":[{"type":"Feature","properties":[],"geometry":null}]}',
             '{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[20.6,4.7]}]}',
             '{"type":"Point","coordinates":[20.6,4.7]}']
    text = ctx.rng.choice(cases)
    ctx.write(text)
    return text[:60]


@mutation("geojson_geometries", ("geojson",))
def m_geojson_geoms(ctx: Ctx) -> str:
    """Geometries of the wrong kind or shape: polygons and collections among points, null or empty geometry,
    coordinates with one, three or five numbers, numbers as strings."""
    fc = _fc(ctx)
    options = [None, {"type": "Point", "coordinates": []}, {"type": "Point", "coordinates": [20.6]},
               {"type": "Point", "coordinates": [20.6, 4.7, 500, 1, 2]},
               {"type": "Point", "coordinates": ["20.6", "4.7"]},
               {"type": "Point", "coordinates": [[20.6, 4.7]]},
               {"type": "Polygon", "coordinates": [[[20, 4], [21, 4], [21, 5], [20, 4]]]},
               {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [20.6, 4.7]}]},
               {"type": "MultiPoint", "coordinates": [[20.6, 4.7], [20.7, 4.8]]},
               {"type": "LineString", "coordinates": [[20.6, 4.7]]}, {"type": "Unknown", "coordinates": [1, 2]},
               {"type": "Point"}, {"coordinates": [20.6, 4.7]}, "POINT (20.6 4.7)", 42]
    for feat in fc["features"]:
        if ctx.rng.random() < 0.5:
            feat["geometry"] = ctx.rng.choice(options)
    ctx.write(json_text(fc))
    return "mixed geometries"


@mutation("geojson_crs", ("geojson",))
def m_geojson_crs(ctx: Ctx) -> str:
    """A 'crs' member (GeoJSON 2008): web mercator with degrees in it, an EPSG code that does not exist, a
    malformed object, or a 'link' CRS naming a local file (never a URL)."""
    fc = _fc(ctx)
    link = ctx.support("crs.proj4")
    link.write_text(ctx.rng.choice(["+proj=longlat +datum=WGS84", "garbage", ""]))
    fc = {"type": fc["type"], "crs": ctx.rng.choice([
        {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},
        {"type": "name", "properties": {"name": "EPSG:32634"}},
        {"type": "name", "properties": {"name": ""}},
        {"type": "name", "properties": {"name": "+proj=geos +h=1"}},
        {"type": "EPSG", "properties": {"code": "abc"}},
        {"type": "link", "properties": {"href": str(link), "type": "proj4"}},
        {"type": "link", "properties": {"href": "file://" + str(link), "type": "proj4"}},
        None, 42, [], {"type": "name"}]), "features": fc["features"]}
    ctx.write(json_text(fc))
    return json.dumps(fc["crs"])[:80]


@mutation("json_duplicate_keys", ("geojson",))
def m_json_dups(ctx: Ctx) -> str:
    """The same key twice in one object: two 'geometry', two 'type', a property given twice with different values."""
    text = json_text(_fc(ctx))
    mode = ctx.rng.choice(["property", "geometry", "type", "features"])
    if mode == "property":
        text = text.replace('"properties": {', '"properties": {"category": "killing", "category": {"x": 1}, ', 1)
    elif mode == "geometry":
        text = text.replace('"geometry": ', '"geometry": {"type": "Polygon", "coordinates": []}, "geometry": ', 1)
    elif mode == "type":
        text = text.replace('"type": "Feature",', '"type": "Feature", "type": "Topology",', 1)
    else:
        text = text.replace('"features": [', '"features": [], "features": [', 1)
    ctx.write(text)
    return mode


@mutation("geojson_property_types", ("geojson",))
def m_geojson_props(ctx: Ctx) -> str:
    """Property values of unexpected JSON types: objects, arrays, booleans, null, huge integers, a category that is
    a number, an id that is an object; types changing from feature to feature."""
    t = ctx.tables("geojson")[0]
    values = [{"a": {"b": [1, 2]}}, [1, "x", None], True, False, None, 10 ** 30, -(10 ** 30), 1.5, "", [], {}]
    for row in t.rows:
        for c, h in enumerate(t.header):
            if not str(h).startswith("__") and ctx.rng.random() < 0.35:
                row[c] = ctx.rng.choice(values)
    fc = feature_collection(t)
    ids = ctx.rng.random() < 0.5
    if ids:  # the Feature's own "id" member, which GDAL may take as the feature id
        for k, feat in enumerate(fc["features"]):
            feat["id"] = ctx.rng.choice([k, k, -1, 10 ** 30, "x", None, {"a": 1}, 1.5, 0])
    ctx.write(json_text(fc))
    return "typed properties" + (", feature ids" if ids else "")


@mutation("geojson_many_features", ("geojson",))
def m_geojson_many(ctx: Ctx) -> str:
    """Thousands of features, and a features array that ends without closing (a streamed export cut off)."""
    t = ctx.tables("geojson")[0]
    n = ctx.rng.randint(1000, 3000)
    t.rows = [list(ctx.rng.choice(t.rows)) for _ in range(n)]
    text = json_text(feature_collection(t))
    if ctx.rng.random() < 0.3:
        text = text[: text.rfind("}", 0, len(text) - 3)]
    ctx.write(text)
    return f"{n} features"


@mutation("geojson_seq", ("geojson",))
def m_geojson_seq(ctx: Ctx) -> str:
    """Newline-delimited features (GeoJSONSeq, with or without the RS separator) under a .geojson name."""
    fc = _fc(ctx)
    rs = ctx.rng.choice(["", "\x1e"])
    ctx.write("".join(rs + json.dumps(f) + "\n" for f in fc["features"]))
    return "RS" if rs else "newline"


# -- VRT indirection ---------------------------------------------------------------------------------------------------
@mutation("vrt_disguise", VECTOR_FAMILIES, expect="refused")
def m_vrt(ctx: Ctx) -> str:
    """A GDAL virtual dataset (VRT XML) named .geojson or .gpkg, pointing at another local file: an importer that
    hands it to GDAL reads a file the user never chose. Must be refused. The target is a CSV in support/ (absolute or
    relative path), a zip of it through /vsizip/, or the VRT itself."""
    target = ctx.support("vrt-target.csv")
    target.write_text("category,lat,lon,occurred_at,text\n"
                      + "".join(f"killing,4.79,20.6{i},2018-11-15,VRT-LEAK-{ctx.index}-{i}\n" for i in range(3)))
    mode = ctx.options.get("mode") or ctx.rng.choice(["absolute", "relative", "vsizip", "self", "union"])
    path = ctx.target()
    if mode == "absolute":
        src = f'<SrcDataSource relativeToVRT="0">{target}</SrcDataSource><SrcLayer>{target.stem}</SrcLayer>'
    elif mode == "relative":
        src = (f'<SrcDataSource relativeToVRT="1">support/{target.name}</SrcDataSource>'
               f"<SrcLayer>{target.stem}</SrcLayer>")
    elif mode == "vsizip":
        z = ctx.support("vrt-target.zip")
        with zipfile.ZipFile(z, "w") as zf:
            zf.write(target, target.name)
        src = f"<SrcDataSource>/vsizip/{z}/{target.name}</SrcDataSource><SrcLayer>{target.stem}</SrcLayer>"
    elif mode == "self":
        src = f"<SrcDataSource>{path}</SrcDataSource>"
    else:
        src = None
    layer = ("<OGRVRTLayer name=\"alerts\">" + (src or "") + "<GeometryType>wkbPoint</GeometryType>"
             '<LayerSRS>EPSG:4326</LayerSRS><GeometryField encoding="PointFromColumns" x="lon" y="lat"/></OGRVRTLayer>')
    if mode == "union":
        layer = ('<OGRVRTUnionLayer name="alerts">' + "".join(
            f'<OGRVRTLayer name="p{i}"><SrcDataSource>{target}</SrcDataSource><SrcLayer>{target.stem}</SrcLayer>'
            "</OGRVRTLayer>" for i in range(2)) + "</OGRVRTUnionLayer>")
    path.write_text(f"<OGRVRTDataSource>{layer}</OGRVRTDataSource>\n")
    return mode


# -- GeoPackage --------------------------------------------------------------------------------------------------------
def _gpkg(ctx: Ctx) -> tuple[Path, list[Table]]:
    tables = ctx.tables("gpkg")
    path = ctx.target()
    write_gpkg(tables, path)
    return path, tables


def _connect(path: Path) -> sqlite3.Connection:
    """sqlite3 on a GeoPackage, with stand-ins for the functions GDAL's R-tree triggers call."""
    con = sqlite3.connect(path)
    con.create_function("ST_IsEmpty", 1, lambda g: 1)  # "empty": the triggers leave the index alone
    for fn in ("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
        con.create_function(fn, 1, lambda g: 0.0)
    return con


def _register(con: sqlite3.Connection, name: str, kind: str = "attributes", geom: str | None = None) -> None:
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change, srs_id) "
                "VALUES (?, ?, ?, '2018-11-15T00:00:00.000Z', ?)", (name, kind, name, 4326 if geom else None))
    if geom:
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)", (name, geom))


@mutation("gpkg_nonspatial_table", ("gpkg",))
def m_gpkg_nonspatial(ctx: Ctx) -> str:
    """A GeoPackage that also holds a non-spatial (attributes) table: a lookup list nobody can place, a 'sites'
    table with lat/lon as text columns, or a table not registered in gpkg_contents at all."""
    path, _ = _gpkg(ctx)
    mode = ctx.options.get("mode") or ctx.rng.choice(["lookup", "sites_text", "unregistered", "only_attributes"])
    with _connect(path) as con:
        if mode == "lookup":
            con.execute('CREATE TABLE "lookup" (fid INTEGER PRIMARY KEY, code TEXT, label TEXT)')
            con.executemany('INSERT INTO "lookup" (code, label) VALUES (?, ?)', [("K", "killing"), ("L", "looting")])
            _register(con, "lookup")
        elif mode == "sites_text":
            con.execute('CREATE TABLE "sites_list" '
                        "(fid INTEGER PRIMARY KEY, site_id TEXT, name TEXT, lat TEXT, lon TEXT)")
            con.executemany('INSERT INTO "sites_list" (site_id, name, lat, lon) VALUES (?, ?, ?, ?)',
                            [("S1", "Mission", "4.79", "20.68"), ("S2", "PK3", "nan", "1e400")])
            _register(con, "sites_list")
        elif mode == "unregistered":
            con.execute('CREATE TABLE "notes" (a TEXT, b BLOB)')
            con.execute('INSERT INTO "notes" VALUES (?, ?)', ("x", b"\x00\x01"))
        else:
            for name in [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]:
                con.execute("UPDATE gpkg_contents SET data_type = 'attributes' WHERE table_name = ?", (name,))
                con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (name,))
    con.close()
    return mode


@mutation("gpkg_recursive_view", ("gpkg",), special_only=True)
def m_gpkg_view(ctx: Ctx) -> str:
    """A view registered as a layer whose SQL never ends (a recursive CTE with no usable limit): reading it spins
    inside SQLite, where no Python signal reaches."""
    path, tables = _gpkg(ctx)
    with _connect(path) as con:
        con.execute("CREATE VIEW alerts_archive AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                    "LIMIT 100000000000) SELECT x AS fid, 'killing' AS category, '2018-11-15' AS occurred_at FROM c")
        _register(con, "alerts_archive")
    con.close()
    return "recursive CTE view"


@mutation("gpkg_corrupt_geometry", ("gpkg",))
def m_gpkg_geom(ctx: Ctx) -> str:
    """Geometry blobs that are not GeoPackage geometries: random bytes, a wrong magic or version, a WKB cut short, a
    WKB claiming two billion points, text in the blob column, an envelope flag that lies."""
    path, tables = _gpkg(ctx)
    header = b"GP\x00\x01" + struct.pack("<i", 4326)
    blobs = [ctx.rng.randbytes(ctx.rng.randint(0, 40)), b"XX\x00\x01" + b"\x00" * 20, b"GP\x07\x01" + b"\x00" * 25,
             header + b"\x01\x01\x00\x00\x00" + b"\x00" * 7, header + b"\x01\x02\x00\x00\x00\xff\xff\xff\x7f",
             header + b"\x01\x03\x00\x00\x00\xff\xff\xff\x7f", "POINT(20.6 4.7)", b"",
             b"GP\x00\x09" + struct.pack("<i", 4326) + b"\x00" * 8, header + b"\x01\xe9\x03\x00\x00" + b"\x00" * 24]
    with _connect(path) as con:
        for t in tables:
            fids = [r[0] for r in con.execute(f'SELECT fid FROM "{t.name}"')]
            for fid in ctx.rng.sample(fids, min(len(fids), ctx.rng.randint(1, 4))):
                con.execute(f'UPDATE "{t.name}" SET geom = ? WHERE fid = ?', (ctx.rng.choice(blobs), fid))
    con.close()
    return "corrupt geometry blobs"


@mutation("gpkg_srs", ("gpkg",))
def m_gpkg_srs(ctx: Ctx) -> str:
    """A layer whose spatial reference lies: a definition that is not WKT, a projected CRS (UTM) over degree values,
    the 'undefined' SRS ids 0 and -1, an srs_id missing from gpkg_spatial_ref_sys."""
    path, tables = _gpkg(ctx)
    mode = ctx.rng.choice(["garbage_wkt", "utm", "undefined0", "undefined-1", "missing"])
    with _connect(path) as con:
        con.execute("PRAGMA foreign_keys = OFF")
        srs = {"garbage_wkt": 990001, "utm": 32634, "undefined0": 0, "undefined-1": -1, "missing": 424242}[mode]
        if mode == "garbage_wkt":
            con.execute("INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, "
                        "definition) VALUES ('junk', 990001, 'NONE', 990001, 'GEOGCS[\"x\",')")
        elif mode == "utm":
            import pyproj

            con.execute("INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
                        "organization_coordsys_id, definition) VALUES ('UTM 34N', 32634, 'EPSG', 32634, ?)",
                        (pyproj.CRS.from_epsg(32634).to_wkt("WKT1_GDAL"),))
        name = tables[0].name
        con.execute("UPDATE gpkg_geometry_columns SET srs_id = ? WHERE table_name = ?", (srs, name))
        con.execute("UPDATE gpkg_contents SET srs_id = ? WHERE table_name = ?", (srs, name))
    con.close()
    return mode


@mutation("gpkg_structure", ("gpkg",))
def m_gpkg_structure(ctx: Ctx) -> str:
    """GeoPackage catalogue games: many layers, a registered layer whose table does not exist, an attribute column
    named 'geometry', an empty layer, a plain SQLite database (no GeoPackage tables) with a .gpkg name."""
    mode = ctx.rng.choice(["many_layers", "ghost", "geometry_column", "empty_layer", "plain_sqlite", "layer_names",
                           "view_bad_function", "wal", "trigger"])
    if mode == "plain_sqlite":
        path = ctx.target()
        with _connect(path) as con:
            con.execute("CREATE TABLE alerts (category TEXT, lat REAL, lon REAL, occurred_at TEXT)")
            con.execute("INSERT INTO alerts VALUES ('killing', 4.79, 20.68, '2018-11-15')")
        con.close()
        return mode
    path, tables = _gpkg(ctx)
    name = tables[0].name
    with _connect(path) as con:
        if mode == "many_layers":
            k = ctx.rng.randint(20, 120)
            gtype = con.execute("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?",
                                (name,)).fetchone()[0]
            for j in range(k):
                con.execute(f'CREATE TABLE "{name}_{j}" AS SELECT * FROM "{name}"')
                _register(con, f"{name}_{j}", "features", gtype)
            mode += f" ({k})"
        elif mode == "ghost":
            _register(con, "ghost", "features", "POINT")
        elif mode == "geometry_column":
            con.execute(f'ALTER TABLE "{name}" ADD COLUMN "geometry" TEXT')
            con.execute(f'UPDATE "{name}" SET "geometry" = \'POINT (1 2)\'')
        elif mode == "empty_layer":
            con.execute(f'DELETE FROM "{name}"')
        elif mode == "view_bad_function":
            con.execute(f'CREATE VIEW "{name}_view" AS SELECT fid, ST_Buffer(geom, 1) AS geom, * FROM "{name}"')
            _register(con, f"{name}_view")
        elif mode == "wal":
            con.execute("PRAGMA journal_mode = WAL")
        elif mode == "trigger":
            con.execute(f'CREATE TRIGGER "t_{name}" AFTER UPDATE ON "{name}" BEGIN DELETE FROM "{name}"; END')
        else:
            new = ctx.rng.choice(["gpkg_alerts", "rtree_x", "quarantine", "imports", "Alerts", "ALERTS", "sites ",
                                  "alerts; DROP TABLE x", "ünïcødé", ""])
            con.execute("PRAGMA foreign_keys = OFF")
            try:
                con.execute(f'ALTER TABLE "{name}" RENAME TO "{new}"')
                con.execute("UPDATE gpkg_contents SET table_name = ?, identifier = ? WHERE table_name = ?",
                            (new, new, name))
                con.execute("UPDATE gpkg_geometry_columns SET table_name = ? WHERE table_name = ?", (new, name))
            except sqlite3.Error:
                pass
            mode += f" ({new!r})"
    con.close()
    return mode


# -- GPX and KML -------------------------------------------------------------------------------------------------------
@mutation("xml_entities", XML_FAMILIES, expect="refused")
def m_xml_entities(ctx: Ctx) -> str:
    """A DTD in a GPS file: billion laughs (nested entity expansion), an external entity reading /etc/hostname,
    an external DTD, a parameter entity. GPS tracks never need a DTD: must be refused."""
    tracks = ctx.tracks()
    root = "gpx" if ctx.family == "gpx" else "kml"
    mode = ctx.options.get("mode") or ctx.rng.choice(["laughs", "xxe", "external_dtd", "parameter", "laughs_attr"])
    if mode.startswith("laughs"):
        doctype, ref = _billion_laughs(root)
    elif mode == "xxe":
        doctype, ref = f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"
    elif mode == "external_dtd":
        doctype, ref = f'<!DOCTYPE {root} SYSTEM "file:///etc/hostname">', "x"
    else:
        doctype, ref = (f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p; '
                        f'<!ENTITY e "x">]>', "&e;")
    if mode == "laughs_attr":
        tracks[0].points[0][0] = "\x00REF\x00"
    else:
        tracks[0].name = "\x00REF\x00"
    text = ctx.xml(tracks, doctype=doctype).replace("\x00REF\x00", ref)
    ctx.write(text)
    return mode


@mutation("xml_deep_nesting", XML_FAMILIES)
def m_xml_deep(ctx: Ctx) -> str:
    """Elements nested thousands deep (extensions in extensions), with a bad point at the bottom so the reader has
    to describe the element (recursive serialisers overflow)."""
    tracks = ctx.tracks()
    depth = ctx.options.get("depth") or ctx.rng.choice([1200, 5000, 30000, 100000])
    tag = ctx.rng.choice(["extensions", "x", "Folder"])
    if ctx.family == "gpx":
        inner = f'<trkpt lat="{ctx.rng.choice(["abc", "4.7"])}" lon="20.6"/>'
    else:
        inner = ctx.rng.choice(["<Point><coordinates>20.6,4.7</coordinates></Point>",
                                "<LineString><coordinates>abc</coordinates></LineString>"])
    tracks[0].extra = f"<{tag}>" * depth + inner + f"</{tag}>" * depth
    ctx.write(ctx.xml(tracks))
    return f"{tag} x {depth}"


@mutation("xml_encoding", XML_FAMILIES)
def m_xml_encoding(ctx: Ctx) -> str:
    """An XML declaration that lies about the encoding (UTF-16, UTF-32, UTF-7, EBCDIC, a made-up name) or is
    malformed, over UTF-8 bytes."""
    enc = ctx.rng.choice(["UTF-16", "UTF-32", "UTF-7", "cp037", "x-bogus", "", "ISO-8859-1", "utf-8\x00",
                          "ebcdic-cp-us"])
    prolog = ctx.rng.choice([f'<?xml version="1.0" encoding="{enc}"?>', '<?xml version="9.9"?>', "<?xml?>",
                             '<?xml version="1.0" encoding="UTF-8" standalone="maybe"?>'])
    ctx.write(ctx.xml(ctx.tracks(), prolog=prolog))
    return prolog[:60]


@mutation("xml_points_hostile", XML_FAMILIES)
def m_xml_points(ctx: Ctx) -> str:
    """Track points with NaN, Infinity, blank, comma-decimal or out-of-range coordinates, KML coordinate tuples with
    one or five numbers, and times that cannot be."""
    tracks = ctx.tracks()
    for t in tracks:
        for p in t.points:
            if ctx.rng.random() < 0.3:
                p[ctx.rng.randrange(2)] = ctx.rng.choice(COORD_VALUES)
            if ctx.rng.random() < 0.3:
                p[2] = ctx.rng.choice(DATE_VALUES)
        if ctx.family == "kml" and ctx.rng.random() < 0.4:
            t.points[0][0] = ctx.rng.choice(["1,2,3,4", "", "4.7,", ",,", "nan,nan", "4.7 5", "4.7,20.6,0,0,0"])
        if t.span and ctx.rng.random() < 0.5:
            t.span = (ctx.rng.choice(DATE_VALUES), ctx.rng.choice(DATE_VALUES))
    ctx.write(ctx.xml(tracks))
    return "hostile points"


@mutation("xml_many_points", XML_FAMILIES)
def m_xml_many(ctx: Ctx) -> str:
    """One track of thousands of points (a GPS left logging every second for a day), several tracks of one point."""
    tracks = ctx.tracks()
    n = ctx.rng.randint(2000, 6000)
    t0 = dt.datetime(2018, 11, 14, 6)
    tracks[0].points = [[f"{4.7 + k * 1e-5:.6f}", f"{20.6 + k * 1e-5:.6f}", _iso(t0 + dt.timedelta(seconds=k))]
                        for k in range(n)]
    if ctx.family == "kml":
        tracks[0].kind = ctx.rng.choice(["line", "track"])
    for t in tracks[1:]:
        t.points = t.points[:1]
    ctx.write(ctx.xml(tracks))
    return f"{n} points"


@mutation("xml_structure", XML_FAMILIES)
def m_xml_structure(ctx: Ctx) -> str:
    """The wrong document around the right data: another root element, no namespace or a foreign one, GPX inside
    KML, no tracks at all, empty elements, unclosed tags."""
    tracks = ctx.tracks()
    mode = ctx.rng.choice(["html_root", "no_ns", "foreign_ns", "nested_other", "no_tracks", "empty_elements",
                           "unclosed", "two_roots", "local_link"])
    if mode == "html_root":
        text = ctx.xml(tracks, root="html")
    elif mode == "no_ns":
        text = ctx.xml(tracks, root="gpx" if ctx.family == "gpx" else "kml")
    elif mode == "foreign_ns":
        text = ctx.xml(tracks, root=f'{ctx.family} xmlns="urn:not:{ctx.family}" xmlns:gx="urn:x"')
    elif mode == "nested_other":
        other = kml_text(tracks) if ctx.family == "gpx" else gpx_text(tracks)
        text = ctx.xml([], ).replace("</Folder>" if ctx.family == "kml" else "</gpx>",
                                     other.split("?>", 1)[1] + ("</Folder>" if ctx.family == "kml" else "</gpx>"), 1)
    elif mode == "no_tracks":
        text = ctx.xml([t for t in tracks if t.kind == "point"])
    elif mode == "empty_elements":
        for t in tracks:
            t.points = t.points[:ctx.rng.randint(0, 1)] if ctx.rng.random() < 0.5 else t.points
            t.name = ""
        text = ctx.xml(tracks).replace("<trkseg>", "<trkseg/><trkseg>").replace(
            "<coordinates>", "<coordinates/><coordinates>", 1)
    elif mode == "unclosed":
        text = ctx.xml(tracks)
        cut = ctx.rng.randint(len(text) // 3, len(text) - 2)
        text = text[:cut]
    elif mode == "local_link":
        link = ("<NetworkLink><Link><href>/etc/hostname</href></Link></NetworkLink>" if ctx.family == "kml"
                else '<link href="file:///etc/hostname"><text>x</text></link>')
        tracks[0].extra = link
        text = ctx.xml(tracks)
    else:
        text = ctx.xml(tracks) + ctx.xml(tracks).split("?>", 1)[1]
    ctx.write(text)
    return mode


@mutation("xml_char_refs", XML_FAMILIES)
def m_xml_refs(ctx: Ctx) -> str:
    """Character references XML forbids (&#0;, &#xD800;, &#x110000;), undefined entities, CDATA and comments inside
    numbers, processing instructions inside elements."""
    tracks = ctx.tracks()
    bad = ["&#0;", "&#xD800;", "&#x110000;", "&#1114111;", "&undefined;", "<![CDATA[4.7]]>", "<!-- c -->",
           "<?pi x?>", "&#x1F9E8;", "&amp;", "&#x;"]
    tracks[0].name = tracks[0].name + ctx.rng.choice(bad)
    text = ctx.xml(tracks, esc=lambda s: s)  # the seed's text needs no escaping; the references stay raw
    if ctx.rng.random() < 0.5:
        text = text.replace("<time>", "<time>" + ctx.rng.choice(bad), 1).replace(
            "<coordinates>", "<coordinates>" + ctx.rng.choice(bad), 1)
    ctx.write(text)
    return "char refs"


@mutation("xml_attribute_flood", XML_FAMILIES)
def m_xml_attrs(ctx: Ctx) -> str:
    """One element with tens of thousands of attributes, or an attribute value of a megabyte (hash-collision and
    memory stress for the parser)."""
    tracks = ctx.tracks()
    k = ctx.rng.randint(5000, 40000)
    attrs = " ".join(f'a{j}="{j}"' for j in range(k)) if ctx.rng.random() < 0.6 else f'big="{"x" * (1 << 20)}"'
    root = ('gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1" ' if ctx.family == "gpx"
            else 'kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" ') + attrs
    ctx.write(ctx.xml(tracks, root=root))
    return f"{k} attributes" if attrs.startswith("a0") else "1 MB attribute"


@mutation("kml_geometry_games", ("kml",))
def m_kml_geoms(ctx: Ctx) -> str:
    """KML geometry edge cases: MultiGeometry nested thousands deep, a gx:Track with more <when> than <coord>, a
    coord with one number, a LineString with no coordinates, tuples separated by commas only."""
    tracks = ctx.tracks()
    mode = ctx.rng.choice(["deep_multi", "track_mismatch", "short_coord", "empty_line", "comma_sep"])
    t = tracks[0]
    if mode == "deep_multi":
        depth = ctx.rng.choice([500, 3000, 20000])
        t.extra = ("<MultiGeometry>" * depth + "<LineString><coordinates>20.6,4.7 20.7,4.8</coordinates></LineString>"
                   + "</MultiGeometry>" * depth)
        t.kind = "point"
        mode += f" {depth}"
    elif mode == "track_mismatch":
        t.kind = "track"
        t.extra = ("<gx:Track>" + "<when>2018-11-14T06:00:00Z</when>" * 5 + "<gx:coord>20.6 4.7 0</gx:coord>"
                   + "</gx:Track>")
    elif mode == "short_coord":
        t.extra = "<gx:Track><gx:coord>20.6</gx:coord><gx:coord></gx:coord></gx:Track>"
    elif mode == "empty_line":
        t.extra = "<LineString><coordinates></coordinates></LineString><LineString/>"
    text = ctx.xml(tracks, coord_sep="," if mode == "comma_sep" else " ")
    ctx.write(text)
    return mode


# -- plan --------------------------------------------------------------------------------------------------------------
#: The specific cases of the issue, once in every generated set (family, mutation, options).
SPECIALS: list[tuple[str, str, dict]] = [
    ("own", "empty", {}), ("excel", "empty", {}), ("geojson", "empty", {}), ("gpkg", "empty", {}),
    ("gpx", "empty", {}), ("kml", "empty", {}), ("own", "directory", {}),
    ("gpx", "xml_entities", {"mode": "laughs"}), ("kml", "xml_entities", {"mode": "laughs"}),
    ("gpx", "xml_entities", {"mode": "xxe"}), ("kml", "xml_entities", {"mode": "external_dtd"}),
    ("excel", "xlsx_entities", {"mode": "laughs_strings"}), ("kobo_xlsx", "xlsx_entities", {"mode": "xxe_workbook"}),
    ("excel", "zip_bomb_sheet", {"mode": "rows"}), ("kobo_xlsx", "zip_bomb_sheet", {"mode": "blob"}),
    ("excel", "zip_bomb_sheet", {"mode": "wide"}), ("excel", "shared_strings_bomb", {}),
    ("excel", "zip_member_flip", {}), ("excel", "zip_header_lies", {"mode": "crc"}),
    ("kobo_xlsx", "zip_header_lies", {"mode": "encrypted"}), ("excel", "zip_header_lies", {"mode": "method"}),
    ("excel", "zip_truncate", {}),
    ("geojson", "vrt_disguise", {"mode": "absolute"}), ("gpkg", "vrt_disguise", {"mode": "relative"}),
    ("gpkg", "gpkg_nonspatial_table", {"mode": "lookup"}), ("gpkg", "gpkg_recursive_view", {}),
    ("gpkg", "directory", {}), ("own", "special_file", {"mode": "fifo"}), ("own", "special_file", {"mode": "devzero"}),
    ("own", "huge_field", {}), ("acled", "huge_field", {}), ("ucdp", "huge_field", {}), ("hxl", "huge_field", {}),
    ("kobo_csv", "huge_field", {}),
    ("own", "colliding_header", {"pair": ("Lat", "lat")}), ("own", "colliding_header", {"pair": ("phone", "mobile")}),
    ("kobo_csv", "colliding_header", {"pair": ("phone", "mobile")}),
    ("excel", "colliding_header", {"pair": ("Lat", "lat")}), ("geojson", "colliding_header", {"pair": ("Lat", "lat")}),
    ("geojson", "json_deep_nesting", {"depth": 100000}), ("gpx", "xml_deep_nesting", {"depth": 5000}),
    ("kml", "xml_deep_nesting", {"depth": 50000}),
    ("own", "coords_hostile", {}), ("own", "dates_impossible", {}), ("own", "numbers_extreme", {}),
]


#: Costly cases beyond the issue's list (files that pass the workbook size and ratio checks yet cost a minute and
#: most of a gigabyte while unfixed): added where ``plan(..., heavy=True)``.
HEAVY: list[tuple[str, str, dict]] = [
    ("excel", "zip_bomb_sheet", {"mode": "split"}), ("kobo_xlsx", "shared_strings_bomb", {"mode": "under_limits"}),
]


def mutations_for(family: str, include_special: bool = False) -> list[str]:
    return [m.name for m in MUTATIONS.values() if family in m.families and (include_special or not m.special_only)]


def plan(seed: int, n: int, specials: bool = True, heavy: bool = False) -> list[tuple[str, str, dict]]:
    """Which family and mutation each of ``n`` files gets: the specific cases first (and the heavy ones when asked),
    then families balanced (the least-used family next) and a mutation drawn uniformly among those that apply."""
    rng = random.Random(f"plan:{seed}")
    out = ((list(SPECIALS) if specials else []) + (list(HEAVY) if heavy else []))[:n]
    counts = {f: 0 for f in FAMILIES}
    for family, _, _ in out:
        counts[family] += 1
    while len(out) < n:
        low = min(counts.values())
        family = rng.choice([f for f in FAMILIES if counts[f] == low])
        counts[family] += 1
        out.append((family, rng.choice(mutations_for(family)), {}))
    return out


def build(seed: int, index: int, family: str, name: str, options: dict, out_dir: Path) -> HostileFile:
    """Write file ``index`` (its own RNG: the same (seed, index) always gives the same file)."""
    rng = random.Random(f"file:{seed}:{index}")
    m = MUTATIONS[name]
    ctx = Ctx(rng, family, name, index, out_dir, options)
    detail = m.fn(ctx) or ""
    return HostileFile(ctx.path, family, name, m.expect, str(detail)[:200], index)


def generate(seed: int, n: int, out_dir: Path, indices=None, specials: bool = True,
             heavy: bool = False) -> list[HostileFile]:
    """Write ``n`` hostile files (or only ``indices`` of that set) into ``out_dir``; the list says what each is.
    ``specials``: start with the issue's specific cases; ``heavy``: add :data:`HEAVY` after them.

    ``out_dir`` is created; files already there are overwritten, nothing else is removed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = None if indices is None else set(indices)
    files = []
    for i, (family, name, options) in enumerate(plan(seed, n, specials, heavy)):
        if wanted is not None and i not in wanted:
            continue
        stale = list(out_dir.glob(f"{i:05d}-*"))
        for p in stale:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        files.append(build(seed, i, family, name, options, out_dir))
    scratch = out_dir / "scratch"
    if scratch.exists():
        shutil.rmtree(scratch)
    return files


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--index", type=int, action="append", help="only this file of the set (repeatable)")
    ap.add_argument("--heavy", action="store_true", help="add the heavy cases (HEAVY) after the specific ones")
    args = ap.parse_args(argv)
    for f in generate(args.seed, args.files, args.out, args.index, heavy=args.heavy):
        print(f"{f.index:5d} {f.family:10s} {f.mutation:24s} {f.path.name} {f.detail[:60]}")


if __name__ == "__main__":
    main()
