"""Column mapping (#9): every column found is reported, mapped from its name and content, or by the user.

The bug report: a CSV with ``Report ID``, ``Date of incident``, ``Type`` and
``Reporter phone`` columns had them dropped without a word (ids regenerated,
no occurred time, no reporter key) and every row quarantined as
``category: missing``, with no list of the columns found.

Each test writes a small file to ``tmp_path``, imports it into a fresh store
and asserts exactly what is stored, quarantined and noted.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
import sqlite3
import unicodedata

import pandas as pd
import pytest

from tests.signin import signed_in_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ewarning.importing import import_files
from ewarning.io import mapping
from ewarning.store import open_store
from tests.cli_runner import run_main

NOW = pd.Timestamp("2024-01-01", tz="UTC")
PHONES = ("+236 70 12 34 56", "+236 75 98 76 54")

BUG = ("Report ID,Date of incident,Type,Latitude,Longitude,Killed,Reporter phone,Village\n"
       f"CAR-0001,2018-11-14,Killing,5.0365,21.2170,3,{PHONES[0]},Alindao\n"
       f"CAR-0002,2018-11-15,armed attack,5.0400,21.2100,\"1,200\",{PHONES[1]},Alindao\n"
       f"CAR-0003,2018-11-15,picnic,5.0410,21.2120,0,{PHONES[0]},Alindao\n")

FRENCH = ("N° rapport;Date de l'incident;Date du rapport;Catégorie;Lat;Long;Tués;Blessés;Canal;Téléphone\n"
          f"FR-1;14/11/2018;15/11/2018;Meurtre;5,0365;21,2170;1 200;4;Téléphone;{PHONES[0]}\n"
          f"FR-2;15/11/2018;15/11/2018;pillage;5,0400;21,2100;0;0;SMS;{PHONES[1]}\n")


def _import(tmp_path, name: str, text: str, **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k", now=NOW, **kw)
    return store, report


def _columns(report) -> dict[str, tuple[str, str | None]]:
    return {c.header: (c.action, c.target) for c in report.columns}


def _every_cell(db) -> str:
    """Every value of every table of the store file, as text (settings, logs and layers alike)."""
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        cells = []
        for name in names:
            for row in con.execute(f'SELECT * FROM "{name}"'):
                cells.extend(str(v) for v in row)
        return "\n".join(cells)
    finally:
        con.close()


def _phone_absent(tmp_path, *also: str) -> None:
    blob = (tmp_path / "s.gpkg").read_bytes()
    cells = _every_cell(tmp_path / "s.gpkg")
    for phone in PHONES:
        digits = "".join(c for c in phone if c.isdigit())
        for form in (phone, phone[5:], digits, digits[3:]):
            assert form not in cells and form.encode() not in blob
            for text in also:
                assert form not in text


# -- 1. the bug report's file ------------------------------------------------------------------------------------


def test_bug_report_file_keeps_ids_times_reporter_and_category(tmp_path):
    store, report = _import(tmp_path, "hotline.csv", BUG)
    assert report.status == "imported", report.summary()
    assert (report.n_read, report.n_stored, report.n_quarantined) == (3, 2, 1)
    stored = store.read("alerts").sort_values("id")
    assert stored["id"].tolist() == ["CAR-0001", "CAR-0002"]  # ids kept, not regenerated
    assert stored["occurred_at"].dt.strftime("%Y-%m-%d").tolist() == ["2018-11-14", "2018-11-15"]
    assert stored["category"].tolist() == ["killing", "armed_attack"]  # read from 'Type'
    assert stored["killed"].tolist() == [3, 1200]
    keys = stored["reporter_key"].tolist()
    assert all(k.startswith("R-") and len(k) == 14 for k in keys) and keys[0] != keys[1]
    assert report.quarantine["source_row"].tolist() == [3]
    [reason] = report.quarantine["reason"]
    assert reason.startswith("category: unknown value 'picnic' (expected one of: killing, armed_attack")
    # the quarantined row keeps the same reporter's key (never the number), for repair and the burst control
    raw = json.loads(report.quarantine["raw"].iloc[0])
    assert raw["reporter"] == keys[0] and raw["id"] == "CAR-0003" and raw["category"] == "picnic"
    assert any("thousands separators" in n and "'1,200' as 1200" in n for n in report.notes)
    assert _columns(report) == {
        "Report ID": ("read", "id"), "Date of incident": ("read", "occurred_at"), "Type": ("read", "category"),
        "Latitude": ("read", "lat"), "Longitude": ("read", "lon"), "Killed": ("read", "killed"),
        "Reporter phone": ("reporter", "reporter"), "Village": ("not read", None)}
    why = {c.header: c.why for c in report.columns}
    assert why["Type"] == "its values: 2 of 3 are incident categories"
    assert why["Report ID"] == "its name"
    summary = report.summary()
    for header in ("Report ID", "Date of incident", "Type", "Reporter phone", "Village"):
        assert f"'{header}'" in summary
    assert "'Reporter phone' pseudonymised as the reporter key" in summary
    assert "'Village' not read: no alerts column of that name" in summary
    _phone_absent(tmp_path, summary, "\n".join(report.notes))


def test_french_headers_semicolons_and_decimal_commas(tmp_path):
    store, report = _import(tmp_path, "rapports.csv", FRENCH)
    assert (report.status, report.n_stored, report.n_quarantined) == ("imported", 2, 0), report.summary()
    got = store.read("alerts").sort_values("id")
    assert got["id"].tolist() == ["FR-1", "FR-2"]
    assert got["occurred_at"].dt.strftime("%Y-%m-%d").tolist() == ["2018-11-14", "2018-11-15"]
    assert got["reported_at"].dt.strftime("%Y-%m-%d").tolist() == ["2018-11-15", "2018-11-15"]
    assert got["category"].tolist() == ["killing", "looting"]
    assert got["killed"].tolist() == [1200, 0] and got["injured"].tolist() == [4, 0]
    assert got["channel"].tolist() == ["can_call", "can_sms"]
    assert got.geometry.y.round(4).tolist() == [5.0365, 5.04]
    assert got["reporter_key"].str.match(r"^R-[0-9a-f]{12}$").all()
    assert _columns(report) == {
        "N° rapport": ("read", "id"), "Date de l'incident": ("read", "occurred_at"),
        "Date du rapport": ("read", "reported_at"), "Catégorie": ("read", "category"), "Lat": ("read", "lat"),
        "Long": ("read", "lon"), "Tués": ("read", "killed"), "Blessés": ("read", "injured"),
        "Canal": ("read", "channel"), "Téléphone": ("reporter", "reporter")}
    _phone_absent(tmp_path, report.summary())


@pytest.mark.parametrize("header,target", [
    ("Report ID", "id"), ("N° rapport", "id"), ("Nº du rapport", "id"), ("Date of incident", "occurred_at"),
    ("Date de l'incident", "occurred_at"), ("DATE_INCIDENT", "occurred_at"), ("Date reported", "reported_at"),
    ("date du rapport", "reported_at"), ("Type d'incident", "category"), ("Catégorie", "category"),
    ("Latitude", "lat"), ("Lat", "lat"), ("Longitude", "lon"), ("Long", "lon"), ("Killed", "killed"),
    ("Tués", "killed"), ("Morts", "killed"), ("Injured", "injured"), ("Blessés", "injured"),
    ("Channel", "channel"), ("Canal", "channel"), ("Reporter phone", "reporter"), ("Téléphone", "reporter")])
def test_header_spellings(header, target):
    assert mapping.target_for_name(header) == target


def test_type_is_category_only_when_its_values_say_so(tmp_path):
    # 'Type' holds no categories here: it is not taken as the category, and the file says which columns it has
    text = ("Report ID,Date of incident,Type,Latitude,Longitude\n"
            "X1,2018-11-14,foot,5.03,21.21\nX2,2018-11-15,vehicle,5.04,21.20\n")
    _, report = _import(tmp_path, "odd.csv", text)
    assert report.status == "refused"
    assert "cannot tell which layer" in report.reason
    assert ("columns found: 'Report ID' (id), 'Date of incident' (occurred_at), 'Type' (not category: 0 of 2 "
            "values are incident categories), 'Latitude' (lat), 'Longitude' (lon)") in report.summary()
    assert "--map 'COLUMN=category'" in report.summary()


def test_a_column_of_categories_is_found_by_its_values(tmp_path):
    text = ("id,occurred_at,lat,lon,Evt\nE1,2018-11-14,5.03,21.21,meurtre\nE2,2018-11-15,5.04,21.20,looting\n")
    store, report = _import(tmp_path, "evt.csv", text)
    assert (report.n_stored, report.n_quarantined) == (2, 0), report.summary()
    assert sorted(store.read("alerts")["category"]) == ["killing", "looting"]
    [evt] = [c for c in report.columns if c.header == "Evt"]
    assert (evt.action, evt.target, evt.why) == ("read", "category", "its values: 2 of 2 are incident categories")


def test_identity_columns_and_unknown_columns_are_listed(tmp_path):
    text = ("id,occurred_at,lat,lon,category,Nom,Village,field_9,Téléphone\n"
            f"N1,2018-11-14,5.03,21.21,killing,Jean Mbali,Alindao,jean@example.org,{PHONES[0]}\n")
    _, report = _import(tmp_path, "n.csv", text)
    got = _columns(report)
    assert got["Nom"] == ("dropped", None) and got["field_9"] == ("dropped", None)
    assert got["Téléphone"] == ("reporter", "reporter")
    assert got["Village"] == ("not read", None)
    why = {c.header: c.why for c in report.columns}
    assert why["Nom"] == "identifies people (its name)"
    assert why["field_9"] == "identifies people (holds e-mail addresses)"
    assert "'Nom' dropped: identifies people (its name)" in report.summary()
    assert "Jean" not in _every_cell(tmp_path / "s.gpkg")


def test_a_column_named_like_an_id_but_holding_phone_numbers_is_no_id(tmp_path):
    text = (f"Report ID,occurred_at,lat,lon,category\n{PHONES[0]},2018-11-14,5.03,21.21,killing\n"
            f"{PHONES[1]},2018-11-15,5.04,21.20,arson\n")
    store, report = _import(tmp_path, "ids.csv", text)
    assert report.n_stored == 2, report.summary()
    assert store.read("alerts")["id"].str.match(r"^A-[0-9a-f]{12}$").all()  # generated, never the number
    [col] = [c for c in report.columns if c.header == "Report ID"]
    assert col.action == "reporter"  # the only identity in the file: it keys the reporter, pseudonymised
    _phone_absent(tmp_path, report.summary(), "\n".join(report.notes))


# -- 2. the user's mapping: --map, the page, saved per source ---------------------------------------------------

JOUR = "Ref,Jour,Quoi,lat,lon\nJ1,2018-11-14,killing,5.03,21.21\nJ2,2018-11-15,arson,5.04,21.20\n"


def test_cli_map_overrides_the_proposal_on_validate_and_import(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWARNING_SECRET", "k")
    monkeypatch.setenv("EWARNING_USER", "analyst")
    path = tmp_path / "jour.csv"
    path.write_text(JOUR, encoding="utf-8")
    db = tmp_path / "s.gpkg"
    # without a mapping: 'Jour' is not read, every row lacks a time, and the output says what each column was
    plain = run_main(capsys, "validate", path, "--store", db)
    assert "'Jour' not read: no alerts column of that name" in plain.stdout
    assert "reported_at/occurred_at: give at least one of the two times" in plain.stdout
    checked = run_main(capsys, "validate", path, "--store", db, "--map", "Jour=occurred_at", "--map", "Ref = id")
    assert checked.returncode == 0, checked.stdout
    assert "alerts: 2 read, 2 valid, 0 quarantined" in checked.stdout
    assert "'Jour' read as occurred_at (--map)" in checked.stdout and "'Ref' read as id (--map)" in checked.stdout
    done = run_main(capsys, "import", path, "--store", db, "--map", "Jour=occurred_at", "--map", "Ref=id")
    assert done.returncode == 0 and "alerts: 2 read, 2 stored, 0 quarantined" in done.stdout, done.stdout
    stored = open_store(db).read("alerts").sort_values("id")
    assert stored["id"].tolist() == ["J1", "J2"]
    assert stored["occurred_at"].dt.strftime("%Y-%m-%d").tolist() == ["2018-11-14", "2018-11-15"]


def test_cli_map_refuses_a_wrong_target_with_the_valid_names(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWARNING_SECRET", "k")
    path = tmp_path / "jour.csv"
    path.write_text(JOUR, encoding="utf-8")
    for command in ("validate", "import"):
        bad = run_main(capsys, command, path, "--store", tmp_path / "s.gpkg", "--map", "Jour=occured_at")
        assert bad.returncode == 2
        said = bad.stdout + bad.stderr
        assert "--map 'Jour=occured_at': unknown column 'occured_at'" in said
        assert "id, reported_at, occurred_at, lat, lon, category" in said and "ignore" in said
        worse = run_main(capsys, command, path, "--store", tmp_path / "s.gpkg", "--map", "Jour")
        assert worse.returncode == 2 and "--map 'Jour': write COLUMN=TARGET" in worse.stdout + worse.stderr
    assert open_store(tmp_path / "s.gpkg").counts()["alerts"] == 0


def test_map_ignore_and_a_header_not_in_the_file(tmp_path):
    text = "id,occurred_at,lat,lon,category,Village\nV1,2018-11-14,5.03,21.21,killing,Alindao\n" \
           "V2,2018-11-14,95,21.21,killing,Alindao\n"
    _, report = _import(tmp_path, "v.csv", text, mapping={"Village": "ignore", "Quartier": "text"})
    assert _columns(report)["Village"] == ("ignored", None)
    assert "'Village' ignored (your mapping)" in report.summary()
    assert "mapping: no column 'Quartier' in this file" in report.notes
    assert "Alindao" not in report.quarantine["raw"].iloc[0]  # an ignored column is not kept anywhere


def test_an_identity_column_is_never_mapped_into_clear(tmp_path):
    text = (f"id,occurred_at,lat,lon,category,Téléphone,field_9\n"
            f"T1,2018-11-14,5.03,21.21,killing,{PHONES[0]},{PHONES[1]}\n")
    store, report = _import(tmp_path, "t.csv", text, mapping={"Téléphone": "text", "field_9": "id"})
    assert report.n_stored == 1, report.summary()
    assert ("mapping: 'Téléphone' not read as text: it identifies people (its name); it can only be the "
            "reporter (pseudonymised) or ignored") in report.notes
    assert ("mapping: 'field_9' not read as id: it identifies people (holds phone numbers); it can only be the "
            "reporter (pseudonymised) or ignored") in report.notes
    assert store.read("alerts")["id"].tolist() == ["T1"]
    _phone_absent(tmp_path, report.summary(), "\n".join(report.notes))


def test_source_key_strips_dates_and_digits():
    assert mapping.source_key("weekly_2018-11-14.csv") == mapping.source_key("weekly_2018-11-21.csv") == \
        "mapping:weekly"
    assert mapping.source_key("Rapport hebdo 14.11.2018.xlsx") == "mapping:rapport_hebdo"
    assert mapping.source_key("2018-11-14.csv") is None


def test_a_saved_mapping_is_used_for_the_next_file_of_the_source(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWARNING_SECRET", "k")
    monkeypatch.setenv("EWARNING_USER", "analyst")
    db = tmp_path / "s.gpkg"
    week1 = tmp_path / "weekly_2018-11-14.csv"
    week1.write_text(JOUR, encoding="utf-8")
    first = run_main(capsys, "import", week1, "--store", db, "--map", "Jour=occurred_at")
    assert first.returncode == 0 and "2 stored" in first.stdout, first.stdout
    store = open_store(db)
    [import_id] = store.read("imports")["fid"].tolist()
    saved = json.loads(store.get_setting("mapping:weekly"))
    assert saved["columns"] == {"Jour": "occurred_at"} and saved["import_id"] == import_id
    assert f"mapping saved for the files of this source (import #{import_id})" in first.stdout
    week2 = tmp_path / "weekly_2018-11-21.csv"
    week2.write_text(JOUR.replace("J1", "J3").replace("J2", "J4").replace("2018-11-1", "2018-11-2"),
                     encoding="utf-8")
    # the validate command previews with it too, and the import uses it in one step
    checked = run_main(capsys, "validate", week2, "--store", db)
    assert f"mapping saved from import #{import_id} used" in checked.stdout
    [report] = import_files(store, [week2], user="analyst", secret=b"k", now=NOW)
    assert (report.n_stored, report.n_quarantined) == (2, 0), report.summary()
    assert f"mapping saved from import #{import_id} used" in report.notes
    assert {c.header: c.why for c in report.columns}["Jour"] == f"mapping saved from import #{import_id}"
    assert sorted(store.read("alerts")["id"]) == ["J1", "J2", "J3", "J4"]
    # another source is not touched by it
    other = tmp_path / "daily_2018-11-21.csv"
    other.write_text(JOUR.replace("J1", "D1").replace("J2", "D2"), encoding="utf-8")
    [report] = import_files(store, [other], user="analyst", secret=b"k", now=NOW, dry_run=True)
    assert report.n_quarantined == 2 and not any("mapping saved" in n for n in report.notes)


# -- 3. property: header spellings and thousands separators ----------------------------------------------------

SPELLINGS = {
    "id": ["Report ID", "N° rapport", "report_id", "Numéro du rapport"],
    "occurred_at": ["Date of incident", "Date de l'incident", "Date incident", "date_of_incident"],
    "category": ["Type", "Type d'incident", "Catégorie", "Category"],
    "lat": ["Latitude", "Lat"],
    "lon": ["Longitude", "Long"],
    "killed": ["Killed", "Tués", "Morts"],
    "injured": ["Injured", "Blessés"],
    "reporter": ["Reporter phone", "Téléphone"],
}
CATEGORY_WORDS = {"killing": "killing", "Meurtre": "killing", "pillage": "looting", "Armed attack": "armed_attack",
                  "arson": "arson"}


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@st.composite
def spelling(draw, target):
    name = draw(st.sampled_from(SPELLINGS[target]))
    case = draw(st.sampled_from([str, str.lower, str.upper, str.title]))
    name = case(name)
    if draw(st.booleans()):
        name = _strip_accents(name)
    if draw(st.booleans()):
        name = name.replace(" ", "_")
    return draw(st.sampled_from(["", " "])) + name + draw(st.sampled_from(["", "  "]))


def _grouped(n: int, sep: str) -> str:
    digits = str(n)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join(groups)


@st.composite
def files(draw):
    headers = {t: draw(spelling(t)) for t in SPELLINGS}
    n = draw(st.integers(min_value=1, max_value=6))
    rows = []
    for i in range(n):
        killed = draw(st.integers(min_value=0, max_value=2_500_000))
        sep = draw(st.sampled_from(["", ",", " ", "\u00a0", "\u202f", "'"]))
        rows.append({"id": f"P-{i}", "occurred_at": f"2018-11-{10 + i:02d}",
                     "category": draw(st.sampled_from(sorted(CATEGORY_WORDS))),
                     "lat": f"{4.5 + i / 10:.4f}", "lon": f"{20.5 + i / 10:.4f}",
                     "killed": _grouped(killed, sep), "injured": str(draw(st.integers(0, 50))),
                     "reporter": f"+236 7{i} 00 11 {i:02d}", "_killed": killed})
    order = draw(st.permutations(list(SPELLINGS)))
    return headers, order, rows


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files())
def test_any_header_spelling_and_thousands_separator(tmp_path_factory, drawn):
    import csv
    import io

    headers, order, rows = drawn
    tmp = tmp_path_factory.mktemp("prop")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([headers[t] for t in order])
    for row in rows:
        writer.writerow([row[t] for t in order])
    path = tmp / "f.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    store = open_store(tmp / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k", now=NOW)
    assert report.status == "imported", report.summary()
    assert report.n_stored + report.n_quarantined == report.n_read == len(rows)
    counts = store.counts()
    assert (counts["alerts"], counts["quarantine"]) == (report.n_stored, report.n_quarantined)
    got = {c.header: c.target for c in report.columns}
    assert got == {headers[t].strip(): t for t in order}, report.summary()
    stored = store.read("alerts").set_index("id")
    for row in rows:
        if row["id"] in stored.index:
            s = stored.loc[row["id"]]
            assert s["killed"] == row["_killed"] and s["category"] == CATEGORY_WORDS[row["category"]]
            assert s["occurred_at"].strftime("%Y-%m-%d") == row["occurred_at"]
            assert s["reporter_key"].startswith("R-")
        else:
            reason = report.quarantine.set_index("source_row")["reason"]
            assert len(reason) and reason.str.len().gt(0).all()
    separated = [r for r in rows if not r["killed"].isdigit() and r["id"] in stored.index]
    if separated:  # a value read with a separator is never changed without a note
        assert any("thousands separators" in n for n in report.notes), report.notes
    cells = _every_cell(tmp / "s.gpkg")
    for row in rows:
        assert row["reporter"] not in cells and row["reporter"].replace(" ", "")[4:] not in cells


# -- 4. the Data page's mapping step ----------------------------------------------------------------------------

PAGE_FILE = ("N° rapport;Date de l'incident;Catégorie;Lat;Long;Canal;<b>Quartier</b>;Téléphone\n"
             f"PG-1;14/11/2018;Meurtre;5,0365;21,2170;SMS;Centre;{PHONES[0]}\n"
             f"PG-2;15/11/2018;pillage;5,0400;21,2100;SMS;Nord;{PHONES[1]}\n")


def test_data_page_mapping_step(demo_store, tmp_path, monkeypatch):
    import shutil

    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "joc.gpkg"
    shutil.copyfile(demo_store, db)
    monkeypatch.setenv("EWARNING_STORE", str(db))
    monkeypatch.setenv("EWARNING_USER", "ana")
    monkeypatch.setenv("EWARNING_TILES", "")
    at = signed_in_app(timeout=90)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.get("file_uploader")[0].set_value([("rapports_2018-11-15.csv", PAGE_FILE.encode(), "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = {b.key: b for b in at.selectbox if b.key.startswith("data_map_0_")}
    values = [boxes[f"data_map_0_{j}"].value for j in range(len(boxes))]
    assert values == ["id", "occurred_at", "category", "lat", "lon", "channel", "(not read)", "reporter"]
    assert boxes["data_map_0_7"].options == ["reporter", "ignore"]  # an identity is the key or nothing
    page = "\n".join(m.value for m in at.markdown)
    assert "<b>Quartier" not in page and "<b>Quartier</b>" in html.unescape(page)
    assert "its name" in page and "pseudonymised" in page
    boxes["data_map_0_5"].set_value("ignore").run()      # the analyst leaves 'Canal' out
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 stored" in s.value for s in at.success), [s.value for s in at.success]
    page = "\n".join(m.value for m in at.markdown)
    assert "<table class='ew-map-table'>" in page and "ignored (your choice on this page)" in html.unescape(page)
    store = open_store(db)
    got = store.read("alerts").set_index("id").loc[["PG-1", "PG-2"]]
    assert got["channel"].tolist() == ["unknown", "unknown"] and got["category"].tolist() == ["killing", "looting"]
    assert json.loads(store.get_setting("mapping:rapports"))["columns"] == {"Canal": "ignore"}
    for phone in PHONES:
        assert phone not in page and phone[5:] not in _every_cell(db)


def test_data_page_maps_a_column_it_could_not_name_then_imports(demo_store, tmp_path, monkeypatch):
    import shutil

    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "joc.gpkg"
    shutil.copyfile(demo_store, db)
    monkeypatch.setenv("EWARNING_STORE", str(db))
    monkeypatch.setenv("EWARNING_USER", "ana")
    monkeypatch.setenv("EWARNING_TILES", "")
    at = signed_in_app(timeout=90)
    at.run()
    at.switch_page("app_pages/data.py").run()
    text = "Ref,Jour,Quoi,lat,lon\nQ1,2018-11-14,massacre,5.03,21.21\nQ2,2018-11-15,house burning,5.04,21.20\n"
    at.get("file_uploader")[0].set_value([("sitrep.csv", text.encode(), "text/csv")]).run()
    page = html.unescape("\n".join(m.value for m in at.markdown))
    assert "sitrep.csv: alerts: 2 read, 0 valid, 2 quarantined" in page  # the preview: no time read yet
    assert "its values: 2 of 2 are incident categories" in page
    boxes = [b for b in at.selectbox if b.key.startswith("data_map_0_")]
    assert [b.value for b in boxes] == ["id", "(not read)", "category", "lat", "lon"]
    boxes[1].set_value("occurred_at").run()
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 stored" in s.value for s in at.success), [s.value for s in at.success]
    store = open_store(db)
    got = store.read("alerts").set_index("id").loc[["Q1", "Q2"]]
    assert got["category"].tolist() == ["killing", "arson"]
    assert got["occurred_at"].dt.strftime("%Y-%m-%d").tolist() == ["2018-11-14", "2018-11-15"]
    assert json.loads(store.get_setting("mapping:sitrep"))["columns"] == {"Jour": "occurred_at"}


def test_the_preview_of_a_file_it_cannot_place_offers_every_target(tmp_path):
    from ewarning.importing import preview_mapping

    path = tmp_path / "odd.csv"
    path.write_text("Ref,Jour,Kind,lat,lon\nX1,2018-11-14,foot,5.03,21.21\n", encoding="utf-8")
    report = preview_mapping(open_store(tmp_path / "s.gpkg"), path, secret=b"k")
    assert report.status == "refused"
    assert [(c.header, c.action, c.target) for c in report.columns] == [
        ("Ref", "read", "id"), ("Jour", "not read", None), ("Kind", "read", "kind"), ("lat", "read", "lat"),
        ("lon", "read", "lon")]
    options = mapping.choices(report.columns[2], None)
    assert options[0] == "kind" and {"category", "occurred_at", "ignore"} <= set(options)
    # the page's choice makes it alerts: read as such
    [done] = import_files(open_store(tmp_path / "s.gpkg"), [path], user="analyst", secret=b"k", now=NOW,
                          mapping={"Jour": "occurred_at", "Kind": "category"})
    assert done.status == "imported" and done.n_quarantined == 1
    assert done.quarantine["reason"].iloc[0].startswith("category: unknown value 'foot'")


def test_a_phone_number_typed_as_a_header_is_never_repeated(tmp_path):
    text = f"id,occurred_at,lat,lon,category,{PHONES[0]}\nH1,2018-11-14,5.03,21.21,killing,x\n"
    _, report = _import(tmp_path, "h.csv", text, mapping={"Village": "text"})
    assert report.status == "imported", report.summary()
    _phone_absent(tmp_path, report.summary(), "\n".join(report.notes), *(c.label for c in report.columns))


def test_every_older_alias_is_still_a_spelling_and_the_targets_are_the_layers_columns():
    from ewarning import alerts, patrols, presence, sites
    from ewarning.importing import OWN_COLUMNS
    from ewarning.io.own import ALIASES

    assert {k: mapping.target_for_name(k) for k in ALIASES} == ALIASES
    for layer in ("alerts", "sites", "presence", "patrols", "patrol_points"):
        # what the validators read from a file (origin and duplicate_of they set themselves)
        assert set(mapping.TARGETS[layer]) == OWN_COLUMNS[layer] - {"geometry", "origin", "duplicate_of"}, layer
    assert set(mapping.TARGETS["alerts"]) == (set(alerts.COLUMNS) - {"reporter_key", "origin", "duplicate_of"}) | {
        "lat", "lon", "reporter"}
    assert set(sites.COLUMNS) < set(mapping.TARGETS["sites"]) and set(presence.COLUMNS) < set(
        mapping.TARGETS["presence"]) and set(patrols.COLUMNS) == set(mapping.TARGETS["patrols"])
