"""Do no harm: a hostile upload can make the server read no other file and send no request.

GDAL opens a file with whatever driver its *content* suits. A GDAL virtual
file (VRT: XML naming a "source" file or URL) saved as ``x.geojson`` or
``x.gpkg`` would make an import copy ``/etc/passwd``, the pseudonym key or
another store into the quarantine, or make the server fetch a URL. These
tests write such files, import them for real into a real store, and check
that nothing of the referenced files reaches the store and that a local web
server sees no request. They also check the readers that replaced GDAL on
damaged and unusual GeoJSON and GeoPackage files, and that every GDAL
setting of :mod:`ewarning.io.gdal_options` really closes the hole it is
meant to close (each in a fresh process, against the same attacks without it).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, Point

from ewarning.importing import import_files
from ewarning.io import ReadError, gdal_options, read
from ewarning.io.writers import export
from ewarning.roads import read_roads
from ewarning.store import open_store

ROOT = Path(__file__).resolve().parent.parent
MARKER = "MARKER-7f3c9e-must-never-be-imported"
NOW = pd.Timestamp("2019-01-01", tz="UTC")
UTM34N = "EPSG:32634"   # metres; the Alindao area


# -- fixtures ------------------------------------------------------------------
class CountingServer:
    """A web server on 127.0.0.1 that answers anything with a small CSV and counts every request."""

    def __init__(self):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                seen.append(f"{self.command} {self.path}")
                body = f"lat,lon,category,text\n4.79,20.68,killing,{MARKER}\n".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = do_OPTIONS = do_PROPFIND = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web():
    server = CountingServer()
    yield server
    server.close()


@pytest.fixture
def secret_csv(tmp_path) -> Path:
    """A local file the attacker wants: valid alert rows, so that if it were read it would be stored."""
    path = tmp_path / "secret.csv"
    path.write_text(f"lat,lon,category,occurred_at,text\n4.79,20.68,killing,2018-11-10,{MARKER}\n", encoding="utf-8")
    return path


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "store.gpkg"


def vrt_text(source: str, layer: str) -> str:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="alerts"><SrcDataSource>{source}</SrcDataSource>'
            f"<SrcLayer>{layer}</SrcLayer></OGRVRTLayer></OGRVRTDataSource>\n")


def assert_nothing_leaked(store_path: Path, web: CountingServer | None = None):
    store = open_store(store_path)
    assert MARKER.encode() not in store_path.read_bytes()
    assert store.read("quarantine").empty
    assert store.read("alerts").empty
    if web is not None:
        assert web.requests == []


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def point(lon, lat) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def collection(*features, **members) -> str:
    return json.dumps({"type": "FeatureCollection", **members, "features": list(features)}, allow_nan=True)


def alert_properties(n: int, **more) -> dict:
    return {"id": f"A{n}", "category": "killing", "occurred_at": f"2018-11-{10 + n:02d}T07:00:00Z", **more}


def import_one(store_path: Path, path) -> "ImportReport":  # noqa: F821 - the report type, for readers
    [report] = import_files(open_store(store_path), [path], user="analyst", secret=b"k", now=NOW)
    return report


def assert_every_feature_accounted(report, n_features: int):
    assert report.n_read == n_features
    assert report.n_stored + report.n_quarantined == n_features


# -- GDAL virtual files disguised as GeoJSON / GeoPackage --------------------------
@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".json", ".csv"])
@pytest.mark.parametrize("source", ["local file", "vsicurl"])
def test_virtual_file_disguised_as_a_layer_is_refused(tmp_path, store_path, web, secret_csv, suffix, source):
    src = str(secret_csv) if source == "local file" else f"/vsicurl/{web.url('x.csv')}"
    disguised = tmp_path / f"alerts{suffix}"
    disguised.write_text(vrt_text(src, "secret" if source == "local file" else "x"), encoding="utf-8")
    report = import_one(store_path, disguised)
    assert report.status == "refused"
    assert "refused" in report.reason and "XML" in report.reason and "GDAL virtual file" in report.reason
    assert report.reason.startswith(disguised.name)
    assert_nothing_leaked(store_path, web)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp"])
@pytest.mark.parametrize("source", ["local file", "vsicurl"])
def test_read_roads_refuses_a_virtual_file(tmp_path, web, secret_csv, suffix, source):
    src = str(secret_csv) if source == "local file" else f"/vsicurl/{web.url('roads.csv')}"
    disguised = tmp_path / f"roads{suffix}"
    disguised.write_text(vrt_text(src, "secret" if source == "local file" else "roads"), encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the road layer.*refused: the content is XML") as info:
        read_roads(disguised)
    assert MARKER not in str(info.value)
    assert web.requests == []


def test_virtual_paths_are_refused(tmp_path, store_path, web):
    inner = collection(feature(point(20.68, 4.79), **alert_properties(1)))
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.geojson", inner)
    paths = [f"/vsicurl/{web.url('a.geojson')}", f"/vsizip/{archive}/a.geojson", web.url("a.geojson")]
    reports = import_files(open_store(store_path), paths, user="analyst", secret=b"k", now=NOW)
    assert [r.status for r in reports] == ["refused"] * 3
    assert all("no such file" in r.reason for r in reports)
    for path in paths:
        with pytest.raises(ValueError, match="not a file on this computer"):
            read_roads(path)
    assert_nothing_leaked(store_path, web)


def test_gdal_in_this_process_opens_no_virtual_file_and_no_url(tmp_path, web, secret_csv):
    # ewarning.io is imported: the project's own GDAL reads (basemap, exports) run locked down
    assert sorted(pyogrio.list_drivers()) == sorted(gdal_options.ALLOWED_DRIVERS)
    for name, value in gdal_options.NO_NETWORK.items():
        assert pyogrio.get_gdal_config_option(name) == value
    vrt = tmp_path / "v.vrt"
    vrt.write_text(vrt_text(str(secret_csv), "secret"), encoding="utf-8")
    for target in (vrt, f"/vsicurl/{web.url('x.csv')}", web.url("y.csv")):
        with pytest.raises(Exception) as info:
            pyogrio.read_dataframe(target)
        assert MARKER not in str(info.value)
    assert web.requests == []
    basemap = gpd.read_file(ROOT / "geodata" / "basemap" / "countries.geojson")  # the project's own files still open
    assert len(basemap) and basemap.crs.to_epsg() == 4326


# -- each GDAL setting, alone, closes its hole ------------------------------------
PROBE = r'''
"""Run the same attacks on GDAL with one setting of gdal_options (or none) and print what got through."""
import http.server, importlib.util, json, os, sys, threading

spec = importlib.util.spec_from_file_location("gdal_options_alone", sys.argv[1])
options = importlib.util.module_from_spec(spec)
spec.loader.exec_module(options)
setting, work, marker = sys.argv[2], sys.argv[3], sys.argv[4]
requests = []

class Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        requests.append(self.command + " " + self.path)
        body = ("lat,lon,category,text\n4.79,20.68,killing," + marker + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    do_GET = do_HEAD = do_POST = _answer
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_address[1]

import pyogrio
# /vsis3/ aimed at the local server, so that a request to "S3" is seen too
pyogrio.set_gdal_config_options({"AWS_S3_ENDPOINT": base[len("http://"):], "AWS_HTTPS": "NO",
                                 "AWS_VIRTUAL_HOSTING": "FALSE", "AWS_NO_SIGN_REQUEST": "YES"})
if setting == "drivers":
    options.restrict_drivers()
elif setting == "proxy":
    pyogrio.set_gdal_config_options({k: options.NO_NETWORK[k] for k in ("GDAL_HTTP_PROXY", "GDAL_HTTPS_PROXY")})
elif setting in options.NO_NETWORK:
    pyogrio.set_gdal_config_options({setting: options.NO_NETWORK[setting]})
elif setting != "none":
    raise SystemExit("unknown setting " + setting)

def vrt(name, source, layer):
    path = os.path.join(work, name)
    with open(path, "w") as fh:
        fh.write('<OGRVRTDataSource><OGRVRTLayer name="a"><SrcDataSource>%s</SrcDataSource>'
                 '<SrcLayer>%s</SrcLayer></OGRVRTLayer></OGRVRTDataSource>' % (source, layer))
    return path

secret = os.path.join(work, "secret.csv")
gdalg = os.path.join(work, "pipeline.gdalg.json")
with open(gdalg, "w") as fh:
    json.dump({"type": "gdal_streamed_alg",
               "command_line": "gdal vector pipeline read %s ! write --of stream streamed_dataset" % secret}, fh)
attacks = [("vsicurl", "/vsicurl/" + base + "/remote/x.csv"),
           ("vsis3", "/vsis3/bucket/x.csv"),
           ("vrt_http", vrt("http.geojson", base + "/web/y.geojson", "y")),
           ("vrt_local", vrt("local.geojson", secret, "secret")),
           ("gdalg", gdalg)]
result = {}
for name, target in attacks:
    before = len(requests)
    try:
        text = pyogrio.read_dataframe(target).to_csv()
    except Exception as exc:
        text = ""
    result[name] = {"requests": requests[before:], "marker": marker in text}
print(json.dumps(result))
'''

#: What each attack looks like when it gets through.
HOLE_OPEN = {
    "vsicurl": lambda r: bool(r["vsicurl"]["requests"]),
    "vsis3": lambda r: bool(r["vsis3"]["requests"]),
    "vrt_http": lambda r: bool(r["vrt_http"]["requests"]),
    "folder listing": lambda r: any(req.endswith("/remote/") for req in r["vsicurl"]["requests"]),
    "vrt_local": lambda r: r["vrt_local"]["marker"],
    "gdalg": lambda r: r["gdalg"]["marker"],
}

#: The holes each setting (alone) must close.
CLOSES = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": ["vsicurl", "vsis3"],
    "proxy": ["vsicurl", "vsis3", "vrt_http"],
    "GDAL_DISABLE_READDIR_ON_OPEN": ["folder listing"],
    "drivers": ["vrt_local", "gdalg", "vrt_http"],
}


def run_probe(work: Path, setting: str) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    (work / "secret.csv").write_text(f"lat,lon,category,text\n4.79,20.68,killing,{MARKER}\n", encoding="utf-8")
    probe = work / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    # no proxy from the environment: it would hide what the options do
    # and none of the GDAL options that importing ewarning puts in the environment (the probe sets its own)
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy",
                                                                     "no_proxy")
           and k not in gdal_options.NO_NETWORK}
    proc = subprocess.run([sys.executable, str(probe), str(Path(gdal_options.__file__)), setting, str(work), MARKER],
                          capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def without_settings(tmp_path_factory) -> dict:
    return run_probe(tmp_path_factory.mktemp("probe-none"), "none")


def test_importing_ewarning_sets_the_network_options_for_every_gdal_open():
    import ewarning  # noqa: F401 - what it does on import is the point

    assert {k: os.environ.get(k) for k in gdal_options.NO_NETWORK} == gdal_options.NO_NETWORK


def test_the_attacks_work_on_gdal_left_as_it_is(without_settings):
    # otherwise the next test would prove nothing
    assert {hole: bool(is_open(without_settings)) for hole, is_open in HOLE_OPEN.items()} == dict.fromkeys(
        HOLE_OPEN, True)


@pytest.mark.parametrize("setting", list(CLOSES))
def test_each_gdal_setting_closes_its_hole(tmp_path, without_settings, setting):
    result = run_probe(tmp_path, setting)
    still_open = [hole for hole in CLOSES[setting] if HOLE_OPEN[hole](result)]
    assert still_open == [], f"{setting} left open: {still_open}: {result}"


# -- GeoJSON: damaged and unusual files, no exception, every feature accounted for --------
def test_nan_and_null_coordinates_are_quarantined(tmp_path, store_path):
    text = collection(feature(point(20.68, 4.79), **alert_properties(1)),
                      feature(point(float("nan"), 4.5), **alert_properties(2)),
                      feature(point(float("inf"), 4.5), **alert_properties(3)),
                      feature({"type": "Point", "coordinates": None}, **alert_properties(4)),
                      feature({"type": "Point", "coordinates": [None, 4.5]}, **alert_properties(5)),
                      feature(None, **alert_properties(6)))
    assert "[NaN, 4.5]" in text and "[Infinity, 4.5]" in text  # literally, as some tools write them
    path = tmp_path / "alerts.geojson"
    path.write_text(text, encoding="utf-8")
    report = import_one(store_path, path)
    assert report.status == "imported"
    assert_every_feature_accounted(report, 6)
    assert report.n_stored == 1
    assert set(report.quarantine["source_row"]) == {2, 3, 4, 5, 6}
    assert (report.quarantine["reason"].str.contains("lat/lon: missing coordinates")).all()
    assert any("NaN/Infinity" in note for note in report.notes)


def test_deep_nesting_is_refused_before_parsing(tmp_path, store_path):
    depth = 100_000
    deep = {"type": "Feature", "properties": alert_properties(1), "geometry": {"type": "Point", "coordinates": "X"}}
    path = tmp_path / "deep.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [deep]})
                    .replace('"X"', "[" * depth + "]" * depth), encoding="utf-8")
    report = import_one(store_path, path)
    assert report.status == "refused" and "nested 100,00" in report.reason and report.n_read == 0
    bare = tmp_path / "bare.geojson"
    bare.write_text("[" * depth + "]" * depth, encoding="utf-8")
    report = import_one(store_path, bare)
    assert report.status == "refused" and "JSON list, not GeoJSON" in report.reason
    assert open_store(store_path).read("alerts").empty


def test_a_malformed_geometry_sets_one_feature_aside(tmp_path, store_path):
    text = collection(feature(point(20.68, 4.79), **alert_properties(1)),
                      feature({"type": "Point", "coordinates": ["east", "north"]}, **alert_properties(2)),
                      feature({"type": "Point", "coordinates": [20.6]}, **alert_properties(3)),
                      feature({"type": "Polygon", "coordinates": [[1, 2]]},
                              **alert_properties(4, phone="+236 70 00 99 99")),
                      feature({"type": "Bogus", "coordinates": []}, **alert_properties(5)),
                      "not a feature",
                      feature(point(20.7, 4.8), **alert_properties(7)))
    path = tmp_path / "alerts.geojson"
    path.write_text(text, encoding="utf-8")
    [table] = read(path)
    assert list(table.frame.index) == [1, 7] and list(table.rejected.index) == [2, 3, 4, 5, 6]
    assert table.rejected["reason"].tolist() == [
        'geometry: Point coordinates ["east", "north"] are not numbers',
        "geometry: a Point needs [longitude, latitude], not [20.6]",
        "geometry: Polygon could not be read (TypeError: 'int' object is not iterable)",
        "geometry: unknown geometry type \"Bogus\"",
        "feature: not a GeoJSON Feature object"]
    report = import_one(store_path, path)
    assert report.status == "imported"
    assert_every_feature_accounted(report, 7)
    assert report.n_stored == 2
    assert "+236 70 00 99 99" not in " ".join(report.quarantine["raw"])  # identities withheld in set-aside rows
    assert "+236 70 00 99 99" not in store_path.read_bytes().decode("utf-8", "replace")


def test_a_patrol_line_with_one_point_is_set_aside(tmp_path, store_path):
    good = LineString([(20.6, 4.7), (20.7, 4.8)]).__geo_interface__
    text = collection(feature(good, patrol_id="P1", start="2018-11-10T06:00:00Z"),
                      feature({"type": "LineString", "coordinates": [[20.6, 4.7]]}, patrol_id="P2",
                              start="2018-11-10T06:00:00Z"),
                      feature({"type": "LineString", "coordinates": [[20.6, 4.7], [float("nan"), 4.8]]},
                              patrol_id="P3", start="2018-11-10T06:00:00Z"))
    path = tmp_path / "patrols.geojson"
    path.write_text(text, encoding="utf-8")
    report = import_one(store_path, path)
    assert report.status == "imported"
    assert_every_feature_accounted(report, 3)
    assert report.n_stored == 1 and open_store(store_path).read("patrols")["patrol_id"].tolist() == ["P1"]
    assert report.quarantine["reason"].str.startswith("geometry:").all()


def test_a_truncated_file_is_refused(tmp_path, store_path):
    text = collection(*[feature(point(20.68, 4.79), **alert_properties(n)) for n in range(1, 6)])
    path = tmp_path / "alerts.geojson"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    report = import_one(store_path, path)
    assert report.status == "refused" and report.n_read == 0
    assert "not valid JSON" in report.reason and "cut short" in report.reason
    assert open_store(store_path).read("alerts").empty


def test_broken_text_is_repaired_not_fatal(tmp_path, store_path):
    path = tmp_path / "alerts.geojson"
    # "\ud800" alone is half a UTF-16 pair: valid JSON, but no UTF-8 text (nor the store) can hold it
    path.write_text(collection(feature(point(20.68, 4.79), **alert_properties(1, text="bad \ud800 text"))),
                    encoding="utf-8")
    assert "\\ud800" in path.read_text()
    report = import_one(store_path, path)
    assert report.status == "imported" and report.n_stored == 1
    assert open_store(store_path).read("alerts")["text"].tolist() == ["bad \ufffd text"]
    gpkg = tmp_path / "export.gpkg"
    pyogrio.write_dataframe(_alerts_frame(), gpkg, layer="alerts", driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})
    with sqlite3.connect(gpkg) as con:  # a value that is not UTF-8, as a broken tool may leave
        con.execute("UPDATE alerts SET category = CAST(x'6b696c6cff' AS TEXT) WHERE id = 'G1'")
    [table] = read(gpkg)
    assert table.frame.loc[1, "category"] == "kill\ufffd"


def test_too_many_property_names_are_refused(tmp_path, store_path):
    path = tmp_path / "alerts.geojson"
    path.write_text(collection(*[feature(point(20.68, 4.79), **{f"p{n}": 1}) for n in range(2_001)]))
    report = import_one(store_path, path)
    assert report.status == "refused" and "more than 2,000 different property names" in report.reason


def test_a_projected_geojson_is_reprojected(tmp_path):
    x, y = 690_000.0, 557_000.0
    path = tmp_path / "alerts.geojson"
    path.write_text(collection(feature(point(x, y), **alert_properties(1)),
                               crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32634"}}))
    [table] = read(path)
    expected = gpd.GeoSeries([Point(x, y)], crs=UTM34N).to_crs("EPSG:4326").iloc[0]
    assert float(table.frame["lon"].iloc[0]) == pytest.approx(expected.x, abs=1e-9)
    assert float(table.frame["lat"].iloc[0]) == pytest.approx(expected.y, abs=1e-9)
    assert any("reprojected from EPSG:32634" in note for note in table.notes)
    path.write_text(collection(feature(point(x, y), **alert_properties(1)),
                               crs={"type": "link", "properties": {"href": "http://127.0.0.1:1/crs"}}))
    with pytest.raises(ReadError, match="nothing is ever fetched"):
        read(path)


# -- GeoPackage: real GIS exports, plain tables, views, triggers, bad blobs ---------
def _alerts_frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    lonlat = [(20.68, 4.79), (20.70, 4.81), (20.1, 4.5)]
    points = gpd.GeoSeries([Point(p) for p in lonlat], crs="EPSG:4326").to_crs(crs)
    return gpd.GeoDataFrame({"id": ["G1", "G2", "G3"], "category": ["killing", "arson", "looting"],
                             "occurred_at": ["2018-11-10T07:00:00Z", "2018-11-11T07:00:00Z", "2018-11-12T07:00:00Z"],
                             "killed": [2, 0, 0]}, geometry=points, crs=crs)


def test_a_gis_geopackage_reads_back(tmp_path, store_path):
    path = tmp_path / "export.gpkg"
    alerts = _alerts_frame(UTM34N)  # as a GIS analyst may save it: in metres
    pyogrio.write_dataframe(alerts, path, layer="incidents", driver="GPKG")
    patrols = gpd.GeoDataFrame({"patrol_id": ["P1"], "start": ["2018-11-10T06:00:00Z"], "unit": ["BANBAT"]},
                               geometry=[LineString([(20.6, 4.7), (20.7, 4.8)])], crs="EPSG:4326")
    pyogrio.write_dataframe(patrols, path, layer="patrols", driver="GPKG")
    tables = {t.layer: t for t in read(path)}
    assert set(tables) == {"alerts", "patrols"}
    incidents = tables["alerts"].frame
    assert "geometry" not in incidents.columns
    assert incidents["lon"].astype(float).to_numpy() == pytest.approx([20.68, 20.70, 20.1], abs=1e-9)
    assert incidents["lat"].astype(float).to_numpy() == pytest.approx([4.79, 4.81, 4.5], abs=1e-9)
    assert incidents["killed"].tolist() == [2, 0, 0]
    assert tables["patrols"].frame["geometry"].iloc[0].equals(patrols.geometry.iloc[0])
    [report] = import_files(open_store(store_path), [path], user="analyst", secret=b"k", now=NOW)
    assert report.status == "imported" and report.by_layer["alerts"]["stored"] == 3
    assert report.by_layer["patrols"]["stored"] == 1


def test_a_geopackage_with_a_plain_table(tmp_path, store_path):
    path = tmp_path / "export.gpkg"
    pyogrio.write_dataframe(_alerts_frame(), path, layer="alerts", driver="GPKG")
    with sqlite3.connect(path) as con:
        con.execute('CREATE TABLE "lookup" (fid INTEGER PRIMARY KEY, code TEXT, label TEXT)')
        con.execute("INSERT INTO lookup (code, label) VALUES ('K', 'killing')")
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('lookup', 'attributes', "
                    "'lookup')")
    [table] = read(path)
    assert table.layer == "alerts" and len(table.frame) == 3
    assert any("'lookup' has no geometry" in note and "skipped" in note for note in table.notes)
    report = import_one(store_path, path)
    assert report.status == "imported" and report.n_stored == 3

    only_plain = tmp_path / "plain.gpkg"
    pyogrio.write_dataframe(_alerts_frame(), only_plain, layer="alerts", driver="GPKG")
    with sqlite3.connect(only_plain) as con:
        con.execute('CREATE TABLE "lookup" (code TEXT, label TEXT)')
        con.execute("UPDATE gpkg_contents SET table_name = 'lookup', data_type = 'attributes' "
                    "WHERE table_name = 'alerts'")
    with pytest.raises(ReadError, match="no data layer found.*'lookup' have no geometry"):
        read(only_plain)
    with sqlite3.connect(only_plain) as con:  # a non-spatial table that *is* a layer: read, points from lat/lon
        con.execute("ALTER TABLE lookup ADD COLUMN category TEXT")
        con.execute("ALTER TABLE lookup ADD COLUMN lat REAL")
        con.execute("ALTER TABLE lookup ADD COLUMN lon REAL")
        con.execute("INSERT INTO lookup (category, lat, lon) VALUES ('killing', 4.79, 20.68)")
    [table] = read(only_plain)
    assert table.layer == "alerts" and table.frame[["lat", "lon"]].iloc[0].tolist() == [4.79, 20.68]


def test_views_triggers_and_computed_columns_are_not_run(tmp_path, store_path):
    path = tmp_path / "export.gpkg"
    pyogrio.write_dataframe(_alerts_frame(), path, layer="alerts", driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE ran (what TEXT)")
        # a trigger that would record being run, and a view calling a function no reader has
        con.execute("CREATE TRIGGER spy AFTER UPDATE ON alerts BEGIN INSERT INTO ran VALUES ('trigger'); END")
        con.execute("CREATE VIEW sneaky AS SELECT fid, geom, category, readfile('/etc/passwd') AS text FROM alerts")
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES "
                    "('sneaky', 'features', 'sneaky', 4326)")
        con.execute("INSERT INTO gpkg_geometry_columns VALUES ('sneaky', 'geom', 'POINT', 4326, 0, 0)")
        # a computed column: evaluated on every read, so it must not be read
        con.execute("ALTER TABLE alerts ADD COLUMN computed TEXT GENERATED ALWAYS AS (upper(category)) VIRTUAL")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    tables = read(path)
    assert [t.frame.shape[0] for t in tables] == [3] and tables[0].layer == "alerts"
    assert "computed" not in tables[0].frame.columns
    assert any("'sneaky' is listed but is not a plain table" in note for note in tables[0].notes)
    report = import_one(store_path, path)
    assert report.status == "imported" and report.n_stored == 3
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # opened read-only: not a byte changed
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM ran").fetchone()[0] == 0


def test_bad_and_empty_geometry_blobs_are_set_aside(tmp_path, store_path):
    path = tmp_path / "export.gpkg"
    pyogrio.write_dataframe(_alerts_frame(), path, layer="alerts", driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})
    empty_point = b"GP\x00\x11" + (4326).to_bytes(4, "little") + shapely.to_wkb(Point(), flavor="iso")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alerts SET geom = ? WHERE id = 'G2'", (b"junk-not-a-geometry",))
        con.execute("UPDATE alerts SET geom = ? WHERE id = 'G3'", (empty_point,))
    [table] = read(path)
    assert list(table.frame.index) == [1, 3] and list(table.rejected.index) == [2]
    assert table.rejected["reason"].iloc[0] == "geometry: not GeoPackage geometry (no 'GP' header)"
    assert pd.isna(table.frame.loc[3, "lat"])  # the empty geometry: a missing location for the validator
    report = import_one(store_path, path)
    assert_every_feature_accounted(report, 3)
    assert report.n_stored == 1
    reasons = dict(zip(report.quarantine["source_row"], report.quarantine["reason"]))
    assert reasons[2].startswith("geometry:") and reasons[3] == "lat/lon: missing coordinates"


def test_sqlite_files_that_are_not_geopackages_are_refused(tmp_path, store_path):
    plain = tmp_path / "plain.gpkg"
    with sqlite3.connect(plain) as con:
        con.execute("CREATE TABLE alerts (category TEXT, lat REAL, lon REAL)")
    report = import_one(store_path, plain)
    assert report.status == "refused" and "an SQLite database but not a GeoPackage" in report.reason
    text = tmp_path / "notes.gpkg"
    text.write_text("category,lat,lon\nkilling,4.79,20.68\n")
    report = import_one(store_path, text)
    assert report.status == "refused" and "the content is plain text, not a GeoPackage" in report.reason


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_store_exports_read_back(tmp_path, store_path, fmt):
    source = tmp_path / "alerts.csv"
    source.write_text("id,occurred_at,lat,lon,category,killed,reporter,text\n"
                      "E1,2018-11-10T07:00:00Z,4.79,20.68,killing,3,+236 70 00 11 11,Trois civils\n"
                      "E2,2018-11-12T07:00:00Z,4.5,20.1,arson,0,,\"Village brûlé, 12 cases\"\n", encoding="utf-8")
    store = open_store(store_path)
    import_files(store, [source], user="analyst", secret=b"k", now=NOW)
    stored = store.read("alerts")
    out = tmp_path / f"export.{fmt}"
    assert export(stored, fmt, out, layer_name="alerts") == 2
    [table] = read(out)
    assert table.layer == "alerts" and table.format == fmt
    frame = table.frame.set_index("id")
    assert frame.loc["E2", "category"] == "arson" and int(frame.loc["E1", "killed"]) == 3
    assert float(frame.loc["E1", "lat"]) == pytest.approx(4.79)
    assert float(frame.loc["E1", "lon"]) == pytest.approx(20.68)
    again = open_store(tmp_path / "other.gpkg")
    [report] = import_files(again, [out], user="analyst", secret=b"k", now=NOW)
    assert report.status == "imported" and report.n_stored == 2
    # the store file itself: its layers, never its quarantine, import log, audit or settings
    assert {t.layer: len(t.frame) for t in read(store_path)} == {"alerts": 2, "sites": 0, "presence": 0, "patrols": 0,
                                                                 "engagements": 0}


# -- roads through the safe readers -----------------------------------------------
def _roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"highway": ["primary", "track"]},
                            geometry=[LineString([(690_000, 557_000), (700_000, 557_000)]),
                                      LineString([(700_000, 557_000), (700_000, 567_000)])], crs=UTM34N)


@pytest.mark.parametrize("name", ["roads.gpkg", "roads.geojson", "roads.shp"])
def test_read_roads_reads_real_files(tmp_path, name):
    roads = _roads()
    path = tmp_path / name
    if name.endswith(".geojson"):
        roads.to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    else:
        roads.to_file(path)  # GPKG and shapefile keep the metric CRS: read_roads must reproject
    got = read_roads(path)
    assert got.crs.to_epsg() == 4326 and len(got) == 2
    expected = roads.to_crs("EPSG:4326")
    assert np.allclose(shapely.get_coordinates(got.geometry), shapely.get_coordinates(expected.geometry), atol=1e-7)
    assert got["highway"].tolist() == ["primary", "track"]
