"""Tension score: how much, and how fast, tension is rising in a hotspot.

Six components, each in [0, 1]:

``escalation``
    Recent rate against the place's own baseline (same area, the
    ``baseline_days`` before the window), each day counting at most
    ``daily_cap`` reports (reports of one day are not independent events).
    Conditional on the total, the recent count is binomial; the Clopper-Pearson
    bound gives the rate ratio ``R_low`` exceeded with ``escalation_confidence``
    and the component is ``1 - 1/R_low`` (the share of recent activity that is
    confidently in excess of the baseline; 0 when there is no confident rise).
    Tested over the window and over the last ``short_window_days``
    (Bonferroni-adjusted), the larger counts. The plain Poisson test p-value is
    kept for the explanation.
``trend``
    Mann-Kendall test on weekly weighted counts of the last ``trend_weeks``
    weeks: ``max(0, tau) * (1 - p)`` (one-sided p). One loud week gives a
    small tau; a steady rise a large one.
``intensity``
    Recent harm, counted day by day with ``log(1 + harm of the day)`` so that
    one loud day saturates, blended with the area's decayed longer-term harm
    (``memory_weight``, ``memory_half_life_days``).
``spread``
    Distinct days (and, less, distinct 2 km cells) with reports.
``severity``
    Share of harm from killings, sexual violence and abductions, and the
    number killed.
``exposure``
    People in IDP sites within ``exposure_km`` of the area.

``rise`` = mean of escalation and trend; ``level`` = mean of the other four
(weights ``score_weights``). Score = ``100 (rise_weight rise + (1 -
rise_weight) level (level_floor + (1 - level_floor) rise))``: rising tension
carries the score; a busy place that is not rising keeps at most 25 of 100
(default weights), so intensity alone cannot carry it to the top.

Complexity: one STRtree query of the m sliced alerts against h hotspot
areas, O((m + h) log h); the capped counts sort (area, day) keys, O(m log m);
everything else is O(m + h * trend_weeks^2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.special import betainc, betaincinv
from scipy.stats import norm

from .config import HotspotConfig
from .prepare import AlertIndex, combine_keys, incident_severity, incidents

COMPONENTS = ["intensity", "escalation", "trend", "spread", "severity", "exposure"]


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall trend test, row by row, with the tie correction.

    Parameters
    ----------
    series : array of shape (n_series, n_times)

    Returns
    -------
    tau, z, p_up : numpy.ndarray
        Kendall's tau against time, the normal score and the one-sided
        p-value of an *upward* trend.

    Examples
    --------
    >>> tau, z, p = mann_kendall(np.array([[0, 0, 1, 1, 2, 2, 3, 4], [0, 0, 0, 0, 0, 0, 0, 5]]))
    >>> np.round(tau, 2).tolist(), bool(p[0] < 0.01), bool(p[1] > 0.05)
    ([0.89, 0.25], True, True)
    """
    x = np.atleast_2d(np.asarray(series, dtype="float64"))
    n_rows, n = x.shape
    if n < 3 or n_rows == 0:
        zeros = np.zeros(n_rows)
        return zeros, zeros, np.ones(n_rows)
    i, j = np.triu_indices(n, k=1)
    s = np.sign(x[:, j] - x[:, i]).sum(axis=1)
    var = np.full(n_rows, n * (n - 1) * (2 * n + 5), dtype="float64")
    for r in range(n_rows):
        _, t = np.unique(x[r], return_counts=True)
        var[r] -= float(np.sum(t * (t - 1) * (2 * t + 5)))
    var = var / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0.0))
    z = np.nan_to_num(z)
    tau = s / (n * (n - 1) / 2)
    return tau, z, norm.sf(z)


def poisson_rise(recent: np.ndarray, base: np.ndarray, window_days: float, baseline_days) -> np.ndarray:
    """P(X >= recent) for X ~ Binomial(recent + base, window / (window + baseline)).

    The conditional test of equal Poisson rates; counts may be weighted
    (non-integer), using the regularised incomplete beta function.

    Examples
    --------
    >>> float(np.round(poisson_rise(np.array([6.0]), np.array([0.0]), 30, 180)[0], 6))   # (30/210)**6
    8e-06
    >>> float(poisson_rise(np.array([0.0]), np.array([3.0]), 30, 180)[0])
    1.0
    """
    recent = np.asarray(recent, dtype="float64")
    base = np.asarray(base, dtype="float64")
    p = window_days / (window_days + np.maximum(baseline_days, 1e-9))
    out = np.ones_like(recent)
    pos = recent > 0
    out[pos] = betainc(recent[pos], base[pos] + 1.0, np.broadcast_to(p, recent.shape)[pos])
    return out


def rate_ratio_lower(recent: np.ndarray, base: np.ndarray, window_days: float, baseline_days: float,
                     confidence: float = 0.9) -> np.ndarray:
    """Lower ``confidence`` bound of the ratio of the recent rate to the baseline rate.

    Conditional on ``recent + base``, ``recent`` is binomial with
    ``pi = R W / (R W + B)`` (``R`` the rate ratio, ``W`` and ``B`` the two
    periods); the Clopper-Pearson lower bound of ``pi`` gives that of ``R``.
    ``1 - 1 / R_low`` is the share of the recent activity that is, with that
    confidence, *in excess* of the place's baseline (the escalation component).
    Infinite when there is no baseline activity at all and recent activity
    (bounded by the binomial: with 3 recent and 0 baseline reports, 60 vs 180
    days, R_low = 2.6 at 90 %).

    Examples
    --------
    >>> np.round(rate_ratio_lower(np.array([3.0, 0.0, 30.0]), np.array([0.0, 5.0, 90.0]), 60, 180), 2).tolist()
    [2.6, 0.0, 0.74]
    """
    recent = np.asarray(recent, dtype="float64")
    base = np.asarray(base, dtype="float64")
    out = np.zeros_like(recent)
    pos = recent > 0
    pi_low = betaincinv(recent[pos], base[pos] + 1.0, 1.0 - confidence)
    odds = pi_low / np.maximum(1.0 - pi_low, 1e-12)
    out[pos] = odds * max(baseline_days, 1e-9) / window_days
    return out


def capped_counts(a_idx: np.ndarray, t: np.ndarray, w: np.ndarray, t_window: float, h: int,
                  cap: float) -> tuple[np.ndarray, np.ndarray]:
    """Recent and baseline weighted counts per area, each (area, day) counting at most ``cap``.

    Examples
    --------
    >>> rc, bc = capped_counts(np.array([0, 0, 0, 0]), np.array([1.1, 1.2, 1.3, 9.0]), np.ones(4), 5.0, 1, 2.0)
    >>> rc.tolist(), bc.tolist()
    ([1.0], [2.0])
    """
    ok = w > 0
    if not ok.any():
        return np.zeros(h), np.zeros(h)
    recent = (t >= t_window)[ok]
    area = a_idx[ok]
    key = combine_keys(area, np.floor(t[ok]).astype("int64"), recent)
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    daily = np.minimum(np.bincount(inv.ravel(), weights=w[ok]), cap if cap > 0 else np.inf)
    is_recent = recent[first]
    rc = np.bincount(area[first][is_recent], weights=daily[is_recent], minlength=h)
    bc = np.bincount(area[first][~is_recent], weights=daily[~is_recent], minlength=h)
    return rc, bc


def combine(table: pd.DataFrame, config: HotspotConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``rise``, ``level`` and the 0-100 ``score`` from the six components.

    ``rise`` is the weighted mean of escalation and trend, ``level`` that of
    intensity, spread, severity and exposure (weights
    ``config.score_weights``; trend alone when the data hold no baseline
    period yet). The score is ``rise_weight x rise + (1 -
    rise_weight) x level x (level_floor + (1 - level_floor) x rise)``: a busy
    place whose activity is flat or falling keeps at most ``(1 - rise_weight)
    x level_floor`` of 100 (25 by default), a rising one can reach 100.

    Examples
    --------
    >>> t = pd.DataFrame({"escalation": [0.0, 0.8], "trend": [0.0, 0.6], "intensity": [1.0, 0.6],
    ...                   "spread": [1.0, 0.6], "severity": [1.0, 0.6], "exposure": [1.0, 0.6]})
    >>> [round(float(s)) for s in combine(t, HotspotConfig())[2]]   # flat but busy vs rising
    [25, 60]
    """
    sw = config.score_weights

    def mean(names):
        tot = sum(sw.get(c, 0.0) for c in names)
        if tot <= 0:
            return np.zeros(len(table))
        return sum(sw.get(c, 0.0) * table[c].to_numpy(dtype="float64") for c in names) / tot

    rise = mean(["escalation", "trend"])
    if "baseline_days" in table and len(table) and float(np.max(table["baseline_days"])) <= 0:
        rise = mean(["trend"])   # no history to compare with: the trend is the only evidence of a rise
    level = mean(["intensity", "spread", "severity", "exposure"])
    rw, floor = config.rise_weight, config.level_floor
    score = 100.0 * (rw * rise + (1.0 - rw) * level * (floor + (1.0 - floor) * rise))
    return rise, level, score


def benjamini_hochberg(p: np.ndarray, q: float) -> np.ndarray:
    """Which of the p-values ``p`` are discoveries at false discovery rate ``q`` (Benjamini-Hochberg).

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.001, 0.04, 0.03, 0.5]), 0.1).tolist()
    [True, True, True, False]
    >>> benjamini_hochberg(np.array([0.04] + [0.5] * 9), 0.1).tolist()[:2]   # one of ten at 0.04: not enough
    [False, False]
    """
    p = np.asarray(p, dtype="float64")
    m = len(p)
    if m == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p, kind="stable")
    passed = np.flatnonzero(p[order] <= q * np.arange(1, m + 1) / m)
    out = np.zeros(m, dtype=bool)
    if len(passed):
        out[order[: passed[-1] + 1]] = True
    return out


def harm(ix: AlertIndex, sl: slice, weights: np.ndarray, severity: np.ndarray | None = None) -> np.ndarray:
    """Per-alert harm: weight x severity/5, half as much again for grave categories.

    ``severity`` (of alerts ``sl``) replaces the reports' own, e.g. each
    incident's gravest report (:func:`ewarning.hotspots.prepare.incident_severity`).
    """
    sev = ix.severity[sl] if severity is None else severity
    return weights * (sev / 5.0) * np.where(ix.grave[sl], 1.5, 1.0)


def score(ix: AlertIndex, lo: int, hi: int, weights: np.ndarray, areas: list, t_end: float,
          config: HotspotConfig, exposed_pop: np.ndarray | None = None) -> pd.DataFrame:
    """Components and score of each hotspot area.

    Parameters
    ----------
    ix : AlertIndex
    lo, hi : int
        Alerts from the start of the baseline to the as-of time.
    weights : numpy.ndarray
        As-of weights of alerts ``lo:hi``.
    areas : list of shapely polygons (km)
    t_end : float
        The as-of time in days.
    config : HotspotConfig
    exposed_pop : numpy.ndarray, optional
        People exposed per hotspot.

    Returns
    -------
    pandas.DataFrame
        One row per area: ``recent, base, baseline_days, rate_ratio, p_rise,
        tau, p_trend, days, places, killed, killed_count, grave, n_alerts`` and the six
        components and ``score``; plus ``members`` (positions in ``ix``).
        ``killed`` is the weighted casualties the severity uses and
        ``killed_count`` the number killed: both count an incident once,
        with the largest number among its linked reports known at ``t_end``
        (:func:`ewarning.hotspots.prepare.incidents`); the harm of an
        incident uses its gravest report's severity too
        (:func:`~ewarning.hotspots.prepare.incident_severity`).
        ``merged_reports`` / ``merged_incidents``: recent reports of the
        area linked as reports of one incident, and how many incidents they
        make (for the explanation).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2020-01-0%d" % d for d in range(1, 8)], utc=True),
    ...     "category": "killing"}, geometry=gpd.points_from_xy([20.6] * 7, [4.7] * 7), crs="EPSG:4326")
    >>> ix = AlertIndex.from_frame(a)
    >>> area = shapely.buffer(shapely.points(ix.x[0], ix.y[0]), 5)
    >>> t = score(ix, 0, 7, np.ones(7), [area], 7312.0, HotspotConfig())   # as of 8 January
    >>> int(t.loc[0, "days"]), bool(0 < t.loc[0, "score"] <= 100)
    (7, True)
    """
    h = len(areas)
    cols = {c: np.zeros(h) for c in ["recent", "base", "recent_capped", "base_capped", "rate_ratio", "rate_ratio_low",
                                       "p_rise", "tau", "p_trend", "days", "places", "killed", "killed_count", "grave",
                                       "n_alerts", "merged_reports", "merged_incidents",
                                       *COMPONENTS, "rise", "level", "score"]}
    out = pd.DataFrame(cols)
    out["members"] = [np.zeros(0, dtype="int64") for _ in range(h)]
    out["base_members"] = [np.zeros(0, dtype="int64") for _ in range(h)]
    out["baseline_days"] = 0.0
    if h == 0:
        return out
    t_window = t_end - config.window_days
    first_known = ix.t_rep[0] if len(ix) else t_end
    baseline_days = float(np.clip(t_window - max(first_known, t_window - config.baseline_days), 0.0,
                                  config.baseline_days))
    sl = slice(lo, hi)
    pts = ix.points()[sl]
    tree = shapely.STRtree(areas)
    p_idx, a_idx = tree.query(pts, predicate="within")
    w = weights[p_idx]
    pos = p_idx + lo
    t = ix.t_rep[pos]
    in_window = t >= t_window
    # The baseline is the ``baseline_days`` just before the window: older alerts (sliced for the decayed
    # memory) must not enter the Poisson comparison, or the baseline rate is overstated.
    in_base = ~in_window & (t >= t_window - baseline_days) if config.strict_baseline else ~in_window
    tested = in_window | in_base
    # One count of an incident: its casualties and severity are those of its gravest report known at ``t_end``,
    # carried by its first report (linked duplicates weigh 0 and never add casualties).
    root, inc_killed = incidents(ix, hi)
    hm = harm(ix, sl, weights, incident_severity(ix, hi, root)[lo:hi])[p_idx]

    out["recent"] = np.bincount(a_idx[in_window], weights=w[in_window], minlength=h)
    out["base"] = np.bincount(a_idx[in_base], weights=w[in_base], minlength=h)
    out["n_alerts"] = np.bincount(a_idx[in_window], minlength=h)
    out["killed"] = np.bincount(a_idx[in_window], weights=(w * inc_killed[pos])[in_window], minlength=h)
    # The number killed said in the explanation: each incident with a report in the area once.
    if in_window.any():
        _, first_inc, per_inc = np.unique(combine_keys(a_idx[in_window], root[pos[in_window]]), return_index=True,
                                          return_counts=True)
        out["killed_count"] = np.bincount(a_idx[in_window][first_inc],
                                          weights=inc_killed[root[pos[in_window]][first_inc]], minlength=h)
        # Reports of the area merged as one incident: incidents with two or more recent reports here.
        inc_area = a_idx[in_window][first_inc]
        several = per_inc > 1
        out["merged_reports"] = np.bincount(inc_area[several], weights=per_inc[several], minlength=h)
        out["merged_incidents"] = np.bincount(inc_area[several], minlength=h)
    else:
        out["killed_count"] = 0.0
    recent_harm = np.bincount(a_idx[in_window], weights=hm[in_window], minlength=h)
    grave_harm = np.bincount(a_idx[in_window], weights=(hm * ix.grave[pos])[in_window], minlength=h)
    out["grave"] = np.divide(grave_harm, recent_harm, out=np.zeros(h), where=recent_harm > 0)

    # Day by day: log(1 + harm of the day), so one loud day saturates.
    counted = in_window & (w > 0)
    wa, wd = a_idx[counted], np.floor(t[counted]).astype("int64")
    if len(wa):
        _, first, inv = np.unique(combine_keys(wa, wd), return_index=True, return_inverse=True)
        daily = np.bincount(inv.ravel(), weights=hm[counted])
        intensity_raw = np.bincount(wa[first], weights=np.log1p(daily), minlength=h)
        out["days"] = np.bincount(wa[first], minlength=h)
        _, cfirst = np.unique(combine_keys(wa, np.floor(ix.x[pos][counted] / 2.0).astype("int64"),
                                           np.floor(ix.y[pos][counted] / 2.0).astype("int64")), return_index=True)
        out["places"] = np.bincount(wa[cfirst], minlength=h)
    else:
        intensity_raw = np.zeros(h)
    out["intensity"] = 1.0 - np.exp(-intensity_raw / config.intensity_scale)
    if config.memory_weight > 0 and config.memory_half_life_days > 0:
        decay = np.power(0.5, (t_end - t) / config.memory_half_life_days)
        mem = np.bincount(a_idx, weights=hm * decay, minlength=h)
        out["intensity"] = ((1 - config.memory_weight) * out["intensity"]
                            + config.memory_weight * (1.0 - np.exp(-mem / config.intensity_scale)))

    # Escalation: recent against the same area's baseline, each day counting at most daily_cap reports.
    rc, bc = capped_counts(a_idx[tested], t[tested], w[tested], t_window, h, config.daily_cap)
    out["recent_capped"], out["base_capped"] = rc, bc
    p_rise = poisson_rise(rc, bc, config.window_days, baseline_days)
    out["p_rise"] = p_rise
    out["baseline_days"] = baseline_days
    rate_recent = out["recent"] / config.window_days
    rate_base = (out["base"] + 0.5) / max(baseline_days, 1.0)
    out["rate_ratio"] = rate_recent / rate_base
    looks = 2 if 0 < config.short_window_days < config.window_days else 1
    conf = 1.0 - (1.0 - config.escalation_confidence) / looks
    rr_low = rate_ratio_lower(rc, bc, config.window_days, baseline_days, conf)
    out["short_ratio_low"] = 0.0
    p_short = np.ones(h)
    if looks == 2 and baseline_days > 0:
        t_short = t_end - config.short_window_days
        src, sbc = capped_counts(a_idx[tested], t[tested], w[tested], t_short, h, config.daily_cap)
        short_base_days = baseline_days + config.window_days - config.short_window_days
        out["short_ratio_low"] = rate_ratio_lower(src, sbc, config.short_window_days, short_base_days, conf)
        p_short = poisson_rise(src, sbc, config.short_window_days, short_base_days)
        out["short_recent"], out["short_base"], out["short_base_days"] = src, sbc, short_base_days
    out["rate_ratio_low"] = rr_low
    best = np.maximum(rr_low, out["short_ratio_low"].to_numpy())
    out["escalation"] = np.clip(1.0 - 1.0 / np.maximum(best, 1e-9), 0.0, 1.0) if baseline_days > 0 else 0.0

    weeks = config.trend_weeks
    wk = np.floor((t_end - t) / 7.0).astype("int64")
    inw = (wk >= 0) & (wk < weeks)   # alerts after t_end (none from the engine) are ignored
    series = np.zeros((h, weeks))
    np.add.at(series, (a_idx[inw], weeks - 1 - wk[inw]), w[inw])
    tau, _, p_up = mann_kendall(series)
    out["tau"], out["p_trend"] = tau, p_up
    out["trend"] = np.maximum(tau, 0.0) * (1.0 - p_up)

    out["spread"] = (0.7 * (1.0 - np.exp(-np.maximum(out["days"] - 1, 0) / 4.0))
                     + 0.3 * (1.0 - np.exp(-np.maximum(out["places"] - 1, 0) / 3.0)))
    out["severity"] = 0.5 * out["grave"] + 0.5 * (1.0 - np.exp(-out["killed"] / config.severity_killed_scale))
    pop = np.zeros(h) if exposed_pop is None else np.asarray(exposed_pop, dtype="float64")
    out["exposure"] = 1.0 - np.exp(-pop / config.exposure_scale)

    out["rise"], out["level"], out["score"] = combine(out, config)
    # Rising: a confident rise above the baseline, or a significant upward weekly trend ...
    out["rising"] = (out["escalation"].to_numpy() > 0) | ((tau > 0) & (p_up < config.rising_trend_p))
    # ... that survives the many places tested at once (Benjamini-Hochberg on each area's smaller p-value).
    p_esc = np.minimum(1.0, looks * np.minimum(p_rise, p_short)) if baseline_days > 0 else np.ones(h)
    out["p_rising"] = np.minimum(p_esc, np.where(tau > 0, p_up, 1.0))
    if config.rising_fdr is not None and h:
        out["rising"] = out["rising"].to_numpy() & benjamini_hochberg(out["p_rising"].to_numpy(), config.rising_fdr)
    order = np.argsort(a_idx, kind="stable")
    sorted_a = a_idx[order]
    bounds = np.searchsorted(sorted_a, np.arange(h + 1))
    members = pos[order]
    recent_mask = in_window[order]
    out["members"] = [members[bounds[k]:bounds[k + 1]][recent_mask[bounds[k]:bounds[k + 1]]] for k in range(h)]
    # The reports of the baseline each area is compared with (a dossier's chart shows both periods).
    base_mask = in_base[order]
    out["base_members"] = [members[bounds[k]:bounds[k + 1]][base_mask[bounds[k]:bounds[k + 1]]] for k in range(h)]
    return out
