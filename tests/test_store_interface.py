"""The store interface a server backend will implement too.

* reads take ``until=`` and ``bbox=`` and return exactly what filtering the
  full read would (the GeoPackage store pushes ``until`` into SQL);
* every write is given the acting user; the store, triage and the import
  pipeline never read ``$EWARNING_USER`` (or the login name) themselves, and
  a write without a user is refused;
* the store's errors live in ``ewarning.store.errors``, whatever the backend.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from ewarning import asof, triage
from ewarning.importing import import_files
from ewarning.store import UNTIL_RULES, open_store
from ewarning.store.geopackage import GeoPackageStore

LAYERS = ("alerts", "sites", "presence", "patrols")
SENTINEL = "ENV-USER-SENTINEL"
# Demo reports run from 2018-06-01 to 2018-12-15; sites and bases open from 2014.
UNTILS = ["2014-06-01", "2018-06-01T07:58:00Z", "2018-08-15T12:30:00.5Z", "2018-11-15", "2018-11-16T00:00:00Z",
          "2019-01-01", pd.Timestamp("2018-10-01 06:00")]  # the last one naive: taken as UTC
BBOX = (19.5, 4.0, 22.5, 6.5)

ROOT = Path(__file__).resolve().parent.parent


def _expected(full: gpd.GeoDataFrame, layer: str, until=None, bbox=None) -> gpd.GeoDataFrame:
    """The read filtered in pandas, with the as-of view's own rules (ewarning.asof, sites, presence)."""
    keep = pd.Series(True, index=full.index)
    if until is not None:
        when = asof.parse_as_of(until)
        keep &= {"alerts": lambda f: f["reported_at"] < when,
                 "sites": lambda f: f["opened"].isna() | (f["opened"] <= when),
                 "presence": lambda f: f["start"] <= when,
                 "patrols": lambda f: f["start"] < when,
                 "engagements": lambda f: f["date"] < when}[layer](full)
    if bbox is not None:
        b = full.geometry.bounds
        keep &= (b["minx"] <= bbox[2]) & (b["maxx"] >= bbox[0]) & (b["miny"] <= bbox[3]) & (b["maxy"] >= bbox[1])
    return full[keep].reset_index(drop=True)


#: Both backends; the PostGIS one on one test process (one throwaway server) whatever ``-n``.
BACKENDS = ["geopackage", pytest.param("postgis", marks=[pytest.mark.postgis, pytest.mark.xdist_group("postgis")])]


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, demo_store):
    """The demo store on each backend, with its full reads (the same imports, so the same rows)."""
    if request.param == "geopackage":
        store = open_store(demo_store)
    else:
        cluster, templates = request.getfixturevalue("pg_cluster"), request.getfixturevalue("pg_templates")
        store = open_store(cluster.create_database(f"iface_{uuid.uuid4().hex[:10]}", template=templates["demo"]))
    return store, {layer: store.read(layer) for layer in LAYERS}


@pytest.mark.parametrize("until", UNTILS, ids=str)
def test_until_equals_filtering_the_full_read(demo, until):
    store, full = demo
    for layer in LAYERS:
        got = store.read(layer, until=until)
        assert_geodataframe_equal(got, _expected(full[layer], layer, until=until))
    assert 0 < len(store.read("alerts", until="2018-11-15")) < len(full["alerts"])


def test_until_on_an_exact_report_time_leaves_that_report_out(demo):
    store, full = demo
    first = full["alerts"]["reported_at"].min()
    assert store.read("alerts", until=first).empty                  # strictly before
    at_first = (full["alerts"]["reported_at"] == first).sum()
    assert len(store.read("alerts", until=first + pd.Timedelta("1ms"))) == at_first   # a fraction of a second later
    opened = full["sites"]["opened"].min()
    assert len(store.read("sites", until=opened)) == (full["sites"]["opened"] == opened).sum()  # opened that moment


def test_bbox_equals_filtering_the_full_read(demo):
    store, full = demo
    for layer in LAYERS:
        got = store.read(layer, bbox=BBOX)
        want = _expected(full[layer], layer, bbox=BBOX)
        assert_geodataframe_equal(got, want)
        assert 0 < len(got) < len(full[layer]), layer


def test_bbox_edges_are_inside(demo):
    store, full = demo
    point = full["sites"].geometry.iloc[0]
    on_edge = (point.x, point.y, point.x + 1, point.y + 1)       # the point is the box's corner
    assert full["sites"]["site_id"].iloc[0] in set(store.read("sites", bbox=on_edge)["site_id"])
    assert store.read("alerts", bbox=(0.0, 0.0, 1.0, 1.0)).empty


@pytest.mark.parametrize("until", ["2018-09-01", "2018-11-15T06:00Z"])
def test_until_and_bbox_together(demo, until):
    store, full = demo
    for layer in LAYERS:
        assert_geodataframe_equal(store.read(layer, until=until, bbox=BBOX),
                                  _expected(full[layer], layer, until=until, bbox=BBOX))


@pytest.mark.parametrize("until", ["2018-07-01", "2018-11-15", "2018-11-16T00:00:00Z"])
def test_the_as_of_view_of_an_until_read_is_the_as_of_view_of_the_full_read(demo, until):
    store, full = demo
    short = {layer: store.read(layer, until=until) for layer in LAYERS}
    a, b = asof.as_of(full, until), asof.as_of(short, until)
    for layer in LAYERS:
        assert_geodataframe_equal(getattr(a, layer).reset_index(drop=True), getattr(b, layer).reset_index(drop=True))


def test_until_is_filtered_in_sql_on_the_reported_at_index(demo, monkeypatch):
    store, _ = demo
    if not isinstance(store, GeoPackageStore):
        pytest.skip("the GeoPackage store's SQL; the PostGIS plan is checked in test_store_contract.py")
    statements = []
    connect = GeoPackageStore._connect

    def traced(self):
        con = connect(self)
        con.set_trace_callback(statements.append)
        return con

    monkeypatch.setattr(GeoPackageStore, "_connect", traced)
    store.read("alerts", until="2018-11-15")
    [select] = [s for s in statements if s.startswith("SELECT")]
    assert "WHERE \"reported_at\" < '2018-11-15T00:00:00Z'" in select       # bound as a parameter
    with closing(sqlite3.connect(store.location)) as con:
        plan = " ".join(str(r) for r in con.execute("EXPLAIN QUERY PLAN " + select))
    assert "USING INDEX alerts_reported_at" in plan, plan


def test_until_and_bbox_are_checked(demo):
    store, _ = demo
    with pytest.raises(ValueError, match="four layers"):
        store.read("audit", until="2018-11-15")
    with pytest.raises(ValueError, match="four layers"):
        store.read("imports", bbox=BBOX)
    for bad in [(1, 2, 3), (22, 4, 19, 6), ("a", 1, 2, 3), (0, float("nan"), 1, 1)]:
        with pytest.raises(ValueError, match="bbox"):
            store.read("alerts", bbox=bad)
    with pytest.raises(ValueError, match="until"):
        store.read("alerts", until=pd.NaT)
    assert set(UNTIL_RULES) == set(LAYERS) | {"engagements"}


# -- the acting user is passed in ----------------------------------------------------------------------------
@pytest.fixture
def no_env_user(monkeypatch):
    """``$EWARNING_USER`` and the login name are a sentinel, and ``current_user`` must not be called."""
    import getpass

    import ewarning.config

    monkeypatch.setenv("EWARNING_USER", SENTINEL)
    monkeypatch.setattr(getpass, "getuser", lambda: SENTINEL)

    def forbidden():
        raise AssertionError("current_user() called below the edge")

    monkeypatch.setattr(ewarning.config, "current_user", forbidden)


def _alerts_csv(tmp_path, name="a.csv", when="2018-11-10T08:00"):
    path = tmp_path / name
    path.write_text(f"lat,lon,category,occurred_at\n4.79,20.68,killing,{when}\n5.76,20.67,looting,{when}\n",
                    encoding="utf-8")
    return path


def _everything(store) -> str:
    return " ".join(store.read(t).astype(str).to_csv() for t in ("audit", "alert_edits", "imports"))


def test_store_triage_and_import_never_read_the_environment(tmp_path, no_env_user):
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [_alerts_csv(tmp_path)], user="ana", secret=b"k")
    assert report.status == "imported"
    store.record("view", "situation map", user="ana")
    alerts = store.read("alerts")
    a, b = alerts["id"]
    triage.apply(store, triage.verify(alerts, a, based_on=0, user="ben"))
    triage.apply(store, triage.correct_location(store.read("alerts"), b, 4.8, 20.7, based_on=0, user="ben"))
    assert store.apply_alert_edit(store.read("alerts").iloc[[0]], 1, "verify", "{}", "", user="cleo") == 2
    assert SENTINEL not in _everything(store)
    assert set(store.read("imports")["user"]) == {"ana"}
    assert set(store.read("alert_edits")["user"]) == {"ben", "cleo"}
    assert set(store.read("audit")["user"]) == {"ana", "ben", "cleo"}


@pytest.mark.parametrize("user", [None, "", "   "])
def test_a_write_without_a_user_is_refused_and_writes_nothing(tmp_path, no_env_user, user):
    store = open_store(tmp_path / "s.gpkg")
    csv = _alerts_csv(tmp_path)
    with pytest.raises(ValueError, match="no acting user"):
        import_files(store, [csv], user=user, secret=b"k")
    with pytest.raises(ValueError, match="no acting user"):
        store.write_import({}, pd.DataFrame(), {"source": "a.csv", "user": user})
    assert store.read("imports").empty and store.read("alerts").empty
    [checked] = import_files(store, [csv], user=user, secret=b"k", dry_run=True)   # a dry run writes nothing
    assert checked.status == "checked"
    import_files(store, [csv], user="ana", secret=b"k")
    before = store.counts()
    with pytest.raises(ValueError, match="no acting user"):
        store.record("view", "x", user=user)
    alerts = store.read("alerts")
    aid = alerts["id"].iloc[0]
    with pytest.raises(ValueError, match="no acting user"):
        triage.verify(alerts, aid, based_on=0, user=user)
    with pytest.raises(ValueError, match="no acting user"):
        store.apply_alert_edit(alerts.iloc[[0]], 0, "verify", "{}", "", user=user)
    with pytest.raises(ValueError, match="no acting user"):
        triage.apply(store, triage.Edit(alert_id=aid, action="verify", row=alerts.iloc[[0]], based_on=0,
                                        changes={"verification": ["unverified", "verified"]}))
    assert store.counts() == before
    assert store.alert_versions().empty


def test_the_user_is_a_required_argument(tmp_path):
    store = open_store(tmp_path / "s.gpkg")
    with pytest.raises(TypeError):
        store.record("view", "x")  # noqa: the point of the test
    alerts = gpd.GeoDataFrame({"id": ["A1"], "verification": ["unverified"]},
                              geometry=gpd.points_from_xy([20.7], [4.8]), crs="EPSG:4326")
    with pytest.raises(TypeError):
        triage.verify(alerts, "A1", based_on=0)
    with pytest.raises(TypeError):
        triage.correct_location(alerts, "A1", 4.8, 20.6, based_on=0)


def test_the_command_line_resolves_the_user_at_the_edge(tmp_path, monkeypatch):
    from ewarning.cli import main

    monkeypatch.setenv("EWARNING_USER", "desk-officer")
    gpkg = tmp_path / "s.gpkg"
    assert main(["import", str(_alerts_csv(tmp_path)), "--store", str(gpkg)]) == 0
    assert main(["export", "--layer", "alerts", "--store", str(gpkg), "--format", "csv",
                 "--out", str(tmp_path / "out.csv")]) == 0
    store = open_store(gpkg)
    assert set(store.read("imports")["user"]) == {"desk-officer"}
    assert set(store.read("audit")["user"]) == {"desk-officer"}


def test_pages_get_the_user_from_the_session_only(monkeypatch):
    """The desk's acting user is whoever signed in, never the server's environment."""
    from app_pages import common
    from ewarning.auth import PermissionDenied

    monkeypatch.setenv("EWARNING_USER", "ana")
    with pytest.raises(PermissionDenied, match="nobody is signed in"):
        common.acting_user()          # $EWARNING_USER names nobody on the desk
    pages = sorted((ROOT / "app_pages").glob("*.py"))
    assert len(pages) > 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "current_user" not in text and "EWARNING_USER" not in text, page.name
    for page in ("triage", "data", "intake", "hotspots", "situation_map", "presence", "audit", "users"):
        text = (ROOT / "app_pages" / f"{page}.py").read_text(encoding="utf-8")
        assert "common.require_page(" in text, page


# -- errors ---------------------------------------------------------------------------------------------------
def test_store_errors_live_in_the_store_package():
    import ewarning.store
    import ewarning.store.errors as errors
    import ewarning.store.geopackage as geopackage

    assert ewarning.store.StoreError is errors.StoreError is geopackage.StoreError
    assert ewarning.store.EditConflict is errors.EditConflict is geopackage.EditConflict is triage.EditConflict
    assert issubclass(errors.EditConflict, errors.StoreError)
    # Backend-neutral: importing the errors loads no backend.
    code = ("import sys, ewarning.store.errors; "
            "print('ewarning.store.geopackage' in sys.modules, 'sqlite3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_an_edit_conflict_names_who_and_when(tmp_path):
    src = tmp_path / "s.gpkg"
    store = open_store(src)
    import_files(store, [_alerts_csv(tmp_path)], user="ana", secret=b"k")
    alerts = store.read("alerts")
    aid = alerts["id"].iloc[0]
    triage.apply(store, triage.verify(alerts, aid, based_on=0, user="ana"))
    from ewarning.store import EditConflict

    with pytest.raises(EditConflict, match=f"alert {aid} was changed by ana at "):
        triage.apply(store, triage.discount(alerts, aid, based_on=0, user="ben"))
    shutil.copy(src, tmp_path / "copy.gpkg")  # the file stays a plain GeoPackage
    assert len(open_store(tmp_path / "copy.gpkg").read("alert_edits")) == 1


def test_the_geopackage_store_has_every_method_of_the_store_interface():
    """A server backend will be written against the interface: the GeoPackage store implements all of it."""
    import inspect

    from ewarning.store import Store
    from ewarning.store.geopackage import GeoPackageStore

    wanted = {name for name, member in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")}
    assert {"read", "write_import", "record", "add_user", "audit_log", "rekey_reporters"} <= wanted
    from ewarning.store.postgis import PostGISStore

    for backend in (GeoPackageStore, PostGISStore):
        missing = sorted(name for name in wanted if not callable(getattr(backend, name, None)))
        assert not missing, (backend.__name__, missing)
        for name in wanted:   # and with the same parameters
            assert list(inspect.signature(getattr(Store, name)).parameters) == \
                list(inspect.signature(getattr(backend, name)).parameters), (backend.__name__, name)


@pytest.mark.parametrize("until", ["2018-09-01", "2018-11-15", "2018-11-15T06:00Z"])
def test_engagements_until_and_bbox_equal_filtering_the_full_read(demo_store, until):
    """The fifth layer (issue #14's engagement log) follows the same until/bbox contract."""
    store = open_store(demo_store)
    full = store.read("engagements")
    assert len(full) > 50
    assert_geodataframe_equal(store.read("engagements", until=until), _expected(full, "engagements", until=until))
    assert_geodataframe_equal(store.read("engagements", until=until, bbox=BBOX),
                              _expected(full, "engagements", until=until, bbox=BBOX))
