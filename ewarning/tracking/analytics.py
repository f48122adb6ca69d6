"""Patrol analytics on GPS track points: clean, split on gaps, stops, speed, foot and vehicle time.

Every step is vectorised over all points of all patrols at once (numpy and
shapely arrays, no per-point Python), so 500 tracks of 2,000 points take a
few seconds (``benchmarks/bench_patrols.py``).

Definitions (all in :class:`TrackConfig`)
-----------------------------------------
clean
    Points without a time or with impossible coordinates (missing, out of
    range, 0/0) are dropped; points are put in time order; a later point at
    the same time as an earlier one of the same patrol is a duplicate and
    dropped. A *speed spike* is a single fix that implies more than
    ``max_speed_kmh`` (150 km/h; ``air_max_speed_kmh``, 500, for patrols
    declared air) both to reach it and to leave it (at a
    track's first or last point: to leave or to reach it, when its neighbour
    is plausible): GPS noise, dropped. Repeated up to three times.
gap
    More than ``gap_minutes`` between two fixes, or a jump still faster than
    ``max_speed_kmh`` after cleaning: the track is split; nothing is counted
    across a gap (no distance, no time moving).
stop
    At least ``stop_minutes`` spent within a square of ``stop_radius_m`` side
    (east-west and north-south extents both at most ``stop_radius_m`` on the
    metric projection). Overlapping windows join into one stop.
dismounted
    *Measured*, not declared: a step outside stops whose speed, averaged
    over ``speed_window_minutes``, is at most ``foot_kmh`` (7 km/h, walking
    pace) counts as time on foot; faster is vehicle time. Time in stops is
    counted apart (``stop_min``). The declared ``type`` is reported beside
    it, never mixed in: a "vehicle" patrol whose troops walked through a
    village shows dismounted minutes; a "dismounted" patrol that drove
    shows vehicle minutes.
coverage
    A patrol *passed* a site when a step of its track (the straight line
    between two fixes of one segment) came within ``site_km``; the time of
    passing is interpolated along the step.

Examples
--------
>>> import pandas as pd
>>> t = pd.date_range("2018-11-01 08:00", periods=5, freq="5min", tz="UTC")
>>> pts = pd.DataFrame({"patrol_id": "P1", "time": t, "lat": [4.70, 4.7045, 4.709, 4.709, 4.709],
...                     "lon": 20.6})
>>> a = analyse(pts)
>>> row = a.patrols.iloc[0]
>>> round(float(row.distance_km), 1), int(row.stops), float(row.dismounted_min), float(row.stop_min)
(1.0, 1, 10.0, 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..geo import utm_crs

__all__ = ["TrackConfig", "TrackAnalysis", "analyse", "clean", "coverage", "site_last_pass", "time_by_area",
           "SUMMARY_COLUMNS"]

#: The ``patrols summary`` command's columns, in order.
SUMMARY_COLUMNS = ["patrol_id", "component", "type", "start", "end", "duration_min", "distance_km",
                   "dismounted_min", "stops", "sites_passed"]


@dataclass(frozen=True)
class TrackConfig:
    """Thresholds of the patrol analytics (see the module's definitions)."""

    max_speed_kmh: float = 150.0
    gap_minutes: float = 30.0
    stop_radius_m: float = 100.0
    stop_minutes: float = 10.0
    foot_kmh: float = 7.0
    speed_window_minutes: float = 5.0
    site_km: float = 2.0
    #: The speed limit of patrols declared ``air`` (helicopters cruise at 200-300 km/h).
    air_max_speed_kmh: float = 500.0


@dataclass
class TrackAnalysis:
    """What :func:`analyse` found.

    Attributes
    ----------
    points : pandas.DataFrame
        Clean points in patrol and time order: ``patrol_id, time, lat, lon,
        x, y`` (metres on ``crs``), ``segment`` (global id of the piece
        between gaps), ``stop`` (stop id or -1), and for the step *leaving*
        each point: ``step_m``, ``step_s``, ``speed_kmh`` (window-averaged),
        ``mode`` (``stop``, ``foot``, ``vehicle``, ``gap`` or ``end``).
    stops : pandas.DataFrame
        ``patrol_id, stop, start, end, minutes, lat, lon`` (centre).
    patrols : pandas.DataFrame
        One row per patrol: :data:`SUMMARY_COLUMNS` (``sites_passed`` when
        sites were given) plus ``moving_min, vehicle_min, stop_min, gaps,
        gap_min, n_points, dropped, max_speed_kmh, dismounted_share``.
    passes : pandas.DataFrame
        ``patrol_id, site, km, time, on_foot`` (on foot or stopped at the
        closest step), one row per patrol and site passed (closest approach).
    cleaning : dict
        Points dropped by reason.
    crs : str
    config : TrackConfig
    """

    points: pd.DataFrame
    stops: pd.DataFrame
    patrols: pd.DataFrame
    passes: pd.DataFrame
    cleaning: dict
    crs: str
    config: TrackConfig = field(default_factory=TrackConfig)


def _metric(lon: np.ndarray, lat: np.ndarray, crs: str | None) -> tuple[np.ndarray, np.ndarray, str]:
    if crs is None:
        crs = utm_crs(float(np.nanmedian(lon)), float(np.nanmedian(lat))) if len(lon) else "EPSG:3857"
    tr = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"), crs


_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def _seconds(times: pd.Series) -> np.ndarray:
    """Seconds since 1970 as floats (NaN for NaT), whatever the time unit of the column."""
    return ((pd.to_datetime(times, utc=True) - _EPOCH) / pd.Timedelta(seconds=1)).to_numpy(dtype="float64")


def clean(points: pd.DataFrame, config: TrackConfig | None = None,
          crs: str | None = None, air: set | None = None) -> tuple[pd.DataFrame, dict, str]:
    """Points cleaned and ordered, with metric ``x, y``; the counts dropped by reason; the CRS.

    ``points`` needs ``patrol_id, time, lat, lon``. A track without times
    keeps its points in file order (``time`` NaT) for distance and coverage.
    Patrols in ``air`` (ids of air patrols) are judged against
    ``air_max_speed_kmh`` instead of ``max_speed_kmh``.
    """
    cfg = config or TrackConfig()
    df = points[["patrol_id", "time", "lat", "lon"]].copy()
    df["patrol_id"] = df["patrol_id"].astype(str)
    df["time"] = pd.to_datetime(df["time"], utc=True, errors="coerce")
    df["_order"] = np.arange(len(df))
    dropped = {"no position": 0, "no time": 0, "duplicate": 0, "speed spike": 0}
    lat, lon = df["lat"].to_numpy(dtype="float64"), df["lon"].to_numpy(dtype="float64")
    bad_pos = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)) \
        | ((lat == 0) & (lon == 0))
    dropped["no position"] = int(bad_pos.sum())
    df = df[~bad_pos]
    # A patrol with times: its timeless points cannot be placed in time; a patrol with none keeps them all.
    has_time = df["time"].notna()
    timed = has_time.groupby(df["patrol_id"]).transform("any")
    no_time = timed & ~has_time
    dropped["no time"] = int(no_time.sum())
    df = df[~no_time]
    unsorted = 0
    if len(df):
        t = df["time"]
        same = df["patrol_id"].eq(df["patrol_id"].shift())
        unsorted = int((same & (t < t.shift())).sum())
    df = df.sort_values(["patrol_id", "time", "_order"], kind="stable", na_position="last")
    dup = df["patrol_id"].eq(df["patrol_id"].shift()) & df["time"].eq(df["time"].shift()) & df["time"].notna()
    dropped["duplicate"] = int(dup.sum())
    df = df[~dup.to_numpy()].reset_index(drop=True)
    x, y, crs = _metric(df["lon"].to_numpy(), df["lat"].to_numpy(), crs)
    df["x"], df["y"] = x, y
    for _ in range(3):
        if len(df) < 3:
            break
        pid = df["patrol_id"].to_numpy()
        s = _seconds(df["time"])  # NaN for a track without times: no speed, no spike
        x, y = df["x"].to_numpy(), df["y"].to_numpy()
        limit = _limits(pid, cfg, air)
        same = np.r_[False, pid[1:] == pid[:-1]]
        d = np.r_[np.nan, np.hypot(np.diff(x), np.diff(y))]
        dt = np.r_[np.nan, np.diff(s)]
        v_in = np.where(same, d / np.maximum(dt, 1e-9), np.nan)
        v_out = np.r_[v_in[1:], np.nan]
        fast_in, fast_out = v_in > limit, v_out > limit
        first = ~same
        last = ~np.r_[same[1:], False]
        nxt_ok = np.r_[v_out[1:] <= limit[1:], False]       # the step after the next point is plausible
        prev_ok = np.r_[False, v_in[:-1] <= limit[:-1]]
        spike = (fast_in & fast_out) | (first & fast_out & nxt_ok) | (last & fast_in & prev_ok)
        if not spike.any():
            break
        dropped["speed spike"] += int(spike.sum())
        df = df[~spike].reset_index(drop=True)
    if unsorted:
        dropped["out of order (sorted, kept)"] = unsorted
    return df.drop(columns="_order"), dropped, crs


def _limits(pid: np.ndarray, cfg: TrackConfig, air: set | None) -> np.ndarray:
    """The speed limit (m/s) of each point's patrol."""
    limit = np.full(len(pid), cfg.max_speed_kmh / 3.6)
    if air:
        limit[np.isin(pid, list(air))] = cfg.air_max_speed_kmh / 3.6
    return limit


def _window_end(key: np.ndarray, seg: np.ndarray, span: float) -> np.ndarray:
    """For each point, the first point of its segment at least ``span`` seconds later (-1 when none)."""
    j = np.searchsorted(key, key + span, side="left")
    n = len(key)
    ok = j < n
    jj = np.minimum(j, n - 1)
    ok &= seg[jj] == seg
    return np.where(ok, jj, -1)


def _extent_within(v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``max(v[lo..hi]) - min(v[lo..hi])`` per query (inclusive), by a sparse table built level by level."""
    out = np.zeros(len(lo))
    if len(lo) == 0:
        return out
    length = hi - lo + 1
    k = np.floor(np.log2(length)).astype("int64")
    mx, mn = v.copy(), v.copy()
    for level in range(int(k.max()) + 1):
        if level:
            step = 1 << (level - 1)
            mx = np.maximum(mx[:-step], mx[step:])
            mn = np.minimum(mn[:-step], mn[step:])
        sel = np.flatnonzero(k == level)
        if len(sel):
            a, b = lo[sel], hi[sel] - (1 << level) + 1
            out[sel] = np.maximum(mx[a], mx[b]) - np.minimum(mn[a], mn[b])
    return out


def _stops_and_speed(s, x, y, seg, brk, step_m, cfg: TrackConfig) -> tuple[np.ndarray, np.ndarray]:
    """Stop id (-1 outside stops) per point, and the window speed (km/h) of the step leaving it."""
    n = len(s)
    t0 = np.nanmin(s)
    key = seg * 4.0e9 + (s - t0)          # one sorted key: segments apart, time within
    # Stops: windows of stop_minutes whose extent is within the radius; overlapping windows join.
    j = _window_end(key, seg, cfg.stop_minutes * 60.0)
    cand = np.flatnonzero(j >= 0)
    ext_x = _extent_within(x, cand, j[cand])
    ext_y = _extent_within(y, cand, j[cand])
    dwell = cand[(ext_x <= cfg.stop_radius_m) & (ext_y <= cfg.stop_radius_m)]
    cover = np.zeros(n + 1, dtype="int64")
    np.add.at(cover, dwell, 1)
    np.add.at(cover, j[dwell] + 1, -1)
    in_stop = np.cumsum(cover[:-1]) > 0
    starts = in_stop & ~np.r_[False, in_stop[:-1] & ~brk[1:]]
    stop = np.where(in_stop, np.cumsum(starts) - 1, -1)
    # Speed averaged over the window before and the window after each step; the faster of the two decides,
    # so a step is at foot pace only when the patrol kept that pace for a while (sparse fixes: the step itself).
    cum = np.r_[0.0, np.cumsum(step_m)[:-1]]
    idx = np.arange(n)
    ends = np.r_[np.flatnonzero(np.diff(seg)), n - 1]
    seg_last = ends[np.cumsum(brk) - 1]
    seg_first = np.r_[0, ends[:-1] + 1][np.cumsum(brk) - 1]
    span = cfg.speed_window_minutes * 60.0
    fwd = _window_end(key, seg, span)
    fwd = np.maximum(np.where(fwd < 0, seg_last, fwd), np.minimum(idx + 1, seg_last))
    nxt = np.minimum(idx + 1, seg_last)
    back = np.maximum(np.searchsorted(key, key[nxt] - span, side="right") - 1, seg_first)
    back = np.minimum(back, idx)
    with np.errstate(invalid="ignore", divide="ignore"):
        v_f = np.where(s[fwd] > s, (cum[fwd] - cum) / (s[fwd] - s), np.nan)
        v_b = np.where(s[nxt] > s[back], (cum[nxt] - cum[back]) / (s[nxt] - s[back]), np.nan)
    return stop, np.fmax(v_f, v_b) * 3.6


def analyse(points: pd.DataFrame, patrols: pd.DataFrame | None = None, sites: gpd.GeoDataFrame | None = None,
            config: TrackConfig | None = None, crs: str | None = None) -> TrackAnalysis:
    """Clean, split, find stops, classify foot and vehicle time, and the sites passed.

    Parameters
    ----------
    points : DataFrame
        ``patrol_id, time, lat, lon`` (:func:`ewarning.tracking.read_tracks`).
    patrols : DataFrame, optional
        ``patrol_id, component, type`` (declared); unknown otherwise.
    sites : GeoDataFrame, optional
        Points with ``name`` (IDP sites, communities, gazetteer towns).
    config : TrackConfig, optional
    crs : str, optional
        Metric CRS (default: the UTM zone of the points' median).
    """
    cfg = config or TrackConfig()
    air = set(patrols.loc[patrols["type"] == "air", "patrol_id"].astype(str)) \
        if patrols is not None and "type" in patrols.columns else set()
    pts, dropped, crs = clean(points, cfg, crs, air)
    n = len(pts)
    pid = pts["patrol_id"].to_numpy()
    timed = pts["time"].notna().to_numpy()
    s = _seconds(pts["time"]) if n else np.zeros(0)
    x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
    same = np.r_[False, pid[1:] == pid[:-1]] if n else np.zeros(0, bool)
    step_m = np.r_[np.hypot(np.diff(x), np.diff(y)), np.nan] if n else np.zeros(0)
    step_s = np.r_[np.diff(s), np.nan] if n else np.zeros(0)
    cont = np.r_[same[1:], False] if n else np.zeros(0, bool)   # the next point is the same patrol
    with np.errstate(invalid="ignore", divide="ignore"):
        raw_speed = step_m / step_s
    jump = (step_s > cfg.gap_minutes * 60) | (raw_speed > _limits(pid, cfg, air))
    gap = cont & timed & np.r_[timed[1:], False] & jump
    brk = np.r_[True, ~cont[:-1] | gap[:-1]] if n else np.zeros(0, bool)
    seg = np.cumsum(brk) - 1
    live = cont & ~gap                       # steps counted
    stop = np.full(n, -1, dtype="int64")
    speed = np.full(n, np.nan)
    sub = np.flatnonzero(timed)     # tracks with times (a track is all timed or all untimed after cleaning)
    if len(sub):
        stop[sub], speed[sub] = _stops_and_speed(s[sub], x[sub], y[sub], seg[sub], brk[sub],
                                                 np.where(live, step_m, 0.0)[sub], cfg)
    in_stop_step = live & (stop >= 0) & (np.r_[stop[1:], -1] == stop)
    mode = np.full(n, "end", dtype=object)
    mode[gap] = "gap"
    moving = live & ~in_stop_step
    foot = moving & (speed <= cfg.foot_kmh)
    mode[moving] = "vehicle"
    mode[foot] = "foot"
    mode[in_stop_step] = "stop"
    mode[live & ~timed] = "untimed"
    # GPS jitter while stopped is no distance travelled.
    pts = pts.assign(segment=seg, stop=stop, step_m=np.where(live & ~in_stop_step, step_m, np.nan),
                     step_s=np.where(live, step_s, np.nan), speed_kmh=speed, mode=mode)
    pts.attrs["crs"] = crs
    stops = _stops(pts)
    passes = coverage(pts, sites, cfg.site_km) if sites is not None else _empty_passes()
    summary = _summary(pts, stops, passes, patrols, dropped, sites is not None)
    return TrackAnalysis(pts, stops, summary, passes, dropped, crs, cfg)


def _stops(pts: pd.DataFrame) -> pd.DataFrame:
    s = pts[pts["stop"] >= 0]
    if s.empty:
        return pd.DataFrame({"patrol_id": pd.Series(dtype=object), "stop": pd.Series(dtype="int64"),
                             "start": pd.Series(dtype="datetime64[ns, UTC]"),
                             "end": pd.Series(dtype="datetime64[ns, UTC]"), "minutes": pd.Series(dtype=float),
                             "lat": pd.Series(dtype=float), "lon": pd.Series(dtype=float)})
    g = s.groupby("stop", sort=True)
    out = pd.DataFrame({"patrol_id": g["patrol_id"].first(), "start": g["time"].min(), "end": g["time"].max(),
                        "lat": g["lat"].mean(), "lon": g["lon"].mean()}).reset_index()
    out["minutes"] = (out["end"] - out["start"]).dt.total_seconds() / 60.0
    return out[["patrol_id", "stop", "start", "end", "minutes", "lat", "lon"]]


def _empty_passes() -> pd.DataFrame:
    return pd.DataFrame({"patrol_id": pd.Series(dtype=object), "site": pd.Series(dtype=object),
                         "km": pd.Series(dtype=float), "time": pd.Series(dtype="datetime64[ns, UTC]"),
                         "on_foot": pd.Series(dtype=bool)})


def coverage(pts: pd.DataFrame, sites: gpd.GeoDataFrame | None, km: float) -> pd.DataFrame:
    """Sites each patrol came within ``km`` of: the closest approach, its time and whether on foot.

    ``pts`` are analysed points (:attr:`TrackAnalysis.points`); ``sites``
    points with a ``name`` column (any CRS).
    """
    if sites is None or len(sites) == 0 or len(pts) == 0:
        return _empty_passes()
    site_xy = sites.to_crs("EPSG:4326")
    sx, sy, _ = _metric(site_xy.geometry.x.to_numpy(), site_xy.geometry.y.to_numpy(), _crs_of(pts))
    names = (sites["name"] if "name" in sites.columns else pd.Series(sites.index)).astype(str).to_numpy()
    site_geoms = shapely.points(sx, sy)
    x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
    live = pts["mode"].to_numpy() != "end"
    live &= pts["mode"].to_numpy() != "gap"
    idx = np.flatnonzero(live)
    # Each counted step as a line; single points of a one-point segment are left out (they are no route).
    coords = np.stack([np.c_[x[idx], y[idx]], np.c_[x[idx + 1], y[idx + 1]]], axis=1)
    lines = shapely.linestrings(coords)
    tree = shapely.STRtree(site_geoms)
    l_idx, s_idx = tree.query(lines, predicate="dwithin", distance=km * 1000.0)
    if len(l_idx) == 0:
        return _empty_passes()
    step = idx[l_idx]
    dist = shapely.distance(lines[l_idx], site_geoms[s_idx])
    frac = shapely.line_locate_point(lines[l_idx], site_geoms[s_idx], normalized=True)
    times = pts["time"]
    t0 = times.iloc[step].to_numpy()
    t1 = times.iloc[step + 1].to_numpy()
    when = pd.to_datetime(t0 + (t1 - t0) * np.nan_to_num(frac), utc=True) if times.notna().all() \
        else pd.to_datetime(t0, utc=True)
    mode = pts["mode"].to_numpy()[step]
    found = pd.DataFrame({"patrol_id": pts["patrol_id"].to_numpy()[step], "site": names[s_idx],
                          "km": dist / 1000.0, "time": when, "on_foot": np.isin(mode, ["foot", "stop"])})
    found = found.sort_values(["patrol_id", "site", "km", "time"], kind="stable")
    on_foot = found.groupby(["patrol_id", "site"], sort=False)["on_foot"].transform("any")
    best = found.assign(on_foot=on_foot).drop_duplicates(["patrol_id", "site"], keep="first")
    return best.sort_values(["patrol_id", "time", "site"], kind="stable").reset_index(drop=True)


def _crs_of(pts: pd.DataFrame) -> str:
    return pts.attrs.get("crs") or utm_crs(float(np.nanmedian(pts["lon"])), float(np.nanmedian(pts["lat"])))


def _summary(pts: pd.DataFrame, stops: pd.DataFrame, passes: pd.DataFrame, patrols: pd.DataFrame | None,
             dropped: dict, with_sites: bool) -> pd.DataFrame:
    g = pts.groupby("patrol_id", sort=True)
    minutes = pts["step_s"].fillna(0.0) / 60.0
    by_mode = pd.crosstab(pts["patrol_id"], pts["mode"], values=minutes, aggfunc="sum").fillna(0.0)
    for m in ("foot", "vehicle", "stop"):
        if m not in by_mode.columns:
            by_mode[m] = 0.0
    out = pd.DataFrame({"start": g["time"].min(), "end": g["time"].max()})
    out["duration_min"] = (out["end"] - out["start"]).dt.total_seconds() / 60.0
    out["distance_km"] = g["step_m"].sum() / 1000.0
    out["dismounted_min"] = by_mode["foot"].reindex(out.index).fillna(0.0)
    out["vehicle_min"] = by_mode["vehicle"].reindex(out.index).fillna(0.0)
    out["stop_min"] = by_mode["stop"].reindex(out.index).fillna(0.0)
    out["moving_min"] = out["dismounted_min"] + out["vehicle_min"]
    out["stops"] = stops.groupby("patrol_id").size().reindex(out.index).fillna(0).astype("int64")
    gaps = pts[pts["mode"] == "gap"]
    gap_s = pts["time"].shift(-1) - pts["time"]
    out["gaps"] = gaps.groupby("patrol_id").size().reindex(out.index).fillna(0).astype("int64")
    out["gap_min"] = (gap_s[pts["mode"] == "gap"].dt.total_seconds() / 60.0).groupby(
        gaps["patrol_id"]).sum().reindex(out.index).fillna(0.0)
    out["n_points"] = g.size()
    out["max_speed_kmh"] = g["speed_kmh"].max()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["dismounted_share"] = np.where(out["moving_min"] > 0, out["dismounted_min"] / out["moving_min"], np.nan)
    if with_sites:
        names = passes.groupby("patrol_id")["site"].agg(lambda v: "; ".join(v))
        out["sites_passed"] = names.reindex(out.index).fillna("")
    else:
        out["sites_passed"] = ""
    out = out.reset_index()
    meta = patrols.drop_duplicates("patrol_id").set_index("patrol_id") if patrols is not None and len(patrols) \
        else pd.DataFrame(index=pd.Index([], name="patrol_id"))
    for c in ("component", "type", "unit"):
        out[c] = out["patrol_id"].map(meta[c]).fillna("unknown") if c in meta.columns else "unknown"
    rest = [c for c in out.columns if c not in SUMMARY_COLUMNS]
    out.attrs["dropped"] = dict(dropped)
    return out[SUMMARY_COLUMNS + rest]


def site_last_pass(passes: pd.DataFrame, when: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per site: when a patrol last passed (and on foot), by which patrol, how many patrols passed.

    Only passes before ``when`` count (the as-of rule) when it is given.
    """
    p = passes if when is None else passes[passes["time"] < when]
    if p.empty:
        return pd.DataFrame({"site": pd.Series(dtype=object), "last_pass": pd.Series(dtype="datetime64[ns, UTC]"),
                             "last_patrol": pd.Series(dtype=object), "patrols": pd.Series(dtype="int64"),
                             "last_on_foot": pd.Series(dtype="datetime64[ns, UTC]")})
    p = p.sort_values("time")
    g = p.groupby("site", sort=True)
    out = pd.DataFrame({"last_pass": g["time"].max(), "last_patrol": g["patrol_id"].last(),
                        "patrols": g["patrol_id"].nunique()})
    out["last_on_foot"] = p[p["on_foot"]].groupby("site")["time"].max().reindex(out.index)
    return out.reset_index()


def time_by_area(analysis: TrackAnalysis, areas: gpd.GeoDataFrame, period: str = "W-MON",
                 km: float = 50.0) -> pd.DataFrame:
    """Minutes on foot, in vehicles and stopped per area and period, and the dismounted share.

    Each counted step is given to the nearest of ``areas`` (points with a
    ``name``: towns of the gazetteer, sectors' centres) within ``km`` of its
    start, else to ``"elsewhere"``; ``period`` is a pandas period alias
    (``W-MON`` weeks, ``M`` months).

    Returns
    -------
    DataFrame
        ``area, period, foot_min, vehicle_min, stop_min, dismounted_share``
        (foot over foot plus vehicle; NaN when nobody moved).
    """
    pts = analysis.points
    steps = pts[pts["mode"].isin(["foot", "vehicle", "stop"])]
    cols = ["area", "period", "foot_min", "vehicle_min", "stop_min", "dismounted_share"]
    if steps.empty:
        return pd.DataFrame(columns=cols)
    area = np.full(len(steps), "elsewhere", dtype=object)
    if areas is not None and len(areas):
        a = areas.to_crs("EPSG:4326")
        ax, ay, _ = _metric(a.geometry.x.to_numpy(), a.geometry.y.to_numpy(), analysis.crs)
        tree = shapely.STRtree(shapely.points(ax, ay))
        (s_idx, a_idx), dist = tree.query_nearest(shapely.points(steps["x"].to_numpy(), steps["y"].to_numpy()),
                                                  return_distance=True, all_matches=False)
        names = a["name"].astype(str).to_numpy()
        near = dist <= km * 1000.0
        area[s_idx[near]] = names[a_idx[near]]
    frame = pd.DataFrame({"area": area, "period": steps["time"].dt.tz_convert(None).dt.to_period(period).astype(str)
                          .to_numpy(), "mode": steps["mode"].to_numpy(), "min": steps["step_s"].to_numpy() / 60.0})
    table = frame.pivot_table(index=["area", "period"], columns="mode", values="min", aggfunc="sum", fill_value=0.0)
    for m in ("foot", "vehicle", "stop"):
        if m not in table.columns:
            table[m] = 0.0
    out = table.reset_index().rename(columns={"foot": "foot_min", "vehicle": "vehicle_min", "stop": "stop_min"})
    moving = out["foot_min"] + out["vehicle_min"]
    out["dismounted_share"] = np.where(moving > 0, out["foot_min"] / moving.where(moving > 0, 1), np.nan)
    return out[cols].sort_values(["area", "period"]).reset_index(drop=True)
