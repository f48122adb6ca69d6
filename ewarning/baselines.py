"""Baselines the engine must beat: what an analyst would otherwise use.

Each baseline is a small object with ``fit(index)`` (an
:class:`~ewarning.hotspots.prepare.AlertIndex`, coordinates in km on a
metric CRS) and ``areas(t_end, k)`` returning its top-``k`` areas as km
polygons, using only alerts reported strictly before ``t_end`` (days since
2000-01-01). They count reports as they come (an analyst's tally), only
leaving out reports marked discounted.

- :class:`GridCounts`: top-k grid cells by count over the last 30 days.
- :class:`KernelDensity`: the time-decayed heat map analysts draw by hand
  (Gaussian kernel of 15 km, weights halving every three weeks, top peaks at
  least two radii apart, 15 km circles).
- :class:`EmergingHotSpots`: emerging hot spot analysis, Getis-Ord Gi* per
  time slice on a grid and a Mann-Kendall trend of each cell's Gi* z-scores
  (PySAL esda's ``G_Local(star=True)`` is the reference; the vectorised
  statistic here equals it, see the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse
from scipy.ndimage import gaussian_filter, maximum_filter

from .hotspots.prepare import AlertIndex
from .hotspots.tension import mann_kendall

__all__ = ["GridCounts", "KernelDensity", "EmergingHotSpots", "Grid", "gi_star"]


@dataclass
class Grid:
    """A square grid in km over a bounding box.

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 10.0, 3, 2)
    >>> g.cell_of(np.array([5.0, 25.0]), np.array([5.0, 15.0])).tolist()
    [0, 5]
    >>> g.polygon(5).bounds
    (20.0, 10.0, 30.0, 20.0)
    """

    x0: float
    y0: float
    size: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, x: np.ndarray, y: np.ndarray, size: float, bounds=None) -> "Grid":
        if bounds is None:
            bounds = (float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))) if len(x) else (0, 0, 1, 1)
        x0, y0, x1, y1 = bounds
        nx = max(int(np.ceil((x1 - x0) / size)) + 1, 1)
        ny = max(int(np.ceil((y1 - y0) / size)) + 1, 1)
        return cls(float(x0), float(y0), float(size), nx, ny)

    @property
    def n(self) -> int:
        return self.nx * self.ny

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Cell number of each point (-1 outside)."""
        i = np.floor((x - self.x0) / self.size).astype("int64")
        j = np.floor((y - self.y0) / self.size).astype("int64")
        inside = (i >= 0) & (i < self.nx) & (j >= 0) & (j < self.ny)
        return np.where(inside, j * self.nx + i, -1)

    def polygon(self, cell: int):
        j, i = divmod(int(cell), self.nx)
        x, y = self.x0 + i * self.size, self.y0 + j * self.size
        return shapely.box(x, y, x + self.size, y + self.size)

    def queen(self) -> sparse.csr_matrix:
        """Binary queen-contiguity weights between cells, *including* each cell itself (Gi*)."""
        idx = np.arange(self.n).reshape(self.ny, self.nx)
        rows, cols = [], []
        for dj in (-1, 0, 1):
            for di in (-1, 0, 1):
                src = idx[max(0, -dj):self.ny - max(0, dj), max(0, -di):self.nx - max(0, di)]
                dst = idx[max(0, dj):self.ny + min(0, dj), max(0, di):self.nx + min(0, di)]
                rows.append(src.ravel())
                cols.append(dst.ravel())
        r, c = np.concatenate(rows), np.concatenate(cols)
        return sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(self.n, self.n))


def _known(ix: AlertIndex, t_end: float, since: float) -> slice:
    return slice(ix.upto(since), ix.upto(t_end))


def _counted(ix: AlertIndex, sl: slice) -> np.ndarray:
    """Reports an analyst would tally: all but those marked discounted (weight 0 statically)."""
    return ix.weight[sl] > 0


class GridCounts:
    """Top-k grid cells by number of reports in the last ``window_days``.

    Parameters
    ----------
    cell_km : float
        Side of a cell (default 25 km).
    window_days : float
        Counting window (default 30 days).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"], utc=True),
    ...     "category": "killing"}, geometry=gpd.points_from_xy([20.0, 20.01, 22.0], [5.0, 5.0, 6.0]), crs="EPSG:4326")
    >>> g = GridCounts(cell_km=10).fit(AlertIndex.from_frame(a))
    >>> len(g.areas(7305.0 + 10, k=1)), round(g.areas(7305.0 + 10, k=1)[0].area)
    (1, 100)
    """

    name = "grid counts"

    def __init__(self, cell_km: float = 25.0, window_days: float = 30.0, bounds=None):
        self.cell_km, self.window_days, self.bounds = cell_km, window_days, bounds

    def fit(self, ix: AlertIndex) -> "GridCounts":
        self.ix = ix
        self.grid = Grid.covering(ix.x, ix.y, self.cell_km, self.bounds)
        self.cells = self.grid.cell_of(ix.x, ix.y)
        return self

    def areas(self, t_end: float, k: int) -> list:
        sl = _known(self.ix, t_end, t_end - self.window_days)
        cells = self.cells[sl][_counted(self.ix, sl)]
        cells = cells[cells >= 0]
        if len(cells) == 0:
            return []
        counts = np.bincount(cells, minlength=self.grid.n)
        top = np.lexsort((np.arange(self.grid.n), -counts))[:k]
        return [self.grid.polygon(c) for c in top if counts[c] > 0]


class KernelDensity:
    """Time-decayed Gaussian heat map; top peaks become circles.

    Parameters
    ----------
    bandwidth_km : float
        Gaussian kernel standard deviation (15 km).
    half_life_days : float
        A report's weight halves every this many days (21).
    radius_km : float
        Circle drawn around each peak (15 km); peaks at least two radii apart.
    resolution_km : float
        Raster cell used to evaluate the density (5 km).
    local_maxima : bool
        Circles go on local maxima of the surface, best first, at least two
        radii apart (default). ``False`` is the greedy variant: any raster
        cell, best first, two radii from the circles already drawn - it also
        circles the flanks of one large hot spot (reported as a sensitivity
        check in docs/engine.md).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2020-01-01"] * 3, utc=True), "category": "killing"},
    ...     geometry=gpd.points_from_xy([20.0, 20.01, 22.0], [5.0, 5.0, 6.0]), crs="EPSG:4326")
    >>> kde = KernelDensity().fit(AlertIndex.from_frame(a))
    >>> len(kde.areas(7306.0, k=5))   # two places, more than two radii apart
    2
    """

    name = "kernel density"

    def __init__(self, bandwidth_km: float = 15.0, half_life_days: float = 21.0, radius_km: float = 15.0,
                 resolution_km: float = 5.0, bounds=None, local_maxima: bool = True):
        self.bandwidth_km, self.half_life_days = bandwidth_km, half_life_days
        self.local_maxima = local_maxima
        self.radius_km, self.resolution_km, self.bounds = radius_km, resolution_km, bounds

    def fit(self, ix: AlertIndex) -> "KernelDensity":
        self.ix = ix
        pad = 3 * self.bandwidth_km
        if self.bounds is None and len(ix):
            b = (ix.x.min() - pad, ix.y.min() - pad, ix.x.max() + pad, ix.y.max() + pad)
        else:
            b = self.bounds if self.bounds is not None else (0, 0, 1, 1)
            b = (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
        self.grid = Grid.covering(np.zeros(0), np.zeros(0), self.resolution_km, b)
        self.cells = self.grid.cell_of(ix.x, ix.y)
        return self

    def surface(self, t_end: float) -> np.ndarray:
        """The density raster (ny, nx) as of ``t_end``."""
        sl = _known(self.ix, t_end, t_end - 12 * self.half_life_days)
        ok = _counted(self.ix, sl) & (self.cells[sl] >= 0)
        w = np.power(0.5, (t_end - self.ix.t_rep[sl][ok]) / self.half_life_days)
        hist = np.bincount(self.cells[sl][ok], weights=w, minlength=self.grid.n).reshape(self.grid.ny, self.grid.nx)
        return gaussian_filter(hist, sigma=self.bandwidth_km / self.resolution_km, mode="constant", truncate=3.0)

    def areas(self, t_end: float, k: int) -> list:
        dens = self.surface(t_end)
        flat = dens.ravel()
        if flat.size == 0 or flat.max() <= 1e-12:
            return []
        candidate = flat > 1e-9 * flat.max()
        if self.local_maxima:
            # a peak is a local maximum of the surface (3 x 3 raster neighbourhood), as an analyst circles the
            # hot spots of a heat map, not the flanks of one hot spot
            candidate &= (dens >= maximum_filter(dens, size=3, mode="constant", cval=0.0)).ravel()
        order = np.flatnonzero(candidate)
        order = order[np.argsort(-flat[order], kind="stable")]
        g = self.grid
        cx = g.x0 + (order % g.nx + 0.5) * g.size
        cy = g.y0 + (order // g.nx + 0.5) * g.size
        picked: list[tuple[float, float]] = []
        sep2 = (2 * self.radius_km) ** 2
        for x, y in zip(cx, cy):
            if all((x - px) ** 2 + (y - py) ** 2 >= sep2 for px, py in picked):
                picked.append((x, y))
                if len(picked) == k:
                    break
        return [shapely.buffer(shapely.points(x, y), self.radius_km, quad_segs=8) for x, y in picked]


def gi_star(y: np.ndarray, w: sparse.csr_matrix) -> np.ndarray:
    """Getis-Ord Gi* z-scores (binary weights including self), columns = time slices.

    Equals ``esda.G_Local(y, W, star=True, transform="B").Zs`` (analytical
    z-scores) for each column; zero where a slice has no variance.

    Examples
    --------
    >>> g = Grid(0, 0, 1, 5, 5)       # on a 3 x 3 grid every cell would see all others: no variance
    >>> y = np.zeros((25, 1)); y[12, 0] = 9
    >>> z = gi_star(y, g.queen())[:, 0]
    >>> bool(z[12] > 0), bool(z[0] < 0), bool(np.isclose(z[6], z[12]))   # the centre's 3 x 3 block is hot
    (True, True, True)
    """
    y = np.asarray(y, dtype="float64")
    if y.ndim == 1:
        y = y[:, None]
    n = y.shape[0]
    wsum = np.asarray(w.sum(axis=1)).ravel()
    w2 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    mean = y.mean(axis=0)
    s = np.sqrt((y ** 2).mean(axis=0) - mean ** 2)
    lag = w @ y
    num = lag - wsum[:, None] * mean[None, :]
    den = s[None, :] * np.sqrt((n * w2 - wsum ** 2) / (n - 1))[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(den > 0, num / den, 0.0)
    return z


class EmergingHotSpots:
    """Emerging hot spot analysis: Gi* per time slice, Mann-Kendall on each cell's z-series.

    The space-time cube has ``n_slices`` slices of ``slice_days`` ending at
    the as-of time, on a ``cell_km`` grid with queen contiguity. Cells are
    ranked as ArcGIS-style categories would order them: cells that are a
    significant hot spot in the latest slice (z > 1.96) first, then by the
    trend of their z-series (Mann-Kendall z) plus the latest z.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"reported_at": pd.date_range("2019-11-01", "2020-01-01", periods=20, tz="UTC"),
    ...     "category": "killing"}, geometry=gpd.points_from_xy([20.0] * 19 + [22.0], [5.0] * 19 + [6.0]),
    ...     crs="EPSG:4326")
    >>> ehsa = EmergingHotSpots(cell_km=25).fit(AlertIndex.from_frame(a))
    >>> len(ehsa.areas(7306.0, k=1))
    1
    """

    name = "emerging hot spots"

    def __init__(self, cell_km: float = 25.0, slice_days: float = 28.0, n_slices: int = 12, bounds=None):
        self.cell_km, self.slice_days, self.n_slices, self.bounds = cell_km, slice_days, n_slices, bounds

    def fit(self, ix: AlertIndex) -> "EmergingHotSpots":
        self.ix = ix
        self.grid = Grid.covering(ix.x, ix.y, self.cell_km, self.bounds)
        self.cells = self.grid.cell_of(ix.x, ix.y)
        self.w = self.grid.queen()
        return self

    def cube(self, t_end: float) -> np.ndarray:
        """Counts (cells, slices), oldest slice first, ending at ``t_end``."""
        sl = _known(self.ix, t_end, t_end - self.n_slices * self.slice_days)
        ok = _counted(self.ix, sl) & (self.cells[sl] >= 0)
        s = self.n_slices - 1 - np.floor((t_end - self.ix.t_rep[sl][ok]) / self.slice_days).astype("int64")
        cube = np.zeros((self.grid.n, self.n_slices))
        np.add.at(cube, (self.cells[sl][ok], s), 1.0)
        return cube

    def areas(self, t_end: float, k: int) -> list:
        cube = self.cube(t_end)
        if cube.sum() == 0:
            return []
        z = gi_star(cube, self.w)
        active = np.flatnonzero(z.max(axis=1) > 0)
        if len(active) == 0:
            return []
        _, trend_z, _ = mann_kendall(z[active])
        last = z[active, -1]
        hot_now = last > 1.96
        key = np.where(hot_now, 1000.0, 0.0) + trend_z + last
        order = active[np.lexsort((active, -key))][:k]
        return [self.grid.polygon(c) for c in order]
