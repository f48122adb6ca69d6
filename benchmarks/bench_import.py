"""Benchmark: import 100,000 alert rows from CSV into a fresh GeoPackage store.

Run: ``.venv/bin/python benchmarks/bench_import.py [--rows 100000] [--repeat 3]``.
Prints a table and writes ``benchmarks/results/import.json``. The rows are
the demo scenario's alerts resampled with jitter (so near-duplicate linking
does real work), 2 % of them broken on purpose (0/0, bad dates, unknown
categories) so the quarantine path is measured too.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ewarning.importing import import_files  # noqa: E402
from ewarning.store import open_store  # noqa: E402


def make_rows(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    demo = pd.read_csv(ROOT / "geodata" / "demo" / "alerts.csv", dtype=str, keep_default_na=False)
    rows = demo.iloc[rng.integers(0, len(demo), n)].reset_index(drop=True)
    rows["id"] = [f"B-{i:07d}" for i in range(n)]
    rows["lat"] = (rows["lat"].astype(float) + rng.normal(0, 0.05, n)).round(5).astype(str)
    rows["lon"] = (rows["lon"].astype(float) + rng.normal(0, 0.05, n)).round(5).astype(str)
    shift = pd.to_timedelta(rng.integers(-400, 0, n), unit="D")
    for col in ("reported_at", "occurred_at"):
        t = pd.to_datetime(rows[col], utc=True, errors="coerce") + shift
        rows[col] = t.dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("")
    broken = rng.choice(n, size=n // 50, replace=False)
    kinds = np.array_split(broken, 3)
    rows.loc[kinds[0], ["lat", "lon"]] = "0"
    rows.loc[kinds[1], "reported_at"] = "not a date"
    rows.loc[kinds[2], "category"] = "unknown thing"
    return rows


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the 15 costliest functions of one run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "alerts.csv"
        make_rows(args.rows).to_csv(csv, index=False)
        size_mb = csv.stat().st_size / 1e6
        times, report = [], None
        for i in range(args.repeat):
            store = open_store(Path(tmp) / f"bench{i}.gpkg")
            start = time.perf_counter()
            if args.profile and i == 0:
                prof = cProfile.Profile()
                prof.enable()
            [report] = import_files(store, [csv], user="bench", secret=b"bench")
            times.append(time.perf_counter() - start)
            if args.profile and i == 0:
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(15)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "rows": args.rows, "file_mb": round(size_mb, 1), "seconds": [round(t, 2) for t in times],
        "median_seconds": round(float(np.median(times)), 2), "rows_per_second": int(args.rows / np.median(times)),
        "stored": report.n_stored, "quarantined": report.n_quarantined, "linked": report.n_linked,
        "peak_rss_mb": round(peak_mb), "machine": machine(),
    }
    out = ROOT / "benchmarks" / "results" / "import.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"import {args.rows:,} alert rows ({size_mb:.1f} MB CSV) into a new GeoPackage store")
    print(f"  runs: {', '.join(f'{t:.2f} s' for t in times)}; median {result['median_seconds']} s "
          f"({result['rows_per_second']:,} rows/s); target < 10 s")
    print(f"  stored {report.n_stored:,}, quarantined {report.n_quarantined:,}, linked {report.n_linked:,}; "
          f"peak RSS {result['peak_rss_mb']} MB")
    print(f"  machine: {result['machine']}")


if __name__ == "__main__":
    main()
