"""Backtest: the engine and the baselines, as of each past date, against what happened next.

For each as-of date ``T`` every method names its top-``K`` areas using only
alerts reported before ``T``. Serious events (default: 5 or more killed)
that occur in ``[T, T + horizon)`` are then checked against those areas:

hit rate
    Share of (date, serious event) pairs whose event lies within
    ``tolerance_km`` of one of the date's top-K areas.
area share
    The union of the top-K areas widened by ``tolerance_km``, clipped to the
    country outline, as a share of the country's area (equal-area CRS);
    averaged over dates.
predictive accuracy index (PAI)
    hit rate / area share.
median lead time
    For each serious event hit at least once: days from the earliest as-of
    date whose areas covered it (within the horizon) to the event.
false-alarm share
    Share of named areas with no serious event within the tolerance and the
    horizon.

Every method sees exactly the same dates, events and tolerance.

Complexity per date: the method's own cost, then one union of K buffers
and an O(e) point-in-polygon test for the e events of the horizon.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2020-01-01", "2020-01-20"], utc=True),
...     "category": "killing", "killed": [6, 6]}, geometry=gpd.points_from_xy([20.0, 20.01], [5.0, 5.0]),
...     crs="EPSG:4326")
>>> r = run(a, ["2020-01-15"], methods={"engine": EngineMethod()}, config=BacktestConfig(top_k=1))
>>> float(r.table.loc["engine", "hit_rate"])
1.0
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .asof import parse_as_of
from .baselines import EmergingHotSpots, GridCounts, KernelDensity
from .hotspots import HotspotConfig, HotspotEngine
from .hotspots.prepare import AlertIndex, days

__all__ = ["BacktestConfig", "BacktestResult", "EngineMethod", "run", "summary", "default_methods",
           "country_outline", "equal_area_crs"]

REPO = Path(__file__).resolve().parent.parent
COUNTRY_FILES = [REPO / "geodata" / "basemap" / "countries.geojson",
                 REPO / "geodata" / "basemap" / "naturalearth_lowres.shp"]


@dataclass(frozen=True)
class BacktestConfig:
    """Protocol of the backtest.

    Examples
    --------
    >>> BacktestConfig().horizon_days, BacktestConfig().tolerance_km, BacktestConfig().serious_killed
    (14.0, 10.0, 5)
    """

    top_k: int = 10
    horizon_days: float = 14.0
    tolerance_km: float = 10.0
    serious_killed: int = 5


class EngineMethod:
    """The hotspot engine as a backtest method (top-k areas by tension score).

    Examples
    --------
    >>> EngineMethod(HotspotConfig(window_days=60)).config.window_days
    60
    """

    name = "engine"

    def __init__(self, config: HotspotConfig | None = None, sites=None):
        self.config = config or HotspotConfig()
        self.sites = sites

    def fit(self, ix: AlertIndex) -> "EngineMethod":
        self.engine = HotspotEngine.from_index(ix, self.config, sites=self.sites)
        return self

    def areas(self, t_end: float, k: int) -> list:
        when = pd.Timestamp("2000-01-01", tz="UTC") + pd.Timedelta(days=t_end)
        polys, table, _ = self.engine.areas(when)
        order = self.engine.ranking(table)[:k]
        return self.engine.watch_areas([polys[i] for i in order], table.iloc[order])


def default_methods(hotspot_config: HotspotConfig | None = None, sites=None, bounds=None) -> dict:
    """The engine and the three baselines with their documented defaults."""
    return {"engine": EngineMethod(hotspot_config, sites),
            "grid counts (25 km, 30 d)": GridCounts(bounds=bounds),
            "kernel density (15 km, 21 d half-life)": KernelDensity(bounds=bounds),
            "emerging hot spots (Gi* + Mann-Kendall)": EmergingHotSpots(bounds=bounds)}


def equal_area_crs(geom) -> str:
    """A Lambert azimuthal equal-area CRS centred on ``geom`` (EPSG:4326), in metres.

    Examples
    --------
    >>> equal_area_crs(shapely.box(14, 2, 28, 11))
    '+proj=laea +lat_0=6.5 +lon_0=21 +datum=WGS84 +units=m +no_defs'
    """
    c = geom.centroid
    return f"+proj=laea +lat_0={c.y:.4g} +lon_0={c.x:.4g} +datum=WGS84 +units=m +no_defs"


def country_outline(alerts: gpd.GeoDataFrame, country=None) -> tuple[object, str]:
    """The country outline (EPSG:4326) that area shares are taken of, and what it is.

    ``country`` may be a shapely geometry, a path to a vector file (the
    feature holding most alerts is used), or None to look in
    ``geodata/basemap``; failing all, the alerts' convex hull widened by 25 km
    (said in the returned description).
    """
    if country is not None and hasattr(country, "geom_type"):
        return country, "given outline"
    paths = [Path(country)] if country is not None else [p for p in COUNTRY_FILES if p.exists()]
    for path in paths:
        try:
            world = gpd.read_file(path).to_crs("EPSG:4326")
        except Exception as exc:  # noqa: BLE001 - any unreadable file: say so and fall back
            raise ValueError(f"{path}: cannot read the country outline ({exc})") from None
        if len(alerts) == 0:
            break
        pts = alerts.geometry.sample(min(len(alerts), 2000), random_state=0)
        hits = gpd.sjoin(gpd.GeoDataFrame(geometry=pts, crs="EPSG:4326"), world, predicate="within")
        if len(hits):
            best = hits["index_right"].value_counts().index[0]
            name = str(world.loc[best].get("name", world.loc[best].get("NAME", best)))
            return world.geometry.loc[best], f"{name} ({path.name})"
    if len(alerts) == 0:
        return shapely.box(-1, -1, 1, 1), "no outline and no alerts"
    hull = gpd.GeoSeries([alerts.geometry.union_all().convex_hull], crs="EPSG:4326")
    m = hull.to_crs(equal_area_crs(hull.iloc[0])).buffer(25_000).to_crs("EPSG:4326")
    return m.iloc[0], "convex hull of the alerts + 25 km (no country outline found)"


@dataclass
class BacktestResult:
    """Metrics per method and the per-date records behind them.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per method: ``hit_rate, area_share, pai, median_lead_days,
        false_alarm_share, hits, event_windows, events, areas``.
    per_date : pandas.DataFrame
        One row per method and date.
    config : BacktestConfig
    notes : list of str
    """

    table: pd.DataFrame
    per_date: pd.DataFrame
    config: BacktestConfig
    notes: list = field(default_factory=list)
    dates: list = field(default_factory=list)

    def format_table(self) -> str:
        """The table as fixed-width text."""
        t = self.table
        head = (f"{'method':44s} {'hit rate':>8s} {'area %':>7s} {'PAI':>6s} {'lead d':>6s} {'false al.':>9s} "
                f"{'hits':>5s} {'events':>6s}")
        lines = [head, "-" * len(head)]
        for name, r in t.iterrows():
            lead = "-" if pd.isna(r["median_lead_days"]) else f"{r['median_lead_days']:.1f}"
            pai = "-" if pd.isna(r["pai"]) else f"{r['pai']:.2f}"
            lines.append(f"{name:44s} {r['hit_rate']:8.3f} {100 * r['area_share']:7.2f} {pai:>6s} {lead:>6s} "
                         f"{r['false_alarm_share']:9.3f} {int(r['hits']):5d} {int(r['event_windows']):6d}")
        return "\n".join(lines)

    def significance(self, method: str = "engine", n_boot: int = 2000, block: int = 4, seed: int = 0) -> list:
        """``method`` against every other method: a paired block bootstrap over the dates
        (:func:`ewarning.significance.compare_all`)."""
        from .significance import compare_all
        if method not in set(self.per_date["method"]) or len(self.dates) == 0:
            return []
        return compare_all(self.per_date, method, n_boot=n_boot, block=block, seed=seed)

    def to_dict(self, comparisons: list | None = None) -> dict:
        rows = json.loads(self.table.reset_index(names="method").to_json(orient="records"))
        doc = {"config": asdict(self.config), "dates": [str(d) for d in self.dates], "methods": rows,
               "notes": self.notes}
        if comparisons:
            doc["comparisons"] = [c.to_dict() for c in comparisons]
        return doc

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            Path(path).write_text(text)
        return text


def run(alerts: gpd.GeoDataFrame, dates, methods: dict | None = None, config: BacktestConfig | None = None,
        hotspot_config: HotspotConfig | None = None, country=None, sites=None) -> BacktestResult:
    """Run every method as of each date and score it against what followed.

    Parameters
    ----------
    alerts : GeoDataFrame
        Validated alerts; serious events are taken from the same layer.
    dates : list
        As-of dates (parsed with :func:`ewarning.asof.parse_as_of`).
    methods : dict, optional
        name -> object with ``fit(AlertIndex)`` and ``areas(t_end, k)``;
        default :func:`default_methods`.
    config : BacktestConfig, optional
    hotspot_config : HotspotConfig, optional
        For the default engine method.
    country : geometry or path, optional
        See :func:`country_outline`.
    sites : GeoDataFrame, optional
        IDP sites for the engine's exposure component.

    Returns
    -------
    BacktestResult
    """
    config = config or BacktestConfig()
    dates = [parse_as_of(d) for d in dates]
    notes: list[str] = []
    outline, what = country_outline(alerts, country)
    notes.append(f"area share relative to: {what}")
    crs = equal_area_crs(outline)
    outline_km = shapely.transform(gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(crs).iloc[0], lambda c: c / 1000)
    shapely.prepare(outline_km)
    country_area = outline_km.area
    ix = AlertIndex.from_frame(alerts, hotspot_config, crs=crs)
    bounds = shapely.bounds(outline_km).tolist()
    if methods is None:
        methods = default_methods(hotspot_config, sites, bounds=bounds)
    for m in methods.values():
        m.fit(ix)
    serious = (ix.killed >= config.serious_killed) & (ix.weight > 0)
    ev_t, ev_x, ev_y = ix.t_occ[serious], ix.x[serious], ix.y[serious]
    if len(ix) and dates:
        t_min, t_max = ix.t_rep.min(), ix.t_rep.max()
        outside = [d for d in dates if days(d) < t_min or days(d) > t_max + config.horizon_days]
        if outside:
            notes.append(f"{len(outside)} as-of date(s) fall outside the data "
                         f"({pd.Timestamp(ix.frame['reported_at'].min()).date()} to "
                         f"{pd.Timestamp(ix.frame['reported_at'].max()).date()}); they have nothing to score")
    elif not len(ix):
        notes.append("no alerts: nothing to backtest")
    tol, k = config.tolerance_km, config.top_k
    records = []
    first_cover: dict[str, dict[int, float]] = {name: {} for name in methods}
    for name, method in methods.items():
        for d in dates:
            t = days(d)
            areas = method.areas(t, k) if len(ix) else []
            in_h = np.flatnonzero((ev_t >= t) & (ev_t < t + config.horizon_days))
            if areas:
                widened = shapely.union_all(shapely.buffer(np.asarray(areas, dtype=object), tol, quad_segs=8))
                share = shapely.intersection(widened, outline_km).area / country_area
                hit = shapely.contains_xy(widened, ev_x[in_h], ev_y[in_h]) if len(in_h) else np.zeros(0, bool)
                if len(in_h):
                    tree = shapely.STRtree(np.asarray(areas, dtype=object))
                    pairs = tree.query(shapely.points(ev_x[in_h], ev_y[in_h]), predicate="dwithin", distance=tol)
                    covered_areas = np.unique(pairs[1])
                    false_alarms = len(areas) - len(covered_areas)
                else:
                    false_alarms = len(areas)
            else:
                share, hit, false_alarms = 0.0, np.zeros(len(in_h), bool), 0
            for e in in_h[hit]:
                first_cover[name].setdefault(int(e), t)
            records.append({"method": name, "as_of": d, "areas": len(areas), "area_share": share,
                            "events": len(in_h), "hits": int(hit.sum()), "false_alarms": false_alarms})
    per_date = pd.DataFrame(records, columns=["method", "as_of", "areas", "area_share", "events", "hits",
                                              "false_alarms"])
    n_events = len(_events_in(ev_t, dates, config))
    table = summary(per_date, list(methods))
    table.insert(3, "median_lead_days", [
        float(np.median([ev_t[e] - t0 for e, t0 in first_cover[name].items()])) if first_cover[name] else np.nan
        for name in table.index])
    table["events"] = n_events
    table = table[["hit_rate", "area_share", "pai", "median_lead_days", "false_alarm_share", "hits",
                   "event_windows", "events", "areas"]]
    return BacktestResult(table, per_date, config, notes, dates)


def summary(per_date: pd.DataFrame, methods: list | None = None) -> pd.DataFrame:
    """Hits, hit rate, mean area share, PAI and false alarms per method from per-date records.

    The same figures :func:`run` reports, for any selection or pooling of its
    ``per_date`` rows (several periods concatenated, one year...).

    Examples
    --------
    >>> per = pd.DataFrame({"method": ["a", "a"], "areas": [2, 2], "area_share": [0.01, 0.03], "events": [2, 2],
    ...                     "hits": [1, 2], "false_alarms": [1, 0]})
    >>> summary(per).loc["a", ["hits", "hit_rate", "pai", "false_alarm_share"]].tolist()
    [3.0, 0.75, 37.5, 0.25]
    """
    methods = list(dict.fromkeys(per_date["method"])) if methods is None else methods
    rows = {}
    for name in methods:
        pd_m = per_date[per_date["method"] == name]
        windows, hits = int(pd_m["events"].sum()), int(pd_m["hits"].sum())
        hit_rate = hits / windows if windows else np.nan
        share = float(pd_m["area_share"].mean()) if len(pd_m) else np.nan
        n_areas = int(pd_m["areas"].sum())
        rows[name] = {
            "hit_rate": hit_rate, "area_share": share,
            "pai": hit_rate / share if share and share > 0 and windows else np.nan,
            "false_alarm_share": float(pd_m["false_alarms"].sum()) / n_areas if n_areas else np.nan,
            "hits": hits, "event_windows": windows, "areas": n_areas,
            "areas_per_date": float(pd_m["areas"].mean()) if len(pd_m) else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _events_in(ev_t, dates, config) -> set:
    out = set()
    for d in dates:
        t = days(d)
        out.update(np.flatnonzero((ev_t >= t) & (ev_t < t + config.horizon_days)).tolist())
    return out
