"""My account: who I am, what my role lets me do, and a new password.

Every signed-in user has this page. Changing the password goes through
:func:`ewarning.auth.change_password` (the policy applies; recorded, never
the password).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning.auth import PasswordRefused, SignInRefused, authenticate, change_password
from ewarning.auth.roles import PERMISSIONS, ROLE_DESCRIPTIONS, permissions_of

user = common.acting_user()
st.subheader("My account")
common.html_block(f"<p><b>{common.text_html(user.name)}</b>, role <b>{common.text_html(user.role)}</b>: "
                  f"{common.text_html(ROLE_DESCRIPTIONS[user.role])}.</p>")
held = permissions_of(user.role)
st.markdown("**What this role may do**")
st.dataframe({"Permission": [PERMISSIONS[p] for p in PERMISSIONS],
              "Allowed": ["yes" if p in held else "no" for p in PERMISSIONS]}, hide_index=True, width="stretch")


def _change() -> None:
    old, new, again = (st.session_state.get(k, "") for k in ("acct_old", "acct_new", "acct_again"))
    for key in ("acct_old", "acct_new", "acct_again"):
        st.session_state[key] = ""
    if new != again:
        st.session_state["acct_result"] = ("error", "The two new passwords differ: nothing changed.")
        return
    try:
        store = common.store()
        me = authenticate(store, user.name, old, common._now())   # the current password, throttled like a sign-in
        change_password(store, user.name, new, by=me, now=common._now())
        st.session_state["acct_result"] = ("success", "Password changed.")
    except (PasswordRefused, SignInRefused, ValueError) as refused:   # SignInRefused: the current one was wrong
        st.session_state["acct_result"] = ("error", f"Not changed: {refused}")


with st.form("account_password"):
    st.markdown("**Change my password** (at least 12 characters; not a common one, not your name)")
    st.text_input("Current password", type="password", key="acct_old", autocomplete="current-password")
    st.text_input("New password", type="password", key="acct_new", autocomplete="new-password")
    st.text_input("New password again", type="password", key="acct_again", autocomplete="new-password")
    st.form_submit_button("Change password", on_click=_change)
result = st.session_state.pop("acct_result", None)
if result:
    getattr(st, result[0])(result[1])
