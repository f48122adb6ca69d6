"""The leadership briefing: one :class:`Briefing` holds every figure the page, the PDF, the slides and the HTML show.

:func:`briefing` builds it from the as-of view (:func:`ewarning.views.picture`'s
machinery) for any user holding ``view_briefing`` (analysts, supervisors,
leadership): the top flagged hotspots and what they miss, the week's reports
against the previous weeks, the vulnerable IDP sites, coverage gaps by
component, what changed since the previous briefing, and a short
"recommended attention" list derived from the flags. The renderers
(:mod:`ewarning.render.briefing`) print the strings held here and compute
nothing, so the products cannot disagree with each other or with the views.

Redacted by default, whoever asks: no reporter key, no free text, individual
reports only as counts per 0.25° grid cell (:func:`~ewarning.views.redact.coarse_cell_counts`),
hotspots placed on that grid, and counts of reports or casualties under
:data:`~ewarning.views.redact.SMALL_COUNT` printed as ``"<3"``. An analyst may
add a detailed annex (the reports behind the flagged hotspots with their free
text and exact locations): it needs ``view_free_text`` and
``view_exact_locations``, which leadership does not hold
(:class:`~ewarning.auth.errors.PermissionDenied`). The product states its mode.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> a = gpd.GeoDataFrame({"id": [f"A{i}" for i in range(8)],
...     "reported_at": pd.date_range("2018-11-01", periods=8, freq="D", tz="UTC"), "category": "killing",
...     "killed": 1, "text": "seen by my neighbour"}, geometry=gpd.points_from_xy([20.681] * 8, [4.792] * 8),
...     crs="EPSG:4326")
>>> b = briefing(Layers(alerts=a), "2018-11-15", user="ana")
>>> b.mode, b.hotspots["alerts_text"].iloc[0], "seen by" in str(b.hotspots.to_dict())
('redacted', '8', False)
>>> [(round(p.x, 3), round(p.y, 3)) for p in b.map.hotspots.geometry]
[(20.625, 4.875)]
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import filters as flt
from .. import vocab
from ..asof import as_of_words, parse_as_of
from ..auth.roles import redaction_for, require
from ..hotspots import HotspotConfig, HotspotEngine
from ..i18n import N_, Translator
from ..i18n.phrases import said_in
from ..render import style
from ..store.errors import acting_user
from .dossier import dossier
from .picture import Layers, Picture, _engine_alerts, _picture
from .redact import COARSE_CELL_DEG, OPERATOR, SMALL_COUNT, coarse_cell_counts, coarsen_points, redact_alerts, \
    shown_count
from .watch import site_watch

__all__ = ["Briefing", "BriefingMap", "CLASSIFICATION", "CLASSIFICATION_ENV", "COMPONENT_LABELS", "REDACTED",
           "WITH_ANNEX", "WHOLE_MISSION", "area_from_text", "briefing", "check_annex", "component_words",
           "last_briefing_as_of", "place_words", "record_export"]

#: The classification marking printed at the top and bottom of every page and slide (``$EWARNING_CLASSIFICATION``
#: overrides it, and so does ``classification=``).
CLASSIFICATION = "UN RESTRICTED"
CLASSIFICATION_ENV = "EWARNING_CLASSIFICATION"
#: Hotspots in the ranked table, flagged hotspots beyond them are added.
TOP_HOTSPOTS = 8
#: Weeks shown in the trend (the as-of week and the ones before it).
TREND_WEEKS = 8
#: Vulnerable IDP sites listed.
TOP_SITES = 8
#: Items of the "recommended attention" list.
ATTENTION_ITEMS = 5
#: Reports per flagged hotspot in the detailed annex (newest first).
ANNEX_ROWS_PER_HOTSPOT = 40
#: The audit log's action and the product's name in its detail.
EXPORT_ACTION, PRODUCT = "export", "briefing"

REDACTED, WITH_ANNEX = N_("redacted"), N_("redacted, with detailed annex")
#: How the audit log names the area of a briefing of the whole mission.
WHOLE_MISSION = "whole mission"
LEADERSHIP_VIEW = redaction_for("leadership")

_COMPONENT_WORDS = {"military": N_("military"), "police": N_("police"), "civilian": N_("civilian staff"),
                    "cla": N_("community liaison assistants")}
#: Component names in the products' tables.
COMPONENT_LABELS = {"military": N_("Military"), "police": N_("Police"), "civilian": N_("Civilian staff"),
                    "cla": N_("Liaison assistants")}
_TREND_WORDS = {"rising": N_("rising"), "persistent, not rising": N_("persistently active, not rising")}
#: Where the date of the briefing compared with comes from (the page and the command line pass these).
PREVIOUS_SOURCES = {"7 days earlier": N_("7 days earlier"), "last recorded briefing": N_("last recorded briefing"),
                    "date chosen": N_("date chosen")}


def _tr(t=None, locale: str | None = None) -> Translator:
    """``t``, else a :class:`~ewarning.i18n.Translator` for ``locale`` (English when both are None)."""
    if t is not None:
        return t
    return Translator(locale or "en")


def _words(items: list[str], t=None) -> str:
    """``a, b and c`` (``a, b et c`` in French)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if t is not None and t.locale != "en":
        from babel.lists import format_list

        return format_list(items, locale=t.locale)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _semicolon(t=None) -> str:
    """The separator of clauses: ``"; "`` (a no-break space before it in French)."""
    return "; " if t is None or t.locale == "en" else "\u00a0; "


def _day(value, t=None) -> str:
    """A date as the products write it: ``14 Nov 2018`` in English, ``14 nov. 2018`` in French."""
    if t is None or t.locale == "en":
        return style.date_words(value)
    return t.date(value)


def _short_day(value, t=None) -> str:
    """Day and month: ``8 Nov`` / ``8 nov.``."""
    ts = pd.Timestamp(value)
    if t is None or t.locale == "en":
        return f"{ts.day} {ts:%b}"
    from babel.dates import format_date

    return format_date(ts.date(), format="d MMM", locale=t.locale)


def _num(value, t=None, decimals: int = 0) -> str:
    """A number with thousands grouped by the locale (``—`` when unknown)."""
    if t is None or t.locale == "en" or value is None or (isinstance(value, float) and np.isnan(value)):
        return style.number_words(value, decimals)
    return t.number(round(float(value), decimals), decimals)


def _count(value, t=None) -> str:
    """:func:`~ewarning.views.redact.shown_count` with the locale's thousands (``<3`` and ``—`` as they are)."""
    text = shown_count(value)
    if t is None or t.locale == "en" or not text[:1].isdigit():
        return text
    return t.number(int(round(float(value))))


def _signed_percent(value: float, t=None) -> str:
    """``+38 %`` / ``−12 %`` (a no-break space before ``%`` in French)."""
    if t is None or t.locale == "en":
        return style.signed_percent(value)
    text = style.signed_percent(value)
    return text.replace(" %", "\u00a0%")


def _until_words(value, t=None) -> str:
    """``end of 14 Nov 2018 (UTC)`` / ``14 Nov 2018 14:30 UTC``: the end of what a briefing knew."""
    from ..asof import _is_midnight, as_of_day

    t = _tr(t)
    ts = parse_as_of(value)
    day = _day(as_of_day(ts), t)
    if _is_midnight(ts):
        return t("end of {day} (UTC)", day=day)
    return t("{day} {time} UTC", day=day, time=t.time(ts))


def _as_of_words(value, t=None) -> str:
    """:func:`~ewarning.asof.as_of_words` in ``t``'s language."""
    return as_of_words(value, _tr(t))


_KM_FROM_TOWN = re.compile(r"^\s*\d+(?:\.\d+)?\s*km\s+([NSEW]{1,3})\s+of\s+(.+?)\s*$")


def place_words(place: str, t=None) -> str:
    """A hotspot's name as a redacted product prints it: ``"7 km NW of Bakouma"`` (the engine's gazetteer
    name, a distance finer than the grid) becomes ``"Bakouma area (NW)"``; site, base and town names stay.

    >>> place_words("7 km NW of Bakouma"), place_words("Alindao Catholic mission site")
    ('Bakouma area (NW)', 'Alindao Catholic mission site')
    """
    match = _KM_FROM_TOWN.match(str(place))
    if not match:
        return str(place)
    t = _tr(t)
    direction = match.group(1) if t.locale == "en" else match.group(1).replace("W", "O")
    return t("{town} area ({direction})", town=match.group(2), direction=direction)


def component_words(codes, t=None) -> str:
    """``['police', 'cla']`` -> ``'police and community liaison assistants'``."""
    t = _tr(t)
    return _words([t(_COMPONENT_WORDS[c]) if c in _COMPONENT_WORDS else str(c) for c in codes], t)


def component_labels(codes, t=None) -> str:
    """``['police', 'cla']`` -> ``'Police, Liaison assistants'`` (the tables' "Missing" column)."""
    t = _tr(t)
    return ", ".join(t(COMPONENT_LABELS[c]) if c in COMPONENT_LABELS else str(c) for c in codes)


@dataclass(frozen=True)
class BriefingMap:
    """What the static map draws, already redacted (the map renderer adds only the basemap).

    Attributes
    ----------
    alert_cells : GeoDataFrame
        One point per 0.25° grid cell with reports in the last 7 days, at the cell's centre, and ``count``.
    hotspots : GeoDataFrame
        The ranked table's hotspots, one point per grid cell at its centre (hotspots sharing a cell share
        the point): ``label`` (their ranks, ``"1"`` or ``"2, 5"``), ``flagged`` (any of them), ``score``.
    bases : GeoDataFrame
        Bases active at ``T`` (the mission's own positions), ``multidimensional``.
    sites : GeoDataFrame
        The vulnerable IDP sites listed, ``population``.
    extent : tuple
        ``(minx, miny, maxx, maxy)`` drawn, in degrees.
    area : shapely geometry or None
        The briefing's area, outlined.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"id": ["A1", "A2", "A3"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-11",
    ...     "2018-11-12"], utc=True), "category": "killing"},
    ...     geometry=gpd.points_from_xy([20.61, 20.62, 20.90], [4.71, 4.72, 4.80]), crs="EPSG:4326")
    >>> m = briefing(Layers(alerts=a), "2018-11-15", user="ana").map
    >>> [(p.x, p.y, n) for p, n in zip(m.alert_cells.geometry, m.alert_cells["count"])]
    [(20.625, 4.625, 2), (20.875, 4.875, 1)]
    """

    alert_cells: gpd.GeoDataFrame
    hotspots: gpd.GeoDataFrame
    bases: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    extent: tuple
    area: object = None


@dataclass(frozen=True)
class Briefing:
    """The leadership briefing as of ``T``: every figure and sentence every product shows.

    Tables hold numbers for tests and a ``*_text`` column per printed figure (suppressed where redaction
    asks), which is what the renderers print.

    Attributes
    ----------
    as_of : Timestamp
        What was known: reports strictly before it.
    previous_as_of : Timestamp
        The briefing compared with (:attr:`previous_words` says where the date comes from).
    previous_source : str
        ``"7 days earlier"``, ``"last recorded briefing"`` or ``"date chosen"``.
    user : str
        Who asked for it.
    mode : str
        :data:`REDACTED` or :data:`WITH_ANNEX`.
    classification : str
    area_name : str or None
        The area the briefing covers (``None``: the whole mission).
    hotspots : DataFrame
        The ranked table: ``rank, place, score, score_text, trend, flagged, missing, missing_text, alerts,
        alerts_text, killed, killed_text, exposed, exposed_text, why, weekly, hotspot_id``.
    weekly : DataFrame
        ``start, end, label, reports, killed, reports_text, killed_text``, oldest first, the as-of week last.
    sites : DataFrame
        Vulnerable IDP sites: ``rank, name, population, population_text, missing_text, alerts, alerts_text,
        risk, risk_text``.
    coverage : DataFrame
        One row per component: ``component, hotspots, hotspots_text, flagged, flagged_text, sites,
        sites_text, people, people_text``.
    changes : list of str
        What changed since :attr:`previous_as_of`.
    attention : list of str
        The recommended attention, derived from the flags.
    key_figures : list of (str, str)
        ``(label, value)`` for the summary row.
    map : BriefingMap
    sources : list of str
        Data sources and attribution.
    notes : list of str
        What the reader should know (engine notes, method).
    annex : DataFrame or None
        With :data:`WITH_ANNEX`: ``hotspot, reported, category, verification, killed, location, precision,
        text`` (no reporter key ever).
    window_days, flag_score : float
        The engine's recent window and flag threshold (the tables' headings say them).
    mission_name : str or None
        The store's ``mission_name`` setting, under the title.
    locale : str
        The language its words were built in (``"en"`` or ``"fr"``); the products print in it (:attr:`t`).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-12"],
    ...     utc=True), "category": "killing", "killed": [1, 1]}, geometry=gpd.points_from_xy([20.68] * 2, [4.79] * 2),
    ...     crs="EPSG:4326")
    >>> b = briefing(Layers(alerts=a), "2018-11-15", user="ana")
    >>> b.as_of_words, b.weekly["reports_text"].iloc[-1]
    ('as of end of 14 Nov 2018 (UTC)', '<3')
    """

    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp
    previous_source: str
    user: str
    mode: str
    classification: str
    area_name: str | None
    hotspots: pd.DataFrame
    weekly: pd.DataFrame
    sites: pd.DataFrame
    coverage: pd.DataFrame
    changes: list
    attention: list
    key_figures: list
    map: BriefingMap
    sources: list
    notes: list = field(default_factory=list)
    annex: pd.DataFrame | None = None
    window_days: float = 60.0
    flag_score: float = 50.0
    mission_name: str | None = None
    locale: str = "en"

    @property
    def t(self) -> Translator:
        """The words of the language the briefing was built in (the renderers print with it)."""
        return Translator(self.locale)

    @property
    def as_of_words(self) -> str:
        return _as_of_words(self.as_of, self.t)

    @property
    def date_text(self) -> str:
        """The briefing's date as its title says it: the last day it covers ("14 Nov 2018")."""
        return _day(self.as_of - pd.Timedelta(microseconds=1), self.t)

    @property
    def previous_words(self) -> str:
        """``"7 Nov 2018 (7 days earlier)"``."""
        t = self.t
        source = t(PREVIOUS_SOURCES[self.previous_source]) if self.previous_source in PREVIOUS_SOURCES \
            else str(self.previous_source)
        return f"{_day(self.previous_as_of - pd.Timedelta(microseconds=1), t)} ({source})"

    @property
    def title(self) -> str:
        return self.t("Protection of civilians: leadership briefing")

    @property
    def scope_text(self) -> str:
        return self.area_name or self.t("whole mission area")

    @property
    def mode_words(self) -> str:
        """:attr:`mode` in the briefing's language (``mode`` itself stays English: the audit log's word)."""
        return self.t(REDACTED) if self.mode == REDACTED else self.t(WITH_ANNEX)

    @property
    def heading_text(self) -> str:
        """The line under the title: mission, day, area (``"Demo mission (synthetic) · 14 Nov 2018 · whole
        mission area"``)."""
        return " · ".join(p for p in (self.mission_name, self.date_text, self.scope_text) if p)

    @property
    def known_text(self) -> str:
        """The heading line with what the briefing knew and what it is compared with."""
        return self.t("{heading} · reports known {as_of}; compared with the briefing of {previous}",
                      heading=self.heading_text, as_of=self.as_of_words, previous=self.previous_words)

    @property
    def footer_text(self) -> str:
        """The running footer of the PDF and the slides."""
        return self.t("Leadership briefing · {day} · {scope} · {mode}", day=self.date_text, scope=self.scope_text,
                      mode=self.mode_words)

    @property
    def prepared_text(self) -> str:
        return self.t("Prepared by {user} with the mission's early-warning dashboard.", user=self.user)

    @property
    def mode_text(self) -> str:
        """The product's mode in one sentence (printed under the title of every product)."""
        t = self.t
        base = t("Redacted: no reporter identities, no free text; reports shown only as counts per {cell}° grid "
                 "cell (about 28 km); counts under {n} shown as \"<{n}\".",
                 cell=_num(COARSE_CELL_DEG, t, 2), n=SMALL_COUNT)
        if self.annex is None:
            return base
        return base + " " + t("A DETAILED ANNEX follows, with the free text and exact locations of the reports "
                              "behind the flagged hotspots: handle it as source-sensitive and do not forward it.")

    @property
    def file_stem(self) -> str:
        """``briefing-20181114`` (the last day covered), for file names."""
        return f"briefing-{(self.as_of - pd.Timedelta(microseconds=1)):%Y%m%d}"

    @property
    def trend_words(self) -> str:
        """What the trend chart's dashed line is: ``"the average of the previous 7 weeks (125 a week)"``."""
        t = self.t
        previous = self.weekly.iloc[:-1]
        if not len(previous):
            return t("is not drawn (one week only)")
        return t("the average of the previous {n} weeks ({mean} a week)", n=len(previous),
                 mean=_count(previous["reports"].mean(), t))

    @property
    def flagged(self) -> pd.DataFrame:
        return self.hotspots[self.hotspots["flagged"]]


# -- inputs -----------------------------------------------------------------------------------------

def area_from_text(text: str | None, sectors: gpd.GeoDataFrame | None = None):
    """``(name, geometry)`` of an ``--area``: a sector of the basemap (``"East"``, ``"Sector East"``, any case)
    or a box ``MINLON,MINLAT,MAXLON,MAXLAT`` in degrees; ``(None, None)`` for none; :class:`ValueError`
    otherwise, naming the sectors.

    >>> area_from_text("20,4,21.5,5.5")[0]
    'box 20°E-21.5°E, 4°N-5.5°N'
    """
    if text is None or not str(text).strip():
        return None, None
    value = str(text).strip()
    parts = value.split(",")
    if len(parts) == 4:
        try:
            minx, miny, maxx, maxy = (float(p) for p in parts)
        except ValueError:
            raise ValueError(f"--area {value!r}: a box is four numbers MINLON,MINLAT,MAXLON,MAXLAT") from None
        if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
            raise ValueError(f"--area {value!r}: a box needs MINLON < MAXLON and MINLAT < MAXLAT, in degrees")
        from shapely.geometry import box

        return f"box {_deg(minx, 'E', 'W')}-{_deg(maxx, 'E', 'W')}, {_deg(miny, 'N', 'S')}-{_deg(maxy, 'N', 'S')}", \
            box(minx, miny, maxx, maxy)
    if sectors is None:
        from ..render.static_map import basemap_layers

        sectors = basemap_layers().get("sectors")
    names = [] if sectors is None or "sector" not in sectors.columns else list(sectors["sector"].astype(str))
    wanted = value.lower().removeprefix("sector ").strip()
    for name, geom in zip(names, [] if sectors is None else sectors.geometry):
        if name.lower().removeprefix("sector ").strip() == wanted:
            return name, geom
    raise ValueError(f"--area {value!r}: not a sector of the basemap ({', '.join(names) or 'none'}) nor a box "
                     "MINLON,MINLAT,MAXLON,MAXLAT")


def _deg(v: float, pos: str, neg: str) -> str:
    return f"{abs(v):g}°{pos if v >= 0 else neg}"


def last_briefing_as_of(store, as_of, area_name: str | None = None) -> pd.Timestamp | None:
    """The as-of time of the latest briefing of the same area (``None``: the whole mission) exported before
    ``as_of``, from the audit log; None when there is none."""
    as_of = parse_as_of(as_of)
    wanted = area_name or WHOLE_MISSION
    log = store.audit_log(action=EXPORT_ACTION, text=f'"product": "{PRODUCT}"')
    best = None
    for detail in log["detail"] if len(log) else []:
        try:
            entry = json.loads(detail)
            when = parse_as_of(entry["as_of"])
        except (ValueError, KeyError, TypeError):
            continue
        if entry.get("area", WHOLE_MISSION) == wanted and when < as_of and (best is None or when > best):
            best = when
    return best


def check_annex(user) -> str:
    """The acting user's name if it may add the detailed annex (``view_free_text`` and
    ``view_exact_locations``); :class:`~ewarning.auth.errors.PermissionDenied` otherwise. A plain name is
    the operator at the command line (:data:`~ewarning.views.redact.OPERATOR`, as an analyst)."""
    if hasattr(user, "role"):
        require(user, "view_free_text", "add the detailed annex (free text) to a briefing")
        require(user, "view_exact_locations", "add the detailed annex (exact locations) to a briefing")
        return user.name
    if not (OPERATOR.free_text and OPERATOR.exact_locations):   # the command line's operator, as an analyst
        raise ValueError("the command-line operator may not add the detailed annex")
    return acting_user(user, "a briefing")


def record_export(store, b: "Briefing", fmt: str, user, out: str | None = None) -> None:
    """Write the export of ``b`` as ``fmt`` to the audit log (format, language, as-of, mode, area; where it
    went)."""
    name = acting_user(user, "a briefing export", permission="view_briefing")
    detail = {"product": PRODUCT, "format": fmt, "language": b.locale, "as_of": b.as_of.isoformat(), "mode": b.mode,
              "area": b.area_name or WHOLE_MISSION, "hotspots": int(len(b.hotspots)),
              "flagged": int(b.hotspots["flagged"].sum()) if len(b.hotspots) else 0}
    if out:
        detail["out"] = str(out)
    store.record(EXPORT_ACTION, json.dumps(detail, ensure_ascii=False), user=name)


# -- the briefing ------------------------------------------------------------------------------------

def briefing(layers: Layers, as_of, user, *, area=None, area_name: str | None = None, previous_as_of=None,
             previous_source: str | None = None, annex: bool = False, classification: str | None = None,
             config: HotspotConfig | None = None, towns=None, mission_name: str | None = None, t=None,
             locale: str | None = None) -> Briefing:
    """The briefing as of ``as_of`` for ``user``.

    Parameters
    ----------
    layers : Layers
    as_of : str or Timestamp
        Reports strictly before it (a bare date = start of that day, UTC: ``"2018-11-15"`` briefs on
        14 Nov).
    user : str or ewarning.auth.User
        Must hold ``view_briefing`` (analyst, supervisor, leadership); a name is the command-line operator.
    area : shapely geometry, optional
        Limit to hotspots, reports, sites and bases in it; :class:`ValueError` when no report was made there
        before ``as_of``.
    area_name : str, optional
        How the area is named in the product.
    previous_as_of : str or Timestamp, optional
        The briefing compared with (default ``as_of`` minus 7 days; the command line and the page pass the
        last recorded briefing, :func:`last_briefing_as_of`).
    annex : bool
        Add the detailed annex (:func:`check_annex`: analysts and supervisors only).
    classification : str, optional
        Marking (default ``$EWARNING_CLASSIFICATION`` or :data:`CLASSIFICATION`).
    config : HotspotConfig, optional
    towns : GeoDataFrame, optional
        Gazetteer naming hotspots (default: the shipped towns).
    mission_name : str, optional
        Printed under the title (the command line and the page pass the store's ``mission_name`` setting).
    t : Translator, optional
        The language of its words (default: a :class:`~ewarning.i18n.Translator` for ``locale``).
    locale : str, optional
        ``"en"`` (default) or ``"fr"`` when ``t`` is not given; the briefing keeps it (:attr:`Briefing.locale`).
    """
    t = _tr(t, locale)
    name = acting_user(user, "a briefing", permission="view_briefing")
    if annex:
        check_annex(user)
    as_of = parse_as_of(as_of)
    if previous_as_of is None:
        previous_as_of, previous_source = as_of - pd.Timedelta(days=7), "7 days earlier"
    previous_as_of = parse_as_of(previous_as_of)
    if previous_as_of >= as_of:
        raise ValueError(t("the previous briefing ({previous}) must be before this one ({this})",
                           previous=_as_of_words(previous_as_of, t), this=_as_of_words(as_of, t)))
    if towns is None:
        from ..places import shipped_towns

        towns = shipped_towns()
    config = config or HotspotConfig()
    f = flt.Filters(end=as_of, days=7, area=area)
    if area is not None:
        known_alerts = flt.scoring_alerts(layers.alerts, f) if layers.alerts is not None else None
        if known_alerts is None or not len(known_alerts):
            raise ValueError(t("no report was made in {area} before {when}: nothing to brief on",
                               area=area_name or t("the area"), when=_until_words(as_of, t)))
    engine = HotspotEngine(_engine_alerts(layers, f), layers.sites, layers.presence, layers.patrols, config,
                           towns=towns)
    now = _picture(layers, f, name, LEADERSHIP_VIEW, config=config, towns=towns, engine=engine)
    before = _picture(layers, flt.Filters(end=previous_as_of, days=7, area=area), name, LEADERSHIP_VIEW,
                      config=config, towns=towns, engine=engine)
    hotspots = _hotspot_table(now, t)
    watched = site_watch(now).sites
    sites = _site_table(watched, t)
    weekly = _weekly(now, t)
    coverage = _coverage(now, watched, t)
    changes = _changes(now, before, weekly, previous_as_of, t)
    attention = _attention(hotspots, sites, t)
    mode = WITH_ANNEX if annex else REDACTED
    return Briefing(
        as_of=as_of, previous_as_of=previous_as_of, previous_source=previous_source or "date chosen", user=name,
        mode=mode, classification=(classification or os.environ.get(CLASSIFICATION_ENV) or CLASSIFICATION).strip(),
        area_name=area_name, hotspots=hotspots, weekly=weekly, sites=sites, coverage=coverage, changes=changes,
        attention=attention, key_figures=_key_figures(now, hotspots, weekly, sites, t),
        map=_map(now, hotspots, watched, area), sources=_sources(layers.alerts, t), notes=_notes(now, t),
        annex=_annex(layers, now, hotspots, t) if annex else None,
        window_days=config.window_days, flag_score=config.flag_score,
        mission_name=(str(mission_name).strip() or None) if mission_name else None, locale=t.locale)


# -- the parts ---------------------------------------------------------------------------------------

def _n(value) -> int:
    return 0 if value is None or pd.isna(value) else int(round(float(value)))


def _why(h: pd.Series, window_days: float, t=None) -> str:
    """A hotspot's score in plain words for leadership (counts suppressed as the table's)."""
    t = _tr(t)
    parts = []
    alerts, killed = _n(h["n_alerts"]), _n(h["killed"])
    ratio = float(h["rate_ratio"]) if pd.notna(h.get("rate_ratio")) else float("nan")
    days = _days(window_days, t)
    if bool(h["rising"]):
        if ratio == ratio and ratio >= 1.2:
            parts.append(t("Tension rising: {n} reports in {days} days, about {ratio} times its usual rate",
                           n=_count(alerts, t), days=days, ratio=_num(ratio, t, 1)))
        else:
            parts.append(t("Tension rising: {n} reports in {days} days", n=_count(alerts, t), days=days))
    else:
        parts.append(t("Persistently active, not rising: {n} reports in {days} days", n=_count(alerts, t),
                       days=days))
    if killed:
        parts.append(t("{n} killed", n=_count(killed, t)))
    exposed = _n(h["exposed_population"])
    if exposed:
        parts.append(t("{n} people in IDP sites nearby", n=_num(exposed, t)))
    gap = list(h["presence_gap"])
    if gap:
        parts.append(t("no {components} within reach", components=component_words(gap, t)))
    else:
        parts.append(t("all components within reach"))
    if _patrol_gap(h):
        last = h.get("last_dismounted_days")
        if last is None or pd.isna(last):
            parts.append(t("no dismounted patrol recorded nearby"))
        else:
            parts.append(t("last dismounted patrol {n} days ago", n=_num(float(last), t, 0)))
    return _semicolon(t).join(parts) + "."


def _days(value: float, t=None) -> str:
    """A number of days as the headings write it (``60``, ``7.5`` / ``7,5``)."""
    return f"{value:g}" if t is None or t.locale == "en" else t.number(value)


def _patrol_gap(h) -> bool:
    """No dismounted patrol recorded near the hotspot, or none in the last 14 days."""
    days = h.get("last_dismounted_days")
    return days is None or pd.isna(days) or float(days) > 14


def _hotspot_table(p: Picture, t=None) -> pd.DataFrame:
    t = _tr(t)
    hot = p.hotspots
    columns = ["rank", "place", "score", "score_text", "trend", "flagged", "missing", "missing_text", "alerts",
               "alerts_text", "killed", "killed_text", "exposed", "exposed_text", "why", "weekly", "hotspot_id",
               "patrol_gap"]
    if not len(hot):
        return pd.DataFrame(columns=columns)
    keep = hot[(hot["rank"] <= TOP_HOTSPOTS) | hot["flagged"].astype(bool)]
    rows = []
    for _, h in keep.iterrows():
        d = dossier(p, str(h["hotspot_id"]))
        gap = list(h["presence_gap"])
        trend = str(h["trend"])
        rows.append({
            "rank": int(h["rank"]), "place": place_words(h["place"], t), "score": float(h["score"]),
            "score_text": _num(float(h["score"]), t, 0),
            "trend": t(_TREND_WORDS[trend]) if trend in _TREND_WORDS else trend,
            "flagged": bool(h["flagged"]), "missing": gap,
            "missing_text": component_labels(gap, t) if gap else t("none"),
            "alerts": _n(h["n_alerts"]), "alerts_text": _count(h["n_alerts"], t),
            "killed": _n(h["killed"]), "killed_text": _count(h["killed"], t),
            "exposed": _n(h["exposed_population"]), "exposed_text": _num(_n(h["exposed_population"]), t),
            "why": _why(h, p.config.window_days, t),
            "weekly": [float(v) for v in d.weekly["per_week"].tail(TREND_WEEKS + 8)],
            "hotspot_id": str(h["hotspot_id"]), "patrol_gap": _patrol_gap(h)})
    return pd.DataFrame(rows, columns=columns)


def _site_table(watched: gpd.GeoDataFrame, t=None) -> pd.DataFrame:
    t = _tr(t)
    columns = ["rank", "name", "population", "population_text", "missing", "missing_text", "alerts", "alerts_text",
               "risk", "risk_text"]
    if watched is None or not len(watched):
        return pd.DataFrame(columns=columns)
    at_risk = watched[(watched["nearby_alerts"] > 0) & watched["presence_gap"].map(bool)].head(TOP_SITES)
    rows = [{"rank": i + 1, "name": str(s["name"]), "population": _n(s["population"]),
             "population_text": _num(_n(s["population"]), t) if pd.notna(s["population"]) else t("unknown"),
             "missing": list(s["presence_gap"]),
             "missing_text": component_labels(s["presence_gap"], t),
             "alerts": _n(s["nearby_alerts"]), "alerts_text": _count(s["nearby_alerts"], t),
             "risk": float(s["risk"]), "risk_text": _num(float(s["risk"]), t, 0)}
            for i, (_, s) in enumerate(at_risk.iterrows())]
    return pd.DataFrame(rows, columns=columns)


def _incidents(alerts: pd.DataFrame) -> pd.DataFrame:
    """Reports counted once per incident (linked duplicates out) and not discounted by triage."""
    if alerts is None or not len(alerts):
        return alerts
    keep = pd.Series(True, index=alerts.index)
    if "duplicate_of" in alerts.columns:
        keep &= alerts["duplicate_of"].isna()
    if "verification" in alerts.columns:
        keep &= alerts["verification"].astype(str) != "discounted"
    return alerts[keep]


def _weekly(p: Picture, t=None) -> pd.DataFrame:
    t = _tr(t)
    alerts = _incidents(p.scoring_alerts)
    rows = []
    for k in range(TREND_WEEKS - 1, -1, -1):
        end = p.as_of - pd.Timedelta(days=7 * k)
        start = end - pd.Timedelta(days=7)
        if alerts is not None and len(alerts):
            inside = alerts[(alerts["reported_at"] >= start) & (alerts["reported_at"] < end)]
            n = len(inside)
            killed = _n(pd.to_numeric(inside.get("killed"), errors="coerce").fillna(0).sum()) \
                if "killed" in inside.columns else 0
        else:
            n, killed = 0, 0
        last = end - pd.Timedelta(microseconds=1)
        rows.append({"start": start, "end": end, "label": f"{_short_day(start, t)}–{_short_day(last, t)}",
                     "reports": n, "killed": killed, "reports_text": _count(n, t),
                     "killed_text": _count(killed, t)})
    return pd.DataFrame(rows)


def _of(n: int, total: int, t) -> str:
    return t("{n} of {total}", n=_num(n, t), total=_num(total, t))


def _coverage(p: Picture, watched, t=None) -> pd.DataFrame:
    t = _tr(t)
    hot = p.hotspots
    n_flagged = int(hot["flagged"].astype(bool).sum()) if len(hot) else 0
    rows = []
    for c in vocab.COMPONENTS:
        lacking = [c in g for g in hot["presence_gap"]] if len(hot) else []
        flagged = [bool(f) and m for f, m in zip(hot["flagged"], lacking)] if len(hot) else []
        site_gap = [c in g for g in watched["presence_gap"]] if watched is not None and len(watched) else []
        people = int(watched.loc[site_gap, "population"].fillna(0).sum()) if any(site_gap) else 0
        rows.append({"component": t(COMPONENT_LABELS[c]), "hotspots": int(sum(lacking)),
                     "hotspots_text": _of(int(sum(lacking)), len(hot), t), "flagged": int(sum(flagged)),
                     "flagged_text": _of(int(sum(flagged)), n_flagged, t),
                     "sites": int(sum(site_gap)),
                     "sites_text": _of(int(sum(site_gap)), len(watched) if watched is not None else 0, t),
                     "people": people, "people_text": _num(people, t)})
    return pd.DataFrame(rows)


def _match(h: pd.Series, before: gpd.GeoDataFrame) -> pd.Series | None:
    """The previous briefing's hotspot for ``h``: the one overlapping it most (in degrees², a ranking only),
    else the same place name."""
    if before is None or not len(before):
        return None
    overlap = pd.Series(shapely.area(shapely.intersection(before.geometry.to_numpy(), h.geometry)),
                        index=before.index)
    if overlap.max() > 0:
        return before.loc[overlap.idxmax()]
    same = before[before["place"] == h["place"]]
    return same.iloc[0] if len(same) else None


def _changes(now: Picture, before: Picture, weekly: pd.DataFrame, previous_as_of, t=None) -> list[str]:
    t = _tr(t)
    out = []
    prev_words = _day(previous_as_of - pd.Timedelta(microseconds=1), t)
    hot, old = now.hotspots, before.hotspots

    def score(row) -> str:
        return _num(float(row["score"]), t, 0)

    for _, h in (hot[hot["flagged"].astype(bool)] if len(hot) else hot).iterrows():
        m = _match(h, old)
        place = place_words(h["place"], t)
        if m is None or not bool(m["flagged"]):
            if m is None:
                out.append(t("Newly flagged: {place}, score {score}.", place=place, score=score(h)))
            else:
                out.append(t("Newly flagged: {place}, score {score} (score {before} on {day}).", place=place,
                             score=score(h), before=score(m), day=prev_words))
        elif abs(float(h["score"]) - float(m["score"])) >= 5:
            if float(h["score"]) > float(m["score"]):
                out.append(t("Still flagged: {place}, score up from {before} to {score}.", place=place,
                             before=score(m), score=score(h)))
            else:
                out.append(t("Still flagged: {place}, score down from {before} to {score}.", place=place,
                             before=score(m), score=score(h)))
        else:
            out.append(t("Still flagged: {place}, score {score}.", place=place, score=score(h)))
        if m is not None:
            gained = [c for c in m["presence_gap"] if c not in h["presence_gap"]]
            lost = [c for c in h["presence_gap"] if c not in m["presence_gap"]]
            if gained:
                out.append(t("{place}: {components} now within reach.", place=place,
                             components=component_words(gained, t)))
            if lost:
                out.append(t("{place}: {components} no longer within reach.", place=place,
                             components=component_words(lost, t)))
    for _, m in (old[old["flagged"].astype(bool)] if len(old) else old).iterrows():
        twin = _match(m, hot)
        if twin is None or not bool(twin["flagged"]):
            place = place_words(m["place"], t)
            if twin is None:
                out.append(t("No longer flagged: {place} (no longer listed).", place=place))
            elif not list(twin["presence_gap"]):
                out.append(t("No longer flagged: {place} (presence now multidimensional).", place=place))
            else:
                out.append(t("No longer flagged: {place} (score {score}, below the flag threshold).", place=place,
                             score=score(twin)))
    if len(hot):
        for _, h in hot[hot["rank"] <= 5].iterrows():
            m = _match(h, old)
            if m is None or int(m["rank"]) > 10:
                if not bool(h["flagged"]):
                    out.append(t("New in the top five: {place} (#{rank}, score {score}).",
                                 place=place_words(h["place"], t), rank=int(h["rank"]), score=score(h)))
    if len(weekly) >= 2:
        this, last = weekly.iloc[-1], weekly.iloc[-2]
        out.append(t("Reports this week: {now} against {before} the week before; killed: {killed_now} against "
                     "{killed_before}.", now=this["reports_text"], before=last["reports_text"],
                     killed_now=this["killed_text"], killed_before=last["killed_text"]))
    if not out:
        out.append(t("No change in the flagged hotspots since {day}.", day=prev_words))
    return out


def _attention(hotspots: pd.DataFrame, sites: pd.DataFrame, t=None) -> list[str]:
    t = _tr(t)
    out = []
    for _, h in hotspots[hotspots["flagged"]].iterrows() if len(hotspots) else []:
        need = [t("bring {components} within reach", components=component_words(h["missing"], t))] \
            if h["missing"] else []
        if h["patrol_gap"]:
            need.append(t("a dismounted patrol with community engagement"))
        actions = _semicolon(t).join(need) if need else t("maintaining the current posture")
        if h["exposed"]:
            out.append(t("{place}: tension {score}/100, {trend}; {people} people in IDP sites nearby. Consider: "
                         "{actions}.", place=h["place"], score=h["score_text"], trend=h["trend"],
                         people=h["exposed_text"], actions=actions))
        else:
            out.append(t("{place}: tension {score}/100, {trend}. Consider: {actions}.", place=h["place"],
                         score=h["score_text"], trend=h["trend"], actions=actions))
        if len(out) >= ATTENTION_ITEMS:
            return out
    for _, s in sites.iterrows() if len(sites) else []:
        if len(out) >= ATTENTION_ITEMS:
            break
        if s["missing"] and s["population"] >= 1000 and not any(str(s["name"]) in o for o in out):
            out.append(t("{site} ({people} people): armed activity nearby and no {components} within reach. "
                         "Consider: a patrol or a liaison assistant's visit to the site.", site=s["name"],
                         people=s["population_text"], components=component_words(s["missing"], t)))
    if not out:
        out.append(t("No hotspot is flagged: no component is missing where tension is high."))
    return out


def _key_figures(p: Picture, hotspots: pd.DataFrame, weekly: pd.DataFrame, sites: pd.DataFrame, t=None) -> list:
    t = _tr(t)
    flagged = hotspots[hotspots["flagged"]] if len(hotspots) else hotspots
    listed = p.hotspots
    not_multi = int(sum(bool(g) for g in listed["presence_gap"])) if len(listed) else 0
    this = weekly.iloc[-1] if len(weekly) else None
    previous = weekly.iloc[:-1]
    mean = float(previous["reports"].mean()) if len(previous) else float("nan")
    change = (float(this["reports"]) - mean) / mean if this is not None and mean and mean == mean else float("nan")
    people = int(flagged["exposed"].sum()) if len(flagged) else 0
    reports = this["reports_text"] if this is not None else "0"
    if change == change:
        reports = t("{n} ({change} on the {weeks}-week average)", n=reports, change=_signed_percent(change, t),
                    weeks=len(previous))
    return [(t("Flagged hotspots"), _num(len(flagged), t)),
            (t("Reports this week"), reports),
            (t("People in IDP sites near flagged hotspots"), _num(people, t)),
            (t("Hotspots without a multidimensional presence"), _of(not_multi, len(listed), t))]


def _hotspot_points(p: Picture, hotspots: pd.DataFrame) -> gpd.GeoDataFrame:
    hot = p.hotspots
    if not len(hotspots):
        return gpd.GeoDataFrame({"label": [], "flagged": [], "score": []}, geometry=[], crs="EPSG:4326")
    shown = hot[hot["hotspot_id"].isin(set(hotspots["hotspot_id"]))]
    cells = coarsen_points(gpd.GeoDataFrame({"rank": shown["rank"].astype(int).to_numpy(),
                                             "flagged": shown["flagged"].astype(bool).to_numpy(),
                                             "score": shown["score"].astype(float).to_numpy()},
                                            geometry=shown.geometry.to_numpy(), crs=hot.crs))
    cells["x"], cells["y"] = cells.geometry.x.round(9), cells.geometry.y.round(9)
    rows = []
    for (x, y), group in cells.groupby(["x", "y"], sort=False):
        group = group.sort_values("rank")
        rows.append({"label": ", ".join(str(r) for r in group["rank"]), "first": int(group["rank"].iloc[0]),
                     "flagged": bool(group["flagged"].any()), "score": float(group["score"].max()), "x": x, "y": y})
    frame = pd.DataFrame(rows).sort_values("first")
    return gpd.GeoDataFrame(frame[["label", "flagged", "score"]].reset_index(drop=True),
                            geometry=gpd.points_from_xy(frame["x"], frame["y"]), crs="EPSG:4326")


def _map(p: Picture, hotspots: pd.DataFrame, watched, area) -> BriefingMap:
    from ..presence import components

    week = flt.apply_alerts(p.known.alerts, p.filters)   # the last 7 days, already coarsened
    cells = coarse_cell_counts(week)
    bases = flt.apply_points(p.known.presence, p.filters)
    if bases is None or not len(bases):
        bases = gpd.GeoDataFrame({"multidimensional": pd.Series(dtype=bool)}, geometry=[], crs="EPSG:4326")
    else:
        bases = gpd.GeoDataFrame({"multidimensional": components(bases).all(axis=1).to_numpy()},
                                 geometry=bases.geometry.to_numpy(), crs=bases.crs)
    if watched is not None and len(watched):
        listed = watched[(watched["nearby_alerts"] > 0) & watched["presence_gap"].map(bool)].head(TOP_SITES)
        sites = gpd.GeoDataFrame({"population": listed["population"].fillna(0).to_numpy()},
                                 geometry=listed.geometry.to_numpy(), crs=watched.crs)
    else:
        sites = gpd.GeoDataFrame({"population": pd.Series(dtype=float)}, geometry=[], crs="EPSG:4326")
    points = _hotspot_points(p, hotspots)
    return BriefingMap(alert_cells=cells, hotspots=points, bases=bases, sites=sites,
                       extent=_extent(area, [cells, points, bases]), area=area)


def _extent(area, frames) -> tuple:
    if area is not None:
        minx, miny, maxx, maxy = area.bounds
    else:
        from ..render.static_map import basemap_layers

        countries = basemap_layers().get("countries")
        host = None
        if countries is not None and "iso_a3" in countries.columns:
            host = countries[countries["iso_a3"] == "CAF"]
        bounds = [f.total_bounds for f in frames if f is not None and len(f)]
        if host is not None and len(host):
            bounds.append(host.total_bounds)
        if not bounds:
            return (14.0, 2.0, 28.0, 11.5)
        b = np.array(bounds)
        minx, miny, maxx, maxy = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    pad = 0.25
    return (float(minx - pad), float(miny - pad), float(maxx + pad), float(maxy + pad))


def _sources(alerts, t=None) -> list[str]:
    t = _tr(t)
    out = [t("Mission reporting: community alert networks, hotlines, patrol and joint protection team reports, "
             "liaison assistants, partners and media, as stored in the mission's early-warning store."),
           t("Mission presence and patrol records; IDP site lists."),
           t("Boundaries: Natural Earth (public domain); sectors are the mission's own.")]
    origins = set(alerts["origin"].dropna().astype(str)) if alerts is not None and "origin" in alerts.columns \
        else set()
    if "ucdp" in origins:
        from ..io.ucdp import CITATION   # the attribution UCDP's licence asks for, as the desk's map gives it

        out.append(t("Uppsala Conflict Data Program: {citation}.", citation=CITATION))
    if "acled" in origins:
        out.append(t("Armed Conflict Location & Event Data (ACLED), acleddata.com."))
    return out


def _notes(p: Picture, t=None) -> list[str]:
    t = _tr(t)
    cfg = p.config
    notes = [t("Hotspots are scored {as_of} on the reports made before then: recent {days} days against each "
               "place's earlier baseline. A hotspot is flagged when its tension score is at least {score} out of "
               "100 and one or more components (military, police, civilian staff, community liaison assistants) "
               "cannot reach it.", as_of=_as_of_words(p.as_of, t), days=_days(cfg.window_days, t),
               score=_days(cfg.flag_score, t)),
             t("Weekly reports count each incident once (linked duplicate reports out) and leave out reports "
               "discounted by triage.")]
    notes.extend(said_in(n, t) for n in p.notes)   # the engine's own notes, in the briefing's language
    return notes


def _annex(layers: Layers, p: Picture, hotspots: pd.DataFrame, t=None) -> pd.DataFrame:
    """The reports behind the flagged hotspots (the top three when none is flagged), newest first, as an
    analyst sees them: free text and exact locations, never reporter keys (called after :func:`check_annex`)."""
    t = _tr(t)
    columns = ["hotspot", "reported", "category", "verification", "killed", "location", "precision", "text"]
    chosen = hotspots[hotspots["flagged"]] if len(hotspots) and hotspots["flagged"].any() else hotspots.head(3)
    alerts = redact_alerts(_known_exact(layers, p), OPERATOR)
    rows = []
    for _, h in chosen.iterrows():
        ids = set(p.hotspot(h["hotspot_id"])["alert_ids"])
        behind = alerts[alerts["id"].isin(ids)].sort_values("reported_at", ascending=False).head(
            ANNEX_ROWS_PER_HOTSPOT)
        for _, a in behind.iterrows():
            verification = str(a.get("verification", "") or "")
            precision = str(a.get("location_precision", "") or "")
            rows.append({"hotspot": f"#{int(h['rank'])} {h['place']}",
                         "reported": f"{a['reported_at']:%Y-%m-%d %H:%M}",
                         "category": t.term(vocab.CATEGORIES, a["category"]),
                         "verification": verification if t.locale == "en" else
                         t.term(vocab.VERIFICATION, verification).lower(),
                         "killed": str(_n(a.get("killed"))),
                         "location": f"{a.geometry.y:.4f}, {a.geometry.x:.4f}",
                         "precision": precision if t.locale == "en" else t.term(vocab.PRECISION, precision).lower(),
                         "text": "" if a.get("text") is None or pd.isna(a.get("text")) else str(a["text"])})
    return pd.DataFrame(rows, columns=columns)


def _known_exact(layers: Layers, p: Picture) -> gpd.GeoDataFrame:
    """The alerts known at ``T`` before redaction (only the annex reads them, after :func:`check_annex`)."""
    from .picture import known

    return known(layers, p.filters).alerts
