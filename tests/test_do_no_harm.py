"""Source protection and "lose nothing" rules around the import, each from a reproduced bug.

- the "already a key" check is exact: a genuine key is kept, ``R-Jean`` is hashed;
- generated ids are keyed: from the store alone a reporter's phone cannot be
  recovered by hashing guesses;
- identity columns are found by name (English, French, accents, case) and by
  content, in valid and quarantined rows alike, and the import says which;
- free text is scrubbed of phone numbers, e-mail addresses and handles, with
  the count in the summary;
- one failing file costs that file only: the batch goes on and reports each;
- re-importing a file adds nothing (no second quarantine);
- several imports creating a new store at the same moment all succeed;
- the desk escapes text once (an apostrophe is an apostrophe).
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ewarning import identities
from ewarning.importing import import_files
from ewarning.security import is_key, pseudonymise
from ewarning.store import open_store

ROOT = Path(__file__).resolve().parent.parent
NOW = pd.Timestamp("2025-01-01", tz="UTC")


def test_a_genuine_key_is_kept_and_a_lookalike_is_hashed():
    [key] = pseudonymise(pd.Series(["+236 70 12 34 56"]), b"s")
    assert is_key(key)
    assert pseudonymise(pd.Series([key]), b"s")[0] == key  # a key is not hashed again
    for lookalike in ["R-Jean-Pierre", "R-Jean Dupont", "R-ABCDEF123456", "R-0123456789ab7", "r-0123456789ab"]:
        assert not is_key(lookalike)
        hashed = pseudonymise(pd.Series([lookalike]), b"s")[0]
        assert hashed != lookalike and is_key(hashed)


def test_generated_ids_do_not_let_anyone_test_a_guess(tmp_path):
    """The audit's attack: hash candidate phone numbers with the row's other values, compare to the id."""
    phone = "+236 70 12 34 56"
    row = ["4.79", "20.68", "killing", "2018-11-15", "shots fired"]
    path = tmp_path / "a.csv"
    path.write_text("lat,lon,category,occurred_at,text,reporter\n" + ",".join(row + [phone]) + "\n")
    store = open_store(tmp_path / "s.gpkg")
    import_files(store, [path], user="analyst", secret=b"mission-secret", now=NOW)
    [stored_id] = store.read("alerts")["id"]
    candidates = [f"+236 70 12 {a:02d} {b:02d}" for a in range(100) for b in range(100)]
    assert phone in candidates
    unkeyed = {"A-" + hashlib.sha1("\x1f".join(row + [c]).encode()).hexdigest()[:12] for c in candidates}
    assert stored_id not in unkeyed
    # Keyed: another secret gives another id, the same secret the same id (re-imports stay stable).
    other = open_store(tmp_path / "t.gpkg")
    import_files(other, [path], user="analyst", secret=b"another-secret", now=NOW)
    again = open_store(tmp_path / "u.gpkg")
    import_files(again, [path], user="analyst", secret=b"mission-secret", now=NOW)
    assert other.read("alerts")["id"].item() != stored_id == again.read("alerts")["id"].item()


@pytest.mark.parametrize("name", [
    "phone", "PHONE", "Téléphone", "telephone", "Numéro de téléphone", "numero_de_telephone", "Tel.", "mobile",
    "Cell phone", "msisdn", "Caller", "caller_id", "callerId", "WhatsApp number", "Telegram", "e-mail",
    "Courriel", "Nom", "Prénom", "nom_complet", "Full Name", "reporter", "Rapporteur", "Informateur",
    "Informant name", "source_name", "Point focal", "Signalé par", "_submitted_by", "grp_contact/phone",
    "Enquêteur", "username", "Compte Facebook", "pseudo",
])
def test_identity_columns_are_found_by_name(name):
    assert identities.identity_rank(name) is not None


@pytest.mark.parametrize("name", ["lat", "Latitude", "village", "Village name", "category", "date", "killed",
                                  "population", "Report ID", "channel", "severity", "location_precision",
                                  "site", "event_type", "admin1", "text", "description", "notes"])
def test_ordinary_columns_are_not_identities(name):
    assert identities.identity_rank(name) is None


@pytest.mark.parametrize("value,kind", [
    ("+236 70 12 34 56", "phone"), ("0023670123456", "phone"), ("70 12 34 56", "phone"), ("70.12.34.56", "phone"),
    ("(+236) 75-00-00-01", "phone"), ("jean.b@example.org", "e-mail"), ("@focal_point_12", "handle"),
])
def test_identity_shapes_in_text(value, kind):
    text, found = identities.scrub_text(f"Called from {value} yesterday")
    assert found == {kind: 1} and value not in text and identities.PLACEHOLDERS[kind] in text


@pytest.mark.parametrize("value", ["2018-11-15", "2018-11-15 14:30:00", "15/11/2018", "15.11.2018", "4.791234",
                                   "4.791234 20.682112", "12 000 displaced", "1543000000.5", "severity 5",
                                   "A-0123456789ab", "18,000", "error E-20317465", "CAF-20181115"])
def test_dates_numbers_and_coordinates_are_not_phone_numbers(value):
    assert identities.scrub_text(value) == (value, {})


def test_identities_are_pseudonymised_or_dropped_and_the_import_says_which(tmp_path):
    path = tmp_path / "hotline.csv"
    path.write_text("lat,lon,category,occurred_at,Téléphone du rapporteur,Nom,field_9,text\n"
                    "4.79,20.68,killing,2018-11-15,+236 70 11 22 33,Jean Kpama,ana@ngo.cf,call +236 70 99 88 77\n"
                    "north,20.68,looting,2018-11-15,+236 70 11 22 44,Marie Zanga,bob@ngo.cf,seen by @marie_z\n",
                    encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    assert (report.n_stored, report.n_quarantined) == (1, 1)
    notes = "\n".join(report.notes)
    # (the canonical CSV reader folds header names to lower case before this step)
    assert "reporter key comes from column 'téléphone_du_rapporteur'" in notes
    assert "'nom' (its name)" in notes and "'field_9' (holds e-mail addresses)" in notes
    assert "1 account handle, 1 phone number removed from report text" in report.summary()
    stored = store.read("alerts")
    assert stored["reporter_key"].item() == pseudonymise(pd.Series(["+236 70 11 22 33"]), b"k")[0]
    assert stored["text"].item() == "call [phone removed]"
    raw = json.loads(store.read("quarantine")["raw"].item())
    assert raw["reporter"] == pseudonymise(pd.Series(["+236 70 11 22 44"]), b"k")[0]
    assert "nom" not in raw and "field_9" not in raw and raw["text"] == "seen by [handle removed]"


def test_a_phone_number_in_the_wrong_column_is_not_quoted_in_the_reason(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("lat,lon,category,occurred_at\n+236 70 11 22 33,20.68,killing,2018-11-15\n")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    [reason] = store.read("quarantine")["reason"]
    assert reason.startswith("lat: '[phone removed]' is not a number") and "70 11 22" not in reason


def test_sites_lose_identity_columns_and_keep_no_reporter(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("site_id,name,kind,population,lat,lon,camp manager phone\n"
                    "S1,Alindao,idp camp,18000,4.79,20.68,+236 70 11 22 33\n")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    assert report.n_stored == 1 and "'camp_manager_phone' (its name)" in "\n".join(report.notes)
    assert b"70 11 22 33" not in (tmp_path / "s.gpkg").read_bytes()


def test_one_failing_file_costs_that_file_only(tmp_path, monkeypatch):
    from ewarning import importing

    original = importing.VALIDATORS["alerts"]

    def flaky(raw, **kw):  # a bug in a later stage than the reader's
        if raw.source == "b.csv":
            raise RuntimeError("validator bug with +236 70 11 22 33 in it")
        return original(raw, **kw)

    monkeypatch.setitem(importing.VALIDATORS, "alerts", flaky)
    paths = []
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.csv"
        path.write_text(f"id,lat,lon,category,occurred_at\n{name.upper()}1,4.79,20.68,killing,2018-11-15\n")
        paths.append(path)
    store = open_store(tmp_path / "s.gpkg")
    reports = import_files(store, paths, user="analyst", secret=b"k", now=NOW)
    assert [r.status for r in reports] == ["imported", "refused", "imported"]
    assert "RuntimeError" in reports[1].reason and "nothing of it was stored" in reports[1].reason
    assert "70 11 22" not in reports[1].reason  # the error's message may quote data: it is not shown
    assert sorted(store.read("alerts")["id"]) == ["A1", "C1"]


def test_reimporting_a_file_adds_nothing(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,lat,lon,category,occurred_at\nA1,4.79,20.68,killing,2018-11-15\nA2,0,0,looting,2018-11-15\n")
    store = open_store(tmp_path / "s.gpkg")
    [first] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    before = store.counts()
    [second] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    assert first.status == "imported" and second.status == "unchanged"
    assert f"import #{first.import_id}" in second.summary() and "nothing stored again" in second.summary()
    assert store.counts() == before  # no second quarantine row, no second log entry
    # The command line says so and succeeds.
    done = subprocess.run([sys.executable, "-m", "ewarning", "import", str(path), "--store", str(tmp_path / "s.gpkg")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "already imported" in done.stdout
    # The same file twice in one batch: stored once.
    again = tmp_path / "copy.csv"
    again.write_bytes(path.read_bytes() + b"A9,4.8,20.7,arson,2018-11-16\n")
    statuses = [r.status for r in import_files(store, [again, again], user="analyst", secret=b"k", now=NOW)]
    assert statuses == ["imported", "unchanged"]
    assert store.counts()["quarantine"] == before["quarantine"] + 2  # A1 (stored) and A2 (0/0) once, not twice
    # A changed file is imported (its stored ids are refused row by row, as before).
    path.write_text(path.read_text() + "A3,4.8,20.7,arson,2018-11-16\n")
    [third] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    assert third.status == "imported" and third.n_stored == 1


def _import_into_new_store(args):
    store_path, folder, i, barrier = args
    from ewarning.importing import import_files
    from ewarning.store import open_store

    path = Path(folder) / f"f{i}.csv"
    path.write_text(f"id,lat,lon,category,occurred_at\nX{i},4.79,20.68,killing,2018-11-15\n")
    barrier.wait()  # every process opens the new store at the same moment
    try:
        [report] = import_files(open_store(store_path), [path], user="analyst", secret=b"k", now=NOW)
        return report.status
    except Exception as exc:  # noqa: BLE001 - what the test reports
        return f"{type(exc).__name__}: {exc}"


def test_a_new_store_is_created_once_when_imports_start_together(tmp_path):
    n = 6
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(n)
        with ctx.Pool(n) as pool:
            statuses = pool.map(_import_into_new_store,
                                [(str(tmp_path / "new.gpkg"), str(tmp_path), i, barrier) for i in range(n)])
    assert statuses == ["imported"] * n
    counts = open_store(tmp_path / "new.gpkg").counts()
    assert counts["alerts"] == n and counts["imports"] == n


def test_a_date_in_brackets_is_not_taken_for_a_phone_number():
    # found by tests/test_reasons.py: the reason "occurred_at: after reported_at (2018-11-16 00:00 > ...)" was
    # stored as "... [phone removed]:00 > ...", losing the date the analyst needs
    text = "occurred_at: after reported_at (2018-11-16 00:00 > 2018-11-15 00:00)"
    assert identities.scrub_text(text) == (text, identities.Counter())
    assert identities.scrub_text("call (236) 7512 3456 now")[0] == "call [phone removed] now"


def test_processes_still_start_after_a_page_ran_in_this_worker(app_store, tmp_path):
    # CI failure of 2026-12-03: an AppTest page left as __main__ was re-run in every spawned child.
    from tests.desk import main_module_kept
    from tests.signin import signed_in_app

    worker_main = sys.modules["__main__"]
    with main_module_kept():
        signed_in_app("lee", script=ROOT / "app_pages" / "briefing.py").run()
        assert getattr(sys.modules["__main__"], "__file__", "").endswith("briefing.py")  # what AppTest leaves
    assert sys.modules["__main__"] is worker_main
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(2)
        with ctx.Pool(2) as pool:
            statuses = pool.map(_import_into_new_store,
                                [(str(tmp_path / "new.gpkg"), str(tmp_path), i, barrier) for i in range(2)])
    assert statuses == ["imported"] * 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_desk_text_is_escaped_exactly_once(value):
    from app_pages.common import text_html

    rendered = text_html(value)
    assert "<" not in rendered.replace("<br>", "") and '"' not in rendered and "'" not in rendered
    assert html.unescape(rendered.replace("<br>", "\n")) == value


def test_an_apostrophe_reads_as_an_apostrophe():
    from app_pages.common import text_html

    assert html.unescape(text_html("l'armée a dit \"non\" & #3")) == "l'armée a dit \"non\" & #3"
    assert "&#x27;" not in html.unescape(text_html("l'armée"))


def test_the_desk_download_leaves_keys_and_free_text_out_unless_asked():
    import geopandas as gpd
    from shapely.geometry import Point

    from ewarning.io.writers import TEXT_WITHHELD, spreadsheet_table

    alerts = gpd.GeoDataFrame({"id": ["A1"], "reporter_key": ["R-0123456789ab"], "text": ["=cmd|' /C calc'!A0"]},
                              geometry=[Point(20.68, 4.79)], crs="EPSG:4326")
    plain = spreadsheet_table(alerts)
    assert list(plain.columns) == ["id", "lat", "lon"]
    full = spreadsheet_table(alerts, include_reporter_key=True, include_text=True)
    assert full["text"].item() == "'=cmd|' /C calc'!A0" and full["reporter_key"].item() == "R-0123456789ab"
    quarantine = pd.DataFrame({"raw": [json.dumps({"lat": "x", "text": "names here"}), json.dumps({"line": "a,b"})]})
    withheld = [json.loads(r) for r in spreadsheet_table(quarantine)["raw"]]
    assert withheld == [{"lat": "x", "text": TEXT_WITHHELD}, {"line": TEXT_WITHHELD}]


def test_two_tables_of_one_layer_in_one_file_share_the_key_check(tmp_path):
    """Found by the hostile-input suite: two sheets with one id made the whole file fail at the store."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "sites"
    for title in ("sites", "sites 2"):
        ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
        ws.append(["site_id", "name", "kind", "population", "lat", "lon"])
        ws.append(["S-1", f"Camp {title}", "idp camp", 1000, 4.79, 20.68])
    wb.save(tmp_path / "two.xlsx")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [tmp_path / "two.xlsx"], user="analyst", secret=b"k", now=NOW)
    assert report.status == "imported" and (report.n_stored, report.n_quarantined) == (1, 1), report.summary()
    assert "is already in the store" in report.quarantine["reason"].item()
    assert store.counts()["sites"] == 1
