"""SMS gateway exports (ewarning.io.sms): RapidPro and FrontlineSMS message CSVs imported as alerts.

The two sample files in tests/data are hand-made, with the columns those tools' message exports have
as far as the project knows them. Each incoming message becomes one alert (channel SMS, reported at the
message time, the message as text, the category from keywords, placed at the first gazetteer town it
names); a message naming no town is quarantined; outgoing messages are not read; the senders' numbers
and names are in no table and no byte of the store.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from ewarning.importing import import_files
from ewarning.io import ReadError, detect_format, read
from ewarning.io.sms import NO_LOCATION, category_of
from ewarning.places import shipped_towns
from ewarning.security import pseudonymise
from ewarning.store import open_store

DATA = Path(__file__).resolve().parent / "data"
RAPIDPRO = DATA / "rapidpro_messages.csv"
FRONTLINE = DATA / "frontlinesms_messages.csv"
SECRET = b"sms-test-secret"
NOW = pd.Timestamp("2018-12-01", tz="UTC")

#: (message time, category, town) of every incoming message of the RapidPro sample that names a town.
RAPIDPRO_STORED = [
    ("2018-11-13 07:42:10", "killing", "Alindao", "+23675000101"),
    ("2018-11-13 09:05:44", "abduction", "Bambari", "+23672000202"),
    ("2018-11-13 11:30:02", "looting", "Kouango", "+23675000303"),
    ("2018-11-14 06:55:31", "arson", "Alindao", "+23675000101"),
    ("2018-11-14 08:20:47", "threat_or_rumour", "Bria", "+23672000606"),          # no keyword: the fallback
    ("2018-11-14 10:03:12", "armed_group_movement", "Ippy", "+23675000707"),     # Sango
    ("2018-11-14 12:40:00", "threat_or_rumour", "Mobaye", "+23672000808"),       # "Rumeur:" wins
]
FRONTLINE_STORED = [
    ("2018-11-12 16:20:03", "armed_group_movement", "Bambari", "+23675001001"),  # names two towns: the first
    ("2018-11-12 18:45:30", "checkpoint_extortion", "Grimari", "+23672001002"),
    ("2018-11-13 05:10:12", "armed_attack", "Kaga-Bandoro", "+23675001003"),
]
NUMBERS = ["+23675000101", "+23672000202", "+23675000303", "+23677000404", "+23672000606", "+23675000707",
           "+23672000808", "+23675001001", "+23672001002", "+23675001003", "+23677001004"]
NAMES = ["Jean-Baptiste", "Point focal Alindao", "Chef de quartier", "CLA Bambari", "Abdel", "Marie"]


@pytest.fixture
def store(tmp_path):
    return open_store(str(tmp_path / "joc.gpkg"))


def _town(name: str) -> tuple[float, float]:
    towns = shipped_towns()
    g = towns[towns["name"] == name].iloc[0].geometry
    return g.x, g.y


def test_exports_are_detected_by_their_columns(tmp_path):
    assert detect_format(RAPIDPRO) == "rapidpro"
    assert detect_format(FRONTLINE) == "frontlinesms"
    renamed = tmp_path / "export.txt"   # the name does not matter
    renamed.write_bytes(RAPIDPRO.read_bytes())
    assert detect_format(renamed) == "rapidpro"
    # a canonical alerts file is not taken for an SMS export
    plain = tmp_path / "alerts.csv"
    plain.write_text("lat,lon,category,occurred_at,text\n4.8,20.7,killing,2018-11-15,hello\n", encoding="utf-8")
    assert detect_format(plain) == "own"


@pytest.mark.parametrize("path, fmt, expected, n_out", [(RAPIDPRO, "rapidpro", RAPIDPRO_STORED, 1),
                                                        (FRONTLINE, "frontlinesms", FRONTLINE_STORED, 1)])
def test_each_incoming_message_is_an_alert(store, path, fmt, expected, n_out):
    (report,) = import_files(store, [path], user="analyst", secret=SECRET, now=NOW)
    assert report.status == "imported", report.summary()
    n_lines = len(pd.read_csv(path))
    assert report.n_read == n_lines - n_out and report.n_stored == len(expected) and report.n_quarantined == 1
    alerts = store.read("alerts").sort_values("reported_at").reset_index(drop=True)
    assert len(alerts) == len(expected)
    for row, (when, category, town, number) in zip(alerts.itertuples(), expected):
        assert row.reported_at == pd.Timestamp(when, tz="UTC")
        assert (row.category, row.channel, row.origin) == (category, "can_sms", fmt)
        assert (row.location_precision, row.verification) == ("village", "unverified")
        assert (row.geometry.x, row.geometry.y) == pytest.approx(_town(town), abs=1e-9), town
        assert row.reporter_key == pseudonymise(pd.Series([number]), SECRET)[0]
        assert row.killed == 0
    source = pd.read_csv(path, dtype=str)
    text_col = "Text" if fmt == "rapidpro" else "Message Content"
    stored_texts = set(alerts["text"])
    for message in source[text_col]:
        if "+236" in message:   # a number inside the message is scrubbed, as on every import
            assert message not in stored_texts
    assert any("[phone removed]" in t for t in stored_texts) == (fmt == "rapidpro")
    # outgoing replies are not reports
    assert not any(t.startswith(("Merci, votre alerte", "Message reçu")) for t in stored_texts)
    assert any("outgoing message(s)" in n and "not read" in n for n in report.notes)


def test_a_message_naming_no_town_is_quarantined_with_the_sender_withheld(store):
    (report,) = import_files(store, [RAPIDPRO], user="analyst", secret=SECRET, now=NOW)
    q = store.read("quarantine")
    assert len(q) == 1
    assert q["reason"].iloc[0] == NO_LOCATION
    assert NO_LOCATION.startswith("location: no location in the message")
    assert int(q["source_row"].iloc[0]) == 5    # the fifth data row of the file
    raw = json.loads(json.loads(q["raw"].iloc[0])["line"])
    assert raw["reporter"] == "[withheld]" and raw["text"].startswith("Rumeurs d'une attaque")
    assert raw["reported_at"] == "2018-11-13 14:12:09"


def test_the_notes_say_what_was_guessed_and_left_out(store):
    (report,) = import_files(store, [RAPIDPRO], user="analyst", secret=SECRET, now=NOW)
    notes = " | ".join(report.notes)
    assert "1 message(s) matched no category keyword and were read as threat_or_rumour" in notes
    assert "identity: column(s) not read, they identify people: 'Name'" in notes
    assert "1 message(s) name no town of the gazetteer" in notes
    assert "read as UTC" in notes
    (report,) = import_files(store, [FRONTLINE], user="analyst", secret=SECRET, now=NOW)
    notes = " | ".join(report.notes)
    assert "1 message(s) name several towns; each was placed at the first town named" in notes
    assert "'Sender Name'" in notes


def test_no_number_or_name_of_a_sender_is_in_the_store(store, tmp_path):
    import_files(store, [RAPIDPRO, FRONTLINE], user="analyst", secret=SECRET, now=NOW)
    spellings = [n for number in NUMBERS for n in (number, number[4:], "+236 " + number[4:6] + " " + number[6:8])]
    spellings += ["+236 72 00 02 02"] + NAMES
    for part in tmp_path.glob("joc.gpkg*"):
        data = part.read_bytes()
        for s in spellings:
            assert s.encode() not in data, (part.name, s)
    with sqlite3.connect(tmp_path / "joc.gpkg") as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                text = " ".join(str(v) for v in row)
                for s in spellings:
                    assert s not in text and s.replace(" ", "") not in text.replace(" ", ""), (table, s)


def test_one_sender_keeps_one_key(store):
    import_files(store, [RAPIDPRO], user="analyst", secret=SECRET, now=NOW)
    alerts = store.read("alerts")
    alindao = alerts[alerts["text"].str.contains("Alindao")]
    assert len(alindao) == 2 and alindao["reporter_key"].nunique() == 1
    assert alerts["reporter_key"].nunique() == 6


@pytest.mark.parametrize("text, category", [
    ("Des hommes armés ont TUÉ trois civils", "killing"),
    ("Killed two people near the market", "killing"),
    ("Enlevement d'un enfant", "abduction"),
    ("They abducted the chief", "abduction"),
    ("Pillage des maisons", "looting"),
    ("Shops looted last night", "looting"),
    ("Incendie du village", "arson"),
    ("Houses burned", "arson"),
    ("Hommes armés vus sur la route", "armed_group_movement"),
    ("Armed men on the road", "armed_group_movement"),
    ("Hommes armés ont incendié le village et tué le chef", "killing"),   # the gravest wins
    ("Rumeur: attaque prévue demain", "threat_or_rumour"),                # a rumour stays a rumour
    ("Menaces contre les déplacés", "displacement"),                      # an event before a threat
    ("Zo ti bira a si", "armed_group_movement"),                          # Sango
    ("mortier", None), ("Tout va bien", None), ("", None),               # whole words only; nothing
])
def test_category_keywords(text, category):
    assert category_of(text) == category


def test_a_file_missing_the_message_column_or_asked_as_another_layer_is_refused(tmp_path):
    bad = tmp_path / "partial.csv"
    bad.write_text("Date,Contact UUID,URN,Direction\n2018-11-13 07:42:10,x,tel:+23675000101,IN\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a RapidPro message export"):
        read(bad, format="rapidpro")
    with pytest.raises(ReadError, match="SMS messages are alerts, not sites"):
        read(RAPIDPRO, layer="sites")


def test_the_same_export_twice_adds_nothing(store):
    import_files(store, [RAPIDPRO], user="analyst", secret=SECRET, now=NOW)
    (again,) = import_files(store, [RAPIDPRO], user="analyst", secret=SECRET, now=NOW)
    assert again.status == "unchanged" and len(store.read("alerts")) == 7
