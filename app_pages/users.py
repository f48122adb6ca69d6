"""Users (supervisors): the accounts of this store, adding one, disabling one.

Thin page over :mod:`ewarning.auth.accounts`: every change is checked there
(``manage_users``) and recorded in the audit log; password hashes are never
shown. Disabled accounts are kept so the audit log's names stay meaningful.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from ewarning.auth import PasswordRefused, add_user, disable_user
from ewarning.auth.roles import ROLE_DESCRIPTIONS, ROLES
from ewarning.store import StoreError

user = common.require_page("manage_users", "manage users")
store = common.store()
st.subheader("Users")
users = store.list_users()
status = users["disabled_at"].map(lambda t: "active" if pd.isna(t) else f"disabled {t:%Y-%m-%d %H:%M} UTC")
st.dataframe(pd.DataFrame({"Name": users["name"], "Role": users["role"], "Status": status,
                           "Added (UTC)": users["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
                           "Added by": users["created_by"]}), hide_index=True, width="stretch")


def _add() -> None:
    name, role = st.session_state.get("users_name", ""), st.session_state.get("users_role")
    password, again = st.session_state.get("users_password", ""), st.session_state.get("users_again", "")
    st.session_state["users_password"] = st.session_state["users_again"] = ""
    if password != again:
        st.session_state["users_result"] = ("error", "The two passwords differ: nobody added.")
        return
    try:
        added = add_user(store, name, role, password, by=user, now=common._now())
        st.session_state["users_name"] = ""
        st.session_state["users_result"] = ("success", f"{added.name} added ({added.role}).")
    except (PasswordRefused, ValueError, StoreError) as refused:
        st.session_state["users_result"] = ("error", f"Not added: {refused}")


def _disable() -> None:
    name = st.session_state.get("users_disable")
    try:
        disable_user(store, name, by=user, now=common._now())
        st.session_state["users_result"] = ("success", f"{name} disabled.")
    except (KeyError, ValueError, StoreError) as refused:
        st.session_state["users_result"] = ("error", f"Not disabled: {refused}")


add, disable = st.columns(2)
with add, st.form("users_add"):
    st.markdown("**Add a user** (they can change the password on *My account*)")
    st.text_input("Name", key="users_name", help="1-64 of a-z 0-9 . _ -")
    st.selectbox("Role", ROLES, key="users_role", format_func=lambda r: f"{r}: {ROLE_DESCRIPTIONS[r]}")
    st.text_input("Password", type="password", key="users_password", autocomplete="new-password")
    st.text_input("Password again", type="password", key="users_again", autocomplete="new-password")
    st.form_submit_button("Add user", on_click=_add)
with disable, st.form("users_disable_form"):
    st.markdown("**Disable a user** (kept for the audit log; cannot sign in)")
    active = users.loc[users["disabled_at"].isna(), "name"].tolist()
    st.selectbox("User", active, key="users_disable")
    st.form_submit_button("Disable", on_click=_disable)
result = st.session_state.pop("users_result", None)
if result:
    getattr(st, result[0])(result[1])
