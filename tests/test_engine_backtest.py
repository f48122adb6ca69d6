"""Backtest metrics on a hand-checkable case, and the baselines' basic behaviour."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from ewarning.backtest import BacktestConfig, run
from ewarning.hotspots.prepare import AlertIndex, days

CRS = "+proj=laea +lat_0=0 +lon_0=0 +datum=WGS84 +units=m +no_defs"


class FixedAreas:
    """A method that always names the same areas (km on CRS)."""

    def __init__(self, areas):
        self._areas = areas

    def fit(self, ix):
        return self

    def areas(self, t_end, k):
        return self._areas[:k]


def _alerts(points_km, dates, killed):
    xy = gpd.GeoSeries(shapely.points(np.asarray(points_km) * 1000.0), crs=CRS).to_crs("EPSG:4326")
    return gpd.GeoDataFrame({"id": [f"e{i}" for i in range(len(dates))],
                             "reported_at": pd.to_datetime(dates, utc=True), "category": "killing",
                             "killed": killed}, geometry=xy.to_numpy(), crs="EPSG:4326")


def test_metrics_by_hand():
    # country: a 100 km x 100 km square centred on (0, 0); two methods name fixed areas
    country_km = shapely.box(-50, -50, 50, 50)
    country = gpd.GeoSeries([shapely.transform(country_km, lambda c: c * 1000)], crs=CRS).to_crs("EPSG:4326").iloc[0]
    # serious events: (0, 0) on 3 Jan and (40, 40) on 10 Jan; a small one (2 killed) at (0, 0) is not serious
    a = _alerts([(0, 0), (40, 40), (0, 0)], ["2020-01-03", "2020-01-10", "2020-01-04"], [6, 9, 2])
    square = shapely.box(-5, -5, 5, 5)            # 10 km square at the centre
    far = shapely.box(-45, 30, -35, 40)           # nowhere near an event
    methods = {"a": FixedAreas([square]), "b": FixedAreas([square, far])}
    cfg = BacktestConfig(top_k=2, horizon_days=14, tolerance_km=10)
    r = run(a, ["2020-01-01", "2020-01-08"], methods=methods, config=cfg, country=country)
    t = r.table
    # date 1 sees both events (3 and 10 Jan), date 2 sees the one of 10 Jan: 3 (date, event) pairs;
    # only the (0, 0) event of date 1 is within 10 km of the square.
    assert t.loc["a", "event_windows"] == 3 and t.loc["a", "hits"] == 1
    assert t.loc["a", "hit_rate"] == pytest.approx(1 / 3)
    # area: the 10 km square widened by 10 km = 30x30 square with rounded corners = 100 + 4*10*10 + pi*100
    widened = 100 + 400 + np.pi * 100
    assert t.loc["a", "area_share"] == pytest.approx(widened / 10_000, rel=0.01)
    assert t.loc["a", "pai"] == pytest.approx((1 / 3) / (widened / 10_000), rel=0.01)
    # lead time: the hit event (3 Jan) was first covered as of 1 Jan: 2 days
    assert t.loc["a", "median_lead_days"] == pytest.approx(2.0)
    # false alarms: date 1 square had an event, date 2 square had none -> 1 of 2 areas
    assert t.loc["a", "false_alarm_share"] == pytest.approx(0.5)
    # method b adds an area that never sees an event: same hits, more area, more false alarms
    assert t.loc["b", "hits"] == 1 and t.loc["b", "area_share"] > t.loc["a", "area_share"]
    assert t.loc["b", "false_alarm_share"] == pytest.approx(3 / 4)


def test_default_methods_run_and_report_out_of_range_dates():
    a = _alerts([(0, 0), (1, 1), (30, 30)], ["2020-01-03", "2020-01-05", "2020-01-06"], [6, 1, 7])
    r = run(a, ["2019-01-01", "2020-01-06", "2020-01-13"], config=BacktestConfig(top_k=2))
    assert set(r.table.index) == {"engine", "grid counts (25 km, 30 d)", "kernel density (15 km, 21 d half-life)",
                                  "emerging hot spots (Gi* + Mann-Kendall)"}
    assert any("outside the data" in n for n in r.notes)
    assert "hit rate" in r.format_table() and '"methods"' in r.to_json()


def test_baselines_see_nothing_from_the_future():
    from ewarning.baselines import EmergingHotSpots, GridCounts, KernelDensity
    past = _alerts([(0, 0), (2, 1)], ["2020-01-03", "2020-01-05"], [1, 1])
    fut = _alerts([(30, 30)] * 5, ["2020-01-10"] * 5, [9] * 5).assign(id=[f"f{i}" for i in range(5)])
    t = days(pd.Timestamp("2020-01-08", tz="UTC"))
    for cls in (GridCounts, KernelDensity, EmergingHotSpots):
        b = (0.0, 0.0, 100.0, 100.0)
        m1 = cls(bounds=(-60, -60, 60, 60)).fit(AlertIndex.from_frame(past, crs=CRS))
        m2 = cls(bounds=(-60, -60, 60, 60)).fit(AlertIndex.from_frame(pd.concat([past, fut]), crs=CRS))
        assert [p.wkb for p in m1.areas(t, 3)] == [p.wkb for p in m2.areas(t, 3)], cls.__name__
        del b


def test_backtest_command_runs_the_hawkes_forecast_with_budgets(tmp_path, capsys):
    import json

    from tests.cli_runner import run_main
    demo = __import__("ewarning.config", fromlist=["GEODATA"]).GEODATA / "demo" / "alerts.csv"
    if not demo.exists():
        pytest.skip("demo scenario not generated")
    out = tmp_path / "bt.json"
    proc = run_main(capsys, "backtest", "--alerts", demo, "--from", "2018-10-15", "--to", "2018-11-12",
                    "--methods", "kde,hawkes", "--curves", "10", "--bootstrap", "50", "--out", out)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert [m["method"] for m in doc["methods"]] == ["kernel density (15 km, 21 d half-life)", "hawkes"]
    budgets = {b["method"]: b for b in doc["budgets"]}
    assert set(budgets) == {m["method"] for m in doc["methods"]}
    curve = [c for c in doc["curve"] if c["method"] == "hawkes"]
    assert [c["k"] for c in curve] == list(range(1, 11))
    # the curve is cumulative: more areas never hit less
    assert all(a["hits"] <= b["hits"] for a, b in zip(curve, curve[1:]))
    assert "hit rate 1/2/3 %" in proc.stdout and "hawkes, fit used as of the last date" in proc.stderr
    bad = run_main(capsys, "backtest", "--alerts", demo, "--from", "2018-10-15", "--to", "2018-11-12",
                   "--methods", "engine,magic")
    assert bad.returncode == 2 and "magic" in bad.stderr
