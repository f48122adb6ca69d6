"""Alerts triage: the queue of new, unverified alerts, and the four actions on one of them.

Thin page over :mod:`ewarning.triage`. The version of an alert the analyst
*saw* is remembered when it is first shown; an action is based on that
version, so if a colleague changed the alert in the meantime the store
refuses the edit ("alert X was changed by Y at T; reload and try again")
instead of silently overwriting it. Every action is recorded with who and
when (``alert_edits`` and the audit log).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from ewarning import triage, views, vocab

SELECT_KEY = "triage_select"
TABLE_KEY = "triage_table"
SEEN_KEY = "triage_seen"       # alert id -> version the analyst saw
FLASH_KEY = "triage_flash"
ERROR_KEY = "triage_error"
QUEUE_ROWS = 500

user = common.require_page("triage")
f = common.current_filters()
location, token = common.store_and_token()
data = common.load_layers(location, token)
stored = data.alerts   # actions apply to each alert's current version
versions = triage.versions(stored, common.load_versions(location, token))
q = views.triage_queue(data, f, user)   # the queue as triage had left it at the as-of time, when asked
alerts, todo = q.alerts, q.queue
common.record_view("alerts triage", f)

st.subheader("Alerts triage")
if f.triage_as_known:
    st.info("Triage as known then: the queue and the alert show triage as it stood at the as-of time; "
            "an action you take now applies to the alert's current version.")
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash)

a, b, c, d = st.columns(4)
a.metric("In the queue (unverified, not duplicates)", f"{q.counts['queue']:,}")
b.metric("Alerts under the filters", f"{q.counts['alerts']:,}")
c.metric("Verified", f"{q.counts['verified']:,}")
d.metric("Discounted", f"{q.counts['discounted']:,}")

if todo.empty:
    st.info("The queue is empty under these filters.")
    st.stop()

shown = todo.head(QUEUE_ROWS)
ids = shown["id"].tolist()
st.caption(f"Newest first{'; showing the first ' + str(QUEUE_ROWS) if len(todo) > QUEUE_ROWS else ''}. "
           "Select a row to triage it. Signed in as " + user.name + ".")


seen = st.session_state.setdefault(SEEN_KEY, {})
seen_versions_ids = set(seen)


def _from_table() -> None:
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows:
        st.session_state[SELECT_KEY] = ids[rows[0]]


st.dataframe(pd.DataFrame({
    "Reported": shown["reported_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
    "Category": shown["category"].map(vocab.CATEGORIES).to_numpy(),
    "Sev.": shown["severity"].to_numpy(),
    "Channel": shown["channel"].map(vocab.CHANNELS).to_numpy(),
    "Source/info": (shown["reliability"].astype(str) + shown["credibility"].astype(str)).to_numpy(),
    "Precision": shown["location_precision"].to_numpy(),
    "Text": shown["text"].fillna("").astype(str).str.slice(0, 160).to_numpy(),
    "Id": ids,
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
labels = {r.id: f"{r.id} · {vocab.CATEGORIES.get(r.category, r.category)} · {r.reported_at:%Y-%m-%d %H:%M}"
          + ("" if r.id in ids else " · no longer in the queue") for r in listed.itertuples()}
alert_id = st.selectbox("Alert to triage", options, format_func=labels.get, key=SELECT_KEY)
row = listed[listed["id"] == alert_id].iloc[0]
ver = versions.loc[alert_id]
seen.setdefault(alert_id, int(ver["version"]))

# -- the alert, as text (every value escaped) -----------------------------------------
t = common.text_html
# plain text here: escaped once, where it is put into the card
edited = (f"version {int(ver['version'])}, last edited by {ver['edited_by']} at {ver['edited_at']:%Y-%m-%d %H:%M:%S} UTC"
          if int(ver["version"]) else "version 0, never edited")
cells = [
    ("Category", vocab.CATEGORIES.get(row["category"], row["category"])),
    ("Reported", f"{row['reported_at']:%Y-%m-%d %H:%M} UTC"),
    ("Occurred", "" if pd.isna(row["occurred_at"]) else f"{row['occurred_at']:%Y-%m-%d %H:%M} UTC"),
    ("Severity", f"{int(row['severity'])} / 5"),
    ("Casualties", f"{int(row['killed'])} killed, {int(row['injured'])} injured"),
    ("Channel", vocab.CHANNELS.get(row["channel"], row["channel"])),
    ("Verification", vocab.VERIFICATION.get(row["verification"], row["verification"])
     + (" (as known then)" if f.triage_as_known else "")),
    ("Source / information", f"{row['reliability']}{row['credibility']} (Admiralty)"),
    ("Location", f"{row.geometry.y:.5f}, {row.geometry.x:.5f} ({row['location_precision']})"),
    ("Reporter", views.same_reporter_words(stored, alert_id)),
    ("Origin", row["origin"]),
]
common.html_block(
    f'<div class="ew-card ew-triage-card" data-alert="{t(alert_id)}"><b>{t(alert_id)}</b> '
    f'<span class="ew-muted">{t(edited)}</span><table>'
    + "".join(f"<tr><td>{t(k)}</td><td>{t(v)}</td></tr>" for k, v in cells)
    + f'</table><div class="ew-text ew-alert-text">{t(row["text"] or "(no text)")}</div></div>')

if int(ver["version"]) != seen[alert_id]:
    st.warning(f"Alert {alert_id} was changed by {ver['edited_by']} at {ver['edited_at']:%Y-%m-%d %H:%M:%S} UTC "
               "since you opened it. Read it again, then reload to act on the new version.")
    if st.button("Reload this alert", key="triage_reload"):
        seen[alert_id] = int(ver["version"])
        st.rerun()

# -- the actions ---------------------------------------------------------------------
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
                raise triage.TriageError("choose the original report")
            edit = triage.link_duplicate(current, alert_id, of, based_on=base, user=user, note=note)
        else:
            edit = triage.correct_location(current, alert_id, state["triage_lat"], state["triage_lon"], based_on=base,
                                           precision=state["triage_precision"], user=user, note=note)
        new_version = triage.apply(common.store(), edit)
    except (triage.EditConflict, triage.TriageError) as exc:
        state[ERROR_KEY] = str(exc)
        return
    state[SEEN_KEY][alert_id] = new_version
    state[FLASH_KEY] = f"{edit.summary} (version {new_version}, by {user.name})"
    common.warm_after_edit(f)   # the map and hotspots the analyst goes back to, built meanwhile


action = st.radio("Action", list(triage.ACTIONS), format_func=triage.ACTIONS.get, horizontal=True, key="triage_action")
with st.form("triage_form", clear_on_submit=False, border=True):
    if action == "link_duplicate":
        cands = triage.duplicate_candidates(stored, alert_id)
        if cands.empty:
            st.caption("No other report within 25 km and 72 hours; type the original's id.")
        options = cands["id"].tolist()
        cand_labels = {r.id: f"{r.id} · {vocab.CATEGORIES.get(r.category, r.category)} · {r.km} km, {r.hours:+} h"
                       for r in cands.itertuples()}
        st.selectbox("Original report", [""] + options, format_func=lambda i: cand_labels.get(i, "—"),
                     key="triage_dup_pick")
        st.text_input("…or its id", key="triage_dup_id")
    elif action == "correct_location":
        c1, c2, c3 = st.columns(3)
        c1.number_input("Latitude", value=float(row.geometry.y), format="%.5f", key="triage_lat")
        c2.number_input("Longitude", value=float(row.geometry.x), format="%.5f", key="triage_lon")
        c3.selectbox("Precision", list(vocab.PRECISION), format_func=vocab.PRECISION.get,
                     index=list(vocab.PRECISION).index(row["location_precision"])
                     if row["location_precision"] in vocab.PRECISION else 0, key="triage_precision")
    st.text_input("Note (optional, kept in the log)", key="triage_note")
    # The action runs in the button's callback, before the page runs again: one page run shows the edit.
    st.form_submit_button(triage.ACTIONS[action], type="primary", on_click=_act, args=(alert_id, action, user, f))

error = st.session_state.pop(ERROR_KEY, None)
if error:
    st.error(error)

# -- what happened recently ------------------------------------------------------------
with st.expander("Recent triage edits", expanded=False):
    log = common.store().read("alert_edits").sort_values("at", ascending=False).head(50)
    st.dataframe(log[["at", "user", "alert_id", "version", "action", "changes", "note"]], hide_index=True,
                 width="stretch")
