"""Map layers rendered to HTML: layers, colours, escaping, source protection, offline assets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from ewarning import vocab
from ewarning.render import maps, style

ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
URL = re.compile(r"""(?:https?:)?//[^\s"'<>()\\]+""")


def render(element) -> str:
    if isinstance(element, folium.Map):
        return element.get_root().render()
    m = maps.localise_assets(folium.Map(tiles=None))
    element.add_to(m)
    return m.get_root().render()


def draw_data(element) -> list[dict]:
    """The JSON payloads of the layer's drawing elements."""
    return [json.loads(e.data_json) for e in maps._walk(element) if isinstance(e, maps._Draw)]


def external_urls(html: str) -> list[str]:
    out = []
    for url in URL.findall(html):
        host = urlparse(url if url.startswith("http") else "http:" + url).hostname
        if host not in LOCAL_HOSTS and not url.startswith("//#"):
            out.append(url)
    return out


@pytest.fixture(scope="module")
def full_map(map_layers):
    return maps.situation_map(map_layers["alerts"], map_layers["sites"], map_layers["presence"],
                              map_layers["patrols"], basemap=map_layers["basemap"])


@pytest.fixture(scope="module")
def full_html(full_map):
    return render(full_map)


def test_every_layer_is_in_the_layer_control(full_map, full_html, map_layers):
    control = [c for c in full_map._children.values() if isinstance(c, folium.LayerControl)]
    assert len(control) == 1
    names = [c.layer_name for c in full_map._children.values() if isinstance(c, folium.FeatureGroup)]
    assert names == ["Basemap (offline boundaries)", f"Patrols ({len(map_layers['patrols'])})",
                     f"IDP sites ({len(map_layers['sites'])})", f"Presence ({len(map_layers['presence'])})",
                     f"Alerts ({len(map_layers['alerts'])})"]
    for name in names:
        assert json.dumps(name)[1:-1] in full_html
    assert "L.control.layers" in full_html


def test_no_tiles_by_default_and_tiles_from_configuration(monkeypatch, map_layers):
    monkeypatch.delenv(maps.TILES_ENV, raising=False)
    m = maps.situation_map(map_layers["alerts"])
    assert not [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert "L.tileLayer" not in render(m)
    monkeypatch.setenv(maps.TILES_ENV, "http://localhost:8080/tiles/{z}/{x}/{y}.png")
    m = maps.situation_map(map_layers["alerts"])
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and tiles[0].tiles == "http://localhost:8080/tiles/{z}/{x}/{y}.png"


def test_alert_colour_follows_category(map_layers):
    alerts = map_layers["alerts"]
    (data,) = draw_data(maps.alerts_layer(alerts))
    lk = data["lookups"]
    assert all(len(data[c]) == len(alerts) for c in maps._ALERT_COLUMNS)   # one array per column
    by_id = {a: i for i, a in enumerate(data["id"])}
    for _, alert in alerts.iterrows():
        i = by_id[alert["id"]]
        code = lk["code"][data["c"][i]]
        assert code == alert["category"]
        assert lk["colour"][data["c"][i]] == style.CATEGORY_COLOURS[alert["category"]]
        assert data["s"][i] == alert["severity"]
        # times travel as minutes since t0 (the browser formats them as before)
        assert pd.Timestamp((data["t0"] + data["rep"][i]) * 60, unit="s", tz="UTC") == \
            alert["reported_at"].floor("min")
        assert data["texts"][data["t"][i]] == maps.escape(maps.excerpt(alert["text"], maps.POPUP_TEXT_CHARS))
    # one distinct colour per category, each reaching the page
    assert len(set(style.CATEGORY_COLOURS.values())) == len(vocab.CATEGORIES)
    html = render(maps.alerts_layer(alerts))
    for colour in style.CATEGORY_COLOURS.values():
        assert colour in html
    # severity drives the radius
    assert lk["radius"][5] > lk["radius"][1]


def test_dense_alerts_are_clustered_sparse_are_not(map_layers):
    alerts = map_layers["alerts"]
    sparse = maps.alerts_layer(alerts, cluster_above=len(alerts))
    dense = maps.alerts_layer(alerts, cluster_above=len(alerts) - 1)
    assert draw_data(sparse)[0]["clustered"] is False
    assert draw_data(dense)[0]["clustered"] is True
    # clustered in the browser on a screen grid (no per-marker plugin objects), zoomed apart at FLAT_ZOOM
    assert draw_data(dense)[0]["flat"] == maps.FLAT_ZOOM and draw_data(dense)[0]["cell"] > 0
    html = render(dense)
    assert "ew-alert-cluster" in html and "openAlert" in html
    assert "markercluster" not in html.lower()


def test_hostile_text_is_escaped_everywhere(full_html, map_layers):
    assert "<script>alert(1)" not in full_html
    assert "alert(1)</script>" not in full_html
    assert "<img src=x" not in full_html
    assert "</script><script>alert(3)" not in full_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in full_html            # alert text, base, patrol, sector
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in full_html   # alert text, site name, town
    # every <script> tag in the page is one folium or we wrote, none from data
    assert full_html.count("<script") == full_html.count("</script>")


def test_report_text_is_never_template_source(map_layers):
    """folium renders through Jinja: a report's "{{ ... }}" or "{% ... %}" stays text (no injection, no crash)."""
    alerts = map_layers["alerts"].iloc[:3].copy()
    alerts["text"] = ["total {{ 7*7 }} dead", "broken {% if %} tag", "{# unclosed comment"]
    m = maps.situation_map(alerts)
    html = render(m)                                  # would raise TemplateSyntaxError if compiled
    assert "total 49 dead" not in html
    (data,) = draw_data(maps.alerts_layer(alerts))
    assert sorted(data["texts"]) == sorted(maps.escape(t) for t in alerts["text"])
    assert "{{ 7*7 }}" not in html and "{%" not in html.split("<script>")[-1]


def test_each_layer_escapes_its_own_text(map_layers):
    cases = [
        (maps.sites_layer(map_layers["sites"]), "&lt;img src=x"),
        (maps.presence_layer(map_layers["presence"]), "&lt;script&gt;"),
        (maps.patrols_layer(map_layers["patrols"]), "&lt;script&gt;"),
        (maps.basemap_layer(map_layers["basemap"]), "&lt;script&gt;"),
        (maps.alerts_layer(map_layers["alerts"]), "&lt;script&gt;"),
    ]
    for layer, escaped in cases:
        html = render(layer)
        assert escaped in html
        assert "<script>alert" not in html and "<img src=x" not in html


def test_reporter_keys_never_reach_the_map(full_html, map_layers):
    keys = map_layers["alerts"]["reporter_key"].dropna().tolist()
    assert keys and all(k.startswith("R-") for k in keys)
    for key in keys:
        assert key not in full_html
    assert "reporter" not in full_html.lower()
    assert "+236" not in full_html


def test_no_request_leaves_the_machine(full_html):
    assert external_urls(full_html) == []
    assert 'src="/app/static/vendor/leaflet-1.9.3/leaflet.js"' in full_html
    assert 'href="/app/static/vendor/fontawesome-free-6.2.0/css/all.min.css"' in full_html


def test_every_vendored_asset_the_page_loads_exists(full_html):
    links = re.findall(r'(?:src|href)="(/app/static/[^"]+)"', full_html)
    # only Leaflet (script and stylesheet) and Font Awesome: no jQuery, Bootstrap or awesome-markers to parse
    assert len(links) >= 3 and not [u for u in links if "jquery" in u or "bootstrap" in u]
    for link in links:
        path = ROOT / "static" / link[len("/app/static/"):]
        assert path.is_file(), link


def test_an_asset_that_was_not_vendored_fails_loudly():
    m = folium.Map(tiles=None)
    folium.plugins.MiniMap().add_to(m)
    with pytest.raises(maps.OfflineAssetError, match="not vendored"):
        maps.localise_assets(m)


def test_asset_base_can_move(map_layers, tmp_path):
    m = maps.situation_map(map_layers["alerts"], asset_base_url="/joc/app/static/vendor")
    html = render(m)
    assert 'src="/joc/app/static/vendor/leaflet-1.9.3/leaflet.js"' in html
    assert "/app/static/vendor/leaflet.markercluster" not in html or "/joc/app/static/vendor/leaflet" in html
    assert not re.search(r'(?:src|href)="/app/static', html)


def test_presence_shows_components_and_gaps(map_layers):
    (data,) = draw_data(maps.presence_layer(map_layers["presence"]))
    cols, lk = data["columns"], data["lookups"]
    assert lk["components"] == ["military", "police", "civilian", "cla"]
    assert lk["icon"] == [style.COMPONENT_ICONS[c] for c in lk["components"]]
    counts = {r[cols.index("id")]: r[cols.index("n")] for r in data["rows"]}
    assert counts["B1"] == [120, 0, 0, 0]       # Alindao: military only, the gap
    assert counts["B2"] == [600, 140, 12, 2]


def test_patrol_types_are_styled_apart(map_layers):
    (data,) = draw_data(maps.patrols_layer(map_layers["patrols"]))
    lk, cols = data["lookups"], data["columns"]
    styles = {lk["type"][r[cols.index("ty")]]: lk["style"][r[cols.index("ty")]] for r in data["rows"]}
    assert set(styles) == {"dismounted", "vehicle"}
    assert styles["dismounted"] != styles["vehicle"]
    assert styles["dismounted"]["dashArray"] and not styles["vehicle"]["dashArray"]


def test_sites_are_sized_by_population(map_layers):
    (data,) = draw_data(maps.sites_layer(map_layers["sites"]))
    cols = data["columns"]
    radius = {r[cols.index("id")]: r[cols.index("r")] for r in data["rows"]}
    assert radius["S1"] > radius["S3"] > radius["S2"]   # 18,000 > 4,500 > unknown


def test_basemap_from_files(tmp_path, map_layers):
    for name, frame in map_layers["basemap"].items():
        frame.to_file(tmp_path / f"{name}.geojson", driver="GeoJSON")
    layer = maps.basemap_layer(tmp_path)
    (data,) = draw_data(layer)
    assert len(data["countries"]["features"]) == 2 and len(data["towns"]["features"]) == 3
    focus = [f["properties"]["n"] for f in data["countries"]["features"] if f["properties"]["f"]]
    assert focus == ["Central African Rep."]          # the country holding the towns


def test_empty_layers_render(map_layers):
    empty = map_layers["alerts"].iloc[0:0]
    m = maps.situation_map(empty, map_layers["sites"].iloc[0:0], map_layers["presence"].iloc[0:0],
                           map_layers["patrols"].iloc[0:0])
    assert "Alerts (0)" in render(m)


def test_ucdp_attribution_when_ucdp_data_is_shown(map_layers):
    from ewarning.io.ucdp import CITATION

    own = maps.situation_map(map_layers["alerts"])
    assert maps.attribution(map_layers["alerts"]) == ""
    ucdp = map_layers["alerts"].assign(origin=["ucdp"] + ["own"] * (len(map_layers["alerts"]) - 1))
    html = render(maps.situation_map(ucdp))
    assert maps.attribution(ucdp) == CITATION
    assert json.dumps(maps.escape(CITATION), ensure_ascii=False)[1:-1] in html
    assert "UCDP" not in render(own)


def test_popup_text_is_a_short_excerpt_cut_on_a_word(map_layers):
    long = "Armed men on motorbikes were seen moving towards Zemio at dawn; residents fled to the church " \
           "and the mission <b>compound</b>. " * 3
    alerts = map_layers["alerts"].iloc[:2].copy()
    alerts["text"] = [long, "<script>alert(1)</script>"]
    (data,) = draw_data(maps.alerts_layer(alerts))
    cut, hostile = (data["texts"][data["t"][i]] for i in range(2))
    assert cut.endswith("\u2026") and len(cut) <= maps.POPUP_TEXT_CHARS + 1
    assert long.startswith(cut[:-1]) and long[len(cut) - 1] == " "          # whole words only
    assert hostile == "&lt;script&gt;alert(1)&lt;/script&gt;"                 # short: whole, escaped
    html = render(maps.alerts_layer(alerts))
    assert "Full text on the Alerts triage page" in html
    # an excerpt is cut before escaping: no half entity
    assert maps.escape(maps.excerpt("a " * 45 + "<script>", 96)).endswith("a\u2026")
    assert maps.excerpt("x" * 300, 100) == "x" * 100 + "\u2026"


def test_html_stays_small_for_20000_alerts(map_layers):
    """20,000 alerts, each with its own 200-character text: the map stays well under 5 MB."""
    base = map_layers["alerts"]
    reps = int(np.ceil(20_000 / len(base)))
    big = base.loc[base.index.repeat(reps)].iloc[:20_000].copy()
    big["id"] = [f"A-{i:08d}" for i in range(len(big))]
    rng = np.random.default_rng(0)
    big = big.set_geometry(gpd.points_from_xy(big.geometry.x + rng.normal(0, 0.3, len(big)),
                                              big.geometry.y + rng.normal(0, 0.3, len(big))), crs="EPSG:4326")
    big["text"] = [(f"Call {i}: armed men were seen moving towards the village at dawn; residents fled to the "
                    "church and the school. " * 3)[:200] for i in range(len(big))]
    big["reported_at"] = big["reported_at"] + pd.to_timedelta(np.arange(len(big)), unit="min")
    size = maps.html_size(maps.situation_map(big))
    per_alert = size / len(big)
    print(f"\nHTML for 20,000 alerts: {size / 1e6:.2f} MB ({per_alert:.0f} bytes per alert)")
    assert per_alert < 225 and size < 4.5e6


# --------------------------------------------------------------------------
# hotspots, coverage, heat, area filter


@pytest.fixture(scope="module")
def scored(map_layers):
    """Hotspots scored on the hostile-text layers, with one forced flag and a hostile place name."""
    from ewarning.hotspots import score_hotspots

    res = score_hotspots(map_layers["alerts"], map_layers["sites"], map_layers["presence"], map_layers["patrols"],
                         as_of="2018-11-26")
    h = res.hotspots.copy()
    assert len(h) >= 1
    h.loc[h.index[0], "flagged"] = True
    h.loc[h.index[0], "presence_gap"] = ["police", "civilian"]
    h.loc[h.index[0], "place"] = "Alindao " + "<script>alert(1)</script>"
    h.loc[h.index[0], "explanation"] = "Rising. <img src=x onerror=alert(2)>"
    return h


def test_hotspots_layer_colours_by_score_and_flags(scored):
    layer = maps.hotspots_layer(scored)
    (data,) = draw_data(layer)
    cols, lk = data["columns"], data["lookups"]
    assert len(data["rows"]) == len(scored)
    assert lk["ramp"] == style.SCORE_RAMP and lk["flag"] == style.FLAG_COLOUR
    row = {c: v for c, v in zip(cols, data["rows"][0])}
    assert row["id"] == scored["hotspot_id"].iloc[0] and row["fl"] == 1 and row["rk"] == 1
    # the popup names the as-of day as every screen does: T = 26 Nov 00:00 is the end of 25 November
    assert row["id"].startswith("H-20181125-") and row["asof"] == "as of end of 25 Nov 2018 (UTC)"
    assert row["gap"] == ["Police", "Civilian"]
    assert row["g"]["type"] in ("Polygon", "MultiPolygon")
    assert layer.layer_name.endswith(", 1 flagged)")
    html = render(layer)
    assert "ew-hotspot-flagged" in html and "fa-flag" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "Alindao &lt;script&gt;alert(1)&lt;/script&gt;" in html
    # tooltips start with the hotspot id: the page finds the clicked hotspot from it
    assert "tip = h.id +" in html


def test_hotspots_layer_ramp_matches_style(scored):
    """The browser picks the colour as style.score_colour does (score / 100 on the ramp)."""
    for score in (0.0, 14.3, 50.0, 72.0, 99.9, 100.0):
        t = min(max(score / 100, 0), 1)
        js = style.SCORE_RAMP[min(int(t * len(style.SCORE_RAMP)), len(style.SCORE_RAMP) - 1)]
        assert js == style.score_colour(score, 0, 100)


def test_coverage_rings_per_component(map_layers):
    reach = {"military": 30.0, "police": 20.0, "civilian": 20.0, "cla": 15.0}
    groups = maps.coverage_layers(map_layers["presence"], reach)
    assert [g.layer_name for g in groups] == ["Coverage: military 30 km (3)", "Coverage: police 20 km (2)",
                                              "Coverage: civilian 20 km (2)", "Coverage: liaison assistants 15 km (2)"]
    assert all(not g.show for g in groups)          # hidden until toggled on
    datas = [draw_data(g)[0] for g in groups]
    assert [d["radius_m"] for d in datas] == [30_000.0, 20_000.0, 20_000.0, 15_000.0]
    assert [d["colour"] for d in datas] == [style.COMPONENT_COLOURS[c] for c in reach]
    # Alindao (military only) has a military ring and no police ring
    assert [20.69, 4.8] in datas[0]["rows"] and [20.69, 4.8] not in datas[1]["rows"]


def test_heat_layer_weights_by_severity_and_is_offline(map_layers):
    alerts = map_layers["alerts"].copy()
    alerts.loc[alerts.index[0], "verification"] = "discounted"
    layer = maps.heat_layer(alerts)
    (data,) = draw_data(layer)
    # summed on a ~1 km grid: every alert but the discounted one is counted once
    assert data["n"] == len(alerts) - 1 and len(data["x"]) <= data["n"]
    assert min(data["w"]) >= 0.2 and abs(sum(data["w"]) - sum(
        min(max(int(s), 1), 5) / 5 for s in alerts["severity"].iloc[1:])) < 0.05 * len(data["w"]) + 1e-9
    html = render(layer)
    assert "/app/static/vendor/leaflet.heat-0.2.0/leaflet-heat.js" in html and external_urls(html) == []
    assert not layer.show


def test_draw_control_is_vendored_and_quiet(map_layers):
    m = maps.situation_map(map_layers["alerts"], draw=True)
    html = render(m)
    assert "/app/static/vendor/leaflet-draw-1.0.2/leaflet.draw.js" in html
    assert "/app/static/vendor/leaflet-draw-1.0.2/leaflet.draw.css" in html
    assert external_urls(html) == []
    assert "alert(coords)" not in html           # folium's default pops a dialog on click


def test_area_layer_outlines_the_filter():
    from shapely.geometry import box

    (data,) = draw_data(maps.area_layer(box(20, 4, 21, 5)))
    assert data["g"]["type"] == "Polygon" and data["colour"] == style.FLAG_COLOUR
    assert draw_data(maps.area_layer(None))[0]["g"] is None


def test_full_desk_map_names_every_layer(map_layers, scored):
    m = maps.situation_map(map_layers["alerts"], map_layers["sites"], map_layers["presence"], map_layers["patrols"],
                           basemap=map_layers["basemap"], hotspots=scored, heat=True, draw=True,
                           reach_km={"military": 30.0, "police": 20.0})
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert names[:3] == ["Basemap (offline boundaries)", f"Hotspots ({len(scored)}, 1 flagged)",
                         "Heat (alert density)"]
    assert names[3].startswith("Coverage: military") and names[4].startswith("Coverage: police")
    assert names[-1] == f"Alerts ({len(map_layers['alerts'])})"
    html = render(m)
    assert external_urls(html) == []
    assert html.count("<script") == html.count("</script>")


def test_split_map_keeps_the_fixed_part_stable_across_filters(map_layers, scored):
    """The desk's map: fixed part identical whatever the filters, live part holds the filtered layers."""
    from app_pages import map_component

    fit = (map_layers["alerts"], map_layers["sites"], map_layers["presence"], map_layers["patrols"])

    def parts(alerts, hot):
        return maps.situation_map_parts(alerts, map_layers["sites"], map_layers["presence"], map_layers["patrols"],
                                        basemap=map_layers["basemap"], hotspots=hot, heat=True, draw=True,
                                        reach_km={"military": 30.0}, fit=fit)

    fixed1, live1 = parts(map_layers["alerts"], scored)
    fixed2, live2 = parts(map_layers["alerts"].iloc[:5], scored.iloc[:1])
    one, other = map_component.fixed_args(fixed1), map_component.fixed_args(fixed2)

    def same_but_ids(text: str) -> str:   # folium names each element with a random id
        return re.sub(r"_[0-9a-f]{32}\b", "_ID", text)

    for part in ("header", "html", "script"):   # the fixed part does not depend on the filtered layers
        assert same_but_ids(one[part]) == same_but_ids(other[part]), part
    assert map_component.live_args(live1)["script"] != map_component.live_args(live2)["script"]
    names = [c.layer_name for c in live1._children.values() if isinstance(c, folium.FeatureGroup)]
    assert names == [f"Hotspots ({len(scored)}, 1 flagged)", "Heat (alert density)", "Coverage: military 30 km (3)",
                     f"Patrols ({len(map_layers['patrols'])})", f"IDP sites ({len(map_layers['sites'])})",
                     f"Presence ({len(map_layers['presence'])})", f"Alerts ({len(map_layers['alerts'])})"]
    # the live groups are added by the rebuilt layer control (toggled state kept), which lists them all
    regs = [d for d in draw_data(live1) if "key" in d]
    assert [r["key"] for r in regs] == ["hotspots", "heat", "coverage-military", "patrols", "sites", "presence",
                                        "alerts"]
    assert [r["show"] for r in regs] == [True, False, False, True, True, True, True]
    html = render(live1)
    assert "L.control.layers" in html and "window.layer_control" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert external_urls(html) == []
    assert not [c for c in fixed1._children.values() if isinstance(c, folium.LayerControl)]
