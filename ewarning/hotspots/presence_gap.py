"""Presence around a place on a date, by component, and what is missing.

A component *reaches* a place when a base where that component is present on
the date lies within ``HotspotConfig.reach_km[component]`` of the place (the
hotspot area or the site), straight-line on the metric projection. Given a
road network (:class:`ewarning.roads.RoadNetwork`), reach is travel time
instead: within ``HotspotConfig.reach_hours[component]`` by road from a base
holding the component (straight-line reach overstates it where roads are
poor).

Patrols near the place (route within ``patrol_km``) give the recency of the
last dismounted patrol and the community engagements made in the last
``patrol_recent_days``, and the hours of dismounted patrol then: measured
minutes on foot when the patrols carry ``dismounted_min`` (from GPS tracks,
:mod:`ewarning.tracking`), else the duration of patrols declared dismounted.
An engagement log (:mod:`ewarning.engagement`), when given, adds the last
engagement within ``patrol_km`` (days ago, activity, component) and the
engagements logged in the last ``patrol_recent_days``.

Complexity: STRtree queries, O((b + p + h) log(b + p + h)) for b bases,
p patrols and h places.

Examples
--------
>>> import geopandas as gpd, pandas as pd, shapely
>>> bases = gpd.GeoDataFrame({"name": ["TOB"], "military": [1], "police": [0], "civilian": [0], "cla": [0]},
...     geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
>>> crs = "EPSG:32634"
>>> here = bases.to_crs(crs).geometry.iloc[0]
>>> place = shapely.buffer(shapely.points(here.x / 1000, here.y / 1000), 2)
>>> p = assess([place], bases, None, crs, pd.Timestamp("2018-11-15", tz="UTC"), HotspotConfig())
>>> p.loc[0, "gap"]
['police', 'civilian', 'cla']
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..vocab import COMPONENTS
from .config import HotspotConfig

COMPONENT_NAMES = list(COMPONENTS)  # military, police, civilian, cla
#: Columns of :func:`assess` the explanation reads about time on foot and the engagement log.
ENGAGEMENT_FACTS = ("dismounted_hours", "engagements_known", "last_engagement_days", "last_engagement_activity",
                    "last_engagement_component", "logged_engagements")


def _km_geoms(frame: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    """Geometries of ``frame`` in ``crs`` with coordinates in km."""
    geoms = frame.geometry.to_crs(crs).to_numpy()
    return shapely.transform(geoms, lambda c: c / 1000.0)


def _pairs_within(places: list, geoms: np.ndarray, distance: float) -> tuple[np.ndarray, np.ndarray]:
    """(place index, geom index) pairs closer than ``distance`` km."""
    if len(places) == 0 or len(geoms) == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    tree = shapely.STRtree(geoms)
    p_idx, g_idx = tree.query(np.asarray(places, dtype=object), predicate="dwithin", distance=distance)
    return p_idx, g_idx


def assess(places: list, presence: gpd.GeoDataFrame | None, patrols: gpd.GeoDataFrame | None, crs: str,
           when: pd.Timestamp, config: HotspotConfig, roads=None,
           engagements: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Which components reach each place on ``when``, and what is missing.

    Parameters
    ----------
    places : list of shapely geometries in km on ``crs``
    presence : GeoDataFrame or None
        Bases as they stood on ``when`` (:func:`ewarning.presence.on`).
        None means unknown: no component is judged missing.
    patrols : GeoDataFrame or None
        Patrols known at ``when``.
    crs : str
        The metric CRS of ``places``.
    when : pandas.Timestamp
    config : HotspotConfig
    roads : RoadNetwork, optional
        On ``crs``; reach is then travel time (``reach_hours``).
    engagements : GeoDataFrame, optional
        The engagement log; only engagements dated strictly before ``when`` count.

    Returns
    -------
    pandas.DataFrame
        One row per place: ``military, police, civilian, cla`` (bool),
        ``nearest_<component>_km`` (NaN when none present anywhere),
        ``hours_<component>`` (travel time by road; NaN without roads or when
        unreachable),
        ``presence_known``, ``gap`` (list of missing components),
        ``last_dismounted_days`` (NaN when none), ``engagements``,
        ``cla_patrols`` (recent patrols with a liaison assistant),
        ``dismounted_hours`` (recent, see above), ``engagements_known``,
        ``last_engagement_days`` (NaN when none), ``last_engagement_activity``,
        ``last_engagement_component``, ``logged_engagements`` (recent).
    """
    n = len(places)
    out = pd.DataFrame(index=range(n))
    known = presence is not None
    for comp in COMPONENT_NAMES:
        out[comp] = False
        out[f"nearest_{comp}_km"] = np.nan
        out[f"hours_{comp}"] = np.nan
    by_road = roads is not None
    if known and len(presence) and n:
        geoms = _km_geoms(presence, crs)
        place_arr = np.asarray(places, dtype=object)
        for comp in COMPONENT_NAMES:
            has = presence[comp].to_numpy() > 0 if comp in presence.columns else np.zeros(len(presence), bool)
            if not has.any():
                continue
            sub = geoms[has]
            tree = shapely.STRtree(sub)
            nearest = tree.query_nearest(place_arr, return_distance=True, all_matches=False)
            (p_idx, _), dist = nearest
            d = np.full(n, np.nan)
            d[p_idx] = dist
            out[f"nearest_{comp}_km"] = d
            if by_road:
                hours = roads.hours_from(shapely.get_coordinates(sub), list(places), config.off_road_kmh,
                                         config.road_access_km)
                out[f"hours_{comp}"] = np.where(np.isfinite(hours), hours, np.nan)
                out[comp] = hours <= config.reach_hours.get(comp, 1.5)
            else:
                out[comp] = d <= config.reach_km.get(comp, 20.0)
    out["presence_known"] = known
    out["gap"] = [[c for c in COMPONENT_NAMES if not out.at[i, c]] if known else [] for i in range(n)]

    out["last_dismounted_days"] = np.nan
    out["engagements"] = 0
    out["cla_patrols"] = 0
    out["dismounted_hours"] = 0.0
    out["patrols_known"] = patrols is not None
    if patrols is not None and len(patrols) and n:
        routes = _km_geoms(patrols, crs)
        p_idx, g_idx = _pairs_within(places, routes, config.patrol_km)
        if len(p_idx):
            end = pd.to_datetime(patrols["end"].fillna(patrols["start"]), utc=True)
            end_days = ((end - when).dt.total_seconds() / 86_400.0).to_numpy(dtype="float64")
            ago = -np.minimum(end_days, 0.0)[g_idx]  # a patrol still under way counts as now
            dismounted = patrols["type"].to_numpy()[g_idx] == "dismounted"
            recent = ago <= config.patrol_recent_days
            last = np.full(n, np.inf)
            np.minimum.at(last, p_idx[dismounted], ago[dismounted])
            out["last_dismounted_days"] = np.where(np.isinf(last), np.nan, last)
            eng = patrols["engagements"].to_numpy(dtype="float64")[g_idx] if "engagements" in patrols else 0
            out["engagements"] = np.bincount(p_idx[recent], weights=np.asarray(eng)[recent] if np.ndim(eng) else None,
                                             minlength=n).astype("int64")
            if "cla_present" in patrols.columns:
                cla = patrols["cla_present"].fillna(False).to_numpy(dtype=bool)[g_idx]
                out["cla_patrols"] = np.bincount(p_idx[recent & cla], minlength=n)
            out["dismounted_hours"] = _dismounted_hours(patrols, p_idx, g_idx, recent, n)
    _engagement_recency(out, places, engagements, crs, when, config)
    return out


def _dismounted_hours(patrols: gpd.GeoDataFrame, p_idx, g_idx, recent, n: int) -> np.ndarray:
    """Hours on foot near each place: measured ``dismounted_min`` when known, else declared dismounted duration."""
    start = pd.to_datetime(patrols["start"], utc=True)
    end = pd.to_datetime(patrols["end"].fillna(patrols["start"]), utc=True)
    declared = np.where(patrols["type"].to_numpy() == "dismounted",
                        ((end - start).dt.total_seconds() / 3600.0).fillna(0.0).to_numpy(), 0.0)
    if "dismounted_min" in patrols.columns:
        measured = pd.to_numeric(patrols["dismounted_min"], errors="coerce").to_numpy(dtype="float64") / 60.0
        declared = np.where(np.isfinite(measured), measured, declared)
    return np.bincount(p_idx[recent], weights=np.maximum(declared, 0.0)[g_idx][recent], minlength=n)


def _engagement_recency(out: pd.DataFrame, places: list, engagements, crs: str, when: pd.Timestamp,
                        config: HotspotConfig) -> None:
    n = len(out)
    if "dismounted_hours" not in out.columns:
        out["dismounted_hours"] = 0.0
    out["engagements_known"] = engagements is not None
    out["last_engagement_days"] = np.nan
    out["last_engagement_activity"] = None
    out["last_engagement_component"] = None
    out["logged_engagements"] = 0
    if engagements is None or len(engagements) == 0 or n == 0:
        return
    dates = pd.to_datetime(engagements["date"], utc=True)
    known = engagements[(dates < when).to_numpy()]
    if known.empty:
        return
    p_idx, e_idx = _pairs_within(places, _km_geoms(known, crs), config.patrol_km)
    if len(p_idx) == 0:
        return
    ago = ((when - pd.to_datetime(known["date"], utc=True)).dt.total_seconds() / 86_400.0).to_numpy()[e_idx]
    order = np.lexsort((e_idx, ago, p_idx))          # per place, the most recent first
    p_s, e_s, a_s = p_idx[order], e_idx[order], ago[order]
    first = np.r_[True, p_s[1:] != p_s[:-1]]
    out.loc[p_s[first], "last_engagement_days"] = a_s[first]
    out.loc[p_s[first], "last_engagement_activity"] = known["activity"].to_numpy()[e_s[first]]
    out.loc[p_s[first], "last_engagement_component"] = known["component"].to_numpy()[e_s[first]]
    out["logged_engagements"] = np.bincount(p_idx[ago <= config.patrol_recent_days], minlength=n)


def exposed_sites(places: list, sites: gpd.GeoDataFrame | None, crs: str, km: float) -> tuple[np.ndarray, list]:
    """People and site names within ``km`` of each place.

    Returns
    -------
    population : numpy.ndarray
        Sum of known site populations per place (unknown counts 0).
    names : list of list of str
        Names of the exposed sites, largest first.

    Examples
    --------
    >>> exposed_sites([], None, "EPSG:32634", 20)
    (array([], dtype=float64), [])
    """
    n = len(places)
    pop = np.zeros(n)
    names: list = [[] for _ in range(n)]
    if sites is None or len(sites) == 0 or n == 0:
        return pop, names
    geoms = _km_geoms(sites, crs)
    p_idx, s_idx = _pairs_within(places, geoms, km)
    site_pop = sites["population"].fillna(0).to_numpy(dtype="float64") if "population" in sites else np.zeros(len(sites))
    np.add.at(pop, p_idx, site_pop[s_idx])
    site_names = sites["name"].astype(str).to_numpy() if "name" in sites else sites.index.astype(str).to_numpy()
    for p, s in sorted(zip(p_idx, s_idx), key=lambda ps: -site_pop[ps[1]]):
        names[p].append(site_names[s])
    return pop, names
