"""Many analysts at once on one store, and a writer killed mid-import, on both backends (issue #13).

Reduced sizes here (the suite's time); ``benchmarks/bench_store_load.py``
runs the issue's full load (8 writers x 2,000 alerts, 4 triage, 4 readers)
and reports throughput.
"""

from __future__ import annotations

import pytest

from ewarning.importing import import_files
from ewarning.store import open_store
from tests.store_load import SECRET, big_file, expected_ids, kill_mid_import, run_load

BACKENDS = ["geopackage", pytest.param("postgis", marks=[pytest.mark.postgis, pytest.mark.xdist_group("postgis")])]


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path) -> str:
    """An empty store of each backend, created, with no connection held (the processes fork)."""
    if request.param == "geopackage":
        path = str(tmp_path / "joc.gpkg")
        open_store(path)
        return path
    return request.getfixturevalue("pg_database")("empty")


def test_writers_triage_and_readers_at_once_lose_nothing(location, tmp_path):
    result = run_load(location, "x", tmp_path, writers=3, per_writer=300, per_file=100, triagers=2, readers=2)
    assert result.writer_errors == []
    store = open_store(location)
    ids = set(store.read("alerts")["id"])
    assert ids == expected_ids(3, 300)                        # every alert present...
    assert result.duplicate_ids == 0 and result.alerts_stored == len(ids)   # ...exactly once
    assert result.shared_file_imports == 1                    # the file all three imported is stored once
    assert result.triage_errors == 0
    assert result.triage_applied > 0
    assert result.edits_stored == result.triage_applied       # every applied action is stored, no other
    assert result.reads > 0 and result.half_imports_seen == 0  # no reader saw a half-imported file
    audit = store.audit_log(action="import")
    assert len(audit) == len(store.read("imports"))           # each import audited in its own transaction


def test_a_writer_killed_mid_import_leaves_nothing_and_the_import_runs_again(location, tmp_path):
    path = big_file(tmp_path, 3000)
    kill_mid_import(location, path, tmp_path)
    store = open_store(location)
    counts = store.counts()
    assert counts["alerts"] == 0 and counts["imports"] == 0 and counts["quarantine"] == 0
    assert store.audit_log().empty
    (report,) = import_files(store, [path], layer="alerts", user="ana", secret=SECRET)
    assert report.status == "imported" and report.n_stored == 3000
    assert store.counts()["alerts"] == 3000 and len(store.audit_log(action="import")) == 1
