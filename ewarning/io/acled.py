"""ACLED event exports (CSV from the data export tool or the API) as alert reports.

Mapping (ACLED column -> canonical):

=========================  =====================================================
``event_id_cnty``          ``id`` (e.g. ``CEN12345``)
``event_date``             ``occurred_at``
``timestamp``              ``reported_at`` (ISO, UTC): the Unix time ACLED
                           uploaded the event, the earliest the mission could
                           have read it; when absent the validator uses
                           ``occurred_at`` and says so. ACLED overwrites it
                           whenever it changes an event, so in an export
                           downloaded years later old events carry their last
                           change: a timestamp more than
                           :data:`~ewarning.config.ACLED_MODIFIED_AFTER_DAYS`
                           (30) days after ``event_date`` is taken as such,
                           and the report time is ``event_date`` +
                           :data:`~ewarning.config.ACLED_PUBLICATION_LAG_DAYS`
                           (7: ACLED publishes new events weekly); the notes
                           count them
``latitude/longitude``     ``lat/lon``
``geo_precision``          1 exact, 2 village (near the town), 3 district (region)
``fatalities``             ``killed``
``notes``                  ``text``
``event_type`` +           ``category``, see :data:`CATEGORY`; Violence against
``sub_event_type``         civilians / Attack is ``killing`` only when
                           ``fatalities > 0``
=========================  =====================================================

Every row is ``channel=media``. Event types this mapping does not know (and
``Strategic developments / Agreement``, which is not a threat) are passed on as
``"<event_type>: <sub_event_type>"`` so the validator quarantines them with
"unknown value" and the user sees what the file said. Actor, source and tag
columns are not read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import ACLED_MODIFIED_AFTER_DAYS, ACLED_PUBLICATION_LAG_DAYS
from ..validation import NumberStyle, parse_times, read_numbers
from .base import RawTable
from .exports import read_export
from .hxl import header_names
from .textfile import refuse_repeated_columns

REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "latitude", "longitude"]

#: (event_type, sub_event_type) -> category; sub_event_type None = any.
CATEGORY = {
    ("violence against civilians", "attack"): "killing_or_attack",
    ("violence against civilians", "abduction/forced disappearance"): "abduction",
    ("violence against civilians", "sexual violence"): "sexual_violence",
    ("strategic developments", "looting/property destruction"): "looting",
    ("strategic developments", "non-violent transfer of territory"): "armed_group_movement",
    ("strategic developments", "headquarters or base established"): "armed_group_movement",
    ("strategic developments", "change to group/activity"): "armed_group_movement",
    ("strategic developments", "arrests"): "threat_or_rumour",
    ("strategic developments", "disrupted weapons use"): "threat_or_rumour",
    ("strategic developments", "other"): "threat_or_rumour",
    ("battles", None): "armed_attack",
    ("explosions/remote violence", None): "armed_attack",
    ("protests", None): "intercommunal_tension",
    ("riots", None): "intercommunal_tension",
}

PRECISION = {"1": "exact", "2": "village", "3": "district"}


def sniff(path: Path, head: str, fmt: str = "acled") -> bool:
    return {"event_id_cnty", "event_date"} <= header_names(head)


def _key(value: str) -> str:
    return " ".join(str(value).lower().split())


def _category(event_type: str, sub_type: str, fatalities: float) -> str:
    et, st = _key(event_type), _key(sub_type)
    code = CATEGORY.get((et, st)) or CATEGORY.get((et, None))
    if code == "killing_or_attack":
        return "killing" if fatalities > 0 else "armed_attack"
    if code is None:
        return f"{event_type.strip()}: {sub_type.strip()}".strip(": ") or None
    return code


def _iso_from_unix(value: str):
    """Unix seconds -> ISO UTC string; anything else is passed on for the validator to judge."""
    if value is None or not str(value).strip():
        return None
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return value
    if not 0 < seconds < 4e9:
        return value
    return pd.Timestamp(seconds, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def report_times(timestamp: pd.Series, event_date: pd.Series,
                 modified_after_days: float = ACLED_MODIFIED_AFTER_DAYS,
                 publication_lag_days: float = ACLED_PUBLICATION_LAG_DAYS) -> tuple[pd.Series, int]:
    """``reported_at`` text for each event, and how many timestamps were taken as a later change.

    A ``timestamp`` more than ``modified_after_days`` after ``event_date`` is
    ACLED's last change to the event (ACLED overwrites it on every change), not
    when it became known: the report time is then ``event_date`` +
    ``publication_lag_days`` (ACLED releases new events weekly). Values that
    are not a Unix time, or events with no readable date, are passed on for
    the validator to judge.

    Examples
    --------
    >>> ts = pd.Series([str(int(pd.Timestamp("2023-06-01", tz="UTC").timestamp())), "1541462400"])
    >>> times, n = report_times(ts, pd.Series(["2018-11-01", "2018-11-04"]))
    >>> times.tolist(), n
    (['2018-11-08T00:00:00Z', '2018-11-06T00:00:00Z'], 1)
    """
    iso = timestamp.map(_iso_from_unix)
    published = pd.to_datetime(iso.where(iso.astype(str).str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")),
                               utc=True, errors="coerce", format="%Y-%m-%dT%H:%M:%SZ")
    occurred = parse_times(event_date.astype("string").str.strip())
    modified = (published - occurred) > pd.Timedelta(days=modified_after_days)
    estimate = (occurred + pd.Timedelta(days=publication_lag_days)).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return iso.where(~modified, estimate).astype(object), int(modified.sum())


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "acled") -> list[RawTable]:
    path = Path(path)
    frame, rejected, notes = read_export(path, encoding, REQUIRED, layer, "ACLED")
    refuse_repeated_columns(path, frame.columns, "ACLED")  # two spellings of one column: which is right?

    def col(name):
        if name not in frame.columns:
            return pd.Series(None, index=frame.index, dtype=object)
        return frame[name].astype(object)

    # The one number parser of the validators: "1,200" is 1200 here too (it decides killing or attack).
    fatalities = read_numbers(col("fatalities").astype("string").str.strip(), NumberStyle()).values.fillna(0)
    category = [_category(e or "", s or "", f) for e, s, f in
                zip(col("event_type").fillna(""), col("sub_event_type").fillna(""), fatalities)]
    reported, n_modified = report_times(col("timestamp"), col("event_date"))
    precision = col("geo_precision").map(lambda v: None if v is None or not str(v).strip()
                                         else PRECISION.get(str(v).strip(), f"geo_precision {str(v).strip()}"))
    out = pd.DataFrame({
        "id": col("event_id_cnty"),
        "reported_at": reported,
        "occurred_at": col("event_date"),
        "lat": col("latitude"),
        "lon": col("longitude"),
        "category": category,
        "killed": col("fatalities"),
        "channel": "media",
        "location_precision": precision,
        "text": col("notes"),
    }, index=frame.index).astype(object)
    if "timestamp" in frame.columns:
        notes.append("ACLED: reported_at is the time ACLED uploaded the event (its 'timestamp' column)")
    if n_modified:
        notes.append(f"ACLED: {n_modified} event(s) have a 'timestamp' more than {ACLED_MODIFIED_AFTER_DAYS:g} days "
                     "after the event, the time ACLED last changed them rather than when they became known; their "
                     f"report time is the event date + {ACLED_PUBLICATION_LAG_DAYS:g} days (ACLED publishes new "
                     "events weekly)")
    coarse = int((pd.to_numeric(col("time_precision"), errors="coerce") > 1).sum())
    if coarse:
        notes.append(f"ACLED: {coarse} event(s) are dated to the week or month only (time_precision > 1)")
    notes.append("ACLED data: cite ACLED (acleddata.com) wherever it is shown")
    return [RawTable("alerts", out, path.name, "acled", notes, rejected)]
