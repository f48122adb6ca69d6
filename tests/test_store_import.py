"""The GeoPackage store and the import pipeline, on real files, through the CLI too."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from ewarning.importing import import_files
from ewarning.io import read
from ewarning.store import open_store
from ewarning.store.geopackage import GeoPackageStore, StoreError

ROOT = Path(__file__).resolve().parent.parent
ALERTS_CSV = (
    "id,reported_at,occurred_at,lat,lon,category,severity,killed,injured,channel,verification,reliability,"
    "credibility,reporter,location_precision,text\n"
    "A1,2018-11-10T09:00Z,2018-11-10T07:00Z,4.79,20.68,killing,,3,1,CAN call,verified,B,2,+236 70 00 11 11,exact,"
    "Trois civils tués\n"
    "A2,2018-11-10T10:00Z,2018-11-10T07:30Z,4.791,20.681,killing,,3,0,hotline,unverified,C,3,+236 70 00 22 22,"
    "village,Same incident again\n"
    "A3,2018-11-11T10:00Z,,0,0,looting,,,,,,,,,,\n"
    "A4,2018-11-12,2018-11-12,4.5,20.1,arson,3,,,patrol,,,,,,=HYPERLINK(\"http://evil\")\n"
)


def run_cli(*args: str, env_store: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(env_store.parent if env_store else ROOT), "EWARNING_SECRET": "ab12"}
    if env_store:
        env["EWARNING_STORE"] = str(env_store)
    return subprocess.run([sys.executable, "-m", "ewarning", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def alerts_file(tmp_path) -> Path:
    path = tmp_path / "alerts.csv"
    path.write_text(ALERTS_CSV, encoding="utf-8")
    return path


def test_store_is_a_real_geopackage(tmp_path):
    path = tmp_path / "s.gpkg"
    GeoPackageStore(path)
    layers = dict(pyogrio.list_layers(path))
    assert layers["alerts"] == "Point" and layers["patrols"] == "LineString" and layers["quarantine"] is None
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_refuses_a_file_that_is_not_a_geopackage(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a GeoPackage"):
        GeoPackageStore(path)


def test_import_roundtrip_keeps_types_and_geometry(tmp_path, alerts_file):
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [alerts_file], user="analyst", secret=b"k")
    assert (report.status, report.n_read, report.n_stored, report.n_quarantined) == ("imported", 4, 3, 1)
    assert report.n_linked == 1
    stored = store.read("alerts")
    assert stored["id"].tolist() == ["A1", "A2", "A4"]
    assert stored["duplicate_of"].tolist() == [None, "A1", None]
    assert stored["reported_at"].iloc[0] == pd.Timestamp("2018-11-10T09:00", tz="UTC")
    assert pd.isna(stored["occurred_at"].iloc[2]) is False
    assert stored["killed"].tolist() == [3, 3, 0] and str(stored["killed"].dtype) == "int64"
    assert stored.geometry.iloc[0].coords[0] == (20.68, 4.79)
    # GDAL reads the same rows (the file opens in QGIS).
    via_gdal = pyogrio.read_dataframe(tmp_path / "s.gpkg", layer="alerts")
    assert via_gdal["id"].tolist() == ["A1", "A2", "A4"]
    assert via_gdal.geometry.iloc[2].coords[0] == (20.1, 4.5)
    q = store.read("quarantine")
    assert q[["source_row", "reason"]].values.tolist() == [[3, "lat/lon: 0/0 is not a location (device had no fix?)"]]
    log = store.read("imports").iloc[0]
    assert (log["n_read"], log["n_stored"], log["n_quarantined"], log["n_linked"]) == (4, 3, 1, 1)
    assert len(log["sha256"]) == 64


def test_reporter_identities_never_reach_the_store(tmp_path, alerts_file):
    store = open_store(tmp_path / "s.gpkg")
    import_files(store, [alerts_file], user="analyst", secret=b"k")
    blob = (tmp_path / "s.gpkg").read_bytes()
    assert b"+236" not in blob and b"70 00 11 11" not in blob
    assert store.read("alerts")["reporter_key"].str.match(r"^R-[0-9a-f]{12}$").sum() == 2


def test_reimport_is_refused_row_by_row_and_links_to_stored(tmp_path, alerts_file):
    store = open_store(tmp_path / "s.gpkg")
    import_files(store, [alerts_file], user="analyst", secret=b"k")
    again = tmp_path / "again.csv"
    again.write_text(ALERTS_CSV.replace("A2,", "A9,").replace("A4,", "A8,"))
    [report] = import_files(store, [again], user="analyst", secret=b"k")
    reasons = dict(zip(report.quarantine["source_row"], report.quarantine["reason"]))
    assert reasons[1] == "id: id 'A1' is already in the store"
    assert report.n_stored == 2
    stored = store.read("alerts").set_index("id")
    assert stored.loc["A9", "duplicate_of"] == "A1"  # linked across imports to the stored report


def test_import_is_all_or_nothing(tmp_path, alerts_file, monkeypatch):
    store = open_store(tmp_path / "s.gpkg")
    import ewarning.store.geopackage as gp

    def broken(series, kind):  # the quarantine insert fails after the alerts insert
        if kind == "text" and series.name == "raw":
            raise sqlite3.OperationalError("disk I/O error")
        return original(series, kind)

    original = gp._to_sql
    monkeypatch.setattr(gp, "_to_sql", broken)
    [report] = import_files(store, [alerts_file], user="analyst", secret=b"k")
    # The failed write is a refusal of that file, said in words, not an exception that ends the batch.
    assert report.status == "refused" and "nothing written" in report.reason and "disk I/O error" in report.reason
    monkeypatch.undo()
    counts = store.counts()
    assert counts["alerts"] == 0 and counts["imports"] == 0 and counts["quarantine"] == 0


def test_unreadable_files_are_refused_whole(tmp_path):
    store = open_store(tmp_path / "s.gpkg")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    unknown = tmp_path / "mystery.csv"
    unknown.write_text("foo,bar\n1,2\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    reports = import_files(store, [binary, unknown, empty, tmp_path / "missing.csv"], user="analyst", secret=b"k")
    assert [r.status for r in reports] == ["refused"] * 4
    assert [r.reason for r in reports] == [
        "photo.csv: this is a binary file, not CSV text",
        "mystery.csv: cannot tell which layer this is (no 'category', 'site_id', 'base_id' or 'patrol_id' column); "
        "give --layer",
        "empty.csv: file is empty",
        f"{tmp_path / 'missing.csv'}: no such file",
    ]
    assert store.counts()["imports"] == 0


def test_oversized_file_is_refused(tmp_path, alerts_file, monkeypatch):
    monkeypatch.setenv("EWARNING_MAX_FILE_MB", "0.0001")
    [report] = import_files(open_store(tmp_path / "s.gpkg"), [alerts_file], user="analyst", secret=b"k")
    assert report.status == "refused" and "above the 0 MB limit" in report.reason


def test_patrols_with_route_points_in_one_call(tmp_path):
    meta = tmp_path / "patrols.csv"
    meta.write_text("patrol_id,unit,component,type,start,end,engagements,cla_present,female_engagement_team\n"
                    "P1,MINUSCA BANBAT,military,dismounted,2018-11-01T08:00Z,2018-11-01T12:00Z,2,1,0\n"
                    "P2,FPU,police,vehicle,2018-11-02T08:00Z,,0,0,0\n")
    points = tmp_path / "points.csv"
    points.write_text("patrol_id,seq,time,lat,lon\nP1,1,2018-11-01T08:00Z,4.70,20.60\nP1,2,2018-11-01T09:00Z,4.72,"
                      "20.62\nP1,3,2018-11-01T10:00Z,95,20.64\nP3,1,2018-11-03T08:00Z,4.7,20.6\n"
                      "P3,2,2018-11-03T09:00Z,4.8,20.7\n")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [meta, points], user="analyst", secret=b"k")
    assert report.by_layer["patrol_points"] == {"read": 5, "stored": 4, "quarantined": 1}
    assert report.by_layer["patrols"] == {"read": 3, "stored": 2, "quarantined": 1}
    stored = store.read("patrols").set_index("patrol_id")
    assert sorted(stored.index) == ["P1", "P3"]
    assert stored.loc["P1", "type"] == "dismounted" and bool(stored.loc["P1", "cla_present"]) is True
    assert stored.loc["P3", "component"] == "unknown"
    assert any("came only from route points" in n for n in report.notes)
    assert "P2" in store.read("quarantine")["raw"].str.cat()


def test_cli_import_validate_export(tmp_path, alerts_file):
    store = tmp_path / "cli.gpkg"
    checked = run_cli("validate", str(alerts_file), "--store", str(store))
    assert checked.returncode == 0, checked.stderr
    assert "alerts: 4 read, 3 valid, 1 quarantined" in checked.stdout
    assert GeoPackageStore(store).counts()["alerts"] == 0  # validate wrote nothing

    done = run_cli("import", str(alerts_file), env_store=store)
    assert done.returncode == 0, done.stderr
    assert "alerts: 4 read, 3 stored, 1 quarantined, 1 linked as duplicates" in done.stdout
    assert "row 3 (alerts): lat/lon: 0/0 is not a location" in done.stdout

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02")
    refused = run_cli("import", str(bad), "--store", str(store))
    assert refused.returncode == 2 and "REFUSED, nothing stored" in refused.stdout

    out = tmp_path / "out.csv"
    exported = run_cli("export", "--layer", "alerts", "--store", str(store), "--format", "csv", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    frame = pd.read_csv(out, dtype=str)
    # Reporter keys and free text are left out by default, and the command says so.
    assert "reporter_key" not in frame.columns and "text" not in frame.columns
    assert "(reporter keys and free text left out)" in exported.stdout
    with_text = run_cli("export", "--layer", "alerts", "--store", str(store), "--format", "csv", "--out", str(out),
                        "--include-text")
    assert with_text.returncode == 0, with_text.stderr
    frame = pd.read_csv(out, dtype=str)
    assert frame.loc[frame["id"] == "A4", "text"].item() == "'=HYPERLINK(\"http://evil\")"
    audit = GeoPackageStore(store).read("audit")
    details = [json.loads(d) for d in audit["detail"].iloc[-2:]]
    assert [d["layer"] for d in details] == ["alerts", "alerts"]
    assert [d["free_text"] for d in details] == [False, True]


@pytest.mark.parametrize("fmt", ["xlsx", "geojson", "gpkg"])
def test_export_formats_read_back(tmp_path, alerts_file, fmt):
    store = open_store(tmp_path / "s.gpkg")
    import_files(store, [alerts_file], user="analyst", secret=b"k")
    out = tmp_path / f"alerts.{fmt}"
    assert run_cli("export", "--layer", "alerts", "--store", str(tmp_path / "s.gpkg"), "--format", fmt,
                   "--out", str(out), "--include-text").returncode == 0
    [table] = read(out, layer="alerts")
    assert len(table.frame) == 3
    if fmt == "xlsx":
        assert table.frame["text"].tolist()[-1].startswith("'=")


def test_cli_errors_are_messages_not_tracebacks(tmp_path):
    result = run_cli("import", str(tmp_path / "nope.csv"), "--store", str(tmp_path / "s.gpkg"))
    assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
    assert "no such file" in result.stdout
    not_gpkg = tmp_path / "x.gpkg"
    not_gpkg.write_text("hello")
    result = run_cli("export", "--layer", "alerts", "--store", str(not_gpkg), "--format", "csv", "--out", "o.csv")
    assert result.returncode == 2 and "cannot open store" in result.stderr and "Traceback" not in result.stderr


def test_identities_are_withheld_from_rows_the_reader_rejects(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(
        b"lat,lon,category,occurred_at,phone,text\n"
        b"4.7,20.6,looting,2018-11-01,+236 70 00 55 55,ok\n"
        b"4.7,20.6,looting,2018-11-01,+236 70 00 66 66\n"                      # ragged
        + "4.7,20.6,arson,2018-11-02,+236 70 00 77 77,brûlé\n".encode("cp1252")  # not UTF-8
    )
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k")
    assert (report.n_stored, report.n_quarantined) == (1, 2)
    raw = " ".join(store.read("quarantine")["raw"])
    assert "70 00 66 66" not in raw and "70 00 77 77" not in raw and "[withheld]" in raw
    assert store.read("alerts")["reporter_key"].str.startswith("R-").all()  # 'phone' read as the reporter
    assert b"70 00 55 55" not in (tmp_path / "s.gpkg").read_bytes()


def test_cli_demo_writes_every_layer_and_refuses_to_overwrite(tmp_path):
    from ewarning.demo import DEMO_DIR

    store_path = tmp_path / "demo.gpkg"
    first = run_cli("demo", "--store", str(store_path))
    assert first.returncode == 0, first.stderr
    counts = GeoPackageStore(store_path).counts()
    expected = {name: len(pd.read_csv(DEMO_DIR / f"{name}.csv")) for name in ("alerts", "sites", "presence",
                                                                               "patrols")}
    assert {k: counts[k] for k in expected} == expected
    assert counts["quarantine"] == 0
    again = run_cli("demo", "--store", str(store_path))
    assert again.returncode == 2 and "--force" in again.stderr
    forced = run_cli("demo", "--store", str(store_path), "--force")
    assert forced.returncode == 0 and GeoPackageStore(store_path).counts()["alerts"] == expected["alerts"]
    status = run_cli("status", "--store", str(store_path))
    assert f"{'alerts':<11}{expected['alerts']:>9,}" in status.stdout and "alerts.csv (" in status.stdout


def test_every_import_is_in_the_audit_log_with_who_imported_it(tmp_path):
    """Imports reach the audit log (issue #17), written in the import's own transaction."""
    from ewarning.importing import import_files
    from ewarning.store import open_store

    csv = tmp_path / "reports.csv"
    csv.write_text("id,reported_at,lat,lon,category\nI1,2018-11-10T10:00Z,4.79,20.68,killing\n"
                   "I2,2018-11-10T11:00Z,4.79,20.68,picnic\n", encoding="utf-8")
    store = open_store(str(tmp_path / "s.gpkg"))
    (report,) = import_files(store, [csv], layer="alerts", user="ana", secret=b"k")
    audit = store.read("audit")
    entry = audit[audit["action"] == "import"]
    assert len(entry) == 1 and entry["user"].iloc[0] == "ana"
    assert entry["detail"].iloc[0] == f"import #{report.import_id}: reports.csv: 1 stored, 1 quarantined"
    dry = import_files(store, [csv], layer="alerts", dry_run=True, secret=b"k")
    assert len(store.read("audit").query("action == 'import'")) == 1 and dry[0].status == "checked"
