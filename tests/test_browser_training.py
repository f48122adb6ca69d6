"""The Replay and Handover pages in a real browser (issue #11): play, pause and step; a trainee from the
decision point to the reveal, unable to move past it; handover notes.

The desk (``serve.py``) runs on a copy of the demo store with the test accounts (``tia`` trainer, ``tom``
trainee) and a training folder of its own (``$EWARNING_TRAINING_DIR``); every non-local request is blocked
and recorded, and each test ends by checking that none was made and no page error occurred. Screenshots go
to ``$EWARNING_SCREENSHOTS`` (``docs/screenshots`` with ``make screenshots``; ``.artifacts/screenshots`` otherwise): replay-*.png and handover-*.png.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.desk import offline_context, start_streamlit
from tests.signin import open_signed_in

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("EWARNING_SCREENSHOTS") or ROOT / ".artifacts" / "screenshots")
FRAME = "iframe[title*='map_component']"

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def training_app(demo_store, tmp_path_factory):
    """The desk on a copy of the demo store, with its own training folder; yields (url, log, store, folder)."""
    pytest.importorskip("streamlit")
    tmp = tmp_path_factory.mktemp("training-app")
    store = tmp / "joc.gpkg"
    shutil.copyfile(demo_store, store)
    folder = tmp / "training"
    old = os.environ.get("EWARNING_TRAINING_DIR")
    os.environ["EWARNING_TRAINING_DIR"] = str(folder)
    try:
        with start_streamlit(store, tmp, user="browser-training", timeout=120) as (url, log):
            yield url, log, store, folder
    finally:
        if old is None:
            os.environ.pop("EWARNING_TRAINING_DIR", None)
        else:
            os.environ["EWARNING_TRAINING_DIR"] = old


@pytest.fixture()
def tab(training_app, chromium):
    context, external = offline_context(chromium, 1440, 900)
    state = {"url": training_app[0], "log": training_app[1], "store": training_app[2], "folder": training_app[3],
             "external": external, "errors": []}
    page = context.new_page()
    page.on("pageerror", lambda exc: state["errors"].append(str(exc)))
    state["page"] = page
    yield state
    context.close()


def _settle(page, ms: int = 300) -> None:
    page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                           " return a && a.dataset.testScriptState === 'notRunning'; }", timeout=60_000)
    page.wait_for_timeout(ms)


def _counts(page):
    return page.locator(".ew-counts[data-day]").first


def _day(page) -> str:
    return _counts(page).get_attribute("data-day")


def _wait_day(page, day: str, timeout: float = 30.0) -> None:
    page.wait_for_function("d => { const c = document.querySelector('.ew-counts[data-day]');"
                           " return c && c.dataset.day === d; }", arg=day, timeout=timeout * 1000)


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.mouse.move(5, 890)
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000
    return path


def _open_replay(tab, name: str, query: str = ""):
    page = open_signed_in(tab["page"], tab["url"] + "/replay" + query, name)
    page.frame_locator(FRAME).first.locator("path.ew-basemap").first.wait_for(timeout=60_000)
    _counts(page).wait_for(timeout=60_000)
    _settle(page, 600)
    return page


def _clean(tab) -> None:
    assert tab["external"] == [], tab["external"]
    assert tab["errors"] == [], tab["errors"]
    assert "Traceback" not in tab["log"].read_text(errors="replace")


def _next_day(day: str, n: int = 1) -> str:
    import datetime as dt

    return str(dt.date.fromisoformat(day) + dt.timedelta(days=n))


def test_replay_play_pause_and_step(tab):
    page = _open_replay(tab, "tia")
    first = _day(page)
    assert first == "2018-09-30", first                       # the Alindao scenario's first day
    page.get_by_role("button", name="Next").click()
    _wait_day(page, _next_day(first))
    page.keyboard.press("ArrowRight")                          # keyboard shortcuts
    _wait_day(page, _next_day(first, 2))
    page.keyboard.press("ArrowLeft")
    _wait_day(page, _next_day(first, 1))
    _settle(page)
    _shot(page, "replay-step.png")
    frame = page.frame_locator(FRAME).first
    frame.locator(".ew-alert, .ew-alert-cluster").first.wait_for(timeout=30_000)

    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => { const c = document.querySelector('.ew-counts[data-day]');"
                           " return c && c.dataset.playing === '1'; }", timeout=30_000)
    start = _day(page)
    page.wait_for_function("d => { const c = document.querySelector('.ew-counts[data-day]');"
                           " return c && c.dataset.day > d; }", arg=_next_day(start, 1), timeout=30_000)
    _shot(page, "replay-playing.png")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => { const c = document.querySelector('.ew-counts[data-day]');"
                           " return c && c.dataset.playing === '0'; }", timeout=30_000)
    _settle(page, 500)
    paused = _day(page)
    assert paused > _next_day(start, 1)
    time.sleep(4)
    assert _day(page) == paused, "the cursor moved while paused"
    page.keyboard.press("Space")                                # space plays again, and pauses
    page.wait_for_function("() => document.querySelector('.ew-counts[data-day]').dataset.playing === '1'",
                           timeout=30_000)
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.ew-counts[data-day]').dataset.playing === '0'",
                           timeout=30_000)
    _clean(tab)


def test_trainee_from_decision_point_to_reveal(tab):
    from ewarning.auth.audit import REFUSED
    from ewarning.store import open_store

    page = _open_replay(tab, "tom")
    decision = "2018-11-08"                                    # as of the end of 8 November
    assert _day(page) == decision
    assert page.get_by_role("button", name="Next").is_disabled()
    page.keyboard.press("ArrowRight")
    _settle(page, 800)
    assert _day(page) == decision, "a trainee moved past the decision point"
    _shot(page, "replay-trainee-decision.png")

    # asking for a later day by the address: refused by the view, and recorded
    page2 = tab["page"].context.new_page()
    page2.on("pageerror", lambda exc: tab["errors"].append(str(exc)))
    open_signed_in(page2, tab["url"] + "/replay?day=2018-11-12", "tom")
    page2.get_by_text("Refused").first.wait_for(timeout=60_000)
    _settle(page2, 500)
    assert page2.locator(".ew-counts[data-day='2018-11-12']").count() == 0
    _shot(page2, "replay-trainee-refused.png")
    page2.close()
    refused = open_store(str(tab["store"])).audit_log(action=REFUSED)
    assert (refused["user"] == "tom").any() and refused["detail"].str.contains("decision point").any()

    # the answer: the Alindao site and a joint protection team; submit; reveal
    page.get_by_label("Places to flag").click()
    page.keyboard.type("Alindao Catholic mission site (IDP")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _settle(page)
    page.get_by_label("Action for Alindao Catholic mission site (IDP site)").click()
    page.get_by_role("option", name="Joint protection team").click()
    _settle(page)
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_role("button", name="Reveal what happened next").wait_for(timeout=60_000)
    _settle(page)
    assert _day(page) == decision
    page.get_by_role("button", name="Reveal what happened next").click()
    reveal = page.locator(".ew-reveal")
    reveal.wait_for(timeout=60_000)
    _settle(page, 800)
    hits = int(reveal.locator("[data-score='hits'] b").inner_text())
    engine = int(reveal.locator("[data-score='engine_hits'] b").inner_text())
    assert hits >= 1 and engine >= hits
    page.frame_locator(FRAME).last.locator("path.ew-basemap").first.wait_for(timeout=60_000)
    page.locator(FRAME).last.scroll_into_view_if_needed()
    page.mouse.move(5, 890)                 # over the sidebar: a wheel over the map would zoom it
    page.mouse.wheel(0, -120)
    page.wait_for_timeout(500)
    _shot(page, "replay-reveal.png")
    page.get_by_text("Incidents that followed").scroll_into_view_if_needed()
    _shot(page, "replay-reveal-table.png")
    assert _day(page) == decision                               # the reveal moved no cursor past the decision
    saved = list((tab["folder"] / "results").rglob("tom-*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["summary"]["trainee"]["hits"] == hits
    _clean(tab)


def test_handover_notes_page(tab):
    page = open_signed_in(tab["page"], tab["url"] + "/handover", "tia")
    page.locator(".ew-handover").wait_for(timeout=60_000)
    _settle(page, 600)
    page.get_by_label("Area around").click()
    page.keyboard.type("Alindao Catholic mission site")
    page.keyboard.press("Enter")
    _settle(page, 800)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Focal-point networks (counts only)" in body and "Alindao" in body
    assert "+236" not in body and "R-" not in body
    _shot(page, "handover-alindao.png")
    # the duplication case: the questions already asked of the Ippy site
    page.get_by_role("combobox", name="Scenario").click()
    page.keyboard.type("Ippy, February")
    page.keyboard.press("Enter")
    _settle(page, 800)
    page.get_by_label("Area around").click()
    page.keyboard.type("Ippy IDP site")
    page.keyboard.press("Enter")
    _settle(page, 800)
    heading = page.get_by_text("Questions already asked of each community")
    heading.scroll_into_view_if_needed()
    concerns = page.locator(".ew-concerns").inner_text()
    assert "coordinate before the next visit" in concerns, concerns
    page.mouse.move(5, 890)
    page.mouse.wheel(0, 250)
    page.wait_for_timeout(400)
    _shot(page, "handover-duplication.png")
    _clean(tab)
