"""Alert intake: the duty desk types an alert taken by telephone; it is checked and stored as an import.

Thin page over :func:`ewarning.intake.enter_alert`: one keyboard-first form
(Tab from field to field, Enter in a one-line field submits), checked by the
importer's own validation with the importer's own messages; a refused entry
stores nothing and keeps what was typed so it can be corrected. The reporter
is pseudonymised on entry: only a key reaches the store, the value typed is
cleared from the session as soon as the alert is stored, and it is never
shown or logged. Every rendered value goes through :func:`common.text_html`.

The place is a town of the shipped gazetteer (suggested as the officer types),
typed coordinates, or a click on the map above the form (which fills the
coordinates in).

In the officer's language (:mod:`ewarning.i18n`); the reasons an entry is refused are the importer's own
(in the officer's language where the importer has them, :func:`ewarning.i18n.phrases.said_in`), and what is
stored keeps the store's codes.
"""

from __future__ import annotations

import logging
import secrets

import pandas as pd
import streamlit as st

from app_pages import common, map_component
from ewarning import intake, views, vocab
from ewarning.i18n import N_
from ewarning.reasons import reason_in
from ewarning.security import SecretUnavailable

RESULT_KEY = "intake_result"
CLICK_KEY = "intake_map_click"        # the last map click applied to the form
FORM_KEY = "intake_form_no"           # how many alerts this session entered: part of every widget key
TRIAGE_SELECT_KEY = "triage_select"   # the triage page's selected alert (app_pages/triage.py SELECT_KEY)
TRIAGE_ROWS = 500                     # the rows of the queue it lists (app_pages/triage.py QUEUE_ROWS)
TIME_FORMAT = "%Y-%m-%d %H:%M"
#: Widget key -> the intake field it fills.
FIELD_KEYS = {"intake_category": "category", "intake_reported": "reported_at", "intake_occurred": "occurred_at",
              "intake_place": "place", "intake_lat": "lat", "intake_lon": "lon", "intake_killed": "killed",
              "intake_injured": "injured", "intake_channel": "channel", "intake_reliability": "reliability",
              "intake_credibility": "credibility", "intake_reporter": "reporter", "intake_text": "text"}
RELIABILITY_WORDS = {"A": N_("completely reliable"), "B": N_("usually reliable"), "C": N_("fairly reliable"),
                     "D": N_("not usually reliable"), "E": N_("unreliable"), "F": N_("cannot be judged")}
CREDIBILITY_WORDS = {"1": N_("confirmed"), "2": N_("probably true"), "3": N_("possibly true"), "4": N_("doubtful"),
                     "5": N_("improbable"), "6": N_("cannot be judged")}


def _now_text() -> str:
    return pd.Timestamp.now(tz="UTC").strftime(TIME_FORMAT)


def _defaults() -> dict:
    return {"intake_category": None, "intake_reported": _now_text(), "intake_occurred": "", "intake_place": None,
            "intake_lat": "", "intake_lon": "", "intake_killed": 0, "intake_injured": 0, "intake_channel": "hotline",
            "intake_reliability": "F", "intake_credibility": "6", "intake_reporter": "", "intake_text": ""}


def _key(name: str) -> str:
    """The widget key of ``name`` in the current form (a new form, with new keys, after each stored alert:
    the browser then shows empty widgets, which setting the old keys' values does not guarantee)."""
    return f"{name}-{st.session_state.get(FORM_KEY, 0)}"


def _reset() -> None:
    """A new, empty form (the reported time: now); what was typed, the reporter first, is gone from the session."""
    for name in FIELD_KEYS:
        st.session_state.pop(_key(name), None)
    st.session_state[FORM_KEY] = st.session_state.get(FORM_KEY, 0) + 1


def _enter(user) -> None:
    """The form's callback: check and store the alert, before the next page run."""
    t = common.translator()
    state = st.session_state
    fields = {field: state.get(_key(name)) for name, field in FIELD_KEYS.items()}
    try:
        result = intake.enter_alert(common.store(), fields, user=user)
    except SecretUnavailable as refused:   # a deployment that keeps the secret from the web process
        state[RESULT_KEY] = {"stored": False, "reasons": [t("{reason}; nothing was stored", reason=str(refused))]}
        return
    except Exception:  # noqa: BLE001 - as dashboard._run: an error id, never a trace (it could quote the form)
        error_id = "E-" + secrets.token_hex(4)
        logging.getLogger("ewarning.desk").exception("error %s entering an alert", error_id)
        state[RESULT_KEY] = {"stored": False, "reasons": [
            t("something went wrong (error {error_id}); nothing was stored. Try again; if it happens again, give "
              "the administrator this error id", error_id=error_id)]}
        return
    state[RESULT_KEY] = {"stored": result.stored, "id": result.alert_id, "reasons": result.reasons,
                         "location": result.location, "duplicate_of": result.duplicate_of,
                         "import_id": result.import_id, "reported_at": result.reported_at}
    if result.stored:
        _reset()


for name, value in _defaults().items():
    st.session_state.setdefault(_key(name), value)

user = common.require_page("import")
t = common.translator()
f = common.current_filters()
common.record_view("alert intake", f)
esc = common.text_html

st.subheader(t("Alert intake"))
st.caption(t("For an alert taken by telephone at the duty desk. Tab moves from field to field; Enter in a one-line "
             "field enters the alert. It is checked exactly as a row of an imported file is, and stored in the "
             "import log and the audit log under your name ({name}). Times are UTC.", name=user.name))

# -- the location by a click on the map (before the form: a click runs the page again) --------------------
clicked = None
# A toggle, not an expander: the map is drawn only when shown (a map drawn hidden has no size to fit to).
if st.toggle(t("Pick the location on the map"), key="intake_pick"):
    st.caption(t("Click where it happened: the latitude and longitude below are filled in (precision 'exact'; "
                 "the place box is then left empty). Pick the location first, then type the rest."))
    clicked = map_component.show(common.pick_map(), key="intake_map", height=340,
                                 returned_objects=("last_clicked",))["last_clicked"]
if clicked and clicked != st.session_state.get(CLICK_KEY):
    st.session_state[CLICK_KEY] = clicked
    st.session_state[_key("intake_lat")] = f"{float(clicked['lat']):.5f}"
    st.session_state[_key("intake_lon")] = f"{float(clicked['lng']):.5f}"
    st.session_state[_key("intake_place")] = None

towns = intake.town_names()
with st.form(_key("intake_form"), clear_on_submit=False, border=True):
    c1, c2, c3 = st.columns(3)
    c1.selectbox(t("Category"), list(vocab.CATEGORIES), format_func=lambda c: t.term(vocab.CATEGORIES, c), index=None,
                 placeholder=t("type to choose a category"), key=_key("intake_category"))
    c2.text_input(t("Reported at (UTC, YYYY-MM-DD HH:MM)"), key=_key("intake_reported"),
                  help=t("When the mission learnt of it: by default, now. Type the time of the call if it was "
                         "earlier."))
    c3.text_input(t("Occurred at (UTC, if known)"), key=_key("intake_occurred"), placeholder="YYYY-MM-DD HH:MM")
    c1, c2, c3 = st.columns(3)
    c1.selectbox(t("Place (town or village)"), towns, index=None,
                 placeholder=t("type a town: suggestions from the gazetteer"), key=_key("intake_place"),
                 help=t("A town of the shipped gazetteer (type a few letters, Enter takes the first suggestion); the "
                        "alert is placed at the town, precision 'village'. Coordinates, when given, are used "
                        "instead. A place not in the list: give its coordinates and name it in the text."))
    c2.text_input(t("Latitude (decimal degrees)"), key=_key("intake_lat"), placeholder=t("e.g. {example}",
                                                                                        example="5.0403"))
    c3.text_input(t("Longitude (decimal degrees)"), key=_key("intake_lon"), placeholder=t("e.g. {example}",
                                                                                          example="21.2133"))
    c1, c2, c3 = st.columns(3)
    c1.number_input(t("Killed"), min_value=0, step=1, key=_key("intake_killed"))
    c2.number_input(t("Injured"), min_value=0, step=1, key=_key("intake_injured"))
    c3.selectbox(t("Channel"), list(vocab.CHANNELS), format_func=lambda c: t.term(vocab.CHANNELS, c),
                 key=_key("intake_channel"))
    c1, c2, c3 = st.columns(3)
    c1.selectbox(t("Source reliability"), list(vocab.RELIABILITY),
                 format_func=lambda c: f"{c}: {t(RELIABILITY_WORDS[c])}" if c in RELIABILITY_WORDS else c,
                 key=_key("intake_reliability"))
    c2.selectbox(t("Information credibility"), list(vocab.CREDIBILITY),
                 format_func=lambda c: f"{c}: {t(CREDIBILITY_WORDS[c])}" if c in CREDIBILITY_WORDS else c,
                 key=_key("intake_credibility"))
    c3.text_input(t("Reporter (phone number or name)"), key=_key("intake_reporter"), type="password",
                  help=t("Pseudonymised on entry: only a key is stored (the same caller always gets the same key); "
                         "the number or name is never stored, shown or logged."))
    st.caption(t("The reporter is pseudonymised on entry: only a key is stored, never the number or the name."))
    st.text_area(t("What was reported"), key=_key("intake_text"), height=110,
                 help=t("Phone numbers written here are removed on entry, as on import."))
    st.form_submit_button(t("Enter alert"), type="primary", on_click=_enter, args=(user,))

result = st.session_state.get(RESULT_KEY)
if result and not result["stored"]:
    common.html_block(
        '<div class="ew-card ew-intake-error" role="alert" style="border-left:4px solid #b42318">'
        "<b>" + esc(t("Not stored.")) + "</b> " + esc(t("Correct the form and enter it again:")) + "<ul>"
        + "".join(f"<li>{esc(reason_in(reason, t))}</li>" for reason in result["reasons"]) + "</ul></div>")
elif result:
    when = result["reported_at"]
    shown = when is None or ((f.start is None or when >= f.start) and when < f.end)   # in the sidebar's window?
    cells = [(t("Alert"), result["id"]), (t("Location"), result["location"]),
             (t("Reported"), "" if when is None else f"{when:%Y-%m-%d %H:%M} UTC"),
             (t("Import"), t("#{number} (by {name})", number=result["import_id"], name=user.name))]
    hint = "" if shown else (" " + t("It was reported outside the window the sidebar shows ({window}): set the as-of "
                                     "day to see it on the map.", window=common.filters_words(f, t)))
    where = " " + (t("It was linked as a duplicate of {original} (the same incident, reported first), so it is not "
                     "in the triage queue itself.", original=result["duplicate_of"]) if result["duplicate_of"]
                   else t("It is in the triage queue."))
    common.html_block(
        f'<div class="ew-card ew-intake-ok" data-alert="{esc(result["id"])}" role="status" '
        'style="border-left:4px solid #067647"><b>' + esc(t("Alert stored.")) + "</b>" + esc(where + hint)
        + "<table>" + "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in cells) + "</table></div>")
    # The triage page lists the queue under the sidebar's filters (newest first, its first QUEUE_ROWS): offer
    # to open the alert there only when it is listed (a duplicate is not: then the report it was linked to).
    target = result["duplicate_of"] or result["id"]
    listed = views.triage_queue(common.layers(), f, user).queue["id"].head(TRIAGE_ROWS)
    if target in set(listed):
        label = t("Open the first report in Alerts triage") if result["duplicate_of"] else t("Open it in Alerts triage")
        if st.button(label, key="intake_to_triage", type="primary"):
            st.session_state[TRIAGE_SELECT_KEY] = target
            st.session_state.pop(RESULT_KEY, None)
            st.switch_page("app_pages/triage.py")
    else:
        st.caption(t("The first report, {alert}, is not in the triage queue under the sidebar's filters (already "
                     "triaged, or reported outside the window).", alert=target) if result["duplicate_of"] else
                   t("The alert is not in the triage queue under the sidebar's filters (already triaged, or reported "
                     "outside the window)."))
