"""Benchmark: the demo's leadership briefing, from the store file to the three products.

Run: ``.venv/bin/python benchmarks/bench_briefing.py [--store PATH] [--as-of 2018-11-15] [--repeat 5]``.
Without ``--store`` the demo scenario is written to a temporary store first
(not timed). Each run is what ``python -m ewarning brief`` does for one
format, plus the other two: read the layers, build the briefing (hotspots as
of the day and 7 days before, site watch, trend, changes), draw the map,
trend and sparklines, render PDF, PPTX and HTML. Prints a table and writes
``benchmarks/results/briefing.json``; the target is under 5 seconds for the
demo briefing (issue #12). Timing is measured here, never asserted in a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ewarning.render import briefing as products  # noqa: E402
from ewarning.store import open_store  # noqa: E402
from ewarning.views import Layers  # noqa: E402
from ewarning.views.briefing import briefing  # noqa: E402

TARGET_SECONDS = 5.0


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
            "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "load_average_1min": round(os.getloadavg()[0], 2)}   # a shared machine: other work slows the runs


def one_run(store_path: str, as_of: str, out_dir: Path) -> dict:
    """One briefing, timed by stage (seconds)."""
    times = {}
    t0 = time.perf_counter()
    store = open_store(store_path)
    layers = Layers.from_store(store)
    t1 = time.perf_counter()
    b = briefing(layers, as_of, "benchmark")
    t2 = time.perf_counter()
    pictures = products.figures(b)
    t3 = time.perf_counter()
    for fmt in products.FORMATS:
        start = time.perf_counter()
        products.write(b, fmt, out_dir / f"{b.file_stem}.{fmt}", pictures)
        times[f"render_{fmt}"] = round(time.perf_counter() - start, 3)
    t4 = time.perf_counter()
    times.update({"read_layers": round(t1 - t0, 3), "briefing_view": round(t2 - t1, 3),
                  "figures": round(t3 - t2, 3), "all_three_products": round(t4 - t0, 3),
                  "first_product": round(t3 - t0 + times["render_pdf"], 3)})
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a store (default: the demo written to a temporary store)")
    parser.add_argument("--as-of", default="2018-11-15")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "briefing.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if store_path is None:
            from ewarning.demo import load_demo

            store_path = str(Path(tmp) / "demo.gpkg")
            load_demo(open_store(store_path), user="benchmark")
        runs = [one_run(store_path, args.as_of, Path(tmp)) for _ in range(args.repeat)]
        command = {fmt: _command_seconds(store_path, args.as_of, Path(tmp) / f"cli.{fmt}") for fmt in products.FORMATS}
        sizes = {fmt: (Path(tmp) / f"briefing-{_stem(args.as_of)}.{fmt}").stat().st_size for fmt in products.FORMATS}
    stages = list(runs[0])
    median = {s: round(statistics.median(r[s] for r in runs), 3) for s in stages}
    doc = {"as_of": args.as_of, "store": "demo scenario" if args.store is None else args.store,
           "repeat": args.repeat, "runs": runs, "median_seconds": median,
           "first_run_seconds": runs[0]["all_three_products"],   # cold: fonts and caches loaded once per process
           "target_seconds": TARGET_SECONDS, "under_target": median["all_three_products"] < TARGET_SECONDS,
           "command_seconds": command, "bytes": sizes, "machine": machine()}
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"{'stage':<22} median (s)   [{args.repeat} runs]")
    for s in stages:
        print(f"{s:<22} {median[s]:>8.3f}")
    print(f"first (cold) run, all three products: {doc['first_run_seconds']:.2f} s")
    print("python -m ewarning brief, wall clock with start-up: "
          + ", ".join(f"{fmt} {sec:.2f} s" for fmt, sec in command.items()))
    print(f"target: all three products under {TARGET_SECONDS:g} s -> "
          f"{'met' if doc['under_target'] else 'NOT met'}; written to {args.out}")
    return 0


def _command_seconds(store_path: str, as_of: str, out: Path) -> float:
    """Wall-clock seconds of ``python -m ewarning brief`` (interpreter and imports included) for one format."""
    import subprocess

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ewarning", "brief", "--store", store_path, "--as-of", as_of, "--out",
                    str(out), "--previous", as_of[:4] + "-01-01"], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "EWARNING_USER": "benchmark"})
    return round(time.perf_counter() - start, 2)


def _stem(as_of: str) -> str:
    import pandas as pd

    from ewarning.asof import parse_as_of

    return f"{parse_as_of(as_of) - pd.Timedelta(microseconds=1):%Y%m%d}"


if __name__ == "__main__":
    sys.exit(main())
