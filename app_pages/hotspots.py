"""Hotspots: the ranked list and, for the one selected, everything behind its score.

Thin page over :func:`ewarning.views.hotspot_list` and
:func:`ewarning.views.dossier` (one picture per store state, filters and
user, shared with the situation map). Selecting a row of the table (or a
hotspot in the box, or clicking one on the situation map) shows its reports,
a weekly chart of the reports the score counted against its baseline, the
category mix, exposed sites, presence within reach and the last patrols nearby.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import common
from ewarning import views, vocab
from ewarning.forecast import amount_words
from ewarning.render import style

SELECT_KEY = "hs_select"
TABLE_KEY = "hs_table"

user = common.require_page("view_desk")
f = common.current_filters()
p = common.picture(f)
listed = views.hotspot_list(p)
common.record_view("hotspots", f)

st.subheader("Hotspots")
st.caption(listed.caption)
hint = common.hindsight_hint(p)
for note in p.notes + ([hint] if hint else []):
    st.info(note)

rows = listed.table
if rows.empty:
    st.warning("No hotspot under these filters.")
    st.stop()

ids = rows["hotspot_id"].tolist()
table = pd.DataFrame({
    "Rank": rows["rank"].to_numpy(), "Place": rows["place"].to_numpy(), "Score": rows["score"].to_numpy(),
    "Trend": rows["trend"].to_numpy(), "Flag": ["⚑" if v else "" for v in rows["flagged"]],
    # short component names ("CLA" for liaison assistants) so the column is not cut on a laptop screen
    "Missing": [("all four" if len(g) == 4 else ", ".join("CLA" if c == "cla" else common.component_labels([c])
                                                             for c in g)) or "—" for g in rows["missing"]],
    "Alerts": rows["n_alerts"].to_numpy(), "Killed": rows["killed"].to_numpy(),
    "People exposed": rows["exposed"].to_numpy(),
    # the figure of the explanation's expected-events sentence, from the same picture (never recomputed here)
    "Expected serious (14 d)": [amount_words(v) if v == v else "—" for v in rows["expected"]],
    "Last dismounted (days)": [
        "none" if pd.isna(days) else f"{days:.0f}" for days in rows["last_dismounted_days"]],
    "Id": ids,
})


def _from_table() -> None:
    chosen_rows = st.session_state[TABLE_KEY].selection.rows
    if chosen_rows:
        st.session_state[SELECT_KEY] = ids[chosen_rows[0]]


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
    column_order=["Rank", "Place", "Score", "Trend", "Flag", "Missing", "Alerts", "Killed", "People exposed",
                  "Last dismounted (days)"],
    column_config={
        "Rank": st.column_config.NumberColumn("#", width=36),
        "Place": st.column_config.TextColumn("Place", width=178),
        "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f", width=95),
        "Trend": st.column_config.TextColumn("Trend", width=145),
        "Flag": st.column_config.TextColumn("Flag", width=40, help="Flagged: score 50 or more, a component missing"),
        "Missing": st.column_config.TextColumn("Missing components", width=175,
                                               help="All four: no military, police, civilian staff or CLA"),
        "Alerts": st.column_config.NumberColumn("Alerts", width=52),
        "Killed": st.column_config.NumberColumn("Killed", width=52,
                                                help="Each incident counted once (its largest report)"),
        "People exposed": st.column_config.NumberColumn("Exposed", format="%d", width=68,
                                                        help="People in IDP sites nearby"),
        "Last dismounted (days)": st.column_config.TextColumn(
            "Dismounted", width=82, help="Days since the last dismounted patrol nearby ('none': none recorded)"),
    })

labels = {r.hotspot_id: f"#{r.rank} {r.place} · score {r.score:.1f}" + (" · FLAGGED" if r.flagged else "")
          for r in rows.itertuples()}
chosen = st.selectbox("Hotspot", ids, format_func=labels.get, key=SELECT_KEY)
d = views.dossier(p, chosen)
h = d.hotspot
common.record_view("hotspot detail", f, chosen)

# -- headline and explanation --------------------------------------------------------
flag = (f' <span class="ew-flag">FLAGGED: no {common.text_html(common.component_labels(d.missing))}</span>'
        if h["flagged"] else "")
common.html_block(
    f'<div class="ew-detail" data-hotspot="{common.text_html(chosen)}"><div class="ew-detail-h">#{int(h["rank"])} '
    f'{common.text_html(h["place"])} <span class="ew-score">score {float(h["score"]):.1f}</span> '
    f'<span class="ew-muted" data-alerts="{d.n_alerts}" data-killed="{d.killed}">{common.text_html(h["trend"])}, '
    f'{d.n_alerts} alerts, {d.killed} killed, {common.text_html(chosen)}</span>{flag}</div>'
    f'<div class="ew-expl">{common.text_html(h["explanation"])}</div></div>')

# -- the reports behind the score ----------------------------------------------------
cfg = p.config
weekly = d.weekly
left, right = st.columns([3, 2])
with left:
    fig = go.Figure()
    fig.add_vrect(x0=p.as_of - pd.Timedelta(days=cfg.window_days), x1=p.as_of, fillcolor=style.SCORE_RAMP[1],
                  opacity=0.25, line_width=0)
    # One trace per period, plain lists (the counts travel as they are): the window's bars add up to the
    # header's alert count. Bars are reports per week; a bin cut short at the window's start is narrower.
    for recent, name, colour in ((False, f"previous {d.baseline_days_whole} days", style.SCORE_RAMP[2]),
                                 (True, f"last {cfg.window_days:g} days (scored)", style.SCORE_RAMP[4])):
        part = weekly[weekly["recent"] == recent]
        fig.add_trace(go.Bar(
            x=(part["start"] + (part["end"] - part["start"]) / 2).tolist(), y=part["per_week"].round(2).tolist(),
            width=((part["end"] - part["start"]).dt.total_seconds() * 1000 * 0.9).tolist(),
            customdata=part["alerts"].astype(int).tolist(), meta={"recent": recent},
            hovertemplate="%{customdata} report(s), %{y:.1f} per week<extra></extra>", name=name,
            marker_color=colour))
    if len(weekly):
        fig.add_trace(go.Scatter(x=[weekly["start"].min(), p.as_of], y=[d.baseline_per_week] * 2, mode="lines",
                                 name=f"baseline ({d.baseline_per_week:.1f}/week)",
                                 line={"color": "#30363d", "dash": "dash"}))
    fig.update_layout(title={"text": d.chart_title, "font": {"size": 13}}, height=300,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2},
                      font={"family": style.FONT_FAMILY})
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key="hs_series")
with right:
    mix = d.categories
    fig2 = go.Figure(go.Bar(x=mix.to_numpy(), y=[vocab.CATEGORIES.get(c, c) for c in mix.index], orientation="h",
                            marker_color=[style.category_colour(c) for c in mix.index]))
    fig2.update_layout(title=f"Category mix (the {d.n_alerts} reports scored)", height=300,
                       margin={"l": 10, "r": 10, "t": 40, "b": 10}, yaxis={"autorange": "reversed"},
                       font={"family": style.FONT_FAMILY})
    st.plotly_chart(fig2, width="stretch", config={"displaylogo": False}, key="hs_mix")

# Full-width tables, the reports first: side by side, a 1440-pixel screen cut their columns.
sites, bases, patrols, shown = d.sites, d.bases, d.patrols, d.alerts
hidden = f"; {d.hidden_duplicates} linked duplicate(s) hidden" if d.hidden_duplicates else ""
st.markdown(f"**Alerts behind the score** ({len(shown)}{hidden})")
st.dataframe(pd.DataFrame({
    "Reported": shown["reported_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    "Category": shown["category"].map(vocab.CATEGORIES).to_numpy(), "Sev.": shown["severity"].to_numpy(),
    "Status": shown["verification"].map(vocab.VERIFICATION).to_numpy(),
    "Channel": shown["channel"].map(vocab.CHANNELS).to_numpy(), "Text": shown["text"].astype(str).to_numpy(),
    "Id": shown["id"].to_numpy()}), hide_index=True, width="stretch", height=210,
    column_config={"Reported": st.column_config.TextColumn("Reported", width=118),
                   "Category": st.column_config.TextColumn("Category", width=130),
                   "Sev.": st.column_config.NumberColumn("Sev.", width=40),
                   "Status": st.column_config.TextColumn("Status", width=90),
                   "Channel": st.column_config.TextColumn("Channel", width=120),
                   "Text": st.column_config.TextColumn("Text", width=340),
                   "Id": st.column_config.TextColumn("Id", width=100)})
st.markdown(f"**Presence within reach** ({len(bases)} base{'' if len(bases) == 1 else 's'})")
st.dataframe(pd.DataFrame({
    "Base": bases["name"].astype(str).to_numpy(), "Kind": bases["kind"].map(vocab.BASE_KINDS).to_numpy(),
    "km": bases["km"].to_numpy(),
    **{("CLA" if c == "cla" else vocab.COMPONENTS[c]): d.reach[c].to_numpy() for c in vocab.COMPONENTS}}),
    hide_index=True, width="stretch", height=180)
c1, c2 = st.columns([2, 3])
with c1:
    st.markdown(f"**IDP sites within {cfg.exposure_km:g} km** ({len(sites)})")
    st.dataframe(pd.DataFrame({
        "Site": sites["name"].astype(str).to_numpy(), "Kind": sites["kind"].map(vocab.SITE_KINDS).to_numpy(),
        "Population": sites["population"].to_numpy(), "km": sites["km"].to_numpy()}),
        hide_index=True, width="stretch", height=180,
        column_config={"Site": st.column_config.TextColumn("Site", width=150),
                       "Kind": st.column_config.TextColumn("Kind", width=90),
                       "Population": st.column_config.NumberColumn("Population", width=80),
                       "km": st.column_config.NumberColumn("km", width=45)})
with c2:
    st.markdown(f"**Last patrols within {cfg.patrol_km:g} km** ({len(patrols)})")
    last = patrols.head(20)
    st.dataframe(pd.DataFrame({
        "Start": last["start"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(), "Unit": last["unit"].astype(str).to_numpy(),
        "Type": last["type"].map(vocab.PATROL_TYPES).to_numpy(),
        "Component": last["component"].map(vocab.PATROL_COMPONENTS).to_numpy(),
        "Engagements": last["engagements"].to_numpy(), "CLA": last["cla_present"].to_numpy(),
        "FET": last["female_engagement_team"].to_numpy(), "km": last["km"].to_numpy()}),
        hide_index=True, width="stretch", height=180,
        column_config={"Start": st.column_config.TextColumn("Start", width=112),
                       "Unit": st.column_config.TextColumn("Unit", width=95),
                       "Type": st.column_config.TextColumn("Type", width=80),
                       "Component": st.column_config.TextColumn("Comp.", width=70),
                       "Engagements": st.column_config.NumberColumn("Eng.", width=40,
                                                                    help="Engagements with the community"),
                       "CLA": st.column_config.CheckboxColumn("CLA", width=40),
                       "FET": st.column_config.CheckboxColumn("FET", width=40, help="Female engagement team"),
                       "km": st.column_config.NumberColumn("km", width=45)})
