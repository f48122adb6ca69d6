"""Filters shared by every page: time window, category, channel, verification, area.

A :class:`Filters` value says what the analyst is looking at; the functions
here apply it to the validated layers (pure pandas / geopandas, no
Streamlit), so the situation map, the hotspot list, the triage queue and the
exports all show the same alerts.

The time window follows the as-of rule (:mod:`ewarning.asof`): the window
ends at ``end`` (exclusive; the page's "as of" day + 1 day) and only alerts
*reported* before it count.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2", "A3"],
...     "reported_at": pd.to_datetime(["2018-11-01", "2018-11-10", "2018-11-20"], utc=True),
...     "category": ["killing", "looting", "killing"], "channel": "can_call", "verification": "unverified"},
...     geometry=gpd.points_from_xy([20.6, 20.7, 30.0], [4.7, 4.8, 5.0]), crs="EPSG:4326")
>>> f = Filters(end=pd.Timestamp("2018-11-21", tz="UTC"), days=15, categories=("killing",))
>>> apply_alerts(a, f)["id"].tolist()
['A3']
>>> f = Filters(end=pd.Timestamp("2018-11-21", tz="UTC"), days=None,
...             area=area_from_geojson({"type": "Polygon", "coordinates": [[[20, 4], [21, 4], [21, 5], [20, 5], [20, 4]]]}))
>>> apply_alerts(a, f)["id"].tolist()
['A1', 'A2']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape

from . import vocab

#: Window choices offered by pages (label -> days; ``None`` = everything).
WINDOWS: dict[str, int | None] = {"7 days": 7, "30 days": 30, "90 days": 90, "1 year": 365, "everything": None}


@dataclass(frozen=True)
class Filters:
    """What the analyst is looking at.

    Attributes
    ----------
    end : pandas.Timestamp
        End of the window (exclusive, UTC): alerts reported before it.
    days : int or None
        Window length; ``None`` means from the first report.
    categories, channels, verification : tuple of str
        Codes to keep (:mod:`ewarning.vocab`); empty = all.
    area : shapely geometry or None
        Area drawn on the map (EPSG:4326); ``None`` = everywhere.
    hide_duplicates : bool
        Hide reports linked as duplicates of an earlier report from lists
        and the map. It never changes a score: the scorer always sees every
        report (duplicates weigh 0 there), see :meth:`for_scoring`.
    triage_as_known : bool
        Score alerts as triage had left them at the as-of time (edits made
        later undone: what a replay of that day must see); ``False`` applies
        today's triage to the past (hindsight).
    """

    end: pd.Timestamp
    days: int | None = 30
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    area: object = None
    hide_duplicates: bool = False
    triage_as_known: bool = False

    @property
    def start(self) -> pd.Timestamp | None:
        """Start of the window (inclusive), or ``None`` for everything."""
        return None if self.days is None else self.end - pd.Timedelta(days=self.days)

    @property
    def as_of(self) -> pd.Timestamp:
        """The as-of time of analytics run under these filters (= ``end``)."""
        return self.end

    def key(self) -> str:
        """A short stable key (for caches): equal filters give equal keys."""
        payload = {
            "end": self.end.isoformat(), "days": self.days, "categories": sorted(self.categories),
            "channels": sorted(self.channels), "verification": sorted(self.verification),
            "area": None if self.area is None else shapely.to_wkt(self.area, rounding_precision=6),
            "dup": self.hide_duplicates, "triage_as_known": self.triage_as_known,
        }
        return hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    def describe(self) -> str:
        """One line, plain text, for captions and the audit log.

        The as-of time is said as every screen says it (:func:`ewarning.asof.as_of_words`):

        >>> Filters(end=pd.Timestamp("2018-11-15", tz="UTC")).describe()
        'as of end of 14 Nov 2018 (UTC); last 30 days'
        """
        from .asof import as_of_words

        parts = [as_of_words(self.end), "everything" if self.days is None else f"last {self.days} days"]
        for name, codes, table in (("categories", self.categories, vocab.CATEGORIES),
                                   ("channels", self.channels, vocab.CHANNELS),
                                   ("status", self.verification, vocab.VERIFICATION)):
            if codes:
                parts.append(f"{name}: " + ", ".join(table.get(c, c) for c in codes))
        if self.area is not None:
            parts.append(f"drawn area ({area_km2(self.area):,.0f} km²)")
        if self.hide_duplicates:
            parts.append("duplicates hidden")
        if self.triage_as_known:
            parts.append("triage as known then")
        return "; ".join(parts)

    def for_scoring(self) -> "Filters":
        """The filters the scorer runs under: these, with duplicates never hidden.

        Hiding duplicates is a display choice; the engine must see every
        report, because it links and weighs duplicates itself (weight 0) and
        a hidden report changes which later reports it links (so the score).

        >>> f = Filters(end=pd.Timestamp("2018-11-15", tz="UTC"), hide_duplicates=True)
        >>> f.for_scoring().hide_duplicates, f.for_scoring().key() == Filters(end=f.end).key()
        (False, True)
        """
        return replace(self, hide_duplicates=False)

    def with_area(self, area) -> "Filters":
        return replace(self, area=area)


def end_of_day(day: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    """The exclusive end of ``day`` in UTC (its next midnight).

    >>> end_of_day("2018-11-15")
    Timestamp('2018-11-16 00:00:00+0000', tz='UTC')
    """
    ts = pd.Timestamp(day)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.normalize() + pd.Timedelta(days=1)


def default_filters(alerts: pd.DataFrame | None, days: int | None = 30) -> Filters:
    """Filters ending on the day of the latest report (today when there is none)."""
    latest = alerts["reported_at"].max() if alerts is not None and len(alerts) else pd.NaT
    day = latest if pd.notna(latest) else pd.Timestamp.now(tz="UTC")
    return Filters(end=end_of_day(day), days=days)


def area_from_geojson(geojson) -> object | None:
    """A shapely (multi)polygon from a GeoJSON geometry, Feature or list of Features.

    Returns ``None`` when nothing usable was drawn (points, lines, empty).
    Several drawn shapes are united.
    """
    if not geojson:
        return None
    if isinstance(geojson, str):
        geojson = json.loads(geojson)
    if isinstance(geojson, dict) and geojson.get("type") == "FeatureCollection":
        geojson = geojson.get("features") or []
    items = geojson if isinstance(geojson, list) else [geojson]
    polys = []
    for item in items:
        if not item:
            continue
        geom = item.get("geometry") if item.get("type") == "Feature" else item
        if not geom:
            continue
        try:
            g = shape(geom)
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
        if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty:
            polys.append(g.buffer(0) if not g.is_valid else g)
    if not polys:
        return None
    return shapely.union_all(polys)


def area_km2(area) -> float:
    """Area of a drawn shape in km² (equal-area projection)."""
    if area is None:
        return 0.0
    return float(gpd.GeoSeries([area], crs="EPSG:4326").to_crs("EPSG:6933").area.iloc[0] / 1e6)


def in_area(frame: gpd.GeoDataFrame, area) -> pd.Series:
    """Rows of ``frame`` whose geometry intersects ``area`` (all rows when ``area`` is None)."""
    if area is None or frame is None or len(frame) == 0:
        return pd.Series(True, index=getattr(frame, "index", None), dtype=bool)
    geoms = frame.geometry.to_crs("EPSG:4326") if frame.crs is not None else frame.geometry
    shapely.prepare(area)
    hits = shapely.intersects(area, geoms.to_numpy())
    return pd.Series(hits, index=frame.index, dtype=bool)


def _keep(frame: pd.DataFrame, column: str, codes: tuple[str, ...]) -> pd.Series:
    if not codes or column not in frame.columns:
        return pd.Series(True, index=frame.index, dtype=bool)
    return frame[column].isin(codes)


def alert_mask(alerts: gpd.GeoDataFrame, f: Filters, window: bool = True) -> pd.Series:
    """Boolean mask of the alerts passing ``f`` (``window=False`` ignores the window start)."""
    reported = alerts["reported_at"]
    mask = reported < f.end
    if window and f.start is not None:
        mask &= reported >= f.start
    mask &= _keep(alerts, "category", f.categories)
    mask &= _keep(alerts, "channel", f.channels)
    mask &= _keep(alerts, "verification", f.verification)
    if f.hide_duplicates and "duplicate_of" in alerts.columns:
        mask &= alerts["duplicate_of"].isna()
    if f.area is not None:
        mask &= in_area(alerts, f.area)
    return mask.fillna(False).astype(bool)


def apply_alerts(alerts: gpd.GeoDataFrame, f: Filters, window: bool = True) -> gpd.GeoDataFrame:
    """Alerts passing the filters (reported in the window, codes, area)."""
    if alerts is None or len(alerts) == 0:
        return alerts
    return alerts[alert_mask(alerts, f, window)]


def scoring_alerts(alerts: gpd.GeoDataFrame, f: Filters) -> gpd.GeoDataFrame:
    """The alerts the scorer (hotspots, site watch) receives under ``f``.

    Every alert reported before the as-of time passing the category,
    channel, verification and area filters: the time window sets the as-of
    time only (each place's baseline lies before it), and hidden duplicates
    are still scored (:meth:`Filters.for_scoring`).
    """
    return apply_alerts(alerts, f.for_scoring(), window=False)


def apply_patrols(patrols: gpd.GeoDataFrame, f: Filters) -> gpd.GeoDataFrame:
    """Patrols that started in the window and (with an area) crossed it."""
    if patrols is None or len(patrols) == 0:
        return patrols
    mask = patrols["start"] < f.end
    if f.start is not None:
        mask &= patrols["start"] >= f.start
    if f.area is not None:
        mask &= in_area(patrols, f.area)
    return patrols[mask.fillna(False)]


def apply_points(frame: gpd.GeoDataFrame, f: Filters) -> gpd.GeoDataFrame:
    """Sites or bases inside the drawn area (all when there is none)."""
    if frame is None or len(frame) == 0 or f.area is None:
        return frame
    return frame[in_area(frame, f.area)]


def apply_hotspots(hotspots: gpd.GeoDataFrame, f: Filters) -> gpd.GeoDataFrame:
    """Hotspot areas touching the drawn area."""
    if hotspots is None or len(hotspots) == 0 or f.area is None:
        return hotspots
    return hotspots[in_area(hotspots, f.area)]
