"""Presence & coverage: which components are where on the as-of day, and what they reach.

Thin page: bases as they stood on the as-of day (:func:`ewarning.presence.on`)
with their coverage rings per component, the presence around each hotspot
(from the scorer) and the vulnerability watch of IDP sites
(:func:`ewarning.hotspots.watch.watch`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages import common
from ewarning import filters as flt
from ewarning import presence as presence_mod, sites as sites_mod, vocab
from ewarning.render import maps
from ewarning.hotspots import HotspotConfig
from ewarning.hotspots.watch import watch

f = common.current_filters()
data = common.layers()
cfg = HotspotConfig()
bases = flt.apply_points(presence_mod.on(data["presence"], f.as_of), f)
sites = flt.apply_points(sites_mod.open_on(data["sites"], f.as_of), f)
hotspots, _ = common.hotspots(f)
common.record_view("presence and coverage", f)

st.subheader("Presence & coverage")
comp = presence_mod.components(bases) if len(bases) else pd.DataFrame(columns=list(vocab.COMPONENTS), dtype=bool)
multi = comp.all(axis=1) if len(bases) else pd.Series(dtype=bool)
a, b, c, d = st.columns(4)
a.metric("Bases on the as-of day", len(bases))
b.metric("Multidimensional bases", int(multi.sum()))
c.metric("Hotspots without full presence", int(sum(bool(g) for g in hotspots["presence_gap"])) if len(hotspots) else 0)
d.metric("Liaison assistants (women)", f"{int(bases['cla'].sum())} ({int(bases['cla_female'].sum())})" if len(bases) else "0")

fmap = maps.situation_map(sites=sites, presence=bases, basemap=common.basemap(), asset_base_url=common.asset_base(),
                          hotspots=hotspots, reach_km=cfg.reach_km, show_coverage=True, collapsed_control=True)
st_folium(fmap, key="presence_map", height=560, use_container_width=True, returned_objects=[])
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
if len(hotspots):
    st.dataframe(pd.DataFrame({
        "Rank": hotspots["rank"].to_numpy(), "Place": hotspots["place"].astype(str).to_numpy(),
        "Score": hotspots["score"].to_numpy(), "Flag": ["⚑ flagged" if v else "" for v in hotspots["flagged"]],
        **{vocab.COMPONENTS[c]: ["✓" if p.get(c) else "—" for p in hotspots["presence"]] for c in vocab.COMPONENTS},
        "Last dismounted (days)": pd.to_numeric(hotspots["last_dismounted_days"], errors="coerce").round(0).to_numpy(),
        "Engagements (14 d)": hotspots["engagements"].to_numpy()}),
        hide_index=True, width="stretch", height=240)
else:
    st.caption("No hotspot under these filters.")

st.markdown("**IDP site watch** (armed activity nearby, sites missing a component first)")
watched = watch(flt.scoring_alerts(data["alerts"], f), sites, data["presence"], as_of=f.as_of).sites
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
