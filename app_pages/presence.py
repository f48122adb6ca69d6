"""Presence & coverage: which components are where on the as-of day, and what they reach.

Thin page over :func:`ewarning.views.presence_picture` (bases as they stood
at the as-of time, with their coverage rings per component, and the presence
around each hotspot) and :func:`ewarning.views.site_watch` (the
vulnerability watch of IDP sites).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, map_component
from ewarning import views, vocab
from ewarning.render import maps

user = common.require_page("view_desk")
f = common.current_filters()
p = common.picture(f)
pp = views.presence_picture(p)
bases, sites, hotspots, cfg = pp.bases, pp.sites, p.hotspots, p.config
common.record_view("presence and coverage", f)

st.subheader("Presence & coverage")
counts = pp.counts
multi = pp.multidimensional
a, b, c, d = st.columns(4)
a.metric("Bases on the as-of day", counts["bases"])
b.metric("Multidimensional bases", counts["multidimensional"])
c.metric("Hotspots without full presence", counts["hotspots without full presence"])
d.metric("Liaison assistants (women)", f"{counts['liaison assistants']} ({counts['liaison assistants (women)']})")

fmap = maps.situation_map(sites=sites, presence=bases, basemap=common.basemap(), asset_base_url=common.asset_base(),
                          hotspots=hotspots, reach_km=cfg.reach_km, show_coverage=True, collapsed_control=True)
map_component.show(map_component.fixed_args(fmap), key="presence_map", height=560, returned_objects=())
st.caption("Rings: how far each component of each base reaches ("
           + ", ".join(f"{vocab.COMPONENTS[c].lower()} {km:g} km" for c, km in cfg.reach_km.items())
           + "); toggle them in the layer control (top right).")
st.markdown("**Bases on the as-of day**")
st.dataframe(pd.DataFrame({
    "Base": bases["name"].astype(str).to_numpy(), "Kind": bases["kind"].map(vocab.BASE_KINDS).to_numpy(),
    **{vocab.COMPONENTS[c]: bases[c].to_numpy() for c in vocab.COMPONENTS},
    "CLA women": bases["cla_female"].to_numpy(),
    "Multidimensional": ["yes" if m else "NO" for m in multi],
    "Since": bases["start"].dt.strftime("%Y-%m-%d").to_numpy()}),
    hide_index=True, width="stretch", height=300)

st.markdown("**Presence around each hotspot**")
around = pp.hotspot_presence()
if len(around):
    st.dataframe(pd.DataFrame({
        "Rank": around["rank"].to_numpy(), "Place": around["place"].to_numpy(), "Score": around["score"].to_numpy(),
        "Flag": ["⚑ flagged" if v else "" for v in around["flagged"]],
        **{vocab.COMPONENTS[c]: ["✓" if v else "—" for v in around[c]] for c in vocab.COMPONENTS},
        "Last dismounted (days)": ["none" if pd.isna(days) else f"{days:.0f}"
                                   for days in around["last_dismounted_days"]],
        "Engagements (14 d)": around["engagements"].to_numpy()}),
        hide_index=True, width="stretch", height=240)
else:
    st.caption("No hotspot under these filters.")

st.markdown("**IDP site watch** (armed activity nearby, sites missing a component first)")
watched = views.site_watch(p).sites
if len(watched):
    st.dataframe(pd.DataFrame({
        "Rank": watched["rank"].to_numpy(), "Site": watched["name"].astype(str).to_numpy(),
        "Population": watched["population"].to_numpy(), "Risk": watched["risk"].to_numpy(),
        "Missing": [common.component_labels(g) or "—" for g in watched["presence_gap"]],
        "Alerts nearby": watched["nearby_alerts"].to_numpy(),
        "Explanation": watched["explanation"].astype(str).to_numpy()}),
        hide_index=True, width="stretch", height=260,
        column_config={"Risk": st.column_config.ProgressColumn("Risk", min_value=0, max_value=100, format="%.1f")})
else:
    st.caption("No open IDP site under these filters.")
