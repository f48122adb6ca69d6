"""The sign-in form and the sidebar's "signed in as" block (drawn by ``dashboard.py``, not a page).

Before anyone signs in, ``dashboard.py`` shows only this form: no layer is
read, no page runs. Sign-in goes through :func:`ewarning.auth.authenticate`
(argon2id hashes, throttling after repeated failures, every attempt in the
audit log); the session then lives in this browser tab's Streamlit session
only (:func:`app_pages.common.signed_in` renews it on every run and ends it
after 30 idle minutes or 12 hours). The form is in the mission's language,
with a choice of the other one; after sign-in, each user's own
(:mod:`ewarning.i18n`).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning.auth import SignInRefused, accounts
from ewarning.auth.roles import ROLE_DESCRIPTIONS, ROLE_LABELS
from ewarning.i18n import LOCALES, N_, mission_locale

FIRST_USER_HINT = N_("This store has no accounts yet. On the server, create the first supervisor (who then adds "
                   "the others):\n\n    {command}\n\n"
                   "`make dashboard` asks for it when it starts on a store without accounts.")
FIRST_USER_COMMAND = "python -m ewarning users add NAME --role supervisor"


def _minutes(delta) -> float:
    return delta.total_seconds() / 60


def _submit() -> None:
    """The form's callback: sign in, or keep the refusal to show (the password field is emptied either way)."""
    name, password = st.session_state.get("signin_name", ""), st.session_state.get("signin_password", "")
    st.session_state["signin_password"] = ""
    try:
        common.sign_in(name, password)
        st.session_state.pop("signin_refused", None)
    except SignInRefused as refused:
        st.session_state["signin_refused"] = refused.throttled_until or True


def _refusal(t, refused) -> str:
    """The refusal in the form's language: the same words for an unknown name and a wrong password."""
    if refused is True:
        return t("Sign-in refused: unknown name or wrong password.")
    return t("Sign-in refused: too many failed attempts for this name; try again after {time} UTC.",
             time=t.time(refused))


def show_form() -> None:
    """The sign-in form (or, on a store without accounts, how to create the first one)."""
    # Nothing to navigate before signing in: no empty sidebar beside the form.
    common.html_block("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] "
                      "{display: none;}</style>")
    left, middle, right = st.columns([1, 2, 1])
    with middle:
        st.session_state.setdefault(common.LOCALE_KEY, mission_locale())
        st.segmented_control("Language / Langue", list(LOCALES), format_func=LOCALES.get,
                             key=common.LOCALE_KEY, label_visibility="collapsed")
        t = common.translator()
        st.subheader(t("Early warning: sign in"))
        if common.store().list_users().empty:
            st.info(t(FIRST_USER_HINT, command=FIRST_USER_COMMAND))
            return
        note = st.session_state.pop(common.SIGN_IN_NOTE_KEY, None)
        if note:
            # The session's own reason in this language when the desk kept the exception; a kept English
            # text is said in general words in French.
            reason = (note.in_language(t) if hasattr(note, "in_language") else note if t.locale == "en"
                      else t("the session ended (idle too long or at its time limit): sign in again"))
            st.warning(t("Signed out: {reason}.", reason=reason))
        with st.form("signin", enter_to_submit=True, border=True):
            st.text_input(t("Name"), key="signin_name", autocomplete="username")
            st.text_input(t("Password"), key="signin_password", type="password", autocomplete="current-password")
            st.form_submit_button(t("Sign in"), type="primary", on_click=_submit)
        refused = st.session_state.get("signin_refused")
        if refused:
            st.error(_refusal(t, refused))
        st.caption(t("Every sign-in and every failed attempt is recorded. After {n} failed attempts within "
                     "{minutes} minutes, a name is refused for {lockout} minutes. Reloading or closing the tab "
                     "signs you out.", n=accounts.MAX_FAILURES, minutes=t.number(_minutes(accounts.FAILURE_WINDOW)),
                     lockout=t.number(_minutes(accounts.LOCKOUT))))


def sidebar(session) -> None:
    """Who is signed in, with what role, until when; and the sign-out button."""
    user = session.user
    t = common.translator()
    with st.sidebar:
        common.html_block(
            "<div class='ew-signed-in'>" + t("Signed in as {name} ({role})",
                                             name=f"<b>{common.text_html(user.name)}</b>",
                                             role=common.text_html(t(ROLE_LABELS[user.role])))
            + "<br><span class='ew-muted'>"
            + common.text_html(t("{role_description}; session ends at {time} UTC if idle",
                                 role_description=t(ROLE_DESCRIPTIONS[user.role]), time=t.time(session.expires)))
            + "</span></div>")
        st.button(t("Sign out"), key="signout", on_click=common.sign_out)
