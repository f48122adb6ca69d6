"""Patrol analytics on real-shaped GPS tracks: noise, a speed spike, a duplicate, disorder, a stop, a gap.

The track is built on the UTM zone the analytics use (EPSG:32634 around
Alindao), so every expected figure below is worked out by hand from the
legs, not read back from the code:

==========  ==========  ===============================================
time (s)    leg         what happens
==========  ==========  ===============================================
0-600       drive       12 m/s north (43.2 km/h), 7.2 km, fixes every 10 s
600-1800    stop        at village V, GPS jitter of up to 8 m
1800-3000   walk        1.5 m/s north (5.4 km/h), 1.8 km
3000-5700   gap         device off 45 min (more than the 30 min gap)
5700-6300   drive       12 m/s north, 7.2 km
==========  ==========  ===============================================

With a 100 m / 10 min stop rule the stop runs from t=600 until the walk has
gone 90 m (t=1860, the last 10-minute window still inside 100 m); the next
window reaches 105 m. So: stop 21 min; on foot 1860-3000 = 19 min; vehicle
10 + 10 = 20 min; gap 45 min; 21 + 19 + 20 + 45 = 105 min = the duration.
Distance: 7.2 + 1.5 x 1140 s (1.71) + 7.2 = 16.11 km (stop jitter is not
distance).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest

from ewarning.io.base import ReadError
from ewarning.tracking import SUMMARY_COLUMNS, TrackConfig, analyse, read_tracks, site_last_pass, time_by_area

ROOT = Path(__file__).resolve().parents[1]
CRS = "EPSG:32634"
X0, Y0 = 300_000.0, 556_000.0          # near Alindao (lon ~21.2, lat ~5.03)
T0 = pd.Timestamp("2018-11-01T08:00:00Z")
_INV = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
_FWD = pyproj.Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def _lonlat(x, y):
    lon, lat = _INV.transform(X0 + np.asarray(x, dtype=float), Y0 + np.asarray(y, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def patrol_track(seed: int = 7) -> pd.DataFrame:
    """The table's track as points (t seconds, x, y metres from the origin), noise included."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(0, 601, 10):                       # drive 12 m/s
        rows.append((t, rng.uniform(-1, 1), 12.0 * t + rng.uniform(-1, 1)))
    rows[-1] = (600, 0.0, 7200.0)                     # arrival exactly at the village
    for t in range(610, 1800, 10):                    # stop: jitter
        rows.append((t, rng.uniform(-8, 8), 7200.0 + rng.uniform(-8, 8)))
    for t in range(1800, 3001, 10):                   # walk 1.5 m/s
        rows.append((t, rng.uniform(-1, 1), 7200.0 + 1.5 * (t - 1800) + rng.uniform(-0.5, 0.5)))
    for t in range(5700, 6301, 10):                   # after the gap: drive 12 m/s
        rows.append((t, rng.uniform(-1, 1), 9000.0 + 12.0 * (t - 5700) + rng.uniform(-1, 1)))
    frame = pd.DataFrame(rows, columns=["t", "x", "y"])
    # GPS noise: a spike 3 km east (exactly onto site F) at t=300, a duplicate fix, two fixes out of order.
    frame.loc[frame["t"] == 300, "x"] = 3000.0
    dup = frame[frame["t"] == 100]
    frame = pd.concat([frame.iloc[:11], dup, frame.iloc[11:]], ignore_index=True)
    i, j = frame.index[frame["t"] == 200][0], frame.index[frame["t"] == 210][0]
    frame.iloc[[i, j]] = frame.iloc[[j, i]].to_numpy()
    return frame


SITES = {"Village V": (0.0, 7200.0), "Camp S": (1500.0, 8100.0), "Town T": (-500.0, 15000.0),
         "Far F": (3000.0, 3600.0)}


def sites_frame() -> gpd.GeoDataFrame:
    lon, lat = _lonlat([v[0] for v in SITES.values()], [v[1] for v in SITES.values()])
    return gpd.GeoDataFrame({"name": list(SITES)}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def write_gpx(path: Path, tracks: dict[str, tuple[pd.DataFrame, str, str]]) -> Path:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">']
    for name, (frame, unit, kind) in tracks.items():
        lon, lat = _lonlat(frame["x"], frame["y"])
        parts.append(f"<trk><name>{name}</name><desc>{unit}</desc><type>{kind}</type><trkseg>")
        for lo, la, t in zip(lon, lat, frame["t"]):
            when = (T0 + pd.Timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%SZ")
            parts.append(f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><ele>450</ele><time>{when}</time></trkpt>')
        parts.append("</trkseg></trk>")
    parts.append("</gpx>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gpx(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tracks")
    walk = pd.DataFrame({"t": np.arange(0, 1201, 60.0), "x": 0.0, "y": np.arange(0, 1201, 60.0) * 1.2})
    return write_gpx(d / "patrols.gpx", {"PTL-T1": (patrol_track(), "BATT-2 A Coy", "driving"),
                                         "PTL-T2": (walk, "FPU 1", "walking")})


@pytest.fixture(scope="module")
def analysis(gpx):
    tracks = read_tracks(gpx)
    return analyse(tracks.points, tracks.patrols, sites_frame())


def test_reader_keeps_times_units_and_types(gpx):
    tracks = read_tracks(gpx)
    assert len(tracks.points) == len(patrol_track()) + 21
    assert tracks.points["time"].notna().all()
    meta = tracks.patrols.set_index("patrol_id")
    assert meta.loc["PTL-T1", "type"] == "vehicle" and meta.loc["PTL-T2", "type"] == "dismounted"
    assert meta.loc["PTL-T1", "unit"] == "BATT-2 A Coy"


def test_cleaning_drops_the_spike_and_the_duplicate_and_sorts(analysis):
    assert analysis.cleaning["speed spike"] == 1
    assert analysis.cleaning["duplicate"] == 1
    assert analysis.cleaning["out of order (sorted, kept)"] == 1
    t1 = analysis.points[analysis.points["patrol_id"] == "PTL-T1"]
    assert t1["time"].is_monotonic_increasing and t1["time"].is_unique
    assert (T0 + pd.Timedelta(seconds=300)) not in set(t1["time"])


def test_gap_stop_foot_and_vehicle_time_match_the_hand_figures(analysis):
    row = analysis.patrols.set_index("patrol_id").loc["PTL-T1"]
    assert row["duration_min"] == pytest.approx(105.0)
    assert row["gaps"] == 1 and row["gap_min"] == pytest.approx(45.0)
    assert row["stops"] == 1
    assert row["stop_min"] == pytest.approx(21.0)
    assert row["dismounted_min"] == pytest.approx(19.0)
    assert row["vehicle_min"] == pytest.approx(20.0)
    assert row["distance_km"] == pytest.approx(16.11, abs=0.03)
    stop = analysis.stops[analysis.stops["patrol_id"] == "PTL-T1"].iloc[0]
    assert stop["start"] == T0 + pd.Timedelta(seconds=600)
    assert stop["end"] == T0 + pd.Timedelta(seconds=1860)
    # Declared "driving" (vehicle), measured: 19 of its 39 moving minutes on foot.
    assert row["type"] == "vehicle" and row["dismounted_share"] == pytest.approx(19 / 39)


def test_a_steady_walk_is_all_on_foot_and_never_a_stop(analysis):
    row = analysis.patrols.set_index("patrol_id").loc["PTL-T2"]
    # 1.2 m/s = 4.3 km/h for 20 minutes, one fix a minute: 72 m per fix, never 10 minutes inside 100 m.
    assert row["stops"] == 0 and row["dismounted_min"] == pytest.approx(20.0) and row["vehicle_min"] == 0
    assert row["distance_km"] == pytest.approx(1.44, abs=1e-3)


def test_coverage_names_the_sites_passed_when_and_how(analysis):
    p = analysis.passes[analysis.passes["patrol_id"] == "PTL-T1"].set_index("site")
    assert set(p.index) == {"Village V", "Camp S", "Town T"}   # Far F only through the spike
    assert p.loc["Village V", "time"] == T0 + pd.Timedelta(seconds=600)
    assert p.loc["Camp S", "km"] == pytest.approx(1.5, abs=0.01)
    # 1.5 km abeam, 1 m of GPS noise moves the closest approach by up to sqrt(2 x 1500 x 1) = 55 m (37 s) along track
    assert p.loc["Camp S", "time"] == pytest.approx(T0 + pd.Timedelta(seconds=2400), abs=pd.Timedelta(seconds=60))
    assert bool(p.loc["Camp S", "on_foot"]) and not bool(p.loc["Town T", "on_foot"])
    assert p.loc["Town T", "km"] == pytest.approx(0.5, abs=0.01)
    assert p.loc["Town T", "time"] == pytest.approx(T0 + pd.Timedelta(seconds=6200), abs=pd.Timedelta(seconds=2))
    row = analysis.patrols.set_index("patrol_id").loc["PTL-T1"]
    assert row["sites_passed"] == "Village V; Camp S; Town T"


def test_site_last_pass_respects_as_of(analysis):
    last = site_last_pass(analysis.passes).set_index("site")
    assert last.loc["Town T", "last_patrol"] == "PTL-T1" and pd.isna(last.loc["Town T", "last_on_foot"])
    before = site_last_pass(analysis.passes, when=T0 + pd.Timedelta(minutes=30)).set_index("site")
    assert set(before.index) == {"Village V"}


def test_time_by_area_gives_the_dismounted_share(analysis):
    areas = gpd.GeoDataFrame({"name": ["V area", "T area"]},
                             geometry=sites_frame().geometry.iloc[[0, 2]].to_numpy(), crs="EPSG:4326")
    table = time_by_area(analysis, areas, period="D", km=100.0)
    total = table[["foot_min", "vehicle_min", "stop_min"]].sum()
    assert total["foot_min"] == pytest.approx(39.0) and total["vehicle_min"] == pytest.approx(20.0)
    assert total["stop_min"] == pytest.approx(21.0)
    v = table.set_index("area").loc["V area"]
    assert 0 < v["dismounted_share"] < 1


def test_kml_track_and_geojson_times_are_read(tmp_path):
    kml = tmp_path / "t.kml"
    kml.write_text("""<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"
      xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><name>K1</name>
      <ExtendedData><Data name="component"><value>police</value></Data><Data name="type"><value>foot</value></Data>
      </ExtendedData><gx:Track><when>2018-11-01T08:00:00Z</when><when>2018-11-01T08:30:00Z</when>
      <gx:coord>21.20 5.03 0</gx:coord><gx:coord>21.20 5.04 0</gx:coord></gx:Track></Placemark>
      <Placemark><name>K2</name><LineString><coordinates>21.2,5.0 21.3,5.0</coordinates></LineString></Placemark>
      </Document></kml>""")
    tracks = read_tracks(kml)
    meta = tracks.patrols.set_index("patrol_id")
    assert meta.loc["K1", "component"] == "police" and meta.loc["K1", "type"] == "dismounted"
    a = analyse(tracks.points, tracks.patrols)
    rows = a.patrols.set_index("patrol_id")
    # 0.01 degree of latitude ~ 1.106 km in 30 minutes: 2.2 km/h, on foot.
    assert rows.loc["K1", "dismounted_min"] == pytest.approx(30.0)
    assert rows.loc["K2", "distance_km"] == pytest.approx(11.09, abs=0.05)   # no times: distance only
    assert pd.isna(rows.loc["K2", "duration_min"])
    gj = tmp_path / "t.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"patrol_id": "G1", "type": "vehicle", "coordTimes": ["2018-11-01T08:00:00Z",
                                                                             "2018-11-01T08:10:00Z"]},
        "geometry": {"type": "LineString", "coordinates": [[21.2, 5.0], [21.2, 5.09]]}}]}))
    g = analyse(read_tracks(gj).points).patrols.iloc[0]
    assert g["vehicle_min"] == pytest.approx(10.0) and g["distance_km"] == pytest.approx(9.95, abs=0.05)


def test_hostile_and_wrong_files_are_refused(tmp_path):
    bomb = tmp_path / "bomb.gpx"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>')
    with pytest.raises(ReadError, match="DTD"):
        read_tracks(bomb)
    notgpx = tmp_path / "x.gpx"
    notgpx.write_text("<kml></kml>")
    with pytest.raises(ReadError, match="not a GPX"):
        read_tracks(notgpx)
    with pytest.raises(ReadError, match="no such file"):
        read_tracks(tmp_path / "missing.gpx")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReadError, match="no track files"):
        read_tracks(tmp_path / "empty")
    csv = tmp_path / "p.csv"
    csv.write_text("patrol_id,when,lat\nP1,2018,4\n")
    with pytest.raises(ReadError, match="missing: time, lon"):
        read_tracks(csv)


def write_points_csv(path: Path) -> Path:
    frame = patrol_track()
    lon, lat = _lonlat(frame["x"], frame["y"])
    times = [(T0 + pd.Timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%SZ") for t in frame["t"]]
    pd.DataFrame({"patrol_id": "PTL-T1", "seq": np.arange(1, len(frame) + 1), "time": times,
                  "lat": np.round(lat, 7), "lon": np.round(lon, 7)}).to_csv(path, index=False)
    return path


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ewarning", "patrols", "summary", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_summary_writes_csv_and_json_with_the_columns(tmp_path, gpx):
    folder = tmp_path / "in"
    folder.mkdir()
    write_points_csv(folder / "points.csv")
    (folder / "patrols.csv").write_text("patrol_id,unit,component,type,start\n"
                                        "PTL-T1,BATT-2 A Coy,military,vehicle,2018-11-01T08:00:00Z\n")
    sites = tmp_path / "sites.csv"
    lon, lat = _lonlat([v[0] for v in SITES.values()], [v[1] for v in SITES.values()])
    pd.DataFrame({"name": list(SITES), "lat": lat, "lon": lon}).to_csv(sites, index=False)
    out_csv, out_json = tmp_path / "s.csv", tmp_path / "s.json"
    r = _cli("--patrols", str(folder), "--sites", str(sites), "--out", str(out_csv))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out_csv)
    assert list(table.columns) == SUMMARY_COLUMNS
    row = table.iloc[0]
    assert (row["patrol_id"], row["component"], row["type"], int(row["stops"])) == ("PTL-T1", "military",
                                                                                     "vehicle", 1)
    assert row["dismounted_min"] == pytest.approx(19.0, abs=0.05)
    assert row["sites_passed"] == "Village V; Camp S; Town T"
    r = _cli("--patrols", str(gpx), "--out", str(out_json))
    assert r.returncode == 0, r.stderr
    rows = json.loads(out_json.read_text())
    assert [x["patrol_id"] for x in rows] == ["PTL-T1", "PTL-T2"] and list(rows[0]) == SUMMARY_COLUMNS
    r = _cli("--patrols", str(gpx))
    assert r.returncode == 0 and "PTL-T2" in r.stdout and "dismounted_min" in r.stdout


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.gpx"
    bad.write_text("<gpx><trk>")
    r = _cli("--patrols", str(bad))
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "not well-formed" in r.stderr
    r = _cli("--patrols", str(tmp_path / "nothing.gpx"))
    assert r.returncode == 2 and "no such file" in r.stderr
    ok = write_gpx(tmp_path / "ok.gpx", {"P": (patrol_track(), "u", "driving")})
    r = _cli("--patrols", str(ok), "--out", str(tmp_path / "s.xlsx"))
    assert r.returncode == 2 and ".csv or .json" in r.stderr


def test_a_helicopter_is_not_a_speed_spike_and_other_csvs_are_skipped(tmp_path):
    # 250 km/h for 12 minutes, a fix a minute: a vehicle would be all spikes, an air patrol is clean.
    fly = pd.DataFrame({"t": np.arange(0, 721, 60.0), "x": 0.0, "y": np.arange(0, 721, 60.0) * 250 / 3.6})
    write_gpx(tmp_path / "air.gpx", {"AIR-1": (fly, "Air unit", "helicopter")})
    (tmp_path / "alerts.csv").write_text("id,category,lat,lon\nA1,killing,5,21\n")
    tracks = read_tracks(tmp_path)
    assert tracks.patrols["type"].tolist() == ["air"]
    assert any("alerts.csv" in n for n in tracks.notes)
    a = analyse(tracks.points, tracks.patrols)
    row = a.patrols.iloc[0]
    assert a.cleaning["speed spike"] == 0 and row["gaps"] == 0
    assert row["vehicle_min"] == pytest.approx(12.0) and row["distance_km"] == pytest.approx(50.0, abs=0.01)
    # the same track declared a vehicle patrol: every fix is over 150 km/h from its neighbours, so fixes go as
    # spikes and what is left is a jump: no distance counted
    car = analyse(tracks.points, tracks.patrols.assign(type="vehicle"))
    assert car.cleaning["speed spike"] > 0 and car.patrols.iloc[0]["distance_km"] == 0
