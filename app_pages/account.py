"""My account: who I am, what my role lets me do, my language, and a new password.

Every signed-in user has this page. Changing the password goes through
:func:`ewarning.auth.change_password` (the policy applies; recorded, never
the password); the language through :func:`ewarning.i18n.preferences.set_locale`
(kept per account, recorded).
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from ewarning.auth import PasswordRefused, SignInRefused, authenticate, change_password
from ewarning.auth.errors import in_language
from ewarning.auth.roles import PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_LABELS, permissions_of
from ewarning.i18n import LOCALES
from ewarning.i18n.preferences import set_locale

user = common.acting_user()
t = common.translator()
st.subheader(t("My account"))
common.html_block("<p>" + t("{name}, role {role}: {description}.", name=f"<b>{common.text_html(user.name)}</b>",
                            role=f"<b>{common.text_html(t(ROLE_LABELS[user.role]))}</b>",
                            description=common.text_html(t(ROLE_DESCRIPTIONS[user.role]))) + "</p>")
held = permissions_of(user.role)
st.markdown("**" + t("What this role may do") + "**")
st.dataframe({t("Permission"): [t(PERMISSIONS[p]) for p in PERMISSIONS],
              t("Allowed"): [t("yes") if p in held else t("no") for p in PERMISSIONS]}, hide_index=True,
             width="stretch")


def _language() -> None:
    set_locale(common.store(), user.name, st.session_state["acct_locale"], by=user)
    common.remember_locale(user.name, st.session_state["acct_locale"])


mine = t.locale   # this session's language: the store's choice, read once
st.session_state["acct_locale"] = mine
st.radio(t("My language"), list(LOCALES), format_func=LOCALES.get, key="acct_locale", horizontal=True,
         on_change=_language)


def _change() -> None:
    old, new, again = (st.session_state.get(k, "") for k in ("acct_old", "acct_new", "acct_again"))
    for key in ("acct_old", "acct_new", "acct_again"):
        st.session_state[key] = ""
    if new != again:
        st.session_state["acct_result"] = ("error", t("The two new passwords differ: nothing changed."))
        return
    try:
        store = common.store()
        me = authenticate(store, user.name, old, common._now())   # the current password, throttled like a sign-in
        change_password(store, user.name, new, by=me, now=common._now())
        st.session_state["acct_result"] = ("success", t("Password changed."))
    except SignInRefused:   # the current one was wrong (or throttled)
        st.session_state["acct_result"] = ("error", t("Not changed: the current password is wrong."))
    except (PasswordRefused, ValueError) as refused:
        # The policy's own words say which rule, in the user's language.
        st.session_state["acct_result"] = ("error", t("Not changed: {reason}", reason=in_language(refused, t)))


with st.form("account_password"):
    st.markdown("**" + t("Change my password") + "** " +
                t("(at least 12 characters; not a common one, not your name)"))
    st.text_input(t("Current password"), type="password", key="acct_old", autocomplete="current-password")
    st.text_input(t("New password"), type="password", key="acct_new", autocomplete="new-password")
    st.text_input(t("New password again"), type="password", key="acct_again", autocomplete="new-password")
    st.form_submit_button(t("Change password"), on_click=_change)
result = st.session_state.pop("acct_result", None)
if result:
    getattr(st, result[0])(result[1])
