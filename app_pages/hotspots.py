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
t = common.translator()
f = common.current_filters()
p = common.picture(f)
listed = views.hotspot_list(p)
common.record_view("hotspots", f)


def _caption() -> str:
    """How the list is scored and ordered (:attr:`ewarning.views.HotspotList.caption`), in the analyst's words."""
    cfg = p.config
    return t("Scored {as_of} on the alerts passing the filters, with {triage} (recent window {window} days against "
             "each place's previous {baseline} days, or its whole history when shorter). Flagged = score ≥ {flag} "
             "and a component missing. Listed: places rising (a rise that holds with every place tested at once) "
             "first, by score; then the most persistently active places that are not rising, by score. The Trend "
             "column says which.", as_of=common.as_of_words(p.as_of, t), triage=common.triage_words(p, t),
             window=t.number(cfg.window_days), baseline=t.number(cfg.baseline_days), flag=t.number(cfg.flag_score))


st.subheader(t("Hotspots"))
st.caption(_caption())
hint = common.hindsight_hint(p, t)
for note in common.notes_in(p, t) + ([hint] if hint else []):
    st.info(note)

rows = listed.table
if rows.empty:
    st.warning(t("No hotspot under these filters."))
    st.stop()


def _missing(gap) -> str:
    # short component names ("CLA" for liaison assistants) so the column is not cut on a laptop screen
    if len(gap) == 4:
        return t("all four")
    return ", ".join(t("CLA") if c == "cla" else common.component_labels([c], t) for c in gap) or "—"


def _days(days) -> str:
    return t("none") if pd.isna(days) else t.number(round(float(days)), 0)


# The table's columns, in the analyst's language (the keys the column settings below name).
C = {"rank": t("Rank"), "place": t("Place"), "score": t("Score"), "trend": t("Trend"), "flag": t("Flag"),
     "missing": t("Missing"), "alerts": t("Alerts"), "killed": t("Killed"), "exposed": t("People exposed"),
     "expected": t("Expected serious (14 d)"), "dismounted": t("Last dismounted (days)"), "id": t("Id")}
ids = rows["hotspot_id"].tolist()
table = pd.DataFrame({
    C["rank"]: rows["rank"].to_numpy(), C["place"]: rows["place"].to_numpy(), C["score"]: rows["score"].to_numpy(),
    C["trend"]: [common.trend_in(v, t) for v in rows["trend"]], C["flag"]: ["⚑" if v else "" for v in rows["flagged"]],
    C["missing"]: [_missing(g) for g in rows["missing"]],
    C["alerts"]: rows["n_alerts"].to_numpy(), C["killed"]: rows["killed"].to_numpy(),
    C["exposed"]: rows["exposed"].to_numpy(),
    # the figure of the explanation's expected-events sentence, from the same picture (never recomputed here)
    C["expected"]: [amount_words(v) if v == v else "—" for v in rows["expected"]],
    C["dismounted"]: [_days(days) for days in rows["last_dismounted_days"]],
    C["id"]: ids,
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
    column_order=[C[k] for k in ("rank", "place", "score", "trend", "flag", "missing", "alerts", "killed", "exposed",
                                 "dismounted")],
    column_config={
        C["rank"]: st.column_config.NumberColumn("#", width=36),
        C["place"]: st.column_config.TextColumn(C["place"], width=178),
        C["score"]: st.column_config.ProgressColumn(C["score"], min_value=0, max_value=100, format="%.1f", width=95),
        C["trend"]: st.column_config.TextColumn(C["trend"], width=145),
        C["flag"]: st.column_config.TextColumn(C["flag"], width=40,
                                               help=t("Flagged: score 50 or more, a component missing")),
        C["missing"]: st.column_config.TextColumn(t("Missing components"), width=175,
                                                  help=t("All four: no military, police, civilian staff or CLA")),
        C["alerts"]: st.column_config.NumberColumn(C["alerts"], width=52),
        C["killed"]: st.column_config.NumberColumn(C["killed"], width=52,
                                                   help=t("Each incident counted once (its largest report)")),
        C["exposed"]: st.column_config.NumberColumn(t("Exposed"), format="%d", width=68,
                                                    help=t("People in IDP sites nearby")),
        C["dismounted"]: st.column_config.TextColumn(
            t("Dismounted"), width=82,
            help=t("Days since the last dismounted patrol nearby ('none': none recorded)")),
    })

labels = {r.hotspot_id: t("#{rank} {place} · score {score}", rank=r.rank, place=r.place, score=t.number(r.score, 1))
          + (" · " + t("FLAGGED") if r.flagged else "") for r in rows.itertuples()}
chosen = st.selectbox(t("Hotspot"), ids, format_func=labels.get, key=SELECT_KEY)
d = views.dossier(p, chosen)
h = d.hotspot
common.record_view("hotspot detail", f, chosen)

# -- headline and explanation --------------------------------------------------------
flag = (' <span class="ew-flag">'
        + common.text_html(t("FLAGGED: no {components}", components=common.component_labels(d.missing, t)))
        + "</span>" if h["flagged"] else "")
common.html_block(
    f'<div class="ew-detail" data-hotspot="{common.text_html(chosen)}"><div class="ew-detail-h">#{int(h["rank"])} '
    f'{common.text_html(h["place"])} '
    f'<span class="ew-score">{common.text_html(t("score {score}", score=t.number(float(h["score"]), 1)))}</span> '
    f'<span class="ew-muted" data-alerts="{d.n_alerts}" data-killed="{d.killed}">'
    + common.text_html(t("{trend}, {n} alerts, {killed} killed, {id}", trend=common.trend_in(h["trend"], t),
                         n=t.number(d.n_alerts), killed=t.number(d.killed), id=chosen))
    + f'</span>{flag}</div>'
    f'<div class="ew-expl">{common.text_html(views.explanation_in(h, t))}</div></div>')

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
    for recent, name, colour in (
            (False, t("previous {n} days", n=t.number(d.baseline_days_whole)), style.SCORE_RAMP[2]),
            (True, t("last {n} days (scored)", n=t.number(cfg.window_days)), style.SCORE_RAMP[4])):
        part = weekly[weekly["recent"] == recent]
        fig.add_trace(go.Bar(
            x=(part["start"] + (part["end"] - part["start"]) / 2).tolist(), y=part["per_week"].round(2).tolist(),
            width=((part["end"] - part["start"]).dt.total_seconds() * 1000 * 0.9).tolist(),
            customdata=part["alerts"].astype(int).tolist(), meta={"recent": recent},
            # plotly's own placeholders, kept whole in both languages
            hovertemplate=t("%{customdata} report(s), %{y:.1f} per week") + "<extra></extra>", name=name,
            marker_color=colour))
    if len(weekly):
        fig.add_trace(go.Scatter(x=[weekly["start"].min(), p.as_of], y=[d.baseline_per_week] * 2, mode="lines",
                                 name=t("baseline ({n}/week)", n=t.number(d.baseline_per_week, 1)),
                                 line={"color": "#30363d", "dash": "dash"}))
    chart_title = t("Reports per week: last {window} days ({n}, shaded) against the previous {baseline} days",
                    window=t.number(cfg.window_days), n=t.number(d.n_alerts),
                    baseline=t.number(d.baseline_days_whole))
    fig.update_layout(title={"text": chart_title, "font": {"size": 13}}, height=300,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2},
                      font={"family": style.FONT_FAMILY}, separators=t.number(1.5, 1)[1] + t.number(1000)[1])
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key="hs_series")
with right:
    mix = d.categories
    fig2 = go.Figure(go.Bar(x=mix.to_numpy(), y=[t.term(vocab.CATEGORIES, c) for c in mix.index], orientation="h",
                            marker_color=[style.category_colour(c) for c in mix.index]))
    fig2.update_layout(title=t("Category mix (the {n} reports scored)", n=t.number(d.n_alerts)), height=300,
                       margin={"l": 10, "r": 10, "t": 40, "b": 10}, yaxis={"autorange": "reversed"},
                       font={"family": style.FONT_FAMILY})
    st.plotly_chart(fig2, width="stretch", config={"displaylogo": False}, key="hs_mix")

# Full-width tables, the reports first: side by side, a 1440-pixel screen cut their columns.
sites, bases, patrols, shown = d.sites, d.bases, d.patrols, d.alerts
counted = (t("{n}; {hidden} linked duplicate(s) hidden", n=t.number(len(shown)), hidden=t.number(d.hidden_duplicates))
           if d.hidden_duplicates else t.number(len(shown)))
st.markdown(t("**Alerts behind the score** ({counted})", counted=counted))
A = {"reported": t("Reported"), "category": t("Category"), "sev": t("Sev."), "status": t("Status"),
     "channel": t("Channel"), "text": t("Text"), "id": t("Id")}
st.dataframe(pd.DataFrame({
    A["reported"]: shown["reported_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    A["category"]: [t.term(vocab.CATEGORIES, c) for c in shown["category"]], A["sev"]: shown["severity"].to_numpy(),
    A["status"]: [t.term(vocab.VERIFICATION, c) for c in shown["verification"]],
    A["channel"]: [t.term(vocab.CHANNELS, c) for c in shown["channel"]], A["text"]: shown["text"].astype(str).to_numpy(),
    A["id"]: shown["id"].to_numpy()}), hide_index=True, width="stretch", height=210,
    column_config={A["reported"]: st.column_config.TextColumn(A["reported"], width=118),
                   A["category"]: st.column_config.TextColumn(A["category"], width=130),
                   A["sev"]: st.column_config.NumberColumn(A["sev"], width=40),
                   A["status"]: st.column_config.TextColumn(A["status"], width=90),
                   A["channel"]: st.column_config.TextColumn(A["channel"], width=120),
                   A["text"]: st.column_config.TextColumn(A["text"], width=340),
                   A["id"]: st.column_config.TextColumn(A["id"], width=100)})
REACH = {"✓": "✓", "—": "—", "out of reach": t("out of reach")}   # dossier.reach's marks (ewarning.views.Dossier)
st.markdown(t("**Presence within reach** ({n} base)", n=t.number(len(bases))) if len(bases) == 1 else
            t("**Presence within reach** ({n} bases)", n=t.number(len(bases))))
st.dataframe(pd.DataFrame({
    t("Base"): bases["name"].astype(str).to_numpy(), t("Kind"): [t.term(vocab.BASE_KINDS, k) for k in bases["kind"]],
    "km": bases["km"].to_numpy(),
    **{(t("CLA") if c == "cla" else t.term(vocab.COMPONENTS, c)): [REACH.get(v, v) for v in d.reach[c]]
       for c in vocab.COMPONENTS}}),
    hide_index=True, width="stretch", height=180)
c1, c2 = st.columns([2, 3])
with c1:
    st.markdown(t("**IDP sites within {km} km** ({n})", km=t.number(cfg.exposure_km), n=t.number(len(sites))))
    S = {"site": t("Site"), "kind": t("Kind"), "population": t("Population")}
    st.dataframe(pd.DataFrame({
        S["site"]: sites["name"].astype(str).to_numpy(), S["kind"]: [t.term(vocab.SITE_KINDS, k) for k in sites["kind"]],
        S["population"]: sites["population"].to_numpy(), "km": sites["km"].to_numpy()}),
        hide_index=True, width="stretch", height=180,
        column_config={S["site"]: st.column_config.TextColumn(S["site"], width=150),
                       S["kind"]: st.column_config.TextColumn(S["kind"], width=90),
                       S["population"]: st.column_config.NumberColumn(S["population"], width=80),
                       "km": st.column_config.NumberColumn("km", width=45)})
with c2:
    st.markdown(t("**Last patrols within {km} km** ({n})", km=t.number(cfg.patrol_km), n=t.number(len(patrols))))
    last = patrols.head(20)
    P = {"start": t("Start"), "unit": t("Unit"), "type": t("Type"), "component": t("Component"),
         "engagements": t("Engagements"), "cla": t("CLA"), "fet": t("FET")}
    st.dataframe(pd.DataFrame({
        P["start"]: last["start"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(), P["unit"]: last["unit"].astype(str).to_numpy(),
        P["type"]: [t.term(vocab.PATROL_TYPES, k) for k in last["type"]],
        P["component"]: [t.term(vocab.PATROL_COMPONENTS, k) for k in last["component"]],
        P["engagements"]: last["engagements"].to_numpy(), P["cla"]: last["cla_present"].to_numpy(),
        P["fet"]: last["female_engagement_team"].to_numpy(), "km": last["km"].to_numpy()}),
        hide_index=True, width="stretch", height=180,
        column_config={P["start"]: st.column_config.TextColumn(P["start"], width=112),
                       P["unit"]: st.column_config.TextColumn(P["unit"], width=95),
                       P["type"]: st.column_config.TextColumn(P["type"], width=80),
                       P["component"]: st.column_config.TextColumn(t("Comp."), width=70),
                       P["engagements"]: st.column_config.NumberColumn(t("Eng."), width=40,
                                                                       help=t("Engagements with the community")),
                       P["cla"]: st.column_config.CheckboxColumn(P["cla"], width=40),
                       P["fet"]: st.column_config.CheckboxColumn(P["fet"], width=40, help=t("Female engagement team")),
                       "km": st.column_config.NumberColumn("km", width=45)})
