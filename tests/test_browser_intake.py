"""Alert intake in a real browser: an alert typed with the keyboard reaches the map and the triage queue.

A desk (``serve.py``, warmed up) on its own copy of the demo store, the duty officer at the keyboard:
the form is filled field after field with Tab in the order an officer takes a call (category, times,
place, coordinates, casualties, channel, source grading, reporter, text), first with a latitude and
longitude typed the wrong way round (the importer's own message is shown and nothing is stored), then
corrected. The stored alert is in the triage queue (the confirmation's button opens it there) and on
the situation map: the header's alert count is one more and the alert's popup shows what was typed.
The reporter's number is in no byte of the store. Every non-local request is blocked and recorded; the
test ends by checking that none was made and no page error occurred. Screenshots:
.artifacts/screenshots/intake_*.png.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.desk import offline_context, start_streamlit
from tests.signin import ensure_accounts, open_signed_in

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("EWARNING_SCREENSHOTS") or ROOT / ".artifacts" / "screenshots")
FRAME = "iframe[title='app_pages.map_component.ewarning_map']"
USER = "duty-officer-browser"
PHONE = "+236 75 44 33 22"
TEXT = "Intake test: armed men at the Ouaka river crossing <b>near</b> the school"
REPORTED = "2018-11-14 10:05"        # inside the demo's opening window (as of end of 14 Nov 2018)
LAT, LON = "5.1234", "21.3456"

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def intake_app(demo_store, tmp_path_factory):
    """The desk on a copy of the demo store of its own (this test writes to it); yields (url, store path)."""
    pytest.importorskip("streamlit")
    tmp = tmp_path_factory.mktemp("intake-app")
    store = tmp / "intake.gpkg"
    shutil.copyfile(demo_store, store)
    ensure_accounts(store, (USER,))   # an analyst account: the desk records whoever signs in
    with start_streamlit(store, tmp, user=USER, timeout=120) as (url, _log):
        yield url, store


@pytest.fixture()
def tab(intake_app, chromium):
    context, external = offline_context(chromium, 1440, 900)
    seen = {"external": external, "errors": [], "dialogs": []}
    page = context.new_page()
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    yield page, intake_app[0], intake_app[1], seen
    context.close()


def _idle(page, ms: int = 400) -> None:
    page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                           " return a && a.dataset.testScriptState === 'notRunning'; }", timeout=60_000)
    page.wait_for_timeout(ms)


def _focused_label(page) -> str:
    """The accessible label of the focused element (Streamlit puts the widget's label on its input)."""
    return page.evaluate("() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') || "
                         "(e.labels && e.labels[0] ? e.labels[0].innerText : '') || e.innerText || '') : ''; }")


def _tab_to(page, label: str, limit: int = 4) -> None:
    """Press Tab until ``label`` has the focus (help icons may take a stop); fail if it takes more."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        passed.append(_focused_label(page).strip())
        if passed[-1].startswith(label):
            return
    raise AssertionError(f"Tab did not reach {label!r} (focus went to {passed})")


def _type(page, text: str) -> None:
    page.keyboard.press("ControlOrMeta+a")
    if text:
        page.keyboard.type(text)
    else:
        page.keyboard.press("Backspace")


def _choose(page, text: str) -> None:
    """In a focused selectbox: type to filter the options and take the first."""
    page.keyboard.type(text)
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000
    return path


def _map_alert_count(page) -> int:
    page.frame_locator(FRAME).first.locator("path.ew-basemap").first.wait_for(timeout=60_000)
    count = page.locator(".ew-count[data-layer='alerts'] b").first
    count.wait_for(timeout=60_000)
    return int(count.inner_text().replace(",", ""))


def _popup(page, alert_id: str) -> dict:
    """Open ``alert_id``'s popup through the map's alerts layer; its rows and text."""
    frame = page.frame_locator(FRAME).first
    frame.locator(".ew-alert, .ew-alert-cluster").first.wait_for(timeout=30_000)
    return frame.locator("body").evaluate("""(body, id) => {
        let map = null;
        for (const key of Object.keys(window)) {
            try { if (window[key] instanceof L.Map) { map = window[key]; break; } } catch (e) { /* skip */ }
        }
        if (!map) { return {error: 'no map'}; }
        const layers = Object.values(map._layers).filter(l => typeof l.openAlert === 'function');
        if (layers.length !== 1 || !layers[0].openAlert(id)) { return {error: 'alert ' + id + ' not on the map'}; }
        const pop = document.querySelector('.leaflet-popup-content .ew-pop');
        if (!pop) { return {error: 'no popup'}; }
        const rows = {};
        for (const tr of pop.querySelectorAll('tr')) {
            const td = tr.querySelectorAll('td');
            if (td.length === 2) { rows[td[0].innerText.trim()] = td[1].innerText.trim(); }
        }
        return {rows: rows, text: pop.innerText, html: pop.innerHTML};
    }""", alert_id)


def _importer_reasons(tmp_path: Path, store_path: Path, row: dict) -> list[str]:
    """What the importer says of the same row in a CSV file (dry run on the desk's store)."""
    from ewarning.importing import import_files
    from ewarning.store import open_store

    csv = tmp_path / "same-row.csv"
    pd.DataFrame([row]).to_csv(csv, index=False)
    (report,) = import_files(open_store(str(store_path)), [csv], layer="alerts", dry_run=True, secret=b"x")
    return str(report.quarantine["reason"].iloc[0]).split("; ")


def test_an_alert_typed_at_the_desk_reaches_the_triage_queue_and_the_map(tab, tmp_path):
    from ewarning.store import open_store

    page, url, store_path, seen = tab
    store = open_store(str(store_path))
    n_stored = len(store.read("alerts"))

    # the map's header before
    open_signed_in(page, url + "/", USER)
    page.locator("[data-testid='stSidebar']").wait_for(timeout=60_000)
    _idle(page)
    before = _map_alert_count(page)

    # the form, with the keyboard only (a click puts the focus in the first field)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Alert intake").first.click()
    page.get_by_text("Alert intake", exact=True).first.wait_for(timeout=60_000)
    _idle(page)
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Category", exact=True).click()
    _choose(page, "Armed-group")
    _tab_to(page, "Reported at")
    _type(page, REPORTED)
    _tab_to(page, "Occurred at")
    _type(page, "2018-11-14 09:30")
    _tab_to(page, "Place")
    _tab_to(page, "Latitude")
    _type(page, LON)                       # the officer swaps them
    _tab_to(page, "Longitude")
    _type(page, LAT)
    _tab_to(page, "Killed")
    _tab_to(page, "Injured")
    _type(page, "2")
    _tab_to(page, "Channel")
    _tab_to(page, "Source reliability")
    _choose(page, "C:")
    _tab_to(page, "Information credibility")
    _choose(page, "3:")
    _tab_to(page, "Reporter")
    page.keyboard.type(PHONE)
    _tab_to(page, "What was reported", limit=6)
    page.keyboard.type(TEXT)
    page.keyboard.press("ControlOrMeta+Enter")   # submits the form from the text area
    error = page.locator(".ew-intake-error").first
    error.wait_for(timeout=60_000)
    _idle(page)
    expected = _importer_reasons(tmp_path, store_path, {
        "category": "armed_group_movement", "reported_at": REPORTED, "lat": LON, "lon": LAT})
    # the demo store has a mission area, so a swap inside the valid range is caught
    assert expected == [f"lat/lon: latitude and longitude look swapped (lat {LON}, lon {LAT})"]
    shown = [li.inner_text().strip() for li in error.locator("li").all()]
    assert shown == expected
    _shot(page, "intake_error.png")
    assert len(store.read("alerts")) == n_stored           # nothing stored
    assert len(store.read("quarantine")) == len(open_store(str(store_path)).read("quarantine"))

    # corrected: what was typed is still there; Enter in a one-line field enters it
    assert form.get_by_label("What was reported", exact=True).input_value() == TEXT
    form.get_by_label("Latitude (decimal degrees)", exact=True).click()
    _type(page, LAT)
    _tab_to(page, "Longitude")
    _type(page, LON)
    page.keyboard.press("Enter")
    ok = page.locator(".ew-intake-ok").first
    ok.wait_for(timeout=60_000)
    _idle(page)
    alert_id = ok.get_attribute("data-alert")
    assert re.fullmatch(r"A-[0-9a-f]{12}", alert_id or ""), alert_id
    assert alert_id in ok.inner_text()
    assert form.get_by_label("Reporter (phone number or name)", exact=True).input_value() == ""   # cleared once stored
    _shot(page, "intake_stored.png")

    stored = open_store(str(store_path)).read("alerts")
    assert len(stored) == n_stored + 1
    row = stored[stored["id"] == alert_id].iloc[0]
    assert (row["category"], row["channel"], row["reliability"], row["credibility"]) == (
        "armed_group_movement", "hotline", "C", "3")
    assert (row["injured"], row["killed"], row["origin"]) == (2, 0, "intake")
    assert row["reported_at"] == pd.Timestamp(REPORTED, tz="UTC")
    assert (round(row.geometry.y, 4), round(row.geometry.x, 4)) == (float(LAT), float(LON))
    assert row["reporter_key"].startswith("R-")
    audit = open_store(str(store_path)).read("audit")
    assert ((audit["user"] == USER) & (audit["action"] == "intake")
            & audit["detail"].str.contains(alert_id, regex=False)).sum() == 1
    for part in store_path.parent.glob(store_path.name + "*"):
        data = part.read_bytes()
        assert PHONE.encode() not in data and PHONE.replace(" ", "").encode() not in data

    # in the triage queue, opened from the confirmation
    page.get_by_role("button", name="Open it in Alerts triage").click()
    card = page.locator(".ew-triage-card").first
    card.wait_for(timeout=60_000)
    _idle(page)
    assert card.get_attribute("data-alert") == alert_id
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Alert to triage").first
    picked = box.evaluate("b => b.innerText + ' ' + Array.from(b.querySelectorAll('input')).map(i => i.value)"
                          ".join(' ') + ' ' + (b.querySelector('[aria-selected], [title]') || {}).title")
    assert alert_id in picked and "no longer in the queue" not in picked   # one of the queue's own rows
    assert TEXT in card.locator(".ew-alert-text").inner_text()
    assert PHONE not in page.content()
    _shot(page, "intake_triage.png")

    # on the situation map: one alert more, and its popup
    page.locator("[data-testid='stSidebarNav'] a", has_text="Situation map").first.click()
    _idle(page)
    page.wait_for_function("([n]) => { const b = document.querySelector(\".ew-count[data-layer='alerts'] b\");"
                           " return b && parseInt(b.innerText.replace(/,/g, '')) === n; }", arg=[before + 1],
                           timeout=60_000)
    assert _map_alert_count(page) == before + 1
    popup = _popup(page, alert_id)
    assert "error" not in popup, popup
    assert popup["rows"].get("Id") == alert_id
    assert "Intake test: armed men at the Ouaka river crossing" in popup["text"]
    assert "<b>near</b>" not in popup["html"]            # escaped, shown as text
    assert PHONE not in popup["text"]
    page.wait_for_timeout(800)   # the popup fades in
    _shot(page, "intake_map.png")

    assert seen["external"] == [], seen["external"]
    assert seen["dialogs"] == [] and seen["errors"] == [], (seen["dialogs"], seen["errors"])


def test_a_town_typed_with_suggestions_places_the_alert_and_an_unknown_one_is_refused(tab):
    from ewarning.places import shipped_towns
    from ewarning.store import open_store

    page, url, store_path, seen = tab
    open_signed_in(page, url + "/intake", USER)
    form = page.locator("[data-testid='stForm']").first
    form.wait_for(timeout=60_000)
    _idle(page)
    n_stored = len(open_store(str(store_path)).read("alerts"))

    form.get_by_label("Category", exact=True).click()
    _choose(page, "Looting")
    _tab_to(page, "Reported at")
    _type(page, "2018-11-14 11:00")
    _tab_to(page, "Occurred at")
    _tab_to(page, "Place")
    page.keyboard.type("Kouan")
    suggestion = page.get_by_role("option", name="Kouango")
    suggestion.first.wait_for(timeout=10_000)          # the gazetteer suggests the town
    page.keyboard.press("Enter")
    _tab_to(page, "Enter alert", limit=24)             # on to the form's button, through every field
    page.keyboard.press("Enter")
    ok = page.locator(".ew-intake-ok").first
    ok.wait_for(timeout=60_000)
    _idle(page)
    towns = shipped_towns()
    town = towns[towns["name"] == "Kouango"].iloc[0].geometry
    assert (f"Kouango (gazetteer town: lat {town.y:.4f}, lon {town.x:.4f}, precision village)"
            in ok.inner_text())
    _shot(page, "intake_place.png")
    stored = open_store(str(store_path)).read("alerts")
    assert len(stored) == n_stored + 1
    row = stored[stored["id"] == ok.get_attribute("data-alert")].iloc[0]
    assert (row["category"], row["location_precision"]) == ("looting", "village")
    assert (row.geometry.x, row.geometry.y) == pytest.approx((town.x, town.y), abs=1e-9)

    # a place the gazetteer does not know is not suggested; with no coordinates either, the importer says so
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Category", exact=True).click()
    _choose(page, "Looting")
    _tab_to(page, "Reported at")
    _tab_to(page, "Occurred at")
    _tab_to(page, "Place")
    page.keyboard.type("Atlantis")
    page.wait_for_timeout(300)
    assert page.get_by_role("option").count() == 0 or "No results" in page.get_by_role("listbox").inner_text()
    page.keyboard.press("Escape")
    _tab_to(page, "Latitude")
    page.keyboard.type("  ")                           # blanks are no coordinates; Enter here enters the alert
    page.keyboard.press("Enter")
    error = page.locator(".ew-intake-error").first
    error.wait_for(timeout=60_000)
    _idle(page)
    assert [li.inner_text().strip() for li in error.locator("li").all()] == ["lat/lon: missing coordinates"]
    assert len(open_store(str(store_path)).read("alerts")) == n_stored + 1
    assert seen["external"] == [], seen["external"]
    assert seen["dialogs"] == [] and seen["errors"] == [], (seen["dialogs"], seen["errors"])


def test_a_click_on_the_map_fills_in_the_coordinates_and_places_the_alert(tab):
    """The location picked by a click on the map above the form: the coordinates are filled in and stored."""
    from ewarning.store import open_store

    page, url, store_path, seen = tab
    open_signed_in(page, url + "/intake", USER)
    page.locator("[data-testid='stForm']").first.wait_for(timeout=60_000)
    _idle(page)
    n_stored = len(open_store(str(store_path)).read("alerts"))
    page.get_by_text("Pick the location on the map").first.click()
    frame = page.frame_locator(FRAME).first
    frame.locator("path.ew-basemap").first.wait_for(timeout=60_000)
    _idle(page)
    box = page.locator(FRAME).first.bounding_box()
    x, y = round(box["width"] * 0.55), round(box["height"] * 0.55)
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("() => { const e = document.querySelector('input[aria-label=\"Latitude (decimal degrees)\"]');"
                           " return e && e.value !== ''; }", timeout=30_000)
    _idle(page)
    lat = float(page.get_by_label("Latitude (decimal degrees)").input_value())
    lon = float(page.get_by_label("Longitude (decimal degrees)").input_value())
    # the point the map itself puts under the pixel clicked
    there = frame.locator("body").evaluate("""(body, xy) => {
        for (const key of Object.keys(window)) {
            try { if (window[key] instanceof L.Map) {
                const p = window[key].containerPointToLatLng(xy); return [p.lat, p.lng]; } } catch (e) { }
        }
        return null; }""", [x, y])
    assert there and (lat, lon) == pytest.approx(tuple(there), abs=2e-5), (lat, lon, there)
    assert frame.locator("path.ew-picked").count() == 1                 # and the map shows the point picked
    _shot(page, "intake_map_click.png")

    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Category", exact=True).click()
    _choose(page, "Armed attack")
    _tab_to(page, "Reported at")
    _type(page, "2018-11-14 12:00")
    _tab_to(page, "Enter alert", limit=24)
    page.keyboard.press("Enter")
    ok = page.locator(".ew-intake-ok").first
    ok.wait_for(timeout=60_000)
    stored = open_store(str(store_path)).read("alerts")
    assert len(stored) == n_stored + 1
    row = stored[stored["id"] == ok.get_attribute("data-alert")].iloc[0]
    assert (row.geometry.y, row.geometry.x) == pytest.approx((lat, lon), abs=1e-5)
    assert row["location_precision"] == "exact"
    assert not seen["external"] and not seen["errors"], seen
