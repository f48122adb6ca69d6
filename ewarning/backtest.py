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
           "country_outline", "equal_area_crs", "Curves", "curve_table", "budget_table", "area_needed",
           "prefix_record"]

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
    #: Prefix records (top 1 .. ``curve_k`` areas per date) when :func:`run` was asked for them, else None.
    curves: "Curves | None" = None

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
        hotspot_config: HotspotConfig | None = None, country=None, sites=None, curve_k: int = 0,
        extra_methods: dict | None = None) -> BacktestResult:
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
    curve_k : int
        When above 0, each method is also asked for its top ``curve_k`` areas
        per date and :attr:`BacktestResult.curves` holds, for every prefix
        1 .. ``curve_k``, the area share and hits (:class:`Curves`): the curve
        of hit rate against area share and the hit rate at area budgets. The
        top-``config.top_k`` figures of :attr:`BacktestResult.table` are
        computed exactly as without it.
    extra_methods : dict, optional
        Methods run after ``methods`` (or after the defaults, built exactly as
        without it), e.g. ``{"hawkes": HawkesMethod()}``.

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
    if extra_methods:
        methods = {**methods, **extra_methods}
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
    ck = int(curve_k)
    c_share = {name: np.zeros((len(dates), ck)) for name in methods}
    c_hits = {name: np.zeros((len(dates), ck), dtype="int64") for name in methods}
    c_first: dict[str, list] = {name: [] for name in methods}
    c_events = np.zeros(len(dates), dtype="int64")
    for name, method in methods.items():
        for di, d in enumerate(dates):
            t = days(d)
            areas = method.areas(t, k) if len(ix) else []
            in_h = np.flatnonzero((ev_t >= t) & (ev_t < t + config.horizon_days))
            if ck:
                many = method.areas(t, ck) if len(ix) else []
                sh, first = prefix_record(many, ev_x[in_h], ev_y[in_h], tol, outline_km, country_area, ck)
                c_share[name][di] = sh
                c_hits[name][di] = [(first < j + 1).sum() for j in range(ck)]
                c_first[name].append((in_h, first))
                c_events[di] = len(in_h)
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
    curves = None
    if ck:
        curves = Curves(methods=list(methods), dates=list(dates), share=c_share, hits=c_hits, events=c_events,
                        first=c_first, t=np.array([days(d) for d in dates]), ev_t=ev_t, k=ck)
    return BacktestResult(table, per_date, config, notes, dates, curves)


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


def prefix_record(areas: list, ex: np.ndarray, ey: np.ndarray, tol: float, outline_km, country_area: float,
                  k: int) -> tuple[np.ndarray, np.ndarray]:
    """Area share of the union of the first 1 .. ``k`` areas widened by ``tol``, and which area first covers
    each event.

    Returns ``(share, first)``: ``share[j]`` is the share of the country covered by areas ``0 .. j``
    (widened, clipped to the outline; areas missing beyond the method's list keep the last share);
    ``first[e]`` is the position of the first area within ``tol`` of event ``e`` (``k`` when none).

    Complexity: O(k) unions and intersections per date, O(e log k) for the events.

    Examples
    --------
    >>> share, first = prefix_record([shapely.box(0, 0, 10, 10), shapely.box(50, 50, 60, 60)],
    ...     np.array([55.0, 5.0, 90.0]), np.array([55.0, 5.0, 90.0]), 0.0, shapely.box(0, 0, 100, 100), 1e4, 3)
    >>> share.tolist(), first.tolist()
    ([0.01, 0.02, 0.02], [1, 0, 3])
    """
    share = np.zeros(k)
    first = np.full(len(ex), k, dtype="int64")
    areas = list(areas)[:k]
    if not areas:
        return share, first
    bufs = shapely.buffer(np.asarray(areas, dtype=object), tol, quad_segs=8) if tol > 0 else np.asarray(areas,
                                                                                                      dtype=object)
    union = None
    for j, b in enumerate(bufs):
        union = b if union is None else shapely.union(union, b)
        if shapely.contains(outline_km, union):
            share[j] = union.area / country_area
        else:
            share[j] = shapely.intersection(union, outline_km).area / country_area
    share[len(bufs):] = share[len(bufs) - 1]
    if len(ex):
        tree = shapely.STRtree(np.asarray(areas, dtype=object))
        ev, ar = tree.query(shapely.points(ex, ey), predicate="dwithin", distance=tol)
        if len(ev):
            np.minimum.at(first, ev, ar)
    return share, first


@dataclass
class Curves:
    """Per-date prefix records behind the curves: for every method, date and ``j`` in 1 .. ``k``, the area
    share of its top ``j`` areas (widened by the tolerance) and the serious events they hit.

    Attributes
    ----------
    methods : list of str
    dates : list of Timestamp
    share : dict
        method -> ``(n_dates, k)`` area shares (non-decreasing along ``j``).
    hits : dict
        method -> ``(n_dates, k)`` hits of the top ``j + 1`` areas.
    events : numpy.ndarray
        Serious events in each date's horizon (the same for every method).
    first : dict
        method -> per date ``(event indices, position of the first area covering each; k when none)``.
    t : numpy.ndarray
        As-of dates in days.
    ev_t : numpy.ndarray
        Occurrence time (days) of every serious event.
    k : int

    Examples
    --------
    >>> c = Curves(["a"], [0], {"a": np.array([[0.01, 0.02]])}, {"a": np.array([[1, 2]])}, np.array([4]),
    ...            {"a": [(np.arange(4), np.array([0, 1, 2, 2]))]}, np.array([0.0]), np.arange(4.0), 2)
    >>> curve_table(c)["hit_rate"].tolist()
    [0.25, 0.5]
    """

    methods: list
    dates: list
    share: dict
    hits: dict
    events: np.ndarray
    first: dict
    t: np.ndarray
    ev_t: np.ndarray
    k: int

    def join(self, other: "Curves") -> "Curves":
        """The methods of both (scored on the same dates and events), ``self``'s first."""
        if len(self.dates) != len(other.dates) or not np.array_equal(self.events, other.events):
            raise ValueError("curves of different dates or events cannot be joined")
        names = self.methods + [m for m in other.methods if m not in self.methods]
        pick = lambda attr: {n: (getattr(self, attr) if n in self.methods else getattr(other, attr))[n]  # noqa: E731
                             for n in names}
        return Curves(names, self.dates, pick("share"), pick("hits"), self.events, pick("first"), self.t,
                      self.ev_t, min(self.k, other.k))

    def reorder(self, names: list) -> "Curves":
        """The same records with the methods in the order ``names`` (a subset)."""
        return Curves(list(names), self.dates, {n: self.share[n] for n in names}, {n: self.hits[n] for n in names},
                      self.events, {n: self.first[n] for n in names}, self.t, self.ev_t, self.k)

    def select(self, mask) -> "Curves":
        """The records of the dates where ``mask`` is true (a period of a longer run)."""
        mask = np.asarray(mask, dtype=bool)
        return Curves(self.methods, [d for d, m in zip(self.dates, mask) if m],
                      {n: v[mask] for n, v in self.share.items()}, {n: v[mask] for n, v in self.hits.items()},
                      self.events[mask], {n: [f for f, m in zip(v, mask) if m] for n, v in self.first.items()},
                      self.t[mask], self.ev_t, self.k)


def curve_table(curves: Curves) -> pd.DataFrame:
    """Hit rate against mean area share for the top 1 .. k areas, one row per method and ``k``.

    Columns ``method, k, area_share, hit_rate, hits, event_windows``; ``area_share`` is the mean over dates.
    """
    rows = []
    windows = int(curves.events.sum())
    for name in curves.methods:
        sh, h = curves.share[name], curves.hits[name]
        for j in range(curves.k):
            hits = int(h[:, j].sum())
            rows.append({"method": name, "k": j + 1, "area_share": float(sh[:, j].mean()) if len(sh) else np.nan,
                         "hit_rate": hits / windows if windows else np.nan, "hits": hits, "event_windows": windows})
    return pd.DataFrame(rows)


def _budget_pick(share: np.ndarray, budget: float) -> np.ndarray:
    """Per date, how many of the top areas fit in ``budget`` (largest prefix whose share is at most it)."""
    return (share <= budget + 1e-12).sum(axis=1)


def budget_hits(share: np.ndarray, hits: np.ndarray, budget: float) -> tuple[np.ndarray, np.ndarray]:
    """Per date: hits and area share of the longest prefix of the top areas within ``budget``."""
    n = _budget_pick(share, budget)
    rows = np.arange(len(share))
    col = np.maximum(n - 1, 0)
    h = np.where(n > 0, hits[rows, col] if len(share) else 0, 0)
    s = np.where(n > 0, share[rows, col] if len(share) else 0.0, 0.0)
    return h, s


def area_needed(area: np.ndarray, rate: np.ndarray, level) -> np.ndarray:
    """Area share a curve needs to reach hit rate ``level`` (linear between its points, from (0, 0)).

    ``area`` and ``rate`` are ``(..., k)`` curves (top 1 .. k areas); ``level`` broadcasts over the
    leading axes. NaN where the curve never reaches the level.

    Examples
    --------
    >>> float(area_needed(np.array([0.01, 0.02]), np.array([0.2, 0.3]), 0.25))
    0.015
    >>> float(area_needed(np.array([0.01, 0.02]), np.array([0.2, 0.3]), 0.1))
    0.005
    >>> bool(np.isnan(area_needed(np.array([0.01, 0.02]), np.array([0.2, 0.3]), 0.5)))
    True
    """
    area = np.asarray(area, dtype="float64")
    rate = np.asarray(rate, dtype="float64")
    zeros = np.zeros(area.shape[:-1] + (1,))
    a = np.concatenate([zeros, area], axis=-1)
    r = np.maximum.accumulate(np.concatenate([zeros, rate], axis=-1), axis=-1)
    level = np.broadcast_to(np.asarray(level, dtype="float64"), area.shape[:-1])[..., None]
    reached = r >= level - 1e-12
    any_r = reached.any(axis=-1)
    j = np.argmax(reached, axis=-1)
    j = np.where(any_r, j, 1)
    jm = np.maximum(j - 1, 0)
    take = lambda v, i: np.take_along_axis(v, i[..., None], axis=-1)[..., 0]  # noqa: E731
    a1, a0, r1, r0 = take(a, j), take(a, jm), take(r, j), take(r, jm)
    lev = level[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(r1 > r0, (lev - r0) / (r1 - r0), 1.0)
    out = np.where(j == 0, 0.0, a0 + np.clip(frac, 0.0, 1.0) * (a1 - a0))
    return np.where(any_r, out, np.nan)


def rate_at_area(area: np.ndarray, rate: np.ndarray, budget: float) -> np.ndarray:
    """Hit rate a curve reaches at area share ``budget`` (linear between points, from (0, 0); the last point
    when the curve stops before the budget).

    Examples
    --------
    >>> float(rate_at_area(np.array([0.01, 0.02]), np.array([0.2, 0.3]), 0.015))
    0.25
    """
    area = np.asarray(area, dtype="float64")
    rate = np.asarray(rate, dtype="float64")
    zeros = np.zeros(area.shape[:-1] + (1,))
    a = np.concatenate([zeros, area], axis=-1)
    r = np.concatenate([zeros, rate], axis=-1)
    below = (a <= budget + 1e-15).sum(axis=-1) - 1          # last point within the budget
    nxt = np.minimum(below + 1, a.shape[-1] - 1)
    take = lambda v, i: np.take_along_axis(v, i[..., None], axis=-1)[..., 0]  # noqa: E731
    a0, a1, r0, r1 = take(a, below), take(a, nxt), take(r, below), take(r, nxt)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(a1 > a0, (budget - a0) / (a1 - a0), 0.0)
    return r0 + np.clip(frac, 0.0, 1.0) * (r1 - r0)


def budget_table(curves: Curves, budgets=(0.01, 0.02, 0.03), baselines: list | None = None) -> pd.DataFrame:
    """Per method: hit rate at each area budget, PAI ratio at equal hit rate against the best baseline, lead.

    hit rate at budget b (``hr_1%`` ...)
        Per date the longest prefix of the method's ranked areas whose widened union is at most ``b`` of the
        country; hits of those areas over all (date, event) pairs. ``share_1%``: mean share actually used.
    PAI ratio at equal hit rate (``pai_ratio_1%`` ...)
        ``h*`` = the best baseline's hit rate at area share ``b`` on its top-k curve (interpolated); the
        ratio is ``b`` over the area share the method's curve needs to reach ``h*`` (= the method's PAI over
        the best baseline's at that hit rate). NaN when the method's curve never reaches ``h*``.
    lead time (``median_lead_days_2%``)
        For every event hit within the 2 % budget, days from the earliest date that covered it.

    ``baselines``: the methods "best baseline" is taken from (default: every method but the first).
    """
    names = curves.methods
    baselines = [m for m in names[1:]] if baselines is None else baselines
    tab = curve_table(curves)
    windows = int(curves.events.sum())
    rows = {}
    curve = {n: (tab[tab.method == n]["area_share"].to_numpy(), tab[tab.method == n]["hit_rate"].to_numpy())
             for n in names}
    for name in names:
        row = {}
        for b in budgets:
            tag = f"{100 * b:g}%"
            h, s = budget_hits(curves.share[name], curves.hits[name], b)
            row[f"hr_{tag}"] = h.sum() / windows if windows else np.nan
            row[f"hits_{tag}"] = int(h.sum())
            row[f"share_{tag}"] = float(s.mean()) if len(s) else np.nan
            best = max(baselines, key=lambda m: float(rate_at_area(*curve[m], b))) if baselines else None
            if best is not None:
                level = float(rate_at_area(*curve[best], b))
                need = float(area_needed(*curve[name], level))
                row[f"pai_ratio_{tag}"] = b / need if need and need > 0 else np.nan
                row[f"best_baseline_{tag}"] = best
                row[f"level_{tag}"] = level
        row["median_lead_days_2%"] = float(np.median(lead_days(curves, name, 0.02))) if len(
            lead_days(curves, name, 0.02)) else np.nan
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def lead_days(curves: Curves, name: str, budget: float) -> np.ndarray:
    """Lead time (days) of each serious event hit within ``budget``: from the earliest covering date."""
    n_fit = _budget_pick(curves.share[name], budget)
    first_t: dict[int, float] = {}
    for di, (ev, first) in enumerate(curves.first[name]):
        for e in ev[first < n_fit[di]]:
            first_t.setdefault(int(e), float(curves.t[di]))
    return np.array([curves.ev_t[e] - t0 for e, t0 in first_t.items()])


def _events_in(ev_t, dates, config) -> set:
    out = set()
    for d in dates:
        t = days(d)
        out.update(np.flatnonzero((ev_t >= t) & (ev_t < t + config.horizon_days)).tolist())
    return out
