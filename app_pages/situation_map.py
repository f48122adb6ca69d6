"""Situation map: every layer on one offline map, under the shared filters.

Thin page: read the cached layers, apply :mod:`ewarning.filters`, hand them
to :func:`ewarning.render.maps.situation_map`. Alerts are those *reported* in the
window (the as-of rule); presence as it stood on the as-of day; sites that
were open; patrols that started in the window; hotspots scored as of the
end of the window. Drawing a polygon or rectangle sets the area filter of
every page; clicking a hotspot opens its detail below the map.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning.render import maps

MAP_KEY = "situation_map"
MAP_TOP = common.MAP_TOP

f = common.current_filters()
location, token = common.store_and_token()
data = common.load_layers(location, token)
# The filtered layers and the hotspots drawn (the top ones and every flagged one), as serve.py warms them.
view = common.situation_view(f, data)
alerts, sites, presence, patrols = view["alerts"], view["sites"], view["presence"], view["patrols"]
hotspots, notes, n_scored = view["hotspots"], view["notes"], view["n_scored"]
common.record_view("situation map", f)

counts = {"alerts": len(alerts), "hotspots": len(hotspots),
          "flagged": int(hotspots["flagged"].sum()) if len(hotspots) else 0,
          "IDP sites": len(sites), "bases": len(presence), "patrols": len(patrols)}
common.html_block(
    '<div class="ew-counts">'
    + "".join(f'<span class="ew-count" data-layer="{common.text_html(k)}"><b>{v:,}</b> {common.text_html(k)}</span>'
              for k, v in counts.items())
    + f"<span>{common.text_html(f.describe())}"
    + (f"; map shows the top {MAP_TOP} and every flagged hotspot of {n_scored} scored" if n_scored > len(hotspots)
       else "") + "</span></div>")

# The map itself (boundaries, legend, drawing tool, drawn area, the view over every stored layer) stays
# the same while filters change; the filtered layers travel apart and are swapped in the open map.
# Both parts are rendered to strings once per store state (and filters, or drawn area) and shared by every
# session: a page load or a filter change seen before costs no map building at all (and serve.py builds
# those of the opening view at start-up).
fixed, live = common.situation_map_strings(f, data, view, location, token)
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

credit = maps.attribution(alerts)
common.html_block(
    '<div class="ew-attribution">'
    + (f"Data: {common.text_html(credit)}. " if credit else "")
    + "Basemap: offline boundaries shipped in geodata/basemap. Reporter identities are never shown. "
    + "Click a hotspot for its detail; draw a polygon or rectangle (tools at the top left) to filter every page "
    + "by area.</div>")
for note in notes:
    st.caption(note)
