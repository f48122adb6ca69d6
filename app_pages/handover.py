"""Handover notes: what an incoming commander needs to know about an area on a date.

Thin page over :func:`ewarning.training.handover.handover_notes` (built from
what was known on that date only, through the replay view: a trainee in an
exercise is refused a date after its decision point). Pick a scenario or the
mission's store, a date, a place (an IDP site or a base active then) and a
radius. Focal-point networks are counts only; nothing shows a reporter, a key
or a report's free text. The notes download as an HTML document (PDF through
the briefing renderer to come).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning import filters as flt
from ewarning import views
from ewarning.asof import as_of_day
from ewarning.auth import PermissionDenied
from ewarning.training import exercises as ex
from ewarning.training import handover as ho
from ewarning.training import scenarios as sc

LIBRARY, STORE = "Scenario library", "The mission's store"

user = common.require_page("replay")
trainer = user.can("replay_past_decision_point")


st.subheader("Handover notes")
left, right = st.columns([2, 3])
with left:
    source = st.radio("From", [LIBRARY, STORE] if trainer else [LIBRARY], key="ho_source", horizontal=True)
exercise = engagements = None
if source == LIBRARY:
    names = sc.list_scenarios()
    if not names:
        st.warning("The scenario library (geodata/scenarios) is empty.")
        st.stop()
    titles = {n: sc.load_scenario(n).title for n in names}
    with right:
        name = st.selectbox("Scenario", names, format_func=lambda n: titles[n], key="ho_scenario")
    scenario = sc.load_scenario(name)
    layers = common.scenario_layers(scenario)
    engagements = sc.load_engagements(scenario)
    exercise = ex.load_exercise(scenario.exercise().exercise_id) or scenario.exercise()
else:
    location, token = common.store_and_token()
    layers = common.load_layers(location, token)

days = views.replay_days(layers)
if not days:
    st.warning("Nothing to hand over: no report.")
    st.stop()
last = days[-1]
if exercise is not None and not trainer:
    last = min(last, exercise.decision_point)
c1, c2, c3 = st.columns([1.2, 2.5, 1.2])
with c1:
    day = st.date_input("As of (end of day, UTC)", value=as_of_day(last), min_value=as_of_day(days[0]),
                        max_value=as_of_day(days[-1]), key="ho_day")
when = flt.end_of_day(day)
known = views.known(layers, flt.Filters(end=when))
places = []
for frame, kind, key in ((known.sites, "IDP site", "site_id"), (known.presence, "base", "base_id")):
    if frame is not None and len(frame):
        for r in frame.drop_duplicates(key).itertuples():
            places.append((f"{r.name} ({kind})", r.geometry.x, r.geometry.y))
if not places:
    st.warning("No IDP site or base on that date to centre the notes on.")
    st.stop()
labels = [p[0] for p in places]
with c2:
    chosen = st.selectbox("Area around", labels, key="ho_place")
with c3:
    radius = st.slider("Radius (km)", 10, 80, 30, 5, key="ho_radius")
label, lon, lat = places[labels.index(chosen)]
try:
    notes = ho.handover_notes(layers, when, user, centre=(lon, lat), radius_km=radius, name=label,
                              engagements=engagements, exercise=exercise, store=common.store(),
                              towns=(common.basemap() or {}).get("towns"))
except PermissionDenied as denied:
    common.refuse(denied)
common.record_view("handover notes", flt.Filters(end=when), f"{label}, {radius} km")

common.html_block(f'<div class="ew-detail ew-handover" data-place="{common.text_html(label)}"><div class="ew-detail-h">'
                  f"{common.text_html(notes.title)}</div><div class='ew-expl'>{radius} km around "
                  f"{common.text_html(label)}. Built only from what was known then. Focal-point networks are "
                  "counts: no reporter, key or free text is shown.</div></div>")
sections = (("Hotspots in the area", notes.hotspots),
            ("Their history (3, 2 and 1 weeks before, and now)", notes.history),
            ("Presence", notes.presence), ("Communities engaged and by whom (last 90 days)", notes.engaged),
            ("Focal-point networks (counts only)", notes.focal_points))
for heading, table in sections:
    st.markdown(f"**{common.text_html(heading)}**")
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 240))
    else:
        st.caption("None.")
st.markdown("**Open concerns**")
if notes.concerns:
    common.html_block("<ul class='ew-concerns'>" + "".join(f"<li>{common.text_html(c)}</li>" for c in notes.concerns)
                      + "</ul>")
else:
    st.caption("None recorded.")
st.markdown("**Questions already asked of each community**")
if len(notes.questions):
    st.dataframe(notes.questions, hide_index=True, width="stretch", height=min(38 + 35 * len(notes.questions), 260))
else:
    st.caption("None recorded.")
for n in notes.notes:
    st.caption(n)
st.download_button("Download the handover notes (HTML)", notes.html(), file_name="handover-notes.html",
                   mime="text/html", key="ho_download", on_click=common.record_export,
                   args=(f"handover notes: {label}, {radius} km", flt.Filters(end=when), len(notes.hotspots)))
