"""Hit rate against area share, area budgets and accuracy at equal hit rate, on a hand-computed case."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from ewarning.backtest import BacktestConfig, area_needed, budget_table, curve_table, rate_at_area, run
from ewarning.significance import compare_budgets

from tests.test_engine_backtest import CRS, FixedAreas  # noqa: E402  (one fixed-areas method for both files)


def _case(curve_k=3):
    country_km = shapely.box(-50, -50, 50, 50)                      # 10,000 km^2
    country = gpd.GeoSeries([shapely.transform(country_km, lambda c: c * 1000)], crs=CRS).to_crs("EPSG:4326").iloc[0]
    xy = gpd.GeoSeries(shapely.points(np.array([(0, 0), (40, 40)]) * 1000.0), crs=CRS).to_crs("EPSG:4326")
    a = gpd.GeoDataFrame({"id": ["e1", "e2"], "reported_at": pd.to_datetime(["2020-01-03", "2020-01-10"], utc=True),
                          "category": "killing", "killed": [6, 9]}, geometry=xy.to_numpy(), crs="EPSG:4326")
    # a: squares of 0.98 % (9.9 km) on both events, then a miss; b: a miss, then a 4 % square on the first event
    sq = lambda x, y: shapely.box(x - 4.95, y - 4.95, x + 4.95, y + 4.95)  # noqa: E731
    a_areas = [sq(0, 0), sq(40, 40), sq(-40, -40)]
    b_areas = [sq(-40, -40), shapely.box(-10, -10, 10, 10)]
    cfg = BacktestConfig(top_k=2, horizon_days=14, tolerance_km=0.0)
    return run(a, ["2020-01-01", "2020-01-08"], methods={"a": FixedAreas(a_areas), "b": FixedAreas(b_areas)},
               config=cfg, country=country, curve_k=curve_k)


def test_curves_by_hand():
    r = _case()
    c = r.curves
    # date 1 sees both events, date 2 the second: 3 (date, event) pairs
    assert c.events.tolist() == [2, 1]
    s = 9.9 ** 2 / 10_000
    assert np.allclose(c.share["a"], [[s, 2 * s, 3 * s]] * 2, rtol=1e-6)
    assert c.hits["a"].tolist() == [[1, 2, 2], [0, 1, 1]]
    assert np.allclose(c.share["b"], [[s, s + 0.04, s + 0.04]] * 2, rtol=1e-6)      # b names 2 areas only
    assert c.hits["b"].tolist() == [[0, 1, 1], [0, 0, 0]]
    ct = curve_table(c)
    assert ct[ct.method == "a"]["hit_rate"].tolist() == pytest.approx([1 / 3, 1.0, 1.0])
    assert ct[ct.method == "b"]["hit_rate"].tolist() == pytest.approx([0.0, 1 / 3, 1 / 3])
    bt = budget_table(c, baselines=["b"])
    # within 1 %: a keeps its first square (1 hit of 3), b its miss; within 2 % a both squares (3 of 3)
    assert bt.loc["a", ["hr_1%", "hr_2%", "hr_3%"]].tolist() == pytest.approx([1 / 3, 1.0, 1.0])
    assert bt.loc["b", ["hr_1%", "hr_2%", "hr_3%"]].tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert bt.loc["a", "share_2%"] == pytest.approx(2 * s, rel=1e-6)
    # equal hit rate at 3 %: b's curve (0, 0) - (s, 0) - (s + 0.04, 1/3) reaches h = (0.03 - s) / 0.04 / 3 at
    # 3 %; a's curve (0, 0) - (s, 1/3) needs 3 h s for it: PAI ratio 0.03 / (3 h s) (about 6.06)
    h = (0.03 - s) / 0.04 / 3
    assert bt.loc["a", "level_3%"] == pytest.approx(h, rel=1e-6)
    assert bt.loc["a", "pai_ratio_3%"] == pytest.approx(0.03 / (3 * h * s), rel=1e-6)
    # lead within 2 %: both events first covered as of 1 Jan: 2 and 9 days
    assert bt.loc["a", "median_lead_days_2%"] == pytest.approx(5.5)


def test_the_top_k_table_is_the_same_with_curves():
    assert _case(curve_k=3).table.equals(_case(curve_k=0).table)
    assert _case(curve_k=0).curves is None


def test_interpolation_helpers():
    area, rate = np.array([0.01, 0.02, 0.04]), np.array([0.2, 0.3, 0.5])
    assert float(area_needed(area, rate, 0.4)) == pytest.approx(0.03)
    assert float(rate_at_area(area, rate, 0.03)) == pytest.approx(0.4)
    assert float(rate_at_area(area, rate, 0.10)) == pytest.approx(0.5)      # beyond the curve: its last point
    assert np.isnan(area_needed(area, rate, 0.6))


def test_budget_bootstrap():
    r = _case()
    (c1,) = compare_budgets(r.curves, "a", budgets=(0.02,), n_boot=300, block=1, seed=0)
    assert c1.baseline == "b" and c1.hr_diff == pytest.approx(1.0) and c1.p_hr_not_ahead == 0.0
    assert c1.hr_diff_low <= c1.hr_diff <= c1.hr_diff_high
    again = compare_budgets(r.curves, "a", budgets=(0.02,), n_boot=300, block=1, seed=0)[0]
    assert repr(again) == repr(c1)           # same seed, same intervals (NaN fields compare by repr)
    # a method against itself: no difference in any resample, the ratio 1 (ties count half)
    own = compare_budgets(r.curves.reorder(["a"]).join(r.curves.reorder(["b"])), "b", baselines=["b"],
                          budgets=(0.03,), n_boot=200, seed=1)[0]
    assert own.hr_diff == 0.0 and own.hr_diff_low == 0.0 == own.hr_diff_high
