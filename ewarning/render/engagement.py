"""Map layers of the engagement desk: engagement recency per community, silence, and patrol stops.

Pure functions returning folium objects (Leaflet core only: circle markers
with tooltips, no plugin and no folium popup, whose template needs jQuery,
which the offline desk does not ship). Every text is escaped before it
reaches the tooltip HTML, backticks, dollar signs and backslashes included
(folium writes the tooltip into a JavaScript template literal). Tested by
rendering to HTML. The words are in the language of the :class:`~ewarning.i18n.Translator` given as ``t``
(English by default); names of places and units are shown as they are.

Examples
--------
>>> import pandas as pd
>>> rec = pd.DataFrame({"community": ["<b>Alindao</b>"], "last_date": pd.to_datetime(["2018-11-08"], utc=True),
...     "days_ago": [7.0], "last_activity": ["community_meeting"], "last_component": ["police"], "engagements": [3],
...     "components": ["police"], "women_share": [0.1], "lat": [5.06], "lon": [21.2]})
>>> m = folium.Map(tiles=None)
>>> _ = engagement_layer(rec).add_to(m)
>>> html = m.get_root().render()
>>> "&lt;b&gt;Alindao&lt;/b&gt;" in html and "<b>Alindao</b>" not in html
True
"""

from __future__ import annotations

import folium
import pandas as pd

from .. import vocab
from ..i18n import N_, Translator
from ..security import escape

__all__ = ["add_layers", "focus_bounds", "engagement_layer", "silence_layer", "stops_layer", "recency_colour", "RECENCY_BANDS"]

#: (up to days, colour, words): the recency legend.
RECENCY_BANDS = [(14, "#1a9850", N_("engaged in the last 14 days")), (30, "#fdae61", N_("15-30 days ago")),
                 (float("inf"), "#d73027", N_("more than 30 days ago"))]
#: The kinds of place the silence table names (:func:`ewarning.engagement.views.silence`), in words.
PLACE_KINDS = {"community": N_("community"), "IDP site": N_("IDP site")}


def recency_colour(days: float) -> str:
    """The colour of an engagement ``days`` old (never engaged: the oldest band's).

    >>> recency_colour(3), recency_colour(20), recency_colour(float("nan"))
    ('#1a9850', '#fdae61', '#d73027')
    """
    for limit, colour, _ in RECENCY_BANDS:
        if days == days and days <= limit:
            return colour
    return RECENCY_BANDS[-1][1]


_JS_LITERAL = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}


def _safe(value) -> str:
    """HTML-escaped text that also cannot end or interpolate a JavaScript template literal.

    >>> _safe("<b>`${x}`</b>")
    '&lt;b&gt;&#96;&#36;{x}&#96;&lt;/b&gt;'
    """
    return "".join(_JS_LITERAL.get(c, c) for c in escape(value))


def _label(codes: dict, value, t) -> str:
    return t.term(codes, value) if value in codes else (str(value) if value is not None else "")


def _share(v, t) -> str:
    return t("unknown") if v is None or v != v else t.percent(float(v))


def _components(codes, t) -> str:
    """The engagement components of a ``"a, b"`` list of codes, in words."""
    names = [t.term(vocab.ENGAGEMENT_COMPONENTS, c.strip()).lower() if c.strip() in vocab.ENGAGEMENT_COMPONENTS
             else c.strip() for c in str(codes or "").split(",") if c.strip()]
    return ", ".join(names) or t("none")


def engagement_layer(recency: pd.DataFrame, name: str | None = None, show: bool = True, t=None
                     ) -> folium.FeatureGroup:
    """One circle per community of the log, coloured by the days since its last engagement (``name``: the
    layer's, "Engagement recency" in ``t``'s language by default)."""
    t = t or Translator("en")
    name = name or t("Engagement recency")
    group = folium.FeatureGroup(name=f"{name} ({t.number(len(recency))})", show=show)
    for r in recency.itertuples(index=False):
        days = float(r.days_ago)
        when = pd.Timestamp(r.last_date).strftime("%Y-%m-%d") if pd.notna(r.last_date) else t("never")
        text = (f"<b>{_safe(r.community)}</b><br>"
                + _safe(t("last engaged {date} ({days} day(s) ago): {activity} by {component}", date=when,
                          days=t.number(round(days)), activity=_label(vocab.ENGAGEMENT_ACTIVITIES, r.last_activity,
                                                                      t).lower(),
                          component=_label(vocab.ENGAGEMENT_COMPONENTS, r.last_component, t).lower()))
                + "<br>"
                + _safe(t("{n} engagement(s) in 30 days ({components}); women {share} of participants",
                          n=t.number(int(r.engagements)), components=_components(r.components, t),
                          share=_share(r.women_share, t))))
        folium.CircleMarker([float(r.lat), float(r.lon)], radius=7, color=recency_colour(days), weight=2,
                            fill=True, fill_opacity=0.75, tooltip=folium.Tooltip(text)).add_to(group)
    return group


def silence_layer(silence: pd.DataFrame, places: pd.DataFrame | None = None, name: str | None = None,
                  show: bool = True, t=None) -> folium.FeatureGroup:
    """Rings around the communities and IDP sites gone silent near a rising hotspot.

    ``places`` gives their positions (``community`` or ``name``, ``lat``, ``lon``):
    the recency table and the sites. ``name``: "Silent near rising tension" in ``t``'s language by default.
    """
    t = t or Translator("en")
    name = name or t("Silent near rising tension")
    group = folium.FeatureGroup(name=f"{name} ({t.number(len(silence))})", show=show)
    if places is None or silence.empty:
        return group
    pos = {}
    for r in places.itertuples(index=False):
        key = vocab.normalise_code(getattr(r, "community", None) or getattr(r, "name", ""))
        pos.setdefault(key, (float(r.lat), float(r.lon)))
    for r in silence.itertuples(index=False):
        at = pos.get(vocab.normalise_code(r.community))
        if at is None:
            continue
        days = t("never engaged") if r.days_silent != r.days_silent else \
            t("no engagement for {days} days", days=t.number(round(float(r.days_silent))))
        kind = t(PLACE_KINDS[r.kind]) if r.kind in PLACE_KINDS else str(r.kind)
        text = (f"<b>{_safe(r.community)}</b> ({_safe(kind)})<br>{_safe(days)}<br>"
                + _safe(t("{km} km from the rising hotspot {place}", km=t.number(round(float(r.km))), place=r.hotspot)))
        folium.CircleMarker(list(at), radius=14, color="#7b3294", weight=3, dash_array="4 4", fill=False,
                            tooltip=folium.Tooltip(text)).add_to(group)
    return group


def stops_layer(stops: pd.DataFrame, name: str | None = None, show: bool = False, t=None) -> folium.FeatureGroup:
    """Where patrols stopped (from GPS tracks), sized by minutes (``name``: "Patrol stops" in ``t``'s language)."""
    t = t or Translator("en")
    name = name or t("Patrol stops")
    group = folium.FeatureGroup(name=f"{name} ({t.number(len(stops))})", show=show)
    for r in stops.itertuples(index=False):
        text = (f"<b>{_safe(r.patrol_id)}</b><br>"
                + _safe(t("stopped {minutes} min from {start} UTC", minutes=t.number(round(float(r.minutes))),
                          start=pd.Timestamp(r.start).strftime("%Y-%m-%d %H:%M"))))
        folium.CircleMarker([float(r.lat), float(r.lon)], radius=max(3.0, min(12.0, float(r.minutes) / 5)),
                            color="#2b8cbe", weight=1, fill=True, fill_opacity=0.5,
                            tooltip=folium.Tooltip(text)).add_to(group)
    return group


def add_layers(fmap: folium.Map, *groups: folium.FeatureGroup) -> folium.Map:
    """Add ``groups`` to a finished map (:func:`ewarning.render.maps.situation_map`) so its layer control lists them.

    The control's script must come after the layers it names: the control is
    moved to the end of the map's children, after the new groups.
    """
    for group in groups:
        group.add_to(fmap)
    controls = [k for k, child in fmap._children.items() if isinstance(child, folium.LayerControl)]
    for key in controls:
        fmap._children.move_to_end(key)
    return fmap


def focus_bounds(silence: pd.DataFrame, places: pd.DataFrame, pad_deg: float = 0.6):
    """``[[south, west], [north, east]]`` around the silent places (padded), or None when there are none.

    >>> sil = pd.DataFrame({"community": ["A"]})
    >>> focus_bounds(sil, pd.DataFrame({"community": ["a "], "lat": [5.0], "lon": [21.0]}), 0.5)
    [[4.5, 20.5], [5.5, 21.5]]
    """
    if silence is None or silence.empty or places is None or places.empty:
        return None
    keys = set(silence["community"].map(vocab.normalise_code))
    at = places[places["community"].astype(str).map(vocab.normalise_code).isin(keys)]
    if at.empty:
        return None
    lat, lon = at["lat"].astype(float), at["lon"].astype(float)
    return [[float(lat.min()) - pad_deg, float(lon.min()) - pad_deg],
            [float(lat.max()) + pad_deg, float(lon.max()) + pad_deg]]
