"""Model quality on the shipped UCDP GED sample: the README's and docs/engine.md's backtest tables.

Run: ``python benchmarks/bench_backtest_ucdp.py [--out benchmarks/results/backtest_ucdp.json]``.

Runs the engine and the three baselines (K = 10, horizon 14 days, tolerance
10 km, serious = 5+ killed, weekly as-of dates) on the tuning period
2009-2015, on 2016 and on 2020-2022 (the sample has no 2017-2019), on all
three pooled, and year by year; then a paired block bootstrap of the engine
against each baseline per period. Prints markdown tables and writes JSON.
Not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PERIODS = {"train 2009-2015": ("2009-01-01", "2015-12-31"), "test 2016": ("2016-01-01", "2016-12-31"),
           "test 2020-2022": ("2020-01-01", "2022-12-31")}
YEARS = list(range(2009, 2017)) + [2020, 2021, 2022]
SHORT = {"engine": "engine", "grid counts (25 km, 30 d)": "grid", "kernel density (15 km, 21 d half-life)": "KDE",
         "emerging hot spots (Gi* + Mann-Kendall)": "EHSA"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "backtest_ucdp.json"))
    parser.add_argument("--bootstrap", type=int, default=2000)
    args = parser.parse_args()
    from ewarning import alerts as alerts_mod
    from ewarning import backtest
    from ewarning.asof import date_range
    from ewarning.config import UCDP_SAMPLE
    from ewarning.io import read
    from ewarning.significance import compare_all

    alerts = alerts_mod.validate(read(UCDP_SAMPLE)[0], secret=b"benchmark").valid
    doc = {"data": str(UCDP_SAMPLE.name), "config": "defaults (HotspotConfig, BacktestConfig)", "periods": {},
           "years": {}}
    per_dates = []
    print("| period | method | hits / event windows | hit rate | area % | PAI | areas per date |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (a, b) in PERIODS.items():
        r = backtest.run(alerts, date_range(a, b, "7D"))
        per_dates.append(r.per_date)
        s = backtest.summary(r.per_date)
        comps = compare_all(r.per_date, "engine", n_boot=args.bootstrap, seed=0)
        doc["periods"][name] = {"table": s.reset_index().to_dict(orient="records"),
                                "comparisons": [c.to_dict() for c in comps]}
        for m, row in s.iterrows():
            print(f"| {name} | {SHORT[m]} | {int(row.hits)} / {int(row.event_windows)} | {row.hit_rate:.3f} | "
                  f"{100 * row.area_share:.2f} | {row.pai:.2f} | {row.areas_per_date:.2f} |")
    pooled = pd.concat(per_dates, ignore_index=True)
    s = backtest.summary(pooled)
    comps = compare_all(pooled, "engine", n_boot=args.bootstrap, seed=0)
    doc["periods"]["all three pooled"] = {"table": s.reset_index().to_dict(orient="records"),
                                          "comparisons": [c.to_dict() for c in comps]}
    for m, row in s.iterrows():
        print(f"| all three pooled | {SHORT[m]} | {int(row.hits)} / {int(row.event_windows)} | {row.hit_rate:.3f} | "
              f"{100 * row.area_share:.2f} | {row.pai:.2f} | {row.areas_per_date:.2f} |")

    print("\n| period | baseline | hits engine - baseline [90 % interval] | P(not ahead) | PAI ratio [90 % interval] "
          "| P(not ahead) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, p in doc["periods"].items():
        for c in p["comparisons"]:
            print(f"| {name} | {SHORT[c['baseline']]} | {c['hits_diff']:+d} [{c['hits_diff_low']:+.0f}, "
                  f"{c['hits_diff_high']:+.0f}] | {c['p_hits_not_ahead']:.3f} | {c['pai_ratio']:.2f} "
                  f"[{c['pai_ratio_low']:.2f}, {c['pai_ratio_high']:.2f}] | {c['p_pai_not_ahead']:.3f} |")

    print("\n| year | engine | grid | KDE | EHSA |   (hits / PAI)")
    print("| --- | --- | --- | --- | --- |")
    for y in YEARS:
        s = backtest.summary(backtest.run(alerts, date_range(f"{y}-01-01", f"{y}-12-31", "7D")).per_date)
        doc["years"][y] = s.reset_index().to_dict(orient="records")
        cells = [f"{int(r.hits)} / {r.pai:.1f}" for _, r in s.iterrows()]
        print(f"| {y} | " + " | ".join(cells) + " |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(doc, indent=2, default=str))


if __name__ == "__main__":
    main()
