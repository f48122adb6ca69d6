"""Signing in to the desk in a real headless Chromium: the form, throttling, expiry, signing out.

The desk runs on its own copy of the demo store with a 6-second idle timeout
(``$EWARNING_SESSION_IDLE_MINUTES``); the browser may reach this machine only.
Screenshots go to ``$EWARNING_SCREENSHOTS`` (``docs/screenshots`` with
``make screenshots``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.desk import offline_context, start_streamlit
from tests.signin import password_of, sign_in_browser

pytestmark = pytest.mark.xdist_group("browser")
ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("EWARNING_SCREENSHOTS") or ROOT / ".artifacts" / "screenshots")
IDLE_MINUTES = 0.1   # 6 s


@pytest.fixture(scope="module")
def signin_app(demo_store, tmp_path_factory):
    pytest.importorskip("streamlit")
    tmp = tmp_path_factory.mktemp("signin-app")
    store = tmp / "joc.gpkg"
    shutil.copyfile(demo_store, store)
    with start_streamlit(store, tmp, env={"EWARNING_SESSION_IDLE_MINUTES": str(IDLE_MINUTES)},
                                  timeout=120) as (url, log):
        yield url, store, log


@pytest.fixture()
def tab(chromium, signin_app):
    context, external = offline_context(chromium, 1280, 800)
    page = context.new_page()
    yield page, signin_app, external
    context.close()


def _form(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    return page.get_by_test_id("stForm")


def _settle(page) -> None:
    page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                           " return a && a.dataset.testScriptState === 'notRunning'; }", timeout=30_000)


def _attempt(page, name: str, password: str, message: str) -> None:
    """One sign-in attempt; waits for the run it starts to end, then for ``message``."""
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Password").fill(password)
    form.get_by_role("button", name="Sign in").click()
    page.wait_for_timeout(300)
    _settle(page)
    page.get_by_test_id("stAlertContentError").filter(has_text=message).wait_for(timeout=30_000)


def _nav(page, title: str):
    return page.locator("[data-testid='stSidebarNav'] a", has_text=title)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_wrong_passwords_are_refused_then_throttled_and_nothing_shows(tab):
    from ewarning.store import open_store

    page, (url, store_path, _), external = tab
    _form(page, url + "/hotspots")
    assert page.get_by_text("Alindao").count() == 0            # nothing of the desk before signing in
    for _ in range(5):
        _attempt(page, "tom", "a wrong password, typed again", "unknown name or wrong password")
    _attempt(page, "tom", password_of("tom"), "too many failed attempts")   # the right one, while throttled
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert page.get_by_role("textbox", name="Password").input_value() == ""
    _shot(page, "signin-throttled.png")
    audit = open_store(str(store_path)).read("audit")
    mine = audit[audit["user"] == "tom"]
    assert (mine["action"] == "sign-in refused").sum() == 5 and (mine["action"] == "sign-in throttled").sum() >= 2
    assert not (mine["action"] == "sign-in").any()
    assert not external


def test_signing_in_opens_the_page_asked_for_and_an_idle_session_expires(tab):
    page, (url, _, _), external = tab
    _form(page, url + "/hotspots")
    sign_in_browser(page, "ana")
    page.get_by_role("heading", name="Hotspots").wait_for(timeout=60_000)   # the address asked for
    sidebar = page.get_by_test_id("stSidebar")
    assert "Signed in as ana (analyst)" in sidebar.inner_text()
    assert _nav(page, "Hotspots").count() == 1 and _nav(page, "Audit log").count() == 0   # an analyst's pages
    _shot(page, "signin-signed-in.png")
    page.wait_for_timeout(IDLE_MINUTES * 60_000 + 1500)
    _nav(page, "Presence").first.click()
    page.get_by_text("Signed out: the session of ana was idle").wait_for(timeout=30_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    _settle(page)
    assert page.get_by_role("heading", name="Presence").count() == 0
    _shot(page, "signin-expired.png")
    assert not external


def test_signing_out_ends_the_session(tab):
    page, (url, store_path, _), external = tab
    _form(page, url + "/")
    sign_in_browser(page, "sam")
    assert _nav(page, "Audit log").count() == 1 and _nav(page, "Users").count() == 1   # a supervisor's pages
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    page.get_by_text("Signed in as sam").wait_for(state="detached", timeout=30_000)
    assert _nav(page, "Audit log").count() == 0
    assert not external


def test_leadership_lands_on_the_briefing_and_downloads_the_pdf(tab):
    from ewarning.store import open_store

    page, (url, store_path, _), external = tab
    _form(page, url + "/")
    sign_in_browser(page, "lee")
    page.get_by_role("button", name="Download PDF").wait_for(timeout=90_000)   # the role's first page
    assert _nav(page, "Hotspots").count() == 0 and _nav(page, "Situation map").count() == 0
    assert page.get_by_text("UN RESTRICTED").count() >= 1
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download PDF").click()
    path = download.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    _settle(page)
    audit = open_store(str(store_path)).read("audit")
    exports = audit[(audit["user"] == "lee") & (audit["action"] == "export")]
    assert len(exports) == 1 and "pdf" in exports["detail"].iloc[0].lower()
    _shot(page, "briefing-leadership.png")
    assert not external
