"""Alerts triage: the queue of new, unverified alerts, and the four actions on one of them.

Thin page over :mod:`ewarning.triage`. The version of an alert the analyst
*saw* is remembered when it is first shown; an action is based on that
version, so if a colleague changed the alert in the meantime the store
refuses the edit ("alert X was changed by Y at T; reload and try again")
instead of silently overwriting it. Every action is recorded with who and
when (``alert_edits`` and the audit log). In the analyst's language (:mod:`ewarning.i18n`); the edits
and the audit log keep the store's words (codes and column names, one schema for every office).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from ewarning import triage, views, vocab
from ewarning.i18n import N_

SELECT_KEY = "triage_select"
TABLE_KEY = "triage_table"
SEEN_KEY = "triage_seen"       # alert id -> version the analyst saw
FLASH_KEY = "triage_flash"
ERROR_KEY = "triage_error"
QUEUE_ROWS = 500
#: The actions' labels (the codes of :data:`ewarning.triage.ACTIONS`), translated where shown.
ACTION_LABELS = {"verify": N_("Verify"), "discount": N_("Discount"), "link_duplicate": N_("Link as duplicate"),
                 "correct_location": N_("Correct location")}
#: The triage log's columns as shown (the data keeps its own names).
EDIT_COLUMNS = {"at": N_("At (UTC)"), "user": N_("User"), "alert_id": N_("Alert"), "version": N_("Version"),
                "action": N_("Action"), "changes": N_("Changes"), "note": N_("Note")}

user = common.require_page("triage")
t = common.translator()
f = common.current_filters()
location, token = common.store_and_token()
data = common.load_layers(location, token)
stored = data.alerts   # actions apply to each alert's current version
versions = triage.versions(stored, common.load_versions(location, token))
q = views.triage_queue(data, f, user)   # the queue as triage had left it at the as-of time, when asked
alerts, todo = q.alerts, q.queue
common.record_view("alerts triage", f)

st.subheader(t("Alerts triage"))
if f.triage_as_known:
    st.info(t("Triage as known then: the queue and the alert show triage as it stood at the as-of time; "
              "an action you take now applies to the alert's current version."))
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash)

a, b, c, d = st.columns(4)
a.metric(t("In the queue (unverified, not duplicates)"), t.number(q.counts["queue"]))
b.metric(t("Alerts under the filters"), t.number(q.counts["alerts"]))
c.metric(t("Verified"), t.number(q.counts["verified"]))
d.metric(t("Discounted"), t.number(q.counts["discounted"]))

if todo.empty:
    st.info(t("The queue is empty under these filters."))
    st.stop()

shown = todo.head(QUEUE_ROWS)
ids = shown["id"].tolist()
st.caption((t("Newest first; showing the first {n}.", n=t.number(QUEUE_ROWS)) if len(todo) > QUEUE_ROWS
            else t("Newest first.")) + " " + t("Select a row to triage it. Signed in as {name}.", name=user.name))


seen = st.session_state.setdefault(SEEN_KEY, {})


def _precision(code) -> str:
    """A location precision in words, lower-case as the codes read ("village", "exact")."""
    return t.term(vocab.PRECISION, code).lower() if code in vocab.PRECISION else str(code)
seen_versions_ids = set(seen)


def _from_table() -> None:
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows:
        st.session_state[SELECT_KEY] = ids[rows[0]]


st.dataframe(pd.DataFrame({
    t("Reported"): shown["reported_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    t("Category"): [t.term(vocab.CATEGORIES, c) for c in shown["category"]],
    t("Sev."): shown["severity"].to_numpy(),
    t("Channel"): [t.term(vocab.CHANNELS, c) for c in shown["channel"]],
    t("Source/info"): (shown["reliability"].astype(str) + shown["credibility"].astype(str)).to_numpy(),
    t("Precision"): [_precision(c) for c in shown["location_precision"]],
    t("Text"): shown["text"].fillna("").astype(str).str.slice(0, 160).to_numpy(),
    t("Id"): ids,
}), key=TABLE_KEY, on_select=_from_table, selection_mode="single-row", hide_index=True,
    width="stretch", height=260)

# An alert being triaged stays selected even when it leaves the queue (a colleague verified
# it meanwhile): the page must never switch an action to another alert behind the analyst's back.
selected = st.session_state.get(SELECT_KEY)
options = list(ids)
if selected not in ids:
    if selected in seen_versions_ids and selected in set(stored["id"]):
        options = [selected] + options
    else:
        st.session_state[SELECT_KEY] = ids[0]
listed = pd.concat([stored[stored["id"] == selected], shown]) if options[0] != ids[0] else shown
labels = {r.id: f"{r.id} · {t.term(vocab.CATEGORIES, r.category)} · {r.reported_at:%Y-%m-%d %H:%M}"
          + ("" if r.id in ids else " · " + t("no longer in the queue")) for r in listed.itertuples()}
alert_id = st.selectbox(t("Alert to triage"), options, format_func=labels.get, key=SELECT_KEY)
row = listed[listed["id"] == alert_id].iloc[0]
ver = versions.loc[alert_id]
seen.setdefault(alert_id, int(ver["version"]))

# -- the alert, as text (every value escaped) -----------------------------------------
esc = common.text_html
# plain text here: escaped once, where it is put into the card
edited = (t("version {version}, last edited by {user} at {at} UTC", version=int(ver["version"]),
            user=ver["edited_by"], at=f"{ver['edited_at']:%Y-%m-%d %H:%M:%S}")
          if int(ver["version"]) else t("version 0, never edited"))
status = t.term(vocab.VERIFICATION, row["verification"])
cells = [
    (t("Category"), t.term(vocab.CATEGORIES, row["category"])),
    (t("Reported"), f"{row['reported_at']:%Y-%m-%d %H:%M} UTC"),
    (t("Occurred"), "" if pd.isna(row["occurred_at"]) else f"{row['occurred_at']:%Y-%m-%d %H:%M} UTC"),
    (t("Severity"), f"{int(row['severity'])} / 5"),
    (t("Casualties"), t("{killed} killed, {injured} injured", killed=t.number(int(row["killed"])),
                        injured=t.number(int(row["injured"])))),
    (t("Channel"), t.term(vocab.CHANNELS, row["channel"])),
    (t("Verification"), t("{status} (as known then)", status=status) if f.triage_as_known else status),
    (t("Source / information"), t("{code} (Admiralty)", code=f"{row['reliability']}{row['credibility']}")),
    (t("Location"), t("{lat}, {lon} ({precision})", lat=f"{row.geometry.y:.5f}", lon=f"{row.geometry.x:.5f}",
                      precision=_precision(row["location_precision"]))),
    (t("Reporter"), views.same_reporter_words(stored, alert_id, t=t)),
    (t("Origin"), row["origin"]),
]
common.html_block(
    f'<div class="ew-card ew-triage-card" data-alert="{esc(alert_id)}"><b>{esc(alert_id)}</b> '
    f'<span class="ew-muted">{esc(edited)}</span><table>'
    + "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in cells)
    + '</table><div class="ew-text ew-alert-text">' + esc(row["text"] or t("(no text)")) + "</div></div>")

if int(ver["version"]) != seen[alert_id]:
    st.warning(t("Alert {alert} was changed by {user} at {at} UTC since you opened it. Read it again, then reload "
                 "to act on the new version.", alert=alert_id, user=ver["edited_by"],
                 at=f"{ver['edited_at']:%Y-%m-%d %H:%M:%S}"))
    if st.button(t("Reload this alert"), key="triage_reload"):
        seen[alert_id] = int(ver["version"])
        st.rerun()

# -- the actions ---------------------------------------------------------------------
def _shown(value) -> str:
    """A changed value as the triage log writes it (codes and numbers as stored)."""
    return t("none") if value is None else str(value)


def _act(alert_id: str, action: str, user, f) -> None:
    """Apply the form's action to ``alert_id`` (the version the analyst saw), before the next page run."""
    state = st.session_state
    current = common.layers().alerts
    try:
        base = state[SEEN_KEY][alert_id]
        note = state.get("triage_note") or ""
        if action == "verify":
            edit = triage.verify(current, alert_id, based_on=base, user=user, note=note)
        elif action == "discount":
            edit = triage.discount(current, alert_id, based_on=base, user=user, note=note)
        elif action == "link_duplicate":
            of = (state.get("triage_dup_id") or state.get("triage_dup_pick") or "").strip()
            if not of:
                raise triage.TriageError(t("choose the original report"))
            edit = triage.link_duplicate(current, alert_id, of, based_on=base, user=user, note=note)
        else:
            edit = triage.correct_location(current, alert_id, state["triage_lat"], state["triage_lon"], based_on=base,
                                           precision=state["triage_precision"], user=user, note=note)
        new_version = triage.apply(common.store(), edit)
    except triage.EditConflict as exc:
        state[ERROR_KEY] = t("alert {alert} was changed by {user} at {at}; reload and try again",
                             alert=exc.alert_id, user=exc.user, at=exc.at)
        return
    except triage.TriageError as exc:
        state[ERROR_KEY] = exc.in_language(t)
        return
    state[SEEN_KEY][alert_id] = new_version
    changes = "; ".join(f"{k} {_shown(old)} -> {_shown(new)}" for k, (old, new) in edit.changes.items())
    state[FLASH_KEY] = t("{action} {alert}: {changes} (version {version}, by {name})", action=t(ACTION_LABELS[action]),
                         alert=alert_id, changes=changes, version=new_version, name=user.name)
    common.warm_after_edit(f)   # the map and hotspots the analyst goes back to, built meanwhile


action = st.radio(t("Action"), list(triage.ACTIONS), format_func=lambda a: t(ACTION_LABELS[a]), horizontal=True,
                  key="triage_action")
with st.form("triage_form", clear_on_submit=False, border=True):
    if action == "link_duplicate":
        cands = triage.duplicate_candidates(stored, alert_id)
        if cands.empty:
            st.caption(t("No other report within 25 km and 72 hours; type the original's id."))
        options = cands["id"].tolist()
        cand_labels = {r.id: f"{r.id} · {t.term(vocab.CATEGORIES, r.category)} · "
                             + t("{km} km, {hours} h", km=t.number(r.km), hours=f"{r.hours:+}")
                       for r in cands.itertuples()}
        st.selectbox(t("Original report"), [""] + options, format_func=lambda i: cand_labels.get(i, "—"),
                     key="triage_dup_pick")
        st.text_input(t("…or its id"), key="triage_dup_id")
    elif action == "correct_location":
        c1, c2, c3 = st.columns(3)
        c1.number_input(t("Latitude"), value=float(row.geometry.y), format="%.5f", key="triage_lat")
        c2.number_input(t("Longitude"), value=float(row.geometry.x), format="%.5f", key="triage_lon")
        c3.selectbox(t("Precision"), list(vocab.PRECISION), format_func=lambda c: t.term(vocab.PRECISION, c),
                     index=list(vocab.PRECISION).index(row["location_precision"])
                     if row["location_precision"] in vocab.PRECISION else 0, key="triage_precision")
    st.text_input(t("Note (optional, kept in the log)"), key="triage_note")
    # The action runs in the button's callback, before the page runs again: one page run shows the edit.
    st.form_submit_button(t(ACTION_LABELS[action]), type="primary", on_click=_act, args=(alert_id, action, user, f))

error = st.session_state.pop(ERROR_KEY, None)
if error:
    st.error(error)

# -- what happened recently ------------------------------------------------------------
with st.expander(t("Recent triage edits"), expanded=False):
    st.caption(t("As the triage log records them: actions and changes in the store's codes."))
    log = common.store().read("alert_edits").sort_values("at", ascending=False).head(50)
    st.dataframe(log[list(EDIT_COLUMNS)].rename(columns={c: t(label) for c, label in EDIT_COLUMNS.items()}),
                 hide_index=True, width="stretch")
