"""Triage edits: each action's rows and audit entry, and optimistic concurrency in the store."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from ewarning import triage
from ewarning.store import open_store

EMPTY_Q = pd.DataFrame({"layer": [], "source": [], "source_row": [], "reason": [], "raw": []})


@pytest.fixture()
def store(tmp_path, map_layers):
    s = open_store(str(tmp_path / "t.gpkg"))
    s.write_import({"alerts": map_layers["alerts"]}, EMPTY_Q, {"source": "alerts.csv", "n_stored": 40, "user": "ana"})
    return s


def _one(store, alert_id):
    a = store.read("alerts")
    return a[a["id"] == alert_id].iloc[0]


def test_verify_writes_row_edit_log_and_audit(store):
    alerts = store.read("alerts")
    aid = alerts["id"].iloc[3]
    edit = triage.verify(alerts, aid, based_on=0, user="ana", note="called back the focal point")
    assert edit.changes == {"verification": ["unverified", "verified"]}
    assert edit.row["verification"].iloc[0] == "verified" and len(edit.row) == 1
    assert triage.apply(store, edit) == 1
    assert _one(store, aid)["verification"] == "verified"
    log = store.read("alert_edits")
    assert log[["alert_id", "version", "user", "action"]].values.tolist() == [[aid, 1, "ana", "verify"]]
    assert json.loads(log["changes"].iloc[0]) == {"verification": ["unverified", "verified"]}
    audit = store.read("audit")
    audit = audit[audit["action"] != "import"]           # the import that made the store is audited too
    assert audit["action"].tolist() == ["triage:verify"] and audit["user"].tolist() == ["ana"]
    assert aid in audit["detail"].iloc[0] and "called back" in audit["detail"].iloc[0]
    # everything else of the row is kept, in place (same fid order), geometry included
    before, after = alerts.set_index("id"), store.read("alerts").set_index("id")
    assert after.index.tolist() == before.index.tolist()
    cols = [c for c in before.columns if c not in ("verification", "geometry")]
    pd.testing.assert_frame_equal(after.loc[[aid], cols], before.loc[[aid], cols])
    assert after.loc[aid, "geometry"].equals(before.loc[aid, "geometry"])


def test_a_stale_edit_is_refused_with_who_and_when(store):
    alerts = store.read("alerts")          # both analysts read version 0
    aid = alerts["id"].iloc[0]
    at = pd.Timestamp("2018-12-01T10:15:00Z")
    triage.apply(store, triage.verify(alerts, aid, based_on=0, user="ana", at=at))
    with pytest.raises(triage.EditConflict) as exc:
        triage.apply(store, triage.discount(alerts, aid, based_on=0, user="ben"))
    assert str(exc.value) == f"alert {aid} was changed by ana at 2018-12-01T10:15:00Z; reload and try again"
    assert exc.value.current == 1 and exc.value.based_on == 0
    assert _one(store, aid)["verification"] == "verified"          # ben did not overwrite ana
    assert len(store.read("alert_edits")) == 1 and len(store.read("audit").query("action != 'import'")) == 1
    # after reloading (version 1), ben's edit goes through
    fresh = store.read("alerts")
    v = triage.versions(fresh, store.alert_versions()).loc[aid]
    assert (v["version"], v["edited_by"]) == (1, "ana")
    assert triage.apply(store, triage.discount(fresh, aid, based_on=int(v["version"]), user="ben")) == 2
    assert _one(store, aid)["verification"] == "discounted"


def test_the_version_key_is_unique_in_the_store(store):
    aid = store.read("alerts")["id"].iloc[0]
    triage.apply(store, triage.verify(store.read("alerts"), aid, based_on=0, user="ana"))
    con = sqlite3.connect(store.location)
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO alert_edits (alert_id, version) VALUES (?, 1)", (aid,))
    con.close()


def test_link_duplicate_never_chains(store):
    alerts = store.read("alerts")
    a, b, c = alerts["id"].iloc[:3]
    triage.apply(store, triage.link_duplicate(alerts, b, a, based_on=0, user="ana"))
    alerts = store.read("alerts")
    edit = triage.link_duplicate(alerts, c, b, based_on=0, user="ana")    # b is itself a duplicate of a
    assert edit.changes == {"duplicate_of": [None, a]}
    triage.apply(store, edit)
    assert _one(store, c)["duplicate_of"] == a
    with pytest.raises(triage.TriageError, match="itself"):
        triage.link_duplicate(store.read("alerts"), a, c, based_on=0, user="ana")    # c -> a: a would point at itself
    with pytest.raises(triage.TriageError, match="not in the store"):
        triage.link_duplicate(alerts, a, "A-NOPE", based_on=0, user="ana")


def test_correct_location_moves_the_point_and_checks_it(store):
    alerts = store.read("alerts")
    aid = alerts["id"].iloc[5]
    edit = triage.correct_location(alerts, aid, lat=4.7901, lon=20.6802, precision="exact", based_on=0, user="ana")
    assert set(edit.changes) >= {"lat/lon"}
    triage.apply(store, edit)
    moved = _one(store, aid)
    assert (round(moved.geometry.y, 4), round(moved.geometry.x, 4)) == (4.7901, 20.6802)
    assert moved["location_precision"] == "exact"
    for lat, lon in ((95, 20), (0, 0), ("x", 1)):
        with pytest.raises(triage.TriageError):
            triage.correct_location(alerts, aid, lat=lat, lon=lon, based_on=0, user="ana")
    with pytest.raises(triage.TriageError, match="precision"):
        triage.correct_location(alerts, aid, lat=4.8, lon=20.7, precision="street", based_on=0, user="ana")


def test_no_op_and_unknown_alert_are_refused(store):
    alerts = store.read("alerts")
    aid = alerts["id"].iloc[0]
    triage.apply(store, triage.verify(alerts, aid, based_on=0, user="ana"))
    with pytest.raises(triage.TriageError, match="nothing to change"):
        triage.verify(store.read("alerts"), aid, based_on=1, user="ana")
    with pytest.raises(triage.TriageError, match="not in the store"):
        triage.verify(alerts, "A-NOPE", based_on=0, user="ana")


def test_queue_holds_new_unverified_non_duplicates_newest_first(map_layers):
    alerts = map_layers["alerts"].copy()
    alerts.loc[alerts.index[0], "verification"] = "verified"
    alerts.loc[alerts.index[1], "duplicate_of"] = alerts["id"].iloc[2]
    q = triage.queue(alerts)
    assert alerts["id"].iloc[0] not in set(q["id"]) and alerts["id"].iloc[1] not in set(q["id"])
    assert len(q) == len(alerts) - 2
    assert q["reported_at"].is_monotonic_decreasing


def test_duplicate_candidates_are_near_in_space_and_time(map_layers):
    alerts = map_layers["alerts"]
    aid = alerts["id"].iloc[4]
    cands = triage.duplicate_candidates(alerts, aid, km=80, hours=240)
    assert aid not in set(cands["id"])
    assert (cands["km"] <= 80).all() and (cands["hours"].abs() <= 240).all()


def test_hostile_ids_and_notes_are_data_not_sql(tmp_path, map_layers):
    """Every statement is parameterised: a hostile id and note are stored as text."""
    hostile = "A1'; DROP TABLE alerts; --"
    s = open_store(str(tmp_path / "h.gpkg"))
    alerts = map_layers["alerts"].iloc[:2].copy()
    alerts["id"] = [hostile, "A2"]
    s.write_import({"alerts": alerts}, EMPTY_Q, {"source": "a.csv", "user": "ana"})
    edit = triage.verify(s.read("alerts"), hostile, based_on=0, user="x'); --", note="<script>alert(1)</script>")
    assert triage.apply(s, edit) == 1
    assert _one(s, hostile)["verification"] == "verified" and len(s.read("alerts")) == 2
    log = s.read("alert_edits")
    assert log["alert_id"].tolist() == [hostile] and log["note"].tolist() == ["<script>alert(1)</script>"]
