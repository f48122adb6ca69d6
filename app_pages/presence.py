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
t = common.translator()
f = common.current_filters()
p = common.picture(f)
pp = views.presence_picture(p)
bases, sites, hotspots, cfg = pp.bases, pp.sites, p.hotspots, p.config
common.record_view("presence and coverage", f)

st.subheader(t("Presence & coverage"))
counts = pp.counts
multi = pp.multidimensional
a, b, c, d = st.columns(4)
a.metric(t("Bases on the as-of day"), t.number(counts["bases"]))
b.metric(t("Multidimensional bases"), t.number(counts["multidimensional"]))
c.metric(t("Hotspots without full presence"), t.number(counts["hotspots without full presence"]))
d.metric(t("Liaison assistants (women)"),
         f"{t.number(counts['liaison assistants'])} ({t.number(counts['liaison assistants (women)'])})")

fmap = maps.situation_map(sites=sites, presence=bases, basemap=common.basemap(), asset_base_url=common.asset_base(),
                          hotspots=hotspots, reach_km=cfg.reach_km, show_coverage=True, collapsed_control=True, t=t)
map_component.show(map_component.fixed_args(fmap), key="presence_map", height=560, returned_objects=())
reach = [t("{component} {km} km", component=t.term(vocab.COMPONENTS, c).lower(), km=t.number(km))
         for c, km in cfg.reach_km.items()]
st.caption(t("Rings: how far each component of each base reaches ({reach}); toggle them in the layer control "
             "(top right).", reach=", ".join(reach)))
st.markdown("**" + t("Bases on the as-of day") + "**")
st.dataframe(pd.DataFrame({
    t("Base"): bases["name"].astype(str).to_numpy(), t("Kind"): [t.term(vocab.BASE_KINDS, k) for k in bases["kind"]],
    **{t.term(vocab.COMPONENTS, c): bases[c].to_numpy() for c in vocab.COMPONENTS},
    t("CLA women"): bases["cla_female"].to_numpy(),
    t("Multidimensional"): [t("yes") if m else t("NO") for m in multi],
    t("Since"): bases["start"].dt.strftime("%Y-%m-%d").to_numpy()}),
    hide_index=True, width="stretch", height=300)

st.markdown("**" + t("Presence around each hotspot") + "**")
around = pp.hotspot_presence()
if len(around):
    st.dataframe(pd.DataFrame({
        t("Rank"): around["rank"].to_numpy(), t("Place"): around["place"].to_numpy(),
        t("Score"): around["score"].to_numpy(),
        t("Flag"): ["⚑ " + t("flagged") if v else "" for v in around["flagged"]],
        **{t.term(vocab.COMPONENTS, c): ["✓" if v else "—" for v in around[c]] for c in vocab.COMPONENTS},
        t("Last dismounted (days)"): [t("none") if pd.isna(days) else t.number(round(float(days)), 0)
                                      for days in around["last_dismounted_days"]],
        t("Engagements (14 d)"): around["engagements"].to_numpy()}),
        hide_index=True, width="stretch", height=240)
else:
    st.caption(t("No hotspot under these filters."))

st.markdown(t("**IDP site watch** (armed activity nearby, sites missing a component first)"))
watched = views.site_watch(p).sites
if len(watched):
    risk = t("Risk")
    st.dataframe(pd.DataFrame({
        t("Rank"): watched["rank"].to_numpy(), t("Site"): watched["name"].astype(str).to_numpy(),
        t("Population"): watched["population"].to_numpy(), risk: watched["risk"].to_numpy(),
        t("Missing"): [common.component_labels(g, t) or "—" for g in watched["presence_gap"]],
        t("Alerts nearby"): watched["nearby_alerts"].to_numpy(),
        t("Explanation"): [views.explanation_in(row, t) for _, row in watched.iterrows()]}),
        hide_index=True, width="stretch", height=260,
        column_config={risk: st.column_config.ProgressColumn(risk, min_value=0, max_value=100, format="%.1f")})
else:
    st.caption(t("No open IDP site under these filters."))
