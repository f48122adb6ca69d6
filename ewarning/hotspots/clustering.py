"""Density clustering of recent (and, fading, older) alerts into compact areas.

DBSCAN runs on ``(x km, y km, t days * time_km_per_day)`` (default 0: purely
spatial, time enters through the weights) with the alerts' weights as
``sample_weight``: a core needs a weighted mass of ``min_weight`` within
``eps_km``, so duplicates (weight 0), a reporter's burst (capped) or coarse
reports (district 0.5, province 0.25) cannot make a hotspot on their own.
Reports of the recent window weigh fully; up to ``cluster_memory_days``
older ones take part with weights halving every ``cluster_half_life_days``
beyond the window (a place active two months ago is still an area; its score
says whether it is quiet). Reports whose location is coarser than ``eps_km``
do not take part at all (their point is an administrative centroid, not a
place); they are counted later in whichever area holds them.

Density-adaptive: the core mass rises with the density of the clustered
reports (:func:`min_core_weight`), and a cluster wider than
``max_extent_km`` is clustered again with half the radius
(:func:`_split_wide`), so neighbouring places joined by a trail of reports
become separate compact areas.

The hotspot area is the convex hull of its alerts widened by ``buffer_km``
(or by the members' precision radius when coarser, capped at
``max_buffer_km``).

Complexity: DBSCAN with a k-d tree, O(n log n) for n alerts clustered (plus
the neighbourhood sizes, bounded in dense data by the adaptive core mass
only for cores, not for the range queries); splits re-cluster subsets, at
most three levels; hulls O(n log n).
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

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
    w = weights[usable]
    inv = None
    if len(pts) > POOL_ABOVE and config.time_km_per_day == 0:
        # Dense stream: pool reports into cells of eps/10 (their weights summed) before clustering; the
        # neighbourhoods DBSCAN walks shrink from thousands of reports to tens of cells. Small data sets
        # (UCDP: hundreds of reports) are clustered exactly. Cell numbers are computed once per index.
        cell_id, centres = _pool_cells(ix, config.eps_km / 10.0)
        cells, inv = np.unique(cell_id[lo:hi][usable], return_inverse=True)
        inv = inv.ravel()
        w = np.bincount(inv, weights=w)
        pts = np.column_stack([centres[cells], np.zeros(len(cells))])
    sub = _dbscan(pts, w, config.eps_km, min_core_weight(pts, w, config))
    sub = _split_wide(pts, w, sub, config)
    if inv is not None:
        sub = sub[inv]
    labels[np.flatnonzero(usable)] = _renumber(sub)
    return labels


def _pool_cells(ix: AlertIndex, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Cell number of every alert on a ``cell`` km grid, and each cell's centre (cached on the index)."""
    def make():
        kx, ky = np.floor(ix.x / cell).astype("int64"), np.floor(ix.y / cell).astype("int64")
        keys, cell_id = np.unique(np.column_stack([kx, ky]), axis=0, return_inverse=True)
        return cell_id.ravel(), (keys + 0.5) * cell
    return ix.cached(("pool", cell), make)


#: Above this many clustered reports, reports are pooled into cells of ``eps_km / 10`` first.
POOL_ABOVE = 5000


def min_core_weight(pts: np.ndarray, w: np.ndarray, config: HotspotConfig) -> float:
    """Weighted mass a DBSCAN core needs: ``min_weight``, raised where reports are dense.

    ``density_factor`` x the mass an ``eps_km`` disc would hold if the reports
    were spread evenly over their bounding box (taken at least ``8 eps_km``
    wide each way, so that a handful of reports at one place is not "dense"). On sparse data (UCDP: tens of events a month over a country) this
    stays at ``min_weight``; on a dense stream the background noise that would
    otherwise chain every place into one stops forming cores.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0, 0.0], [1000.0, 1000.0, 0.0]])
    >>> min_core_weight(pts, np.ones(2), HotspotConfig())
    1.0
    """
    if config.density_factor <= 0 or len(pts) < 2:
        return float(config.min_weight)
    span = np.maximum(pts[:, :2].max(axis=0) - pts[:, :2].min(axis=0), 8.0 * config.eps_km)
    even = float(w.sum()) * np.pi * config.eps_km ** 2 / float(span[0] * span[1])
    return float(max(config.min_weight, config.density_factor * even))


def _dbscan(pts: np.ndarray, w: np.ndarray, eps: float, min_w) -> np.ndarray:
    """Weighted DBSCAN: a core holds a weighted mass of at least ``min_w`` within ``eps`` (itself included).

    ``min_w`` may be one number or one per point (the batched splits).

    Same definition as scikit-learn's ``DBSCAN(eps, min_samples=1).fit(pts, sample_weight=w / min_w)``
    (neighbours at distance ``<= eps``); a border point joins the cluster of its lowest-numbered core
    neighbour (scikit-learn: whichever cluster reaches it first). Written on a k-d tree and a sparse
    connected-components pass because the splits call it on many small subsets, where scikit-learn's
    per-call overhead dominated the backtest.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [9.0, 0.0]])
    >>> _dbscan(pts, np.array([1.0, 1.0, 1.0, 1.0]), 1.5, 3.0).tolist()   # only the middle one is a core
    [0, 0, 0, -1]
    """
    n = len(pts)
    min_w = np.broadcast_to(np.asarray(min_w, dtype="float64"), (n,))
    if n == 1:
        return np.array([0 if w[0] >= min_w[0] - 1e-9 else -1])
    pairs = cKDTree(pts).query_pairs(r=eps, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    mass = w + np.bincount(i, weights=w[j], minlength=n) + np.bincount(j, weights=w[i], minlength=n)
    core = mass >= min_w * (1.0 - 1e-9)
    labels = np.full(n, -1, dtype="int64")
    if not core.any():
        return labels
    both = core[i] & core[j]
    g = sparse.coo_matrix((np.ones(int(both.sum())), (i[both], j[both])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    cores = np.flatnonzero(core)
    _, first = np.unique(comp[cores], return_inverse=True)
    labels[cores] = first.ravel()
    # border points: the lowest-numbered core neighbour
    bi = np.concatenate([j[core[i] & ~core[j]], i[core[j] & ~core[i]]])
    bc = np.concatenate([i[core[i] & ~core[j]], j[core[j] & ~core[i]]])
    if len(bi):
        order = np.lexsort((bc, bi))
        bi, bc = bi[order], bc[order]
        keep = np.r_[True, bi[1:] != bi[:-1]]
        labels[bi[keep]] = labels[bc[keep]]
    return labels


def _split_wide(pts: np.ndarray, w: np.ndarray, labels: np.ndarray, config: HotspotConfig, depth: int = 0) -> np.ndarray:
    """Re-cluster, with half the radius and the local density, every cluster wider than ``max_extent_km``.

    Single-linkage chaining (DBSCAN) can join neighbouring places through a
    trail of reports; a hotspot a tenth of the country wide tells an analyst
    nothing. A wide cluster is clustered again on its own reports with
    ``eps / 2`` and a core mass adapted to *its* density; reports that fall
    out of every sub-cluster are left out of the area (they still count in the
    score of any area that holds them). A cluster that does not split is kept
    whole and tried again with ``eps / 4``, then ``eps / 8``; sub-clusters still
    too wide go on to the next pass too. At most three passes, and all the wide
    clusters of one pass are clustered in **one** call (each shifted far from the
    others), so the cost does not grow with the number of wide clusters.
    """
    if config.max_extent_km <= 0 or labels.max(initial=-1) < 0:
        return labels
    out = labels.copy()
    next_label = int(labels.max()) + 1
    for d in range(depth, 3):
        order = np.argsort(out, kind="stable")
        lab_sorted = out[order]
        cuts = np.flatnonzero(np.diff(lab_sorted)) + 1
        groups = []
        for g in np.split(order, cuts):
            if out[g[0]] < 0 or len(g) < 3:
                continue
            ext = np.ptp(pts[g, :2], axis=0)
            if float(np.hypot(ext[0], ext[1])) > config.max_extent_km:
                groups.append((g, ext))
        if not groups:
            break
        eps = config.eps_km / 2 ** (d + 1)
        idx = np.concatenate([g for g, _ in groups])
        gid = np.repeat(np.arange(len(groups)), [len(g) for g, _ in groups])
        min_w = np.empty(len(groups))
        for k, (g, ext) in enumerate(groups):
            span = np.maximum(ext, 8.0 * eps)
            local = config.density_factor * float(w[g].sum()) * np.pi * eps ** 2 / float(span[0] * span[1])
            min_w[k] = max(config.min_weight, local)
        shifted = pts[idx, :2].copy()
        step = max(float(ext[0]) for _, ext in groups) + 2.0 * eps + 1.0
        shifted[:, 0] += gid * step    # each group on its own stretch of the x axis: groups never neighbour
        shifted[:, 0] -= pts[idx, 0].min()
        sub = _dbscan(shifted, w[idx], eps, min_w[gid])
        for k in range(len(groups)):
            sel = gid == k
            s = sub[sel]
            uniq = np.unique(s[s >= 0])
            if len(uniq) <= 1:
                continue            # does not split at this radius: kept whole, tried again tighter
            new = np.full(len(s), -1, dtype="int64")
            ok = s >= 0
            new[ok] = next_label + np.searchsorted(uniq, s[ok])
            next_label += len(uniq)
            out[idx[sel]] = new
    return out


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 in order of first appearance (the alerts are sorted by report time); -1 kept."""
    out = np.full(len(labels), -1, dtype="int64")
    ok = labels >= 0
    if ok.any():
        uniq, first = np.unique(labels[ok], return_index=True)
        rank = np.empty(len(uniq), dtype="int64")
        rank[np.argsort(first, kind="stable")] = np.arange(len(uniq))
        out[ok] = rank[np.searchsorted(uniq, labels[ok])]
    return out


def polygons(ix: AlertIndex, lo: int, labels: np.ndarray, config: HotspotConfig,
             weights: np.ndarray | None = None) -> list:
    """One metric (km) polygon per cluster label 0..k-1: hull widened by the buffer.

    With ``weights`` and ``config.core_share < 1``, a cluster of at least
    ``config.core_min_reports`` reports is drawn around its *core*: the
    reports nearest its weighted median point that hold ``core_share`` of its
    weight (a dense place's stray reports would otherwise stretch the hull).

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
    trim = weights is not None and config.core_share < 1.0
    for g in groups:
        if trim and len(g) >= config.core_min_reports:
            g = _core(ix, g, weights[g - lo], config.core_share)
        mp = shapely.multipoints(np.column_stack([ix.x[g], ix.y[g]]))
        hull = shapely.convex_hull(mp)
        width = min(max(config.buffer_km, float(np.median(ix.radius_km[g]))), config.max_buffer_km)
        out.append(shapely.buffer(hull, width, quad_segs=8))
    return out


def _weighted_median(values: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(w[order])
    return float(values[order][np.searchsorted(cum, 0.5 * cum[-1])])


def _core(ix: AlertIndex, g: np.ndarray, w: np.ndarray, share: float) -> np.ndarray:
    """The reports of ``g`` nearest its weighted median point holding ``share`` of its weight."""
    if w.sum() <= 0:
        return g
    cx, cy = _weighted_median(ix.x[g], w), _weighted_median(ix.y[g], w)
    order = np.argsort(np.hypot(ix.x[g] - cx, ix.y[g] - cy), kind="stable")
    cum = np.cumsum(w[order])
    keep = order[: int(np.searchsorted(cum, share * cum[-1])) + 1]
    return g[np.sort(keep)]
