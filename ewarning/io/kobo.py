"""KoBoToolbox / ODK exports (CSV or XLSX) of alert or site forms.

Recognised by KoBo's own columns (``_uuid``, ``_submission_time``, ``_index``,
``meta/instanceID``, ``formhub/uuid``, ``__version__``) or by group-prefixed
field names (``alert/category``).

Mapping:

- group prefixes are dropped (``alert/category`` -> ``category``), then the
  canonical CSV's aliases apply (``description`` -> ``text`` ...);
- ``_uuid`` -> ``id`` as ``KOBO-<uuid>`` (else ``meta/instanceID``);
- ``_submission_time`` -> ``reported_at`` (KoBo writes it in UTC);
- ``incident_date`` (or ``date_of_incident``, ``event_date``, ``date``,
  ``today``) -> ``occurred_at``, with ``incident_time`` appended when given;
- location: ``lat``/``lon`` columns, else KoBo's ``_<geopoint>_latitude`` /
  ``_<geopoint>_longitude``, else a geopoint column ("lat lon alt accuracy"),
  else ``_geolocation`` ("[lat, lon]");
- a column naming the reporter (phone, telephone, reporter, name_of_reporter,
  caller, informant, contact, ``_submitted_by`` ...) -> ``reporter``, which the
  validator turns into a pseudonymous key. Only one identity column is kept
  (a phone number first: the most stable key); the others are not read at
  all, so no identity reaches quarantine or logs in clear.

Other columns (KoBo's bookkeeping, free form questions) are not read; the
notes name them. Rows keep their position in the file (1 = first data row).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from ..security import identity_rank
from .base import RawTable, ReadError
from .hxl import drop_hashtag_row, file_delimiter, head_rows, withhold_identities
from .own import ALIASES, guess_layer
from .textfile import read_rows

KOBO_MARKERS = {"_uuid", "_submission_time", "_index", "meta/instanceid", "formhub/uuid", "__version__",
                "_xform_id_string", "_submitted_by", "_validation_status"}
_GROUPED = re.compile(r"^[A-Za-z_][\w.-]*/[A-Za-z_][\w./-]*$")

ALERT_COLUMNS = ["id", "reported_at", "occurred_at", "lat", "lon", "category", "severity", "killed", "injured",
                 "channel", "verification", "reliability", "credibility", "reporter", "location_precision", "text"]
SITE_COLUMNS = ["site_id", "name", "kind", "population", "opened", "closed"]
EXTRA_ALIASES = {"site_name": "name", "site_type": "kind", "type_of_site": "kind", "idps": "population",
                 "idp_count": "population", "number_of_idps": "population", "incident_type": "category",
                 "type_of_incident": "category", "event_type": "category", "source_channel": "channel",
                 "casualties_killed": "killed", "nb_killed": "killed", "nb_injured": "injured",
                 "wounded": "injured", "precision_location": "location_precision"}
OCCURRED = ["incident_date", "date_incident", "date_of_incident", "incident_day", "event_date", "occurred_at",
            "occurred", "date_occurred", "date", "today"]
OCCURRED_TIME = ["incident_time", "time_incident", "time_of_incident", "event_time"]
#: Identity columns, most stable first.
GEOPOINT_NAMES = {"location", "gps", "geopoint", "coordinates", "coords", "position", "point", "geolocation",
                  "gps_location", "incident_location", "localisation", "lieu_gps", "geo"}


def looks_like_kobo(columns) -> bool:
    names = {str(c).strip().lower() for c in columns if c is not None}
    if names & KOBO_MARKERS:
        return True
    return sum(1 for n in names if _GROUPED.match(n)) >= 2


def workbook_is_kobo(path: Path) -> bool:
    """Does the first sheet of a workbook have KoBo columns? (header row only)."""
    stat = Path(path).stat()
    return _workbook_is_kobo(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _workbook_is_kobo(path: str, mtime_ns: int, size: int) -> bool:
    # Cached: both the excel and the kobo sniffers ask, and opening a workbook costs.
    from .excel import read_sheets

    try:
        sheets = read_sheets(Path(path), header_only=True)
    except ReadError:
        return False
    return bool(sheets) and looks_like_kobo(sheets[0].header)


def sniff(path: Path, head: str, fmt: str = "kobo") -> bool:
    from .excel import is_workbook

    if is_workbook(path) is not None:
        return workbook_is_kobo(path)
    rows = head_rows(head, 1)
    return bool(rows) and looks_like_kobo(rows[0])


def _short(name: str) -> str:
    """``grp/sub/field`` -> ``field``; ``_grp/loc_latitude`` -> ``_loc_latitude``; lower case."""
    name = str(name).strip()
    lead = "_" if name.startswith("_") and "/" in name else ""
    return (lead + name.rsplit("/", 1)[-1]).lower().replace(" ", "_")


def _missing(value) -> bool:
    return (value is None or (isinstance(value, float) and pd.isna(value))
            or (isinstance(value, str) and not value.strip()))


def _geopoint(value):
    """'lat lon alt acc' -> (lat, lon) as text; what cannot be split goes on as it is."""
    if _missing(value):
        return None, None
    parts = str(value).replace(",", " ").split() if " " in str(value).strip() else [str(value).strip()]
    if not parts or not parts[0]:
        return None, None
    return parts[0], parts[1] if len(parts) > 1 else None


def _geolocation(value):
    """'[4.79, 20.68]' -> ('4.79', '20.68'); '[None, None]' -> missing."""
    if _missing(value):
        return None, None
    parts = [p.strip().strip("'\"") for p in str(value).strip().strip("[]()").split(",")]
    parts = [None if p.lower() in ("", "none", "null", "nan") else p for p in parts]
    return (parts + [None, None])[0], (parts + [None, None])[1]


def is_identity(name) -> bool:
    """Does a column name (KoBo, HXL header or canonical) look like a reporter identity?"""
    return _identity_rank(_short(name)) is not None


def _identity_rank(name: str) -> int | None:
    return identity_rank(name)


def _value(col: pd.Series) -> pd.Series:
    values = [None if _missing(v) else v for v in col.tolist()]
    return pd.Series(values, index=col.index, dtype=object)


def map_columns(frame: pd.DataFrame, layer: str | None, name: str, notes: list[str]) -> tuple[pd.DataFrame, str]:
    """KoBo columns -> canonical columns (see the module docstring)."""
    short: dict[str, str] = {}
    for col in frame.columns:
        s = _short(col)
        short[col] = s if s not in short.values() else str(col).lower()
    by_short = {s: col for col, s in short.items()}
    out = pd.DataFrame(index=frame.index)
    used: set[str] = set()

    def take(short_name: str):
        used.add(by_short[short_name])
        return _value(frame[by_short[short_name]])

    # Identity first, so that no identity column can slip through as another field.
    identity = sorted(((r, s) for s in by_short if (r := _identity_rank(s)) is not None))
    if identity:
        out["reporter"] = take(identity[0][1])
        dropped = [s for _, s in identity[1:]]
        used.update(by_short[s] for s in dropped)
        if dropped:
            notes.append(f"identity column(s) not read: {', '.join(dropped)} "
                         f"(the reporter key comes from '{identity[0][1]}')")

    for s in by_short:
        if by_short[s] in used:
            continue
        canon = EXTRA_ALIASES.get(s, ALIASES.get(s, s))
        if canon in ("occurred_at",):
            continue  # chosen below, with its time
        if canon in ALERT_COLUMNS + SITE_COLUMNS and canon not in out.columns and canon not in ("id", "reported_at"):
            out[canon] = take(s)

    if "_uuid" in by_short:
        out["id"] = take("_uuid").map(lambda v: None if _missing(v) else f"KOBO-{v}")
    elif "instanceid" in by_short:
        out["id"] = take("instanceid").map(lambda v: None if _missing(v) else f"KOBO-{str(v).removeprefix('uuid:')}")
    elif "id" in by_short:
        out["id"] = take("id")
    reported = [s for s in by_short if ALIASES.get(s, s) == "reported_at" and by_short[s] not in used]
    if "_submission_time" in by_short:
        out["reported_at"] = take("_submission_time")
    elif reported:
        out["reported_at"] = take(reported[0])
    date_col = next((s for s in OCCURRED if s in by_short and _value(frame[by_short[s]]).notna().any()),
                    next((s for s in OCCURRED if s in by_short), None))
    if date_col:
        occurred = take(date_col)
        time_col = next((s for s in OCCURRED_TIME if s in by_short), None)
        if time_col:
            times = take(time_col)
            occurred = pd.Series([d if _missing(d) or _missing(t) or "T" in str(d) or ":" in str(d)
                                  else f"{d}T{t}" for d, t in zip(occurred, times)], index=frame.index, dtype=object)
        out["occurred_at"] = occurred

    if "lat" not in out.columns or "lon" not in out.columns:
        _locate(frame, by_short, out, used, take)

    ignored = [str(c) for c in frame.columns if c not in used]
    if ignored:
        shown = ", ".join(ignored[:15]) + (f" and {len(ignored) - 15} more" if len(ignored) > 15 else "")
        notes.append(f"KoBo columns not read: {shown}")

    layer = layer or guess_layer(out.columns)
    if layer is None and "name" in out.columns and ({"kind", "population"} & set(out.columns)):
        layer = "sites"
    if layer not in ("alerts", "sites"):
        raise ReadError(f"{name}: cannot tell whether this KoBo form holds alerts (a 'category' field) or sites "
                        "('site_id', or 'name' with 'kind' or 'population'); give --layer alerts or sites")
    keep = ALERT_COLUMNS if layer == "alerts" else SITE_COLUMNS + ["lat", "lon"]
    return out[[c for c in keep if c in out.columns]].astype(object), layer


def _locate(frame, by_short, out, used, take) -> None:
    """lat/lon from KoBo's geopoint columns (in order of preference)."""
    pairs = [s[1:-len("_latitude")] for s in by_short if s.startswith("_") and s.endswith("_latitude")
             and f"_{s[1:-len('_latitude')]}_longitude" in by_short]
    if pairs:
        out["lat"] = take(f"_{pairs[0]}_latitude")
        out["lon"] = take(f"_{pairs[0]}_longitude")
        for extra in ("_altitude", "_precision"):
            if f"_{pairs[0]}{extra}" in by_short:
                used.add(by_short[f"_{pairs[0]}{extra}"])
        if pairs[0] in by_short:
            used.add(by_short[pairs[0]])
        if "_geolocation" in by_short:
            used.add(by_short["_geolocation"])
        return
    point = next((s for s in by_short if s in GEOPOINT_NAMES and by_short[s] not in used), None)
    if point is not None:
        split = take(point).map(_geopoint)
        out["lat"], out["lon"] = split.map(lambda p: p[0]), split.map(lambda p: p[1])
        if "_geolocation" in by_short:
            used.add(by_short["_geolocation"])
        return
    if "_geolocation" in by_short:
        split = take("_geolocation").map(_geolocation)
        out["lat"], out["lon"] = split.map(lambda p: p[0]), split.map(lambda p: p[1])


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "kobo") -> list[RawTable]:
    from .excel import is_workbook, read_sheets, sheet_frame

    path = Path(path)
    notes: list[str] = []
    if is_workbook(path) is not None:
        sheets = read_sheets(path)
        if not sheets:
            raise ReadError(f"{path.name}: the workbook has no data")
        frame, rejected, notes = sheet_frame(sheets[0])
        if len(sheets) > 1:
            notes.append("KoBo repeat-group sheet(s) not read: " + ", ".join(repr(s.name) for s in sheets[1:]))
    else:
        frame, rejected, notes = read_rows(path, encoding)
        identity = [i for i, c in enumerate(frame.columns) if is_identity(c)]
        rejected = withhold_identities(rejected, identity, len(frame.columns), file_delimiter(path))
    frame, rejected = drop_hashtag_row(frame, rejected, notes)
    out, layer = map_columns(frame, layer, path.name, notes)
    return [RawTable(layer, out, path.name, "kobo", notes, rejected)]
