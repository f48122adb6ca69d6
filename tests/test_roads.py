"""Reach by road: travel time from bases over a real road file, against straight-line reach."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString

from ewarning.geo import metric_crs
from ewarning.hotspots import HotspotConfig, score_hotspots
from ewarning.roads import RoadNetwork, read_roads

REPO = Path(__file__).resolve().parent.parent
CRS = "EPSG:32634"   # UTM 34N: the Alindao area
WHEN = pd.Timestamp("2018-11-15", tz="UTC")


def _km(x, y):
    """A point x, y km east and north of a fixed origin near Alindao, in EPSG:4326."""
    return gpd.GeoSeries(shapely.points([x * 1000 + 690_000], [y * 1000 + 557_000]), crs=CRS).to_crs("EPSG:4326").iloc[0]


def _line(*xy_km):
    pts = [_km(x, y) for x, y in xy_km]
    return LineString([(p.x, p.y) for p in pts])


def _alerts_at(x, y, n=8):
    p = _km(x, y)
    t = WHEN - pd.to_timedelta(np.linspace(20, 1, n), unit="D")
    return gpd.GeoDataFrame({"id": [f"A{i}" for i in range(n)], "reported_at": t, "category": "killing", "killed": 2},
                            geometry=[p] * n, crs="EPSG:4326")


def _bases():
    from ewarning import presence as presence_mod
    from ewarning.io.base import RawTable
    rows = [("B-POL", "Police post", "police_post", 15, 0, 0, 40), ("B-MIL", "Company base", "company_base", 0, 40, 150, 0)]
    raw = pd.DataFrame([{"base_id": b, "name": n, "kind": k, "lat": _km(x, y).y, "lon": _km(x, y).x,
                         "start": "2018-01-01", "military": m, "police": p} for b, n, k, x, y, m, p in rows]).astype(str)
    raw.index = range(1, len(raw) + 1)
    v = presence_mod.validate(RawTable("presence", raw, "p.csv", "own"), now=pd.Timestamp("2030-01-01", tz="UTC"))
    assert len(v.quarantine) == 0, v.quarantine["reason"].tolist()
    return v.valid


def _roads_file(tmp_path) -> Path:
    # the police post (15 km east) is across a river: its only road runs 40 km round by a track;
    # the company base (40 km north) has a primary road straight to the place
    roads = gpd.GeoDataFrame(
        {"highway": ["track", "track", "primary"], "name": ["round the river", "back west", "national road"]},
        geometry=[_line((15, 0), (15, 20), (0.5, 20)), _line((0.5, 20), (0.5, 0.5)), _line((0, 40), (0, 0.2))],
        crs="EPSG:4326")
    path = tmp_path / "roads.geojson"
    roads.to_file(path, driver="GeoJSON")
    return path


def test_reach_by_road_differs_from_straight_line_reach(tmp_path):
    roads = read_roads(_roads_file(tmp_path))
    alerts, bases = _alerts_at(0, 0), _bases()
    straight = score_hotspots(alerts, presence=bases, as_of=WHEN).hotspots.iloc[0]
    by_road = score_hotspots(alerts, presence=bases, as_of=WHEN, roads=roads).hotspots.iloc[0]
    # straight line: police 15 km (reach 20) yes, military 40 km (reach 30) no
    assert straight["presence"]["police"] and not straight["presence"]["military"]
    # by road: the national road brings the company in under an hour; the police post is hours away round the river
    assert by_road["presence"]["military"] and not by_road["presence"]["police"]
    assert "police" in by_road["presence_gap"] and "military" not in by_road["presence_gap"]
    assert "h by road" in by_road["explanation"] and "Nearest by road beyond reach: police" in by_road["explanation"]


def test_travel_hours_follow_speeds_and_junctions(tmp_path):
    net = RoadNetwork.from_lines(read_roads(_roads_file(tmp_path)), CRS)
    origin = gpd.GeoSeries([_km(0, 0)], crs="EPSG:4326").to_crs(CRS).iloc[0]
    place = [shapely.buffer(shapely.Point(origin.x / 1000, origin.y / 1000), 1.0)]
    base = gpd.GeoSeries([_km(0, 40), _km(15, 0)], crs="EPSG:4326").to_crs(CRS)
    xy = np.column_stack([base.x / 1000, base.y / 1000])
    mil, pol = (net.hours_from(xy[i:i + 1], place, off_road_kmh=4.0, access_km=10.0)[0] for i in range(2))
    assert mil == pytest.approx(39.8 / 50.0, abs=0.05)          # primary road at 50 km/h to 0.2 km from the place
    # police: 54 km of track at 12 km/h (4.5 h) loses to walking the 14 km straight across (3.5 h)
    assert pol == pytest.approx(14.0 / 4.0, abs=0.02)
    slow = net.hours_from(xy[1:2], place, off_road_kmh=1.0, access_km=10.0)[0]
    assert slow == pytest.approx(54.0 / 12.0, abs=0.02)            # when walking is slower, the track wins
    # roads that cross without a shared vertex are joined: a crossing road gives a short cut
    cross = gpd.GeoDataFrame({"speed_kmh": [50.0, 50.0]}, geometry=[_line((-10, 0), (10, 0)), _line((0, -10), (0, 10))],
                             crs="EPSG:4326")
    net2 = RoadNetwork.from_lines(cross, CRS)
    start = gpd.GeoSeries([_km(-10, 0)], crs="EPSG:4326").to_crs(CRS)
    goal = gpd.GeoSeries([_km(0, 10)], crs="EPSG:4326").to_crs(CRS).iloc[0]
    h = net2.hours_from(np.column_stack([start.x / 1000, start.y / 1000]),
                        [shapely.buffer(shapely.Point(goal.x / 1000, goal.y / 1000), 0.5)], 4.0, 10.0)[0]
    assert h == pytest.approx(19.5 / 50.0, abs=0.02)                # 10 km east, then 9.5 km north at the junction


def test_unreachable_and_bad_road_files(tmp_path):
    net = RoadNetwork.from_lines(read_roads(_roads_file(tmp_path)), CRS)
    far = gpd.GeoSeries([_km(300, 300)], crs="EPSG:4326").to_crs(CRS).iloc[0]
    base = gpd.GeoSeries([_km(0, 40)], crs="EPSG:4326").to_crs(CRS)
    h = net.hours_from(np.column_stack([base.x / 1000, base.y / 1000]),
                       [shapely.buffer(shapely.Point(far.x / 1000, far.y / 1000), 1.0)], 4.0, 10.0)
    assert h[0] == pytest.approx((np.hypot(300, 260) - 1.0) / 4.0, rel=1e-3)   # no road near it: all off road
    assert np.isinf(net.hours_from(np.zeros((0, 2)), [shapely.Point(0, 0)], 4.0, 10.0)).all()
    points = gpd.GeoDataFrame({"a": [1]}, geometry=[_km(0, 0)], crs="EPSG:4326")
    points.to_file(tmp_path / "points.geojson", driver="GeoJSON")
    with pytest.raises(ValueError, match="no road lines"):
        read_roads(tmp_path / "points.geojson")
    (tmp_path / "broken.geojson").write_text("{not json")
    with pytest.raises(ValueError, match="cannot read the road layer"):
        read_roads(tmp_path / "broken.geojson")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ewarning", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_cli_roads_option(tmp_path):
    alerts = _alerts_at(0, 0)
    a_csv = tmp_path / "alerts.csv"
    pd.DataFrame({"id": alerts["id"], "reported_at": alerts["reported_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "lat": alerts.geometry.y, "lon": alerts.geometry.x, "category": "killing", "killed": 2}).to_csv(a_csv, index=False)
    b = _bases()
    p_csv = tmp_path / "presence.csv"
    pd.DataFrame({"base_id": b["base_id"], "name": b["name"], "kind": b["kind"], "lat": b.geometry.y,
                  "lon": b.geometry.x, "start": "2018-01-01", "military": b["military"], "police": b["police"]}
                 ).to_csv(p_csv, index=False)
    roads = _roads_file(tmp_path)
    proc = _cli("hotspots", "--alerts", a_csv, "--presence", p_csv, "--roads", roads, "--as-of", "2018-11-15")
    assert proc.returncode == 0, proc.stderr
    h = json.loads(proc.stdout)["features"][0]["properties"]
    assert h["presence"]["military"] and not h["presence"]["police"]
    assert "reach is travel time by road" in proc.stderr
    proc = _cli("hotspots", "--alerts", a_csv, "--presence", p_csv, "--roads", tmp_path / "none.geojson",
                "--as-of", "2018-11-15")
    assert proc.returncode == 2 and "--roads" in proc.stderr and "no such file" in proc.stderr
    proc = _cli("hotspots", "--alerts", a_csv, "--reach-hours", "2", "--as-of", "2018-11-15")
    assert proc.returncode == 2 and "--reach-hours needs --roads" in proc.stderr
    proc = _cli("watch", "--alerts", a_csv, "--presence", p_csv, "--roads", roads, "--as-of", "2018-11-15",
                "--sites", _sites_csv(tmp_path))
    assert proc.returncode == 0, proc.stderr
    site = json.loads(proc.stdout)["features"][0]["properties"]
    assert site["presence"]["military"] and "police" in site["presence_gap"]


def _sites_csv(tmp_path):
    p = _km(0.5, 0.5)
    path = tmp_path / "sites.csv"
    pd.DataFrame({"site_id": ["S1"], "name": ["Camp"], "kind": ["idp_camp"], "lat": [p.y], "lon": [p.x],
                  "population": [5000], "opened": ["2017-01-01"]}).to_csv(path, index=False)
    return path
