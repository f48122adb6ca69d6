"""The one command line: ``hotspots`` / ``watch`` score the store by default, as the desk does.

The store's hotspots from the command line equal those the desk computes
(:func:`ewarning.hotspots.score_hotspots` on the store's layers through
:func:`ewarning.filters.scoring_alerts` with the default filters, today's
triage or triage as known then), and equal the files route when the store's
layers are exported and passed back as files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ewarning import filters as flt
from ewarning import triage
from ewarning.asof import triaged_as_of
from ewarning.hotspots import score_hotspots
from ewarning.places import shipped_towns
from ewarning.store import open_store
from tests.cli_runner import run_main

REPO = Path(__file__).resolve().parent.parent
AS_OF = pd.Timestamp("2018-11-15", tz="UTC")
KEYS = ("hotspot_id", "rank", "score", "killed")


@pytest.fixture(scope="module")
def store(demo_store, tmp_path_factory):
    """A copy of the demo store where alerts of the top hotspot were discounted after the as-of date."""
    path = tmp_path_factory.mktemp("cli") / "demo.gpkg"
    shutil.copy(demo_store, path)
    s = open_store(path)
    top = desk(s, known_then=False).hotspots.iloc[0]
    alerts = s.read("alerts")
    for aid in list(top["alert_ids"])[:3]:
        triage.apply(s, triage.discount(alerts, aid, based_on=0, user="ana", at=pd.Timestamp.now(tz="UTC")))
    return path


def desk(s, known_then: bool):
    """What the desk scores (``app_pages.common.load_hotspots`` under the default filters, no area)."""
    f = flt.Filters(end=AS_OF, triage_as_known=known_then)
    alerts = s.read("alerts")
    alerts = triaged_as_of(alerts, s.read("alert_edits"), f.as_of) if f.triage_as_known else alerts
    alerts = flt.scoring_alerts(alerts, f)
    return score_hotspots(alerts, s.read("sites"), s.read("presence"), s.read("patrols"), as_of=f.as_of,
                          top=10, towns=shipped_towns())


def picture(result) -> list[tuple]:
    return [(h["hotspot_id"], int(h["rank"]), round(float(h["score"]), 2), float(int(round(float(h["killed"])))))
            for _, h in result.hotspots.iterrows()]


def cli_picture(doc) -> list[tuple]:
    return [(p["hotspot_id"], int(p["rank"]), p["score"], float(p["killed"]))
            for p in (f["properties"] for f in doc["features"])]


def test_hotspots_from_the_store_are_the_desks(store, tmp_path):
    out = tmp_path / "x.geojson"
    proc = subprocess.run([sys.executable, "-m", "ewarning", "hotspots", "--store", str(store), "--as-of",
                           "2018-11-15", "--top", "10", "--out", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(out.read_text())
    expected = desk(open_store(store), known_then=False)
    assert len(doc["features"]) == 10
    assert cli_picture(doc) == picture(expected)
    assert "triage edit(s) were made after the as-of time: applied (hindsight)" in proc.stderr


def test_triage_as_known_then_is_the_desks_box(store, capsys):
    s = open_store(store)
    today, then = desk(s, known_then=False), desk(s, known_then=True)
    assert picture(today) != picture(then)        # the later discounts matter
    proc = run_main(capsys, "hotspots", "--store", store, "--as-of", "2018-11-15", "--top", "10",
                    "--triage-as-known-then")
    assert proc.returncode == 0, proc.stderr
    assert cli_picture(json.loads(proc.stdout)) == picture(then)
    assert "undone, as known then" in proc.stderr


def test_files_route_equals_the_store_route(store, tmp_path, capsys):
    files = {}
    for layer in ("alerts", "sites", "presence", "patrols"):
        files[layer] = tmp_path / f"{layer}.geojson"
        proc = run_main(capsys, "export", "--layer", layer, "--store", store, "--format", "geojson",
                        "--out", files[layer], "--include-reporter-key", "--include-text")
        assert proc.returncode == 0, proc.stderr
    args = ["hotspots", "--as-of", "2018-11-15", "--top", "10"]
    from_store = run_main(capsys, *args, "--store", store)
    from_files = run_main(capsys, *args, *(x for layer, p in files.items() for x in (f"--{layer}", p)))
    assert from_store.returncode == 0 and from_files.returncode == 0, from_files.stderr
    assert cli_picture(json.loads(from_files.stdout)) == cli_picture(json.loads(from_store.stdout))


def test_a_file_replaces_one_layer_of_the_store(store, tmp_path, capsys):
    sites = tmp_path / "sites.csv"
    sites.write_text("site_id,name,kind,lat,lon,population\nS-X,Nowhere camp,idp_camp,4.0,16.0,100\n")
    proc = run_main(capsys, "watch", "--store", store, "--sites", sites, "--as-of", "2018-11-15")
    assert proc.returncode == 0, proc.stderr
    assert {f["properties"]["site_id"] for f in json.loads(proc.stdout)["features"]} <= {"S-X"}
    read = [line for line in proc.stderr.splitlines() if line.startswith("store ")]
    assert len(read) == 1 and "alerts" in read[0] and "sites" not in read[0]   # the store's sites are not read
    with_store = run_main(capsys, "watch", "--store", store, "--as-of", "2018-11-15")
    assert {f["properties"]["site_id"] for f in json.loads(with_store.stdout)["features"]} - {"S-X"}


def test_watch_from_the_store(store, capsys):
    proc = run_main(capsys, "watch", "--store", store, "--as-of", "2018-11-15", "--top", "5")
    assert proc.returncode == 0, proc.stderr
    assert 0 < len(json.loads(proc.stdout)["features"]) <= 5


def test_refusals_and_unexpected_failures(tmp_path, capsys, monkeypatch):
    missing = tmp_path / "none.gpkg"
    proc = run_main(capsys, "hotspots", "--store", missing, "--as-of", "2018-11-15")
    assert proc.returncode == 2 and "no store at" in proc.stderr and not missing.exists()
    proc = run_main(capsys, "backtest", "--store", missing, "--from", "2018-11-01", "--to", "2018-11-15")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    from ewarning.cli import engine

    def boom(args):
        raise RuntimeError("kaput near +236 70 11 22 33")  # a message may quote an input
    monkeypatch.setattr("ewarning.config.data_dir", lambda: tmp_path)
    monkeypatch.setattr(engine, "_dates", boom)
    proc = run_main(capsys, "hotspots", "--store", missing, "--as-of", "2018-11-15")
    assert proc.returncode == 1 and "kaput" in proc.stderr and "error id" in proc.stderr
    log = (tmp_path / "errors.log").read_text()
    assert "Traceback" in log and "kaput near [phone removed]" in log
    assert "70 11 22" not in proc.stderr + log  # no identity on the screen or in the error log
