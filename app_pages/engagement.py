"""Engagement & patrols: who engaged which community, how, and where the mission is absent (issue #14).

Thin page over :func:`ewarning.engagement.views.engagement_picture` (recency,
duplication, silence near rising tension, liaison-assistant coverage), the
patrol analytics of :mod:`ewarning.tracking` on the stored routes, and the
map layers of :mod:`ewarning.render.engagement`. Everything is as of the
sidebar's as-of time.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, map_component
from ewarning import vocab
from ewarning.engagement import views as ev
from ewarning.render import engagement as er
from ewarning.render import maps

user = common.require_page("view_desk")
f = common.current_filters()
p = common.picture(f)
when = p.as_of
common.record_view("engagement and patrols", f)


@st.cache_resource(show_spinner="Loading the engagement log…", max_entries=4)
def _engagements(location: str, token: str, rows: int):
    """The engagement log, once per store state and row count (imports only add rows)."""
    from ewarning.store import open_store

    return open_store(location).read("engagements")


location, token = common.store_and_token()
store = common.store()
log = _engagements(location, token, int(store.counts().get("engagements", 0)))
data = common.layers()
ep = ev.engagement_picture(user, when, log if len(log) else None, data.sites, data.presence, p.hotspots)

st.subheader("Engagement & patrols")
st.caption(f"{p.as_of_words}: engagements dated before then, the hotspots as scored then. "
           "Participants are counts by sex; the log never names anyone.")
c = ep.counts
a, b, cc, d, e = st.columns(5)
a.metric("Engagements (30 days)", c["engagements (30 days)"])
b.metric("Communities in the log", c["communities"])
cc.metric("Duplications (14-day window)", c["duplications"])
d.metric("Silent near rising tension", c["silent places"])
e.metric("Bases without liaison assistant", c["bases without liaison assistant"])

if log.empty:
    st.info("No engagement log in the store yet: import one on the Data page (columns engagement_id, date, "
            "component, activity, community, lat, lon, participants_women, participants_men, topics, questions).")

sites_open = p.known.sites
bases = p.known.presence            # the bases as they stood at the as-of time (the as-of view)
fmap = maps.situation_map(sites=sites_open, presence=bases, hotspots=p.hotspots, basemap=common.basemap(),
                          asset_base_url=common.asset_base(), collapsed_control=True)
places = pd.concat([ep.recency[["community", "lat", "lon"]],
                    pd.DataFrame({"community": sites_open["name"].astype(str), "lat": sites_open.geometry.y,
                                  "lon": sites_open.geometry.x}) if sites_open is not None and len(sites_open)
                    else pd.DataFrame(columns=["community", "lat", "lon"])], ignore_index=True)
er.add_layers(fmap, er.engagement_layer(ep.recency), er.silence_layer(ep.silence, places))
focus = er.focus_bounds(ep.silence, places, pad_deg=0.35)   # the silent places with their surroundings
if focus is not None:   # open on the places gone silent near rising tension (the layer control still shows all)
    fmap.fit_bounds(focus)
map_component.show(map_component.fixed_args(fmap), key="engagement_map", height=520, returned_objects=())
st.caption("Circles: communities by their last engagement ("
           + "; ".join(f"{words}" for _, _, words in er.RECENCY_BANDS)
           + ", green to red). Dashed purple rings: silent near a rising hotspot.")


def _date(s: pd.Series) -> list[str]:
    return ["never" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in s]


def _pct(s: pd.Series) -> list[str]:
    return ["—" if pd.isna(v) else f"{100 * float(v):.0f} %" for v in s]


st.markdown("**Silence: near rising tension, no engagement for 21 days or more**")
if len(ep.silence):
    st.dataframe(pd.DataFrame({
        "Community or site": ep.silence["community"].astype(str).to_numpy(), "Kind": ep.silence["kind"].to_numpy(),
        "Rising hotspot": ep.silence["hotspot"].astype(str).to_numpy(),
        "km": ep.silence["km"].round(1).to_numpy(), "Last engaged": _date(ep.silence["last_date"]),
        "Days silent": ["never" if pd.isna(v) else f"{v:.0f}" for v in ep.silence["days_silent"]],
        "People (site)": ["" if pd.isna(v) else f"{int(v):,}" for v in ep.silence["population"]]}),
        hide_index=True, width="stretch", height=min(300, 40 + 35 * len(ep.silence)))
else:
    st.caption("No community or site near a rising hotspot has gone 21 days without engagement.")

st.markdown("**Duplication: one community, several components, the same topics within 14 days**")
if len(ep.duplication):
    st.dataframe(pd.DataFrame({
        "Community": ep.duplication["community"].astype(str).to_numpy(),
        "Shared topics": ep.duplication["topics"].astype(str).to_numpy(),
        "Components": [", ".join(vocab.ENGAGEMENT_COMPONENTS.get(x.strip(), x) for x in v.split(","))
                       for v in ep.duplication["components"]],
        "Engagements": ep.duplication["engagements"].astype(str).to_numpy(),
        "From": _date(ep.duplication["first"]), "To": _date(ep.duplication["last"])}),
        hide_index=True, width="stretch", height=min(300, 40 + 35 * len(ep.duplication)))
    st.caption("Each visit asked the same people the same questions: share the answers before the next visit.")
else:
    st.caption("No duplicated engagement in the last 90 days.")

left, right = st.columns(2)
with left:
    st.markdown("**Engagement recency per community** (longest silent first)")
    st.dataframe(pd.DataFrame({
        "Community": ep.recency["community"].astype(str).to_numpy(), "Last": _date(ep.recency["last_date"]),
        "Days": ep.recency["days_ago"].round(0).to_numpy(),
        "How": [vocab.ENGAGEMENT_ACTIVITIES.get(v, v) for v in ep.recency["last_activity"]],
        "Who": [vocab.ENGAGEMENT_COMPONENTS.get(v, v) for v in ep.recency["last_component"]],
        "30 days": ep.recency["engagements"].to_numpy(), "Women": _pct(ep.recency["women_share"])}),
        hide_index=True, width="stretch", height=300)
with right:
    st.markdown("**Engagement recency per IDP site** (within 2 km; never engaged first)")
    st.dataframe(pd.DataFrame({
        "Site": ep.sites["name"].astype(str).to_numpy(),
        "People": ["" if pd.isna(v) else f"{int(v):,}" for v in ep.sites["population"]],
        "Last": _date(ep.sites["last_date"]),
        "Days": ["—" if pd.isna(v) else f"{v:.0f}" for v in ep.sites["days_ago"]],
        "Who": [vocab.ENGAGEMENT_COMPONENTS.get(v, v or "") for v in ep.sites["last_component"]]}),
        hide_index=True, width="stretch", height=300)

st.markdown("**Liaison-assistant coverage of bases** (contacts within 20 km in the last 30 days)")
st.dataframe(pd.DataFrame({
    "Base": ep.cla["base"].astype(str).to_numpy(), "Kind": ep.cla["kind"].astype(str).to_numpy(),
    "Liaison assistants": ep.cla["cla"].to_numpy(), "Women": ep.cla["cla_female"].to_numpy(),
    "Share of women": _pct(ep.cla["women_share"]), "Contacts (30 d)": ep.cla["cla_contacts"].to_numpy(),
    "Communities reached": ep.cla["communities_reached"].to_numpy(), "Last contact": _date(ep.cla["last_contact"])}),
    hide_index=True, width="stretch", height=280)


@st.cache_resource(show_spinner="Patrol analytics…", max_entries=8)
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


st.markdown("**Patrols of the last 30 days** (from stored routes: times spread along each route, so speeds "
            "are each patrol's average; stops and walk/drive splits need the GPS tracks: "
            "`python -m ewarning patrols summary`)")
if p.known.patrols is not None and len(p.known.patrols):
    towns = (common.basemap() or {}).get("towns")
    summary, by_area, last_pass = _patrols(location, token, when.isoformat(), p.known.patrols, towns, sites_open)
    if summary is not None:
        st.dataframe(pd.DataFrame({
            "Patrol": summary["patrol_id"].astype(str).to_numpy(),
            "Component": [vocab.PATROL_COMPONENTS.get(v, v) for v in summary["component"]],
            "Declared type": [vocab.PATROL_TYPES.get(v, v) for v in summary["type"]],
            "Start": summary["start"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "Hours": (summary["duration_min"] / 60).round(1).to_numpy(),
            "km": summary["distance_km"].round(1).to_numpy(),
            "At walking pace (min)": summary["dismounted_min"].round(0).to_numpy(),
            "Sites passed (2 km)": summary["sites_passed"].astype(str).to_numpy()}),
            hide_index=True, width="stretch", height=260)
        if last_pass is not None and len(last_pass):
            st.markdown("**IDP sites passed by a patrol in the last 30 days** (within 2 km, the latest first)")
            last_pass = last_pass.sort_values("last_pass", ascending=False)
            st.dataframe(pd.DataFrame({
                "Site": last_pass["site"].astype(str).to_numpy(), "Last passed": _date(last_pass["last_pass"]),
                "By patrol": last_pass["last_patrol"].astype(str).to_numpy(),
                "Patrols": last_pass["patrols"].to_numpy(),
                "Last at walking pace": _date(last_pass["last_on_foot"])}),
                hide_index=True, width="stretch", height=240)
        if by_area is not None and len(by_area):
            st.markdown("**Share of dismounted time by area and week** (nearest town within 50 km)")
            st.dataframe(pd.DataFrame({
                "Area": by_area["area"].astype(str).to_numpy(), "Week": by_area["period"].astype(str).to_numpy(),
                "On foot (h)": (by_area["foot_min"] / 60).round(1).to_numpy(),
                "In vehicles (h)": (by_area["vehicle_min"] / 60).round(1).to_numpy(),
                "Dismounted share": _pct(by_area["dismounted_share"])}),
                hide_index=True, width="stretch", height=260)
    else:
        st.caption("No patrol in the last 30 days.")
else:
    st.caption("No patrols layer in the store.")
