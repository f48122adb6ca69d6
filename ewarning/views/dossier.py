"""Hotspots as a list, and one hotspot's dossier: everything behind its score, as of ``T``.

The dossier's weekly chart counts the very reports the score counted: the
hotspot's reports of the recent window (``alert_ids``, so the shaded bars add
up to the header's alert count) and those of the baseline it was compared
with (``baseline_ids``, over the baseline the score used, ``baseline_days``).
Bins are weeks back from ``T``, cut at the window's start, so no bar mixes the
two periods.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.filters import Filters
>>> from ewarning.views import Layers, picture
>>> a = gpd.GeoDataFrame({"id": [f"A{i}" for i in range(6)],
...     "reported_at": pd.date_range("2018-11-01", periods=6, freq="2D", tz="UTC"), "category": "killing",
...     "killed": 1}, geometry=gpd.points_from_xy([20.68] * 6, [4.79] * 6), crs="EPSG:4326")
>>> p = picture(Layers(alerts=a), Filters(end=pd.Timestamp("2018-11-15", tz="UTC")), user="analyst")
>>> d = dossier(p, p.hotspots["hotspot_id"].iloc[0])
>>> d.n_alerts, int(d.weekly.loc[d.weekly["recent"], "alerts"].sum()), d.killed
(6, 6, 6)
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import vocab
from ..geo import metric_crs
from ..presence import components
from .picture import Picture

__all__ = ["HotspotList", "hotspot_list", "Dossier", "dossier"]


def _int(value) -> int:
    return 0 if value is None or pd.isna(value) else int(round(float(value)))


# -- the list ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HotspotList:
    """The ranked hotspots as a table (one row per listed hotspot, display order).

    Attributes
    ----------
    picture : Picture
    table : DataFrame
        ``hotspot_id, rank, place, score, trend, flagged, missing, n_alerts, killed, exposed,
        last_dismounted_days``.
    """

    picture: Picture
    table: pd.DataFrame

    @property
    def n_flagged(self) -> int:
        return int(self.table["flagged"].sum()) if len(self.table) else 0

    @property
    def caption(self) -> str:
        cfg = self.picture.config
        return (f"Scored {self.picture.as_of_words} on the alerts passing the filters, with "
                f"{self.picture.triage_words} (recent window {cfg.window_days:g} days against each place's "
                f"previous {cfg.baseline_days:g} days, or its whole history when shorter). Flagged = score ≥ "
                f"{cfg.flag_score:g} and a component missing. Listed: places rising (a rise that holds with every "
                "place tested at once) first, by score; then the most persistently active places that are not "
                "rising, by score. The Trend column says which.")


def hotspot_list(picture: Picture) -> HotspotList:
    """The hotspot table of ``picture``."""
    hot = picture.hotspots
    table = pd.DataFrame({
        "hotspot_id": hot["hotspot_id"].astype(str).to_numpy() if len(hot) else [],
        "rank": hot["rank"].astype(int).to_numpy() if len(hot) else [],
        "place": hot["place"].astype(str).to_numpy() if len(hot) else [],
        "score": hot["score"].astype(float).to_numpy() if len(hot) else [],
        "trend": hot["trend"].astype(str).to_numpy() if len(hot) else [],
        "flagged": hot["flagged"].astype(bool).to_numpy() if len(hot) else [],
        "missing": [list(g) for g in hot["presence_gap"]] if len(hot) else [],
        "n_alerts": hot["n_alerts"].astype(int).to_numpy() if len(hot) else [],
        "killed": [_int(k) for k in hot["killed"]] if len(hot) else [],
        "exposed": hot["exposed_population"].fillna(0).astype(int).to_numpy() if len(hot) else [],
        "last_dismounted_days": (pd.to_numeric(hot["last_dismounted_days"], errors="coerce").round(0).to_numpy()
                                 if len(hot) else []),
        # expected serious events in the next 14 days: the figure the explanation says (ewarning.forecast.areas)
        "expected": (hot["expected_events"].astype(float).to_numpy() if len(hot) and "expected_events" in hot
                     else [float("nan")] * len(hot)),
    })
    return HotspotList(picture=picture, table=table)


# -- one hotspot -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dossier:
    """One hotspot as of ``T``: the headline, the explanation and everything behind the score.

    Attributes
    ----------
    picture : Picture
    hotspot : Series
        The hotspot's row (:data:`ewarning.hotspots.HOTSPOT_COLUMNS`).
    alerts : GeoDataFrame
        The reports behind the score (the recent window, in the area), newest first, triage as the
        picture shows it; linked duplicates hidden when the filters hide them (they are still counted).
    weekly : DataFrame
        ``start, end, days, alerts, per_week, recent``: the area's reports per bin over the baseline and
        the recent window (bins of 7 days back from ``T``, cut at the window's start).
    baseline_per_week : float
        Reports per week over the baseline (the dashed line).
    categories : Series
        Category code -> count among the reports behind the score.
    sites, bases, patrols : GeoDataFrame
        Open IDP sites within ``exposure_km``, active bases within the widest reach, patrols started before
        ``T`` within ``patrol_km`` of the area, each with ``km`` (distance to the area), nearest first
        (patrols: newest first).
    reach : DataFrame
        Per base near the area, for each component: ``"✓"`` (present and within reach), ``"out of reach"``
        or ``"—"``.
    """

    picture: Picture
    hotspot: pd.Series
    alerts: gpd.GeoDataFrame
    hidden_duplicates: int
    weekly: pd.DataFrame
    baseline_per_week: float
    categories: pd.Series
    sites: gpd.GeoDataFrame
    bases: gpd.GeoDataFrame
    reach: pd.DataFrame
    patrols: gpd.GeoDataFrame

    @property
    def hotspot_id(self) -> str:
        return str(self.hotspot["hotspot_id"])

    @property
    def n_alerts(self) -> int:
        return int(self.hotspot["n_alerts"])

    @property
    def killed(self) -> int:
        return _int(self.hotspot["killed"])

    @property
    def baseline_days(self) -> float:
        return float(self.hotspot["baseline_days"])

    @property
    def missing(self) -> list[str]:
        return list(self.hotspot["presence_gap"])

    @property
    def headline(self) -> str:
        """``#1 Alindao · score 62.9 · rising, 52 alerts, 28 killed``: the detail's first line, in words."""
        h = self.hotspot
        return (f"#{int(h['rank'])} {h['place']} · score {float(h['score']):.1f} · {h['trend']}, "
                f"{self.n_alerts} alerts, {self.killed} killed")

    @property
    def chart_title(self) -> str:
        cfg = self.picture.config
        return (f"Reports per week: last {cfg.window_days:g} days ({self.n_alerts}, shaded) against the "
                f"previous {self.baseline_days_whole} days")

    @property
    def baseline_days_whole(self) -> int:
        """The baseline's length in whole days, as the explanation says it ("the previous 106 days")."""
        return int(self.baseline_days)


def _bins(as_of: pd.Timestamp, window_days: float, baseline_days: float) -> list[tuple[pd.Timestamp, pd.Timestamp, bool]]:
    """``(start, end, recent)`` bins: 7 days back from ``as_of``, cut at the window's and baseline's starts."""
    week = pd.Timedelta(days=7)
    w_start = as_of - pd.Timedelta(days=window_days)
    b_start = w_start - pd.Timedelta(days=baseline_days)
    out = []
    end = as_of
    while end > w_start:
        start = max(end - week, w_start)
        out.append((start, end, True))
        end = start
    while end > b_start:
        start = max(end - week, b_start)
        out.append((start, end, False))
        end = start
    return out[::-1]


def _weekly(alerts: pd.DataFrame, recent_ids, base_ids, as_of, window_days, baseline_days) -> pd.DataFrame:
    times = alerts.set_index("id")["reported_at"] if len(alerts) else pd.Series(dtype="datetime64[ns, UTC]")
    recent = times.reindex(list(recent_ids)).dropna()
    base = times.reindex(list(base_ids)).dropna()
    rows = []
    for start, end, is_recent in _bins(as_of, window_days, baseline_days):
        t = recent if is_recent else base
        n = int(((t >= start) & (t < end)).sum())
        length = (end - start) / pd.Timedelta(days=1)
        rows.append({"start": start, "end": end, "days": length, "alerts": n,
                     "per_week": n * 7.0 / length if length > 0 else 0.0, "recent": is_recent})
    return pd.DataFrame(rows, columns=["start", "end", "days", "alerts", "per_week", "recent"])


def _near(frame, area_m, crs, km: float):
    if frame is None or not len(frame):
        return gpd.GeoDataFrame({"km": pd.Series(dtype=float)}, geometry=[], crs="EPSG:4326") if frame is None \
            else frame.assign(km=pd.Series(dtype=float))
    dist = frame.to_crs(crs).distance(area_m) / 1000.0
    return frame.assign(km=dist.round(1))[dist <= km].sort_values("km")


def dossier(picture: Picture, hotspot_id: str) -> Dossier:
    """The dossier of hotspot ``hotspot_id`` of ``picture`` (``KeyError`` when it is not listed)."""
    h = picture.hotspot(hotspot_id)
    f, known, cfg = picture.filters, picture.known, picture.config
    alerts = known.alerts
    ids = set(h["alert_ids"])
    behind = alerts[alerts["id"].isin(ids)] if len(alerts) else alerts
    hidden = 0
    if f.hide_duplicates and "duplicate_of" in behind.columns:
        dup = behind["duplicate_of"].notna()
        hidden = int(dup.sum())
        behind = behind[~dup]
    behind = behind.sort_values("reported_at", ascending=False)
    weekly = _weekly(alerts, h["alert_ids"], h["baseline_ids"], picture.as_of, cfg.window_days,
                     float(h["baseline_days"]))
    base = weekly[~weekly["recent"]]
    base_days = float(base["days"].sum())
    baseline_per_week = float(base["alerts"].sum()) * 7.0 / base_days if base_days > 0 else 0.0

    area = gpd.GeoSeries([h.geometry], crs="EPSG:4326")
    crs = metric_crs(gpd.GeoDataFrame(geometry=area))
    area_m = area.to_crs(crs).iloc[0]
    sites = _near(known.sites, area_m, crs, cfg.exposure_km)
    bases = _near(known.presence, area_m, crs, max(cfg.reach_km.values()))
    patrols = _near(known.patrols, area_m, crs, cfg.patrol_km)
    if len(patrols):
        patrols = patrols.sort_values("start", ascending=False)
    if len(bases):
        present = components(bases)
        reach = pd.DataFrame({c: np.where(present[c] & (bases["km"] <= cfg.reach_km[c]), "✓",
                                          np.where(present[c], "out of reach", "—"))
                              for c in vocab.COMPONENTS}, index=bases.index)
    else:
        reach = pd.DataFrame({c: pd.Series(dtype=object) for c in vocab.COMPONENTS})
    mix = behind["category"].value_counts() if len(behind) else pd.Series(dtype="int64")
    return Dossier(picture=picture, hotspot=h, alerts=behind, hidden_duplicates=hidden, weekly=weekly,
                   baseline_per_week=baseline_per_week, categories=mix, sites=sites, bases=bases, reach=reach,
                   patrols=patrols)
