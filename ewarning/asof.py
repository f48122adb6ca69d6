"""The as-of view: what the mission knew at a given time ``T``.

Every analytic takes an ``as_of`` time and sees only alerts *reported strictly
before* it; presence, sites and patrols are taken as they stood at ``T``.
Replay, training and the backtest all rely on this one function, so the
no-look-ahead rule lives in a single place.

A bare date means the *start* of that day in UTC: ``as_of("2018-11-15")``
sees everything reported up to the end of 14 November, and a report dated
15 November with no time of day does not count yet.

One date convention everywhere: an as-of time ``T`` at midnight is named
after the day that *ended* at it, "as of end of day D" (:func:`as_of_day`,
:func:`as_of_words`, :func:`as_of_tag`): the sidebar's date, page captions,
hotspot ids (``H-20181114-1``) and filter descriptions all say 14 November
for ``T = 2018-11-15T00:00Z``. The semantics do not change: only reports
reported strictly before ``T`` count.

Examples
--------
>>> parse_as_of("2018-11-15")
Timestamp('2018-11-15 00:00:00+0000', tz='UTC')
>>> parse_as_of("2018-11-15T06:30")
Timestamp('2018-11-15 06:30:00+0000', tz='UTC')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from . import presence as presence_mod
from . import sites as sites_mod

__all__ = ["AsOfView", "as_of", "parse_as_of", "as_of_day", "as_of_words", "as_of_tag", "date_range",
           "triaged_as_of"]

_EARLIEST = pd.Timestamp("1900-01-01", tz="UTC")
_LATEST = pd.Timestamp("2200-01-01", tz="UTC")


def parse_as_of(value) -> pd.Timestamp:
    """An as-of time in UTC; a bare date is the start of that day.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime or pandas.Timestamp
        ``"2018-11-15"`` (start of day UTC), ``"2018-11-15T06:30"`` (UTC
        when no offset is given), ``"2018-11-15T06:30+01:00"`` (converted).

    Returns
    -------
    pandas.Timestamp
        Time-zone aware, UTC.

    Raises
    ------
    ValueError
        When ``value`` is not a date, with a message saying what was expected.

    Examples
    --------
    >>> parse_as_of("2018-11-15") == parse_as_of("2018-11-15T00:00Z")
    True
    """
    if isinstance(value, pd.Timestamp):
        ts = value
    elif isinstance(value, (datetime, date)):
        ts = pd.Timestamp(value)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("as-of date is empty; give a date like 2018-11-15")
        try:
            ts = pd.Timestamp(text)
        except (ValueError, TypeError, OverflowError):
            raise ValueError(f"as-of date {text!r} is not a date; give a date like 2018-11-15 "
                             "or a time like 2018-11-15T06:30") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(f"as-of date {value!r} is not a date; give a date like 2018-11-15")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if not (_EARLIEST <= ts <= _LATEST):
        raise ValueError(f"as-of date {ts.date()} is outside 1900-2200")
    return ts


def _is_midnight(ts: pd.Timestamp) -> bool:
    return ts == ts.normalize()


def as_of_day(value) -> date:
    """The day an as-of time ``T`` names: the day that ended at ``T`` (midnight), else ``T``'s own day.

    >>> as_of_day("2018-11-15")
    datetime.date(2018, 11, 14)
    >>> as_of_day("2018-11-14T14:30")
    datetime.date(2018, 11, 14)
    """
    ts = parse_as_of(value)
    return (ts - pd.Timedelta(days=1)).date() if _is_midnight(ts) else ts.date()


def as_of_phrase(value):
    """``T`` in words as a phrase (:mod:`ewarning.i18n.phrases`), for any language."""
    from .i18n import N_
    from .i18n.phrases import Day, Phrase, Raw

    ts = parse_as_of(value)
    day = as_of_day(ts)
    if _is_midnight(ts):
        return Phrase(N_("as of end of {day} (UTC)"), day=Day(day))
    return Phrase(N_("as of {day} {time} UTC"), day=Day(day), time=Raw(f"{ts:%H:%M}"))


def as_of_words(value, t=None) -> str:
    """``T`` in words: "as of end of 14 Nov 2018 (UTC)" at midnight, else "as of 14 Nov 2018 14:30 UTC";
    in ``t``'s language when given.

    >>> as_of_words("2018-11-15")
    'as of end of 14 Nov 2018 (UTC)'
    >>> as_of_words("2018-11-14T14:30")
    'as of 14 Nov 2018 14:30 UTC'
    >>> from ewarning.i18n import Translator
    >>> as_of_words("2018-11-15", Translator("fr"))
    'au 14 nov. 2018 en fin de journée (UTC)'
    """
    from .i18n import Translator
    from .i18n.phrases import render_one

    return render_one(as_of_phrase(value), t or Translator("en"))


def as_of_tag(value) -> str:
    """``T`` for ids and file names: ``20181114`` (end of that day), else ``20181114T1430``.

    >>> as_of_tag("2018-11-15"), as_of_tag("2018-11-14T14:30")
    ('20181114', '20181114T1430')
    """
    ts = parse_as_of(value)
    return f"{as_of_day(ts):%Y%m%d}" + ("" if _is_midnight(ts) else f"T{ts:%H%M}")


def date_range(start, end, every: str = "7D") -> list[pd.Timestamp]:
    """As-of dates from ``start`` to ``end`` (inclusive) every ``every``.

    Examples
    --------
    >>> [str(d.date()) for d in date_range("2018-11-01", "2018-11-15", "7D")]
    ['2018-11-01', '2018-11-08', '2018-11-15']
    """
    t0, t1 = parse_as_of(start), parse_as_of(end)
    if t1 < t0:
        raise ValueError(f"--from {t0.date()} is after --to {t1.date()}")
    try:
        step = pd.Timedelta(every)
    except ValueError:
        raise ValueError(f"--every {every!r} is not a period; give e.g. 7D or 1D") from None
    if step <= pd.Timedelta(0):
        raise ValueError(f"--every {every!r} must be a positive period")
    return list(pd.date_range(t0, t1, freq=step))


@dataclass
class AsOfView:
    """The layers as they stood at ``as_of``.

    Attributes
    ----------
    as_of : pandas.Timestamp
    alerts : geopandas.GeoDataFrame
        Reported strictly before ``as_of``.
    sites : geopandas.GeoDataFrame or None
        Open at ``as_of``.
    presence : geopandas.GeoDataFrame or None
        Base periods active at ``as_of``.
    patrols : geopandas.GeoDataFrame or None
        Patrols that had started before ``as_of``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2018-11-14", "2018-11-15"], utc=True)},
    ...                      geometry=gpd.points_from_xy([20.6, 20.7], [4.7, 4.8]), crs="EPSG:4326")
    >>> len(as_of({"alerts": a}, "2018-11-15").alerts)
    1
    """

    as_of: pd.Timestamp
    alerts: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame | None = None
    presence: gpd.GeoDataFrame | None = None
    patrols: gpd.GeoDataFrame | None = None


def utc_columns(frame, columns) -> object:
    """``frame`` with the named time columns as time-zone aware UTC datetimes.

    Validated layers already hold UTC datetimes (returned as they are); a
    hand-made frame may hold an empty object column or naive datetimes
    (``pd.NaT``), which cannot be compared with an as-of time. Naive times
    are taken as UTC.

    Examples
    --------
    >>> f = pd.DataFrame({"opened": [pd.NaT], "closed": ["2020-01-02"]})
    >>> [str(t.tz) for t in utc_columns(f, ["opened", "closed"]).dtypes]
    ['UTC', 'UTC']
    """
    if frame is None:
        return None
    todo = [c for c in columns if c in frame.columns
            and not isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if not todo:
        return frame
    frame = frame.copy()
    for c in todo:
        frame[c] = pd.to_datetime(frame[c], utc=True)
    return frame


def known_alerts(alerts: gpd.GeoDataFrame, when: pd.Timestamp) -> gpd.GeoDataFrame:
    """Alerts reported strictly before ``when``.

    Examples
    --------
    >>> empty = gpd.GeoDataFrame({"reported_at": []}, geometry=[], crs="EPSG:4326")   # object column
    >>> len(known_alerts(empty, parse_as_of("2020-01-01")))
    0
    """
    if alerts is None:
        return None
    alerts = utc_columns(alerts, ["reported_at"])
    return alerts[alerts["reported_at"] < when]


def triaged_as_of(alerts: gpd.GeoDataFrame, edits: pd.DataFrame | None, when: pd.Timestamp) -> gpd.GeoDataFrame:
    """Alerts as triage had left them at ``when``: edits made at or after it are undone.

    Triage edits (verify, discount, link as duplicate, correct location) are
    applied to the stored row in place and kept, old and new value, in the
    store's ``alert_edits`` table. Replaying a past day with today's triage
    would be look-ahead (a report discounted next week would already weigh
    nothing), so each edit made at or after ``when`` is reverted, newest
    version first.

    Parameters
    ----------
    alerts : GeoDataFrame
        The stored alerts (their current state).
    edits : DataFrame or None
        ``alert_edits`` rows: ``alert_id, version, at, changes`` (JSON
        ``{column: [old, new]}``, the location as ``"lat/lon": [[lat, lon],
        [lat, lon]]``).
    when : Timestamp

    Returns
    -------
    GeoDataFrame
        A copy when anything was undone, else ``alerts`` itself.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"id": ["A1"], "verification": ["discounted"]},
    ...                      geometry=gpd.points_from_xy([20.7], [4.8]), crs="EPSG:4326")
    >>> e = pd.DataFrame({"alert_id": ["A1"], "version": [1], "at": pd.to_datetime(["2018-11-20"], utc=True),
    ...                   "changes": ['{"verification": ["unverified", "discounted"]}']})
    >>> triaged_as_of(a, e, parse_as_of("2018-11-15"))["verification"].tolist()
    ['unverified']
    >>> triaged_as_of(a, e, parse_as_of("2018-11-21"))["verification"].tolist()
    ['discounted']
    """
    if alerts is None or edits is None or len(edits) == 0 or len(alerts) == 0:
        return alerts
    at = pd.to_datetime(edits["at"], utc=True, format="ISO8601")
    later = edits[(at >= when).to_numpy()]
    later = later[later["alert_id"].isin(alerts["id"])]
    if later.empty:
        return alerts
    out = alerts.copy()
    position = pd.Series(np.arange(len(out)), index=out["id"].to_numpy())
    geoms = np.asarray(out.geometry.to_numpy(), dtype=object).copy()
    for _, edit in later.sort_values(["alert_id", "version"], ascending=[True, False]).iterrows():
        try:
            changes = json.loads(edit["changes"]) if isinstance(edit["changes"], str) else dict(edit["changes"])
        except (TypeError, ValueError):
            raise ValueError(f"triage edit v{edit['version']} of alert {edit['alert_id']} is unreadable") from None
        i = int(position[edit["alert_id"]])
        for column, (old, _new) in changes.items():
            if column == "lat/lon":
                geoms[i] = None if old is None else Point(float(old[1]), float(old[0]))
            elif column in out.columns:
                out.iloc[i, out.columns.get_loc(column)] = old
    out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
    return out


def known_patrols(patrols: gpd.GeoDataFrame | None, when: pd.Timestamp) -> gpd.GeoDataFrame | None:
    """Patrols that had started before ``when`` (their end is clipped by the caller's reading)."""
    if patrols is None:
        return None
    patrols = utc_columns(patrols, ["start"])
    return patrols[patrols["start"] < when]


def as_of(layers, when) -> AsOfView:
    """What was known at ``when``.

    Parameters
    ----------
    layers : dict or AsOfView
        ``{"alerts": ..., "sites": ..., "presence": ..., "patrols": ...}``;
        any may be missing or None except alerts (an empty frame is fine).
        With ``"alert_edits"`` (the store's triage log), alerts are taken as
        triage had left them at ``when`` (:func:`triaged_as_of`).
    when : str, date or Timestamp
        Parsed with :func:`parse_as_of`.

    Returns
    -------
    AsOfView

    Examples
    --------
    >>> import geopandas as gpd
    >>> v = as_of({"alerts": gpd.GeoDataFrame({"reported_at": []}, geometry=[], crs="EPSG:4326")}, "2020-01-01")
    >>> len(v.alerts), v.sites is None
    (0, True)
    """
    when = parse_as_of(when)
    if isinstance(layers, AsOfView):
        layers = {"alerts": layers.alerts, "sites": layers.sites, "presence": layers.presence,
                  "patrols": layers.patrols}
    sites = utc_columns(layers.get("sites"), ["opened", "closed"])
    presence = utc_columns(layers.get("presence"), ["start", "end"])
    return AsOfView(
        as_of=when,
        alerts=known_alerts(triaged_as_of(layers.get("alerts"), layers.get("alert_edits"), when), when),
        sites=None if sites is None else sites_mod.open_on(sites, when),
        presence=None if presence is None else presence_mod.on(presence, when),
        patrols=known_patrols(layers.get("patrols"), when),
    )
