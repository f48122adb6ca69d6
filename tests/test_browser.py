"""The running dashboard in a real browser, with every non-local request blocked and recorded.

Starts ``streamlit run serve.py --server.headless true`` (the dashboard with
its start-up warm-up, as ``make dashboard`` does) on the demo
scenario plus two hostile alerts (fixtures in ``conftest.py``), opens it in
Debian's headless Chromium at 1440x900 through Playwright, and checks that:

- the situation map draws the offline boundaries and every layer (alerts,
  hotspots with their flags, patrols, IDP sites, bases) with no internet;
- the layer control toggles layers (patrols off/on, heat and coverage on);
- hostile report text shows as text in a map popup and on the triage page;
- a long report shows as an excerpt cut on a word in its map popup, pointing to the triage page;
- clicking a hotspot on the map opens its detail, and "Open in Hotspots"
  selects it on the Hotspots page; selecting a row in the table does too;
- every page renders, and its screenshot is written to .artifacts/screenshots/ (docs/screenshots/ with
  ``make screenshots``);
- the desk started warm (``serve.py``'s warm-up finished), with the settings
  of .streamlit/config.toml (static serving, server address); a failing
  warm-up is only logged;
- no request left the machine, no dialog opened, no page error occurred.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.desk import offline_context
from tests.signin import open_signed_in

ROOT = Path(__file__).resolve().parent.parent
# Screenshots go to an ignored folder, so `make test` changes no tracked file; `make screenshots`
# points this at docs/screenshots to refresh the README's pictures.
SHOTS = Path(os.environ.get("EWARNING_SCREENSHOTS") or ROOT / ".artifacts" / "screenshots")
FRAME = "iframe[title='app_pages.map_component.ewarning_map']"
# As in conftest.py (not importable under --import-mode=importlib).
HOSTILE = "<script>alert(1)</script>"
HOSTILE_IDS = {"script": "A-HOSTILE-SCRIPT", "img": "A-HOSTILE-IMG"}

LAYER_SELECTORS = {
    "alerts": ".ew-alert, .ew-alert-cluster",
    "hotspots": "path.ew-hotspot",
    "hotspot badges": ".ew-hotspot-badge",
    "sites": "path.ew-site",
    "presence": ".ew-presence",
    "patrols": "path.ew-patrol",
}

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def session(streamlit_app, chromium):
    """One tab on the dashboard; yields a dict with the page, its URL and what was recorded."""
    url, log = streamlit_app
    context, external = offline_context(chromium, 1440, 900)
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    state = {"page": page, "url": url, "log": log, "external": external, "dialogs": dialogs, "errors": errors}
    yield state
    context.close()


def _settle(page, ms: int = 400) -> None:
    """Wait for Streamlit to finish running the script, then a little for drawing."""
    page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                           " return a && a.dataset.testScriptState === 'notRunning'; }", timeout=30_000)
    page.wait_for_timeout(ms)


def _open(session, path: str = ""):
    return open_signed_in(session["page"], session["url"] + "/" + path)


def _map(page):
    frame = page.frame_locator(FRAME).first
    frame.locator("path.ew-basemap").first.wait_for(timeout=60_000)
    frame.locator(".ew-presence").first.wait_for(timeout=30_000)
    frame.locator(LAYER_SELECTORS["alerts"]).first.wait_for(timeout=30_000)
    frame.locator("path.ew-hotspot").first.wait_for(timeout=30_000)
    return frame


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path))
    assert path.stat().st_size > 20_000
    return path


def test_situation_map_draws_every_layer_offline(session):
    page = _open(session)
    frame = _map(page)
    page.locator(".ew-counts").wait_for()
    _settle(page, 800)
    _shot(page, "situation-map.png")
    for layer, selector in LAYER_SELECTORS.items():
        assert frame.locator(selector).count() > 0, layer
    assert frame.locator(".ew-town-label").count() > 0            # the shipped geodata/basemap towns
    header = page.locator(".ew-counts").inner_text().replace("\n", " ")
    n_hotspots = int(re.search(r"([\d,]+) hotspots", header).group(1).replace(",", ""))
    n_flagged = int(re.search(r"([\d,]+) flagged", header).group(1).replace(",", ""))
    assert n_hotspots > 0
    assert frame.locator("path.ew-hotspot").count() == n_hotspots
    # each flagged hotspot stands out: dashed red outline and a flag on its badge
    assert frame.locator("path.ew-hotspot-flagged").count() == n_flagged
    assert frame.locator(".ew-hotspot-badge-flagged .fa-flag").count() == n_flagged
    assert frame.locator(".ew-presence-gap").count() >= 1
    assert frame.locator(".leaflet-draw-draw-polygon").count() == 1           # the area filter tool
    font_ok = frame.locator("body").evaluate(
        "() => document.fonts.ready.then(() => Array.from(document.fonts).some("
        "f => f.family.includes('Font Awesome') && f.status === 'loaded'))")
    assert font_ok
    assert re.search(r"[\d,]+ alerts", header)


def test_layer_control_toggles_layers(session):
    page = _open(session)         # every test opens its page: none relies on the order tests run in
    frame = _map(page)

    def toggle(name: str, on: bool):
        box = frame.locator(".leaflet-control-layers-overlays label", has_text=name).locator("input")
        box.check() if on else box.uncheck()

    toggle("Patrols", False)
    frame.locator("path.ew-patrol").first.wait_for(state="detached", timeout=5_000)
    assert frame.locator("path.ew-patrol").count() == 0
    toggle("Patrols", True)
    # attached, not visible: at the national zoom a short patrol is a zero-length path
    frame.locator("path.ew-patrol").first.wait_for(state="attached", timeout=5_000)
    assert frame.locator("path.ew-coverage-military").count() == 0      # rings hidden by default
    toggle("Coverage: military", True)
    frame.locator("path.ew-coverage-military").first.wait_for(timeout=5_000)
    toggle("Heat", True)
    frame.locator("canvas.leaflet-heatmap-layer").wait_for(timeout=5_000)
    toggle("Heat", False)
    toggle("Coverage: military", False)
    frame.locator("path.ew-coverage-military").first.wait_for(state="detached", timeout=5_000)


def test_hostile_alert_text_shows_as_text_in_the_map_popup(session):
    page = _open(session)
    frame = _map(page)
    # Find the hostile report's marker through Leaflet (it may sit inside a cluster) and open its popup.
    # The alerts layer draws only the clusters and markers in view (popups built when opened): ask it to
    # zoom to the hostile report's own marker and open that marker's popup.
    opened = frame.locator("body").evaluate("""(body, needle) => {
        const layers = Object.values(window.map._layers).filter(l => typeof l.openAlert === 'function');
        return layers.length === 1 && layers[0].openAlert(needle);
    }""", "A-HOSTILE-SCRIPT")
    assert opened
    popup = frame.locator(".leaflet-popup-content .ew-pop", has_text="A-HOSTILE-SCRIPT")
    popup.wait_for(timeout=5_000)
    assert HOSTILE in popup.inner_text()
    assert "&lt;script&gt;" in popup.inner_html()
    assert popup.locator("script").count() == 0
    frame.locator("body").evaluate("() => window.map.closePopup()")
    assert session["dialogs"] == []


def test_long_alert_text_shows_an_excerpt_in_the_map_popup(session):
    """The map carries the first words of a long report; the full text is on the triage page."""
    import pandas as pd

    from ewarning.render.maps import POPUP_TEXT_CHARS

    page = _open(session)         # the view before was zoomed onto the hostile report
    frame = _map(page)
    demo = pd.read_csv(ROOT / "geodata" / "demo" / "alerts.csv", dtype=str, keep_default_na=False)
    reported = pd.to_datetime(demo["reported_at"], utc=True)
    # on the default view: the 30 days to the end of 14 November 2018
    shown = demo[(reported >= pd.Timestamp("2018-10-17", tz="UTC")) & (reported < pd.Timestamp("2018-11-14", tz="UTC"))
                 & (demo["text"].str.len() > POPUP_TEXT_CHARS + 10) & ~demo["text"].str.contains("[<>&\"']")]
    alert = shown.iloc[0]
    assert frame.locator("body").evaluate("""(body, needle) => {
        const layers = Object.values(window.map._layers).filter(l => typeof l.openAlert === 'function');
        return layers.length === 1 && layers[0].openAlert(needle);
    }""", alert["id"])
    popup = frame.locator(".leaflet-popup-content .ew-pop", has_text=alert["id"])
    popup.wait_for(timeout=5_000)
    shown_text = popup.locator(".ew-t").inner_text()
    assert shown_text.endswith("\u2026") and len(shown_text) <= POPUP_TEXT_CHARS + 1
    assert " ".join(alert["text"].split()).startswith(shown_text[:-1])
    assert "Full text on the Alerts triage page" in popup.inner_text()
    frame.locator("body").evaluate("() => window.map.closePopup()")


def test_clicking_a_hotspot_opens_its_detail(session):
    page = _open(session)
    frame = _map(page)
    _settle(page)
    badge = frame.locator(".ew-hotspot-badge").first
    badge.click()
    detail = page.locator(".ew-detail")
    detail.wait_for(timeout=20_000)
    hotspot_id = detail.get_attribute("data-hotspot")
    assert re.fullmatch(r"H-\d{8}-\d+", hotspot_id)
    assert "score" in detail.inner_text()
    # the map popup of the same hotspot shows its explanation
    assert frame.locator(f".ew-hotspot-pop[data-hotspot='{hotspot_id}']").count() == 1
    page.get_by_role("button", name="Open in Hotspots").click()
    page.locator(f".ew-detail[data-hotspot='{hotspot_id}']").wait_for(timeout=20_000)
    page.get_by_text("Reports per week: last").first.wait_for(timeout=20_000)
    assert "/hotspots" in page.url


def test_hotspots_page_table_selection_opens_detail(session):
    page = _open(session, "hotspots")
    page.locator(".ew-detail").wait_for(timeout=30_000)
    first = page.locator(".ew-detail").get_attribute("data-hotspot")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    _settle(page)
    # click the row-selection cell of the third row of the ranked table (canvas grid: by position)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 36 + 35 * 2 + 17)
    page.wait_for_function(
        "(first) => { const d = document.querySelector('.ew-detail'); return d && d.dataset.hotspot !== first; }",
        arg=first, timeout=20_000)
    chosen = page.locator(".ew-detail").get_attribute("data-hotspot")
    assert chosen != first and chosen.endswith("-3")
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=20_000)
    _settle(page, 800)
    page.mouse.move(5, 890)
    _shot(page, "hotspots.png")


def test_triage_page_shows_hostile_text_as_text(session):
    page = _open(session, "triage")
    page.locator(".ew-triage-card").wait_for(timeout=30_000)
    box = page.get_by_label("Alert to triage")
    box.click()
    page.keyboard.type("A-HOSTILE-SCRIPT")
    page.keyboard.press("Enter")
    card = page.locator(f".ew-triage-card[data-alert='{HOSTILE_IDS['script']}']")
    card.wait_for(timeout=20_000)
    text = card.locator(".ew-alert-text")
    assert text.inner_text() == HOSTILE
    assert text.locator("script").count() == 0
    _settle(page, 600)
    page.get_by_text("Alert to triage").scroll_into_view_if_needed()
    page.mouse.wheel(0, 420)
    page.wait_for_timeout(300)
    _shot(page, "triage.png")
    box.click()
    page.keyboard.type("A-HOSTILE-IMG")
    page.keyboard.press("Enter")
    card = page.locator(f".ew-triage-card[data-alert='{HOSTILE_IDS['img']}']")
    card.wait_for(timeout=20_000)
    assert card.locator(".ew-alert-text").inner_text() == "<img src=x onerror=alert(2)>"
    assert card.locator("img").count() == 0
    assert session["dialogs"] == []


def test_presence_and_data_pages(session, tmp_path):
    page = _open(session, "presence")
    frame = page.frame_locator(FRAME).first
    frame.locator(".ew-presence").first.wait_for(timeout=60_000)
    frame.locator("path.ew-coverage-military").first.wait_for(timeout=30_000)   # rings shown on this page
    _settle(page, 800)
    _shot(page, "presence.png")
    page = _open(session, "data")
    page.get_by_text("Files to import").wait_for(timeout=30_000)
    _settle(page)
    # import a hotline log with one good row and two bad ones: the bad rows land in the quarantine, with
    # reasons; the callers' numbers and names never reach the page
    upload = tmp_path / "field_reports.csv"
    upload.write_text("lat,lon,category,occurred_at,Téléphone,Nom,text\n"
                      "4.80,20.70,looting,2018-12-10T08:00,+236 75 11 22 01,Jean Kpama,Shops looted; "
                      "call me on +236 75 11 22 09\n"
                      "0,0,killing,2018-12-10T09:00,+236 75 11 22 02,Marie Zanga,no coordinates\n"
                      "4.81,20.71,arson,not a date,+236 75 11 22 03,Paul Ndoba,houses burnt\n", encoding="utf-8")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    page.get_by_text("field_reports.csv").first.wait_for(timeout=20_000)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("1 stored, 2 quarantined").wait_for(timeout=30_000)
    page.get_by_text("1 phone number removed from report text").first.wait_for(timeout=10_000)
    page.get_by_text("they identify people").first.wait_for(timeout=10_000)
    _settle(page, 600)
    _shot(page, "data.png")
    page.get_by_role("tab", name="Quarantine").click()
    page.get_by_text("Show and export the reports' free text").wait_for(timeout=20_000)
    _settle(page, 600)
    shown = page.inner_text("body")
    for identity in ("75 11 22", "Kpama", "Zanga", "Ndoba"):
        assert identity not in shown
    _shot(page, "quarantine.png")


def test_desk_started_warm_with_its_settings(session):
    """``serve.py`` (st.App) warmed the caches at start-up and kept .streamlit/config.toml's settings."""
    text = session["log"].read_text(errors="replace")
    assert "warm-up done" in text and "warm-up failed" not in text
    assert "URL: http://localhost:" in text           # browser.serverAddress (no external-IP lookup)
    with urllib.request.urlopen(session["url"] + "/app/static/vendor/leaflet-1.9.3/leaflet.js", timeout=10) as r:
        assert r.status == 200 and b"Leaflet" in r.read(2000)   # server.enableStaticServing


def test_failed_warm_up_is_only_logged(tmp_path):
    """A warm-up that raises logs the failure and returns: the server keeps serving, pages do the work."""
    code = ("import serve\nfrom app_pages import common\n"
            "def boom(*a, **k):\n    raise RuntimeError('store unreadable')\n"
            "common.warm_up = boom\nserve.warm()\nprint('still running')\n")
    env = {**os.environ, "EWARNING_STORE": str(tmp_path / "none.gpkg")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "still running" in done.stdout
    assert "warm-up failed" in done.stderr and "store unreadable" in done.stderr


def test_no_request_left_the_machine(session):
    """Runs last in this module: everything above happened with the internet cut off."""
    assert session["external"] == []
    assert session["dialogs"] == []
    assert session["errors"] == []
    text = session["log"].read_text(errors="replace")
    assert "external IP" not in text          # no checkip.amazonaws.com lookup at start-up
    assert "Traceback" not in text
