"""Shared fixtures for the map and browser tests.

- ``map_layers``: small validated layers (through the real validators) with
  hostile text in every field that reaches the map.
- ``demo_store``: the demo scenario (``python -m ewarning demo``) plus two
  hostile alerts imported through :func:`ewarning.importing.import_files`
  (ids in ``HOSTILE_IDS``).
- ``streamlit_app``: ``streamlit run serve.py --server.headless true`` (the
  dashboard with its start-up warm-up, as ``make dashboard`` starts it) on a
  free port against a copy of ``demo_store``, once the warm-up has finished;
  yields the base URL and log.
- ``start_streamlit``: the same as a context manager, for benchmarks.
- ``chromium``: Playwright's Chromium (Debian's /usr/bin/chromium), skipped
  when Playwright or the browser is missing.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from tests.desk import (LOCAL_HOSTS, WARM_UP_DONE, WARM_UP_FAILED, free_port, main_module_kept,  # noqa: F401
                        offline_context, start_streamlit)
from tests.signin import ensure_accounts

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = '<img src=x onerror="alert(2)">'
SECRET = b"test-secret"
#: The hostile alerts added to the demo store (see ``demo_store``).
HOSTILE_IDS = {"script": "A-HOSTILE-SCRIPT", "img": "A-HOSTILE-IMG"}
HOSTILE_CSV = (
    "id,reported_at,occurred_at,lat,lon,category,severity,channel,verification,text,reporter\n"
    f'{HOSTILE_IDS["script"]},2018-11-10T09:10:00Z,2018-11-10T08:00:00Z,4.9312,20.3215,sexual_violence,4,hotline,'
    f'unverified,{HOSTILE},+236 75 000001\n'
    f'{HOSTILE_IDS["img"]},2018-11-11T10:20:00Z,2018-11-11T09:30:00Z,5.0121,21.0133,arson,3,can_sms,'
    f'unverified,"<img src=x onerror=alert(2)>",+236 75 000002\n'
)


def _layers(n_alerts: int = 40, seed: int = 7) -> dict:
    from ewarning import alerts, patrols, presence, sites, vocab
    from ewarning.io.base import RawTable

    now = pd.Timestamp("2018-12-01", tz="UTC")
    rng = np.random.default_rng(seed)
    cats = [c for c in vocab.CATEGORIES if c != "sexual_violence"]
    raw = pd.DataFrame({
        "lat": (5.2 + rng.normal(0, 0.35, n_alerts)).round(5).astype(str),
        "lon": (20.7 + rng.normal(0, 0.5, n_alerts)).round(5).astype(str),
        "category": [cats[i % len(cats)] for i in range(n_alerts)],
        "occurred_at": [(pd.Timestamp("2018-11-01") + pd.Timedelta(hours=int(h))).isoformat()
                        for h in rng.integers(0, 600, n_alerts)],
        "text": [f"Report {i}: armed men seen near the market" for i in range(n_alerts)],
        "reporter": [f"+236 70 {i:06d}" for i in range(n_alerts)],
        "channel": "can_call",
    }, index=range(1, n_alerts + 1))
    # The hostile report is the only sexual-violence alert, far from the rest.
    raw.loc[1, ["category", "text", "lat", "lon"]] = ["sexual_violence", HOSTILE, "6.9", "18.2"]
    raw.loc[2, "text"] = HOSTILE_IMG + "</script><script>alert(3)</script>"
    a = alerts.validate(RawTable("alerts", raw, "alerts.csv", "own"), now=now, secret=SECRET).valid

    s = sites.validate(RawTable("sites", pd.DataFrame({
        "site_id": ["S1", "S2", "S3"], "name": ["Alindao Catholic mission", HOSTILE_IMG, "Bambari PK3"],
        "kind": ["IDP camp", "poc", "idp"], "lat": ["4.79", "5.76", "5.9"], "lon": ["20.68", "20.67", "20.4"],
        "population": ["18000", "", "4500"]}, index=[1, 2, 3]), "sites.csv", "own"), now=now).valid

    p = presence.validate(RawTable("presence", pd.DataFrame({
        "base_id": ["B1", "B2", "B3"], "name": ["Alindao TOB", "Bambari " + HOSTILE, "Bria COB"],
        "kind": ["TOB", "sector hq", "COB"], "lat": ["4.80", "5.75", "6.54"], "lon": ["20.69", "20.66", "21.99"],
        "military": ["120", "600", "300"], "police": ["0", "140", "30"], "civilian": ["0", "12", "3"],
        "cla": ["0", "2", "1"], "cla_female": ["0", "1", "0"],
        "start": ["2018-06-01", "2018-01-01", "2018-01-01"], "end": ["", "", ""]}, index=[1, 2, 3]),
        "presence.csv", "own"), now=now).valid

    t = patrols.validate(RawTable("patrols", pd.DataFrame({
        "patrol_id": ["P1", "P2", "P3"], "unit": ["BANBATT " + HOSTILE, "FPU 2", "PAKBATT"],
        "component": ["military", "police", "military"], "type": ["dismounted", "vehicle", "vehicle"],
        "start": ["2018-11-10T08:00", "2018-11-11T08:00", "2018-11-20T06:00"],
        "end": ["2018-11-10T12:00", "2018-11-11T15:00", "2018-11-20T18:00"],
        "engagements": ["2", "0", "1"], "cla_present": ["yes", "no", "no"],
        "female_engagement_team": ["yes", "no", "no"],
        "geometry": [LineString([(20.6, 4.7), (20.65, 4.75), (20.7, 4.8)]),
                     LineString([(20.68, 4.8), (20.67, 5.2), (20.66, 5.7)]),
                     LineString([(20.66, 5.75), (21.3, 6.1), (21.98, 6.5)])]}, index=[1, 2, 3]),
        "patrols.csv", "own"), now=now).valid

    basemap = {
        "countries": gpd.GeoDataFrame({"name": ["Central African Rep.", "Cameroon"]}, geometry=[
            Polygon([(14.4, 2.2), (27.4, 2.2), (27.4, 11.0), (14.4, 11.0)]),
            Polygon([(8.5, 2.0), (14.4, 2.0), (14.4, 11.0), (8.5, 11.0)])], crs="EPSG:4326"),
        "sectors": gpd.GeoDataFrame({"sector": ["Sector East " + HOSTILE]},
                                    geometry=[Polygon([(19, 3.5), (23, 3.5), (23, 7), (19, 7)])], crs="EPSG:4326"),
        "towns": gpd.GeoDataFrame({"name": ["Alindao", "Bambari", HOSTILE_IMG]},
                                  geometry=[Point(20.68, 4.79), Point(20.67, 5.76), Point(22.0, 6.5)], crs="EPSG:4326"),
    }
    return {"alerts": a, "sites": s, "presence": p, "patrols": t, "basemap": basemap}


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Each test leaves the worker's ``__main__`` as it found it (see tests.desk.main_module_kept)."""
    with main_module_kept():
        yield


@pytest.fixture(scope="session")
def map_layers() -> dict:
    """Validated layers with hostile text (see module docstring)."""
    return _layers()


def _write_store(path: Path, layers: dict) -> None:
    from ewarning.store import open_store

    store = open_store(str(path))
    empty = pd.DataFrame({"layer": [], "source": [], "source_row": [], "reason": [], "raw": []})
    for name in ("sites", "presence", "patrols", "alerts"):
        store.write_import({name: layers[name]}, empty, {"source": f"{name}.csv", "format": "own", "user": "analyst",
                                                         "layers": name, "n_read": len(layers[name]),
                                                         "n_stored": len(layers[name]), "n_quarantined": 0})


def build_demo_store(path: Path, location: str | None = None) -> Path:
    """The demo scenario plus the two hostile alerts, imported as any file would be.

    Into the GeoPackage ``path``, or into the store at ``location`` (a PostGIS URL), ``path`` then only
    naming the folder for the hostile file."""
    from ewarning.demo import load_demo
    from ewarning.importing import import_files
    from ewarning.store import open_store

    store = open_store(location or str(path))
    load_demo(store, user="analyst")
    csv = path.parent / "hostile_alerts.csv"
    csv.write_text(HOSTILE_CSV, encoding="utf-8")
    (report,) = import_files(store, [csv], layer="alerts", user="analyst", secret=SECRET)
    assert report.status == "imported" and report.n_stored == 2, report.summary()
    ensure_accounts(location or path)
    return path


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """A store with the demo scenario and two hostile alerts (read-only: copy it before writing)."""
    return build_demo_store(tmp_path_factory.mktemp("demo") / "demo.gpkg")


@pytest.fixture(scope="session")
def streamlit_app(demo_store, tmp_path_factory):
    """The desk (``serve.py``, warmed up) on a free local port, on a copy of ``demo_store``; yields (url, log)."""
    pytest.importorskip("streamlit")
    tmp = tmp_path_factory.mktemp("app")
    store = tmp / "joc.gpkg"
    shutil.copyfile(demo_store, store)
    with start_streamlit(store, tmp) as (url, log):
        yield url, log


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium from Playwright's sync API."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip("no chromium at /usr/bin/chromium")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def app_store(demo_store, tmp_path, monkeypatch):
    """A copy of the demo store the desk's pages run on (AppTest), as the analyst "ana", offline."""
    store = tmp_path / "joc.gpkg"
    shutil.copyfile(demo_store, store)
    monkeypatch.setenv("EWARNING_STORE", str(store))
    monkeypatch.setenv("EWARNING_USER", "ana")
    monkeypatch.setenv("EWARNING_TILES", "")
    return store


# -- PostgreSQL/PostGIS (tests marked ``postgis``; see tests/pgserver.py) ---------------------------------------
@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server with PostGIS for this test process (skipped, or failed under CI, without)."""
    from tests.pgserver import start_or_skip

    cluster = start_or_skip()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_templates(pg_cluster, tmp_path_factory) -> dict[str, str]:
    """Template databases copied by each test: ``empty`` (migrated) and ``demo`` (as ``demo_store``)."""
    from ewarning.store import open_store

    url = pg_cluster.create_database("tmpl_empty")
    open_store(url).close()
    demo = pg_cluster.create_database("tmpl_demo", template="tmpl_empty")
    build_demo_store(tmp_path_factory.mktemp("pgdemo") / "unused.gpkg", location=demo)
    for name in ("tmpl_empty", "tmpl_demo"):   # a template is copied only when nobody is connected to it
        pg_cluster.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                       "AND pid <> pg_backend_pid()")
    return {"empty": "tmpl_empty", "demo": "tmpl_demo"}


@pytest.fixture
def pg_database(pg_cluster, pg_templates):
    """``make(kind="empty"|"demo")`` -> the URL of a new database copied from that template."""
    import uuid

    def make(kind: str = "empty") -> str:
        return pg_cluster.create_database(f"t_{uuid.uuid4().hex[:12]}", template=pg_templates[kind])

    return make
