"""The test accounts and signing in for tests (imported as ``tests.signin``).

Every test store carries :data:`ACCOUNTS` (``build_demo_store`` adds them;
:func:`ensure_accounts` adds missing ones to any other store). Page tests sign
in through :func:`signed_in_app` (AppTest, a session as the form opens it) or
:func:`sign_in_browser` (the real form, in Chromium).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


#: The accounts of every test store (name -> role); the first, a supervisor, creates the others.
ACCOUNTS = {"sam": "supervisor", "ana": "analyst", "lee": "leadership", "tia": "trainer", "tom": "trainee"}


def password_of(name: str) -> str:
    """The test password of account ``name`` (long enough for the policy; tests only)."""
    return f"{'-'.join(reversed(name))}: blue river stones 2026"   # never containing the name (the policy)


def ensure_accounts(store_path, names=tuple(ACCOUNTS)):
    """Add the accounts ``names`` missing from the store (the supervisor ``sam`` first): their role in
    :data:`ACCOUNTS`, else analyst."""
    from ewarning.auth import User, add_user
    from ewarning.store import open_store

    store = open_store(str(store_path))
    have = set(store.list_users()["name"])
    now = pd.Timestamp.now(tz="UTC")
    if "sam" not in have:
        add_user(store, "sam", "supervisor", password_of("sam"), by=None if not have else User("sam", "supervisor"),
                 now=now)
    for name in names:
        if name not in have and name != "sam":
            add_user(store, name, ACCOUNTS.get(name, "analyst"), password_of(name), by=User("sam", "supervisor"),
                     now=now)
    return store


def signed_in_app(name: str = "ana", timeout: float = 90, script: Path | None = None):
    """``dashboard.py`` in AppTest on the store ``$EWARNING_STORE``, with ``name`` signed in (a session as the
    sign-in form opens it; the account is added to the store when missing). Not yet run."""
    from streamlit.testing.v1 import AppTest

    from app_pages.common import SESSION_KEY
    from ewarning.auth import load_user, open_session

    store = ensure_accounts(os.environ["EWARNING_STORE"], (name,))
    at = AppTest.from_file(str(script or ROOT / "dashboard.py"), default_timeout=timeout)
    at.session_state[SESSION_KEY] = open_session(load_user(store, name), pd.Timestamp.now(tz="UTC"))
    return at


def sign_in_browser(page, name: str = "ana", password: str | None = None, timeout: float = 60_000) -> None:
    """Sign in through the desk's form in a Playwright ``page`` showing it; returns once the form is gone."""
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Password").fill(password if password is not None else password_of(name))
    form.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=timeout)


def open_signed_in(page, url: str, name: str = "ana", timeout: float = 60_000):
    """Open ``url`` in a Playwright ``page`` (a new Streamlit session: nothing is kept in the browser) and sign
    in as ``name``; returns the page once the signed-in sidebar shows."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").wait_for(timeout=timeout)
    sign_in_browser(page, name, timeout=timeout)
    page.locator("[data-testid='stSidebar']").wait_for(timeout=timeout)
    return page
