"""Audit log (supervisors): who signed in, imported, triaged, exported and viewed what; searchable, exportable.

Thin page over :func:`ewarning.auth.view_audit_log`, which refuses anyone
without ``view_audit`` and records every viewing (the words searched for are
not kept). The log is append-only: nothing on this page changes it, except
that reading and exporting it are recorded too.

In the supervisor's language (:mod:`ewarning.i18n`): the page's words and the table's headers. The entries
themselves are in the store's words, one language for every office, and the download keeps the log's
English column names (a file exchanged between offices has one schema).
"""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from app_pages import common
from ewarning.auth import view_audit_log
from ewarning.i18n import N_

#: The log's columns -> their header (the download's, in English; shown translated).
AUDIT_COLUMNS = {"at": N_("At (UTC)"), "user": N_("User"), "action": N_("Action"), "detail": N_("Detail")}

user = common.require_page("view_audit", "view the audit log")
t = common.translator()
store = common.store()
st.subheader(t("Audit log"))
c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
since = c1.date_input(t("Since (UTC day)"), value=None, key="audit_since")
who = c2.text_input(t("User (exact name)"), key="audit_user").strip() or None
# the actions are searched in the log's own words (English, as recorded): the example says so
action = c3.text_input(t("Action (exact)"), key="audit_action",
                       placeholder=t("e.g. {example}", example="sign-in refused")).strip() or None
text = c4.text_input(t("Contains"), key="audit_text", help=t("Searches the action and the detail; the words you "
                     "search for are not recorded")).strip() or None
when = None if since is None else dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc)
filters = (str(when), who, action, text)
# One viewing recorded per set of filters in this session, not one per rerun.
seen = st.session_state.setdefault("_ew_audit_seen", {})
if filters not in seen:
    seen[filters] = view_audit_log(store, user, since=when, who=who, action=action, text=text)
log = seen[filters]
st.caption((t("1 entry, newest first.") if len(log) == 1 else
            t("{n} entries, newest first.", n=t.number(len(log))))
           + " " + t("Append-only: the application never edits or deletes an entry; a restart or the demo never "
                     "resets it. Entries are kept in the store's words (English); the download keeps its English "
                     "column names."))
table = log[list(AUDIT_COLUMNS)].rename(columns=AUDIT_COLUMNS)
st.dataframe(table.rename(columns={label: t(label) for label in AUDIT_COLUMNS.values()}), hide_index=True,
             width="stretch", height=480)
st.download_button(t("Download these entries (CSV)"), table.to_csv(index=False), file_name="audit-log.csv",
                   mime="text/csv", key="audit_download", on_click=lambda: store.record(
                       "export", json.dumps({"layer": "audit log", "format": "csv", "rows": len(table),
                                             "filters": {k: v for k, v in (("since", str(when) if when else None),
                                                                          ("user", who), ("action", action))
                                                         if v} | ({"text search": True} if text else {})}),
                       user=user.name))
