"""Alert intake at the duty desk (ewarning.intake): one typed alert through the importer's own path.

What is stored is checked field by field; a refused entry gives exactly the reasons the importer gives
for the same row in a CSV file, and stores nothing; the reporter's number is in no table and no byte of
the store file; the import log and the audit log name the duty officer.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from tests.signin import signed_in_app

from ewarning import intake
from ewarning.importing import import_files
from ewarning.places import shipped_towns
from ewarning.security import pseudonymise
from ewarning.store import open_store

SECRET = b"intake-test-secret"
NOW = pd.Timestamp("2018-11-15T12:00:00Z")
PHONE = "+236 75 12 34 56"
USER = "duty-officer-1"
COLUMNS = ["reported_at", "occurred_at", "lat", "lon", "category", "killed", "injured", "channel", "reliability",
           "credibility", "reporter", "text"]


@pytest.fixture
def store(tmp_path):
    return open_store(str(tmp_path / "joc.gpkg"))


def _typed(**over) -> dict:
    fields = {"category": "killing", "reported_at": "2018-11-15T09:30:00Z", "occurred_at": "2018-11-15T07:00:00Z",
              "lat": "5.0403", "lon": "21.2133", "killed": "3", "injured": "1", "channel": "hotline",
              "reliability": "C", "credibility": "3", "reporter": PHONE,
              "text": "Trois civils tués près du marché, rappeler au " + PHONE}
    fields.update(over)
    return {k: v for k, v in fields.items() if v is not None}


def _counts(store) -> dict[str, int]:
    return {t: len(store.read(t)) for t in ("alerts", "quarantine", "imports", "audit")}


def _file_reasons(tmp_path: Path, store, fields: dict) -> list[str]:
    """The reasons the importer gives for the same row written in a canonical CSV file (nothing written)."""
    path = tmp_path / "same-row.csv"
    pd.DataFrame([{c: fields.get(c, "") for c in COLUMNS}]).to_csv(path, index=False)
    (report,) = import_files(store, [path], layer="alerts", dry_run=True, secret=SECRET, now=NOW)
    assert report.n_quarantined == 1, report.summary()
    return str(report.quarantine["reason"].iloc[0]).split("; ")


def test_a_typed_alert_is_stored_field_by_field(store):
    result = intake.enter_alert(store, _typed(), user=USER, secret=SECRET, now=NOW)
    assert result.stored and result.reasons == [], result.reasons
    alerts = store.read("alerts")
    assert len(alerts) == 1
    a = alerts.iloc[0]
    assert a["id"] == result.alert_id and a["id"].startswith("A-")
    assert a["reported_at"] == pd.Timestamp("2018-11-15T09:30:00Z")
    assert a["occurred_at"] == pd.Timestamp("2018-11-15T07:00:00Z")
    assert (a["category"], a["killed"], a["injured"], a["severity"]) == ("killing", 3, 1, 5)
    assert (a["channel"], a["reliability"], a["credibility"]) == ("hotline", "C", "3")
    assert (a["verification"], a["location_precision"], a["origin"]) == ("unverified", "exact", "intake")
    assert (round(a.geometry.y, 6), round(a.geometry.x, 6)) == (5.0403, 21.2133)
    assert a["reporter_key"] == pseudonymise(pd.Series([PHONE]), SECRET)[0]
    # the number the caller gave in the text is scrubbed, as on import
    assert a["text"] == "Trois civils tués près du marché, rappeler au [phone removed]"
    assert a["duplicate_of"] is None and int(a["import_id"]) == result.import_id


def test_reported_time_defaults_to_now_and_the_hotline_key_is_the_importers(store, tmp_path):
    result = intake.enter_alert(store, _typed(reported_at=None, occurred_at=None), user=USER, secret=SECRET,
                                now=NOW)
    assert result.stored, result.reasons
    a = store.read("alerts").iloc[0]
    assert a["reported_at"] == NOW and pd.isna(a["occurred_at"])
    # the same caller through a file gets the same key: a burst from one source is still seen
    path = tmp_path / "calls.csv"
    path.write_text(f"lat,lon,category,reported_at,reporter\n4.5,20.1,looting,2018-11-14T08:00Z,{PHONE}\n",
                    encoding="utf-8")
    (report,) = import_files(store, [path], user="analyst", secret=SECRET, now=NOW)
    assert report.n_stored == 1
    keys = store.read("alerts")["reporter_key"]
    assert keys.nunique() == 1 and keys.iloc[0].startswith("R-")


def test_a_town_of_the_gazetteer_places_the_alert_at_village_precision(store):
    towns = shipped_towns()
    town = towns[towns["name"] == "Bambari"].iloc[0]
    result = intake.enter_alert(store, _typed(lat=None, lon=None, place="  bambari "), user=USER, secret=SECRET,
                                now=NOW)
    assert result.stored, result.reasons
    a = store.read("alerts").iloc[0]
    assert a["location_precision"] == "village"
    assert (a.geometry.x, a.geometry.y) == pytest.approx((town.geometry.x, town.geometry.y), abs=1e-9)
    assert result.location == (f"Bambari (gazetteer town: lat {town.geometry.y:.4f}, lon {town.geometry.x:.4f}, "
                               "precision village)")
    assert intake.find_town("Berberati")[0] == "Berbérati"   # accents and case do not matter
    assert "Bambari" in intake.town_names()


def test_an_unknown_town_is_refused_with_the_other_reasons_and_nothing_is_stored(store):
    result = intake.enter_alert(store, _typed(lat=None, lon=None, place="Atlantis", category="weather"),
                                user=USER, secret=SECRET, now=NOW)
    assert not result.stored
    assert result.reasons[0] == ("place: 'Atlantis' is not a town of the shipped gazetteer; choose one of the "
                                 "suggested towns or give the coordinates")
    assert any(r.startswith("category: ") for r in result.reasons[1:])
    assert "lat/lon: missing coordinates" not in result.reasons
    assert _counts(store) == {"alerts": 0, "quarantine": 0, "imports": 0, "audit": 0}


@pytest.mark.parametrize("bad", [
    {"lat": "121.2133", "lon": "5.0403"},                       # swapped, out of range
    {"lat": "95", "lon": "200"},                                # out of range
    {"lat": "0", "lon": "0"},                                   # null island
    {"reported_at": "2018-11-20T09:00:00Z"},                    # in the future (NOW is 15 Nov)
    {"occurred_at": "2018-11-16T09:00:00Z", "reported_at": "2018-11-15T10:00:00Z"},   # occurred after reported
    {"category": "weather report"},                             # unknown category
    {"killed": "-2", "reliability": "Z"},                       # negative count, unknown code
    {"occurred_at": "31/02/2018"},                              # not a date
])
def test_a_bad_entry_gets_the_importers_reasons_and_stores_nothing(store, tmp_path, bad):
    fields = _typed(**bad)
    result = intake.enter_alert(store, fields, user=USER, secret=SECRET, now=NOW)
    assert not result.stored and result.alert_id is None
    assert result.reasons == _file_reasons(tmp_path, store, fields)
    assert result.reasons and all(PHONE not in r for r in result.reasons)
    assert _counts(store) == {"alerts": 0, "quarantine": 0, "imports": 0, "audit": 0}


def test_swapped_coordinates_inside_the_range_are_caught_against_the_mission_area(store, tmp_path):
    store.set_setting("mission_bbox", json.dumps([14.4, 2.2, 27.5, 11.0]))
    fields = _typed(lat="21.2133", lon="5.0403")
    result = intake.enter_alert(store, fields, user=USER, secret=SECRET, now=NOW)
    assert result.reasons == ["lat/lon: latitude and longitude look swapped (lat 21.2133, lon 5.0403)"]
    assert result.reasons == _file_reasons(tmp_path, store, fields)
    assert len(store.read("alerts")) == 0


def test_the_reporters_number_is_nowhere_in_the_store(store, tmp_path):
    intake.enter_alert(store, _typed(), user=USER, secret=SECRET, now=NOW)
    # a refused entry too: nothing of it, and so not the number, is written
    intake.enter_alert(store, _typed(lat="95", lon="200", reporter="+236 72 98 76 54"), user=USER, secret=SECRET,
                       now=NOW)
    spellings = [PHONE, PHONE.replace(" ", ""), "75 12 34 56", "75123456", "+236 72 98 76 54", "72987654"]
    # every byte of the store file (and its journal, if any)
    for part in tmp_path.glob("joc.gpkg*"):
        data = part.read_bytes()
        for s in spellings:
            assert s.encode() not in data, (part.name, s)
    # every cell of every table
    with sqlite3.connect(tmp_path / "joc.gpkg") as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"alerts", "imports", "audit", "quarantine"} <= set(tables)
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                text = " ".join(str(v) for v in row)
                squeezed = text.replace(" ", "")
                for s in spellings:
                    assert s not in text and s.replace(" ", "") not in squeezed, (table, s)


def test_the_import_log_and_the_audit_log_name_the_officer(store):
    result = intake.enter_alert(store, _typed(), user=USER, secret=SECRET, now=NOW)
    imports = store.read("imports")
    assert len(imports) == 1
    log = imports.iloc[0]
    assert (log["user"], log["source"], log["format"], log["layers"]) == (USER, "intake", "intake", "alerts")
    assert (log["n_read"], log["n_stored"], log["n_quarantined"]) == (1, 1, 0)
    assert int(log["fid"]) == result.import_id
    audit = store.read("audit")
    # the import entry the store writes with every import, then the intake's own
    assert audit[["user", "action"]].values.tolist() == [[USER, "import"], [USER, "intake"]]
    assert audit["detail"].iloc[0] == f"import #{result.import_id}: intake: 1 stored, 0 quarantined"
    assert audit["detail"].iloc[1] == f"intake: 1 alert entered ({result.alert_id}, import #{result.import_id})"


def test_a_second_call_about_the_same_incident_is_linked_as_its_duplicate(store):
    first = intake.enter_alert(store, _typed(), user=USER, secret=SECRET, now=NOW)
    second = intake.enter_alert(store, _typed(reported_at="2018-11-15T10:05:00Z", killed="5",
                                              reporter="+236 72 00 00 01", lat="5.045", lon="21.21"),
                                user="duty-officer-2", secret=SECRET, now=NOW)
    assert first.stored and second.stored
    assert second.duplicate_of == first.alert_id
    assert "linked as a duplicate of " + first.alert_id in second.summary()


def test_an_entry_needs_a_user_and_known_fields(store):
    with pytest.raises(ValueError):
        intake.enter_alert(store, _typed(), user="", secret=SECRET, now=NOW)
    with pytest.raises(ValueError, match="unknown intake field"):
        intake.enter_alert(store, {**_typed(), "phone": PHONE}, user=USER, secret=SECRET, now=NOW)
    assert _counts(store) == {"alerts": 0, "quarantine": 0, "imports": 0, "audit": 0}


# -- the page (Streamlit's AppTest, no browser) ---------------------------------------------------------
@pytest.fixture
def desk(demo_store, tmp_path, monkeypatch):
    """The dashboard on a copy of the demo store, as duty officer ``USER``, on the Alert intake page."""
    import shutil

    AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
    path = tmp_path / "desk.gpkg"
    shutil.copyfile(demo_store, path)
    monkeypatch.setenv("EWARNING_STORE", str(path))
    monkeypatch.setenv("EWARNING_USER", USER)
    monkeypatch.setenv("EWARNING_TILES", "")
    at = signed_in_app(USER, timeout=90)
    at.run()
    at.switch_page("app_pages/intake.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at, open_store(str(path))


def _widget(at, kind: str, name: str):
    """The form's widget ``name`` (its key carries the form's number)."""
    found = [w for w in getattr(at, kind) if str(w.key).startswith(name + "-")]
    assert len(found) == 1, (name, [w.key for w in getattr(at, kind)])
    return found[0]


def _submit(at):
    [button] = [b for b in at.button if b.label == "Enter alert"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]


def _cards(at, cls: str) -> list[str]:
    return [m.value for m in at.markdown if cls in m.value]


def test_the_page_stores_a_typed_alert_and_forgets_the_reporter(desk):
    at, store = desk
    n = len(store.read("alerts"))
    _widget(at, "selectbox", "intake_category").select("abduction")
    _widget(at, "text_input", "intake_reported").input("2018-11-14 10:00")
    _widget(at, "selectbox", "intake_place").select("Obo")
    _widget(at, "text_input", "intake_reporter").input(PHONE)
    _widget(at, "text_area", "intake_text").input("Deux enfants enlevés")
    assert _widget(at, "selectbox", "intake_channel").value == "hotline"   # the desk's default
    _submit(at)
    [ok] = _cards(at, "ew-intake-ok")
    alerts = store.read("alerts")
    assert len(alerts) == n + 1
    new = alerts[alerts["import_id"] == alerts["import_id"].max()].iloc[0]
    assert (new["category"], new["channel"], new["location_precision"], new["origin"]) == (
        "abduction", "hotline", "village", "intake")
    assert new["duplicate_of"] is None
    assert new["reporter_key"] == pseudonymise(pd.Series([PHONE]), load_desk_secret())[0]
    assert f'data-alert="{new["id"].replace("-", "&#45;")}"' in ok and "Obo" in ok
    # a new, empty form; the number typed is in no widget and nowhere in the session
    assert _widget(at, "text_input", "intake_reporter").value == ""
    assert all(PHONE not in str(at.session_state[k]) for k in at.session_state)
    audit = store.read("audit")
    assert ((audit["action"] == "intake") & (audit["user"] == USER)).sum() == 1
    # the confirmation's button opens the alert on the triage page
    [to_triage] = [b for b in at.button if b.label == "Open it in Alerts triage"]
    to_triage.click().run()
    assert at.session_state["triage_select"] == new["id"]


def test_an_alert_linked_as_a_duplicate_says_so_and_opens_the_first_report(desk):
    at, store = desk
    # the demo has an abduction reported near Alindao that day: a call about it is the same incident
    _widget(at, "selectbox", "intake_category").select("abduction")
    _widget(at, "text_input", "intake_reported").input("2018-11-14 10:00")
    _widget(at, "selectbox", "intake_place").select("Alindao")
    _submit(at)
    alerts = store.read("alerts")
    new = alerts[alerts["import_id"] == alerts["import_id"].max()].iloc[0]
    first = new["duplicate_of"]
    assert isinstance(first, str) and first in set(alerts["id"])
    [ok] = _cards(at, "ew-intake-ok")
    assert "linked as a duplicate of " + first.replace("-", "&#45;") in ok and "not in the triage queue" in ok
    # the first report was verified: it is not in the queue, and the page says so rather than open another
    assert alerts.loc[alerts["id"] == first, "verification"].iloc[0] != "unverified"
    assert not [b for b in at.button if b.key == "intake_to_triage"]
    assert any(c.value.startswith("The first report, " + first + ", is not in the triage queue") for c in at.caption)


def load_desk_secret() -> bytes:
    """The secret the desk pseudonymises with (the test environment's, as import_files loads it)."""
    from ewarning.config import secret_file
    from ewarning.security import load_secret

    return load_secret(secret_file())


def test_the_page_shows_the_importers_reasons_escaped_and_keeps_what_was_typed(desk):
    at, store = desk
    n = {t: len(store.read(t)) for t in ("alerts", "quarantine", "imports")}
    _widget(at, "selectbox", "intake_category").select("looting")
    _widget(at, "text_input", "intake_reported").input("2018-11-14 10:00")
    _widget(at, "text_input", "intake_lat").input("<img src=x onerror=alert(1)>")
    _widget(at, "text_input", "intake_lon").input("21.2")
    _widget(at, "text_input", "intake_reporter").input(PHONE)
    _submit(at)
    [error] = _cards(at, "ew-intake-error")
    assert "<img" not in error   # no tag survives, and no Markdown either (brackets as character references)
    assert "lat: &#39;&#60;img src=x onerror=alert&#40;1&#41;&#62;&#39; is not a number" in error
    assert {t: len(store.read(t)) for t in ("alerts", "quarantine", "imports")} == n   # nothing stored
    assert _widget(at, "text_input", "intake_reporter").value == PHONE   # kept to correct, never shown
    assert PHONE not in error


def test_an_entry_refused_between_the_check_and_the_write_is_kept_in_the_quarantine(store, monkeypatch):
    """A colleague stores the very same report meanwhile: the write refuses it, as an import would."""
    real = intake.importing._import_tables
    calls = []

    def colleague_first(*args, **kwargs):
        calls.append(args[6])   # dry_run
        if args[6] is False and len(calls) == 2:
            colleague = (*args[:10], {path: "intake-colleague" for path in args[10]})
            real(*colleague, **kwargs)   # the same row, entered and stored first by someone else
        return real(*args, **kwargs)

    monkeypatch.setattr(intake.importing, "_import_tables", colleague_first)
    result = intake.enter_alert(store, _typed(), user=USER, secret=SECRET, now=NOW)
    assert not result.stored and result.reasons[0].endswith("is already in the store")
    assert len(store.read("alerts")) == 1 and len(store.read("quarantine")) == 1
    assert "kept in the quarantine" in result.reasons[-1]
