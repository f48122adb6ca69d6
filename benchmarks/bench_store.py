"""The store under a JOC's load, on both backends (issue #13).

1. Load: 8 writer processes each import 2,000 alerts (8 files of 250, plus
   one file every writer imports) while 4 triage and 4 read hotspots; then
   checks every alert is present exactly once, every triage action applied or
   reported as a conflict, no reader saw a half-imported file.
2. Kill: a writer killed between its rows and its commit (20,000 alerts);
   the store holds none of them and the import runs again.
3. Scale: 1,000,000 alerts in the store; the as-of read (``until=``), the
   as-of read of one sector (``until=`` + ``bbox=``) and the engine's scoring
   of that sector as of the date.

Run: ``.venv/bin/python benchmarks/bench_store.py [--alerts 1000000] [--skip-load]``;
writes ``benchmarks/results/store.json`` and prints a table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ewarning.store import open_store  # noqa: E402
from ewarning.store.schema import LAYER_SCHEMAS  # noqa: E402
from tests.pgserver import Cluster, postgis_available  # noqa: E402
from tests.store_load import SECRET, big_file, kill_mid_import, run_load  # noqa: E402

SECTOR = (20.0, 4.5, 21.5, 5.5)          # about 165 x 110 km around Alindao and Bambari
AS_OF = pd.Timestamp("2019-06-01T00:00:00Z")


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "date": f"{pd.Timestamp.now():%Y-%m-%d}",
            "load_average": os.getloadavg()[0]}


def synthetic_alerts(n: int, seed: int = 3) -> gpd.GeoDataFrame:
    """``n`` alerts over 2014-2019 across CAR, with the store's columns."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2014-01-01T00:00:00Z")
    seconds = np.sort(rng.integers(0, int((AS_OF - start).total_seconds()), n))
    reported = start + pd.to_timedelta(seconds, unit="s")
    columns = {c: [None] * n for c in LAYER_SCHEMAS["alerts"].columns if c != "import_id"}
    columns.update({
        "id": [f"B-{i:07d}" for i in range(n)], "reported_at": reported, "occurred_at": reported,
        "category": rng.choice(["threat", "attack", "killing", "displacement"], n),
        "severity": rng.integers(1, 4, n), "killed": rng.choice([0, 0, 0, 1, 2, 5], n), "injured": 0,
        "channel": "hotline", "verification": "unverified", "location_precision": "exact",
        "reporter_key": [f"R-{i % 4096:012x}" for i in range(n)], "origin": "benchmark"})
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(rng.uniform(15.0, 27.0, n),
                                                                 rng.uniform(2.5, 10.5, n)), crs="EPSG:4326")


def fill(store, alerts: gpd.GeoDataFrame, chunk: int = 100_000) -> float:
    empty = pd.DataFrame({"layer": [], "source": [], "source_row": [], "reason": [], "raw": []})
    started = time.perf_counter()
    for i in range(0, len(alerts), chunk):
        part = alerts.iloc[i:i + chunk]
        store.write_import({"alerts": part}, empty, {"user": "bench", "source": f"chunk{i}", "sha256": f"c{i}",
                                                     "n_read": len(part), "n_stored": len(part)})
    return time.perf_counter() - started


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def scale(location: str, backend: str, n: int) -> dict:
    from ewarning.hotspots import score_hotspots

    store = open_store(location)
    fill_s = fill(store, synthetic_alerts(n))
    full_s, full = timed(lambda: store.read("alerts"), repeat=1)
    until_s, upto = timed(lambda: store.read("alerts", until=AS_OF - pd.Timedelta(days=365)), repeat=2)
    sector_s, sector = timed(lambda: store.read("alerts", until=AS_OF, bbox=SECTOR))
    score_s, _ = timed(lambda: score_hotspots(sector, as_of=AS_OF), repeat=2)
    return {"backend": backend, "alerts": n, "fill_s": round(fill_s, 1), "read_all_s": round(full_s, 2),
            "read_until_s": round(until_s, 2), "rows_until": len(upto), "read_sector_s": round(sector_s, 3),
            "rows_sector": len(sector), "score_sector_s": round(score_s, 2),
            "as_of_sector_total_s": round(sector_s + score_s, 2), "n_full": len(full)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=2000)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    why = postgis_available()
    if why:
        raise SystemExit(f"PostGIS needed for the comparison: {why}")
    out = {"machine": machine(), "load": [], "kill": [], "scale": []}
    cluster = Cluster()
    try:
        for backend in ("geopackage", "postgis"):
            work = Path(tempfile.mkdtemp(prefix=f"bench-store-{backend}-"))

            def new_store(name: str) -> str:
                if backend == "geopackage":
                    open_store(work / f"{name}.gpkg")
                    return str(work / f"{name}.gpkg")
                url = cluster.create_database(name)
                open_store(url).close()
                return url

            if not args.skip_load:
                result = run_load(new_store("load"), backend, work / "load", writers=args.writers,
                                  per_writer=args.per_writer)
                row = asdict(result) | {"alerts_per_second": round(result.alerts_per_second, 1)}
                out["load"].append(row)
                print(json.dumps(row), flush=True)
                location = new_store("kill")
                path = big_file(work / "kill", 20_000)
                kill_s = kill_mid_import(location, path, work)
                store = open_store(location)
                left = store.counts()["alerts"]
                from ewarning.importing import import_files

                t = time.perf_counter()
                (report,) = import_files(store, [path], layer="alerts", user="bench", secret=SECRET)
                row = {"backend": backend, "killed_after_s": round(kill_s, 1), "rows_left": left,
                       "rerun": report.status, "rerun_stored": report.n_stored,
                       "rerun_s": round(time.perf_counter() - t, 1)}
                out["kill"].append(row)
                print(json.dumps(row), flush=True)
            if not args.skip_scale:
                row = scale(new_store("scale"), backend, args.alerts)
                out["scale"].append(row)
                print(json.dumps(row), flush=True)
    finally:
        cluster.stop()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    dest = ROOT / "benchmarks" / "results" / "store.json"
    dest.write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    print(f"written {dest}")


if __name__ == "__main__":
    main()
