"""Engine commands through a real subprocess, the demo scenario, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ewarning.config import UCDP_SAMPLE
from tests.cli_runner import run_main

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "geodata" / "demo"
UCDP = UCDP_SAMPLE


def cli(*args, cwd=REPO):
    """A real subprocess (kept for a few cases: entry point, exit status, streams)."""
    proc = subprocess.run([sys.executable, "-m", "ewarning.engine_cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def small_alerts(tmp_path_factory):
    p = tmp_path_factory.mktemp("a") / "alerts.csv"
    rows = ["id,reported_at,lat,lon,category,killed,reporter"]
    for d in range(1, 21):
        rows.append(f"a{d},2018-11-{d:02d}T10:00Z,4.8{d % 3},20.7,killing,{d % 4},r{d}")
    rows.append("late,2018-11-15,4.80,20.70,killing,50,r99")   # dated the 15th, no time
    p.write_text("\n".join(rows) + "\n")
    return p


def test_hotspots_contract_and_bare_date(small_alerts, tmp_path):
    out = tmp_path / "h.geojson"
    proc = cli("hotspots", "--alerts", small_alerts, "--as-of", "2018-11-15", "--out", out)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 1
    f = doc["features"][0]
    assert f["geometry"]["type"] == "Polygon"
    p = f["properties"]
    for key in ["as_of", "rank", "score", "flagged", "presence", "presence_gap", "exposed_sites", "n_alerts",
                "trend", "explanation"]:
        assert key in p
    assert set(p["presence"]) == {"military", "police", "civilian", "cla"}
    assert p["n_alerts"] == 14 and "late" not in p["alert_ids"]   # reports of 1-14 Nov, not the 15th
    assert p["as_of"].startswith("2018-11-15T00:00:00")
    assert "no presence layer" in proc.stderr


def test_range_of_dates_gives_one_set_per_date(small_alerts, capsys):
    proc = run_main(capsys, "hotspots", "--alerts", small_alerts, "--from", "2018-11-08", "--to", "2018-11-22", "--every", "7D")
    assert proc.returncode == 0, proc.stderr
    feats = json.loads(proc.stdout)["features"]
    assert sorted({f["properties"]["as_of"][:10] for f in feats}) == ["2018-11-08", "2018-11-15", "2018-11-22"]


@pytest.mark.parametrize("args, message", [
    (["--as-of", "not-a-date"], "not a date"),
    (["--from", "2018-11-20", "--to", "2018-11-01"], "after"),
    (["--from", "2018-11-01"], "--to"),
    (["--as-of", "2018-11-15", "--presence", "/nonexistent/presence.csv"], "no such file"),
])
def test_bad_arguments_are_refused_with_a_message(small_alerts, args, message, capsys):
    proc = run_main(capsys, "hotspots", "--alerts", small_alerts, *args)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_refusal_through_a_real_process(small_alerts):
    proc = cli("hotspots", "--alerts", small_alerts, "--as-of", "not-a-date")
    assert proc.returncode == 2 and "not a date" in proc.stderr and proc.stdout == ""


def test_empty_window_and_out_of_range_give_empty_valid_output(small_alerts, tmp_path, capsys):
    def cli(*args):
        return run_main(capsys, *args)
    for when, note in [("2010-01-01", "before the first alert"), ("2030-01-01", "no alerts reported")]:
        proc = cli("hotspots", "--alerts", small_alerts, "--as-of", when)
        assert proc.returncode == 0 and note in proc.stderr
        assert json.loads(proc.stdout)["features"] == []
    header_only = tmp_path / "empty.csv"
    header_only.write_text("id,reported_at,lat,lon,category\n")
    proc = cli("hotspots", "--alerts", header_only, "--as-of", "2018-11-15")
    assert proc.returncode in (0, 2) and ("no alerts" in proc.stderr or "error" in proc.stderr)
    proc = cli("watch", "--alerts", small_alerts, "--as-of", "2018-11-15")
    assert proc.returncode == 0 and "no --sites" in proc.stderr
    proc = cli("backtest", "--alerts", small_alerts, "--as-of", "2018-11-15")
    assert proc.returncode == 2 and "range" in proc.stderr


def test_backtest_command_prints_a_table_and_writes_json(small_alerts, tmp_path, capsys):
    out = tmp_path / "bt.json"
    proc = run_main(capsys, "backtest", "--alerts", small_alerts, "--from", "2018-11-05", "--to", "2018-11-19", "--top", "3",
               "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "engine" in proc.stdout and "kernel density" in proc.stdout and "emerging hot spots" in proc.stdout
    doc = json.loads(out.read_text())
    assert {m["method"] for m in doc["methods"]} >= {"engine", "grid counts (25 km, 30 d)"}
    assert "engine against baseline" in proc.stdout and "P(not ahead)" in proc.stdout
    comparisons = {c["baseline"]: c for c in doc["comparisons"]}
    assert set(comparisons) == {m["method"] for m in doc["methods"]} - {"engine"}
    hits = {m["method"]: m["hits"] for m in doc["methods"]}
    for name, c in comparisons.items():
        assert c["hits_diff"] == hits["engine"] - hits[name] and c["n_dates"] == 3


@pytest.mark.skipif(not (DEMO / "alerts.csv").exists(), reason="demo scenario not generated")
@pytest.mark.parametrize("days_before", [0, 6])
def test_demo_alindao_flagged_before_the_attack(days_before):
    # as of the attack day (what was known at the end of the 14th) and six days earlier
    from ewarning import scenario
    attack = scenario.ALINDAO_ATTACK - pd.Timedelta(days=days_before)
    proc = cli("hotspots", "--alerts", DEMO / "alerts.csv", "--sites", DEMO / "sites.csv", "--presence",
               DEMO / "presence.csv", "--patrols", DEMO / "patrols.csv", DEMO / "patrol_points.csv",
               "--as-of", f"{attack:%Y-%m-%d}", "--top", "10")
    assert proc.returncode == 0, proc.stderr
    feats = [f["properties"] for f in json.loads(proc.stdout)["features"]]
    alindao = [p for p in feats if "Alindao" in p["place"] or any("Alindao" in s for s in p["exposed_sites"])]
    assert alindao, [p["place"] for p in feats]
    a = alindao[0]
    assert a["flagged"] and a["presence_gap"] == ["police", "civilian", "cla"]
    assert a["presence"]["military"] is True
    assert "missing police, civilian staff and liaison assistants" in a["explanation"]
    assert a["rank"] <= 3
    # nothing else is flagged; on the attack day the other main hotspots are multidimensional
    assert [p["place"] for p in feats if p["flagged"]] == [a["place"]]
    for town in [t for t in scenario.HOTSPOT_TOWNS if t != "Alindao"] if days_before == 0 else []:
        near = [p for p in feats if town in p["place"]]
        assert all(p["presence_gap"] == [] and not p["flagged"] for p in near), (town, near)


@pytest.mark.skipif(not UCDP.exists(), reason="UCDP sample not present")
def test_ucdp_file_is_read_and_cited(capsys):
    proc = run_main(capsys, "hotspots", "--alerts", UCDP, "--as-of", "2014-06-01", "--top", "3")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["features"]) == 3 and "UCDP" in doc.get("attribution", "")
