"""Benchmark of the engine: as-of scoring and a 150-date weekly backtest over 100,000 alerts.

Run: ``python benchmarks/bench_engine.py [--n 100000] [--out benchmarks/bench_engine.json]``.
Synthetic alerts (seeded): 60 places with their own rates and bursts over three
years across the Central African Republic, plus background noise. Prints the
timings and peak memory and writes them as JSON. Not a test: figures depend
on the machine, which is recorded with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import sys

import geopandas as gpd
import numpy as np
import pandas as pd


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def synthetic_alerts(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2019-01-01", tz="UTC")
    n_places = 60
    centres = np.column_stack([rng.uniform(15, 27, n_places), rng.uniform(3, 10.5, n_places)])
    weights = rng.gamma(1.0, 1.0, n_places)
    place = rng.choice(n_places, size=n, p=weights / weights.sum())
    noise = rng.random(n) < 0.15
    lon = np.where(noise, rng.uniform(15, 27, n), centres[place, 0] + rng.normal(0, 0.08, n))
    lat = np.where(noise, rng.uniform(3, 10.5, n), centres[place, 1] + rng.normal(0, 0.08, n))
    t = rng.uniform(0, 3 * 365, n)
    cats = np.array(["killing", "armed_attack", "abduction", "looting", "threat_or_rumour", "armed_group_movement"])
    cat = cats[rng.integers(0, len(cats), n)]
    killed = np.where(cat == "killing", rng.poisson(2.0, n), 0) + (rng.random(n) < 0.02) * rng.integers(5, 30, n)
    reported = start + pd.to_timedelta(t, unit="D")
    return gpd.GeoDataFrame({
        "id": [f"S{i}" for i in range(n)], "reported_at": reported, "occurred_at": reported - pd.Timedelta(hours=2),
        "category": cat, "severity": np.where(np.isin(cat, ["killing", "abduction", "armed_attack"]), 4, 2),
        "killed": killed, "verification": "unverified", "reliability": "F", "credibility": "6",
        "reporter_key": [f"R{k}" for k in rng.integers(0, 5000, n)],
        "location_precision": rng.choice(["exact", "village", "district"], n, p=[0.5, 0.4, 0.1]),
        "duplicate_of": None}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dates", type=int, default=150)
    parser.add_argument("--out", default=str(Path(__file__).with_suffix(".json")))
    args = parser.parse_args()
    from ewarning import backtest
    from ewarning.hotspots import HotspotEngine

    alerts = synthetic_alerts(args.n)
    as_of = pd.Timestamp("2021-06-01", tz="UTC")
    t0 = time.perf_counter()
    result = HotspotEngine(alerts).score(as_of, top=10)
    t_score = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = HotspotEngine(alerts).score(as_of, top=10)
    t_score_warm = time.perf_counter() - t0
    window = int(((alerts["reported_at"] >= as_of - pd.Timedelta(days=60)) & (alerts["reported_at"] < as_of)).sum())

    dates = list(pd.date_range("2019-03-01", periods=args.dates, freq="7D", tz="UTC"))
    t0 = time.perf_counter()
    bt = backtest.run(alerts, dates, config=backtest.BacktestConfig(top_k=10))
    t_backtest = time.perf_counter() - t0
    figures = {
        "date": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version()},
        "alerts": args.n, "alerts_in_recent_window": window, "hotspots_found": len(result.hotspots),
        "as_of_scoring_s_first": round(t_score, 3), "as_of_scoring_s": round(t_score_warm, 3),
        "backtest_dates": len(dates), "backtest_methods": len(bt.table), "backtest_s": round(t_backtest, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    from ewarning.significance import format_comparisons

    comparisons = bt.significance(n_boot=2000, seed=0)
    figures["comparisons"] = [c.to_dict() for c in comparisons]
    figures["table"] = bt.table.reset_index(names="method").to_dict(orient="records")
    print(json.dumps({k: v for k, v in figures.items() if k not in ("comparisons", "table")}, indent=2))
    print(bt.format_table())
    print(format_comparisons(comparisons))
    Path(args.out).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
