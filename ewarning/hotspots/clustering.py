"""Spatio-temporal density clustering of recent alerts.

DBSCAN runs on ``(x km, y km, t days * time_km_per_day)`` with the alerts'
weights as ``sample_weight``: a core needs a weighted mass of
``min_weight`` within ``eps_km``, so duplicates (weight 0), a reporter's burst
(capped) or coarse reports (district 0.5, province 0.25) cannot make a hotspot
on their own. Reports whose location is coarser than ``eps_km`` do not take
part in the clustering at all (their point is an administrative centroid, not
a place); they are counted later in whichever hotspot area holds their point,
with their reduced weight.

The hotspot area is the convex hull of its alerts widened by ``buffer_km``
(or by the members' precision radius when coarser, capped at
``max_buffer_km``).

Complexity: DBSCAN with a k-d tree, O(n log n) for n alerts in the window
(plus the neighbourhood sizes); hulls O(n log n).
"""

from __future__ import annotations

import numpy as np
import shapely
from sklearn.cluster import DBSCAN

from .config import HotspotConfig
from .prepare import AlertIndex


def cluster(ix: AlertIndex, lo: int, hi: int, weights: np.ndarray, config: HotspotConfig) -> np.ndarray:
    """Cluster label (-1 = none) of each alert ``lo:hi``.

    Parameters
    ----------
    ix : AlertIndex
    lo, hi : int
        The recent window as positions in ``ix``.
    weights : numpy.ndarray
        Their as-of weights (:func:`~ewarning.hotspots.prepare.slice_weights`).
    config : HotspotConfig

    Returns
    -------
    numpy.ndarray of int
        Labels ``0..k-1`` numbered by first alert; ``-1`` for noise, zero-weight
        and coarse reports.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, numpy as np
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2020-01-01"] * 3, utc=True), "category": "killing"},
    ...     geometry=gpd.points_from_xy([20.60, 20.61, 22.0], [4.70, 4.70, 6.0]), crs="EPSG:4326")
    >>> ix = AlertIndex.from_frame(a)
    >>> cluster(ix, 0, 3, np.ones(3), HotspotConfig(min_weight=2)).tolist()
    [0, 0, -1]
    """
    n = hi - lo
    labels = np.full(n, -1, dtype="int64")
    usable = (weights > 0) & (ix.radius_km[lo:hi] <= config.eps_km)
    if not usable.any():
        return labels
    pts = np.column_stack([ix.x[lo:hi][usable], ix.y[lo:hi][usable],
                           ix.t_occ[lo:hi][usable] * config.time_km_per_day])
    w = weights[usable] / max(config.min_weight, 1e-9)
    if len(pts) == 1:
        sub = np.array([0 if w[0] >= 1.0 - 1e-9 else -1])
    else:
        sub = DBSCAN(eps=config.eps_km, min_samples=1, algorithm="kd_tree").fit(pts, sample_weight=w).labels_
    labels[np.flatnonzero(usable)] = sub
    return labels


def polygons(ix: AlertIndex, lo: int, labels: np.ndarray, config: HotspotConfig) -> list:
    """One metric (km) polygon per cluster label 0..k-1: hull widened by the buffer.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, numpy as np
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2020-01-01"], utc=True), "category": "killing"},
    ...     geometry=gpd.points_from_xy([20.6], [4.7]), crs="EPSG:4326")
    >>> ix = AlertIndex.from_frame(a)
    >>> round(polygons(ix, 0, np.array([0]), HotspotConfig(buffer_km=5))[0].area)   # a 5 km disc
    78
    """
    k = int(labels.max()) + 1 if len(labels) else 0
    if k == 0:
        return []
    idx = np.flatnonzero(labels >= 0)
    lab = labels[idx]
    order = np.argsort(lab, kind="stable")
    idx, lab = idx[order], lab[order]
    cuts = np.flatnonzero(np.diff(lab)) + 1
    groups = np.split(idx + lo, cuts)
    out = []
    for g in groups:
        mp = shapely.multipoints(np.column_stack([ix.x[g], ix.y[g]]))
        hull = shapely.convex_hull(mp)
        width = min(max(config.buffer_km, float(np.median(ix.radius_km[g]))), config.max_buffer_km)
        out.append(shapely.buffer(hull, width, quad_segs=8))
    return out
