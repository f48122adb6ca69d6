"""Is the engine really ahead? A paired block bootstrap over backtest dates.

A backtest table says the engine had 296 hits and the kernel-density map
284; this module says how much of that a different run of history could
undo. Every method is scored on the *same* as-of dates, so the comparison is
paired: each resample draws dates (in blocks of consecutive weeks, because a
14-day horizon makes neighbouring weekly dates share events) and recomputes
both methods' hits, hit rate, mean area share and predictive accuracy index
(PAI) on those dates.

Reported per baseline: the observed difference in hits and ratio of PAI,
their 90 % percentile intervals, and the share of resamples in which the
engine is *not* ahead (hits: fewer; PAI: lower or equal). A share near 0.5
means the order of the two methods is a coin toss on these data.

Complexity: O(n_boot x n_dates) per pair of methods (NumPy, no Python loop
over resamples).

Examples
--------
>>> import pandas as pd
>>> per_date = pd.DataFrame({"method": ["a"] * 4 + ["b"] * 4, "as_of": list(range(4)) * 2,
...     "hits": [2, 1, 2, 1, 1, 1, 1, 1], "events": [2, 2, 2, 2] * 2, "area_share": [0.01] * 8})
>>> c = compare(per_date, "a", "b", n_boot=200, block=1, seed=0)
>>> c.hits_diff, round(c.pai_ratio, 2)
(2, 1.5)
>>> 0.0 <= c.p_hits_not_ahead <= 0.5
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = ["Comparison", "compare", "compare_all", "block_indices", "format_comparisons", "BudgetComparison",
           "compare_budgets"]


@dataclass(frozen=True)
class Comparison:
    """Engine (``method``) against one ``baseline`` on the same dates.

    Attributes
    ----------
    method, baseline : str
    n_dates, n_boot, block, seed : int
    hits_diff : int
        Observed hits of ``method`` minus those of ``baseline``.
    hits_diff_low, hits_diff_high : float
        90 % percentile interval of that difference over resamples.
    p_hits_not_ahead : float
        Share of resamples where ``method`` has fewer hits (ties count half).
    pai_ratio : float
        Observed PAI of ``method`` / PAI of ``baseline``.
    pai_ratio_low, pai_ratio_high : float
        90 % percentile interval of the ratio.
    p_pai_not_ahead : float
        Share of resamples where the ratio is 1 or below (ties count half).
    """

    method: str
    baseline: str
    n_dates: int
    n_boot: int
    block: int
    seed: int
    hits_diff: int
    hits_diff_low: float
    hits_diff_high: float
    p_hits_not_ahead: float
    pai_ratio: float
    pai_ratio_low: float
    pai_ratio_high: float
    p_pai_not_ahead: float

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def block_indices(n: int, n_boot: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_boot, n)`` date positions of a moving-block bootstrap.

    Blocks of ``block`` consecutive positions start anywhere in ``0 .. n - block``
    and are laid end to end, then cut to ``n``.

    Examples
    --------
    >>> idx = block_indices(10, 3, 4, np.random.default_rng(0))
    >>> idx.shape, bool((np.diff(idx[:, :4], axis=1) == 1).all())
    ((3, 10), True)
    """
    if n == 0:
        return np.zeros((n_boot, 0), dtype="int64")
    block = int(min(max(block, 1), n))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_boot, n_blocks * block)
    return idx[:, :n]


def _columns(per_date: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = per_date[per_date["method"] == name].sort_values("as_of", kind="stable")
    if m.empty:
        raise ValueError(f"no backtest records for method {name!r}")
    return (m["hits"].to_numpy(dtype="float64"), m["events"].to_numpy(dtype="float64"),
            m["area_share"].to_numpy(dtype="float64"))


def _pai(hits: np.ndarray, events: np.ndarray, share: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (hits / events) / share


def _not_ahead(values: np.ndarray, threshold: float) -> float:
    """Share of finite values below ``threshold``, ties counting half."""
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return float("nan")
    return float(((v < threshold).sum() + 0.5 * (v == threshold).sum()) / len(v))


def compare(per_date: pd.DataFrame, method: str, baseline: str, n_boot: int = 2000, block: int = 4,
            seed: int = 0) -> Comparison:
    """Paired block bootstrap of ``method`` against ``baseline``.

    Parameters
    ----------
    per_date : pandas.DataFrame
        :attr:`ewarning.backtest.BacktestResult.per_date` (``method, as_of,
        hits, events, area_share``).
    method, baseline : str
        Method names in ``per_date``.
    n_boot : int
        Resamples.
    block : int
        Consecutive as-of dates per block (4 weekly dates cover a 14-day
        horizon and its overlap).
    seed : int
        Seed of the NumPy generator: the same seed gives the same intervals.

    Returns
    -------
    Comparison
    """
    h_a, e_a, s_a = _columns(per_date, method)
    h_b, e_b, s_b = _columns(per_date, baseline)
    if len(h_a) != len(h_b) or not np.array_equal(e_a, e_b):
        raise ValueError(f"{method!r} and {baseline!r} were not scored on the same dates and events")
    n = len(h_a)
    idx = block_indices(n, n_boot, block, np.random.default_rng(seed))
    hits_a, hits_b, events = h_a[idx].sum(1), h_b[idx].sum(1), e_a[idx].sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):   # resamples without events or areas give NaN: left out
        ratio = _pai(hits_a, events, s_a[idx].mean(1)) / _pai(hits_b, events, s_b[idx].mean(1))
        observed = _pai(h_a.sum(), e_a.sum(), s_a.mean()) / _pai(h_b.sum(), e_b.sum(), s_b.mean()) if n else np.nan
    diff = hits_a - hits_b
    finite = ratio[np.isfinite(ratio)]
    lo_r, hi_r = (np.percentile(finite, [5, 95]) if len(finite) else (np.nan, np.nan))
    lo_d, hi_d = (np.percentile(diff, [5, 95]) if n else (np.nan, np.nan))
    return Comparison(method=method, baseline=baseline, n_dates=n, n_boot=int(n_boot), block=int(block),
                      seed=int(seed), hits_diff=int(h_a.sum() - h_b.sum()), hits_diff_low=float(lo_d),
                      hits_diff_high=float(hi_d), p_hits_not_ahead=_not_ahead(diff, 0.0),
                      pai_ratio=float(observed), pai_ratio_low=float(lo_r), pai_ratio_high=float(hi_r),
                      p_pai_not_ahead=_not_ahead(ratio, 1.0))


def compare_all(per_date: pd.DataFrame, method: str = "engine", **kwargs) -> list[Comparison]:
    """:func:`compare` ``method`` with every other method in ``per_date``, in their order."""
    names = [m for m in dict.fromkeys(per_date["method"]) if m != method]
    return [compare(per_date, method, b, **kwargs) for b in names]


def format_comparisons(comparisons: list[Comparison]) -> str:
    """Fixed-width text: one line per baseline.

    Examples
    --------
    >>> print(format_comparisons([]).splitlines()[0][:23])
    engine against baseline
    """
    head = (f"{'engine against baseline':44s} {'hits +/-':>8s} {'90 % interval':>15s} {'P(not ahead)':>12s} "
            f"{'PAI ratio':>9s} {'90 % interval':>13s} {'P(not ahead)':>12s}")
    lines = [head, "-" * len(head)]
    for c in comparisons:
        lines.append(f"{c.baseline:44s} {c.hits_diff:+8d} {f'[{c.hits_diff_low:+.0f}, {c.hits_diff_high:+.0f}]':>15s} "
                     f"{c.p_hits_not_ahead:12.3f} {c.pai_ratio:9.2f} "
                     f"{f'[{c.pai_ratio_low:.2f}, {c.pai_ratio_high:.2f}]':>13s} {c.p_pai_not_ahead:12.3f}")
    return "\n".join(lines)


# -- curves: hit rate at area budgets and accuracy at equal hit rate ------------------------------------------

@dataclass(frozen=True)
class BudgetComparison:
    """``method`` against the best baseline at one area budget, with a paired block bootstrap over dates.

    Attributes
    ----------
    method, baseline : str
        ``baseline`` is the best baseline at this budget on the observed dates: the highest hit rate within
        the budget (the hit-rate comparison); ``pai_baseline`` the highest hit rate on its top-k curve at
        share ``budget`` (the level of the equal-hit-rate comparison).
    budget : float
        Area budget as a share of the country (0.01 = 1 %).
    hit_rate, baseline_hit_rate : float
        Hit rates within the budget (per date, the longest prefix of ranked areas that fits).
    hr_diff, hr_diff_low, hr_diff_high : float
        Difference of the two and its 90 % interval.
    p_hr_not_ahead : float
        Share of resamples where ``method``'s hit rate is below the baseline's (ties count half).
    pai_ratio, pai_ratio_low, pai_ratio_high : float
        Accuracy index at equal hit rate: ``budget`` / area share ``method`` needs to reach the hit rate
        the best baseline (re-chosen in each resample) reaches with ``budget``; 90 % interval. NaN when
        the method's top-k curve does not reach it (resamples where it does not count as ratio 0).
    p_pai_not_ahead : float
        Share of resamples where that ratio is 1 or below.
    lead_diff, lead_diff_low, lead_diff_high : float
        Mean lead time (days) of ``method`` minus the baseline's on the events both hit within the
        budget, and a 90 % interval (paired bootstrap over those events).
    n_dates, n_boot, block, seed : int
    """

    method: str
    baseline: str
    budget: float
    pai_baseline: str
    hit_rate: float
    baseline_hit_rate: float
    hr_diff: float
    hr_diff_low: float
    hr_diff_high: float
    p_hr_not_ahead: float
    pai_ratio: float
    pai_ratio_low: float
    pai_ratio_high: float
    p_pai_not_ahead: float
    lead_diff: float
    lead_diff_low: float
    lead_diff_high: float
    n_dates: int
    n_boot: int
    block: int
    seed: int

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def compare_budgets(curves, method: str, baselines: list | None = None, budgets=(0.01, 0.02, 0.03),
                    n_boot: int = 2000, block: int = 4, seed: int = 0) -> list[BudgetComparison]:
    """Paired block bootstrap of hit rate at area budgets and of the accuracy index at equal hit rate.

    Parameters
    ----------
    curves : ewarning.backtest.Curves
        From ``backtest.run(..., curve_k=25)``.
    method : str
    baselines : list of str, optional
        Default: every other method.
    budgets : tuple of float
    n_boot, block, seed : int
        As in :func:`compare`; the same resampled dates serve every budget and method.

    Returns
    -------
    list of BudgetComparison
        One per budget.

    Examples
    --------
    >>> from ewarning.backtest import Curves
    >>> sh = {"a": np.tile([0.005, 0.01, 0.02], (6, 1)), "b": np.tile([0.01, 0.02, 0.03], (6, 1))}
    >>> hi = {"a": np.tile([1, 2, 2], (6, 1)), "b": np.tile([1, 1, 2], (6, 1))}
    >>> c = Curves(["a", "b"], list(range(6)), sh, hi, np.full(6, 2), {"a": [], "b": []}, np.arange(6.0),
    ...            np.zeros(0), 3)
    >>> r = compare_budgets(c, "a", n_boot=50, budgets=(0.01,))[0]
    >>> r.hit_rate, r.baseline_hit_rate, round(r.pai_ratio, 2)
    (1.0, 0.5, 2.0)
    """
    from .backtest import area_needed, budget_hits, rate_at_area
    baselines = [m for m in curves.methods if m != method] if baselines is None else list(baselines)
    n = len(curves.events)
    idx = block_indices(n, n_boot, block, np.random.default_rng(seed))
    ev = curves.events.astype("float64")
    ev_b = ev[idx].sum(1)
    windows = ev.sum()

    def curve(name, rows=None):
        sh, h = curves.share[name], curves.hits[name].astype("float64")
        if rows is None:
            return sh.mean(0), h.sum(0) / windows
        with np.errstate(divide="ignore", invalid="ignore"):
            return sh[rows].mean(1), h[rows].sum(1) / ev_b[:, None]

    obs = {m: curve(m) for m in [method] + baselines}
    boot = {m: curve(m, idx) for m in [method] + baselines}
    out = []
    for b in budgets:
        hb = {m: budget_hits(curves.share[m], curves.hits[m], b)[0].astype("float64") for m in [method] + baselines}
        best = max(baselines, key=lambda m: float(hb[m].sum()))
        best_curve = max(baselines, key=lambda m: float(rate_at_area(*obs[m], b)))
        with np.errstate(divide="ignore", invalid="ignore"):
            hr = hb[method].sum() / windows
            hr_base = hb[best].sum() / windows
            diff = hb[method][idx].sum(1) / ev_b - hb[best][idx].sum(1) / ev_b
            level_obs = max(float(rate_at_area(*obs[m], b)) for m in baselines)
            need_obs = float(area_needed(*obs[method], level_obs))
            ratio_obs = b / need_obs if need_obs > 0 else np.nan
            level_b = np.max([rate_at_area(*boot[m], b) for m in baselines], axis=0)
            need_b = area_needed(*boot[method], level_b)
            ratio_b = np.where(np.isnan(need_b), 0.0, b / need_b)
        ratio_b = ratio_b[np.isfinite(level_b)]
        diff = diff[np.isfinite(diff)]
        lo_d, hi_d = np.percentile(diff, [5, 95]) if len(diff) else (np.nan, np.nan)
        lo_r, hi_r = np.percentile(ratio_b, [5, 95]) if len(ratio_b) else (np.nan, np.nan)
        lead_m, lead_b = _leads(curves, method, b), _leads(curves, best, b)
        both = sorted(set(lead_m) & set(lead_b))
        if both:
            d = np.array([lead_m[e] - lead_b[e] for e in both])
            rng = np.random.default_rng(seed + 1)
            boots = d[rng.integers(0, len(d), size=(n_boot, len(d)))].mean(1)
            lead = (float(d.mean()), *np.percentile(boots, [5, 95]).tolist())
        else:
            lead = (np.nan, np.nan, np.nan)
        out.append(BudgetComparison(
            method=method, baseline=best, budget=float(b), pai_baseline=best_curve, hit_rate=float(hr),
            baseline_hit_rate=float(hr_base),
            hr_diff=float(hr - hr_base), hr_diff_low=float(lo_d), hr_diff_high=float(hi_d),
            p_hr_not_ahead=_not_ahead(diff, 0.0), pai_ratio=float(ratio_obs), pai_ratio_low=float(lo_r),
            pai_ratio_high=float(hi_r), p_pai_not_ahead=_not_ahead(ratio_b, 1.0), lead_diff=float(lead[0]),
            lead_diff_low=float(lead[1]), lead_diff_high=float(lead[2]), n_dates=n, n_boot=int(n_boot),
            block=int(block), seed=int(seed)))
    return out


def _leads(curves, name, budget) -> dict:
    """Event index -> lead days within ``budget`` (the rule of :func:`ewarning.backtest.lead_days`)."""
    from .backtest import _budget_pick
    n_fit = _budget_pick(curves.share[name], budget)
    first_t: dict[int, float] = {}
    for di, (ev, first) in enumerate(curves.first[name]):
        for e in ev[first < n_fit[di]]:
            first_t.setdefault(int(e), float(curves.t[di]))
    return {e: float(curves.ev_t[e] - t0) for e, t0 in first_t.items()}
