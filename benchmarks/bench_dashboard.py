"""Benchmark: the situation map in a real browser with 20,000 alerts, 50 patrols, 40 sites, 30 bases.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--alerts 20000] [--repeat 3]``.

Builds a store (the demo scenario's alerts resampled with jitter to
``--alerts`` rows, each given its own free text of 150 to 250 characters, so
no text repeats, and imported through :func:`ewarning.importing.import_files`;
40 IDP sites, 30 bases, 50 patrol routes from the demo), starts the desk
as ``make dashboard`` does (``streamlit run serve.py --server.headless true``:
``dashboard.py`` with its start-up warm-up; ``--script dashboard.py`` for the
page script alone), waits for the warm-up to finish (its duration is
recorded), and drives Debian's headless Chromium (Playwright; the browser
resolves no host but this machine, so nothing can leave it, and any request
for another host is recorded, without intercepting each request):

- **load**: from the click on "Sign in" (every load is a new session: the desk keeps nothing in the
  browser, so each one signs in; the argon2id check is part of the figure) to the map *fully drawn* (basemap, hotspot
  areas, alert markers or clusters, patrols, sites and bases all in the DOM of
  the map frame, plus the layer control showing the expected alert count),
  with the window set to ``everything`` (``?window=everything``) so all
  alerts are on the map, and with the default 30-day window; the first load
  after the server started (the first page any browser opens: with
  ``serve.py`` the caches were filled by the warm-up, with ``dashboard.py``
  it does all the work) and repeated loads;
- **filter change**: from choosing a category in the sidebar to the new map
  drawn with the new alert count (and back), repeated;
- **payload**: bytes Streamlit sent over its websocket for one page run
  (what the browser receives, the map's HTML and data included; counted in
  a load of its own, untimed, since copying every frame to Python slows
  it), and the rendered stand-alone map HTML
  (:func:`ewarning.render.maps.situation_map`) alone;
- **interactions** (30-day window, one tab, as an analyst goes): reloading
  the map; ticking and unticking "Triage as known then" (to the new map
  drawn); picking a hotspot in the Hotspots page's box with the keyboard (to
  its detail shown); verifying an alert on the triage page (to the queue
  shown again with the confirmation); and the situation map opened right
  after that edit (to fully drawn).

The page sends the map in two parts (:func:`ewarning.render.maps.situation_map_parts`):
a filter change swaps the filtered layers in the open map. The load average
before and after is recorded: other work on the machine slows every figure.

Prints a table and writes ``benchmarks/results/dashboard.json`` with the
machine and date. Figures are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import conftest  # noqa: E402  (start_streamlit, CHROMIUM settings)
from tests.signin import ensure_accounts, password_of  # noqa: E402
from ewarning.demo import load_demo  # noqa: E402
from ewarning.importing import import_files  # noqa: E402
from ewarning.store import open_store  # noqa: E402

FRAME = "iframe[title='app_pages.map_component.ewarning_map']"
LOCAL = {"localhost", "127.0.0.1", "::1", "[::1]"}
EMPTY_Q = pd.DataFrame({"layer": [], "source": [], "source_row": [], "reason": [], "raw": []})

#: JavaScript run in the top page: is the map in the (same-origin) component frame fully drawn?
DRAWN_JS = """(expected) => {
    const f = document.querySelector("iframe[title='app_pages.map_component.ewarning_map']");
    const d = f && f.contentDocument;
    if (!d) { return false; }
    const need = ['path.ew-basemap', 'path.ew-hotspot', '.ew-hotspot-badge', 'path.ew-patrol', 'path.ew-site',
                  '.ew-presence'];
    for (const s of need) { if (!d.querySelector(s)) { return false; } }
    if (!d.querySelector('.ew-alert, .ew-alert-cluster')) { return false; }
    const control = d.querySelector('.leaflet-control-layers-overlays');
    if (!control) { return false; }
    return expected === null || control.innerText.includes('Alerts (' + expected + ')');
}"""


_WHO = ["a village chief", "a teacher", "a community liaison assistant", "two herders", "a nurse at the health post",
        "a moto-taxi driver", "the parish priest", "a market trader", "a women's association member",
        "an IDP site committee member", "un chef de quartier", "une commerçante", "un enseignant"]
_WHAT = ["armed men on motorbikes were seen on the road", "shots were heard from the bush",
         "a group of about {n} armed youths gathered near the market", "houses were set on fire",
         "families began leaving for the IDP site", "a checkpoint was set up and traders were made to pay",
         "threats were made against the displaced", "cattle were taken from a transhumance camp",
         "des hommes armés ont été vus près du pont", "la population a fui vers la brousse"]
_MORE = ["The road to the next village is reported cut.", "Residents fear an attack tonight.",
         "No casualties confirmed so far.", "Some {n} households are said to be sheltering at the church.",
         "The caller asks for a patrol before nightfall.", "Phone network is intermittent in the area.",
         "Similar incidents were reported last week.", "Les enfants ne vont plus à l'école depuis {n} jours.",
         "The report could not yet be cross-checked.", "Local leaders are trying to calm the situation."]


def distinct_texts(base: list[str], rng: np.random.Generator) -> list[str]:
    """One free text of about 150 to 250 characters (mean 200) per alert, no two alike (deterministic).

    Each starts with the time and the call's number (which makes it unique,
    from its first words: a map excerpt of it is unique too) and who called,
    then a demo report's text, what the caller saw and details, with numbers
    drawn at random; lengths are drawn from 155 to 250 and cut on a
    word.
    """
    out = []
    for i, head in enumerate(base):
        want = int(rng.integers(155, 251))
        who = _WHO[rng.integers(len(_WHO))]
        parts = [f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d} call {i + 1} from {who}:",
                 head.strip().rstrip(".") + ".",
                 _WHAT[rng.integers(len(_WHAT))].format(n=int(rng.integers(3, 60))).capitalize() + "."]
        while sum(len(p) + 1 for p in parts) < want:
            parts.append(_MORE[rng.integers(len(_MORE))].format(n=int(rng.integers(2, 90))))
        text = " ".join(parts)
        if len(text) > want:        # cut on a word and close the sentence
            text = text[: want + 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "."
        out.append(text)
    return out


def build_store(path: Path, n_alerts: int, seed: int = 11) -> dict:
    """A store with ``n_alerts`` alerts, 50 patrols, 40 sites, 30 bases (from the demo scenario)."""
    demo_path = path.parent / "demo-source.gpkg"
    demo = open_store(str(demo_path))
    load_demo(demo, user="bench")
    rng = np.random.default_rng(seed)
    sites = demo.read("sites").iloc[:40]
    presence = demo.read("presence")
    keep = presence["base_id"].drop_duplicates().iloc[:30]
    presence = presence[presence["base_id"].isin(keep)]
    patrols = demo.read("patrols").sort_values("start").iloc[-50:]
    store = open_store(str(path))
    for name, frame in (("sites", sites), ("presence", presence), ("patrols", patrols)):
        store.write_import({name: frame.drop(columns=["import_id"], errors="ignore")}, EMPTY_Q,
                           {"source": f"bench-{name}", "layers": name, "n_stored": len(frame), "user": "bench"})
    rows = pd.read_csv(ROOT / "geodata" / "demo" / "alerts.csv", dtype=str, keep_default_na=False)
    rows = rows.iloc[rng.integers(0, len(rows), n_alerts)].reset_index(drop=True)
    rows["id"] = [f"B-{i:06d}" for i in range(n_alerts)]
    rows["text"] = distinct_texts(rows["text"].tolist(), rng)
    rows["lat"] = (rows["lat"].astype(float) + rng.normal(0, 0.04, n_alerts)).round(5).astype(str)
    rows["lon"] = (rows["lon"].astype(float) + rng.normal(0, 0.04, n_alerts)).round(5).astype(str)
    shift = pd.to_timedelta(rng.integers(-36, 36, n_alerts), unit="h")
    for col in ("reported_at", "occurred_at"):
        t = pd.to_datetime(rows[col], utc=True, errors="coerce") + shift
        rows[col] = t.dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("")
    late = pd.to_datetime(rows["reported_at"], utc=True, errors="coerce") > pd.Timestamp("2018-12-15T23:00Z")
    rows.loc[late, "reported_at"] = "2018-12-15T23:00:00Z"
    occurred = pd.to_datetime(rows["occurred_at"], utc=True, errors="coerce")
    after = occurred > pd.to_datetime(rows["reported_at"], utc=True, errors="coerce")
    rows.loc[after, "occurred_at"] = rows.loc[after, "reported_at"]
    csv = path.parent / "alerts.csv"
    rows.to_csv(csv, index=False)
    (report,) = import_files(store, [csv], layer="alerts", user="bench", secret=b"bench")
    demo_path.unlink()
    ensure_accounts(path, ("ana",))
    return {"alerts": report.n_stored, "alerts_quarantined": report.n_quarantined, "sites": len(sites),
            "bases": int(presence["base_id"].nunique()), "patrols": len(patrols)}


def map_html_bytes(store_path: Path, window_days) -> int:
    """Bytes of the rendered situation map HTML the page builds (the page's view, drawn in one piece)."""
    from ewarning import filters as flt, views
    from ewarning.hotspots import HotspotConfig
    from ewarning.render import maps

    layers = views.Layers.from_store(open_store(str(store_path)))
    sit = views.situation(views.picture(layers, flt.default_filters(layers.alerts, days=window_days),
                                        user="benchmark"))
    m = maps.situation_map(alerts=sit.alerts, sites=sit.sites, presence=sit.presence, patrols=sit.patrols,
                           basemap=maps.read_basemap(ROOT / "geodata" / "basemap"), hotspots=sit.hotspots,
                           reach_km=HotspotConfig().reach_km, heat=True, draw=True)
    return maps.html_size(m)


#: Every host but this machine resolves to nothing, in the browser itself: the internet is cut off without
#: Playwright intercepting each request (interception costs the desk's ~60 script requests per load time a
#: user never pays; the browser tests intercept, record and fail on any request that leaves the machine).
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]


class Session:
    """One browser tab on the dashboard, with the internet cut off; websocket bytes counted when asked."""

    def __init__(self, browser, url: str):
        self.url = url
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.external: list[str] = []
        self.ws_bytes = 0
        self.counting = False
        self.page = self.context.new_page()
        self.page.on("request", self._outside)
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))

    def _outside(self, request):
        u = request.url
        if not u.startswith(("data:", "blob:", "about:")) and urlparse(u).hostname not in LOCAL:
            self.external.append(u)

    def _count(self, payload):
        # counting copies every frame into Python: only during the (untimed) payload measurement
        if self.counting:
            self.ws_bytes += len(payload) if isinstance(payload, (bytes, str)) else 0

    def payload(self, query: str) -> int:
        """Websocket bytes of one page load (measured apart from the timed loads)."""
        self.counting, self.ws_bytes = True, 0
        try:
            self.load(query)
        finally:
            self.counting = False
        return self.ws_bytes

    def header_alerts(self) -> int:
        text = self.page.locator(".ew-counts").inner_text().replace("\n", " ")
        return int(text.split(" alerts")[0].split()[-1].replace(",", ""))

    def _sign_in(self, url: str) -> float:
        """Open ``url`` (a new session: the desk keeps nothing in the browser) and sign in as the analyst;
        returns the ``perf_counter`` time of the click on "Sign in" (what the figures are timed from)."""
        self.page.goto(url, wait_until="commit")
        form = self.page.get_by_test_id("stForm")
        form.get_by_role("textbox", name="Name").fill("ana")
        form.get_by_role("textbox", name="Password").fill(password_of("ana"))
        t0 = time.perf_counter()
        form.get_by_role("button", name="Sign in").click()
        return t0

    def load(self, query: str) -> float:
        """Open the desk and sign in; return ms from the click on "Sign in" to the map fully drawn."""
        t0 = self._sign_in(self.url + "/" + query)
        self.page.locator(".ew-counts").wait_for(timeout=120_000)
        expected = self.header_alerts()
        self.page.wait_for_function(DRAWN_JS, arg=f"{expected:,}", timeout=120_000, polling=20)
        return (time.perf_counter() - t0) * 1000

    def change_category(self, label: str | None) -> float:
        """Pick (or clear) one category in the sidebar; ms until the new map is drawn."""
        before = self.page.locator(".ew-counts").inner_text()
        box = self.page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
        t0 = time.perf_counter()
        box.locator("input").click()
        if label is None:
            self.page.keyboard.press("Backspace")      # removes the chosen category
        else:
            self.page.keyboard.type(label)
            self.page.keyboard.press("Enter")
        self.page.wait_for_function("(b) => { const e = document.querySelector('.ew-counts');"
                                    " return e && e.innerText !== b; }", arg=before, timeout=60_000, polling=20)
        expected = self.header_alerts()
        self.page.wait_for_function(DRAWN_JS, arg=f"{expected:,}", timeout=60_000, polling=20)
        ms = (time.perf_counter() - t0) * 1000
        self.page.keyboard.press("Escape")
        return ms


    # -- the interactions of an analyst's day (each timed from the user's action to the screen settled) ----
    def _settled(self, timeout: int = 60_000) -> None:
        self.page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                                    " return a && a.dataset.testScriptState === 'notRunning'; }",
                                    timeout=timeout, polling=20)

    def open_page(self, path: str) -> float:
        """Open a page by its URL path and sign in; ms from the click on "Sign in" until its script ran and
        (situation map) the map is drawn."""
        t0 = self._sign_in(self.url + "/" + path)
        self.page.get_by_role("button", name="Sign out").wait_for(timeout=120_000)
        self._settled(120_000)
        if path in ("", "?window=everything"):
            self.page.wait_for_function(DRAWN_JS, arg=f"{self.header_alerts():,}", timeout=60_000, polling=20)
        return (time.perf_counter() - t0) * 1000

    def select_hotspot(self, rank: int) -> float:
        """On the Hotspots page, pick the hotspot ranked ``rank`` with the keyboard (box, type, Enter);
        ms until its detail (header, chart, tables) is shown."""
        box = self.page.locator("[data-testid='stSelectbox']").filter(has_text="Hotspot").first
        t0 = time.perf_counter()
        box.locator("input").click()
        self.page.keyboard.type(f"#{rank} ")
        self.page.keyboard.press("Enter")
        self.page.wait_for_function(
            "(r) => { const d = document.querySelector('.ew-detail-h');"
            " return d && d.innerText.startsWith('#' + r + ' '); }", arg=str(rank), timeout=60_000, polling=20)
        self._settled()
        return (time.perf_counter() - t0) * 1000

    def toggle_as_known(self) -> float:
        """Tick or untick "Triage as known then" on the situation map; ms until the new map is drawn."""
        before = self.page.locator(".ew-counts").inner_text()
        t0 = time.perf_counter()
        self.page.locator("[data-testid='stSidebar'] label").filter(has_text="Triage as known then").click()
        self.page.wait_for_function("(b) => { const e = document.querySelector('.ew-counts');"
                                    " return e && e.innerText !== b; }", arg=before, timeout=60_000, polling=20)
        self._settled()
        self.page.wait_for_function(DRAWN_JS, arg=f"{self.header_alerts():,}", timeout=60_000, polling=20)
        return (time.perf_counter() - t0) * 1000

    def triage_verify(self) -> float:
        """On the triage page, verify the selected alert (the form's button); ms until the queue is shown
        again with the confirmation."""
        t0 = time.perf_counter()
        self.page.locator("[data-testid='stFormSubmitButton'] button").first.click()
        self.page.locator("[data-testid='stAlert']").filter(has_text="version").first.wait_for(timeout=60_000)
        self._settled()
        return (time.perf_counter() - t0) * 1000


def interactions(browser, url: str, repeat: int) -> dict:
    """Median and slowest ms of each interaction the issue names, in one tab, as an analyst goes."""
    s = Session(browser, url)
    out: dict[str, list[float]] = {"hotspot row to detail": [], "as-known box": [], "triage edit": [],
                                   "map after a triage edit": [], "map load": []}
    s.open_page("")
    for _ in range(repeat):
        out["map load"].append(s.open_page(""))
        out["as-known box"].append(s.toggle_as_known())
        out["as-known box"].append(s.toggle_as_known())
    s.open_page("hotspots")
    for k in range(repeat):
        for rank in (2, 3, 1):
            out["hotspot row to detail"].append(s.select_hotspot(rank))
    for _ in range(repeat):
        s.open_page("triage")
        out["triage edit"].append(s.triage_verify())
        out["map after a triage edit"].append(s.open_page(""))
    s.context.close()
    result = {k: {"median_ms": round(statistics.median(v)), "max_ms": round(max(v)), "all_ms": [round(x) for x in v]}
              for k, v in out.items()}
    result["external_requests"] = len(s.external)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--note", default="", help="recorded with the results (e.g. what else was running)")
    parser.add_argument("--script", default="serve.py", choices=("serve.py", "dashboard.py"),
                        help="serve.py (as make dashboard: with the start-up warm-up) or dashboard.py (without)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "dashboard.json")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="ewarning-bench-"))
    try:
        t = time.perf_counter()
        counts = build_store(tmp / "bench.gpkg", args.alerts)
        print(f"store built in {time.perf_counter() - t:.1f} s: {counts}")
        html_all = map_html_bytes(tmp / "bench.gpkg", None)
        html_30 = map_html_bytes(tmp / "bench.gpkg", 30)
        results = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                               "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                               "browser": "Debian chromium (headless) via Playwright"},
                   "date": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"), "store": counts,
                   "targets": {"load_ms": 1500, "interaction_ms": 1000, "payload_mb": 5.0},
                   "load_average_before": [round(v, 2) for v in os.getloadavg()], "note": args.note,
                   "launcher": f"streamlit run {args.script}"}
        t = time.perf_counter()
        with conftest.start_streamlit(tmp / "bench.gpkg", tmp, user="bench", timeout=120,
                                      script=args.script) as (url, log):
            results["server_ready_s"] = round(time.perf_counter() - t, 1)   # health answered (and warm-up done)
            warm = re.search(r"warm-up done in ([\d.]+) s", log.read_text(errors="replace"))
            results["warm_up_s"] = float(warm.group(1)) if warm else None
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS + OFFLINE_ARGS)
                for label, query in (("everything", "?window=everything"), ("30 days", "")):
                    s = Session(browser, url)
                    loads = [s.load(query) for _ in range(args.repeat)]
                    payloads = [s.payload(query)]
                    n_map = s.header_alerts()
                    filters = []
                    for _ in range(args.repeat):
                        filters.append(s.change_category("Armed attack"))
                        filters.append(s.change_category(None))
                    results[f"window {label}"] = {
                        "alerts_on_map": n_map,
                        "load_ms_first": round(loads[0]), "load_ms_median": round(statistics.median(loads)),
                        "load_ms_all": [round(v) for v in loads],
                        "filter_change_ms_median": round(statistics.median(filters)),
                        "filter_change_ms_max": round(max(filters)),
                        "filter_change_ms_all": [round(v) for v in filters],
                        "websocket_mb_per_load": round(statistics.median(payloads) / 1e6, 2),
                        "map_html_mb": round((html_all if label == "everything" else html_30) / 1e6, 2),
                        "external_requests": len(s.external),
                    }
                    s.context.close()
                results["interactions (30-day window)"] = interactions(browser, url, args.repeat)
                browser.close()
        results["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\n{results['date']}  {results['machine']['platform']}, {results['machine']['cpus']} CPUs")
    print(f"{'window':<12}{'alerts':>8}{'load 1st':>10}{'load med':>10}{'filter med':>12}{'filter max':>12}"
          f"{'ws MB':>8}{'html MB':>9}")
    for label in ("everything", "30 days"):
        r = results[f"window {label}"]
        print(f"{label:<12}{r['alerts_on_map']:>8,}{r['load_ms_first']:>9}ms{r['load_ms_median']:>8}ms"
              f"{r['filter_change_ms_median']:>10}ms{r['filter_change_ms_max']:>10}ms"
              f"{r['websocket_mb_per_load']:>8}{r['map_html_mb']:>9}")
    print(f"\n{'interaction (30-day window)':<34}{'median':>9}{'slowest':>9}")
    for name, r in results["interactions (30-day window)"].items():
        if isinstance(r, dict):
            print(f"{name:<34}{r['median_ms']:>7}ms{r['max_ms']:>7}ms")
    print(f"load average before {results['load_average_before']}, after {results['load_average_after']}")
    print(f"{results['launcher']}: server ready after {results['server_ready_s']} s, warm-up {results['warm_up_s']} s")
    print(f"targets: map drawn < 1500 ms, every interaction < 1000 ms (median), payload < 5 MB; written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
