"""Alerts as sorted arrays, ready to be sliced as of any time.

Preparation projects once, sorts by report time and fixes every per-alert
quantity that cannot change with the as-of time (so slicing is a binary
search). Quantities that *do* depend on what else was known (a reporter's
burst cap) are computed on the slice, in :func:`slice_weights`.

Near-duplicates are linked here without look-ahead: a report is a duplicate
when an *earlier-reported* report of the same category lies within the
duplicate window (:data:`ewarning.alerts.DUPLICATE_HOURS` and
:data:`~ewarning.alerts.DUPLICATE_RADIUS_M` widened by precision). Unlike a
transitive grouping (connected components), this never changes when later
reports arrive, so a past score cannot move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from .. import vocab
from ..alerts import DUPLICATE_HOURS, DUPLICATE_RADIUS_M, precision_radius
from ..geo import metric_crs
from .config import HotspotConfig

EPOCH = pd.Timestamp("2000-01-01", tz="UTC")
DAY_S = 86_400.0


def days(ts) -> np.ndarray | float:
    """Days since 2000-01-01 UTC (float) for a Timestamp or a datetime Series."""
    if isinstance(ts, pd.Timestamp):
        return (ts - EPOCH).total_seconds() / DAY_S
    return ((ts - EPOCH).dt.total_seconds() / DAY_S).to_numpy(dtype="float64")


@dataclass
class AlertIndex:
    """Alerts sorted by report time, as numpy arrays in km and days.

    Build it with :meth:`from_frame`; all arrays share one order.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"id": ["a", "b"], "reported_at": pd.to_datetime(["2020-01-02", "2020-01-01"], utc=True),
    ...     "category": ["killing", "looting"]}, geometry=gpd.points_from_xy([20.6, 20.7], [4.7, 4.8]), crs="EPSG:4326")
    >>> ix = AlertIndex.from_frame(a)
    >>> list(ix.ids), ix.upto(days(pd.Timestamp("2020-01-02", tz="UTC")))
    (['b', 'a'], 1)
    """

    frame: gpd.GeoDataFrame          # the alerts in sorted order (EPSG:4326)
    crs: str
    t_rep: np.ndarray                # days, report time (the as-of clock)
    t_occ: np.ndarray                # days, occurrence time (report time when unknown)
    x: np.ndarray                    # km
    y: np.ndarray
    radius_km: np.ndarray            # location precision radius
    weight: np.ndarray               # static weight (verification, precision, Admiralty code)
    dup_of: np.ndarray               # index of the earlier report this duplicates, -1 if none
    severity: np.ndarray
    killed: np.ndarray
    grave: np.ndarray                # bool: killing, sexual violence, abduction
    category: np.ndarray             # codes as str
    reporter: np.ndarray             # int code, -1 when unknown
    ids: np.ndarray
    #: Derived arrays computed once and reused by every as-of date (points, pooled cells); see :meth:`cached`.
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def cached(self, key, make):
        """``make()`` computed once per index (pure functions of the sorted alerts only, so no look-ahead)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def points(self) -> np.ndarray:
        """Shapely points (km) of all alerts, built once."""
        import shapely
        return self.cached("points", lambda: shapely.points(self.x, self.y))

    def __len__(self) -> int:
        return len(self.t_rep)

    def upto(self, t_days: float) -> int:
        """Number of alerts reported strictly before ``t_days``."""
        return int(np.searchsorted(self.t_rep, t_days, side="left"))

    @classmethod
    def from_frame(cls, alerts: gpd.GeoDataFrame, config: HotspotConfig | None = None,
                   crs: str | None = None) -> "AlertIndex":
        """Prepare validated alerts (missing optional columns get defaults)."""
        config = config or HotspotConfig()
        a = _with_defaults(alerts)
        a = a.iloc[np.lexsort((a["id"].astype(str).to_numpy(), days(a["reported_at"])))] if len(a) else a
        a = a.reset_index(drop=True)
        crs = crs or metric_crs(a)
        pts = a.geometry.to_crs(crs) if len(a) else a.geometry
        x = pts.x.to_numpy(dtype="float64") / 1000.0 if len(a) else np.zeros(0)
        y = pts.y.to_numpy(dtype="float64") / 1000.0 if len(a) else np.zeros(0)
        t_rep = days(a["reported_at"]) if len(a) else np.zeros(0)
        t_occ = days(a["occurred_at"].fillna(a["reported_at"])) if len(a) else np.zeros(0)
        radius = precision_radius(a) / 1000.0 if len(a) else np.zeros(0)
        w = a["location_precision"].map(config.precision_weight).fillna(1.0).to_numpy(dtype="float64")
        w = w * a["reliability"].map(config.reliability_weight).fillna(1.0).to_numpy(dtype="float64")
        w = w * a["credibility"].map(config.credibility_weight).fillna(1.0).to_numpy(dtype="float64")
        w = np.where(a["verification"].to_numpy() == "discounted", 0.0, w)
        category = a["category"].astype(str).to_numpy()
        ids = a["id"].astype(str).to_numpy()
        dup = _link_earlier(ids, a["duplicate_of"], t_rep, t_occ, x, y, radius, category)
        rep = a["reporter_key"]
        rep_codes = pd.factorize(rep.where(rep.notna() & (rep.astype(str) != ""), None))[0] if len(a) else np.zeros(0, int)
        return cls(
            frame=a, crs=crs, t_rep=t_rep, t_occ=t_occ, x=x, y=y, radius_km=radius, weight=w, dup_of=dup,
            severity=a["severity"].to_numpy(dtype="float64"), killed=a["killed"].to_numpy(dtype="float64"),
            grave=np.isin(category, list(config.grave_categories)), category=category,
            reporter=np.asarray(rep_codes, dtype="int64"), ids=ids,
        )


def _with_defaults(alerts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill the optional columns a hand-made or reader-made frame may lack."""
    a = alerts.copy()
    if a.crs is None:
        a = a.set_crs("EPSG:4326")
    elif a.crs.to_epsg() != 4326:
        a = a.to_crs("EPSG:4326")
    if "reported_at" not in a.columns:
        raise ValueError("alerts have no reported_at column; validate them with ewarning.alerts.validate first")
    a["reported_at"] = pd.to_datetime(a["reported_at"], utc=True)
    if "occurred_at" in a.columns:
        a["occurred_at"] = pd.to_datetime(a["occurred_at"], utc=True).fillna(a["reported_at"])
    else:
        a["occurred_at"] = a["reported_at"]
    defaults = {"category": "threat_or_rumour", "killed": 0, "injured": 0, "verification": "unverified",
                "reliability": "F", "credibility": "6", "reporter_key": None, "location_precision": "exact",
                "duplicate_of": None, "text": None}
    for col, value in defaults.items():
        if col not in a.columns:
            a[col] = value
    a["killed"] = pd.to_numeric(a["killed"], errors="coerce").fillna(0)
    if "severity" not in a.columns:
        a["severity"] = a["category"].map(vocab.CATEGORY_SEVERITY).fillna(1)
    a["severity"] = pd.to_numeric(a["severity"], errors="coerce").fillna(1)
    if "id" not in a.columns:
        a["id"] = [f"A{i}" for i in range(len(a))]
    return a


def _link_earlier(ids, duplicate_of, t_rep, t_occ, x, y, radius, category) -> np.ndarray:
    """Index of an earlier-reported report of the same incident, or -1.

    Uses the stored ``duplicate_of`` when it names a report; otherwise the
    nearest-in-time earlier report of the same category within the window.
    """
    n = len(ids)
    out = np.full(n, -1, dtype="int64")
    if n == 0:
        return out
    pos = {k: i for i, k in enumerate(ids)}
    given = duplicate_of.to_numpy()
    for i, target in enumerate(given):
        if target is not None and not (isinstance(target, float) and np.isnan(target)):
            out[i] = pos.get(str(target), -1)
    if n < 2:
        return out
    reach = np.maximum(radius, DUPLICATE_RADIUS_M / 1000.0)
    hours = DUPLICATE_HOURS
    codes = pd.factorize(category)[0]
    scale = float(reach.max())
    tree = cKDTree(np.column_stack([x / scale, y / scale, t_occ * 24.0 / hours, codes * 10.0]))
    pairs = tree.query_pairs(r=1.0, p=np.inf, output_type="ndarray")
    if len(pairs) == 0:
        return out
    i, j = pairs[:, 0], pairs[:, 1]
    keep = (np.hypot(x[i] - x[j], y[i] - y[j]) <= np.maximum(reach[i], reach[j])) & (codes[i] == codes[j])
    i, j = i[keep], j[keep]
    # Sorted order: the smaller index was reported first (ties broken by id).
    first, later = np.minimum(i, j), np.maximum(i, j)
    found = out < 0
    order = np.argsort(-first)  # for each later report keep its earliest partner
    lat, fst = later[order], first[order]
    cand = np.full(n, -1, dtype="int64")
    cand[lat] = fst
    return np.where(found, cand, out)


def incidents(ix: AlertIndex, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Incidents of the first ``hi`` alerts (those known at the as-of time) and the casualties of each.

    A report linked as a duplicate (``dup_of``: the stored ``duplicate_of`` or the engine's own as-of link)
    belongs to the incident of the report it names, when that report is known (index below ``hi``); links
    are followed to the incident's first report. An incident counts the *largest* number killed among its
    reports known then: linked duplicates never add casualties ("one count of an incident"), and a graver
    later report (12 killed after a first report of 2) gives the incident its figure. A report an analyst
    discounted lends the incident nothing (the first report's own figure is always kept).

    Returns ``(root, killed)``: ``root[i]`` is the incident (its first report's index) of alert ``i``,
    ``killed[i]`` the casualties of the incident ``i`` is the first report of (0 for the other reports).
    Only alerts ``0:hi`` are read, so a later report never changes a past count.

    Complexity: O(hi log L) (pointer jumping over chains of length at most L).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"id": ["a", "b"], "reported_at": pd.to_datetime(["2020-01-01", "2020-01-02"], utc=True),
    ...     "category": "killing", "killed": [5, 7], "duplicate_of": [None, "a"]},
    ...     geometry=gpd.points_from_xy([20.6, 20.6], [4.7, 4.7]), crs="EPSG:4326")
    >>> ix = AlertIndex.from_frame(a)
    >>> [r.tolist() for r in incidents(ix, 2)], incidents(ix, 1)[1].tolist()
    ([[0, 0], [7.0, 0.0]], [5.0])
    """
    hi = int(hi)
    idx = np.arange(hi)
    parent = ix.dup_of[:hi].copy()
    parent = np.where((parent >= 0) & (parent < hi), parent, idx)
    root = parent
    for _ in range(64):                  # pointer jumping: chains halve each pass
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    # a cycle of links (hostile data only) never converges: one incident, named by its smallest index
    cyc = root[root] != root
    if cyc.any():
        for i in np.flatnonzero(cyc):
            seen, j = [i], int(parent[i])
            while j not in seen:
                seen.append(j)
                j = int(parent[j])
            root[i] = min(seen[seen.index(j):])
    return root, _incident_max(ix.killed, root, _lends(ix, root, hi))


def _lends(ix: AlertIndex, root: np.ndarray, hi: int) -> np.ndarray:
    """Which of the first ``hi`` reports give their figures to their incident: its first report, and every
    other report not discounted (static weight above 0)."""
    return (root == np.arange(hi)) | (ix.weight[:hi] > 0)


def _incident_max(values: np.ndarray, root: np.ndarray, lends: np.ndarray) -> np.ndarray:
    out = np.zeros(len(root))
    if len(root):
        np.maximum.at(out, root[lends], np.maximum(values[:len(root)][lends], 0.0))
    return out


def incident_severity(ix: AlertIndex, hi: int, root: np.ndarray | None = None) -> np.ndarray:
    """Severity of the first ``hi`` alerts as one count of each incident: its gravest report known then.

    The first report of an incident carries the largest severity among the
    incident's reports known at the as-of time (discounted ones lend nothing,
    as in :func:`incidents`); every other report keeps its own (it weighs 0
    once its incident is known). So an incident reported as 2 killed, then as
    12 killed, weighs what one report of 12 killed weighs.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"id": ["a", "b"], "reported_at": pd.to_datetime(["2020-01-01", "2020-01-02"], utc=True),
    ...     "category": "armed_attack", "severity": [4, 5], "duplicate_of": [None, "a"]},
    ...     geometry=gpd.points_from_xy([20.6, 20.6], [4.7, 4.7]), crs="EPSG:4326")
    >>> ix = AlertIndex.from_frame(a)
    >>> incident_severity(ix, 2).tolist(), incident_severity(ix, 1).tolist()
    ([5.0, 5.0], [4.0])
    """
    hi = int(hi)
    if root is None:
        root = incidents(ix, hi)[0]
    own = ix.severity[:hi].astype("float64")
    first = root == np.arange(hi)
    return np.where(first, np.maximum(own, _incident_max(own, root, _lends(ix, root, hi))), own)


def slice_weights(ix: AlertIndex, lo: int, hi: int, t_end: float, config: HotspotConfig) -> np.ndarray:
    """Weights of alerts ``lo:hi`` as known at ``t_end`` (days).

    Duplicates of a report already known weigh 0; each reporter key
    contributes at most ``config.reporter_cap`` per place and day.
    """
    w = ix.weight[lo:hi].copy()
    dup = ix.dup_of[lo:hi]
    known_dup = (dup >= 0) & (ix.t_rep[np.maximum(dup, 0)] < t_end) & (dup != np.arange(lo, hi))
    w[known_dup] = 0.0
    rep = ix.reporter[lo:hi]
    has = (rep >= 0) & (w > 0)
    if has.any():
        cell = config.cap_cell_km
        key = combine_keys(rep[has], np.floor(ix.t_rep[lo:hi][has]).astype("int64"),
                           np.floor(ix.x[lo:hi][has] / cell).astype("int64"),
                           np.floor(ix.y[lo:hi][has] / cell).astype("int64"))
        _, inv = np.unique(key, return_inverse=True)
        inv = inv.ravel()
        total = np.bincount(inv, weights=w[has])
        factor = np.minimum(1.0, config.reporter_cap / np.maximum(total, 1e-12))
        w[has] = w[has] * factor[inv]
    return w


def combine_keys(*cols: np.ndarray) -> np.ndarray:
    """One int64 key per row of integer columns, equal exactly when the rows are equal.

    A 1-D key sorts far faster than ``np.unique(..., axis=0)`` on the stacked
    columns. Each column is shifted to start at 0 and the ranges multiplied; the
    ranges here (areas, days, 10 km cells) stay far below 2**63.

    Examples
    --------
    >>> k = combine_keys(np.array([0, 0, 1]), np.array([5, 5, -2]))
    >>> bool(k[0] == k[1]), bool(k[0] != k[2])
    (True, True)
    """
    key = np.zeros(len(cols[0]), dtype="int64")
    for c in cols:
        c = np.asarray(c, dtype="int64")
        if len(c) == 0:
            return key
        lo = int(c.min())
        span = int(c.max()) - lo + 1
        key = key * span + (c - lo)
    return key
