"""A self-exciting (Hawkes / ETAS) model of serious events, fitted by expectation-maximisation.

The intensity of serious events (default: 5 or more killed) at place ``x``
(km) and time ``t`` (days) given the reports known before the as-of time is

    lambda(x, t) = mu * nu(x) + theta * sum_j w_j * g(t - t_j) * f(x - x_j)

- ``nu``: the long-run background density, a Gaussian kernel density of
  every serious event known before the as-of time (bandwidth
  ``background_km``, widened by each event's location error), integrating
  to one;
- ``mu``: background serious events per day;
- ``w_j = c_j * (1 + beta * log(1 + killed_j))``: ``c_j`` the report's
  static weight (location precision, Admiralty code; 0 when discounted or a
  duplicate of an earlier report);
- ``g`` (:class:`~ewarning.forecast.kernels.TimeKernel`): fast and slow
  exponentials; ``f`` (:class:`~ewarning.forecast.kernels.SpaceKernel`):
  narrow and wide Gaussians, widened by the report's location error (half its
  precision radius).

Every report (serious or not) can trigger; the responses are the serious
events. :func:`fit` maximises the likelihood of the serious events that
occurred in the ``fit_days`` before ``T`` by EM on the branching structure
(stochastic declustering, Zhuang et al. 2002; Mohler et al. 2011): the E step
gives each serious event its probabilities of being background or triggered
by each earlier report, the M step re-estimates ``mu``, ``theta``, ``beta``
and the kernels' shares and scales from them (the kernels' M step ignores the
censoring at ``T`` and the ``max_lag_days`` / ``cutoff_km`` truncations, the
usual approximation; ``theta`` and ``mu`` use the exact compensator in time).
Only reports with ``reported_at`` before ``T`` are read; the window starts no
earlier than the first known report (a store of a few months is not seven
years without events).

Locations are known to within their precision (:class:`FitConfig`): a pair's
space kernel is widened by the location errors of both reports
(``response_error``), the kernels' scales are re-estimated by the exact EM
step for Gaussians observed with error (:func:`_true_spread`), and the
kernels' shares and scales weigh each serious event by its static weight
(``precision_weighted``).

With fewer than ``min_events`` serious events the kernels keep their defaults
and only ``mu``, ``theta`` and ``beta`` are fitted (at least
``min_events_rates`` events; fewer still: the defaults scaled to reproduce
them); the result's ``source`` is then ``"defaults"`` and its note says so.

Complexity per EM iteration: O(P), P the (serious event, earlier report)
pairs within ``cutoff_km`` and ``max_lag_days``: at most ``max_responders``
events, sampled with a fixed seed, enter the E step, fewer (not below
``min_responders``) when a pilot sample says their pairs would exceed
``max_pairs``; the M step scales their sums up to all events of the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.spatial import cKDTree

from ..i18n import N_
from ..i18n.phrases import Num, Phrase, Said
from .kernels import SpaceKernel, TimeKernel, gaussian_pdf

__all__ = ["HawkesParams", "HawkesFit", "Events", "fit", "simulate", "FitConfig"]


@dataclass(frozen=True)
class HawkesParams:
    """Parameters of the intensity.

    Examples
    --------
    >>> p = HawkesParams()
    >>> p.time.fast_days, p.space.wide_km, p.beta
    (5.0, 30.0, 0.5)
    """

    mu: float = 0.05                 # background serious events per day
    theta: float = 0.05              # expected serious events triggered per unit of report weight
    beta: float = 0.5                # casualty term of the weights
    time: TimeKernel = field(default_factory=TimeKernel)
    space: SpaceKernel = field(default_factory=SpaceKernel)
    background_km: float = 15.0      # bandwidth of nu

    def describe(self) -> str:
        t, s = self.time, self.space
        return (f"mu {self.mu:.3g}/day, theta {self.theta:.3g}, beta {self.beta:.2f}; time: {100 * t.fast_share:.0f} % "
                f"fast (mean {t.fast_days:.1f} d), slow mean {t.slow_days:.0f} d; space: {100 * s.narrow_share:.0f} % "
                f"narrow (sd {s.narrow_km:.1f} km), wide sd {s.wide_km:.1f} km; background bandwidth "
                f"{self.background_km:.0f} km")


@dataclass(frozen=True)
class FitConfig:
    """How :func:`fit` works.

    Examples
    --------
    >>> FitConfig().fit_days, FitConfig().min_events
    (2555.0, 30)
    """

    fit_days: float = 7 * 365.0       # serious events of the last seven years are fitted
    max_lag_days: float = 365.0       # a report triggers for at most a year
    cutoff_km: float = 150.0          # ... and within 150 km
    min_events: int = 30              # fewer serious events: default kernels ...
    min_events_rates: int = 5         # ... with the rates fitted on them (fewer still: defaults scaled to them)
    max_responders: int = 1500        # E step on at most this many serious events (seeded sample)
    max_pairs: int = 400_000          # ... and fewer when their pairs would exceed this (dense data)
    min_responders: int = 100         # ... but never fewer than this (dense data: 1M alerts, ~12k pairs each)
    max_iter: int = 200
    tol: float = 1e-6
    seed: int = 0
    min_sd_km: float = 0.5
    fit_beta: bool = True
    defaults: HawkesParams = field(default_factory=HawkesParams)
    #: the E step widens the space kernel by the *response's* location error too (its likelihood is that of
    #: a point known to within its precision), and the space kernel's shares and scales are re-estimated
    #: with each serious event weighted by its static weight (location precision, Admiralty code): a
    #: district-level report of an attack says little about how far from the trigger it happened.
    response_error: bool = True
    precision_weighted: bool = True
    #: with too few serious events, the defaults' mu and theta are scaled so that the model reproduces the
    #: serious events known (half background, half triggered); the kernels keep their default shapes.
    defaults_rate_matched: bool = True


@dataclass
class Events:
    """Reports as arrays for the model (sorted by report time, as an AlertIndex).

    Attributes
    ----------
    t : occurrence time (days); t_rep : report time (days, the as-of clock)
    x, y : km; err_km : location error sd (half the precision radius)
    c : static weight (0: discounted or a duplicate of an earlier report)
    killed : casualties; serious : bool (responses of the model)

    Examples
    --------
    >>> e = Events.from_arrays(t=[0.0, 1.0], x=[0.0, 1.0], y=[0.0, 0.0], killed=[6, 0])
    >>> e.serious.tolist(), e.known(1.0).tolist()
    ([True, False], [True, False])
    """

    t: np.ndarray
    t_rep: np.ndarray
    x: np.ndarray
    y: np.ndarray
    err_km: np.ndarray
    c: np.ndarray
    killed: np.ndarray
    serious: np.ndarray

    @classmethod
    def from_arrays(cls, t, x, y, killed, t_rep=None, err_km=None, c=None, serious_killed: int = 5) -> "Events":
        t = np.asarray(t, dtype="float64")
        n = len(t)
        t_rep = t.copy() if t_rep is None else np.asarray(t_rep, dtype="float64")
        killed = np.asarray(killed, dtype="float64")
        c = np.ones(n) if c is None else np.asarray(c, dtype="float64")
        return cls(t=t, t_rep=t_rep, x=np.asarray(x, dtype="float64"), y=np.asarray(y, dtype="float64"),
                   err_km=np.zeros(n) if err_km is None else np.asarray(err_km, dtype="float64"), c=c,
                   killed=killed, serious=(killed >= serious_killed) & (c > 0))

    @classmethod
    def from_index(cls, ix, serious_killed: int = 5) -> "Events":
        """From an :class:`~ewarning.hotspots.prepare.AlertIndex`: duplicates of earlier reports weigh 0."""
        dup = ix.dup_of
        earlier = (dup >= 0) & (dup < np.arange(len(dup)))
        c = np.where(earlier, 0.0, ix.weight)
        return cls(t=np.minimum(ix.t_occ, ix.t_rep), t_rep=ix.t_rep, x=ix.x, y=ix.y, err_km=ix.radius_km / 2.0,
                   c=c, killed=ix.killed, serious=(ix.killed >= serious_killed) & (c > 0))

    def __len__(self) -> int:
        return len(self.t)

    def known(self, t_end: float) -> np.ndarray:
        """Reports reported strictly before ``t_end``."""
        return self.t_rep < t_end

    def weights(self, beta: float) -> np.ndarray:
        return self.c * (1.0 + beta * np.log1p(np.maximum(self.killed, 0.0)))


@dataclass
class HawkesFit:
    """A fitted (or defaulted) model as of ``t_end``.

    Attributes
    ----------
    params : HawkesParams
    t_end : float
        As-of time (days); only reports before it were read.
    source : str
        ``"fitted"`` or ``"defaults"``.
    note : str
        Why defaults were used, or what was fitted on.
    n_events : int
        Serious events in the fitting window.
    n_pairs : int
        (event, earlier report) pairs in the E step.
    iterations : int
    converged : bool
    loglik : float
    background_share : float
        Share of the fitted serious events the model attributes to the background.
    fast_share_of_triggered, narrow_share_of_triggered : float
        The kernels' shares (as in ``params``), for reading.
    at_bounds : list of str
        Parameters that ended on a bound of the M step.

    Examples
    --------
    >>> ev = Events.from_arrays(t=[1.0, 2.0], x=[0.0, 0.0], y=[0.0, 0.0], killed=[6, 6])
    >>> f = fit(ev, 10.0)
    >>> f.source, f.note.startswith("default parameters")
    ('defaults', True)
    """

    params: HawkesParams
    t_end: float
    source: str
    note: str
    n_events: int = 0
    n_pairs: int = 0
    iterations: int = 0
    converged: bool = False
    loglik: float = float("nan")
    background_share: float = float("nan")
    at_bounds: list = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.source}: {self.note}; {self.params.describe()}; background share "
                f"{self.background_share:.2f}; {self.iterations} EM iterations"
                + (f"; at bounds: {', '.join(self.at_bounds)}" if self.at_bounds else ""))


def _pairs(ev: Events, resp: np.ndarray, trig: np.ndarray, cfg: FitConfig):
    """(response, trigger) index pairs within the cutoff and the lag, with lag and squared distance."""
    if len(resp) == 0 or len(trig) == 0:
        z = np.zeros(0, dtype="int64")
        return z, z, np.zeros(0), np.zeros(0)
    tr = cKDTree(np.column_stack([ev.x[resp], ev.y[resp]]))
    tt = cKDTree(np.column_stack([ev.x[trig], ev.y[trig]]))
    m = tr.sparse_distance_matrix(tt, cfg.cutoff_km, output_type="ndarray")
    i, j, d = m["i"].astype("int64"), m["j"].astype("int64"), m["v"]      # includes pairs at distance 0
    lag = ev.t[resp][i] - ev.t[trig][j]
    ok = (lag > 0) & (lag <= cfg.max_lag_days)
    return i[ok], j[ok], lag[ok], d[ok] ** 2


def background_at(ev: Events, where: np.ndarray, sources: np.ndarray, bandwidth: float,
                  leave_out: np.ndarray | None = None) -> np.ndarray:
    """``nu`` at the events ``where`` from the serious events ``sources`` (density per km^2).

    ``leave_out``: for each of ``where``, the index in ``sources`` to leave out (its own), or -1.
    """
    if len(sources) == 0:
        return np.zeros(len(where))
    tw = cKDTree(np.column_stack([ev.x[where], ev.y[where]]))
    ts = cKDTree(np.column_stack([ev.x[sources], ev.y[sources]]))
    err = ev.err_km[sources]
    cut = 5.0 * float(np.sqrt(bandwidth ** 2 + err.max() ** 2))
    m = tw.sparse_distance_matrix(ts, cut, output_type="ndarray")
    i, j, d = m["i"].astype("int64"), m["j"].astype("int64"), m["v"]
    if leave_out is not None:
        keep = j != leave_out[i]
        i, j, d = i[keep], j[keep], d[keep]
    val = gaussian_pdf(d ** 2, bandwidth ** 2 + err[j] ** 2)
    n = len(sources) - (1 if leave_out is not None else 0)
    return np.bincount(i, weights=val, minlength=len(where)) / max(n, 1)


def fit(ev: Events, t_end: float, config: FitConfig | None = None, start: HawkesParams | None = None) -> HawkesFit:
    """Fit the model by EM on the serious events that occurred in ``[t_end - fit_days, t_end)``.

    Parameters
    ----------
    ev : Events
    t_end : float
        As-of time (days): only reports with ``t_rep < t_end`` are read.
    config : FitConfig, optional
    start : HawkesParams, optional
        Starting point (default ``config.defaults``; a previous fit speeds a refit).

    Returns
    -------
    HawkesFit
    """
    cfg = config or FitConfig()
    p = start or cfg.defaults
    known = ev.known(t_end)
    t0 = t_end - cfg.fit_days
    resp_all = np.flatnonzero(known & ev.serious & (ev.t >= t0) & (ev.t < t_end))
    rates_only = len(resp_all) < cfg.min_events
    if rates_only and (not cfg.defaults_rate_matched or len(resp_all) < cfg.min_events_rates):
        return _defaults(ev, t_end, cfg, known, resp_all)
    # the window starts no earlier than the data (a store of a few months is not seven years with no event)
    t0 = max(t0, float(ev.t[known].min()))
    rng = np.random.default_rng(cfg.seed)
    trig = np.flatnonzero(known & (ev.c > 0) & (ev.t >= t0 - cfg.max_lag_days) & (ev.t < t_end))
    n_sample = min(len(resp_all), cfg.max_responders)
    if n_sample > cfg.min_responders:
        # dense data: a pilot of min_responders events says how many pairs each brings
        pilot = np.sort(rng.choice(resp_all, cfg.min_responders, replace=False))
        per_event = max(len(_pairs(ev, pilot, trig, cfg)[0]) / len(pilot), 1e-9)
        n_sample = int(min(n_sample, max(cfg.min_responders, cfg.max_pairs / per_event)))
    resp = resp_all
    if n_sample < len(resp_all):
        resp = np.sort(rng.choice(resp_all, n_sample, replace=False))
    scale = len(resp_all) / len(resp)
    i, j, lag, d2 = _pairs(ev, resp, trig, cfg)
    bg_src = np.flatnonzero(known & ev.serious)
    pos = np.full(len(ev), -1, dtype="int64")
    pos[bg_src] = np.arange(len(bg_src))
    nu = background_at(ev, resp, bg_src, p.background_km, leave_out=pos[resp])
    nu = np.maximum(nu, 1e-12)
    c_t, l_t = ev.c[trig], np.log1p(np.maximum(ev.killed[trig], 0.0))
    err_j = ev.err_km[trig][j]
    if cfg.response_error:   # both locations are known to within their precision
        err_j = np.sqrt(err_j ** 2 + ev.err_km[resp][i] ** 2)
    cw = ev.c[resp][i] if cfg.precision_weighted else np.ones(len(i))
    # time each trigger had to act inside the window (for the compensator)
    a0 = np.maximum(t0 - ev.t[trig], 0.0)
    a1 = np.minimum(t_end - ev.t[trig], cfg.max_lag_days)
    t_win = t_end - t0
    # beta's M step needs only sums over the triggers with casualties
    killed_t = l_t > 0
    has_killed = bool(killed_t.any())
    err2 = err_j ** 2
    half_d2 = d2 / 2          # each pair's squared distance per axis, less the location errors
    mu, theta, beta, tk, sk = p.mu, p.theta, p.beta, p.time, p.space
    ll_old, it, converged = -np.inf, 0, False
    bounds_hit: set = set()
    for it in range(1, cfg.max_iter + 1):
        w = c_t * (1.0 + beta * l_t)
        gf, gs = tk.parts(lag)
        var_n, var_w = sk.narrow_km ** 2 + err2, sk.wide_km ** 2 + err2     # = SpaceKernel.parts(d2, err_j)
        fn = sk.narrow_share * gaussian_pdf(d2, var_n)
        fw = (1 - sk.narrow_share) * gaussian_pdf(d2, var_w)
        g_sum, f_sum = gf + gs, fn + fw
        base = theta * w[j]
        bg = mu * nu
        lam = bg + np.bincount(i, weights=base * g_sum * f_sum, minlength=len(resp))
        G = tk.integral(a0, a1)                  # each trigger's mass of g inside the window
        cG, clG = float((c_t * G).sum()), float((c_t * l_t * G).sum())
        comp = mu * t_win + theta * (cG + beta * clG)
        ll = float(np.log(lam).sum() * scale - comp)
        # E step: each pair's probability, and its fast / narrow parts
        p_bg = bg / lam
        a_pair = base / lam[i]
        p_pair = a_pair * g_sum * f_sum
        # M step
        n_bg = float(p_bg.sum()) * scale
        n_trig = float(p_pair.sum()) * scale
        n_j = np.bincount(j, weights=p_pair, minlength=len(trig)) * scale
        mu = n_bg / t_win
        if cfg.fit_beta and has_killed and n_trig > 0:
            beta = _beta_step(cG, clG, l_t[killed_t], n_j[killed_t], n_trig)
        theta = n_trig / max(cG + beta * clG, 1e-12)
        if rates_only:      # few events: the kernels stay at their defaults, only the rates are fitted
            if np.isfinite(ll_old) and abs(ll - ll_old) <= cfg.tol * max(abs(ll_old), 1.0):
                converged = True
                break
            ll_old = ll
            continue
        pf = a_pair * gf * f_sum
        ps = p_pair - pf
        pn = a_pair * g_sum * fn * cw
        pw = p_pair * cw - pn
        tot = max(float(p_pair.sum()), 1e-12)
        fast_share = float(pf.sum()) / tot
        fast = float((pf * lag).sum()) / max(float(pf.sum()), 1e-12)
        slow = float((ps * lag).sum()) / max(float(ps.sum()), 1e-12)
        narrow_share = float(pn.sum()) / max(float(pn.sum() + pw.sum()), 1e-12)
        v_n = float((pn * _true_spread(half_d2, err2, sk.narrow_km ** 2)).sum()) / max(float(pn.sum()), 1e-12)
        v_w = float((pw * _true_spread(half_d2, err2, sk.wide_km ** 2)).sum()) / max(float(pw.sum()), 1e-12)
        narrow = np.sqrt(max(v_n, cfg.min_sd_km ** 2))
        wide = np.sqrt(max(v_w, cfg.min_sd_km ** 2))
        new_bounds = set()
        fast, slow, fs = _clip("fast_days", fast, 0.25, 60.0, new_bounds), _clip("slow_days", slow, 5.0, 2000.0,
                                                                                 new_bounds), fast_share
        if slow < 2 * fast:
            slow, _ = max(slow, 2 * fast), new_bounds.add("slow_days >= 2 x fast_days")
        if narrow <= cfg.min_sd_km + 1e-9:
            new_bounds.add("narrow_km")
        wide = _clip("wide_km", wide, max(2 * narrow, 1.0), cfg.cutoff_km / 2.5, new_bounds)
        fs = _clip("fast_share", fs, 0.01, 0.99, new_bounds)
        narrow_share = _clip("narrow_share", narrow_share, 0.01, 0.99, new_bounds)
        tk = TimeKernel(fast_days=fast, slow_days=slow, fast_share=fs)
        sk = SpaceKernel(narrow_km=float(narrow), wide_km=float(wide), narrow_share=narrow_share)
        bounds_hit = new_bounds
        if np.isfinite(ll_old) and abs(ll - ll_old) <= cfg.tol * max(abs(ll_old), 1.0):
            converged = True
            break
        ll_old = ll
    params = HawkesParams(mu=mu, theta=theta, beta=beta, time=tk, space=sk, background_km=p.background_km)
    if rates_only:
        return HawkesFit(params, t_end, "defaults",
                         Said(Phrase(N_("default parameters: only {n} serious events in the fitting window, at "
                                        "least {needed} needed to fit the kernels (kernels at their defaults; "
                                        "background, triggering and casualty term fitted on the {n} events over "
                                        "the {days} days of data)"), n=len(resp_all), needed=int(cfg.min_events),
                                     days=Num(t_win, 0))),
                         n_events=len(resp_all), n_pairs=len(i), iterations=it, converged=converged, loglik=ll,
                         background_share=n_bg / len(resp_all))
    return HawkesFit(params, t_end, "fitted",
                     Said(Phrase(N_("fitted on {n} serious events of the {years} years before the as-of time "
                                    "({e_step} in the E step) and {earlier} earlier reports"), n=len(resp_all),
                                 years=Num(cfg.fit_days / 365, 0), e_step=len(resp), earlier=len(trig))),
                     n_events=len(resp_all), n_pairs=len(i), iterations=it, converged=converged, loglik=ll,
                     background_share=n_bg / len(resp_all), at_bounds=sorted(bounds_hit))


def _true_spread(half_d2: np.ndarray, err2: np.ndarray, s2: float) -> np.ndarray:
    """``E[|z|^2] / 2`` of the true displacement ``z`` of each pair given the observed one (squared half
    ``half_d2``), the location errors' variance ``err2`` and the kernel's variance ``s2``.

    The observed displacement is ``z`` plus noise of variance ``err2`` per axis, so ``z`` given it is
    Gaussian with mean ``r d`` and variance ``r err2`` per axis, ``r = s2 / (s2 + err2)``: the exact EM
    step for the scale (always positive; ``d^2 / 2 - err2``, the moment estimate, goes negative for the
    close pairs of coarse reports and drags the scale to its floor).
    """
    r = s2 / (s2 + err2)
    return r * r * half_d2 + r * err2


def _beta_step(cG: float, clG: float, l_k: np.ndarray, n_k: np.ndarray, n_trig: float) -> float:
    """M step of the casualty term ``beta`` (one-dimensional, bounded).

    ``cG = sum c_j G_j`` and ``clG = sum c_j l_j G_j`` over all triggers (the compensator is
    ``theta * (cG + beta * clG)``); ``l_k``, ``n_k``: log casualties and expected offspring of the
    triggers with casualties (the others add nothing to the first term).
    """
    def neg_q(b):
        return -(float((n_k * np.log1p(b * l_k)).sum()) - n_trig * np.log(cG + b * clG))
    return float(minimize_scalar(neg_q, bounds=(0.0, 10.0), method="bounded", options={"xatol": 1e-4}).x)


def _defaults(ev: Events, t_end: float, cfg: FitConfig, known: np.ndarray, resp_all: np.ndarray) -> HawkesFit:
    """The default parameters, with mu and theta matched to the serious events known when asked."""
    n_known = int((known & ev.serious).sum())
    p = cfg.defaults
    mu = max(n_known, 1) / max(cfg.fit_days, 1.0) * 0.5
    how = Phrase(N_("background rate set from the {n} known"), n=n_known)
    # no serious event at all: the rates as if half of one had happened (the raw defaults would expect
    # several serious events a fortnight from a store of threats and rumours)
    n_match = len(resp_all) if len(resp_all) > 0 else 0.5
    if cfg.defaults_rate_matched and known.any():
        # the time the data cover inside the window (not the whole window: a new mission's store is short)
        first = float(ev.t[known].min())
        t0 = max(t_end - cfg.fit_days, first)
        span = max(t_end - t0, 30.0)
        trig = np.flatnonzero(known & (ev.c > 0) & (ev.t >= t0 - cfg.max_lag_days) & (ev.t < t_end))
        a0 = np.maximum(t0 - ev.t[trig], 0.0)
        a1 = np.minimum(t_end - ev.t[trig], cfg.max_lag_days)
        pushed = float((ev.weights(p.beta)[trig] * p.time.integral(a0, a1)).sum())
        mu = 0.5 * n_match / span
        theta = min(0.5 * n_match / pushed, 1.0) if pushed > 0 else p.theta
        p = replace(p, theta=theta)
        how = (Phrase(N_("background and triggering scaled to reproduce them over the {days} days of data, half "
                         "each"), days=Num(span, 0)) if len(resp_all) else
               Phrase(N_("background and triggering scaled to half an event over the {days} days of data"),
                      days=Num(span, 0)))
    return HawkesFit(replace(p, mu=mu), t_end, "defaults",
                     Said(Phrase(N_("default parameters: only {n} serious events in the fitting window, at least "
                                    "{needed} needed to fit ({how})"), n=len(resp_all), needed=int(cfg.min_events),
                                 how=how)), n_events=len(resp_all))


def _clip(name, value, lo, hi, hit: set) -> float:
    if value <= lo or value >= hi:
        hit.add(name)
    return float(min(max(value, lo), hi))


def simulate(params: HawkesParams, t_max: float, box_km: float, seed: int = 0,
             killed_choices=(5, 50), max_events: int = 200_000) -> Events:
    """Simulate the model by branching: background events uniform on a ``box_km`` square, then offspring.

    Every simulated event is serious (killed drawn from ``killed_choices``) and
    triggers with weight ``1 + beta * log(1 + killed)``; offspring times from
    ``g``, displacements from ``f``. For tests of :func:`fit`.

    Examples
    --------
    >>> ev = simulate(HawkesParams(mu=0.2, theta=0.2), 500.0, 200.0, seed=1)
    >>> bool(len(ev) > 100), bool(np.all(np.diff(ev.t_rep) >= 0))
    (True, True)
    """
    rng = np.random.default_rng(seed)
    n0 = rng.poisson(params.mu * t_max)
    t = list(rng.uniform(0, t_max, n0))
    x = list(rng.uniform(0, box_km, n0))
    y = list(rng.uniform(0, box_km, n0))
    k = list(rng.choice(killed_choices, n0))
    queue = list(range(n0))
    tk, sk = params.time, params.space
    while queue and len(t) < max_events:
        nxt = []
        for q in queue:
            w = 1.0 + params.beta * np.log1p(k[q])
            for _ in range(rng.poisson(params.theta * w)):
                fast = rng.random() < tk.fast_share
                lag = rng.exponential(tk.fast_days if fast else tk.slow_days)
                if t[q] + lag >= t_max:
                    continue
                sd = sk.narrow_km if rng.random() < sk.narrow_share else sk.wide_km
                t.append(t[q] + lag)
                x.append(x[q] + rng.normal(0, sd))
                y.append(y[q] + rng.normal(0, sd))
                k.append(rng.choice(killed_choices))
                nxt.append(len(t) - 1)
        queue = nxt
    order = np.argsort(np.asarray(t), kind="stable")
    t_arr = np.asarray(t)[order]
    return Events.from_arrays(t=t_arr, x=np.asarray(x)[order], y=np.asarray(y)[order],
                              killed=np.asarray(k, dtype="float64")[order])
