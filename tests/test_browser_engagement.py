"""The Engagement & patrols page in a real browser, offline: map layers, tables, no request out.

Same set-up as ``tests/test_browser.py`` (the demo store, ``serve.py``,
headless Chromium through Playwright, every non-local request blocked and
recorded). Writes ``engagement.png`` and ``engagement-tables.png`` (to docs/screenshots with ``make
screenshots``, else .artifacts/screenshots).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.desk import offline_context
from tests.signin import open_signed_in

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("EWARNING_SCREENSHOTS") or ROOT / ".artifacts" / "screenshots")
FRAME = "iframe[title='app_pages.map_component.ewarning_map']"

pytestmark = pytest.mark.xdist_group("browser")


def test_engagement_page_offline(streamlit_app, chromium):
    url, _ = streamlit_app
    context, external = offline_context(chromium, 1440, 1100)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        open_signed_in(page, url + "/engagement")
        frame = page.frame_locator(FRAME).first
        # the map opens on the places gone silent (Alindao): the rest of the country is drawn, off view
        frame.locator("path.ew-basemap").first.wait_for(state="attached", timeout=90_000)
        frame.locator("path.ew-hotspot").first.wait_for(state="attached", timeout=30_000)
        # the engagement circles (Leaflet core circle markers) and the dashed silence rings
        frame.locator("path.leaflet-interactive[stroke='#7b3294']").first.wait_for(timeout=30_000)
        assert frame.locator("path.leaflet-interactive[stroke='#1a9850'], "
                             "path.leaflet-interactive[stroke='#fdae61'], "
                             "path.leaflet-interactive[stroke='#d73027']").count() >= 5
        page.get_by_text("Duplication: one community").wait_for(timeout=30_000)
        page.get_by_text("Liaison-assistant coverage of bases").wait_for(timeout=30_000)
        page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                               " return a && a.dataset.testScriptState === 'notRunning'; }", timeout=60_000)
        page.mouse.move(5, 5)          # no tooltip over the map in the picture
        page.wait_for_timeout(1500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / "engagement.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        page.get_by_text("Liaison-assistant coverage of bases").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        tables = SHOTS / "engagement-tables.png"
        page.screenshot(path=str(tables))
        assert tables.stat().st_size > 20_000
        assert external == [], external
        assert errors == [], errors
    finally:
        context.close()
