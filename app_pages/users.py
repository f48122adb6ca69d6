"""Users (supervisors): the accounts of this store, adding one, disabling one.

Thin page over :mod:`ewarning.auth.accounts`: every change is checked there
(``manage_users``) and recorded in the audit log; password hashes are never
shown. Disabled accounts are kept so the audit log's names stay meaningful.
In the supervisor's language (:mod:`ewarning.i18n`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from ewarning.auth import PasswordRefused, add_user, disable_user
from ewarning.auth.errors import in_language
from ewarning.auth.roles import ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES
from ewarning.store import StoreError

user = common.require_page("manage_users", "manage users")
t = common.translator()
store = common.store()
st.subheader(t("Users"))
users = store.list_users()
status = users["disabled_at"].map(lambda when: t("active") if pd.isna(when) else
                                  t("disabled {date} {time} UTC", date=t.date(when), time=t.time(when)))
st.dataframe(pd.DataFrame({t("Name"): users["name"], t("Role"): users["role"].map(lambda r: t(ROLE_LABELS[r])),
                           t("Status"): status,
                           t("Added (UTC)"): users["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
                           t("Added by"): users["created_by"]}), hide_index=True, width="stretch")


def _add() -> None:
    name, role = st.session_state.get("users_name", ""), st.session_state.get("users_role")
    password, again = st.session_state.get("users_password", ""), st.session_state.get("users_again", "")
    st.session_state["users_password"] = st.session_state["users_again"] = ""
    if password != again:
        st.session_state["users_result"] = ("error", t("The two passwords differ: nobody added."))
        return
    try:
        added = add_user(store, name, role, password, by=user, now=common._now())
        st.session_state["users_name"] = ""
        st.session_state["users_result"] = ("success", t("{name} added ({role}).", name=added.name,
                                                         role=t(ROLE_LABELS[added.role])))
    except (PasswordRefused, ValueError, StoreError) as refused:
        # The account rules' own words, in the supervisor's language (English for a store error).
        st.session_state["users_result"] = ("error", t("Not added: {reason}", reason=in_language(refused, t)))


def _disable() -> None:
    name = st.session_state.get("users_disable")
    try:
        disable_user(store, name, by=user, now=common._now())
        st.session_state["users_result"] = ("success", t("{name} disabled.", name=name))
    except (KeyError, ValueError, StoreError) as refused:
        st.session_state["users_result"] = ("error", t("Not disabled: {reason}", reason=in_language(refused, t)))


add, disable = st.columns(2)
with add, st.form("users_add"):
    st.markdown("**" + t("Add a user") + "** " + t("(they can change the password on My account)"))
    st.text_input(t("Name"), key="users_name", help=t("1-64 of a-z 0-9 . _ -"))
    st.selectbox(t("Role"), ROLES, key="users_role",
                 format_func=lambda r: t("{role}: {description}", role=t(ROLE_LABELS[r]),
                                         description=t(ROLE_DESCRIPTIONS[r])))
    st.text_input(t("Password"), type="password", key="users_password", autocomplete="new-password")
    st.text_input(t("Password again"), type="password", key="users_again", autocomplete="new-password")
    st.form_submit_button(t("Add user"), on_click=_add)
with disable, st.form("users_disable_form"):
    st.markdown("**" + t("Disable a user") + "** " + t("(kept for the audit log; cannot sign in)"))
    active = users.loc[users["disabled_at"].isna(), "name"].tolist()
    st.selectbox(t("User"), active, key="users_disable")
    st.form_submit_button(t("Disable"), on_click=_disable)
result = st.session_state.pop("users_result", None)
if result:
    getattr(st, result[0])(result[1])
