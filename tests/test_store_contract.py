"""The store contract: every backend behaves the same (GeoPackage file and PostGIS server).

Each test runs on both backends (``[geopackage]`` and ``[postgis]``); the
PostGIS runs use a throwaway server the tests start (``tests/pgserver.py``)
and carry the ``postgis`` marker. The until/bbox equivalences run on both in
``test_store_interface.py``; concurrency and a killed writer are in
``test_store_concurrency.py``.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from ewarning import triage
from ewarning.importing import import_files
from ewarning.store import EditConflict, ImportRaced, StoreError, open_store
from ewarning.store.geopackage import GeoPackageStore
from ewarning.store.postgis import PostGISStore
from ewarning.store.schema import ACCOUNT_SCHEMAS, LAYER_SCHEMAS, TABLES

BACKENDS = ["geopackage", pytest.param("postgis", marks=[pytest.mark.postgis, pytest.mark.xdist_group("postgis")])]

ALERTS_CSV = """id,reported_at,occurred_at,category,severity,killed,injured,lat,lon,channel,verification,reporter,text
A-1,2018-11-10T08:00:00Z,2018-11-10T07:00:00Z,killing,3,4,1,4.79,20.68,hotline,verified,+236 7000 0001,armed men near the market
A-2,2018-11-11T09:30:00Z,,threat,2,0,0,4.80,20.69,sms,unverified,+236 7000 0002,threats against the IDP site
A-3,2018-11-12T10:15:00Z,2018-11-12T10:00:00Z,attack,3,2,3,5.76,20.67,hotline,verified,+236 7000 0001,100% sure_this is_an attack
"""


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def make_store(backend, tmp_path, request, demo_store):
    """``make(demo=False)`` -> a new store of this test's backend (a copy of the demo store with ``demo``)."""
    made = []

    def make(demo: bool = False):
        if backend == "geopackage":
            path = tmp_path / f"store{len(made)}.gpkg"
            if demo:
                shutil.copyfile(demo_store, path)
            store = open_store(path)
        else:
            store = open_store(request.getfixturevalue("pg_database")("demo" if demo else "empty"))
        made.append(store)
        return store

    yield make
    for store in made:
        if isinstance(store, PostGISStore):
            store.close()


@pytest.fixture
def alerts_csv(tmp_path):
    path = tmp_path / "alerts.csv"
    path.write_text(ALERTS_CSV, encoding="utf-8")
    return path


def raw_sql(store, statement: str) -> None:
    """Run SQL on the store's database outside the store (what a hand edit or another program could do)."""
    if isinstance(store, GeoPackageStore):
        with closing(sqlite3.connect(store.location)) as con:
            con.execute(statement)
            con.commit()
    else:
        import psycopg

        with psycopg.connect(store.url, autocommit=True) as con:
            con.execute(statement)


def _import(store, path, user="ana"):
    (report,) = import_files(store, [path], layer="alerts", user=user, secret=b"contract")
    return report


# -- opening and reading -----------------------------------------------------------------------------------------
def test_a_new_store_has_every_table_empty_and_typed(make_store):
    store = make_store()
    assert set(store.counts()) == set(TABLES) and not any(store.counts().values())
    for name in LAYER_SCHEMAS:
        frame = store.read(name)
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs == "EPSG:4326" and frame.empty
        assert list(frame.columns) == list(TABLES[name].columns) + ["geometry"]
        for column, kind in TABLES[name].columns.items():
            if kind == "datetime":
                assert str(frame[column].dtype) == "datetime64[us, UTC]", (name, column)


def test_the_demo_reads_back_the_same_on_both_backends(demo_store, pg_database):
    """The same imports stored in a GeoPackage and in PostGIS read back as equal frames, dtypes and all."""
    pytest.importorskip("psycopg")
    gpkg, pg = open_store(demo_store), open_store(pg_database("demo"))
    for name in LAYER_SCHEMAS:
        a, b = gpkg.read(name), pg.read(name)
        assert len(a) > 0 or name == "engagements", name
        assert_geodataframe_equal(a.drop(columns="import_id"), b.drop(columns="import_id"), check_less_precise=False)
    assert gpkg.counts() == pg.counts()
    assert gpkg.existing_keys("presence") == pg.existing_keys("presence")
    window = (pd.Timestamp("2018-11-01", tz="UTC"), pd.Timestamp("2018-11-15", tz="UTC"))
    assert_geodataframe_equal(gpkg.alerts_between(*window).drop(columns="import_id"),
                              pg.alerts_between(*window).drop(columns="import_id"))
    assert (gpkg.list_users().drop(columns="created_at")
            .equals(pg.list_users().drop(columns="created_at")))


@pytest.mark.postgis
@pytest.mark.xdist_group("postgis")
def test_postgis_filters_in_the_database_on_its_indexes(pg_database):
    import psycopg

    store = open_store(pg_database("demo"))
    with psycopg.connect(store.url, autocommit=True) as con:
        con.execute("SET enable_seqscan = off")   # a 4,000-row table: ask whether the index applies at all
        plan = " ".join(r[0] for r in con.execute(
            "EXPLAIN SELECT fid FROM alerts WHERE reported_at < %s", ("2018-11-15T00:00:00Z",)).fetchall())
        assert "alerts_reported_at" in plan, plan
        plan = " ".join(r[0] for r in con.execute(
            "EXPLAIN SELECT fid FROM alerts WHERE geom && ST_MakeEnvelope(20, 4, 21, 5, 4326)").fetchall())
        assert "alerts_geom" in plan, plan


@pytest.mark.postgis
@pytest.mark.xdist_group("postgis")
def test_the_migrated_database_holds_exactly_the_schema(pg_database):
    """A change to ewarning/store/schema.py needs a migration: this fails until it has one."""
    import psycopg

    store = open_store(pg_database())
    with psycopg.connect(store.url, autocommit=True) as con:
        rows = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema = 'public'").fetchall()
    have: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        have.setdefault(table, {})[column] = kind
    pg_types = {"text": "text", "datetime": "timestamp with time zone", "integer": "bigint",
                "real": "double precision", "boolean": "boolean"}
    for schema in {**TABLES, **ACCOUNT_SCHEMAS}.values():
        want = {c: pg_types[k] for c, k in schema.columns.items()} | {"fid": "bigint"}
        if schema.geometry:
            want["geom"] = "USER-DEFINED"
        assert have.get(schema.name) == want, schema.name


def test_an_unreachable_or_wrong_store_is_refused_in_words(backend, tmp_path):
    if backend == "geopackage":
        bad = tmp_path / "not.gpkg"
        bad.write_text("not a database", encoding="utf-8")
        with pytest.raises(StoreError, match="cannot open store"):
            open_store(bad)
        with pytest.raises(ValueError, match="read replica"):
            open_store(tmp_path / "a.gpkg", read_url="postgresql://x@127.0.0.1:1/db")
    else:
        from tests.pgserver import free_port

        with pytest.raises(StoreError, match="cannot connect to the store") as err:
            open_store(f"postgresql://joc:s3cret@127.0.0.1:{free_port()}/joc")
        assert "s3cret" not in str(err.value)        # the password is never shown


# -- imports -------------------------------------------------------------------------------------------------------
def test_an_import_round_trips_types_and_geometry(make_store, alerts_csv):
    store = make_store()
    report = _import(store, alerts_csv)
    assert report.status == "imported" and report.n_stored == 3
    alerts = store.read("alerts")
    assert list(alerts["id"]) == ["A-1", "A-2", "A-3"]
    assert alerts.loc[0, "reported_at"] == pd.Timestamp("2018-11-10T08:00:00Z")
    assert pd.isna(alerts.loc[1, "occurred_at"])
    assert alerts["killed"].tolist() == [4, 0, 2] and str(alerts["killed"].dtype) == "int64"
    assert alerts.geometry[0].equals(Point(20.68, 4.79))
    assert alerts.loc[2, "text"] == "100% sure_this is_an attack"
    assert not alerts.to_string().count("+236")          # reporters pseudonymised before the store
    imports = store.read("imports")
    assert imports.loc[0, "user"] == "ana" and imports.loc[0, "n_stored"] == 3
    log = store.audit_log(action="import")
    assert len(log) == 1 and log.loc[0, "user"] == "ana" and "3 stored" in log.loc[0, "detail"]


def test_reimporting_the_same_file_adds_nothing(make_store, alerts_csv):
    store = make_store()
    _import(store, alerts_csv)
    before = store.counts()
    again = _import(store, alerts_csv)
    assert again.status == "unchanged" and "import #" in again.reason
    assert store.counts() == before


def test_a_file_stored_by_another_import_meanwhile_is_refused_whole_then_unchanged(make_store, alerts_csv):
    """The race two analysts can run: both checked the file before either wrote it."""
    store = make_store()
    first = _import(store, alerts_csv)
    layers = {"alerts": store.read("alerts")}
    empty = store.read("quarantine").iloc[0:0]
    digest = store.read("imports").loc[0, "sha256"]
    before = store.counts()
    with pytest.raises(ImportRaced, match="stored by another import"):
        store.write_import(layers, empty, {"user": "ben", "source": "alerts.csv", "sha256": digest})
    with pytest.raises(ImportRaced, match="3 alerts row"):
        store.write_import(layers, empty, {"user": "ben", "source": "copy.csv", "sha256": "other"})
    assert store.counts() == before
    assert first.import_id == 1


def test_the_import_pipeline_checks_a_raced_file_again(make_store, alerts_csv, monkeypatch):
    """When the store refuses a file another analyst stored meanwhile, the report says so; nothing is lost."""
    import ewarning.importing as importing

    store = make_store()
    other = make_store()
    _import(other, alerts_csv)  # what "the other analyst" stored, written into this store during the check
    real = importing._import_tables
    calls = []

    def racing(store_, *args, **kwargs):
        if not calls:
            calls.append(1)
            _import(store, alerts_csv, user="ben")   # ben wins while ana's check runs
        return real(store_, *args, **kwargs)

    monkeypatch.setattr(importing, "_import_tables", racing)
    report = _import(store, alerts_csv, user="ana")
    assert report.status == "unchanged" and "by ben" in report.reason
    assert store.counts()["alerts"] == 3 and store.counts()["imports"] == 1


def test_an_import_is_all_or_nothing(make_store, alerts_csv):
    store = make_store()
    _import(store, alerts_csv)
    before = store.counts()
    twice = pd.concat([store.read("alerts").iloc[[0]].assign(id="N-1")] * 2, ignore_index=True)  # one key twice
    empty = store.read("quarantine").iloc[0:0]
    with pytest.raises(StoreError, match="nothing written"):
        store.write_import({"alerts": twice}, empty, {"user": "ana", "source": "x.csv", "sha256": "x"})
    assert store.counts() == before
    with pytest.raises(ValueError, match="acting user"):
        store.write_import({"alerts": twice.iloc[[0]]}, empty, {"source": "x.csv"})
    assert store.counts() == before


# -- triage ---------------------------------------------------------------------------------------------------------
def test_triage_checks_the_version_and_audits_in_the_same_write(make_store, alerts_csv):
    store = make_store()
    _import(store, alerts_csv)
    token = store.state_token()
    alerts = store.read("alerts")
    triage.apply(store, triage.verify(alerts, "A-2", based_on=0, user="ana"))
    assert store.state_token() != token
    with pytest.raises(EditConflict, match="alert A-2 was changed by ana at ") as err:
        triage.apply(store, triage.discount(alerts, "A-2", based_on=0, user="ben"))
    assert (err.value.current, err.value.based_on) == (1, 0)
    versions = store.alert_versions()
    assert versions.to_dict("list")["alert_id"] == ["A-2"] and versions.loc[0, "version"] == 1
    assert store.read("alerts").set_index("id").loc["A-2", "verification"] == "verified"
    assert len(store.read("alert_edits")) == 1
    assert list(store.audit_log(user="ben")["action"]) == []          # the refused edit wrote nothing
    triage.apply(store, triage.discount(store.read("alerts"), "A-2", based_on=1, user="ben"))
    assert store.alert_versions().loc[0, "version"] == 2
    assert store.audit_log(user="ben").loc[0, "action"].startswith("triage:")


def test_an_edit_of_a_missing_alert_is_refused(make_store, alerts_csv):
    store = make_store()
    _import(store, alerts_csv)
    row = store.read("alerts").iloc[[0]].assign(id="NOPE")
    with pytest.raises(KeyError, match="NOPE"):
        store.apply_alert_edit(row, based_on=0, action="verify", changes="x", note="", user="ana")
    assert store.read("alert_edits").empty


# -- settings, audit, cache key -----------------------------------------------------------------------------------
def test_settings_audit_and_the_cache_key(make_store):
    store = make_store()
    token = store.state_token()
    assert store.get_setting("mission_bbox") is None
    store.set_setting("mission_bbox", "[1, 2, 3, 4]")
    store.set_setting("mission_bbox", "[19, 4, 23, 7]")
    assert store.get_setting("mission_bbox") == "[19, 4, 23, 7]"
    store.record("export", "alerts.csv: 3 rows", user="ana")
    store.record("view", "50% of 100_000", user="lee")
    assert store.state_token() == token                    # audit and settings writes change no layer
    with pytest.raises(ValueError, match="acting user"):
        store.record("export", "x", user=" ")
    log = store.audit_log()
    assert list(log["user"]) == ["lee", "ana"]             # newest first
    assert list(store.audit_log(text="50%")["user"]) == ["lee"]
    assert list(store.audit_log(text="0_0")["user"]) == ["lee"]
    assert store.audit_log(text="5_%").empty               # wildcards taken literally
    assert list(store.audit_log(text="ALERTS.CSV")["user"]) == ["ana"]   # case-insensitive
    assert list(store.audit_log(action="view", user="lee")["detail"]) == ["50% of 100_000"]
    assert store.audit_log(since=pd.Timestamp.now(tz="UTC") + pd.Timedelta("1h")).empty
    assert str(log["at"].dtype) == "datetime64[us, UTC]"


def test_the_audit_log_is_append_only_for_any_program(make_store):
    store = make_store()
    store.record("export", "x", user="ana")
    for statement in ("UPDATE audit SET detail = 'nothing happened'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"):
            raw_sql(store, statement)
    assert list(store.audit_log()["detail"]) == ["x"]


# -- accounts -------------------------------------------------------------------------------------------------------
def test_accounts_and_sign_in_failures(make_store):
    store = make_store()
    now = pd.Timestamp("2026-12-03T10:00:00Z")
    store.add_user("sam", "supervisor", "$argon2id$hash-sam", created_by="setup", at=now, first_only=True)
    with pytest.raises(StoreError, match="already has users"):
        store.add_user("eve", "supervisor", "$argon2id$hash-eve", created_by="setup", at=now, first_only=True)
    store.add_user("ana", "analyst", "$argon2id$hash-ana", created_by="sam", at=now)
    with pytest.raises(StoreError, match="already exists"):
        store.add_user("ana", "analyst", "h", created_by="sam", at=now)
    assert store.get_user("ana")["password_hash"] == "$argon2id$hash-ana"
    assert store.get_user("ana")["created_at"] == now and store.get_user("nobody") is None
    users = store.list_users()
    assert list(users["name"]) == ["ana", "sam"] and "password_hash" not in users.columns
    store.set_password("ana", "$argon2id$new")
    store.disable_user("ana", now + pd.Timedelta("1h"))
    store.disable_user("ana", now + pd.Timedelta("2h"))    # keeps the first date
    assert store.get_user("ana")["disabled_at"] == now + pd.Timedelta("1h")
    for missing in (lambda: store.set_password("zed", "h"), lambda: store.disable_user("zed", now)):
        with pytest.raises(KeyError, match="zed"):
            missing()
    for minutes in (0, 5, 10):
        store.record_sign_in_failure("key-ana", now + pd.Timedelta(minutes=minutes))
    assert store.sign_in_failures("key-ana", since=now + pd.Timedelta(minutes=5)) == [
        now + pd.Timedelta(minutes=5), now + pd.Timedelta(minutes=10)]
    store.clear_sign_in_failures("key-ana")
    assert store.sign_in_failures("key-ana", since=now) == []
    assert "users" not in store.counts()                   # accounts never leave through counts or reads
    with pytest.raises(KeyError):
        store.read("users")


def test_reporter_keys_are_rekeyed_in_one_audited_write(make_store, alerts_csv):
    store = make_store()
    _import(store, alerts_csv)
    old = set(store.read("alerts")["reporter_key"])
    assert len(old) == 2 and all(k.startswith("R-") for k in old)
    counts = store.rekey_reporters(lambda k: "R-" + k[2:][::-1], user="sam")
    assert counts["keys"] == 2 and counts["alerts"] == 3
    assert set(store.read("alerts")["reporter_key"]) == {"R-" + k[2:][::-1] for k in old}
    assert store.audit_log(action="secret:rotate").loc[0, "user"] == "sam"


@pytest.mark.postgis
@pytest.mark.xdist_group("postgis")
def test_the_readme_roles_run_the_desk_and_only_append_to_the_audit_log(pg_cluster, pg_database, alerts_csv):
    """The grants of README.md's Operations section, applied as written, are enough and no more."""
    import re
    import uuid

    import psycopg

    from tests.signin import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    grants = re.findall(r"^(GRANT .*?;)", readme, flags=re.M | re.S)
    assert len(grants) >= 4
    url = pg_database()
    open_store(url).close()                                   # migrated by the owner
    role = f"desk_{uuid.uuid4().hex[:8]}"
    database = url.rsplit("/", 1)[1]
    pg_cluster.sql(f"CREATE ROLE {role} LOGIN")
    for grant in grants:
        pg_cluster.sql(grant.replace("ewarning_desk", role), database)
    desk = open_store(url.replace("postgres@", f"{role}@"))
    report = _import(desk, alerts_csv)
    assert report.status == "imported"
    triage.apply(desk, triage.verify(desk.read("alerts"), "A-2", based_on=0, user="ana"))
    desk.set_setting("mission_bbox", "[19, 4, 23, 7]")
    desk.add_user("ana", "analyst", "$argon2id$x", created_by="setup", at=pd.Timestamp.now(tz="UTC"))
    desk.record_sign_in_failure("k", pd.Timestamp.now(tz="UTC"))
    desk.clear_sign_in_failures("k")
    with psycopg.connect(desk.url, autocommit=True) as con:
        for statement in ("UPDATE audit SET detail = 'x'", "DELETE FROM audit", "DROP TABLE alerts"):
            with pytest.raises(psycopg.Error):
                con.execute(statement)
    desk.close()
