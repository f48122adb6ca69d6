"""Expected serious events in the product's hotspot areas, from the model fitted on the store's own alerts.

As of ``T`` (only reports with ``reported_at`` before ``T``), the model is
fitted on the alerts the hotspots are scored on (:func:`fit_as_of`), once per
``refit_days`` on a grid anchored at 2000-01-01 (the product's default: every
day, as of the start of the picture's day; the backtest refits every 90
days), and each hotspot area gets the expected serious events over the next
``horizon_days`` in the disc of the same area centred on it, explained by
:func:`~ewarning.forecast.explain.explain_disc` (:func:`expected_in_areas`).

Mission data is not UCDP. A store's alerts are GPS points (``exact``: 500 m),
villages (5 km) and districts (25 km), and reports of one place spread over
kilometres instead of repeating one gazetteer point. The fit is made robust
to that as follows (:class:`~ewarning.forecast.hawkes.FitConfig`):

- each report's location error (half its precision radius) widens the space
  kernel, for the triggering report *and* the serious event it may have
  triggered (``response_error``);
- the space kernel's shares and scales are estimated with each serious event
  weighted by its static weight: precision (district 0.5, province 0.25),
  Admiralty code, 0 when discounted or a duplicate (``precision_weighted``);
- ``min_sd_km`` (the narrow kernel's floor) is 1 km for store alerts, not 0.5
  km: two GPS fixes of one village are rarely closer (and the E step takes at
  most 200k pairs, half the backtest's, since a fit runs for each day shown);
- with fewer than ``min_events`` serious events the default kernels are used,
  with the background and triggering rates scaled to reproduce the serious
  events known, and every figure says so ("default parameters: only 12
  serious events").

Examples
--------
>>> import geopandas as gpd, pandas as pd, shapely
>>> from ewarning.hotspots.prepare import AlertIndex, days
>>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2018-11-01", "2018-11-03", "2018-11-05"], utc=True),
...     "category": "killing", "killed": [6, 0, 7]}, geometry=gpd.points_from_xy([20.68, 20.69, 20.68], [4.79] * 3),
...     crs="EPSG:4326")
>>> ix = AlertIndex.from_frame(a)
>>> area = shapely.buffer(shapely.points(ix.x[0], ix.y[0]), 10.0)
>>> out = expected_in_areas(ix, days(pd.Timestamp("2018-11-10", tz="UTC")), [area])
>>> out.source, out.model_words
('defaults', 'default parameters: only 2 serious events')
>>> out.explanations[0].text.startswith(f"{out.figures[0]} serious events expected in the next 14 days")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from .discs import DiscConfig, Sources, sources
from ..i18n import N_, Translator
from ..i18n.phrases import Num, Phrase, render_one
from .explain import ExpectedExplanation, amount_words, explain_disc
from .hawkes import Events, FitConfig, HawkesFit, fit

__all__ = ["AreaConfig", "AreaForecast", "events_of", "fit_as_of", "expected_in_areas", "model_words"]


@dataclass(frozen=True)
class AreaConfig:
    """How the product forecasts its hotspot areas.

    Examples
    --------
    >>> AreaConfig().horizon_days, AreaConfig().fit.min_sd_km
    (14.0, 1.0)
    """

    horizon_days: float = 14.0
    refit_days: float = 1.0
    serious_killed: int = 5
    recent_days: float = 21.0
    near_km: float = 5.0
    #: the narrow kernel at least 1 km; the E step on at most 200k pairs (the backtest's 400k), as the fit runs
    #: for every day a picture is drawn
    fit: FitConfig = field(default_factory=lambda: FitConfig(min_sd_km=1.0, max_pairs=200_000))


@dataclass(frozen=True)
class AreaForecast:
    """Expected serious events of each area as of ``t_end``.

    Attributes
    ----------
    fit : HawkesFit
    source : str
        ``"fitted"`` or ``"defaults"``.
    model_words : str
        "fitted on N serious events" or "default parameters: only N serious events".
    explanations : list of ExpectedExplanation
        One per area, in order.
    figures : list of str
        Each area's expected events as its explanation writes them ("0.80").
    discs : list of (x, y, radius_km)
        The disc of each area (km, the index's CRS).
    """

    t_end: float
    fit: HawkesFit
    source: str
    model_words: str
    explanations: list
    figures: list
    discs: list

    @property
    def expected(self) -> list[float]:
        """The figures as numbers (what a table shows equals what the sentence says)."""
        return [float(f) for f in self.figures]


def model_phrase(f: HawkesFit) -> Phrase:
    """Which model a figure comes from, as a phrase (any language)."""
    if f.source == "fitted":
        return Phrase(N_("fitted on {n} serious events"), n=int(f.n_events))
    return Phrase(N_("default parameters: only {n} serious events"), n=int(f.n_events))


def model_words(f: HawkesFit) -> str:
    """Which model a figure comes from, in (English) words.

    Examples
    --------
    >>> model_words(HawkesFit(None, 0.0, "defaults", "", n_events=3))
    'default parameters: only 3 serious events'
    """
    return render_one(model_phrase(f), Translator("en"))


def events_of(ix, serious_killed: int = 5) -> Events:
    """:class:`Events` of an :class:`~ewarning.hotspots.prepare.AlertIndex`, built once per index."""
    return ix.cached(("hawkes_events", serious_killed), lambda: Events.from_index(ix, serious_killed))


def fit_as_of(ix, t_end: float, config: AreaConfig | None = None) -> HawkesFit:
    """The fit used as of ``t_end``: as of the last schedule time at or before it, cached on the index.

    A fit reads only reports before its schedule time, always from the same
    starting point (never warm-started from another date), so it depends
    only on the schedule time and the alerts reported before it.
    """
    cfg = config or AreaConfig()
    key = float(np.floor(t_end / cfg.refit_days) * cfg.refit_days)
    ev = events_of(ix, cfg.serious_killed)
    return ix.cached(("hawkes_fit", key, cfg.fit), lambda: fit(ev, key, cfg.fit))


def _disc_of(poly) -> tuple[float, float, float]:
    """The disc of an area: centred on its centroid, of the same area."""
    c = shapely.centroid(poly)
    return float(c.x), float(c.y), float(np.sqrt(max(shapely.area(poly), 1e-9) / np.pi))


def expected_in_areas(ix, t_end: float, polys_km: list, config: AreaConfig | None = None) -> AreaForecast:
    """Expected serious events over the horizon in the disc of each area (polygons in km, the index's CRS).

    Parameters
    ----------
    ix : AlertIndex
        The alerts the hotspots are scored on; only those reported before ``t_end`` are read.
    t_end : float
        As-of time (days since 2000-01-01 UTC).
    polys_km : list of shapely polygons
    config : AreaConfig, optional

    Returns
    -------
    AreaForecast
    """
    cfg = config or AreaConfig()
    f = fit_as_of(ix, t_end, cfg)
    ev = events_of(ix, cfg.serious_killed)
    src: Sources = sources(ev, f, t_end, DiscConfig(horizon_days=cfg.horizon_days))
    words = model_words(f)
    expl: list[ExpectedExplanation] = []
    discs = [_disc_of(p) for p in polys_km]
    for x, y, r in discs:
        expl.append(explain_disc(src, x, y, r, horizon_days=cfg.horizon_days, recent_days=cfg.recent_days,
                                 near_km=cfg.near_km, model_source=f.source, model_words=model_phrase(f),
                                 where=Phrase(N_("within {km} km of the area's centre"), km=Num(r, 0))))
    return AreaForecast(t_end, f, f.source, words, expl, [amount_words(e.expected) for e in expl], discs)
