"""Every tunable number of the hotspot engine, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass, field


def _reach() -> dict[str, float]:
    return {"military": 30.0, "police": 20.0, "civilian": 20.0, "cla": 20.0}


def _reach_hours() -> dict[str, float]:
    return {"military": 2.0, "police": 1.5, "civilian": 1.5, "cla": 1.5}


def _score_weights() -> dict[str, float]:
    return {"intensity": 0.30, "escalation": 0.15, "trend": 0.15, "spread": 0.15,
            "severity": 0.15, "exposure": 0.10}


@dataclass(frozen=True)
class HotspotConfig:
    """Parameters of clustering, scoring and presence assessment.

    Attributes
    ----------
    window_days : float
        Recent window whose alerts are clustered (reported in ``[T - window, T)``).
    baseline_days : float
        The place's own baseline: the period just before the recent window.
    eps_km : float
        DBSCAN neighbourhood radius on the metric projection.
    min_weight : float
        Weighted alert mass a DBSCAN core needs (one clean exact report = 1).
    time_km_per_day : float
        Time axis scaling for spatio-temporal clustering (1 day = this many km).
    buffer_km : float
        Hotspot polygon = convex hull of its alerts widened by this.
    reporter_cap : float
        Most weight one reporter key contributes per place (``cap_cell_km``) and day.
    precision_weight : dict
        Weight by location precision; coarse reports cannot form a hotspot alone.
    trend_weeks : int
        Weekly counts entering the Mann-Kendall trend test.
    exposure_km : float
        IDP sites closer than this to a hotspot are exposed.
    reach_km : dict
        How far a base's component reaches, per component.
    patrol_km, patrol_recent_days : float
        Patrols passing within ``patrol_km`` count as near; recency horizon.
    flag_score : float
        Tension at or above which a hotspot with a presence gap is flagged.
    score_weights : dict
        Weights of the score components (normalised to sum 1).
    intensity_scale, severity_killed_scale, exposure_scale : float
        Saturation constants of the intensity, casualty and exposure components.

    Examples
    --------
    >>> HotspotConfig(eps_km=10).eps_km
    10
    """

    window_days: float = 60.0
    baseline_days: float = 180.0
    eps_km: float = 25.0
    min_weight: float = 1.0
    time_km_per_day: float = 0.0
    #: Older reports also take part in the clustering, fading: a report older than the window weighs
    #: ``0.5 ** (age beyond the window / cluster_half_life_days)``, up to ``cluster_memory_days`` beyond it.
    #: A place quiet in the window but active before is still an area (its score says it is quiet).
    cluster_memory_days: float = 180.0
    cluster_half_life_days: float = 60.0
    #: Density-adaptive core mass: a core needs at least ``density_factor`` x the weighted mass an
    #: ``eps_km`` disc would hold if the clustered reports were spread evenly over their bounding box.
    density_factor: float = 1.0
    #: Clusters wider than this (bounding-box diagonal, km) are split by a second, tighter pass.
    max_extent_km: float = 60.0
    buffer_km: float = 5.0
    max_buffer_km: float = 25.0
    reporter_cap: float = 2.0
    cap_cell_km: float = 10.0
    precision_weight: dict = field(default_factory=lambda: {"exact": 1.0, "village": 1.0, "district": 0.5,
                                                              "province": 0.25})
    reliability_weight: dict = field(default_factory=lambda: {"D": 0.8, "E": 0.5})
    credibility_weight: dict = field(default_factory=lambda: {"4": 0.8, "5": 0.5})
    trend_weeks: int = 8
    exposure_km: float = 20.0
    reach_km: dict = field(default_factory=_reach)
    #: With a road layer, a component reaches a place when a base holding it is within this many hours by
    #: road (off road at ``off_road_kmh`` to and from roads up to ``road_access_km`` away); ``reach_km`` is
    #: then not used. Mission defaults to set from its own response times.
    reach_hours: dict = field(default_factory=_reach_hours)
    off_road_kmh: float = 4.0
    road_access_km: float = 10.0
    patrol_km: float = 10.0
    patrol_recent_days: float = 14.0
    flag_score: float = 50.0
    score_weights: dict = field(default_factory=_score_weights)
    intensity_scale: float = 4.0
    severity_killed_scale: float = 10.0
    exposure_scale: float = 10_000.0
    grave_categories: tuple = ("killing", "sexual_violence", "abduction")
    #: Longer-term activity (decayed, half-life in days) blended into intensity:
    #: sparse sources (UCDP) need memory beyond the recent window.
    memory_half_life_days: float = 60.0
    memory_weight: float = 0.5
    #: Escalation: each day counts at most ``daily_cap`` reports in the Poisson comparison (reports of one
    #: day are not independent), and the rate ratio is taken at its lower ``escalation_confidence`` bound.
    daily_cap: float = 3.0
    escalation_confidence: float = 0.9
    #: Escalation is also tested over the last ``short_window_days`` against everything before it in the
    #: baseline (an escalation of three weeks is diluted in a 60-day window); the larger of the two counts,
    #: each taken at the Bonferroni-adjusted confidence so that two looks keep ``escalation_confidence``.
    short_window_days: float = 21.0
    #: score = 100 x (rise_weight x rise + (1 - rise_weight) x level x (level_floor + (1 - level_floor) x rise)):
    #: ``rise`` (escalation, trend) carries the score; ``level`` (intensity, spread, severity, exposure)
    #: counts fully only where tension rises, ``level_floor`` of it where it does not.
    rise_weight: float = 0.5
    level_floor: float = 0.5
    #: The Poisson comparison uses only the ``baseline_days`` before the window (older alerts sliced for the
    #: decayed memory stay out of it). ``False`` restores the earlier behaviour (sensitivity check only).
    strict_baseline: bool = True
    #: Ranking: *rising* areas (a confident rise, or a Mann-Kendall upward trend with p below
    #: ``rising_trend_p``) come first, by score; the remaining places of the top-K go to the most
    #: *persistently* active areas (decayed activity, half-life ``persistent_half_life_days``, over
    #: ``persistent_days``), labelled "persistent, not rising". Besides the clusters of the window and its
    #: memory, areas clustered over ``persistent_days`` (reports weighing fully) are candidates, so the list
    #: is a full top-K wherever the data hold K separate active places. ``persistent_days = 0`` disables it.
    rising_trend_p: float = 0.1
    #: False discovery rate of the "rising" label over the areas of one as-of time (Benjamini-Hochberg on
    #: each area's smaller p-value: escalation, Bonferroni over its two windows, or trend). ``None``: no
    #: correction (each area tested alone).
    rising_fdr: float | None = 0.2
    persistent_days: float = 365.0
    persistent_half_life_days: float = 45.0
    #: A place that is not rising is listed only with at least this much decayed activity (the weight of
    #: one clean report ``persistent_half_life_days`` old is 0.5): a lone report months ago is no hotspot.
    persistent_min: float = 0.25
    #: Where tension is rising the area drawn and scored against what follows (the *watch area*) is the
    #: core area widened by this much: violence spreads to neighbouring places. Alerts, presence and
    #: exposure are still assessed on the core area (hull + ``buffer_km``).
    rising_buffer_km: float = 10.0
    #: A cluster of at least ``core_min_reports`` reports is drawn around its core: the reports nearest its
    #: weighted median holding ``core_share`` of its weight (1 = every report: the whole hull).
    core_share: float = 0.4
    core_min_reports: int = 50
