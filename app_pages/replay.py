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
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from app_pages import common, map_component
from ewarning import filters as flt
from ewarning import views, vocab
from ewarning.asof import as_of_day, as_of_words
from ewarning.auth import PermissionDenied
from ewarning.training import exercises as ex
from ewarning.training import scenarios as sc

DAY_KEY, PLAY_KEY, SPEED_KEY = "rp_day", "rp_playing", "rp_speed"
SOURCE_KEY, SCENARIO_KEY = "rp_source", "rp_scenario"
ANSWER_KEY, REVEAL_KEY = "rp_answer_given", "rp_reveal_result"
SPEEDS = {"slow, 3 s": 3.0, "normal, 1.5 s": 1.5, "fast, 0.8 s": 0.8}   # seconds a day
STORE_SOURCE, LIBRARY_SOURCE = "A period of the mission's store", "Scenario library"

user = common.require_page("replay")
trainer = user.can("replay_past_decision_point")


# -- cached loaders (shared by sessions: views never modify a layer) --------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=8)
def _engine(source_key: str, _layers: views.Layers, _towns):
    return views.replay_engine(_layers, flt.Filters(end=pd.Timestamp("2000-01-01", tz="UTC")), towns=_towns)


@st.cache_resource(show_spinner=False, max_entries=4)
def _fixed(source_key: str, base_url: str, basemap_key, _layers: views.Layers) -> dict:
    from ewarning.render import maps

    fixed, _ = maps.situation_map_parts(basemap=common.basemap(), asset_base_url=base_url, draw=False,
                                        fit=(_layers.alerts, _layers.sites, _layers.presence, _layers.patrols))
    return map_component.fixed_args(fixed)


@st.cache_resource(show_spinner=False, max_entries=64)
def _live(source_key: str, day: str, role: str, base_url: str, _sit: views.Situation) -> dict:
    from ewarning.hotspots import HotspotConfig
    from ewarning.render import maps

    _, live = maps.situation_map_parts(alerts=_sit.alerts, sites=_sit.sites, presence=_sit.presence,
                                       patrols=_sit.patrols, hotspots=_sit.hotspots, asset_base_url=base_url,
                                       reach_km=HotspotConfig().reach_km, heat=True, fit=())
    return map_component.live_args(live)


# -- what is replayed -----------------------------------------------------------------------------------------
st.subheader("Replay")
names = sc.list_scenarios()
left, right = st.columns([2, 3])
with left:
    # a trainee replays within an exercise only (the view refuses anything else): the library's scenarios
    source = st.radio("Replay", [LIBRARY_SOURCE, STORE_SOURCE] if trainer else [LIBRARY_SOURCE], key=SOURCE_KEY,
                      horizontal=True)
scenario = exercise = None
if source == LIBRARY_SOURCE:
    if not names:
        st.warning("The scenario library (geodata/scenarios) is empty.")
        st.stop()
    titles = {n: sc.load_scenario(n).title for n in names}
    with right:
        name = st.selectbox("Scenario", names, format_func=lambda n: titles[n], key=SCENARIO_KEY)
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
        st.warning("The store holds no report to replay.")
        st.stop()
    first, last = as_of_day(span[0].normalize() + pd.Timedelta(days=1)), as_of_day(span[1].normalize()
                                                                                  + pd.Timedelta(days=1))
    with right:
        chosen = st.date_input("Period (end of day, UTC)", value=(max(first, last - dt.timedelta(days=60)), last),
                               min_value=first, max_value=last, key="rp_period")
    if not isinstance(chosen, (tuple, list)) or len(chosen) != 2:
        st.info("Pick the period's first and last day.")
        st.stop()
    period = (flt.end_of_day(chosen[0]), flt.end_of_day(chosen[1]))

towns = (common.basemap() or {}).get("towns")
days = views.replay_days(layers, period)
if not days:
    st.warning("This period holds no report: nothing to replay.")
    st.stop()
# A trainee's cursor stops at the decision point (the view refuses any later day whatever the widgets say).
limit = len(days) - 1
if exercise is not None and not trainer:
    allowed = [i for i, d in enumerate(days) if d <= exercise.decision_point]
    limit = allowed[-1] if allowed else 0

if scenario is not None:
    with st.expander(f"About this scenario · {scenario.parts_words}", expanded=False):
        common.html_block(
            f"<p>{common.text_html(scenario.description)}</p><p><b>Learning points</b></p><ul>"
            + "".join(f"<li>{common.text_html(p)}</li>" for p in scenario.learning_points)
            + f"</ul><p class='ew-muted'>{common.text_html(scenario.sources)}</p>")
    if trainer:
        with st.expander("Exercise (trainer): decision point and questions", expanded=False):
            point = st.date_input("Decision point: the trainee sees up to the end of",
                                  value=as_of_day(exercise.decision_point), min_value=as_of_day(days[0]),
                                  max_value=as_of_day(days[-1]), key="rp_ex_point")
            questions = st.text_area("Questions (one a line)", "\n".join(exercise.questions), key="rp_ex_q")
            if st.button("Save the exercise", key="rp_ex_save"):
                exercise = scenario.exercise(decision_point=flt.end_of_day(point),
                                             questions=[q.strip() for q in questions.splitlines() if q.strip()])
                ex.save_exercise(exercise, user)
                common.store().record("exercise set", f"{exercise.exercise_id}: {exercise.decision_words}",
                                      user=user.name)
                st.success(f"Saved: trainees stop {exercise.decision_words}.")

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
    st.markdown(f"**Exercise** · decision point {common.text_html(exercise.decision_words)} · incidents scored "
                "over the "
                f"next {exercise.horizon_days:g} days, within {exercise.tolerance_km:g} km of a pick")
    for q in exercise.questions:
        common.html_block(f"<div class='ew-muted'>• {common.text_html(q)}</div>")
    answer = st.session_state.get(ANSWER_KEY)
    if answer is None:
        if not at_point:
            st.info("Move the cursor to the decision point (the last day you can reach) to answer.")
            return
        options = ex.candidates(p)
        labels = dict(zip(options["ref"], options["place"]))
        chosen = st.multiselect("Places to flag", list(options["ref"]), format_func=lambda r: labels[r], key="rp_picks",
                                placeholder="choose hotspots, IDP sites or bases")
        actions = {}
        for ref in chosen:
            actions[ref] = st.selectbox(f"Action for {labels[ref]}", list(ex.ACTIONS), format_func=ex.ACTIONS.get,
                                        key=f"rp_action_{ref}")
        if st.button("Submit my answer", key="rp_submit", type="primary"):
            geom = dict(zip(options["ref"], options.geometry))
            answer = ex.Answer(exercise.exercise_id, user.name,
                               tuple(ex.Pick(labels[r], geom[r], actions[r], r) for r in chosen),
                               submitted_at=pd.Timestamp.now(tz="UTC"))
            st.session_state[ANSWER_KEY] = answer
            common.store().record("exercise answered", f"{exercise.exercise_id}: {len(chosen)} place(s) flagged",
                                  user=user.name)
            st.rerun()
        return

    st.success(f"Answer submitted: {len(answer.picks)} place(s) flagged. It can no longer be changed.")
    result = st.session_state.get(REVEAL_KEY)
    if result is None:
        if st.button("Reveal what happened next", key="rp_reveal", type="primary"):
            result = common.guarded(ex.reveal, exercise, answer, layers, user, towns=towns)
            ex.save_result(result, store=common.store())
            st.session_state[REVEAL_KEY] = result
            st.rerun()
        return

    t, e = result.summary["trainee"], result.summary["engine"]
    common.html_block(
        '<div class="ew-counts ew-reveal">'
        + "".join(f'<span class="ew-count" data-score="{k}"><b>{common.text_html(v)}</b> '
                  f"{common.text_html(label)}</span>"
                  for k, v, label in (("incidents", t["incidents"], "incidents followed"),
                                      ("hits", t["hits"], "hit by your picks"), ("misses", t["misses"], "missed"),
                                      ("false_alarms", t["false_alarms"], "false alarm(s)"),
                                      ("lead", "—" if t["lead_days_median"] is None else t["lead_days_median"],
                                       "days' lead (median)"),
                                      ("engine_hits", e["hits"], "hit by the engine's picks")))
        + "</div>")
    m = ex.reveal_map(result, basemap=common.basemap(), asset_base_url=common.asset_base())
    map_component.show(map_component.fixed_args(m), None, key="reveal_map", height=460,
                       returned_objects=["last_object_clicked_tooltip"])
    st.markdown("**Picks: yours and the engine's**")
    picks = result.picks.copy()
    picks["first_incident"] = pd.to_datetime(picks["first_incident"], utc=True).dt.strftime("%d %b %H:%M")
    st.dataframe(picks.rename(columns={"by": "By", "place": "Place", "action": "Action", "hits": "Hits",
                                       "killed": "Killed", "first_incident": "First incident",
                                       "lead_days": "Lead (days)",
                                       "false_alarm": "False alarm"}).drop(columns=["ref"]), hide_index=True,
                 width="stretch", key="rp_picks_table")
    inc = result.incidents
    st.markdown(f"**Incidents that followed** ({len(inc)})")
    st.dataframe(pd.DataFrame({
        "When": inc["when"].dt.strftime("%d %b %Y %H:%M").to_numpy(), "Category": inc["category"].map(vocab.CATEGORIES),
        "Killed": inc["killed"].to_numpy(), "Your pick": inc["trainee_pick"].to_numpy(),
        "Engine's pick": inc["engine_pick"].to_numpy(), "Lead (days)": inc["lead_days"].to_numpy()}),
        hide_index=True, width="stretch", height=260, key="rp_incidents")
    c1, c2 = st.columns(2)
    stem = f"{exercise.exercise_id}-{user.name}"
    c1.download_button("Download the result (CSV)", result.to_csv(), file_name=f"{stem}.csv",
                       mime="text/csv", key="rp_dl_csv")
    c2.download_button("Download the result (JSON)", result.to_json(), file_name=f"{stem}.json",
                       mime="application/json", key="rp_dl_json")
    if trainer:
        st.markdown("**Results of every trainee (debrief)**")
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
    c1.button("Previous", key="rp_prev", on_click=_step, args=(-1,), shortcut="Left", disabled=i <= 0,
              help="One day back (←)", width="stretch")
    c2.button("Pause" if PLAYING else "Play", key="rp_play", on_click=_toggle, shortcut="Space", type="primary",
              help="Play or pause (space)", width="stretch")
    c3.button("Next", key="rp_next", on_click=_step, args=(1,), shortcut="Right", disabled=i >= limit,
              help="One day forward (→)", width="stretch")
    c4.selectbox("Speed", list(SPEEDS), index=1, key=SPEED_KEY, label_visibility="collapsed",
                 help="Seconds a day while playing")
    st.session_state["rp_slider"] = days[min(i, limit)]   # the slider follows the cursor (set before it is drawn)
    with c5:
        st.select_slider("Day", options=days[:limit + 1], key="rp_slider",
                         format_func=lambda d: f"{as_of_day(d):%d %b %Y}", on_change=_slid,
                         label_visibility="collapsed")
    try:
        p = views.replay_picture(layers, flt.Filters(end=day), user, exercise, store=common.store(), towns=towns,
                                 engine=_engine(source_key, layers, towns))
    except PermissionDenied as denied:
        common.refuse(denied)
    sit = views.situation(p)
    note = (f" · exercise: decision point {exercise.decision_words}" if exercise is not None else "")
    common.html_block(
        f'<div class="ew-counts" data-day="{common.text_html(str(as_of_day(day)))}" data-index="{i}" '
        f'data-playing="{int(PLAYING)}">'
        f'<span class="ew-count"><b>{common.text_html(as_of_words(day))}</b></span>'
        + "".join(f'<span class="ew-count" data-layer="{common.text_html(k)}"><b>{v:,}</b> {common.text_html(k)}'
                  "</span>" for k, v in sit.counts.items())
        + f"<span>day {i + 1} of {len(days)}{common.text_html(note)}; triage as known then</span></div>")
    base_url = common.asset_base()
    fixed = _fixed(source_key, base_url, common.basemap_stamp(), layers)
    live = _live(source_key, day.isoformat(), user.role, base_url, sit)
    map_component.show(fixed, live, key="replay_map", height=520, returned_objects=["last_object_clicked_tooltip"])
    listed = views.hotspot_list(p)
    table = listed.table
    st.markdown(f"**Hotspots {common.text_html(as_of_words(day))}** ({len(table)} listed, {listed.n_flagged} flagged)")
    st.dataframe(pd.DataFrame({
        "#": table["rank"].to_numpy(), "Place": table["place"].to_numpy(), "Score": table["score"].to_numpy(),
        "Trend": table["trend"].to_numpy(), "Flag": ["⚑" if v else "" for v in table["flagged"]],
        "Missing": [", ".join("CLA" if c == "cla" else vocab.COMPONENTS[c] for c in g) or "—"
                    for g in table["missing"]],
        "Alerts": table["n_alerts"].to_numpy(), "Killed": table["killed"].to_numpy()}).head(15),
        hide_index=True, width="stretch", height=250, key=f"rp_hot_{i}",
        column_config={"Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f")})
    new = p.known.alerts[p.known.alerts["reported_at"] >= day - pd.Timedelta(days=1)] if len(p.known.alerts) \
        else p.known.alerts
    st.markdown(f"**Reports received that day** ({len(new)})")
    if len(new):
        st.dataframe(pd.DataFrame({
            "Reported": new["reported_at"].dt.strftime("%H:%M").to_numpy(),
            "Category": new["category"].map(vocab.CATEGORIES).to_numpy(),
            "Sev.": new["severity"].to_numpy() if "severity" in new.columns else None,
            "Channel": new["channel"].map(vocab.CHANNELS).to_numpy() if "channel" in new.columns else None,
            "Status": new["verification"].map(vocab.VERIFICATION).to_numpy() if "verification" in new.columns else None,
            "Text": new["text"].astype(str).to_numpy() if "text" in new.columns else None}),
            hide_index=True, width="stretch", height=200, key=f"rp_new_{i}")
    for n in p.notes:
        st.caption(n)
    st.caption(f"Built in {time.perf_counter() - started:.2f} s")
    _exercise(p)


fragment = st.fragment(_replay, run_every=SPEEDS[SPEED] if PLAYING else None)
fragment()
