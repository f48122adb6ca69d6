"""Benchmark: stepping the training replay one day on the demo (Alindao) scenario.

Run: ``.venv/bin/python benchmarks/bench_replay.py [--days 30] [--browser] [--steps 15]``.

Two measures (target: one step re-renders in under 1 second):

- **views + map strings** (no browser): for each day of the scenario's
  period, what the Replay page builds on a step, with the page's shared
  engine: :func:`ewarning.views.replay_picture` (triage as known then),
  :func:`ewarning.views.situation`, :func:`ewarning.views.hotspot_list` and
  the map's live layers rendered to the component's strings
  (:func:`ewarning.render.maps.situation_map_parts`,
  :func:`app_pages.map_component.live_args`). Loading the scenario (the
  import into a temporary store) and the map's fixed part are timed once.
- **browser** (``--browser``): the desk started as ``make dashboard`` does
  (``serve.py``) on the demo store, Debian's headless Chromium signed in as a
  trainer, the Replay page open; each step is a press of the → key, timed
  from the key press to the page showing the next day with the script
  finished (the map's live layers swapped in). No request leaves the machine
  (any non-local one is recorded and reported).

Prints a table and writes ``benchmarks/results/replay.json`` with the machine, the date and the load
average. Figures are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _stats(values: list[float]) -> dict:
    values = sorted(values)
    return {"n": len(values), "median_s": round(statistics.median(values), 3),
            "p95_s": round(values[min(len(values) - 1, int(0.95 * len(values)))], 3), "max_s": round(values[-1], 3)}


def bench_views(n_days: int) -> dict:
    from app_pages import map_component
    from ewarning import filters as flt
    from ewarning import views
    from ewarning.hotspots import HotspotConfig
    from ewarning.render import maps
    from ewarning.training import load_layers, load_scenario

    t0 = time.perf_counter()
    scenario = load_scenario("alindao")
    layers = load_layers(scenario)
    load_s = time.perf_counter() - t0
    basemap = maps.read_basemap(ROOT / "geodata" / "basemap")
    towns = basemap.get("towns")
    t0 = time.perf_counter()
    fixed, _ = maps.situation_map_parts(basemap=basemap, fit=(layers.alerts, layers.sites, layers.presence,
                                                              layers.patrols))
    map_component.fixed_args(fixed)
    fixed_s = time.perf_counter() - t0
    days = views.replay_days(layers, scenario.period)
    # the days nearest the attack, where the map is busiest
    days = [d for d in days if d <= scenario.decision_point + pd.Timedelta(days=10)][-n_days:]
    t0 = time.perf_counter()
    engine = views.replay_engine(layers, flt.Filters(end=days[0]), towns=towns)
    engine_s = time.perf_counter() - t0
    parts = {"picture": [], "situation + table": [], "map strings": [], "step": []}
    for day in days:
        a = time.perf_counter()
        p = views.replay_picture(layers, flt.Filters(end=day), "bench", engine=engine, towns=towns)
        b = time.perf_counter()
        sit = views.situation(p)
        views.hotspot_list(p)
        c = time.perf_counter()
        _, live = maps.situation_map_parts(alerts=sit.alerts, sites=sit.sites, presence=sit.presence,
                                           patrols=sit.patrols, hotspots=sit.hotspots,
                                           reach_km=HotspotConfig().reach_km, heat=True, fit=())
        map_component.live_args(live)
        d = time.perf_counter()
        parts["picture"].append(b - a)
        parts["situation + table"].append(c - b)
        parts["map strings"].append(d - c)
        parts["step"].append(d - a)
    return {"scenario_load_s": round(load_s, 3), "map_fixed_s": round(fixed_s, 3),
            "engine_prepare_s": round(engine_s, 3),
            "alerts": len(layers.alerts), "days": len(days), **{k: _stats(v) for k, v in parts.items()}}


def bench_browser(steps: int) -> dict:
    import conftest
    from playwright.sync_api import sync_playwright

    from tests.signin import open_signed_in

    tmp = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    try:
        store = conftest.build_demo_store(tmp / "demo.gpkg")
        os.environ["EWARNING_TRAINING_DIR"] = str(tmp / "training")
        external: list[str] = []
        with conftest.start_streamlit(store, tmp, user="bench-replay", timeout=180) as (url, _log):
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1440, "height": 900})

                def gate(route):
                    u = route.request.url
                    if u.startswith(("data:", "blob:", "about:")) or urlparse(u).hostname in {"127.0.0.1", "localhost"}:
                        route.continue_()
                    else:
                        external.append(u)
                        route.abort()

                context.route("**/*", gate)
                page = context.new_page()
                t0 = time.perf_counter()
                open_signed_in(page, url + "/replay", "tia")
                page.frame_locator("iframe[title*='map_component']").first.locator("path.ew-basemap").first.wait_for(
                    timeout=120_000)
                page.locator(".ew-counts[data-day]").first.wait_for(timeout=120_000)
                first_s = time.perf_counter() - t0
                wait = ("d => { const c = document.querySelector('.ew-counts[data-day]');"
                        " const a = document.querySelector('[data-testid=\"stApp\"]');"
                        " return c && c.dataset.day !== d && a.dataset.testScriptState === 'notRunning'; }")
                times = []
                page.wait_for_timeout(1000)
                for _ in range(steps + 1):
                    before = page.locator(".ew-counts[data-day]").first.get_attribute("data-day")
                    page.mouse.move(5, 890)
                    a = time.perf_counter()
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(wait, arg=before, timeout=60_000)
                    times.append(time.perf_counter() - a)
                    page.wait_for_timeout(300)
                browser.close()
        return {"first_load_s": round(first_s, 3), "step (first, caches cold)_s": round(times[0], 3),
                **{"step": _stats(times[1:])}, "external_requests": len(external)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30, help="days stepped through the views (default 30)")
    parser.add_argument("--browser", action="store_true", help="also step in Chromium against the desk")
    parser.add_argument("--steps", type=int, default=15, help="steps in the browser (default 15)")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.platform(),
           "cpus": os.cpu_count(), "python": platform.python_version(), "load_before": [round(x, 2) for x in load]}
    out["views"] = bench_views(args.days)
    if args.browser:
        out["browser"] = bench_browser(args.steps)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "replay.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
