"""Speed of the Hawkes forecast: one as-of forecast and a 150-date backtest over 100,000 alerts; 1,000,000 alerts.

Run: ``python benchmarks/bench_hawkes.py [--n 100000] [--big 1000000]``.

Synthetic alerts from ``benchmarks/bench_engine.py`` (seeded; 60 places over
three years across the Central African Republic). Measured, never asserted:

- one as-of forecast (top 25 discs, 14 days) over 100,000 alerts, with the
  model already fitted on the schedule (target < 0.5 s), and the fit itself;
- one as-of hotspot scoring of the product with each hotspot's expected serious
  events (the day's fit included; the engine's target < 2 s);
- a 150-date weekly backtest of the Hawkes method alone over 100,000 alerts
  (refit every 180 days, the chosen schedule; target < 30 s);
- 1,000,000 alerts scored (index, fit, one forecast) in a child process,
  with its peak resident memory (target < 10 s).

Writes ``benchmarks/results/hawkes_speed.json``. Figures depend on the
machine, which is recorded with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def score_once(n: int) -> dict:
    """Index, fit and one forecast as of 2021-06-01 over ``n`` synthetic alerts."""
    from bench_engine import synthetic_alerts
    from ewarning.forecast import Events, choose_discs, fit
    from ewarning.hotspots.prepare import AlertIndex, days
    alerts = synthetic_alerts(n)
    t0 = time.perf_counter()
    ix = AlertIndex.from_frame(alerts)
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    ev = Events.from_index(ix)
    t = days(pd.Timestamp("2021-06-01", tz="UTC"))
    f = fit(ev, t)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    fc = choose_discs(ev, f, t, 25)
    t_fc = time.perf_counter() - t0
    t0 = time.perf_counter()
    fc = choose_discs(ev, f, t, 25)
    t_fc2 = time.perf_counter() - t0
    return {"alerts": n, "index_s": round(t_index, 3), "fit_s": round(t_fit, 3), "forecast_s_first": round(t_fc, 3),
            "forecast_s": round(t_fc2, 3), "scored_s (fit + forecast)": round(t_fit + t_fc2, 3),
            "scored_s incl. index": round(t_index + t_fit + t_fc2, 3),
            "discs": len(fc.discs), "candidates": fc.n_candidates, "fit": f.summary(),
            "fit_pairs": f.n_pairs, "peak_rss_mb": round(peak_rss_mb(), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--dates", type=int, default=150)
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "hawkes_speed.json"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(score_once(args.child)))
        return
    from bench_engine import synthetic_alerts
    from ewarning import backtest
    from ewarning.forecast import HawkesMethod
    figures = {"date": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                           "python": platform.python_version(), "load_average_1m": round(os.getloadavg()[0], 2)}}
    figures["one_as_of"] = score_once(args.n)
    print(json.dumps(figures["one_as_of"], indent=1))
    alerts = synthetic_alerts(args.n)
    from ewarning.hotspots import HotspotEngine
    as_of = pd.Timestamp("2021-06-01", tz="UTC")
    runs = []
    for _ in range(2):     # the product: hotspots with their expected serious events (fit of the day included)
        t0 = time.perf_counter()
        hot = HotspotEngine(alerts).score(as_of, top=10).hotspots
        runs.append(round(time.perf_counter() - t0, 3))
    figures["hotspots_with_expected"] = {"alerts": args.n, "seconds_first": runs[0], "seconds": runs[1],
                                         "hotspots": len(hot), "model": str(hot["forecast_model"].iloc[0])}
    print("hotspot scoring with expected events:", figures["hotspots_with_expected"])
    dates = list(pd.date_range("2019-03-01", periods=args.dates, freq="7D", tz="UTC"))
    m = HawkesMethod()
    t0 = time.perf_counter()
    bt = backtest.run(alerts, dates, methods={"hawkes": m}, config=backtest.BacktestConfig(top_k=10))
    t_bt = time.perf_counter() - t0
    figures["backtest"] = {"alerts": args.n, "dates": len(dates),
                           "method": f"hawkes alone, top 10, refit every {m.refit_days:g} d",
                           "seconds": round(t_bt, 2), "refits": len(m._fits),
                           "table": bt.table.reset_index(names="method").to_dict(orient="records")}
    print(f"150-date backtest, hawkes alone, {args.n} alerts: {t_bt:.1f} s ({len(m._fits)} fits)")
    print(bt.format_table())
    if args.big:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", str(args.big)], capture_output=True, text=True,
                             check=True)
        figures["big"] = json.loads(out.stdout.strip().splitlines()[-1])
        figures["big"]["wall_s_incl_synthesis"] = round(time.perf_counter() - t0, 1)
        print(json.dumps(figures["big"], indent=1))
    figures["peak_rss_mb_parent"] = round(peak_rss_mb(), 1)
    Path(args.out).write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
