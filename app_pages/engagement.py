"""Engagement & patrols: who engaged which community, how, and where the mission is absent (issue #14).

Thin page over :func:`ewarning.engagement.views.engagement_picture` (recency,
duplication, silence near rising tension, liaison-assistant coverage), the
patrol analytics of :mod:`ewarning.tracking` on the stored routes, and the
map layers of :mod:`ewarning.render.engagement`. Everything is as of the
sidebar's as-of time. In the analyst's language (:mod:`ewarning.i18n`): headers, words and the map's
tooltips; names of communities, sites, bases and units are shown as they are written.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, map_component
from ewarning import vocab
from ewarning.engagement import views as ev
from ewarning.render import engagement as er
from ewarning.render import maps
from ewarning.views.replay import as_of_in

user = common.require_page("view_desk")
t = common.translator()
f = common.current_filters()
p = common.picture(f)
when = p.as_of
common.record_view("engagement and patrols", f)


@st.cache_resource(show_spinner=t("Loading the engagement log…"), max_entries=4)
def _engagements(location: str, token: str, rows: int):
    """The engagement log, once per store state and row count (imports only add rows)."""
    from ewarning.store import open_store

    return open_store(location).read("engagements")


location, token = common.store_and_token()
store = common.store()
log = _engagements(location, token, int(store.counts().get("engagements", 0)))
data = common.layers()
ep = ev.engagement_picture(user, when, log if len(log) else None, data.sites, data.presence, p.hotspots)

st.subheader(t("Engagement & patrols"))
st.caption(t("{as_of}: engagements dated before then, the hotspots as scored then. Participants are counts by "
             "sex; the log never names anyone.", as_of=as_of_in(p.as_of, t)))
c = ep.counts
a, b, cc, d, e = st.columns(5)
a.metric(t("Engagements (30 days)"), t.number(c["engagements (30 days)"]))
b.metric(t("Communities in the log"), t.number(c["communities"]))
cc.metric(t("Duplications (14-day window)"), t.number(c["duplications"]))
d.metric(t("Silent near rising tension"), t.number(c["silent places"]))
e.metric(t("Bases without liaison assistant"), t.number(c["bases without liaison assistant"]))

if log.empty:
    # the columns are the log's own names (one schema for every office), not translated
    st.info(t("No engagement log in the store yet: import one on the Data page (columns {columns}).",
              columns="engagement_id, date, component, activity, community, lat, lon, participants_women, "
                      "participants_men, topics, questions"))

sites_open = p.known.sites
bases = p.known.presence            # the bases as they stood at the as-of time (the as-of view)
fmap = maps.situation_map(sites=sites_open, presence=bases, hotspots=p.hotspots, basemap=common.basemap(),
                          asset_base_url=common.asset_base(), collapsed_control=True, t=t)
places = pd.concat([ep.recency[["community", "lat", "lon"]],
                    pd.DataFrame({"community": sites_open["name"].astype(str), "lat": sites_open.geometry.y,
                                  "lon": sites_open.geometry.x}) if sites_open is not None and len(sites_open)
                    else pd.DataFrame(columns=["community", "lat", "lon"])], ignore_index=True)
er.add_layers(fmap, er.engagement_layer(ep.recency, t=t), er.silence_layer(ep.silence, places, t=t))
focus = er.focus_bounds(ep.silence, places, pad_deg=0.35)   # the silent places with their surroundings
if focus is not None:   # open on the places gone silent near rising tension (the layer control still shows all)
    fmap.fit_bounds(focus)
map_component.show(map_component.fixed_args(fmap), key="engagement_map", height=520, returned_objects=())
st.caption(t("Circles: communities by their last engagement ({bands}, green to red). Dashed purple rings: silent "
             "near a rising hotspot.", bands="; ".join(t(words) for _, _, words in er.RECENCY_BANDS)))


def _date(s: pd.Series) -> list[str]:
    return [t("never") if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in s]


def _pct(s: pd.Series) -> list[str]:
    return ["—" if pd.isna(v) else t.percent(float(v)) for v in s]


def _people(s: pd.Series, blank: str = "") -> list[str]:
    return [blank if pd.isna(v) else t.number(int(v)) for v in s]


def _component(code) -> str:
    return t.term(vocab.ENGAGEMENT_COMPONENTS, code) if code in vocab.ENGAGEMENT_COMPONENTS else str(code or "")


def _kind(label) -> str:
    """A base kind (the views give its English label) or a place kind, in words."""
    if label in er.PLACE_KINDS:
        return t(er.PLACE_KINDS[label])
    return t(label) if label in set(vocab.BASE_KINDS.values()) else str(label)


st.markdown("**" + t("Silence: near rising tension, no engagement for 21 days or more") + "**")
if len(ep.silence):
    st.dataframe(pd.DataFrame({
        t("Community or site"): ep.silence["community"].astype(str).to_numpy(),
        t("Kind"): [_kind(v) for v in ep.silence["kind"]],
        t("Rising hotspot"): ep.silence["hotspot"].astype(str).to_numpy(),
        t("km"): ep.silence["km"].round(1).to_numpy(), t("Last engaged"): _date(ep.silence["last_date"]),
        t("Days silent"): [t("never") if pd.isna(v) else t.number(round(float(v))) for v in ep.silence["days_silent"]],
        t("People (site)"): _people(ep.silence["population"])}),
        hide_index=True, width="stretch", height=min(300, 40 + 35 * len(ep.silence)))
else:
    st.caption(t("No community or site near a rising hotspot has gone 21 days without engagement."))

st.markdown("**" + t("Duplication: one community, several components, the same topics within 14 days") + "**")
if len(ep.duplication):
    st.dataframe(pd.DataFrame({
        t("Community"): ep.duplication["community"].astype(str).to_numpy(),
        t("Shared topics"): ep.duplication["topics"].astype(str).to_numpy(),
        t("Components"): [", ".join(_component(x.strip()) for x in v.split(",")) for v in ep.duplication["components"]],
        t("Engagements"): ep.duplication["engagements"].astype(str).to_numpy(),
        t("From"): _date(ep.duplication["first"]), t("To"): _date(ep.duplication["last"])}),
        hide_index=True, width="stretch", height=min(300, 40 + 35 * len(ep.duplication)))
    st.caption(t("Each visit asked the same people the same questions: share the answers before the next visit."))
else:
    st.caption(t("No duplicated engagement in the last 90 days."))

left, right = st.columns(2)
with left:
    st.markdown("**" + t("Engagement recency per community") + "** " + t("(longest silent first)"))
    st.dataframe(pd.DataFrame({
        t("Community"): ep.recency["community"].astype(str).to_numpy(), t("Last"): _date(ep.recency["last_date"]),
        t("Days"): ep.recency["days_ago"].round(0).to_numpy(),
        t("How"): [t.term(vocab.ENGAGEMENT_ACTIVITIES, v) for v in ep.recency["last_activity"]],
        t("Who"): [_component(v) for v in ep.recency["last_component"]],
        t("30 days"): ep.recency["engagements"].to_numpy(), t("Women"): _pct(ep.recency["women_share"])}),
        hide_index=True, width="stretch", height=300)
with right:
    st.markdown("**" + t("Engagement recency per IDP site") + "** " + t("(within 2 km; never engaged first)"))
    st.dataframe(pd.DataFrame({
        t("Site"): ep.sites["name"].astype(str).to_numpy(),
        t("People"): _people(ep.sites["population"]),
        t("Last"): _date(ep.sites["last_date"]),
        t("Days"): ["—" if pd.isna(v) else t.number(round(float(v))) for v in ep.sites["days_ago"]],
        t("Who"): [_component(v) for v in ep.sites["last_component"]]}),
        hide_index=True, width="stretch", height=300)

st.markdown("**" + t("Liaison-assistant coverage of bases") + "** "
            + t("(contacts within 20 km in the last 30 days)"))
st.dataframe(pd.DataFrame({
    t("Base"): ep.cla["base"].astype(str).to_numpy(), t("Kind"): [_kind(v) for v in ep.cla["kind"].astype(str)],
    t("Liaison assistants"): ep.cla["cla"].to_numpy(), t("Women"): ep.cla["cla_female"].to_numpy(),
    t("Share of women"): _pct(ep.cla["women_share"]), t("Contacts (30 d)"): ep.cla["cla_contacts"].to_numpy(),
    t("Communities reached"): ep.cla["communities_reached"].to_numpy(),
    t("Last contact"): _date(ep.cla["last_contact"])}),
    hide_index=True, width="stretch", height=280)


@st.cache_resource(show_spinner=t("Patrol analytics…"), max_entries=8)   # data only (no words): every language
def _patrols(location: str, token: str, as_of: str, _patrols, _towns, _sites):
    from ewarning.tracking import TrackConfig, analyse, points_from_routes, site_last_pass, time_by_area

    recent = _patrols[pd.to_datetime(_patrols["start"], utc=True) >= pd.Timestamp(as_of) - pd.Timedelta(days=30)]
    pts = points_from_routes(recent)
    if pts.empty:
        return None, None, None
    result = analyse(pts, recent[["patrol_id", "component", "type"]], _sites,
                     TrackConfig(gap_minutes=24 * 60, max_speed_kmh=400.0))
    by_area = time_by_area(result, _towns, period="W-MON") if _towns is not None else None
    return result.patrols, by_area, site_last_pass(result.passes, pd.Timestamp(as_of))


st.markdown("**" + t("Patrols of the last 30 days") + "** "
            + t("(from stored routes: times spread along each route, so speeds are each patrol's average; stops and "
                "walk/drive splits need the GPS tracks: {command})", command="`python -m ewarning patrols summary`"))
if p.known.patrols is not None and len(p.known.patrols):
    towns = (common.basemap() or {}).get("towns")
    summary, by_area, last_pass = _patrols(location, token, when.isoformat(), p.known.patrols, towns, sites_open)
    if summary is not None:
        st.dataframe(pd.DataFrame({
            t("Patrol"): summary["patrol_id"].astype(str).to_numpy(),
            t("Component"): [t.term(vocab.PATROL_COMPONENTS, v) for v in summary["component"]],
            t("Declared type"): [t.term(vocab.PATROL_TYPES, v) for v in summary["type"]],
            t("Start"): summary["start"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            t("Hours"): (summary["duration_min"] / 60).round(1).to_numpy(),
            t("km"): summary["distance_km"].round(1).to_numpy(),
            t("At walking pace (min)"): summary["dismounted_min"].round(0).to_numpy(),
            t("Sites passed (2 km)"): summary["sites_passed"].astype(str).to_numpy()}),
            hide_index=True, width="stretch", height=260)
        if last_pass is not None and len(last_pass):
            st.markdown("**" + t("IDP sites passed by a patrol in the last 30 days") + "** "
                        + t("(within 2 km, the latest first)"))
            last_pass = last_pass.sort_values("last_pass", ascending=False)
            st.dataframe(pd.DataFrame({
                t("Site"): last_pass["site"].astype(str).to_numpy(), t("Last passed"): _date(last_pass["last_pass"]),
                t("By patrol"): last_pass["last_patrol"].astype(str).to_numpy(),
                t("Patrols"): last_pass["patrols"].to_numpy(),
                t("Last at walking pace"): _date(last_pass["last_on_foot"])}),
                hide_index=True, width="stretch", height=240)
        if by_area is not None and len(by_area):
            st.markdown("**" + t("Share of dismounted time by area and week") + "** "
                        + t("(nearest town within 50 km)"))
            st.dataframe(pd.DataFrame({
                t("Area"): by_area["area"].astype(str).to_numpy(), t("Week"): by_area["period"].astype(str).to_numpy(),
                t("On foot (h)"): (by_area["foot_min"] / 60).round(1).to_numpy(),
                t("In vehicles (h)"): (by_area["vehicle_min"] / 60).round(1).to_numpy(),
                t("Dismounted share"): _pct(by_area["dismounted_share"])}),
                hide_index=True, width="stretch", height=260)
    else:
        st.caption(t("No patrol in the last 30 days."))
else:
    st.caption(t("No patrols layer in the store."))
