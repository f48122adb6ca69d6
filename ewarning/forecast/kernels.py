"""Triggering kernels of the self-exciting model: time (two exponentials) and space (two Gaussians).

A report at ``(x_j, t_j)`` raises the intensity of serious events at
``(x, t)`` by ``g(t - t_j) * f(x - x_j)``:

- :class:`TimeKernel` ``g``: a mix of a fast and a slow exponential,
  ``g(s) = a * w1 * exp(-w1 s) + (1 - a) * w2 * exp(-w2 s)`` for ``s > 0``,
  integrating to one;
- :class:`SpaceKernel` ``f``: a mix of a narrow (same place) and a wide
  isotropic Gaussian, ``f(d) = p * phi(d; s1) + (1 - p) * phi(d; s2)`` with
  ``phi(d; s) = exp(-d^2 / 2 s^2) / (2 pi s^2)`` (per km^2), widened per
  report by its location precision (variance ``s^2 + e_j^2``).

The mass of a Gaussian of standard deviation ``s`` centred ``d`` km from the
centre of a disc of radius ``R`` is a non-central chi-square CDF with two
degrees of freedom, ``ncx2.cdf(R^2 / s^2, 2, d^2 / s^2)`` (:func:`disc_mass`).
:class:`DiscMassTable` interpolates it on a fine grid for speed (error below
2e-4, see the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import ncx2, norm

__all__ = ["TimeKernel", "SpaceKernel", "disc_mass", "DiscMassTable", "gaussian_pdf"]


@dataclass(frozen=True)
class TimeKernel:
    """``g(s)``: a fast and a slow exponential, in days.

    Parameters
    ----------
    fast_days, slow_days : float
        Mean lags (1 / rate) of the two exponentials.
    fast_share : float
        Weight ``a`` of the fast one.

    Examples
    --------
    >>> g = TimeKernel(fast_days=5.0, slow_days=90.0, fast_share=0.5)
    >>> round(float(g.integral(0.0, 1e6)), 6)
    1.0
    >>> bool(g.pdf(np.array([1.0]))[0] > g.pdf(np.array([30.0]))[0])
    True
    """

    fast_days: float = 5.0
    slow_days: float = 90.0
    fast_share: float = 0.5

    def pdf(self, s: np.ndarray) -> np.ndarray:
        s = np.asarray(s, dtype="float64")
        a, m1, m2 = self.fast_share, self.fast_days, self.slow_days
        out = a / m1 * np.exp(-s / m1) + (1 - a) / m2 * np.exp(-s / m2)
        return np.where(s > 0, out, 0.0)

    def parts(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fast and slow terms of :meth:`pdf` separately."""
        s = np.asarray(s, dtype="float64")
        a, m1, m2 = self.fast_share, self.fast_days, self.slow_days
        pos = s > 0
        return (np.where(pos, a / m1 * np.exp(-s / m1), 0.0), np.where(pos, (1 - a) / m2 * np.exp(-s / m2), 0.0))

    def integral(self, s0, s1) -> np.ndarray:
        """``int_{s0}^{s1} g(s) ds`` (lags below zero count as zero)."""
        s0 = np.maximum(np.asarray(s0, dtype="float64"), 0.0)
        s1 = np.maximum(np.asarray(s1, dtype="float64"), 0.0)
        a, m1, m2 = self.fast_share, self.fast_days, self.slow_days
        cdf = lambda s: a * (1 - np.exp(-s / m1)) + (1 - a) * (1 - np.exp(-s / m2))  # noqa: E731
        return cdf(s1) - cdf(s0)

    def integral_parts(self, s0, s1) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`integral` of the fast and slow terms separately."""
        s0 = np.maximum(np.asarray(s0, dtype="float64"), 0.0)
        s1 = np.maximum(np.asarray(s1, dtype="float64"), 0.0)
        a, m1, m2 = self.fast_share, self.fast_days, self.slow_days
        return (a * (np.exp(-s0 / m1) - np.exp(-s1 / m1)), (1 - a) * (np.exp(-s0 / m2) - np.exp(-s1 / m2)))


def gaussian_pdf(d2: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Isotropic 2-D Gaussian density (per km^2) at squared distance ``d2`` for variance ``var``."""
    return np.exp(-0.5 * d2 / var) / (2 * np.pi * var)


@dataclass(frozen=True)
class SpaceKernel:
    """``f(d)``: a narrow and a wide isotropic Gaussian, standard deviations in km.

    Examples
    --------
    >>> f = SpaceKernel(narrow_km=2.0, wide_km=30.0, narrow_share=0.5)
    >>> f.sd(np.array([0.0, 2.5]))[0].round(3).tolist()     # narrow sd without and with 2.5 km location error
    [2.0, 3.202]
    >>> round(float(f.pdf(np.array([0.0]), np.array([0.0]))[0] * 2 * np.pi * 4), 3)   # ~ narrow share at d = 0
    0.502
    """

    narrow_km: float = 2.0
    wide_km: float = 30.0
    narrow_share: float = 0.5

    def sd(self, extra_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Narrow and wide standard deviations widened by a report's location error ``extra_km``."""
        e2 = np.asarray(extra_km, dtype="float64") ** 2
        return np.sqrt(self.narrow_km ** 2 + e2), np.sqrt(self.wide_km ** 2 + e2)

    def parts(self, d2: np.ndarray, extra_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Narrow and wide terms of :meth:`pdf` at squared distances ``d2``."""
        s1, s2 = self.sd(extra_km)
        return (self.narrow_share * gaussian_pdf(d2, s1 ** 2), (1 - self.narrow_share) * gaussian_pdf(d2, s2 ** 2))

    def pdf(self, d2: np.ndarray, extra_km: np.ndarray) -> np.ndarray:
        n, w = self.parts(d2, extra_km)
        return n + w


def disc_mass(d: np.ndarray, radius: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Mass of an isotropic Gaussian (sd ``sd``, centre ``d`` km from the disc's centre) in a disc of ``radius``.

    ``|X - c|^2 / sd^2`` is non-central chi-square with 2 degrees of freedom
    and non-centrality ``d^2 / sd^2``, so the mass is its CDF at ``radius^2 / sd^2``.

    Examples
    --------
    >>> bool(np.isclose(disc_mass(0.0, 1.0, 1.0), 1 - np.exp(-0.5)))   # centred: the Rayleigh CDF
    True
    """
    d, radius, sd = (np.asarray(v, dtype="float64") for v in (d, radius, sd))
    return ncx2.cdf(radius ** 2 / sd ** 2, 2, d ** 2 / sd ** 2)


class DiscMassTable:
    """:func:`disc_mass` interpolated on a grid of ``d / sd`` and ``radius / sd`` (fast, vectorised).

    Bilinear on ``u = d / sd`` in [0, ``u_max``] and ``v = radius / sd`` in
    [0, ``v_max``]; outside it the mass is 1 when ``u <= v - 8`` and 0 when
    ``u >= v + 8`` (off by less than 1e-14). In between (a narrow Gaussian
    near the rim of a wide disc, ``v >= 8``) a second table, bilinear on the
    distance to the rim ``v - u`` in [-8, 8] and the rim's curvature ``1 / v``
    in [0, 1/8] (at ``1 / v = 0`` the rim is straight: the mass is the normal
    CDF of ``v - u``); error below 2e-5 (the tests). Only ``v < 8`` with
    ``u >= u_max`` (never: ``|u - v| < 8``) would need the exact CDF.

    Examples
    --------
    >>> tab = DiscMassTable()
    >>> bool(abs(tab(np.array([3.0]), np.array([5.0]), np.array([2.0]))[0] - disc_mass(3.0, 5.0, 2.0)) < 2e-4)
    True
    >>> bool(np.allclose(tab.many(np.array([3.0, 40.0]), np.array([5.0, 9.0]), 2.0),
    ...                  tab(np.array([[3.0], [40.0]]), np.array([[5.0, 9.0]]), 2.0)))
    True
    """

    def __init__(self, u_max: float = 16.0, v_max: float = 24.0, step: float = 0.02):
        self.u = np.arange(0.0, u_max + step / 2, step)
        self.v = np.arange(0.0, v_max + step / 2, step)
        self.step = step
        uu, vv = np.meshgrid(self.u, self.v, indexing="ij")
        self.table = ncx2.cdf(vv ** 2, 2, uu ** 2)
        self.table[:, 0] = 0.0
        # the rim: delta = v - u on [-8, 8], curvature w = 1 / v on [0, 1/8]
        self.rim_step = step
        self.rim_delta = np.arange(-8.0, 8.0 + step / 2, step)
        self.rim_w = np.linspace(0.0, 1.0 / 8.0, 145)
        dd, ww = np.meshgrid(self.rim_delta, self.rim_w, indexing="ij")
        vv = 1.0 / np.where(ww > 0, ww, 1.0)
        self.rim = np.where(ww > 0, ncx2.cdf(vv ** 2, 2, np.clip(vv - dd, 0.0, None) ** 2), norm.cdf(dd))

    def _near_rim(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Mass for ``|u - v| < 8``: the rim table when ``v >= 8``, else the exact CDF."""
        out = np.empty(u.shape)
        ok = v >= 8.0
        if ok.any():
            fi = (v[ok] - u[ok] + 8.0) / self.rim_step
            i0 = np.clip(fi.astype("int64"), 0, len(self.rim_delta) - 2)
            di = np.clip(fi - i0, 0.0, 1.0)
            fj = (1.0 / v[ok]) / self.rim_w[1]
            j0 = np.minimum(fj.astype("int64"), len(self.rim_w) - 2)
            dj = fj - j0
            t = self.rim
            out[ok] = ((1 - di) * (1 - dj) * t[i0, j0] + di * (1 - dj) * t[i0 + 1, j0]
                       + (1 - di) * dj * t[i0, j0 + 1] + di * dj * t[i0 + 1, j0 + 1])
        if (~ok).any():
            out[~ok] = ncx2.cdf(v[~ok] ** 2, 2, u[~ok] ** 2)
        return out

    def __call__(self, d: np.ndarray, radius: np.ndarray, sd: np.ndarray) -> np.ndarray:
        u = np.asarray(d, dtype="float64") / sd
        v = np.asarray(radius, dtype="float64") / sd
        u, v = np.broadcast_arrays(u, v)
        out = np.zeros(u.shape)
        big_v = v >= self.v[-1]
        far = u >= self.u[-1]
        inside = ~big_v & ~far
        fi, fj = u[inside] / self.step, v[inside] / self.step
        i0 = np.minimum(fi.astype("int64"), len(self.u) - 2)
        j0 = np.minimum(fj.astype("int64"), len(self.v) - 2)
        di, dj = fi - i0, fj - j0
        t = self.table
        out[inside] = ((1 - di) * (1 - dj) * t[i0, j0] + di * (1 - dj) * t[i0 + 1, j0]
                       + (1 - di) * dj * t[i0, j0 + 1] + di * dj * t[i0 + 1, j0 + 1])
        # outside the table: the disc holds the whole Gaussian when its centre is 8 sd inside the rim
        # (mass above 1 - 1e-14), none when 8 sd outside; the exact CDF only in between
        outside = ~inside
        out[outside & (u <= v - 8.0)] = 1.0
        rest = outside & (np.abs(u - v) < 8.0)
        if rest.any():
            out[rest] = self._near_rim(u[rest], v[rest])
        return out

    def many(self, d: np.ndarray, radii: np.ndarray, sd: float) -> np.ndarray:
        """``(len(d), len(radii))`` masses for one ``sd`` (the distance part of the interpolation shared).

        The same values as :meth:`__call__`; the table is read by rows of ``v`` (one contiguous row per
        radius) and discs wider than the table skip the interpolation.
        """
        u = np.asarray(d, dtype="float64") / sd
        out = np.zeros((len(u), len(radii)))
        fi = u / self.step
        ok = u < self.u[-1]
        i0 = np.minimum(fi.astype("int64"), len(self.u) - 2)
        di = fi - i0
        i1 = i0 + 1
        t_v = self._by_v()
        for r, radius in enumerate(np.asarray(radii, dtype="float64")):
            v = radius / sd
            if v >= self.v[-1]:
                col = (u <= v - 8.0).astype("float64")
                band = np.abs(u - v) < 8.0
                if band.any():
                    col[band] = self._near_rim(u[band], np.full(int(band.sum()), v))
                out[:, r] = col
                continue
            fj = v / self.step
            j0 = min(int(fj), len(self.v) - 2)
            dj = fj - j0
            row0, row1 = t_v[j0], t_v[j0 + 1]
            col0 = (1 - di) * row0[i0] + di * row0[i1]
            col1 = (1 - di) * row1[i0] + di * row1[i1]
            out[:, r] = np.where(ok, (1 - dj) * col0 + dj * col1, 0.0)
            far = ~ok & (v > u - 8.0)
            if far.any():
                out[far, r] = self._near_rim(u[far], np.full(int(far.sum()), v))
        return out

    def _by_v(self) -> np.ndarray:
        """The table with ``v`` first (rows contiguous), made once."""
        if getattr(self, "_table_v", None) is None:
            self._table_v = np.ascontiguousarray(self.table.T)
        return self._table_v
