"""Replay: a past period day by day, only what was known on each day; trainee exercises with a reveal.

Thin page over :func:`ewarning.views.replay_picture` (triage as known then; a
trainee is refused any day after an exercise's decision point *by the view*,
and the refusal is audited) and :mod:`ewarning.training` (the scenario
library, exercises, the reveal). Pick a scenario of ``geodata/scenarios`` or
a period of the mission's store; move the day cursor with Previous / Next
(keys ← →), Play / Pause (space) at the chosen speed, or the slider; every
layer, table and score is as of the cursor. ``?day=YYYY-MM-DD`` in the
address opens the replay on that day (as of its end).

Exercise (trainees): at the decision point, mark the places to flag and the
action for each, submit, then reveal what happened next: hits, misses and
lead time of your picks against the engine's and the incidents, on a map and
in a table, saved for the debrief.

In the user's language (:mod:`ewarning.i18n`): the page's words, headers, counts and dates. The scenarios'
titles, descriptions and questions are the library's own text; the places offered in an exercise and the
result downloads (CSV, JSON) are in the training files' words, one schema for every office.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from app_pages import common, map_component
from ewarning import filters as flt
from ewarning import views, vocab
from ewarning.asof import as_of_day
from ewarning.auth import PermissionDenied
from ewarning.i18n import N_
from ewarning.training import exercises as ex
from ewarning.training import scenarios as sc
from ewarning.views.replay import as_of_in, day_in

DAY_KEY, PLAY_KEY, SPEED_KEY = "rp_day", "rp_playing", "rp_speed"
SOURCE_KEY, SCENARIO_KEY = "rp_source", "rp_scenario"
ANSWER_KEY, REVEAL_KEY = "rp_answer_given", "rp_reveal_result"
SPEEDS = {N_("slow, 3 s"): 3.0, N_("normal, 1.5 s"): 1.5, N_("fast, 0.8 s"): 0.8}   # seconds a day
STORE_SOURCE, LIBRARY_SOURCE = N_("A period of the mission's store"), N_("Scenario library")
#: The header's counts (:attr:`ewarning.views.Situation.counts`), in words.
COUNT_WORDS = {"alerts": N_("alerts"), "hotspots": N_("hotspots"), "flagged": N_("flagged"),
               "IDP sites": N_("IDP sites"), "bases": N_("bases"), "patrols": N_("patrols")}
PICKED_BY = {"trainee": N_("trainee"), "engine": N_("engine")}

user = common.require_page("replay")
t = common.translator()
trainer = user.can("replay_past_decision_point")


# -- cached loaders (shared by sessions: views never modify a layer) --------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=8)
def _engine(source_key: str, _layers: views.Layers, _towns):
    return views.replay_engine(_layers, flt.Filters(end=pd.Timestamp("2000-01-01", tz="UTC")), towns=_towns)


@st.cache_resource(show_spinner=False, max_entries=4)
def _fixed(source_key: str, base_url: str, basemap_key, locale: str, _layers: views.Layers) -> dict:
    from ewarning.i18n import Translator
    from ewarning.render import maps

    fixed, _ = maps.situation_map_parts(basemap=common.basemap(), asset_base_url=base_url, draw=False,
                                        fit=(_layers.alerts, _layers.sites, _layers.presence, _layers.patrols),
                                        t=Translator(locale))
    return map_component.fixed_args(fixed)


@st.cache_resource(show_spinner=False, max_entries=64)
def _live(source_key: str, day: str, role: str, base_url: str, locale: str, _sit: views.Situation) -> dict:
    from ewarning.hotspots import HotspotConfig
    from ewarning.i18n import Translator
    from ewarning.render import maps

    _, live = maps.situation_map_parts(alerts=_sit.alerts, sites=_sit.sites, presence=_sit.presence,
                                       patrols=_sit.patrols, hotspots=_sit.hotspots, asset_base_url=base_url,
                                       reach_km=HotspotConfig().reach_km, heat=True, fit=(), t=Translator(locale))
    return map_component.live_args(live)


# -- what is replayed -----------------------------------------------------------------------------------------
st.subheader(t("Replay"))
names = sc.list_scenarios()
left, right = st.columns([2, 3])
with left:
    # a trainee replays within an exercise only (the view refuses anything else): the library's scenarios
    source = st.radio(t("Replay"), [LIBRARY_SOURCE, STORE_SOURCE] if trainer else [LIBRARY_SOURCE], format_func=t,
                      key=SOURCE_KEY, horizontal=True)
scenario = exercise = None
if source == LIBRARY_SOURCE:
    if not names:
        st.warning(t("The scenario library (geodata/scenarios) is empty."))
        st.stop()
    titles = {n: sc.load_scenario(n).title for n in names}
    with right:
        name = st.selectbox(t("Scenario"), names, format_func=lambda n: titles[n], key=SCENARIO_KEY)
    scenario = sc.load_scenario(name)
    layers = common.scenario_layers(scenario)
    source_key = f"scenario:{name}"
    period = scenario.period
    saved = ex.load_exercise(scenario.exercise().exercise_id)
    exercise = saved or scenario.exercise()
else:
    location, token = common.store_and_token()
    layers = common.load_layers(location, token)
    source_key = f"store:{location}:{token}"
    span = views.replay.data_span(layers)
    if span is None:
        st.warning(t("The store holds no report to replay."))
        st.stop()
    first, last = as_of_day(span[0].normalize() + pd.Timedelta(days=1)), as_of_day(span[1].normalize()
                                                                                  + pd.Timedelta(days=1))
    with right:
        chosen = st.date_input(t("Period (end of day, UTC)"), value=(max(first, last - dt.timedelta(days=60)), last),
                               min_value=first, max_value=last, key="rp_period")
    if not isinstance(chosen, (tuple, list)) or len(chosen) != 2:
        st.info(t("Pick the period's first and last day."))
        st.stop()
    period = (flt.end_of_day(chosen[0]), flt.end_of_day(chosen[1]))

towns = (common.basemap() or {}).get("towns")
days = views.replay_days(layers, period)
if not days:
    st.warning(t("This period holds no report: nothing to replay."))
    st.stop()
# A trainee's cursor stops at the decision point (the view refuses any later day whatever the widgets say).
limit = len(days) - 1
if exercise is not None and not trainer:
    allowed = [i for i, d in enumerate(days) if d <= exercise.decision_point]
    limit = allowed[-1] if allowed else 0

if scenario is not None:
    with st.expander(t("About this scenario · {parts}", parts=scenario.parts_words), expanded=False):
        common.html_block(
            f"<p>{common.text_html(scenario.description)}</p><p><b>" + common.text_html(t("Learning points"))
            + "</b></p><ul>"
            + "".join(f"<li>{common.text_html(p)}</li>" for p in scenario.learning_points)
            + f"</ul><p class='ew-muted'>{common.text_html(scenario.sources)}</p>")
    if trainer:
        with st.expander(t("Exercise (trainer): decision point and questions"), expanded=False):
            point = st.date_input(t("Decision point: the trainee sees up to the end of"),
                                  value=as_of_day(exercise.decision_point), min_value=as_of_day(days[0]),
                                  max_value=as_of_day(days[-1]), key="rp_ex_point")
            questions = st.text_area(t("Questions (one a line)"), "\n".join(exercise.questions), key="rp_ex_q")
            if st.button(t("Save the exercise"), key="rp_ex_save"):
                exercise = scenario.exercise(decision_point=flt.end_of_day(point),
                                             questions=[q.strip() for q in questions.splitlines() if q.strip()])
                ex.save_exercise(exercise, user)
                common.store().record("exercise set", f"{exercise.exercise_id}: {exercise.decision_words}",
                                      user=user.name)
                st.success(t("Saved: trainees stop {as_of}.", as_of=as_of_in(exercise.decision_point, t)))

# -- the cursor --------------------------------------------------------------------------------------------
def _index_of(day: pd.Timestamp) -> int:
    return min(range(len(days)), key=lambda i: abs(days[i] - day))


if st.session_state.get("rp_source_key") != source_key:   # a new source: start at its beginning
    st.session_state["rp_source_key"] = source_key
    st.session_state[DAY_KEY] = 0 if exercise is None or trainer else limit
    st.session_state[PLAY_KEY] = False
    st.session_state.pop(ANSWER_KEY, None)
    st.session_state.pop(REVEAL_KEY, None)
    wanted = st.query_params.get("day")
    if wanted:
        try:
            asked = flt.end_of_day(pd.Timestamp(wanted))
        except ValueError:
            asked = None
        if asked is not None:
            # asked past the decision point: the view refuses it below (recorded), the widgets do not hide it
            st.session_state["rp_asked"] = asked
            st.session_state[DAY_KEY] = _index_of(asked)
st.session_state[DAY_KEY] = max(0, min(int(st.session_state.get(DAY_KEY, 0)), len(days) - 1))
PLAYING = bool(st.session_state.get(PLAY_KEY))
SPEED = st.session_state.get(SPEED_KEY) or list(SPEEDS)[1]
POINT = limit if exercise is None else _index_of(exercise.decision_point)


def _step(delta: int) -> None:
    st.session_state.pop("rp_asked", None)
    st.session_state[DAY_KEY] = max(0, min(st.session_state[DAY_KEY] + delta, limit))


def _toggle() -> None:
    st.session_state[PLAY_KEY] = not st.session_state.get(PLAY_KEY)
    if st.session_state[PLAY_KEY] and st.session_state[DAY_KEY] >= limit:
        st.session_state[DAY_KEY] = 0


def _slid() -> None:
    st.session_state.pop("rp_asked", None)
    st.session_state[DAY_KEY] = min(days.index(st.session_state["rp_slider"]), limit)


# -- the exercise: answer, submit, reveal ----------------------------------------------------------------------
def _exercise(p) -> None:
    """The trainee's answer at the decision point, then the reveal (inside the replay's fragment, so a step of
    the cursor updates it too)."""
    if exercise is None:
        return
    at_point = p.as_of == days[POINT] and not PLAYING
    st.divider()
    st.markdown("**" + t("Exercise") + "** · " + common.text_html(t(
        "decision point {as_of} · incidents scored over the next {days} days, within {km} km of a pick",
        as_of=as_of_in(exercise.decision_point, t), days=t.number(exercise.horizon_days),
        km=t.number(exercise.tolerance_km))))
    for q in exercise.questions:
        common.html_block(f"<div class='ew-muted'>• {common.text_html(q)}</div>")
    answer = st.session_state.get(ANSWER_KEY)
    if answer is None:
        if not at_point:
            st.info(t("Move the cursor to the decision point (the last day you can reach) to answer."))
            return
        options = ex.candidates(p)
        labels = dict(zip(options["ref"], options["place"]))   # the training files' words (the answer keeps them)
        chosen = st.multiselect(t("Places to flag"), list(options["ref"]), format_func=lambda r: labels[r],
                                key="rp_picks", placeholder=t("choose hotspots, IDP sites or bases"))
        actions = {}
        for ref in chosen:
            actions[ref] = st.selectbox(t("Action for {place}", place=labels[ref]), list(ex.ACTIONS),
                                        format_func=lambda a: t(ex.ACTIONS[a]), key=f"rp_action_{ref}")
        if st.button(t("Submit my answer"), key="rp_submit", type="primary"):
            geom = dict(zip(options["ref"], options.geometry))
            answer = ex.Answer(exercise.exercise_id, user.name,
                               tuple(ex.Pick(labels[r], geom[r], actions[r], r) for r in chosen),
                               submitted_at=pd.Timestamp.now(tz="UTC"))
            st.session_state[ANSWER_KEY] = answer
            common.store().record("exercise answered", f"{exercise.exercise_id}: {len(chosen)} place(s) flagged",
                                  user=user.name)
            st.rerun()
        return

    st.success(t("Answer submitted: {n} place(s) flagged. It can no longer be changed.",
                 n=t.number(len(answer.picks))))
    result = st.session_state.get(REVEAL_KEY)
    if result is None:
        if st.button(t("Reveal what happened next"), key="rp_reveal", type="primary"):
            result = common.guarded(ex.reveal, exercise, answer, layers, user, towns=towns)
            ex.save_result(result, store=common.store())
            st.session_state[REVEAL_KEY] = result
            st.rerun()
        return

    mine, e = result.summary["trainee"], result.summary["engine"]
    lead = "—" if mine["lead_days_median"] is None else t.number(mine["lead_days_median"])
    common.html_block(
        '<div class="ew-counts ew-reveal">'
        + "".join(f'<span class="ew-count" data-score="{k}"><b>{common.text_html(v)}</b> '
                  f"{common.text_html(label)}</span>"
                  for k, v, label in (("incidents", t.number(mine["incidents"]), t("incidents followed")),
                                      ("hits", t.number(mine["hits"]), t("hit by your picks")),
                                      ("misses", t.number(mine["misses"]), t("missed")),
                                      ("false_alarms", t.number(mine["false_alarms"]), t("false alarm(s)")),
                                      ("lead", lead, t("days' lead (median)")),
                                      ("engine_hits", t.number(e["hits"]), t("hit by the engine's picks"))))
        + "</div>")
    m = ex.reveal_map(result, basemap=common.basemap(), asset_base_url=common.asset_base(), t=t)
    map_component.show(map_component.fixed_args(m), None, key="reveal_map", height=460,
                       returned_objects=["last_object_clicked_tooltip"])
    st.markdown("**" + t("Picks: yours and the engine's") + "**")
    picks = result.picks.copy()
    picks["first_incident"] = [None if pd.isna(v) else f"{t.date(v, 'd MMM')} {v:%H:%M}"
                               for v in pd.to_datetime(picks["first_incident"], utc=True)]
    picks["by"] = [t(PICKED_BY[v]) if v in PICKED_BY else v for v in picks["by"]]
    picks["action"] = [t(ex.ACTIONS[v]) if v in ex.ACTIONS else v for v in picks["action"]]
    st.dataframe(picks.rename(columns={"by": t("By"), "place": t("Place"), "action": t("Action"), "hits": t("Hits"),
                                       "killed": t("Killed"), "first_incident": t("First incident"),
                                       "lead_days": t("Lead (days)"),
                                       "false_alarm": t("False alarm")}).drop(columns=["ref"]), hide_index=True,
                 width="stretch", key="rp_picks_table")
    inc = result.incidents
    st.markdown("**" + t("Incidents that followed") + f"** ({t.number(len(inc))})")
    st.dataframe(pd.DataFrame({
        t("When"): [f"{day_in(v, t)} {v:%H:%M}" for v in inc["when"]],
        t("Category"): [t.term(vocab.CATEGORIES, c) for c in inc["category"]],
        t("Killed"): inc["killed"].to_numpy(), t("Your pick"): inc["trainee_pick"].to_numpy(),
        t("Engine's pick"): inc["engine_pick"].to_numpy(), t("Lead (days)"): inc["lead_days"].to_numpy()}),
        hide_index=True, width="stretch", height=260, key="rp_incidents")
    c1, c2 = st.columns(2)
    stem = f"{exercise.exercise_id}-{user.name}"
    # the result files keep the training files' columns and words (one schema for every office)
    c1.download_button(t("Download the result (CSV)"), result.to_csv(), file_name=f"{stem}.csv",
                       mime="text/csv", key="rp_dl_csv")
    c2.download_button(t("Download the result (JSON)"), result.to_json(), file_name=f"{stem}.json",
                       mime="application/json", key="rp_dl_json")
    if trainer:
        st.markdown("**" + t("Results of every trainee (debrief)") + "**")
        st.dataframe(ex.load_results(exercise.exercise_id), hide_index=True, width="stretch", key="rp_results")


def _replay() -> None:
    if st.session_state.get(PLAY_KEY) != PLAYING or (PLAYING and st.session_state.get(SPEED_KEY) != SPEED):
        st.rerun()   # play/pause and the speed change the timer: a full run re-registers this fragment
    if PLAYING and st.session_state.get("rp_ticked"):
        if st.session_state[DAY_KEY] >= limit:
            st.session_state[PLAY_KEY] = False
            st.rerun()
        st.session_state[DAY_KEY] += 1
    st.session_state["rp_ticked"] = PLAYING
    i = st.session_state[DAY_KEY]
    day = st.session_state.get("rp_asked") or days[i]
    started = time.perf_counter()

    c1, c2, c3, c4, c5 = st.columns([1.2, 1.4, 1.1, 1.4, 4.6])
    c1.button(t("Previous"), key="rp_prev", on_click=_step, args=(-1,), shortcut="Left", disabled=i <= 0,
              help=t("One day back (←)"), width="stretch")
    c2.button(t("Pause") if PLAYING else t("Play"), key="rp_play", on_click=_toggle, shortcut="Space", type="primary",
              help=t("Play or pause (space)"), width="stretch")
    c3.button(t("Next"), key="rp_next", on_click=_step, args=(1,), shortcut="Right", disabled=i >= limit,
              help=t("One day forward (→)"), width="stretch")
    c4.selectbox(t("Speed"), list(SPEEDS), index=1, key=SPEED_KEY, label_visibility="collapsed", format_func=t,
                 help=t("Seconds a day while playing"))
    st.session_state["rp_slider"] = days[min(i, limit)]   # the slider follows the cursor (set before it is drawn)
    with c5:
        st.select_slider(t("Day"), options=days[:limit + 1], key="rp_slider",
                         format_func=lambda d: day_in(as_of_day(d), t), on_change=_slid,
                         label_visibility="collapsed")
    try:
        p = views.replay_picture(layers, flt.Filters(end=day), user, exercise, store=common.store(), towns=towns,
                                 engine=_engine(source_key, layers, towns))
    except PermissionDenied as denied:
        common.refuse(denied)
    sit = views.situation(p)
    where = t("day {n} of {total}", n=t.number(i + 1), total=t.number(len(days)))
    if exercise is not None:
        where += " · " + t("exercise: decision point {as_of}", as_of=as_of_in(exercise.decision_point, t))
    common.html_block(
        f'<div class="ew-counts" data-day="{common.text_html(str(as_of_day(day)))}" data-index="{i}" '
        f'data-playing="{int(PLAYING)}">'
        f'<span class="ew-count"><b>{common.text_html(as_of_in(day, t))}</b></span>'
        + "".join(f'<span class="ew-count" data-layer="{common.text_html(k)}"><b>{t.number(v)}</b> '
                  f'{common.text_html(t(COUNT_WORDS[k]) if k in COUNT_WORDS else k)}</span>'
                  for k, v in sit.counts.items())
        + "<span>" + common.text_html(where + "; " + t("triage as known then")) + "</span></div>")
    base_url = common.asset_base()
    fixed = _fixed(source_key, base_url, common.basemap_stamp(), t.locale, layers)   # words: one entry a language
    live = _live(source_key, day.isoformat(), user.role, base_url, t.locale, sit)
    map_component.show(fixed, live, key="replay_map", height=520, returned_objects=["last_object_clicked_tooltip"])
    listed = views.hotspot_list(p)
    table = listed.table
    st.markdown("**" + common.text_html(t("Hotspots {as_of}", as_of=as_of_in(day, t))) + "** "
                + common.text_html(t("({n} listed, {flagged} flagged)", n=t.number(len(table)),
                                     flagged=t.number(listed.n_flagged))))
    score = t("Score")
    st.dataframe(pd.DataFrame({
        "#": table["rank"].to_numpy(), t("Place"): table["place"].to_numpy(), score: table["score"].to_numpy(),
        t("Trend"): [common.trend_in(v, t) for v in table["trend"]],
        t("Flag"): ["⚑" if v else "" for v in table["flagged"]],
        t("Missing"): [", ".join(t("CLA") if c == "cla" else t.term(vocab.COMPONENTS, c) for c in g) or "—"
                       for g in table["missing"]],
        t("Alerts"): table["n_alerts"].to_numpy(), t("Killed"): table["killed"].to_numpy()}).head(15),
        hide_index=True, width="stretch", height=250, key=f"rp_hot_{i}",
        column_config={score: st.column_config.ProgressColumn(score, min_value=0, max_value=100, format="%.1f")})
    new = p.known.alerts[p.known.alerts["reported_at"] >= day - pd.Timedelta(days=1)] if len(p.known.alerts) \
        else p.known.alerts
    st.markdown("**" + t("Reports received that day") + f"** ({t.number(len(new))})")
    if len(new):
        def _words(column, labels):
            return [t.term(labels, v) for v in new[column]] if column in new.columns else None

        st.dataframe(pd.DataFrame({
            t("Reported"): new["reported_at"].dt.strftime("%H:%M").to_numpy(),
            t("Category"): _words("category", vocab.CATEGORIES),
            t("Sev."): new["severity"].to_numpy() if "severity" in new.columns else None,
            t("Channel"): _words("channel", vocab.CHANNELS),
            t("Status"): _words("verification", vocab.VERIFICATION),
            t("Text"): new["text"].astype(str).to_numpy() if "text" in new.columns else None}),
            hide_index=True, width="stretch", height=200, key=f"rp_new_{i}")
    for n in common.notes_in(p, t):
        st.caption(n)
    st.caption(t("Built in {seconds} s", seconds=t.number(time.perf_counter() - started, 2)))
    _exercise(p)


fragment = st.fragment(_replay, run_every=SPEEDS[SPEED] if PLAYING else None)
fragment()
