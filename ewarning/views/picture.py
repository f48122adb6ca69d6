"""The picture: what the mission knew at ``T``, under the analyst's filters, for one acting user.

Every view (:mod:`ewarning.views`) is built from one :class:`Picture`, and a
picture is built only from the as-of view (:func:`ewarning.asof.as_of`):
alerts reported before ``T`` (with triage as it stood at ``T`` when the
filters ask for it), sites open, bases active and patrols started at ``T``,
and the hotspots scored on those layers. Nothing downstream opens a layer on
a date again, so the map, the tables, the dossier, the command line and the
briefing cannot disagree on what was known.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.filters import Filters
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-20"], utc=True),
...     "category": "killing"}, geometry=gpd.points_from_xy([20.68, 20.69], [4.79, 4.80]), crs="EPSG:4326")
>>> p = picture(Layers(alerts=a), Filters(end=pd.Timestamp("2018-11-15", tz="UTC")), user="analyst")
>>> len(p.known.alerts), p.as_of_words
(1, 'as of end of 14 Nov 2018 (UTC)')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

import geopandas as gpd
import pandas as pd

from .. import filters as flt
from ..asof import AsOfView, as_of, as_of_words, triaged_as_of
from ..auth.roles import Redaction
from ..hotspots import HotspotConfig, HotspotEngine
from ..i18n import N_
from ..i18n.phrases import Phrase, Said
from ..store.errors import acting_user
from .redact import OPERATOR, redact_alerts, redaction_of

__all__ = ["Layers", "Picture", "known", "later_edits_note", "picture", "pictures"]

DOMAIN_LAYERS = ("alerts", "sites", "presence", "patrols")
_FOREVER = pd.Timestamp("2200-01-01", tz="UTC")


@dataclass(frozen=True)
class Layers:
    """The stored layers as they are now, and the triage log that says how they were before.

    Attributes
    ----------
    alerts, sites, presence, patrols : GeoDataFrame or None
        Validated layers (EPSG:4326), every row ever stored.
    alert_edits : DataFrame or None
        The store's triage log (``alert_id, version, at, changes``); None
        when the alerts come from a file (there is no triage to undo).
    source : str
        Where they came from (a store location or file names), for notes.
    engagements : GeoDataFrame or None
        The engagement log (:mod:`ewarning.engagement`): counted in the
        presence around each hotspot when given.
    """

    alerts: gpd.GeoDataFrame | None = None
    sites: gpd.GeoDataFrame | None = None
    presence: gpd.GeoDataFrame | None = None
    patrols: gpd.GeoDataFrame | None = None
    alert_edits: pd.DataFrame | None = None
    source: str = ""
    engagements: gpd.GeoDataFrame | None = None

    @classmethod
    def from_store(cls, store, until: pd.Timestamp | None = None,
                   bbox: tuple[float, float, float, float] | None = None) -> "Layers":
        """Every layer of ``store`` and its triage log; with ``until``, the alerts and engagements dated before
        it, and with ``bbox``, the features in that box (both filtered in the database where the backend can:
        a mission-size PostGIS store reads only the area and the period asked for)."""
        return cls(alerts=store.read("alerts", until=until, bbox=bbox), sites=store.read("sites", bbox=bbox),
                   presence=store.read("presence", bbox=bbox), patrols=store.read("patrols", bbox=bbox),
                   alert_edits=store.read("alert_edits"), source=str(store.location),
                   engagements=store.read("engagements", until=until, bbox=bbox))

    def edits_after(self, when: pd.Timestamp) -> int:
        """How many triage edits were made at or after ``when`` (0 without a log)."""
        edits = self.alert_edits
        if edits is None or not len(edits):
            return 0
        return int((pd.to_datetime(edits["at"], utc=True, format="ISO8601") >= when).sum())


@dataclass(frozen=True)
class Picture:
    """What was known at ``filters.as_of``, as the acting user looks at it.

    Attributes
    ----------
    filters : Filters
        What the user is looking at (window, codes, area, duplicates, triage as known then).
    user : str
        Who is looking (pages, commands and briefings pass it down; views never look it up).
    known : AsOfView
        The layers as of ``T``: alerts reported before ``T`` (triage as known at ``T`` when
        ``filters.triage_as_known``), sites open, bases active and patrols started then.
    hotspots : GeoDataFrame
        Every listed hotspot as of ``T`` touching the drawn area, display order
        (:meth:`ewarning.hotspots.HotspotEngine.score`).
    notes : list of str
        What the user should know (from the engine, and about later triage edits).
    config : HotspotConfig
    edits_after : int
        Triage edits made after ``T`` (undone when ``filters.triage_as_known``).
    redaction : Redaction
        What the user may see of the reports (:mod:`ewarning.views.redact`), already applied to
        ``known.alerts``: no role sees reporter keys; free text and exact locations by role.
    """

    filters: flt.Filters
    user: str
    known: AsOfView
    hotspots: gpd.GeoDataFrame
    notes: list = field(default_factory=list)
    config: HotspotConfig = field(default_factory=HotspotConfig)
    edits_after: int = 0
    redaction: Redaction = OPERATOR

    @property
    def as_of(self) -> pd.Timestamp:
        return self.known.as_of

    @property
    def as_of_words(self) -> str:
        """``T`` as every screen says it ("as of end of 14 Nov 2018 (UTC)")."""
        return as_of_words(self.as_of)

    @property
    def triage_words(self) -> str:
        """Which triage the picture shows, in words for a caption."""
        if self.filters.triage_as_known:
            return "triage as it stood then"
        return "today's triage" + (f" ({self.edits_after} edit(s) made later included)" if self.edits_after else "")

    @property
    def scoring_alerts(self) -> gpd.GeoDataFrame:
        """The alerts the scorers saw (:func:`ewarning.filters.scoring_alerts`)."""
        return flt.scoring_alerts(self.known.alerts, self.filters)

    @property
    def window_alerts(self) -> gpd.GeoDataFrame:
        """The alerts lists and the map show: reported in the window, passing every filter."""
        return flt.apply_alerts(self.known.alerts, self.filters)

    def hotspot(self, hotspot_id: str) -> pd.Series:
        """One hotspot's row; ``KeyError`` naming the id and the as-of day when it is not listed."""
        rows = self.hotspots[self.hotspots["hotspot_id"] == hotspot_id] if len(self.hotspots) else self.hotspots
        if not len(rows):
            raise KeyError(f"no hotspot {hotspot_id} {self.as_of_words} under these filters")
        return rows.iloc[0]


def known(layers: Layers, f: flt.Filters) -> AsOfView:
    """The layers as of ``f.as_of`` (:func:`ewarning.asof.as_of`), triage as known then when ``f`` asks."""
    return as_of({"alerts": _alerts_or_empty(layers.alerts), "sites": layers.sites, "presence": layers.presence,
                  "patrols": layers.patrols, "alert_edits": layers.alert_edits if f.triage_as_known else None},
                 f.as_of)


def _alerts_or_empty(alerts):
    if alerts is not None:
        return alerts
    return gpd.GeoDataFrame({"id": [], "reported_at": pd.to_datetime([], utc=True), "category": []},
                            geometry=[], crs="EPSG:4326")


def _engine_alerts(layers: Layers, f: flt.Filters) -> gpd.GeoDataFrame:
    """What the engine is prepared on: every stored alert passing the filters' codes and area, later ones
    included (triage as known at ``T`` when asked).

    The engine itself scores only what was reported before each as-of time
    (the backtest relies on it), so later reports change nothing but the
    note that a date lies before the first report.
    """
    alerts = _alerts_or_empty(layers.alerts)
    if f.triage_as_known:
        alerts = triaged_as_of(alerts, layers.alert_edits, f.as_of)
    return flt.scoring_alerts(alerts, replace(f, end=_FOREVER))


def later_edits_note(later: int, known_then: bool) -> str:
    """What every screen and command says of triage edits made after the as-of time."""
    if known_then:
        return Said(Phrase(N_("{n} triage edit(s) were made after the as-of time: undone, as known then."), n=later))
    return Said(Phrase(N_("{n} triage edit(s) were made after the as-of time: applied (hindsight)."), n=later))


def _notes(result_notes, layers: Layers, f: flt.Filters) -> tuple[list[str], int]:
    later = layers.edits_after(f.as_of)
    notes = list(result_notes)
    if later:
        notes.append(later_edits_note(later, f.triage_as_known))
    return notes, later


def picture(layers: Layers, filters: flt.Filters, user: str, *, config: HotspotConfig | None = None,
            towns=None, roads=None, top: int | None = None, engine: HotspotEngine | None = None) -> Picture:
    """The picture as of ``filters.as_of`` for ``user``.

    Parameters
    ----------
    layers : Layers
    filters : Filters
        The hotspots are scored on :func:`ewarning.filters.scoring_alerts` (every alert reported before
        ``T`` passing the category, channel, verification and area filters; hidden duplicates are still
        scored), then those touching the drawn area are kept.
    user : str or ewarning.auth.User
        The acting user (required: a picture is always somebody's): a signed-in account must hold
        ``view_desk`` (:class:`~ewarning.auth.errors.PermissionDenied` otherwise); a name is the
        operator at the command line.
    config : HotspotConfig, optional
    towns : GeoDataFrame, optional
        Gazetteer naming hotspots with no site or base inside (the shipped towns).
    roads : GeoDataFrame, optional
        Reach by travel time.
    top : int, optional
        Keep the ``top`` best hotspots (the command line's ``--top``); all listed ones by default.
    engine : HotspotEngine, optional
        An engine already prepared on these layers' scoring alerts (:func:`pictures` shares one
        between dates).

    Returns
    -------
    Picture
    """
    name = acting_user(user, "a picture of the desk", permission="view_desk")
    return _picture(layers, filters, name, redaction_of(user), config=config, towns=towns, roads=roads, top=top,
                    engine=engine)


def _picture(layers: Layers, filters: flt.Filters, user: str, redaction: Redaction, *,
             config: HotspotConfig | None = None, towns=None, roads=None, top: int | None = None,
             engine: HotspotEngine | None = None) -> Picture:
    """:func:`picture` once the acting user is checked (the replay view checks its own permission)."""
    then = known(layers, filters)
    config = config or HotspotConfig()
    if engine is None:
        engine = HotspotEngine(_engine_alerts(layers, filters), then.sites, then.presence, then.patrols, config,
                               towns=towns, roads=roads).with_engagements(layers.engagements)
    result = engine.score(filters.as_of, top=top)
    notes, later = _notes(result.notes, layers, filters)
    then = replace(then, alerts=redact_alerts(then.alerts, redaction))   # scored on everything, shown redacted
    return Picture(filters=filters, user=user, known=then, hotspots=flt.apply_hotspots(result.hotspots, filters),
                   notes=notes, config=config, edits_after=later, redaction=redaction)


def pictures(layers: Layers, filters: flt.Filters, dates: Iterable[pd.Timestamp], user: str, *,
             config: HotspotConfig | None = None, towns=None, roads=None, top: int | None = None
             ) -> Iterator[Picture]:
    """:func:`picture` for each as-of date of ``dates`` under ``filters`` otherwise unchanged.

    The engine's preparation (projection, duplicate links) is shared between dates when it can be: the
    engine scores only what was reported before each date, so with today's triage one engine over every
    alert serves them all; with triage as known then each date has its own alerts.
    """
    dates = list(dates)
    if not dates:
        return
    config = config or HotspotConfig()
    shared = None
    if not filters.triage_as_known or layers.edits_after(min(dates)) == 0:
        shared = HotspotEngine(_engine_alerts(layers, replace(filters, triage_as_known=False)), layers.sites,
                               layers.presence, layers.patrols, config, towns=towns,
                               roads=roads).with_engagements(layers.engagements)
    for when in dates:
        yield picture(layers, replace(filters, end=when), user, config=config, towns=towns, roads=roads, top=top,
                      engine=shared)
