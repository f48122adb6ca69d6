"""The project's own map component (app_pages/map_component.py): offline frontend, strings without CDN links."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import folium
import pytest

from tests.desk import offline_context
from tests.signin import open_signed_in

from app_pages import map_component
from ewarning.render import maps

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
URL = re.compile(r"""(?:https?:)?//[^\s"'<>()\\]+""")
CDN = re.compile(r"cdn|unpkg|jsdelivr|cloudflare|googleapis|bootstrapcdn|fontawesome\.com", re.I)


def public_urls(text: str) -> list[str]:
    """http(s):// and protocol-relative URLs to a host other than this machine."""
    out = []
    for url in URL.findall(text):
        host = urlparse(url if url.startswith("http") else "http:" + url).hostname
        if host and host not in LOCAL_HOSTS:
            out.append(url)
    return out


def test_frontend_files_exist_and_name_no_public_host():
    files = sorted(p.name for p in map_component.FRONTEND.iterdir())
    assert "index.html" in files and "component.js" in files
    html = (map_component.FRONTEND / "index.html").read_text(encoding="utf-8")
    assert 'src="./component.js"' in html
    for path in map_component.FRONTEND.iterdir():
        text = path.read_text(encoding="utf-8")
        assert public_urls(text) == [], path.name
        assert not CDN.search(text), path.name
    js = (map_component.FRONTEND / "component.js").read_text(encoding="utf-8")
    # the protocol, spoken by hand
    for message in ("streamlit:componentReady", "streamlit:render", "streamlit:setFrameHeight",
                    "streamlit:setComponentValue", "isStreamlitMessage", "apiVersion: 1"):
        assert message in js, message


def test_the_frame_is_named_as_the_browser_tests_find_it():
    assert map_component.FULL_NAME == "app_pages.map_component.ewarning_map"
    browser_tests = (Path(__file__).parent / "test_browser.py").read_text(encoding="utf-8")
    assert f"iframe[title='{map_component.FULL_NAME}']" in browser_tests


@pytest.fixture(scope="module")
def parts(map_layers):
    fixed, live = maps.situation_map_parts(map_layers["alerts"], map_layers["sites"], map_layers["presence"],
                                           map_layers["patrols"], basemap=map_layers["basemap"], heat=True,
                                           draw=True, reach_km={"military": 30.0})
    return map_component.fixed_args(fixed), map_component.live_args(live)


def test_strings_passed_hold_no_cdn_url(parts):
    fixed, live = parts
    for part in (fixed["header"], fixed["html"], fixed["script"], live["header"], live["script"]):
        assert public_urls(part) == []
        assert not CDN.search(part)
    # the vendored Leaflet and plugins, from the asset base
    assert '<script src="/app/static/vendor/leaflet-1.9.3/leaflet.js"></script>' in fixed["header"]
    assert "/app/static/vendor/leaflet-draw-1.0.2/leaflet.draw.js" in fixed["header"]
    assert "/app/static/vendor/leaflet.heat-0.2.0/" in live["header"]     # the heat layer travels with the live part


def test_fixed_and_live_parts_fit_together(parts):
    fixed, live = parts
    assert f"var {fixed['map_name']} = L.map(" in fixed["script"]
    assert f'id="{fixed["map_name"]}"' in fixed["html"]
    # the live script only adds layers: it never creates a map, and names the map it joins `parent`
    assert "L.map(" not in live["script"] and live["parent"] in live["script"]
    assert "L.control.layers" in live["script"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in live["script"] and "<script>alert(1)" not in live["script"]
    # the signature keys the frame: it follows the strings
    assert len(fixed["sig"]) == len(live["sig"]) == 24 and fixed["sig"] != live["sig"]
    assert map_component._sig(fixed["header"], fixed["html"], fixed["script"]) == fixed["sig"]


def test_show_without_a_running_app_returns_the_defaults():
    fixed = map_component.fixed_args(maps.situation_map())
    assert map_component.show(fixed, key="m", height=300) == {"last_object_clicked_tooltip": None,
                                                                "last_clicked": None, "all_drawings": None}
    assert map_component.show(fixed, key="m2", height=300, returned_objects=()) == {}
    with pytest.raises(ValueError, match="cannot return"):
        map_component.show(fixed, key="m3", height=300, returned_objects=["zoom"])


def test_a_plain_map_has_its_parts():
    parts = map_component.fixed_args(folium.Map(tiles=None))
    assert parts["map_name"].startswith("map_") and parts["sig"]


# --------------------------------------------------------------------------
# in the browser: the live part swaps in the open map, a drawing filters every page

FRAME = f"iframe[title='{map_component.FULL_NAME}']"


@pytest.fixture()
def tab(streamlit_app, chromium):
    """A tab on the running dashboard with every non-local request blocked and recorded."""
    url, _ = streamlit_app
    context, external = offline_context(chromium, 1440, 900)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_signed_in(page, url + "/")
    yield page
    context.close()
    assert external == [] and errors == []


def _alerts_label(frame) -> str:
    return frame.locator(".leaflet-control-layers-overlays label", has_text="Alerts (").inner_text().strip()


@pytest.mark.xdist_group("browser")
def test_a_filter_change_swaps_the_live_layers_in_the_open_map(tab):
    page = tab
    frame = page.frame_locator(FRAME).first
    frame.locator(".ew-presence").first.wait_for(timeout=60_000)
    frame.locator(".ew-alert, .ew-alert-cluster").first.wait_for(timeout=30_000)
    before = _alerts_label(frame)
    # mark this document, move the view and switch patrols off: all three must survive the swap
    view = frame.locator("body").evaluate("""() => { window.__ewMark = 'same document';
        window.map.setView([5.6, 20.9], 8, {animate: false});
        return [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]; }""")
    frame.locator(".leaflet-control-layers-overlays label", has_text="Patrols").locator("input").uncheck()
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="7 days").click()
    frame.locator(".leaflet-control-layers-overlays label", has_text="Alerts (").filter(
        has_not_text=before).wait_for(timeout=30_000)
    after = frame.locator("body").evaluate("""() => [window.__ewMark, window.map.getCenter().lat,
        window.map.getCenter().lng, window.map.getZoom(), window.__ewMap.live.length]""")
    assert after[0] == "same document"
    assert after[1:4] == pytest.approx(view, abs=1e-6)
    assert after[4] >= 5
    assert _alerts_label(frame) != before
    assert not frame.locator(".leaflet-control-layers-overlays label", has_text="Patrols").locator(
        "input").is_checked()
    assert frame.locator("path.ew-patrol").count() == 0
    # one live part on the map: one alerts layer, one layer control
    assert frame.locator("body").evaluate(
        "() => Object.values(window.map._layers).filter(l => typeof l.openAlert === 'function').length") == 1
    assert frame.locator(".leaflet-control-layers").count() == 1


@pytest.mark.xdist_group("browser")
def test_a_rectangle_drawn_on_the_map_sets_the_area_filter(tab):
    page = tab
    frame = page.frame_locator(FRAME).first
    frame.locator(".ew-presence").first.wait_for(timeout=60_000)
    frame.locator(".leaflet-draw-draw-rectangle").click()
    corners = frame.locator("body").evaluate("""() => {
        const a = window.map.latLngToContainerPoint([4.5, 20.2]), b = window.map.latLngToContainerPoint([5.2, 21.2]);
        const box = window.map.getContainer().getBoundingClientRect();
        return [a.x + box.left, a.y + box.top, b.x + box.left, b.y + box.top]; }""")
    offset = page.locator(FRAME).first.bounding_box()
    x0, y0, x1, y1 = (corners[0] + offset["x"], corners[1] + offset["y"],
                      corners[2] + offset["x"], corners[3] + offset["y"])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()
    page.locator("[data-testid='stSidebar']").get_by_text("Area drawn on the map").wait_for(timeout=30_000)
    # the filter changed the map itself: a new frame outlines the area
    page.frame_locator(FRAME).first.locator("path.ew-area").first.wait_for(timeout=60_000)
