"""The sign-in form and the sidebar's "signed in as" block (drawn by ``dashboard.py``, not a page).

Before anyone signs in, ``dashboard.py`` shows only this form: no layer is
read, no page runs. Sign-in goes through :func:`ewarning.auth.authenticate`
(argon2id hashes, throttling after repeated failures, every attempt in the
audit log); the session then lives in this browser tab's Streamlit session
only (:func:`app_pages.common.signed_in` renews it on every run and ends it
after 30 idle minutes or 12 hours).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning.auth import SignInRefused, accounts
from ewarning.auth.roles import ROLE_DESCRIPTIONS

FIRST_USER_HINT = ("This store has no accounts yet. On the server, create the first supervisor (who then adds "
                   "the others):\n\n    python -m ewarning users add NAME --role supervisor\n\n"
                   "`make dashboard` asks for it when it starts on a store without accounts.")


def _minutes(delta) -> str:
    return f"{delta.total_seconds() / 60:g}"


def _submit() -> None:
    """The form's callback: sign in, or keep the refusal to show (the password field is emptied either way)."""
    name, password = st.session_state.get("signin_name", ""), st.session_state.get("signin_password", "")
    st.session_state["signin_password"] = ""
    try:
        common.sign_in(name, password)
        st.session_state.pop("signin_refused", None)
    except SignInRefused as refused:
        st.session_state["signin_refused"] = str(refused)


def show_form() -> None:
    """The sign-in form (or, on a store without accounts, how to create the first one)."""
    # Nothing to navigate before signing in: no empty sidebar beside the form.
    common.html_block("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] "
                      "{display: none;}</style>")
    left, middle, right = st.columns([1, 2, 1])
    with middle:
        st.subheader("Early warning: sign in")
        if common.store().list_users().empty:
            st.info(FIRST_USER_HINT)
            return
        note = st.session_state.pop(common.SIGN_IN_NOTE_KEY, None)
        if note:
            st.warning(f"Signed out: {note}.")
        with st.form("signin", enter_to_submit=True, border=True):
            st.text_input("Name", key="signin_name", autocomplete="username")
            st.text_input("Password", key="signin_password", type="password", autocomplete="current-password")
            st.form_submit_button("Sign in", type="primary", on_click=_submit)
        refused = st.session_state.get("signin_refused")
        if refused:
            st.error(refused[0].upper() + refused[1:] + ".")
        st.caption(f"Every sign-in and every failed attempt is recorded. After {accounts.MAX_FAILURES} failed "
                   f"attempts within {_minutes(accounts.FAILURE_WINDOW)} minutes, a name is refused for "
                   f"{_minutes(accounts.LOCKOUT)} minutes. Reloading or closing the tab signs you out.")


def sidebar(session) -> None:
    """Who is signed in, with what role, until when; and the sign-out button."""
    user = session.user
    with st.sidebar:
        common.html_block(
            f"<div class='ew-signed-in'>Signed in as <b>{common.text_html(user.name)}</b> "
            f"({common.text_html(user.role)})<br><span class='ew-muted'>"
            f"{common.text_html(ROLE_DESCRIPTIONS[user.role])}; session ends at "
            f"{session.expires:%H:%M} UTC if idle</span></div>")
        st.button("Sign out", key="signout", on_click=common.sign_out)
