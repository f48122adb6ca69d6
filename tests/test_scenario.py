"""The synthetic demo scenario: reproducible, valid, and carrying the Alindao pattern."""

from __future__ import annotations


import geopandas as gpd
import pandas as pd
import pytest
import shapely

from ewarning import alerts, io, patrols, presence, scenario, sites, vocab

NOW = pd.Timestamp("2026-01-01", tz="UTC")
DEMO = scenario.GEODATA / "demo"
BASEMAP = scenario.GEODATA / "basemap"
METRIC = "EPSG:32634"  # UTM 34N: the centre of the Central African Republic


@pytest.fixture(scope="module")
def tables():
    return scenario.generate(seed=2018)


@pytest.fixture(scope="module")
def layers():
    """The shipped files read and validated as a user's import would be."""
    raw = {}
    for layer in scenario.LAYERS:
        [table] = io.read(DEMO / f"{layer}.csv")
        assert table.layer == layer, f"{layer}.csv is read as {table.layer}"
        assert table.rejected.empty, table.rejected
        raw[layer] = table
    bbox = scenario.MISSION_BBOX
    points = patrols.validate_points(raw["patrol_points"], now=NOW, bbox=bbox)
    routes = patrols.routes_from_points(points.valid)
    return {
        "alerts": alerts.validate(raw["alerts"], now=NOW, bbox=bbox),
        "sites": sites.validate(raw["sites"], now=NOW, bbox=bbox),
        "presence": presence.validate(raw["presence"], now=NOW, bbox=bbox),
        "patrol_points": points,
        "patrols": patrols.validate(raw["patrols"], now=NOW, bbox=bbox, routes=routes),
    }


@pytest.fixture(scope="module")
def car():
    countries = gpd.read_file(BASEMAP / "countries.geojson")
    return countries.loc[countries["iso_a3"] == "CAF", "geometry"].iloc[0]


def _site_point():
    lat, lon = scenario.ALINDAO_SITE
    return gpd.GeoSeries.from_xy([lon], [lat], crs="EPSG:4326").to_crs(METRIC).iloc[0]


# -- reproducibility -----------------------------------------------------------

def test_same_seed_same_tables(tables):
    again = scenario.generate(seed=2018)
    for layer in scenario.LAYERS:
        pd.testing.assert_frame_equal(tables[layer], again[layer])


def test_other_seed_other_alerts(tables):
    other = scenario.generate(seed=7)
    assert not tables["alerts"]["text"].equals(other["alerts"]["text"])


def test_shipped_demo_files_match_the_generator(tmp_path):
    """``python -m ewarning.scenario OUT`` and ``python -m ewarning.demo OUT`` (the engagement log and extra
    tracks) rewrite exactly the shipped files, byte for byte."""
    from ewarning import demo

    assert scenario.main([str(tmp_path)]) == 0
    demo.write(tmp_path)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    shipped = sorted(str(p.relative_to(DEMO)) for p in DEMO.rglob("*") if p.is_file())
    assert names == shipped
    for name in names:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), (
            f"geodata/demo/{name} drifted from ewarning/scenario.py; "
            "regenerate with: python -m ewarning.scenario geodata/demo; python -m ewarning.demo geodata/demo")


def test_shipped_basemap_matches_its_recipe(tmp_path):
    if not scenario.NATURALEARTH.exists():
        pytest.skip("Natural Earth source not available")
    for path in scenario.write_basemap(tmp_path):
        assert path.read_bytes() == (BASEMAP / path.name).read_bytes(), path.name


def test_basemap_is_small_and_has_the_neighbours():
    assert sum(p.stat().st_size for p in BASEMAP.iterdir()) < 300_000
    countries = gpd.read_file(BASEMAP / "countries.geojson")
    assert list(countries.columns) == ["name", "iso_a3", "geometry"]
    assert set(countries["iso_a3"]) == {"CAF", "TCD", "SDN", "SSD", "COD", "COG", "CMR"}
    sectors = gpd.read_file(BASEMAP / "sectors.geojson")
    assert 3 <= len(sectors) <= 4 and sectors["synthetic"].all()
    towns = gpd.read_file(BASEMAP / "towns.geojson")
    assert set(scenario.HOTSPOT_TOWNS) <= set(towns["name"])


# -- validity --------------------------------------------------------------------

@pytest.mark.parametrize("layer", scenario.LAYERS)
def test_every_row_passes_the_validators(layers, layer):
    result = layers[layer]
    assert result.quarantine.empty, result.quarantine[["source_row", "reason"]].head().to_string()
    assert len(result.valid) == result.n_read > 0


def test_sizes_are_those_of_a_real_mission(layers):
    assert 3000 <= len(layers["alerts"].valid) <= 5000
    assert 150 <= len(layers["patrols"].valid) <= 250
    assert 35 <= len(layers["sites"].valid) <= 45
    assert 25 <= layers["presence"].valid["base_id"].nunique() <= 35


def test_every_category_channel_and_code_is_used(layers):
    a = layers["alerts"].valid
    assert set(a["category"]) == set(vocab.CATEGORIES)
    assert set(a["channel"]) == set(vocab.CHANNELS)
    assert set(a["verification"]) == set(vocab.VERIFICATION)
    assert set(a["reliability"]) == set(vocab.RELIABILITY)
    assert set(a["credibility"]) == set(vocab.CREDIBILITY)
    assert set(a["severity"]) == {1, 2, 3, 4, 5}
    assert {"exact", "village", "district"} <= set(a["location_precision"])
    assert (a["location_precision"] == "exact").mean() > 0.5
    assert set(layers["sites"].valid["kind"]) == set(vocab.SITE_KINDS)
    assert set(layers["presence"].valid["kind"]) == set(vocab.BASE_KINDS) - {"other"}
    assert {"dismounted", "vehicle", "integrated", "air"} <= set(layers["patrols"].valid["type"])


def test_reports_come_after_events(layers):
    a = layers["alerts"].valid
    lag = (a["reported_at"] - a["occurred_at"]).dropna()
    assert (lag >= pd.Timedelta(minutes=5)).all()
    assert lag.max() > pd.Timedelta(days=2)
    media = lag[a["channel"] == "media"].median()
    calls = lag[a["channel"] == "can_call"].median()
    assert media > 10 * calls


def test_reporters_are_obviously_fake(tables):
    reporters = tables["alerts"]["reporter"]
    phones = reporters[reporters.str.startswith("+236")]
    assert len(phones) > 1000
    digits = phones.str.replace(r"[\s-]", "", regex=True)
    assert digits.str.fullmatch(r"\+2367000\d{4}").all()


def test_reporter_identities_are_pseudonymised(layers):
    keys = layers["alerts"].valid["reporter_key"].dropna()
    assert keys.str.fullmatch(r"R-[0-9a-f]{12}").all()


def test_near_duplicates_exist(layers):
    linked = alerts.link_near_duplicates(layers["alerts"].valid)
    assert 100 <= linked.notna().sum() <= 1000


def test_rumour_burst_comes_from_one_reporter(tables):
    a = tables["alerts"]
    burst = a[a["reporter"] == scenario.RUMOUR_REPORTER]
    assert len(burst) >= 25
    assert set(burst["category"]) == {"threat_or_rumour"}


def test_quiet_place_has_one_loud_day(layers):
    a = layers["alerts"].valid.to_crs(METRIC)
    lat, lon, _ = scenario.TOWNS[scenario.LOUD_DAY_TOWN]
    town = gpd.GeoSeries.from_xy([lon], [lat], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    near = a[a.distance(town) <= 15_000]
    per_day = near.groupby(near["reported_at"].dt.floor("D")).size()
    assert per_day.max() >= 30
    assert per_day.drop(per_day.idxmax()).max() <= 5


# -- the Alindao pattern ----------------------------------------------------------

def test_alindao_alerts_rise_before_the_attack(layers):
    a = layers["alerts"].valid.to_crs(METRIC)
    near = a[a.distance(_site_point()) <= 25_000]
    t, attack = near["reported_at"], scenario.ALINDAO_ATTACK
    recent = ((t >= attack - pd.Timedelta(days=14)) & (t < attack)).sum() / 14
    baseline = ((t >= attack - pd.Timedelta(days=74)) & (t < attack - pd.Timedelta(days=14))).sum() / 60
    assert baseline > 0
    assert recent > 3 * baseline, (recent, baseline)
    before = near[(t >= attack - pd.Timedelta(days=7)) & (t < attack)]
    assert {"killing", "abduction"} <= set(before["category"])


def test_alindao_attack_is_reported(layers):
    a = layers["alerts"].valid.to_crs(METRIC)
    on_site = a[(a.distance(_site_point()) <= 2_000) & (a["category"] == "killing")
                & (a["occurred_at"].dt.floor("D") == scenario.ALINDAO_ATTACK)]
    assert on_site["killed"].max() == scenario.ALINDAO_KILLED
    assert len(on_site) >= 3
    assert (on_site["reported_at"] < scenario.ALINDAO_ATTACK + pd.Timedelta(days=2)).all()


def test_alindao_site_holds_about_18000(layers):
    s = layers["sites"].valid.set_index("site_id")
    assert s.loc[scenario.ALINDAO_SITE_ID, "population"] == 18_000


def test_only_military_near_alindao_before_the_attack(layers):
    p = layers["presence"].valid
    for day in ("2018-06-01", "2018-11-10", "2018-11-19"):
        on = presence.on(p, pd.Timestamp(day, tz="UTC"))
        near = on[on.to_crs(METRIC).distance(_site_point()) <= 30_000]
        have = presence.components(near).any()
        assert have.to_dict() == {"military": True, "police": False, "civilian": False, "cla": False}, day
    after = presence.on(p, scenario.ALINDAO_SURGE + pd.Timedelta(days=1))
    near = after[after.to_crs(METRIC).distance(_site_point()) <= 30_000]
    have = presence.components(near).any()
    assert have["cla"] and have["civilian"]


@pytest.mark.parametrize("town", [t for t in scenario.HOTSPOT_TOWNS if t != "Alindao"])
def test_other_hotspots_are_multidimensional(layers, town):
    p = layers["presence"].valid
    lat, lon, _ = scenario.TOWNS[town]
    centre = gpd.GeoSeries.from_xy([lon], [lat], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    on = presence.on(p, pd.Timestamp("2018-11-10", tz="UTC"))
    near = on[on.to_crs(METRIC).distance(centre) <= 20_000]
    assert presence.components(near).any().all()


def test_alindao_patrols_are_vehicle_only_and_avoid_the_site(layers):
    p = layers["patrols"].valid.to_crs(METRIC)
    alindao = p[p["unit"].str.startswith("BATT-5 C Coy")]
    before = alindao[alindao["start"] < scenario.ALINDAO_ATTACK]
    assert set(before["type"]) == {"vehicle"}
    assert before["engagements"].mean() < 0.5 and not before["cla_present"].any()
    distance = before.distance(_site_point())
    late = before["start"] >= scenario.ALINDAO_PATROL_AVOIDANCE_START
    assert late.sum() >= 3
    assert (distance[late] > 2_000).all()
    assert (distance[~late] < 1_000).sum() >= 5
    after = alindao[alindao["start"] >= scenario.ALINDAO_SURGE]
    assert after["cla_present"].all() and after["engagements"].mean() > 2


def test_every_point_is_inside_the_country(layers, car):
    for layer in ("alerts", "sites", "presence", "patrol_points"):
        g = layers[layer].valid.geometry
        inside = shapely.contains_xy(car, g.x.to_numpy(), g.y.to_numpy())
        assert inside.all(), f"{layer}: {(~inside).sum()} point(s) outside the CAR outline"
    lines = layers["patrols"].valid.geometry
    assert lines.within(car).all()


def test_gpx_tracks_are_gpx_with_times():
    import xml.etree.ElementTree as ET
    tracks = sorted((DEMO / "tracks").glob("*.gpx"))
    assert 2 <= len(tracks) <= 3
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    meta = pd.read_csv(DEMO / "patrols.csv", dtype=str).set_index("patrol_id")
    for path in tracks:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.topografix.com/GPX/1/1}gpx" and root.get("version") == "1.1"
        pts = root.findall(".//g:trkseg/g:trkpt", ns)
        assert len(pts) >= 2
        times = [p.find("g:time", ns).text for p in pts]
        assert times == sorted(times)
        assert times[0] == meta.loc[path.stem, "start"] and times[-1] == meta.loc[path.stem, "end"]
