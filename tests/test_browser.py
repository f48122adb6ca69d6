"""The running dashboard in a real browser, with every non-local request blocked and recorded.

Starts ``streamlit run dashboard.py`` on a temporary store (fixtures in
``conftest.py``), opens it in Chromium at 1440x900 and checks that the
situation map draws every layer with no internet, that the layer control
works, that hostile report text is shown as text, and writes the screenshot
``docs/screenshots/situation-map.png``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshots" / "situation-map.png"
LOCAL = {"localhost", "127.0.0.1", "::1", "[::1]"}
FRAME = "iframe[title='streamlit_folium.st_folium']"

LAYER_SELECTORS = {
    "alerts": ".ew-alert, .ew-alert-cluster",
    "sites": "path.ew-site",
    "presence": ".ew-presence",
    "patrols": "path.ew-patrol",
}


@pytest.fixture(scope="module")
def session(streamlit_app, chromium):
    """One page on the dashboard; yields (page, map frame, external requests, dialogs, errors)."""
    url, _ = streamlit_app
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    external: list[str] = []

    def gate(route):
        request_url = route.request.url
        host = urlparse(request_url).hostname
        if request_url.startswith(("data:", "blob:", "about:")) or host in LOCAL:
            route.continue_()
        else:
            external.append(request_url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("frameattached", lambda frame: None)
    page.goto(url, wait_until="domcontentloaded")
    frame = page.frame_locator(FRAME)
    frame.locator("path.ew-basemap").first.wait_for(timeout=60_000)
    frame.locator(".ew-presence").first.wait_for(timeout=30_000)
    frame.locator(LAYER_SELECTORS["alerts"]).first.wait_for(timeout=30_000)
    # dialogs inside the component iframe are reported by the page too
    yield page, frame, external, dialogs, errors
    context.close()


def test_screenshot(session):
    """First, before popups pan the map: the view as an analyst first sees it."""
    page, frame, *_ = session
    page.locator(".ew-counts").wait_for()
    frame.locator("body").evaluate("() => new Promise(r => setTimeout(r, 500))")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 20_000


def test_every_layer_is_drawn(session, map_layers):
    page, frame, *_ = session
    assert frame.locator("path.ew-basemap").count() > 0
    for layer, selector in LAYER_SELECTORS.items():
        assert frame.locator(selector).count() > 0, layer
    # the sparse alert layer is drawn one circle per alert
    assert frame.locator("path.ew-alert").count() == len(map_layers["alerts"])
    assert frame.locator(".ew-town-label").count() > 0   # the shipped geodata/basemap towns
    # Alindao: military only -> outlined as not multidimensional; icons come from the vendored font
    assert frame.locator(".ew-presence-gap").count() >= 1
    assert frame.locator(".ew-presence .fa-solid").count() == 4 * len(map_layers["presence"])
    font_ok = frame.locator("body").evaluate(
        "() => document.fonts.ready.then(() => Array.from(document.fonts).some("
        "f => f.family.includes('Font Awesome') && f.status === 'loaded'))")
    assert font_ok
    header = page.locator(".ew-counts").inner_text()
    assert f"{len(map_layers['alerts'])} alerts" in header.replace("\n", " ")


def test_layer_control_toggles_a_layer(session):
    _, frame, *_ = session
    label = frame.locator(".leaflet-control-layers-overlays label", has_text="Patrols")
    assert frame.locator("path.ew-patrol").count() > 0
    label.locator("input").uncheck()
    frame.locator("path.ew-patrol").first.wait_for(state="detached", timeout=5_000)
    assert frame.locator("path.ew-patrol").count() == 0
    label.locator("input").check()
    frame.locator("path.ew-patrol").first.wait_for(timeout=5_000)
    assert frame.locator("path.ew-patrol").count() > 0


def test_hostile_report_shows_as_text(session):
    _, frame, _, dialogs, errors = session
    marker = frame.locator("path.ew-cat-sexual_violence")
    assert marker.count() == 1
    marker.click(force=True)
    popup = frame.locator(".leaflet-popup-content .ew-pop")
    popup.wait_for(timeout=5_000)
    assert "<script>alert(1)</script>" in popup.inner_text()
    assert "&lt;script&gt;" in popup.inner_html()
    assert popup.locator("script").count() == 0
    frame.locator(".leaflet-popup-close-button").click()
    frame.locator(".leaflet-popup").wait_for(state="detached", timeout=5_000)
    # hover the hostile site name (an <img onerror>) and open the hostile base
    frame.locator("path.ew-site").nth(1).hover(force=True)
    frame.locator(".ew-presence").nth(1).click(force=True)
    base_popup = frame.locator(".leaflet-popup-content .ew-pop", has_text="Bambari")
    base_popup.wait_for(timeout=5_000)
    assert "Bambari <script>alert(1)</script>" in base_popup.inner_text()
    frame.locator("body").evaluate("() => new Promise(r => setTimeout(r, 300))")
    assert frame.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
    frame.locator(".leaflet-popup-close-button").click()
    assert dialogs == []
    assert errors == []


def test_no_request_left_the_machine(session, streamlit_app):
    """Runs last in this module: everything above happened with the internet cut off."""
    page, _, external, *_ = session
    page.reload(wait_until="networkidle")
    page.frame_locator(FRAME).locator("path.ew-basemap").first.wait_for(timeout=60_000)
    assert external == []
    _, log = streamlit_app
    text = log.read_text(errors="replace")
    assert "external IP" not in text          # no checkip.amazonaws.com lookup at start-up
    assert "Traceback" not in text
