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
f = common.current_filters()
location, token = common.store_and_token()
# What was known at the as-of time under the filters: the layers drawn, the hotspots drawn (the top ones
# and every flagged one) and the header's counts, as serve.py warms them.
sit = views.situation(common.picture(f))
hotspots = sit.hotspots
common.record_view("situation map", f)

common.html_block(
    '<div class="ew-counts">'
    + "".join(f'<span class="ew-count" data-layer="{common.text_html(k)}"><b>{v:,}</b> {common.text_html(k)}</span>'
              for k, v in sit.counts.items())
    + f"<span>{common.text_html(sit.caption)}</span></div>")
hint = common.hindsight_hint(sit.picture)

# The map itself (boundaries, legend, drawing tool, drawn area, the view over every stored layer) stays
# the same while filters change; the filtered layers travel apart and are swapped in the open map.
# Both parts are rendered to strings once per store state (and filters, or drawn area) and shared by every
# session: a page load or a filter change seen before costs no map building at all (and serve.py builds
# those of the opening view at start-up).
fixed, live = common.situation_map_strings(sit, location, token)
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
        flag = (f'<span class="ew-flag">FLAGGED: no {common.text_html(common.component_labels(h["presence_gap"]))}'
                "</span>") if h["flagged"] else ""
        common.html_block(
            f'<div class="ew-detail" data-hotspot="{common.text_html(h["hotspot_id"])}">'
            f'<div class="ew-detail-h">#{int(h["rank"])} {common.text_html(h["place"])} '
            f'<span class="ew-score">score {float(h["score"]):.1f}</span> '
            f'<span class="ew-muted">{common.text_html(h["trend"])}, {int(h["n_alerts"])} alerts, '
            f'{common.text_html(h["hotspot_id"])}</span> {flag}</div>'
            f'<div class="ew-expl">{common.text_html(h["explanation"])}</div></div>')
        if st.button("Open in Hotspots", key="open_hotspot", type="primary"):
            st.session_state[common.FOCUS_KEY] = h["hotspot_id"]
            st.switch_page("app_pages/hotspots.py")

credit = maps.attribution(sit.alerts)
common.html_block(
    '<div class="ew-attribution">'
    + (f"Data: {common.text_html(credit)}. " if credit else "")
    + "Basemap: offline boundaries shipped in geodata/basemap. Reporter identities are never shown. "
    + "Click a hotspot for its detail; draw a polygon or rectangle (tools at the top left) to filter every page "
    + "by area.</div>")
for note in sit.notes + ([hint] if hint else []):
    st.caption(note)
