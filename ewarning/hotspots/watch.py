"""Vulnerability watch: IDP sites whose surrounding presence lacks a component.

Sites open on the as-of date are ranked by the armed activity reported near
them (within ``watch_km``, last ``watch_days``, each report's harm halving
every ``half_life_days``), *whatever the tension*: the watch exists to see a
site like Alindao before tension rises. Sites missing a component come first;
``risk`` (0-100) = activity level x (0.25 + 0.75 x share of components
missing), so a site with full presence can still appear, lower down.

Complexity: one k-d tree query of s sites against the m recent alerts,
O((s + m) log m).

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2018-11-10"], utc=True), "category": "killing",
...     "killed": [3]}, geometry=gpd.points_from_xy([20.69], [4.80]), crs="EPSG:4326")
>>> s = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Alindao"], "population": [18000.0],
...     "opened": pd.NaT, "closed": pd.NaT}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
>>> r = watch(a, s, None, as_of="2018-11-15")
>>> int(r.sites.loc[0, "nearby_alerts"]), int(r.sites.loc[0, "rank"])
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from ..asof import as_of as as_of_view
from ..asof import as_of_phrase, parse_as_of
from . import explain, presence_gap
from .config import HotspotConfig
from ..i18n import N_
from ..i18n.phrases import Num, Phrase, Said
from .prepare import AlertIndex, days, incident_severity, incidents, slice_weights

WATCH_COLUMNS = ["site_id", "name", "as_of", "rank", "risk", "presence", "presence_gap", "nearby_alerts",
                 "explanation", "population", "activity", "killed", "explanation_phrases"]
ARMED = ("killing", "armed_attack", "abduction", "sexual_violence", "looting", "arson", "armed_group_movement",
         "checkpoint_extortion")


@dataclass
class WatchResult:
    """Watched IDP sites as of one time, highest risk first.

    Attributes
    ----------
    as_of : pandas.Timestamp
    sites : geopandas.GeoDataFrame
        Columns :data:`WATCH_COLUMNS`, point geometry (EPSG:4326).
    notes : list of str
    """

    as_of: pd.Timestamp
    sites: gpd.GeoDataFrame
    notes: list = field(default_factory=list)

    def features(self) -> list[dict]:
        """GeoJSON features with the command-line contract's properties."""
        from . import _features
        return _features(self.sites, ["site_id", "name", "as_of", "rank", "risk", "presence", "presence_gap",
                                      "nearby_alerts", "explanation"])


def watch(alerts: gpd.GeoDataFrame, sites: gpd.GeoDataFrame | None, presence: gpd.GeoDataFrame | None,
          as_of, config: HotspotConfig | None = None, top: int | None = None, watch_km: float = 30.0,
          watch_days: float = 90.0, half_life_days: float = 30.0, activity_scale: float = 3.0,
          roads=None) -> WatchResult:
    """Rank IDP sites open at ``as_of`` by nearby armed activity and presence gaps.

    Parameters
    ----------
    alerts, sites, presence : GeoDataFrame
        Validated layers (``presence`` may be None: gaps not assessed).
    as_of : str, date or Timestamp
    config : HotspotConfig, optional
        Reach per component and the alert weights.
    top : int, optional
    watch_km, watch_days, half_life_days, activity_scale : float
        Neighbourhood, look-back, decay and saturation of the activity level.
    roads : GeoDataFrame or RoadNetwork, optional
        Road lines, or a network built on the metric CRS of the alerts
        (:func:`ewarning.geo.metric_crs`), for reach by travel time
        (``HotspotConfig.reach_hours``).

    Returns
    -------
    WatchResult
    """
    when = parse_as_of(as_of)
    cfg = config or HotspotConfig()
    notes: list[str] = []
    empty = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in WATCH_COLUMNS}, geometry=[], crs="EPSG:4326")
    if sites is None:
        return WatchResult(when, empty, ["no sites layer: there are no IDP sites to watch"])
    # the layers as they stood at the as-of time, from the one as-of view
    then = as_of_view({"alerts": None, "sites": sites, "presence": presence}, when)
    open_sites = then.sites.reset_index(drop=True)
    if open_sites.empty:
        return WatchResult(when, empty, [Said(Phrase(N_("no IDP site open {as_of}"), as_of=as_of_phrase(when)))])
    if presence is None:
        notes.append(Said(Phrase(N_("no presence layer: presence gaps not assessed"))))
    ix = AlertIndex.from_frame(alerts if alerts is not None else open_sites.iloc[0:0].assign(
        reported_at=pd.to_datetime([], utc=True), category=[]), cfg,
        crs=None if alerts is not None and len(alerts) else None)
    crs = ix.crs if len(ix) else _crs_of(open_sites)
    t_end = days(when)
    lo, hi = ix.upto(t_end - watch_days), ix.upto(t_end)
    if hi == lo:
        notes.append(Said(Phrase(N_("no alerts reported in the {days} days up to {as_of}"), days=Num(watch_days, None),
                                 as_of=as_of_phrase(when))))
    w = slice_weights(ix, lo, hi, t_end, cfg) if hi > lo else np.zeros(0)
    armed = np.isin(ix.category[lo:hi], ARMED) & (w > 0)
    site_km = presence_gap._km_geoms(open_sites, crs)
    sx = np.array([g.x for g in site_km])
    sy = np.array([g.y for g in site_km])
    n = len(open_sites)
    activity, count, killed = np.zeros(n), np.zeros(n, dtype="int64"), np.zeros(n)
    if armed.any():
        root, inc_killed = incidents(ix, hi)   # one count of an incident: its largest report known then
        severity = incident_severity(ix, hi, root)   # and its gravest severity, as the hotspots weigh it
        idx = np.flatnonzero(armed) + lo
        tree = cKDTree(np.column_stack([ix.x[idx], ix.y[idx]]))
        near = tree.query_ball_point(np.column_stack([sx, sy]), r=watch_km)
        decay = np.power(0.5, (t_end - ix.t_rep[idx]) / half_life_days)
        harm = w[idx - lo] * (severity[idx] / 5.0) * np.where(ix.grave[idx], 1.5, 1.0) * decay
        for s, members in enumerate(near):
            if members:
                m = np.asarray(members)
                activity[s] = harm[m].sum()
                count[s] = len(m)
                # duplicates left out (w > 0); each first report carries its incident's largest count
                killed[s] = inc_killed[idx[m]].sum()
    from ..roads import as_network
    pres = presence_gap.assess(list(site_km), then.presence, None, crs, when, cfg, roads=as_network(roads, crs))
    missing = pres["gap"].map(len).to_numpy() / 4.0 if presence is not None else np.zeros(n)
    level = 1.0 - np.exp(-activity / activity_scale)
    risk = 100.0 * level * (0.25 + 0.75 * missing)
    has_gap = missing > 0
    order = np.lexsort((np.arange(n), -activity, -risk, ~has_gap))
    if top is not None:
        order = order[:max(int(top), 0)]
    rows = []
    for rank, s in enumerate(order, start=1):
        site = open_sites.iloc[s]
        present = [c for c in presence_gap.COMPONENT_NAMES if pres.at[s, c]]
        info = dict(name=site["name"], population=site.get("population"), n_nearby=int(count[s]), killed=killed[s],
                    km=watch_km, days=watch_days, presence_known=presence is not None, present=present,
                    gap=pres.at[s, "gap"])
        rows.append({"site_id": site.get("site_id", str(s)), "name": site["name"], "as_of": when, "rank": rank,
                     "risk": round(float(risk[s]), 1),
                     "presence": {c: bool(pres.at[s, c]) for c in presence_gap.COMPONENT_NAMES},
                     "presence_gap": list(pres.at[s, "gap"]), "nearby_alerts": int(count[s]),
                     "explanation": explain.site(info), "population": site.get("population"),
                     "activity": float(activity[s]), "killed": float(killed[s]),
                     "explanation_phrases": tuple(explain.site_phrases(info))})
    frame = gpd.GeoDataFrame(rows, geometry=open_sites.geometry.iloc[order].to_numpy(), crs="EPSG:4326") \
        if rows else empty
    return WatchResult(when, frame, notes)


def _crs_of(frame: gpd.GeoDataFrame) -> str:
    from ..geo import metric_crs
    return metric_crs(frame)
