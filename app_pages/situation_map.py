"""Situation map: every layer on one offline map, under the shared filters.

Thin page over :func:`ewarning.views.situation` (what was known at the as-of
time under the filters), drawn by :func:`ewarning.render.maps.situation_map_parts`.
Alerts are those *reported* in the window (the as-of rule); presence as it stood on the as-of day; sites that
were open; patrols that started in the window; hotspots scored as of the
end of the window. Drawing a polygon or rectangle sets the area filter of
every page; clicking a hotspot opens its detail below the map.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning import views
from ewarning.render import maps

MAP_KEY = "situation_map"

user = common.require_page("view_desk")
t = common.translator()
f = common.current_filters()
location, token = common.store_and_token()
# What was known at the as-of time under the filters: the layers drawn, the hotspots drawn (the top ones
# and every flagged one) and the header's counts, as serve.py warms them.
sit = views.situation(common.picture(f))
hotspots = sit.hotspots
common.record_view("situation map", f)


def _caption() -> str:
    """The header's line (:attr:`ewarning.views.Situation.caption`) in the analyst's language."""
    text = common.filters_words(sit.picture.filters, t)   # says "triage as known then" when it is
    if not sit.picture.filters.triage_as_known:
        text += common.separator(t) + common.triage_words(sit.picture, t)
    if sit.n_listed > len(sit.hotspots):
        text += common.separator(t) + t("map shows the top {top} and every flagged hotspot of {n} listed", top=views.MAP_TOP,
                         n=t.number(sit.n_listed))
    return text


# data-layer keeps the count's code (English, for scripts and tests); the words are the analyst's.
common.html_block(
    '<div class="ew-counts">'
    + "".join(f'<span class="ew-count" data-layer="{common.text_html(k)}" data-n="{v}"><b>{common.text_html(t.number(v))}'
              f'</b> {common.text_html(t.term(common.COUNT_LABELS, k))}</span>'
              for k, v in sit.counts.items())
    + f"<span>{common.text_html(_caption())}</span></div>")
hint = common.hindsight_hint(sit.picture, t)

# The map itself (boundaries, legend, drawing tool, drawn area, the view over every stored layer) stays
# the same while filters change; the filtered layers travel apart and are swapped in the open map.
# Both parts are rendered to strings once per store state (and filters, or drawn area, and language) and shared
# by every session: a page load or a filter change seen before costs no map building at all (and serve.py
# builds those of the opening view at start-up).
fixed, live = common.situation_map_strings(sit, location, token, t)
state = common.folium_component(fixed, live, key=MAP_KEY, height=660,
                                returned_objects=["last_object_clicked_tooltip", "all_drawings"])

state = state or {}
if state.get("all_drawings") and common.set_area(state["all_drawings"]):
    st.rerun()

clicked = common.HOTSPOT_ID.search(state.get("last_object_clicked_tooltip") or "")
if clicked and len(hotspots):
    match = hotspots[hotspots["hotspot_id"] == clicked.group(0)]
    if len(match):
        h = match.iloc[0]
        common.record_view("hotspot detail (map)", f, h["hotspot_id"])
        # (the words are built outside the f-strings: Babel does not look inside them)
        flagged = t("FLAGGED: no {components}", components=common.component_labels(h["presence_gap"], t))
        score = t("score {score}", score=t.number(float(h["score"]), 1))
        facts = t("{trend}, {n} alerts, {id}", trend=common.trend_in(h["trend"], t), n=t.number(int(h["n_alerts"])),
                  id=h["hotspot_id"])
        flag = f'<span class="ew-flag">{common.text_html(flagged)}</span>' if h["flagged"] else ""
        common.html_block(
            f'<div class="ew-detail" data-hotspot="{common.text_html(h["hotspot_id"])}">'
            f'<div class="ew-detail-h">#{int(h["rank"])} {common.text_html(h["place"])} '
            f'<span class="ew-score">{common.text_html(score)}</span> '
            f'<span class="ew-muted">{common.text_html(facts)}</span> {flag}</div>'
            f'<div class="ew-expl">{common.text_html(views.explanation_in(h, t))}</div></div>')
        if st.button(t("Open in Hotspots"), key="open_hotspot", type="primary"):
            st.session_state[common.FOCUS_KEY] = h["hotspot_id"]
            st.switch_page("app_pages/hotspots.py")

credit = maps.attribution(sit.alerts)
common.html_block(
    '<div class="ew-attribution">'
    + (common.text_html(t("Data: {credit}.", credit=credit)) + " " if credit else "")
    + common.text_html(t("Basemap: offline boundaries shipped in geodata/basemap. Reporter identities are never shown. "
                         "Click a hotspot for its detail; draw a polygon or rectangle (tools at the top left) to "
                         "filter every page by area."))
    + "</div>")
for note in common.notes_in(sit.picture, t) + ([hint] if hint else []):
    st.caption(note)
