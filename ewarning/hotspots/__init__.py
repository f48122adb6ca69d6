"""Hotspots: where tension is rising, and whether the mission's presence is whole.

The pipeline, as of a time ``T`` (only alerts reported strictly before ``T``):

1. **weights** (:mod:`.prepare`): duplicates of a known report weigh 0, one
   reporter key counts at most ``reporter_cap`` per place and day, coarse
   locations and doubtful sources weigh less;
2. **clustering** (:mod:`.clustering`): weighted DBSCAN over the recent window
   on a metric projection; area = hull widened by a buffer;
3. **tension** (:mod:`.tension`): a 0-100 score of rising tension with a
   Poisson test against the place's own baseline and a Mann-Kendall trend;
4. **presence gap** (:mod:`.presence_gap`): which components reach the area,
   recent dismounted patrols and engagements; a hotspot is *flagged* when its
   score is at least ``flag_score`` and a component is missing;
5. **expected serious events** (:mod:`ewarning.forecast.areas`): the
   self-exciting model fitted on these alerts as of the day (defaults with few
   serious events, and the figure says which) gives each area its expected
   serious events over the next 14 days;
6. **explanation** (:mod:`.explain`).

The vulnerability watch of IDP sites is in :mod:`.watch`.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> a = gpd.GeoDataFrame({"reported_at": pd.date_range("2018-11-01", periods=6, freq="2D", tz="UTC"),
...     "category": "killing", "killed": 2}, geometry=gpd.points_from_xy([20.68] * 6, [4.79] * 6), crs="EPSG:4326")
>>> r = score_hotspots(a, as_of="2018-11-15")
>>> len(r.hotspots), int(r.hotspots.loc[0, "n_alerts"])
(1, 6)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..asof import as_of as as_of_view
from ..asof import as_of_tag, as_of_words, parse_as_of, utc_columns
from ..forecast.areas import AreaConfig, expected_in_areas
from . import clustering, explain, presence_gap, tension
from .config import HotspotConfig
from .prepare import AlertIndex, days, slice_weights
from ..i18n import N_
from ..i18n.phrases import Phrase, Said, phrase_of

__all__ = ["HotspotConfig", "HotspotEngine", "HotspotResult", "score_hotspots", "AlertIndex"]

#: Farther than this (km) from every town of the gazetteer, a hotspot is named by its coordinates.
TOWN_KM = 100.0

HOTSPOT_COLUMNS = ["hotspot_id", "as_of", "rank", "score", "flagged", "presence", "presence_gap", "exposed_sites",
                   "n_alerts", "trend", "rising", "persistence", "explanation", "place", "alert_ids", "baseline_ids",
                   "baseline_days", "intensity",
                   "escalation", "trend_strength",
                   "spread", "severity", "exposure",
                   "rate_ratio", "p_rise", "tau", "p_trend", "killed", "exposed_population",
                   "last_dismounted_days", "engagements", "expected_events", "expected_recent_near",
                   "forecast_model", "explanation_phrases"]


@dataclass
class HotspotResult:
    """Hotspots scored as of one time.

    Attributes
    ----------
    as_of : pandas.Timestamp
    hotspots : geopandas.GeoDataFrame
        One row per hotspot, best first (EPSG:4326 polygons), columns
        :data:`HOTSPOT_COLUMNS`.
    notes : list of str
        What the user should know (empty window, no presence layer, ...).
    config : HotspotConfig

    Examples
    --------
    >>> import geopandas as gpd
    >>> empty = gpd.GeoDataFrame({"reported_at": pd.to_datetime([], utc=True), "category": []}, geometry=[],
    ...                          crs="EPSG:4326")
    >>> r = score_hotspots(empty, as_of="2020-01-01")
    >>> len(r.hotspots), r.notes[0]
    (0, 'no alerts at all: nothing to score')
    """

    as_of: pd.Timestamp
    hotspots: gpd.GeoDataFrame
    notes: list = field(default_factory=list)
    config: HotspotConfig = field(default_factory=HotspotConfig)

    def features(self) -> list[dict]:
        """GeoJSON features with the command-line contract's properties."""
        return _features(self.hotspots, ["as_of", "rank", "score", "flagged", "presence", "presence_gap",
                                         "exposed_sites", "n_alerts", "trend", "explanation", "place",
                                         "hotspot_id", "alert_ids", "expected_events", "forecast_model"])


_EXACT = {"expected_events"}


def _features(frame: gpd.GeoDataFrame, props: list[str]) -> list[dict]:
    out = []
    for _, row in frame.iterrows():
        p = {}
        for k in props:
            v = row[k]
            if isinstance(v, pd.Timestamp):
                v = v.isoformat()
            elif isinstance(v, (np.floating, float)):
                # the expected events are already the figure the explanation says ("0.034"): kept as they are
                v = None if np.isnan(v) else (float(v) if k in _EXACT else round(float(v), 2))
            elif isinstance(v, (np.integer,)):
                v = int(v)
            elif isinstance(v, (np.bool_,)):
                v = bool(v)
            elif isinstance(v, np.ndarray):
                v = v.tolist()
            p[k] = v
        out.append({"type": "Feature", "geometry": shapely.geometry.mapping(row.geometry), "properties": p})
    return out


def _component_column(name: str) -> str:
    """Output column of a score component (``trend`` is the word, its strength is ``trend_strength``)."""
    return "trend_strength" if name == "trend" else name


def empty_hotspots() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in HOTSPOT_COLUMNS}, geometry=[], crs="EPSG:4326")


class HotspotEngine:
    """Scores hotspots as of any time over one prepared set of layers.

    Preparing (projection, sorting, duplicate links) happens once; each
    :meth:`score` slices what was reported before its as-of time, so a
    backtest over many dates pays the preparation once.

    Parameters
    ----------
    alerts : GeoDataFrame
        Validated alerts (:func:`ewarning.alerts.validate`).
    sites, presence, patrols : GeoDataFrame, optional
        Validated layers; each is taken as it stood at the as-of time.
    config : HotspotConfig, optional
    crs : str, optional
        Metric CRS (default: the UTM zone of the alerts' centre).
    towns : GeoDataFrame, optional
        A gazetteer (``name``, points) for naming hotspots with no site or
        base inside their area ("23 km NE of Bria";
        :func:`ewarning.places.shipped_towns`; see :meth:`_place_names`).
    roads : GeoDataFrame, optional
        Road lines (:func:`ewarning.roads.read_roads`): presence reach is
        then travel time by road (``HotspotConfig.reach_hours``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2018-11-10", "2018-11-12"], utc=True),
    ...     "category": "killing"}, geometry=gpd.points_from_xy([20.68, 20.69], [4.79, 4.80]), crs="EPSG:4326")
    >>> eng = HotspotEngine(a)
    >>> [len(eng.score(t).hotspots) for t in ("2018-11-11", "2018-11-13")]
    [1, 1]
    """

    def __init__(self, alerts: gpd.GeoDataFrame, sites=None, presence=None, patrols=None,
                 config: HotspotConfig | None = None, crs: str | None = None, towns=None, roads=None,
                 forecast: AreaConfig | None = None):
        config = config or HotspotConfig()
        if alerts is None:
            alerts = gpd.GeoDataFrame({"reported_at": pd.to_datetime([], utc=True), "category": []},
                                      geometry=[], crs="EPSG:4326")
        self._setup(AlertIndex.from_frame(alerts, config, crs), config, sites, presence, patrols, towns, roads,
                    forecast)

    @classmethod
    def from_index(cls, index: AlertIndex, config: HotspotConfig | None = None, sites=None, presence=None,
                   patrols=None, towns=None, roads=None, forecast: AreaConfig | None = None) -> "HotspotEngine":
        """An engine over alerts already prepared (the backtest shares one index between its methods)."""
        engine = cls.__new__(cls)
        engine._setup(index, config or HotspotConfig(), sites, presence, patrols, towns, roads, forecast)
        return engine

    def _setup(self, index: AlertIndex, config: HotspotConfig, sites, presence, patrols, towns, roads,
               forecast: AreaConfig | None = None) -> None:
        from ..roads import as_network
        self.config, self.index, self.crs = config, index, index.crs
        #: how expected serious events are forecast for the listed areas (:mod:`ewarning.forecast.areas`)
        self.forecast = forecast or AreaConfig()
        self.sites = utc_columns(sites, ["opened", "closed"])
        self.presence, self.patrols = presence, utc_columns(patrols, ["start"])
        self.towns = towns
        self.roads = as_network(roads, self.crs)
        self.engagements = None   # the engagement log, when attached (with_engagements)

    def with_engagements(self, engagements) -> "HotspotEngine":
        """Count an engagement log (:mod:`ewarning.engagement`) in the presence around each hotspot.

        Each hotspot then carries the last engagement within ``patrol_km``
        (dated strictly before the as-of time) and its explanation says so.
        Returns the engine itself.
        """
        # An empty log is no log (a store nobody has imported engagements into): presence is then not judged on it.
        self.engagements = (None if engagements is None or not len(engagements)
                            else utc_columns(engagements, ["date"]))
        return self

    # -- the fast core, shared with the backtest ----------------------------
    def areas(self, when, exposure: bool = True) -> tuple[list, pd.DataFrame, list]:
        """Hotspot areas (km polygons) and their score table, unranked.

        Returns ``(areas, table, notes)``; the table has one row per area
        (see :func:`ewarning.hotspots.tension.score`).
        """
        when = parse_as_of(when)
        cfg, ix = self.config, self.index
        t_end = days(when)
        notes: list[str] = []
        hi = ix.upto(t_end)
        if len(ix) == 0:
            return [], tension.score(ix, 0, 0, np.zeros(0), [], t_end, cfg), [Said(Phrase(N_("no alerts at all: nothing to score")))]
        if hi == 0:
            first = pd.Timestamp(ix.frame["reported_at"].iloc[0])
            return [], tension.score(ix, 0, 0, np.zeros(0), [], t_end, cfg), [
                f"{as_of_words(when)} is before the first alert (reported {first.date()}): nothing was known yet"]
        w_lo = ix.upto(t_end - cfg.window_days)
        if w_lo == hi:
            last = pd.Timestamp(ix.frame["reported_at"].iloc[hi - 1])
            return [], tension.score(ix, 0, 0, np.zeros(0), [], t_end, cfg), [
                f"no alerts reported in the {cfg.window_days:g} days up to {as_of_words(when)} "
                f"(last one reported {last.date()})"]
        memory = max(cfg.baseline_days, cfg.cluster_memory_days)
        if cfg.memory_weight > 0:
            memory = max(memory, 6 * cfg.memory_half_life_days - cfg.window_days)
        lo = ix.upto(t_end - cfg.window_days - memory)
        weights = slice_weights(ix, lo, hi, t_end, cfg)
        c_lo = ix.upto(t_end - cfg.window_days - cfg.cluster_memory_days) if cfg.cluster_memory_days > 0 else w_lo
        c_w = weights[c_lo - lo:]
        if c_lo < w_lo:   # older reports fade with their age beyond the window
            age = np.maximum(t_end - cfg.window_days - ix.t_rep[c_lo:hi], 0.0)
            c_w = c_w * np.power(0.5, age / max(cfg.cluster_half_life_days, 1e-9))
        labels = clustering.cluster(ix, c_lo, hi, c_w, cfg)
        polys = clustering.polygons(ix, c_lo, labels, cfg, c_w)
        n_main = len(polys)
        p_lo, p_w = hi, np.zeros(0)
        if cfg.persistent_days > 0:
            # Persistently active places: clustered over a longer period (reports weighing fully); those
            # apart from every area above are candidates for the places of the top-K that no rise claims.
            p_lo = ix.upto(t_end - cfg.persistent_days)
            p_w = slice_weights(ix, p_lo, hi, t_end, cfg)
            cand = clustering.polygons(ix, p_lo, clustering.cluster(ix, p_lo, hi, p_w, cfg), cfg, p_w)
            if polys and cand:
                hit = shapely.STRtree(polys).query(np.asarray(cand, dtype=object), predicate="intersects")[0]
                near = set(hit.tolist())
                cand = [c for i, c in enumerate(cand) if i not in near]
            polys = polys + cand
        if not polys:
            notes.append(Said(Phrase(N_("recent alerts are too few, duplicated or too coarsely located to form a "
                                        "hotspot"))))
        pop = None
        if exposure and self.sites is not None and polys:
            open_sites = as_of_view({"alerts": None, "sites": self.sites}, when).sites
            pop, _ = presence_gap.exposed_sites(polys, open_sites, self.crs, cfg.exposure_km)
        table = tension.score(ix, lo, hi, weights, polys, t_end, cfg, pop)
        table["persistent_area"] = np.arange(len(polys)) >= n_main
        table["persistence"] = self._persistence(polys, p_lo, hi, p_w, t_end) if cfg.persistent_days > 0 \
            else table["score"].to_numpy()
        table["effective"] = table["recent"]
        table["discounted"] = table["n_alerts"] - table["recent"]
        return polys, table, notes

    def _persistence(self, polys: list, lo: int, hi: int, w: np.ndarray, t_end: float) -> np.ndarray:
        """Decayed weighted count of the alerts ``lo:hi`` within each area (half-life ``persistent_half_life_days``)."""
        if not polys or hi <= lo:
            return np.zeros(len(polys))
        ix, cfg = self.index, self.config
        p_idx, a_idx = shapely.STRtree(polys).query(ix.points()[lo:hi], predicate="within")
        decay = np.power(0.5, (t_end - ix.t_rep[lo + p_idx]) / max(cfg.persistent_half_life_days, 1e-9))
        return np.bincount(a_idx, weights=w[p_idx] * decay, minlength=len(polys))

    def ranking(self, table: pd.DataFrame) -> np.ndarray:
        """Order of areas, best first.

        Rising areas (``table["rising"]``) first, by score; then every other area by persistence (decayed
        activity over ``persistent_days``): the places of the top-K that no rise claims go to the most
        persistently active areas. Areas neither rising nor holding ``persistent_min`` of decayed activity
        are left out. Ties: recent weight, then position. This decides *which* areas a top-K holds (what
        the backtest scores); :meth:`display_order` orders a list for reading.
        """
        if len(table) == 0:
            return np.zeros(len(table), dtype="int64")
        rising = table["rising"].to_numpy(dtype=bool) if "rising" in table else np.ones(len(table), bool)
        persistence = table["persistence"].to_numpy() if "persistence" in table else np.zeros(len(table))
        score = np.where(rising, table["score"].round(6).to_numpy(), 0.0)
        order = np.lexsort((np.arange(len(table)), -table["recent"].to_numpy(), -np.round(persistence, 9), -score,
                            ~rising))
        listed = rising | (np.round(persistence, 9) >= self.config.persistent_min)
        return order[listed[order]]

    def display_order(self, table: pd.DataFrame, order: np.ndarray) -> np.ndarray:
        """The listed areas ``order`` (from :meth:`ranking`) in the order a list shows them.

        Rising areas first, then the persistent, not rising ones, each group by score (ties: persistence,
        then the ranking's order), so ranks follow the scores within what the trend word says. Which areas
        are listed is :meth:`ranking`'s choice (the persistent places of a top-K are the most persistently
        active ones, what the backtest scores); only the order within it differs.
        """
        order = np.asarray(order, dtype="int64")
        if len(order) == 0:
            return order
        rising = table["rising"].to_numpy(dtype=bool)[order] if "rising" in table else np.ones(len(order), bool)
        persistence = table["persistence"].to_numpy()[order] if "persistence" in table else np.zeros(len(order))
        score = table["score"].to_numpy(dtype="float64")[order]
        # the shown (rounded) score decides, so two places shown equal are ordered by persistence
        keys = (np.arange(len(order)), -np.round(persistence, 9), -np.round(score, 1), ~rising)
        return order[np.lexsort(keys)]

    def watch_areas(self, polys: list, table: pd.DataFrame) -> list:
        """The area each hotspot is drawn and judged by: rising ones widened by ``rising_buffer_km``."""
        extra = self.config.rising_buffer_km
        if not polys or extra <= 0 or "rising" not in table:
            return list(polys)
        rising = table["rising"].to_numpy(dtype=bool)
        return [shapely.buffer(p, extra, quad_segs=8) if r else p for p, r in zip(polys, rising)]

    # -- the full result ----------------------------------------------------
    def score(self, when, top: int | None = None) -> HotspotResult:
        """Hotspots as of ``when``, best first, with presence and explanation.

        The areas listed are those :meth:`ranking` puts first; they are shown rising ones first, then the
        persistent, not rising ones, each group by score (:meth:`display_order`). ``trend`` says which
        ("rising" / "persistent, not rising", the engine's rising label) and the explanation starts with it.

        Parameters
        ----------
        when : str, date or Timestamp
            Bare dates mean the start of the day (UTC).
        top : int, optional
            Keep the ``top`` best.

        Returns
        -------
        HotspotResult
        """
        when = parse_as_of(when)
        cfg = self.config
        polys, table, notes = self.areas(when)
        if self.presence is None:
            notes.append(Said(Phrase(N_("no presence layer: presence gaps not assessed, nothing flagged"))))
        if self.sites is None:
            notes.append(Said(Phrase(N_("no sites layer: IDP exposure not assessed"))))
        if not polys:
            return HotspotResult(when, empty_hotspots(), notes, cfg)
        order = self.ranking(table)
        if top is not None:
            order = order[: max(int(top), 0)]
        order = self.display_order(table, order)
        n_tested = len(table)
        polys = [polys[i] for i in order]
        table = table.iloc[order].reset_index(drop=True)
        view = as_of_view({"alerts": None, "sites": self.sites, "presence": self.presence,
                           "patrols": self.patrols}, when)
        pres = presence_gap.assess(polys, view.presence, view.patrols, self.crs, when, cfg,
                                   roads=self.roads, engagements=self.engagements)
        pop, site_names = presence_gap.exposed_sites(polys, view.sites, self.crs, cfg.exposure_km)
        places = self._place_names(polys, view)
        ix = self.index
        drawn = self.watch_areas(polys, table)
        # expected serious events in each drawn area: one figure for the table and the explanation
        outlook = expected_in_areas(ix, days(when), drawn, self.forecast)
        if outlook.source != "fitted":
            notes.append(Said(Phrase(N_("Expected serious events: {note}."), note=phrase_of(outlook.fit.note))))
        rows = []
        for k in range(len(polys)):
            area = table.iloc[k]
            members = area["members"]
            present = [c for c in presence_gap.COMPONENT_NAMES if pres.at[k, c]]
            gap = pres.at[k, "gap"]
            flagged = bool(pres.at[k, "presence_known"] and gap and area["score"] >= cfg.flag_score)
            info = dict(area)
            rising_k = bool(area.get("rising", True))
            info.update({c: pres.at[k, c] for c in presence_gap.ENGAGEMENT_FACTS})   # dismounted time, engagements
            info.update(place=places[k], n_alerts=len(members), categories=ix.category[members],
                        killed=float(area["killed_count"]), exposed_sites=site_names[k],
                        exposed_pop=pop[k], presence_known=bool(pres.at[k, "presence_known"]), present=present,
                        gap=gap, last_dismounted_days=pres.at[k, "last_dismounted_days"],
                        engagements=pres.at[k, "engagements"], patrols_known=bool(pres.at[k, "patrols_known"]),
                        cla_patrols=int(pres.at[k, "cla_patrols"]), by_road=self.roads is not None,
                        hours={c: pres.at[k, f"hours_{c}"] for c in presence_gap.COMPONENT_NAMES},
                        flagged=flagged, rising=rising_k, tested_areas=n_tested,
                        expected_phrase=outlook.explanations[k].phrase,
                        persistent_days=cfg.persistent_days if cfg.persistent_days > 0 else cfg.window_days)
            phrases = tuple(explain.hotspot_phrases(info, cfg))
            rows.append({
                "hotspot_id": f"H-{as_of_tag(when)}-{k + 1}", "as_of": when, "rank": k + 1,
                "score": round(float(area["score"]), 1), "flagged": flagged,
                "presence": {c: bool(pres.at[k, c]) for c in presence_gap.COMPONENT_NAMES},
                "presence_gap": list(gap), "exposed_sites": list(site_names[k]), "n_alerts": int(len(members)),
                # the word says why the place is listed: the engine's rising label (under false-discovery
                # control), never the weekly trend test alone (a place can rise confidently over 21 days
                # while its 8 weekly counts fall)
                "trend": "rising" if rising_k else "persistent, not rising", "rising": rising_k,
                "persistence": round(float(area.get("persistence", 0.0)), 3),
                # the English, and the phrases any other language is rendered from (the same figures)
                "explanation": explain.render(phrases, explain.ENGLISH), "explanation_phrases": phrases,
                "place": places[k], "alert_ids": ix.ids[members].tolist(),
                # the reports of the baseline the area was compared with, and its length (shorter than
                # HotspotConfig.baseline_days when the history is): what a dossier's chart shows
                "baseline_ids": ix.ids[area["base_members"]].tolist(), "baseline_days": float(area["baseline_days"]),
                **{_component_column(c): round(float(area[c]), 3) for c in tension.COMPONENTS},
                "rate_ratio": float(area["rate_ratio"]), "p_rise": float(area["p_rise"]), "tau": float(area["tau"]),
                "p_trend": float(area["p_trend"]), "killed": float(area["killed_count"]),
                "exposed_population": float(pop[k]), "last_dismounted_days": pres.at[k, "last_dismounted_days"],
                "engagements": int(pres.at[k, "engagements"]),
                # the figure the explanation says, as it says it ("0.80"): the table cannot disagree
                "expected_events": outlook.expected[k],
                "expected_recent_near": round(float(outlook.explanations[k].recent_near), 3),
                "forecast_model": outlook.model_words,
            })
        geoms = shapely.transform(np.asarray(drawn, dtype=object), lambda c: c * 1000.0)
        frame = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geoms, crs=self.crs).to_crs("EPSG:4326").to_numpy(),
                                 crs="EPSG:4326")
        return HotspotResult(when, frame, notes, cfg)

    def _place_names(self, polys: list, view) -> list[str]:
        """The name of each area, chosen from what lies in it or from the fixed gazetteer only.

        Stable names: a name depends only on the area itself, the sites and
        bases *inside* it and the gazetteer, never on the nearest of all
        sites anywhere, so adding a site or base outside an area (however
        near its edge) never renames it.

        1. the IDP site (open at the as-of time) or base (active then) inside
           the area (its core, before a rising place's wider watch margin)
           nearest the area's centre (ties: the name first in order). A site
           added inside an area and nearer its centre does rename it: the
           area is then *at* that site;
        2. else "d km DIR of <town>" for the town of ``self.towns`` nearest
           the centre within ``TOWN_KM`` km;
        3. else the centre's coordinates.
        """
        polys_arr = np.asarray(polys, dtype=object)
        centres_km = shapely.centroid(polys_arr)
        centroids = gpd.GeoSeries(shapely.transform(centres_km, lambda c: c * 1000.0), crs=self.crs).to_crs("EPSG:4326")
        names = [f"{c.y:.3f}, {c.x:.3f}" for c in centroids]
        towns = self.towns
        if towns is not None and len(towns):
            from ..places import offset_phrase
            town_km = presence_gap._km_geoms(towns, self.crs)
            (p_idx, t_idx), dist = shapely.STRtree(town_km).query_nearest(centres_km, return_distance=True,
                                                                          all_matches=False)
            labels = towns["name"].astype(str).to_numpy()
            for p, t, d in zip(p_idx, t_idx, dist):
                if d <= TOWN_KM:
                    names[p] = offset_phrase(town_km[t].x, town_km[t].y, centres_km[p].x, centres_km[p].y, labels[t])
        geoms, labels = [], []
        for layer in (view.sites, view.presence):
            if layer is not None and len(layer) and "name" in layer:
                geoms.append(presence_gap._km_geoms(layer, self.crs))
                labels.append(layer["name"].astype(str).to_numpy())
        if geoms:
            geoms, labels = np.concatenate(geoms), np.concatenate(labels)
            ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            geoms, labels = geoms[ok], labels[ok]
        if len(geoms):
            g_idx, p_idx = _inside(polys_arr, geoms)
            best: dict[int, tuple[float, str]] = {}
            d = shapely.distance(centres_km[p_idx], geoms[g_idx])
            for p, g, dist in zip(p_idx, g_idx, d):
                key = (round(float(dist), 6), labels[g])
                if p not in best or key < best[p]:
                    best[p] = key
            for p, (_, label) in best.items():
                names[p] = label
        return names


def _inside(polys, geoms) -> tuple[np.ndarray, np.ndarray]:
    """``(geom_index, poly_index)`` of every site or base (``geoms``) lying in an area (``polys``)."""
    poly_idx, geom_idx = shapely.STRtree(geoms).query(polys, predicate="intersects")
    return geom_idx, poly_idx


def score_hotspots(alerts: gpd.GeoDataFrame, sites=None, presence=None, patrols=None, as_of=None,
                   config: HotspotConfig | None = None, top: int | None = None,
                   alert_edits: pd.DataFrame | None = None, towns=None, roads=None) -> HotspotResult:
    """Score hotspots as of ``as_of`` (only alerts reported strictly before it).

    Parameters
    ----------
    alerts : GeoDataFrame
        Validated alerts.
    sites, presence, patrols : GeoDataFrame, optional
        Validated layers, taken as they stood on ``as_of``.
    as_of : str, date or Timestamp
        A bare date is the start of that day in UTC.
    config : HotspotConfig, optional
    top : int, optional
    alert_edits : DataFrame, optional
        The store's triage log: alerts are then scored as triage had left
        them at ``as_of`` (edits made later are undone: no look-ahead;
        :func:`ewarning.asof.triaged_as_of`). Without it, alerts are scored
        as given.
    towns : GeoDataFrame, optional
        Gazetteer for naming hotspots with no site or base inside their area.
    roads : GeoDataFrame, optional
        Road lines: reach by travel time instead of distance.

    Returns
    -------
    HotspotResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> a = gpd.GeoDataFrame({"reported_at": pd.to_datetime(["2018-11-14", "2018-11-15"], utc=True),
    ...     "category": "killing"}, geometry=gpd.points_from_xy([20.68, 20.68], [4.79, 4.79]), crs="EPSG:4326")
    >>> int(score_hotspots(a, as_of="2018-11-15").hotspots.loc[0, "n_alerts"])   # the report of the 15th is not known yet
    1
    """
    if as_of is None:
        raise ValueError("give as_of: the time the scores are computed as of")
    if alert_edits is not None:
        from ..asof import triaged_as_of
        alerts = triaged_as_of(alerts, alert_edits, parse_as_of(as_of))
    return HotspotEngine(alerts, sites, presence, patrols, config, towns=towns, roads=roads).score(as_of, top)
