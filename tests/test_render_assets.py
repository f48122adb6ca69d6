"""The map layers' JavaScript and CSS live in files (ewarning/render/assets/): each loads and reaches the page."""

from __future__ import annotations

import importlib.resources
import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import box

from ewarning.render import maps

ASSETS = importlib.resources.files("ewarning.render").joinpath(maps.ASSETS)
PLACEHOLDER = re.compile(r"@@[a-z_]+@@")


def _raw(name: str) -> str:
    return ASSETS.joinpath(name).read_text(encoding="utf-8")


def _distinctive_line(name: str) -> str:
    """The longest line of ``name`` that no other asset file holds and has no placeholder."""
    others = {line.strip() for other in maps.ASSET_FILES if other != name for line in _raw(other).splitlines()}
    lines = [line.strip() for line in _raw(name).splitlines()]
    lines = [line for line in lines if line and line not in others and not PLACEHOLDER.search(line)]
    assert lines, f"{name} has no line of its own"
    return max(lines, key=len)


def test_every_asset_file_is_listed_read_and_not_empty():
    on_disk = sorted(p.name for p in ASSETS.iterdir() if p.name.endswith((".js", ".css")))
    assert on_disk == sorted(maps.ASSET_FILES)
    for name in maps.ASSET_FILES:
        assert len(_raw(name).strip()) > 20, name
    # what the module composed from them: placeholders all filled
    for text in (maps._CSS, maps._JS_HELPERS, maps._ALERTS_JS, maps._SITES_JS, maps._PRESENCE_JS, maps._PATROLS_JS,
                 maps._HOTSPOTS_JS, maps._COVERAGE_JS, maps._HEAT_JS, maps._AREA_JS, maps._BASEMAP_JS,
                 maps._LEGEND_JS, maps._REGISTER_JS, maps._RESET_JS, maps._CONTROL_JS, maps._ATTRIBUTION_JS):
        assert text.strip() and "@@" not in text
    assert maps._JS_HELPERS in maps._ALERTS_JS and maps._REGISTRY in maps._CONTROL_JS


def test_style_values_are_filled_into_the_stylesheet():
    from ewarning.render import style

    assert f"background: {style.BASEMAP['background']};" in maps._CSS
    assert f"font-family: {style.FONT_FAMILY};" in maps._CSS
    assert "{{" not in maps._CSS and "@@" not in maps._CSS


def test_a_placeholder_must_be_filled_and_a_value_used():
    with pytest.raises(ValueError, match="helpers"):
        maps._asset("alerts.js")
    with pytest.raises(ValueError, match="colour"):
        maps._asset("heat.js", colour="#fff")


def _hotspots() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "hotspot_id": ["H-20181114-1"], "rank": [1], "score": [72.5], "flagged": [True], "trend": ["rising"],
        "place": ["Alindao"], "n_alerts": [6], "presence": [{"military": True, "police": False}],
        "presence_gap": [["police"]], "exposed_sites": [["S1"]], "last_dismounted_days": [3.0],
        "explanation": ["more alerts than usual"], "as_of": ["2018-11-14T23:59:59Z"]},
        geometry=[box(20.5, 4.6, 20.9, 5.0)], crs="EPSG:4326")


def test_a_rendered_situation_map_holds_every_asset_file(map_layers):
    alerts = map_layers["alerts"].copy()
    alerts["origin"] = "ucdp"   # the attribution line is added
    args = dict(alerts=alerts, sites=map_layers["sites"], presence=map_layers["presence"],
                patrols=map_layers["patrols"], basemap=map_layers["basemap"], hotspots=_hotspots(),
                reach_km={"military": 30.0}, show_coverage=True, heat=True, draw=True, area=box(20, 4, 21, 5))
    html = maps.situation_map(**args).get_root().render()
    fixed, live = maps.situation_map_parts(**args)
    fixed.add_child(live)
    split = fixed.get_root().render()
    for name in maps.ASSET_FILES:
        line = _distinctive_line(name)
        if name in ("registry.js", "register.js", "reset.js", "control.js"):   # the split map's layer control
            assert line in split, (name, line)
        else:
            assert line in html, (name, line)
            assert line in split, (name, line)
    assert isinstance(fixed, folium.Map)
