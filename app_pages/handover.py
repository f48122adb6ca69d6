"""Handover notes: what an incoming commander needs to know about an area on a date.

Thin page over :func:`ewarning.training.handover.handover_notes` (built from
what was known on that date only, through the replay view: a trainee in an
exercise is refused a date after its decision point). Pick a scenario or the
mission's store, a date, a place (an IDP site or a base active then) and a
radius. Focal-point networks are counts only; nothing shows a reporter, a key
or a report's free text. The notes download as an HTML document (PDF through
the briefing renderer to come).

In the user's language (:mod:`ewarning.i18n`): the page's words, the tables' headers and the vocabulary in
them, the open concerns and notes (:func:`ewarning.i18n.phrases.said_in`). The HTML download is the notes
as :meth:`ewarning.training.handover.HandoverNotes.html` writes them (the notes' own words and columns).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from ewarning import filters as flt
from ewarning import views, vocab
from ewarning.asof import as_of_day, as_of_words
from ewarning.auth import PermissionDenied
from ewarning.i18n import N_
from ewarning.i18n.phrases import said_in
from ewarning.training import exercises as ex
from ewarning.training import handover as ho
from ewarning.training import scenarios as sc
from ewarning.render.maps import TRENDS
from ewarning.views.replay import as_of_in

LIBRARY, STORE = N_("Scenario library"), N_("The mission's store")
#: The notes' columns (:func:`ewarning.training.handover.handover_notes`) -> their header, translated where shown.
HEADERS = {"place": N_("Place"), "rank": N_("Rank"), "score": N_("Score"), "trend": N_("Trend"),
           "flagged": N_("Flagged"), "missing": N_("Missing"), "n_alerts": N_("Alerts"), "as of": N_("As of"), "base": N_("Base"),
           "kind": N_("Kind"), "km": N_("km"), "community": N_("Community"), "by": N_("By"), "units": N_("Units"),
           "engagements": N_("Engagements"), "with liaison assistant": N_("With liaison assistant"),
           "with female engagement team": N_("With female engagement team"), "last": N_("Last"),
           "source": N_("Source"), "channel": N_("Channel"), "reporters (last 30 days)": N_("Reporters (last 30 days)"),
           "reports (last 30 days)": N_("Reports (last 30 days)"),
           "reporters (30 days before)": N_("Reporters (30 days before)"),
           "reports (30 days before)": N_("Reports (30 days before)"), "topic": N_("Topic"),
           "times asked": N_("Times asked"), "components": N_("Components"), "last asked": N_("Last asked")}
SOURCES = {"patrols": N_("patrols"), "engagement records": N_("engagement records")}
PLACE_KINDS = {"IDP site": N_("IDP site"), "base": N_("base")}

user = common.require_page("replay")
t = common.translator()
trainer = user.can("replay_past_decision_point")
# the vocabulary's labels (English, marked in ewarning.vocab) the notes write in their cells -> translated
LABELS = {label for table in (vocab.COMPONENTS, vocab.PATROL_COMPONENTS, vocab.BASE_KINDS, vocab.CHANNELS, sc.TOPICS)
          for label in table.values()}


def _cell(value):
    """A cell of the notes in the user's language: vocabulary labels and trend words translated, lists of them
    item by item; names, numbers and dates as they are."""
    if not isinstance(value, str):
        return value
    if value in TRENDS:
        return common.trend_in(value, t)
    if value in SOURCES:
        return t(SOURCES[value])
    if value in LABELS:
        return t(value)
    parts = value.split(", ")
    if len(parts) > 1 and all(p in LABELS for p in parts):
        return ", ".join(t(p) for p in parts)
    return value


def _shown(table, words=None):
    """A table of the notes as shown: headers and vocabulary translated (the download keeps the notes' own)."""
    out = table.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):   # text (object or str), not counts or flags
            out[column] = [words.get(v, _cell(v)) if words and isinstance(v, str) else _cell(v) for v in out[column]]
    return out.rename(columns={c: t(HEADERS[c]) if c in HEADERS else t(c) if c in LABELS else c
                               for c in out.columns})


st.subheader(t("Handover notes"))
left, right = st.columns([2, 3])
with left:
    source = st.radio(t("From"), [LIBRARY, STORE] if trainer else [LIBRARY], format_func=t, key="ho_source",
                      horizontal=True)
exercise = engagements = None
if source == LIBRARY:
    names = sc.list_scenarios()
    if not names:
        st.warning(t("The scenario library (geodata/scenarios) is empty."))
        st.stop()
    titles = {n: sc.load_scenario(n).title for n in names}
    with right:
        name = st.selectbox(t("Scenario"), names, format_func=lambda n: titles[n], key="ho_scenario")
    scenario = sc.load_scenario(name)
    layers = common.scenario_layers(scenario)
    engagements = sc.load_engagements(scenario)
    exercise = ex.load_exercise(scenario.exercise().exercise_id) or scenario.exercise()
else:
    location, token = common.store_and_token()
    layers = common.load_layers(location, token)

days = views.replay_days(layers)
if not days:
    st.warning(t("Nothing to hand over: no report."))
    st.stop()
last = days[-1]
if exercise is not None and not trainer:
    last = min(last, exercise.decision_point)
c1, c2, c3 = st.columns([1.2, 2.5, 1.2])
with c1:
    day = st.date_input(t("As of (end of day, UTC)"), value=as_of_day(last), min_value=as_of_day(days[0]),
                        max_value=as_of_day(days[-1]), key="ho_day")
when = flt.end_of_day(day)
known = views.known(layers, flt.Filters(end=when))
places = []
for frame, kind, key in ((known.sites, "IDP site", "site_id"), (known.presence, "base", "base_id")):
    if frame is not None and len(frame):
        for r in frame.drop_duplicates(key).itertuples():
            # the option is the place in the notes' words (recorded, and the notes' name); shown translated
            places.append((f"{r.name} ({kind})", r.geometry.x, r.geometry.y,
                           t("{place} ({kind})", place=r.name, kind=t(PLACE_KINDS[kind]))))
if not places:
    st.warning(t("No IDP site or base on that date to centre the notes on."))
    st.stop()
labels = [p[0] for p in places]
shown_as = {p[0]: p[3] for p in places}
with c2:
    chosen = st.selectbox(t("Area around"), labels, format_func=shown_as.get, key="ho_place")
with c3:
    radius = st.slider(t("Radius (km)"), 10, 80, 30, 5, key="ho_radius")
label, lon, lat, place_words = places[labels.index(chosen)]
try:
    notes = ho.handover_notes(layers, when, user, centre=(lon, lat), radius_km=radius, name=label,
                              engagements=engagements, exercise=exercise, store=common.store(),
                              towns=(common.basemap() or {}).get("towns"))
except PermissionDenied as denied:
    common.refuse(denied)
common.record_view("handover notes", flt.Filters(end=when), f"{label}, {radius} km")

title = t("Handover notes: {place}, {as_of}", place=place_words, as_of=as_of_in(notes.as_of, t))
common.html_block(f'<div class="ew-detail ew-handover" data-place="{common.text_html(label)}"><div class="ew-detail-h">'
                  f"{common.text_html(title)}</div><div class='ew-expl'>"
                  + common.text_html(t("{radius} km around {place}. Built only from what was known then. Focal-point "
                                       "networks are counts: no reporter, key or free text is shown.",
                                       radius=t.number(radius), place=place_words)) + "</div></div>")
weeks = getattr(ho, "_HISTORY_WEEKS", (3, 2, 1))
when_words = {as_of_words(w): as_of_in(w, t) for w in [when - pd.Timedelta(days=7 * n) for n in weeks] + [when]}
sections = ((t("Hotspots in the area"), notes.hotspots),
            (t("Their history (3, 2 and 1 weeks before, and now)"), notes.history),
            (t("Presence"), notes.presence), (t("Communities engaged and by whom (last 90 days)"), notes.engaged),
            (t("Focal-point networks (counts only)"), notes.focal_points))
for heading, table in sections:
    st.markdown(f"**{common.text_html(heading)}**")
    if len(table):
        st.dataframe(_shown(table, when_words), hide_index=True, width="stretch", height=min(38 + 35 * len(table), 240))
    else:
        st.caption(t("None."))
st.markdown("**" + t("Open concerns") + "**")
if notes.concerns:
    common.html_block("<ul class='ew-concerns'>" + "".join(f"<li>{common.text_html(said_in(c, t))}</li>"
                                                           for c in notes.concerns)
                      + "</ul>")
else:
    st.caption(t("None recorded."))
st.markdown("**" + t("Questions already asked of each community") + "**")
if len(notes.questions):
    st.dataframe(_shown(notes.questions), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(notes.questions), 260))
else:
    st.caption(t("None recorded."))
for n in notes.notes:
    st.caption(said_in(n, t))
st.download_button(t("Download the handover notes (HTML)"), notes.html(), file_name="handover-notes.html",
                   mime="text/html", key="ho_download", on_click=common.record_export,
                   args=(f"handover notes: {label}, {radius} km", flt.Filters(end=when), len(notes.hotspots)))
