"""Hotspots: the ranked list and, for the one selected, everything behind its score.

Thin page over :func:`ewarning.hotspots.score_hotspots` (cached per store
state and filters, see :func:`app_pages.common.load_hotspots`). Selecting a
row of the table (or a hotspot in the box, or clicking one on the situation
map) shows its alerts, a weekly time series against the place's own
baseline, the category mix, exposed sites, presence within reach and the
last patrols nearby.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import common
from ewarning import filters as flt
from ewarning import presence as presence_mod, sites as sites_mod, vocab
from ewarning.render import style
from ewarning.asof import as_of_words
from ewarning.geo import metric_crs
from ewarning.hotspots import HotspotConfig

SELECT_KEY = "hs_select"
TABLE_KEY = "hs_table"

f = common.current_filters()
data = common.layers()
hotspots, notes = common.hotspots(f)
cfg = HotspotConfig()
common.record_view("hotspots", f)

st.subheader("Hotspots")
st.caption(f"Scored {as_of_words(f.as_of)} on the alerts passing the filters "
           f"(recent window {cfg.window_days:g} days against each place's previous {cfg.baseline_days:g} days). "
           f"Flagged = score ≥ {cfg.flag_score:g} and a component missing. "
           "Listed: places rising (a rise that holds with every place tested at once) first, by score; then "
           "the most persistently active places that are not rising, by score. The Trend column says which.")
for note in notes:
    st.info(note)

if hotspots.empty:
    st.warning("No hotspot under these filters.")
    st.stop()

ids = hotspots["hotspot_id"].tolist()
table = pd.DataFrame({
    "Rank": hotspots["rank"].astype(int).to_numpy(),
    "Place": hotspots["place"].astype(str).to_numpy(),
    "Score": hotspots["score"].astype(float).to_numpy(),
    "Trend": hotspots["trend"].astype(str).to_numpy(),
    "Flag": ["⚑" if v else "" for v in hotspots["flagged"]],
    # short component names ("CLA" for liaison assistants) so the column is not cut on a laptop screen
    "Missing": [", ".join("CLA" if c == "cla" else common.component_labels([c]) for c in g) or "—"
                for g in hotspots["presence_gap"]],
    "Alerts": hotspots["n_alerts"].astype(int).to_numpy(),
    "People exposed": hotspots["exposed_population"].fillna(0).astype(int).to_numpy(),
    "Last dismounted (days)": pd.to_numeric(hotspots["last_dismounted_days"], errors="coerce").round(0).to_numpy(),
    "Id": ids,
})


def _from_table() -> None:
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows:
        st.session_state[SELECT_KEY] = ids[rows[0]]


focus = st.session_state.pop(common.FOCUS_KEY, None)
if focus in ids:
    st.session_state[SELECT_KEY] = focus
if st.session_state.get(SELECT_KEY) not in ids:
    st.session_state[SELECT_KEY] = ids[0]

st.dataframe(
    table, key=TABLE_KEY, on_select=_from_table, selection_mode="single-row", hide_index=True,
    width="stretch", height=min(36 + 35 * len(table), 300),
    # Widths chosen so every shown column fits a 1440-pixel screen beside the sidebar (nothing cut off);
    # the id is in the detail's header below.
    column_order=["Rank", "Place", "Score", "Trend", "Flag", "Missing", "Alerts", "People exposed",
                  "Last dismounted (days)"],
    column_config={
        "Rank": st.column_config.NumberColumn("#", width=36),
        "Place": st.column_config.TextColumn("Place", width=185),
        "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f", width=100),
        "Trend": st.column_config.TextColumn("Trend", width=150),
        "Flag": st.column_config.TextColumn("Flag", width=42, help="Flagged: score 50 or more, a component missing"),
        "Missing": st.column_config.TextColumn("Missing components", width=200),
        "Alerts": st.column_config.NumberColumn("Alerts", width=55),
        "People exposed": st.column_config.NumberColumn("Exposed", format="%d", width=70,
                                                        help="People in IDP sites nearby"),
        "Last dismounted (days)": st.column_config.NumberColumn("Dismounted", width=85,
                                                                help="Days since the last dismounted patrol nearby"),
    })

labels = {r.hotspot_id: f"#{r.rank} {r.place} · score {r.score:.1f}" + (" · FLAGGED" if r.flagged else "")
          for r in hotspots.itertuples()}
chosen = st.selectbox("Hotspot", ids, format_func=labels.get, key=SELECT_KEY)
h = hotspots[hotspots["hotspot_id"] == chosen].iloc[0]
common.record_view("hotspot detail", f, chosen)

# -- headline and explanation --------------------------------------------------------
flag = (f' <span class="ew-flag">FLAGGED: no {common.text_html(common.component_labels(h["presence_gap"]))}</span>'
        if h["flagged"] else "")
common.html_block(
    f'<div class="ew-detail" data-hotspot="{common.text_html(chosen)}"><div class="ew-detail-h">#{int(h["rank"])} '
    f'{common.text_html(h["place"])} <span class="ew-score">score {float(h["score"]):.1f}</span> '
    f'<span class="ew-muted">{common.text_html(h["trend"])}, {int(h["n_alerts"])} alerts, '
    f'{common.text_html(chosen)}</span>{flag}</div>'
    f'<div class="ew-expl">{common.text_html(h["explanation"])}</div></div>')

# -- the alerts behind the score -----------------------------------------------------
alerts_all = flt.apply_alerts(common.shown_alerts(f, data), f, window=False)
in_hotspot = alerts_all[alerts_all["id"].isin(set(h["alert_ids"]))]
area = gpd.GeoSeries([h.geometry], crs="EPSG:4326")
crs = metric_crs(gpd.GeoDataFrame(geometry=area))
area_m = area.to_crs(crs).iloc[0]

# weekly counts in the area over the baseline and the recent window
start = f.as_of - pd.Timedelta(days=cfg.window_days + cfg.baseline_days)
history = alerts_all[(alerts_all["reported_at"] >= start)]
history = history[flt.in_area(history, h.geometry)]
weeks = pd.date_range(end=f.as_of, periods=int((cfg.window_days + cfg.baseline_days) // 7) + 1, freq="7D")
counts = pd.cut(history["reported_at"], bins=weeks, right=False).value_counts(sort=False)
weekly = pd.DataFrame({"week": weeks[:-1], "alerts": counts.to_numpy()})
recent_start = f.as_of - pd.Timedelta(days=cfg.window_days)
base = weekly[weekly["week"] + pd.Timedelta(days=7) <= recent_start]
baseline = float(base["alerts"].mean()) if len(base) else 0.0

left, right = st.columns([3, 2])
with left:
    fig = go.Figure()
    fig.add_vrect(x0=recent_start, x1=f.as_of, fillcolor=style.SCORE_RAMP[1], opacity=0.35, line_width=0)
    fig.add_trace(go.Bar(x=weekly["week"], y=weekly["alerts"], name="alerts per week",
                         marker_color=style.SCORE_RAMP[4]))
    fig.add_trace(go.Scatter(x=[weekly["week"].min(), f.as_of], y=[baseline, baseline], mode="lines",
                             name=f"baseline ({baseline:.1f}/week)", line={"color": "#30363d", "dash": "dash"}))
    fig.update_layout(title=f"Alerts per week in the area (shaded: last {cfg.window_days:g} days)", height=300,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2},
                      font={"family": style.FONT_FAMILY})
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key="hs_series")
with right:
    mix = in_hotspot["category"].value_counts()
    fig2 = go.Figure(go.Bar(x=mix.to_numpy(), y=[vocab.CATEGORIES.get(c, c) for c in mix.index], orientation="h",
                            marker_color=[style.category_colour(c) for c in mix.index]))
    fig2.update_layout(title="Category mix (last 60 days)", height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                       yaxis={"autorange": "reversed"}, font={"family": style.FONT_FAMILY})
    st.plotly_chart(fig2, width="stretch", config={"displaylogo": False}, key="hs_mix")


def _near(frame: gpd.GeoDataFrame, km: float) -> gpd.GeoDataFrame:
    if frame is None or frame.empty:
        return frame
    dist = frame.to_crs(crs).distance(area_m) / 1000.0
    return frame.assign(km=dist.round(1))[dist <= km].sort_values("km")


sites = _near(sites_mod.open_on(data["sites"], f.as_of), cfg.exposure_km)
bases = _near(presence_mod.on(data["presence"], f.as_of), max(cfg.reach_km.values()))
patrols = data["patrols"][data["patrols"]["start"] < f.as_of]
patrols = _near(patrols, cfg.patrol_km)

c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**IDP sites within {cfg.exposure_km:g} km** ({len(sites)})")
    st.dataframe(pd.DataFrame({
        "Site": sites["name"].astype(str).to_numpy(), "Kind": sites["kind"].map(vocab.SITE_KINDS).to_numpy(),
        "Population": sites["population"].to_numpy(), "km": sites["km"].to_numpy()}),
        hide_index=True, width="stretch", height=180)
    st.markdown(f"**Presence within reach** ({len(bases)} bases)")
    comp = presence_mod.components(bases) if len(bases) else pd.DataFrame(columns=list(vocab.COMPONENTS))
    reach = {c: bases["km"] <= cfg.reach_km[c] for c in vocab.COMPONENTS} if len(bases) else {}
    st.dataframe(pd.DataFrame({
        "Base": bases["name"].astype(str).to_numpy(), "Kind": bases["kind"].map(vocab.BASE_KINDS).to_numpy(),
        "km": bases["km"].to_numpy(),
        **{vocab.COMPONENTS[c]: ["✓" if (p and r) else ("out of reach" if p else "—")
                                 for p, r in zip(comp[c], reach[c])] if len(bases) else []
           for c in vocab.COMPONENTS}}), hide_index=True, width="stretch", height=180)
with c2:
    st.markdown(f"**Last patrols within {cfg.patrol_km:g} km** ({len(patrols)})")
    last = patrols.sort_values("start", ascending=False).head(20)
    st.dataframe(pd.DataFrame({
        "Start": last["start"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(), "Unit": last["unit"].astype(str).to_numpy(),
        "Type": last["type"].map(vocab.PATROL_TYPES).to_numpy(),
        "Component": last["component"].map(vocab.PATROL_COMPONENTS).to_numpy(),
        "Engagements": last["engagements"].to_numpy(), "CLA": last["cla_present"].to_numpy(),
        "FET": last["female_engagement_team"].to_numpy(), "km": last["km"].to_numpy()}),
        hide_index=True, width="stretch", height=180)
    st.markdown(f"**Alerts behind the score** ({len(in_hotspot)})")
    shown = in_hotspot.sort_values("reported_at", ascending=False)
    st.dataframe(pd.DataFrame({
        "Reported": shown["reported_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
        "Category": shown["category"].map(vocab.CATEGORIES).to_numpy(), "Sev.": shown["severity"].to_numpy(),
        "Status": shown["verification"].map(vocab.VERIFICATION).to_numpy(),
        "Channel": shown["channel"].map(vocab.CHANNELS).to_numpy(), "Text": shown["text"].astype(str).to_numpy(),
        "Id": shown["id"].to_numpy()}), hide_index=True, width="stretch", height=180)
