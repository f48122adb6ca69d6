"""Expected serious events in discs over the next days, and the discs to name.

As of ``T``, with a fitted :class:`~ewarning.forecast.hawkes.HawkesFit`, the
expected number of serious events in a disc ``D`` over ``[T, T + H)`` is, in
closed form (offspring of serious events inside the horizon left out):

    E(D) = mu * H * int_D nu  +  theta * sum_j w_j * G_j * int_D f(x - x_j)

with ``G_j = int_T^{T+H} g(t - t_j) dt`` (exponentials: closed form) and each
Gaussian's mass inside the disc a non-central chi-square CDF
(:func:`~ewarning.forecast.kernels.disc_mass`).

Reports still to come in the horizon trigger too (``arrivals_days``, a
second-order term): each report of the last ``arrivals_days`` stands for more
like it arriving at its place at rate ``1 / arrivals_days`` a day over the
horizon, each triggering ``theta * w_j`` times its time kernel's mass before
``T + H``; so ``G_j`` gains ``(1 / arrivals_days) int_0^H G(u) du``, ``G`` the
time kernel's CDF (closed form). The offspring of serious events inside the
horizon are still left out.

Candidate areas are discs centred on places with reports in the last
``candidate_days`` known at ``T``; each gets the radius (from ``radii_km``)
that maximises ``E - price_per_km2 * area``, where both are taken over the disc
widened by ``margin_km`` (the backtest's tolerance: an event within it counts
as a hit, so the widened disc is what is judged); then best first, each at
least ``min_sep_km`` from those already named (:func:`choose_discs`).

Candidates beyond ``n_candidates`` are first thinned to the best of each
cell half the separation wide, ranked on a raster of the point intensity.

Complexity: the sources (reports of the last ``max_lag_days``, two Gaussians
each, and the background's serious events) are binned per standard deviation
on a grid a quarter of it wide; candidates are first ranked on a 2 km raster
of the point intensity (one raster per standard deviation, cells a third of
it), then the best ``n_candidates`` get the exact disc
masses, O(n_candidates x sources within reach x radii) table look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.ndimage import gaussian_filter
from scipy.spatial import cKDTree

from .hawkes import Events, HawkesFit
from .kernels import DiscMassTable, disc_mass

__all__ = ["BinIndex", "DiscConfig", "Sources", "sources", "expected_in_disc", "choose_discs", "DiscForecast", "Disc"]


@lru_cache(maxsize=1)
def _table() -> DiscMassTable:
    return DiscMassTable()


@dataclass(frozen=True)
class DiscConfig:
    """How discs are drawn.

    Examples
    --------
    >>> DiscConfig().horizon_days, DiscConfig().margin_km, DiscConfig().price_per_km2, DiscConfig().min_sep_km
    (14.0, 10.0, 0.0002, 10.0)
    """

    horizon_days: float = 14.0
    price_per_km2: float = 2e-4        # expected serious events a km^2 of area must bring
    min_sep_km: float = 10.0           # chosen on 2009-2015 with the price (benchmarks/results/hawkes_config.json)
    radii_km: tuple = (1.0, 2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0)
    margin_km: float = 10.0
    candidate_days: float = 365.0
    max_lag_days: float = 365.0
    n_candidates: int = 300
    raster_km: float = 2.0
    #: > 0: also expect the reports of the next ``horizon_days`` to trigger, assuming they arrive at the rate
    #: and places of the last ``arrivals_days`` (a second-order term; 0: first-order, only reports known);
    #: 28 chosen on 2009-2015 (tuning log)
    arrivals_days: float = 28.0


@dataclass
class Sources:
    """Gaussian sources of expected serious events over the horizon: centres (km), sd (km) and mass (events).

    ``kind``: 0 background, 1 narrow trigger, 2 wide trigger; ``age_days`` of the report (background: nan);
    ``report`` the index of the report in :class:`Events` (background: the serious event).
    """

    x: np.ndarray
    y: np.ndarray
    sd: np.ndarray
    mass: np.ndarray
    kind: np.ndarray
    age_days: np.ndarray
    report: np.ndarray

    @property
    def total(self) -> float:
        return float(self.mass.sum())


def sources(ev: Events, model: HawkesFit, t_end: float, config: DiscConfig | None = None) -> Sources:
    """The sources of the forecast as of ``t_end`` (reports with ``t_rep < t_end`` only).

    Examples
    --------
    >>> from ewarning.forecast.hawkes import fit
    >>> ev = Events.from_arrays(t=[1.0, 2.0], x=[0.0, 0.0], y=[0.0, 0.0], killed=[6, 6])
    >>> s = sources(ev, fit(ev, 10.0), 10.0)
    >>> sorted(set(s.kind.tolist()))
    [0, 1, 2]
    """
    cfg = config or DiscConfig()
    p = model.params
    known = ev.known(t_end)
    trig = np.flatnonzero(known & (ev.c > 0) & (ev.t >= t_end - cfg.max_lag_days) & (ev.t < t_end))
    age = t_end - ev.t[trig]
    gf, gs = p.time.integral_parts(age, age + cfg.horizon_days)
    m = p.theta * ev.weights(p.beta)[trig] * (gf + gs)
    if cfg.arrivals_days > 0:
        # reports still to come in the horizon, like those of the last arrivals_days at the same places:
        # one arriving uniformly in [T, T + H) triggers theta * w * (1/H) int_0^H G(u) du there
        h, tk = cfg.horizon_days, p.time
        a = sum(share * (h - mean * (1.0 - np.exp(-h / mean)))
                for share, mean in ((tk.fast_share, tk.fast_days), (1.0 - tk.fast_share, tk.slow_days)))
        recent = ev.t_rep[trig] >= t_end - cfg.arrivals_days
        m = m + np.where(recent, p.theta * ev.weights(p.beta)[trig] * a / cfg.arrivals_days, 0.0)
    s_n, s_w = p.space.sd(ev.err_km[trig])
    bg = np.flatnonzero(known & ev.serious)
    bg_mass = np.full(len(bg), p.mu * cfg.horizon_days / max(len(bg), 1))
    bg_sd = np.sqrt(p.background_km ** 2 + ev.err_km[bg] ** 2)
    sh = p.space.narrow_share
    return Sources(
        x=np.concatenate([ev.x[bg], ev.x[trig], ev.x[trig]]), y=np.concatenate([ev.y[bg], ev.y[trig], ev.y[trig]]),
        sd=np.concatenate([bg_sd, s_n, s_w]), mass=np.concatenate([bg_mass, m * sh, m * (1 - sh)]),
        kind=np.concatenate([np.zeros(len(bg), "int8"), np.ones(len(trig), "int8"), np.full(len(trig), 2, "int8")]),
        age_days=np.concatenate([np.full(len(bg), np.nan), age, age]),
        report=np.concatenate([bg, trig, trig]))


def expected_in_disc(src: Sources, cx: float, cy: float, radius_km: float, mask: np.ndarray | None = None) -> float:
    """Expected serious events in one disc (exact non-central chi-square masses); ``mask`` selects sources.

    Examples
    --------
    >>> s = Sources(np.zeros(1), np.zeros(1), np.ones(1), np.ones(1), np.zeros(1, "int8"), np.zeros(1), np.zeros(1))
    >>> round(expected_in_disc(s, 0.0, 0.0, 1.0), 4)    # 1 - exp(-1/2)
    0.3935
    """
    m = np.ones(len(src.x), bool) if mask is None else mask
    d = np.hypot(src.x[m] - cx, src.y[m] - cy)
    return float((src.mass[m] * disc_mass(d, radius_km, src.sd[m])).sum())


@dataclass(frozen=True)
class Disc:
    """A named disc: centre (km), radius, expected serious events in it and in it widened by the margin."""

    x: float
    y: float
    radius_km: float
    expected: float
    expected_widened: float
    objective: float


@dataclass
class DiscForecast:
    """Discs best first, as of ``t_end``.

    Attributes
    ----------
    discs : list of Disc
    t_end : float
    total_expected : float
        Expected serious events over the whole plane in the horizon.
    model_source : str
        ``"fitted"`` or ``"defaults"`` (from the fit used).
    n_candidates : int

    Examples
    --------
    >>> DiscForecast([], 0.0, 0.0, "defaults", 0).polygons()
    []
    """

    discs: list
    t_end: float
    total_expected: float
    model_source: str
    n_candidates: int
    notes: list = field(default_factory=list)
    k: int = 0

    def polygons(self, k: int | None = None) -> list:
        import shapely
        ds = self.discs[:k] if k is not None else self.discs
        return [shapely.buffer(shapely.points(d.x, d.y), d.radius_km, quad_segs=8) for d in ds]


def _binned(src: Sources):
    """Sources grouped by standard deviation (rounded to 2 %), binned on a grid of a quarter of it."""
    key = np.round(np.log(src.sd) / 0.02).astype("int64")
    out = []
    for k in np.unique(key):
        sel = key == k
        sd = float(np.exp(k * 0.02))
        cell = sd / 4.0
        gx = np.floor(src.x[sel] / cell).astype("int64")
        gy = np.floor(src.y[sel] / cell).astype("int64")
        code = gx * 4_000_003 + gy
        u, inv = np.unique(code, return_inverse=True)
        mass = np.bincount(inv, weights=src.mass[sel])
        # mass-weighted centre of each bin
        bx = np.bincount(inv, weights=src.mass[sel] * src.x[sel]) / np.maximum(mass, 1e-300)
        by = np.bincount(inv, weights=src.mass[sel] * src.y[sel]) / np.maximum(mass, 1e-300)
        keep = mass > 0
        out.append((sd, bx[keep], by[keep], mass[keep]))
    return out


class BinIndex:
    """The bins of :func:`_binned` for every report's three Gaussians under one fit, made once per fit.

    Each report's background, narrow and wide standard deviations, their groups (rounded to 2 %) and their
    cells depend only on the fit's parameters and the report's place and precision, not on the as-of
    time, so the dates that share a fit (the refit schedule) share them: :func:`_binned` then needs no sort.
    The bins are exactly those of :func:`_binned` (same groups, same order, same sums).
    """

    def __init__(self, ev: Events, model: HawkesFit):
        p = model.params
        n = len(ev)
        s_n, s_w = p.space.sd(ev.err_km)
        s_bg = np.sqrt(p.background_km ** 2 + ev.err_km ** 2)
        sds = np.concatenate([s_bg, s_n, s_w])             # index: kind * n + report
        self.n = n
        self.keys = np.round(np.log(sds) / 0.02).astype("int64")
        self.pos = np.full(3 * n, -1, dtype="int64")
        self.n_bins: dict[int, int] = {}
        rep = np.tile(np.arange(n), 3)
        for key in np.unique(self.keys):
            sel = np.flatnonzero(self.keys == key)
            cell = float(np.exp(key * 0.02)) / 4.0
            code = (np.floor(ev.x[rep[sel]] / cell).astype("int64") * 4_000_003
                    + np.floor(ev.y[rep[sel]] / cell).astype("int64"))
            u, inv = np.unique(code, return_inverse=True)
            self.pos[sel] = inv
            self.n_bins[int(key)] = len(u)


def _binned_with(src: Sources, index: BinIndex):
    """:func:`_binned` from a :class:`BinIndex` of the same fit."""
    flat = src.kind.astype("int64") * index.n + src.report.astype("int64")
    key = index.keys[flat]
    out = []
    k0 = int(key.min()) if len(key) else 0
    for k in np.flatnonzero(np.bincount(key - k0)) + k0:
        sel = key == k
        inv = index.pos[flat[sel]]
        nb = index.n_bins[int(k)]
        w = src.mass[sel]
        mass = np.bincount(inv, weights=w, minlength=nb)
        bx = np.bincount(inv, weights=w * src.x[sel], minlength=nb) / np.maximum(mass, 1e-300)
        by = np.bincount(inv, weights=w * src.y[sel], minlength=nb) / np.maximum(mass, 1e-300)
        keep = mass > 0
        out.append((float(np.exp(k * 0.02)), bx[keep], by[keep], mass[keep]))
    return out


def choose_discs(ev: Events, model: HawkesFit, t_end: float, k: int, config: DiscConfig | None = None,
                 src: Sources | None = None, bins: BinIndex | None = None) -> DiscForecast:
    """The ``k`` best discs as of ``t_end``.

    Parameters
    ----------
    ev : Events
    model : HawkesFit
        Fitted as of a time at or before ``t_end``.
    t_end : float
        As-of time (days).
    k : int
    config : DiscConfig, optional
    src : Sources, optional
        Precomputed :func:`sources`.
    bins : BinIndex, optional
        The bins of ``model`` (shared by the dates of one fit; the same result, faster).

    Returns
    -------
    DiscForecast

    Examples
    --------
    >>> from ewarning.forecast.hawkes import fit
    >>> ev = Events.from_arrays(t=[1.0, 2.0, 3.0], x=[0.0, 0.0, 80.0], y=[0.0, 0.0, 0.0], killed=[6, 6, 6])
    >>> f = choose_discs(ev, fit(ev, 10.0), 10.0, k=2)
    >>> [round(d.x) for d in f.discs]    # the place with two events first
    [0, 80]
    """
    cfg = config or DiscConfig()
    src = src if src is not None else sources(ev, model, t_end, cfg)
    known = ev.known(t_end)
    cand = np.flatnonzero(known & (ev.t >= t_end - cfg.candidate_days) & (ev.c > 0))
    if len(cand) == 0 or k <= 0 or src.total <= 0:
        return DiscForecast([], t_end, src.total, model.source, 0, ["no reports to centre discs on"], k=k)
    cx = np.round(ev.x[cand], 1)
    cy = np.round(ev.y[cand], 1)
    xy = np.unique(np.column_stack([cx, cy]), axis=0)
    bins = _binned(src) if bins is None else _binned_with(src, bins)
    # 1. rank candidates by the point intensity: one raster per standard deviation, its cell a third of it
    res = cfg.raster_km
    if len(xy) > cfg.n_candidates:
        score = np.zeros(len(xy))
        for sd, bx, by, mass in bins:
            r_c = max(res, sd / 3.0)
            pad = min(4.0 * sd, 200.0)
            x0, y0 = xy[:, 0].min() - pad, xy[:, 1].min() - pad
            nx = int((xy[:, 0].max() + pad - x0) / r_c) + 1
            ny = int((xy[:, 1].max() + pad - y0) / r_c) + 1
            ix_ = np.floor((bx - x0) / r_c).astype("int64")
            iy_ = np.floor((by - y0) / r_c).astype("int64")
            ok = (ix_ >= 0) & (ix_ < nx) & (iy_ >= 0) & (iy_ < ny)
            h = np.bincount(iy_[ok] * nx + ix_[ok], weights=mass[ok], minlength=nx * ny).reshape(ny, nx)
            dens = gaussian_filter(h, sigma=max(sd / r_c, 0.5), mode="constant", truncate=3.0) / r_c ** 2
            ci = np.clip(((xy[:, 0] - x0) / r_c).astype("int64"), 0, nx - 1)
            cj = np.clip(((xy[:, 1] - y0) / r_c).astype("int64"), 0, ny - 1)
            score += dens[cj, ci]
        # the best candidate of each cell half the separation wide, so the candidates spread over places
        cell = max(cfg.min_sep_km / 2.0, res)
        code = np.floor(xy[:, 0] / cell).astype("int64") * 4_000_003 + np.floor(xy[:, 1] / cell).astype("int64")
        by_score = np.argsort(-score, kind="stable")
        _, first = np.unique(code[by_score], return_index=True)
        best_of_cell = by_score[np.sort(first)]
        top = best_of_cell[:cfg.n_candidates]
        xy = xy[np.sort(top)]
    # 2. exact expected events in every (candidate, radius), widened by the margin
    radii = np.asarray(cfg.radii_km, dtype="float64")
    r_eff = radii + cfg.margin_km
    table = _table()
    tree_c = cKDTree(xy)
    e_eff = np.zeros((len(xy), len(radii)))
    for sd, bx, by, mass in bins:
        reach = r_eff.max() + 6.0 * sd
        tree_s = cKDTree(np.column_stack([bx, by]))
        m = tree_c.sparse_distance_matrix(tree_s, reach, output_type="ndarray")
        if len(m) == 0:
            continue
        ci, sj, d = m["i"].astype("int64"), m["j"].astype("int64"), m["v"]
        w = mass[sj]
        masses = table.many(d, r_eff, sd) * w[:, None]
        for r in range(len(radii)):
            e_eff[:, r] += np.bincount(ci, weights=masses[:, r], minlength=len(xy))
    obj = e_eff - cfg.price_per_km2 * np.pi * r_eff[None, :] ** 2
    best_r = np.argmax(obj, axis=1)
    best = obj[np.arange(len(xy)), best_r]
    order = np.lexsort((xy[:, 1], xy[:, 0], -best))
    chosen: list[int] = []
    px, py = [], []
    sep2 = cfg.min_sep_km ** 2
    for c in order:
        x, y = xy[c]
        if px and np.min((np.asarray(px) - x) ** 2 + (np.asarray(py) - y) ** 2) < sep2:
            continue
        chosen.append(c)
        px.append(x)
        py.append(y)
        if len(chosen) == k:
            break
    # expected events inside each chosen disc itself (not widened), all discs at once per standard deviation
    ch = np.asarray(chosen, dtype="int64")
    e_in = np.zeros(len(ch))
    if len(ch):
        r_in = radii[best_r[ch]]
        tree_p = cKDTree(xy[ch])
        for sd, bx, by, mass in bins:
            m = tree_p.sparse_distance_matrix(cKDTree(np.column_stack([bx, by])), r_in.max() + 8.0 * sd,
                                              output_type="ndarray")
            if len(m):
                pi, sj = m["i"].astype("int64"), m["j"].astype("int64")
                e_in += np.bincount(pi, weights=mass[sj] * table(m["v"], r_in[pi], sd), minlength=len(ch))
    picked = [Disc(float(xy[c, 0]), float(xy[c, 1]), float(radii[best_r[c]]), float(e_in[n]),
                   float(e_eff[c, best_r[c]]), float(best[c])) for n, c in enumerate(ch)]
    return DiscForecast(picked, t_end, src.total, model.source, len(xy), k=k)
