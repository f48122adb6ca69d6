"""Files as analysts write them: numbers with separators, French words, ACLED history, duplicates.

Each test writes a small hand-made file to ``tmp_path``, imports it into a
fresh store with :func:`ewarning.importing.import_files` (or validates it) and
asserts exactly what is stored, what is quarantined (with which reason) and
what the import notes say.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ewarning import alerts, patrols, presence, sites
from ewarning.importing import import_files
from ewarning.io import RawTable
from ewarning.store import open_store

NOW = pd.Timestamp("2024-01-01", tz="UTC")


def _import(tmp_path, name: str, text: str, **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k", now=NOW, **kw)
    return store, report


def _reasons(report) -> dict[int, str]:
    return dict(zip(report.quarantine["source_row"], report.quarantine["reason"]))


# -- 1. numbers as people write them -------------------------------------------------------------------------


def test_sites_populations_with_thousands_separators_are_read_whole(tmp_path):
    # The bug: "18,000" was stored as 18 without a word, and "18 000" was quarantined.
    text = ("site_id,name,kind,lat,lon,population\n"
            "S1,Alindao Catholic mission,IDP camp,5.04,21.21,\"18,000\"\n"
            "S2,Bambari PK3,IDP camp,5.76,20.67,18 000\n"
            "S3,Bria PK3,IDP camp,6.54,21.98,18\u00a0000\n"       # non-breaking space (Excel in French)
            "S4,Kaga-Bandoro,IDP camp,6.99,19.18,18\u202f000\n"  # narrow no-break space (LibreOffice, Word)
            "S5,Bangui M'Poko,IDP camp,4.39,18.52,\"1,500,000\"\n"
            "S6,Zemio,IDP camp,5.03,25.14,4500\n")
    store, report = _import(tmp_path, "sites.csv", text)
    assert report.status == "imported" and report.quarantine.empty
    stored = store.read("sites").set_index("site_id")["population"]
    assert stored.to_dict() == {"S1": 18000.0, "S2": 18000.0, "S3": 18000.0, "S4": 18000.0, "S5": 1500000.0,
                                "S6": 4500.0}
    assert ("population: 5 value(s) were written with thousands separators and read as whole numbers "
            "(e.g. '18,000' as 18000)") in report.notes


def test_dot_thousands_without_a_locale_is_quarantined_never_guessed(tmp_path):
    # "18.000" is 18 thousand in French and 18 in English: the file says nothing, so it is not guessed.
    text = ("site_id,name,lat,lon,population\n"
            "S1,Alindao,5.04,21.21,18.000\n"
            "S2,Bambari,5.76,20.67,4500\n")
    store, report = _import(tmp_path, "sites.csv", text)
    assert store.read("sites")["site_id"].tolist() == ["S2"]
    assert _reasons(report) == {1: "population: '18.000' is ambiguous (18 or 18000?); "
                                   "write the number without a thousands separator"}
    assert report.quarantine.loc[0, "layer"] == "sites"


def test_french_file_reads_dot_thousands_and_decimal_commas(tmp_path):
    # Coordinates with decimal commas say the file is French: '.' then separates thousands.
    text = ("site_id;name;lat;lon;population\n"
            "S1;Alindao;5,04;21,21;18.000\n"
            "S2;Bambari;5,76;20,67;2.500\n"
            "S3;Bria;6,54;21,98;1 250\n")
    path = tmp_path / "sites.csv"
    path.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], layer="sites", user="analyst", secret=b"k", now=NOW)
    assert report.quarantine.empty, _reasons(report)
    stored = store.read("sites").set_index("site_id")
    assert stored["population"].to_dict() == {"S1": 18000.0, "S2": 2500.0, "S3": 1250.0}
    assert stored.loc["S1"].geometry.y == pytest.approx(5.04)
    assert ("population: 3 value(s) were written with thousands separators and read as whole numbers "
            "(e.g. '18.000' as 18000); '.' was read as a thousands separator because the file writes "
            "decimal commas (e.g. '5,04' in lat)") in report.notes


def test_comma_thousands_in_a_file_of_decimal_commas_is_quarantined(tmp_path):
    # The file writes decimal commas, so '1,500' may be 1.5 or 1500: quarantined, named, never changed.
    text = ("site_id;name;lat;lon;population\n"
            "S1;Alindao;5,04;21,21;1,500\n"
            "S2;Bambari;5,76;20,67;1 500\n")
    path = tmp_path / "sites.csv"
    path.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], layer="sites", user="analyst", secret=b"k", now=NOW)
    assert store.read("sites").set_index("site_id")["population"].to_dict() == {"S2": 1500.0}
    assert _reasons(report) == {1: "population: '1,500' is ambiguous (1.5 or 1500?); "
                                   "write the number without a thousands separator"}


def test_casualties_go_through_the_same_parser(tmp_path):
    text = ("id,occurred_at,lat,lon,category,killed,injured\n"
            "A1,2018-11-15,4.79,20.68,killing,\"1,200\",12 000\n"
            "A2,2018-11-15,4.50,20.10,killing,2.000,0\n"
            "A3,2018-11-15,4.60,20.20,killing,2.5,0\n")
    store, report = _import(tmp_path, "alerts.csv", text)
    stored = store.read("alerts").set_index("id")
    assert stored.loc["A1", ["killed", "injured"]].tolist() == [1200, 12000]
    assert _reasons(report) == {2: "killed: '2.000' is ambiguous (2 or 2000?); "
                                   "write the number without a thousands separator",
                                3: "killed: '2.5' is not a whole number"}
    assert any(n.startswith("killed: 1 value(s) were written with thousands separators") for n in report.notes)
    assert any(n.startswith("injured: 1 value(s) were written with thousands separators") for n in report.notes)


def test_one_decimal_comma_makes_the_file_a_decimal_comma_file(tmp_path):
    # '2,5' says the writer's decimal separator is the comma: '1,200' is then 1.2 or 1200, and '2.000' is 2000.
    text = ("id,occurred_at,lat,lon,category,killed\n"
            "A1,2018-11-15,4.79,20.68,killing,\"1,200\"\n"
            "A2,2018-11-15,4.50,20.10,killing,2.000\n"
            "A3,2018-11-15,4.60,20.20,killing,\"2,5\"\n")
    store, report = _import(tmp_path, "alerts.csv", text)
    assert store.read("alerts").set_index("id")["killed"].to_dict() == {"A2": 2000}
    assert _reasons(report) == {1: "killed: '1,200' is ambiguous (1.2 or 1200?); "
                                   "write the number without a thousands separator",
                                3: "killed: '2,5' is not a whole number"}


def test_presence_and_patrol_counts_read_thousands_separators():
    raw = pd.DataFrame({"base_id": ["B1"], "name": ["Bangui HQ"], "kind": ["HQ"], "lat": ["4.39"], "lon": ["18.52"],
                        "military": ["1,200"], "police": ["1 100"], "civilian": ["0"], "cla": ["0"],
                        "cla_female": ["0"], "start": ["2018-01-01"]}, index=[1])
    v = presence.validate(RawTable("presence", raw, "p.csv", "own"), now=NOW)
    assert v.quarantine.empty and v.valid.loc[0, ["military", "police"]].tolist() == [1200, 1100]
    pts = pd.DataFrame({"patrol_id": ["P1", "P1"], "seq": ["1,000", "1,001"],
                        "time": ["2018-11-01T08:00", "2018-11-01T09:00"],
                        "lat": ["4.70", "4.75"], "lon": ["20.60", "20.64"]}, index=[1, 2])
    v = patrols.validate_points(RawTable("patrol_points", pts, "p.csv", "own"), now=NOW)
    assert v.quarantine.empty and v.valid["seq"].tolist() == [1000.0, 1001.0]


def test_the_missions_locale_decides_a_dot():
    raw = pd.DataFrame({"site_id": ["S1", "S2"], "name": ["Alindao", "Bambari"], "lat": ["5.04", "5.76"],
                        "lon": ["21.21", "20.67"], "population": ["18.000", "18,000"]}, index=[1, 2])
    v = sites.validate(RawTable("sites", raw, "s.csv", "own"), now=NOW, locale="fr_CF")
    assert v.valid["population"].tolist() == [18000.0]
    assert dict(zip(v.quarantine["source_row"], v.quarantine["reason"])) == {
        2: "population: '18,000' is ambiguous (18 or 18000?); write the number without a thousands separator"}
    assert any("because the mission's locale is 'fr_CF'" in n for n in v.notes)
    v = sites.validate(RawTable("sites", raw, "s.csv", "own"), now=NOW, locale="en")
    assert v.valid["population"].tolist() == [18000.0]
    assert v.quarantine["source_row"].tolist() == [1]


def test_numbers_a_binary_reader_typed_are_taken_as_they_are():
    # Excel and GeoPackage give numbers, not text: 2.125 is a number there, nothing to guess.
    raw = pd.DataFrame({"lat": ["4.79", "4.80"], "lon": ["20.68", "20.69"], "category": ["killing", "killing"],
                        "occurred_at": ["2018-11-14", "2018-11-14"], "killed": [3, 7.0],
                        "injured": pd.Series([1, None], index=[1, 2], dtype=object)}, index=[1, 2])
    v = alerts.validate(RawTable("alerts", raw, "x.xlsx", "excel"), now=NOW)
    assert v.quarantine.empty and v.valid["killed"].tolist() == [3, 7] and v.valid["injured"].tolist() == [1, 0]
    assert not any("thousands" in n for n in v.notes)


# -- 2. vocabulary: radio, and the words French-speaking analysts write ----------------------------------------


def test_radio_is_its_own_channel_and_french_words_are_understood(tmp_path):
    # The bug: "radio" was read as media, though community alert networks report by HF/VHF radio.
    text = ("id,occurred_at,lat,lon,category,channel\n"
            "A1,2018-11-15,4.79,20.68,meurtre,radio\n"
            "A2,2018-11-15,4.50,20.10,Enlèvement,Radio HF\n"
            "A3,2018-11-15,4.60,20.20,pillage,téléphone\n"
            "A4,2018-11-15,4.70,20.30,déplacement,appel\n"
            "A5,2018-11-15,4.80,20.40,Menace,réseau d’alerte communautaire\n"
            "A6,2018-11-15,4.90,20.50,incendie,Réseau d'alerte communautaire\n"
            "A7,2018-11-15,5.00,20.60,attaque armée,phonie\n"
            "A8,2018-11-15,5.10,20.70,violence sexuelle,ligne verte\n"
            "A9,2018-11-15,5.20,20.80,rumeur,presse\n")
    store, report = _import(tmp_path, "alertes.csv", text)
    assert report.quarantine.empty, _reasons(report)
    stored = store.read("alerts").set_index("id")
    assert stored["category"].to_dict() == {
        "A1": "killing", "A2": "abduction", "A3": "looting", "A4": "displacement", "A5": "threat_or_rumour",
        "A6": "arson", "A7": "armed_attack", "A8": "sexual_violence", "A9": "threat_or_rumour"}
    assert stored["channel"].to_dict() == {
        "A1": "radio", "A2": "radio", "A3": "can_call", "A4": "can_call", "A5": "can_call", "A6": "can_call",
        "A7": "radio", "A8": "hotline", "A9": "media"}


def test_french_words_for_sites_bases_patrols_and_precision():
    from ewarning import vocab
    from ewarning.vocab import lookup_table, normalise_code

    def code(codes, synonyms, word):
        return lookup_table(codes, synonyms).get(normalise_code(word))

    assert [code(vocab.SITE_KINDS, vocab.SITE_KIND_SYNONYMS, w) for w in
            ("Site de déplacés", "camp de réfugiés", "site PoC", "famille d’accueil")] == [
        "idp_camp", "refugee_camp", "poc_site", "host_community"]
    assert [code(vocab.BASE_KINDS, vocab.BASE_KIND_SYNONYMS, w) for w in
            ("QG de secteur", "base opérationnelle temporaire", "poste de police", "bureau de terrain")] == [
        "sector_hq", "temporary_base", "police_post", "field_office"]
    assert [code(vocab.PATROL_TYPES, vocab.PATROL_TYPE_SYNONYMS, w) for w in
            ("à pied", "motorisée", "aérienne", "fluviale")] == ["dismounted", "vehicle", "air", "riverine"]
    assert [code(vocab.PATROL_COMPONENTS, vocab.PATROL_COMPONENT_SYNONYMS, w) for w in
            ("militaire", "civile", "intégrée")] == ["military", "civilian", "integrated"]
    assert [code(vocab.PRECISION, vocab.PRECISION_SYNONYMS, w) for w in ("exacte", "localité", "sous-préfecture")] == [
        "exact", "village", "district"]
    assert code(vocab.VERIFICATION, vocab.VERIFICATION_SYNONYMS, "non vérifié") == "unverified"


def test_every_channel_has_a_label_and_a_map_colour():
    from ewarning import vocab
    from ewarning.render import style

    assert vocab.CHANNELS["radio"] == "Radio (HF/VHF)"
    assert set(style.CHANNEL_COLOURS) == set(vocab.CHANNELS)
    assert style.CHANNEL_COLOURS["radio"] != style.CHANNEL_COLOURS["media"]
    assert style.channel_colour("radio") == style.CHANNEL_COLOURS["radio"]
    assert style.channel_colour("no such code") == style.NEUTRAL


# -- 3. ACLED history: 'timestamp' is ACLED's last change, not when the event became known --------------------

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp\n")


def _acled_row(eid: str, date: str, lat: float, lon: float, killed: int, timestamp: pd.Timestamp) -> str:
    return (f"{eid},{date},2018,1,Political violence,Violence against civilians,Attack,UPC,,2,Civilians,,7,27,"
            f"Civilian targeting,140,Middle Africa,Central African Republic,Basse-Kotto,Alindao,Alindao,Alindao,"
            f"{lat:.4f},{lon:.4f},1,Radio Ndeke Luka,National,Civilians killed near Alindao.,{killed},,"
            f"{int(timestamp.timestamp())}\n")


def test_an_acled_export_downloaded_today_replays_2018(tmp_path, capsys):
    # Downloaded in 2023: old events carry the time ACLED last changed them, years after they happened.
    modified = pd.Timestamp("2023-06-01T10:00", tz="UTC")
    days = ["2018-11-01", "2018-11-03", "2018-11-05", "2018-11-07", "2018-11-09"]
    rows = [_acled_row(f"CEN{100 + i}", d, 4.79 + 0.002 * i, 20.68 + 0.002 * i, 2 + i, modified)
            for i, d in enumerate(days)]
    # One event whose timestamp is its real publication, four days after it happened: kept as it is.
    rows.append(_acled_row("CEN200", "2018-11-12", 4.80, 20.69, 4, pd.Timestamp("2018-11-14T08:00", tz="UTC")))
    store, report = _import(tmp_path, "acled.csv", ACLED_HEADER + "".join(rows))
    assert report.status == "imported" and report.quarantine.empty, _reasons(report)
    stored = store.read("alerts").set_index("id")
    expected = {f"CEN{100 + i}": pd.Timestamp(d, tz="UTC") + pd.Timedelta(days=7) for i, d in enumerate(days)}
    expected["CEN200"] = pd.Timestamp("2018-11-14T08:00", tz="UTC")
    assert stored["reported_at"].to_dict() == expected
    assert stored["occurred_at"]["CEN100"] == pd.Timestamp("2018-11-01", tz="UTC")
    assert ("ACLED: 5 event(s) have a 'timestamp' more than 30 days after the event, the time ACLED last changed "
            "them rather than when they became known; their report time is the event date + 7 days (ACLED "
            "publishes new events weekly)") in report.notes

    # A trainer replays 2018 from the store: the events are there as of 20 November 2018.
    from tests.cli_runner import run_main

    out = tmp_path / "hot.geojson"
    done = run_main(capsys, "hotspots", "--store", tmp_path / "s.gpkg", "--as-of", "2018-11-20", "--out", out)
    assert done.returncode == 0, done.stderr
    import json

    features = json.loads(out.read_text())["features"]
    assert features, done.stderr
    seen = {i for f in features for i in f["properties"]["alert_ids"]}
    assert {"CEN100", "CEN101", "CEN102", "CEN103", "CEN104", "CEN200"} <= seen   # CEN104 known from 16 Nov
    # ... and not before: as of 5 November only the event of 1 November (known from the 8th) is not yet known.
    early = run_main(capsys, "hotspots", "--store", tmp_path / "s.gpkg", "--as-of", "2018-11-05", "--out", out)
    assert early.returncode == 0 and json.loads(out.read_text())["features"] == []


# -- 4. duplicates keep the incident's gravest figures --------------------------------------------------------

_BACKGROUND = "".join(f"B{d},2018-10-{d:02d}T10:00Z,,4.79,20.68,armed_attack,0\n" for d in (1, 5, 9, 13, 17, 21, 25))
_BACKGROUND += "".join(f"R{d},2018-11-{d:02d}T10:00Z,,4.79,20.68,armed_attack,0\n" for d in (1, 3, 5, 7, 9))
_HEADER = "id,reported_at,occurred_at,lat,lon,category,killed\n"


def _hotspot(tmp_path, name: str, rows: str, as_of: str = "2018-11-15"):
    from ewarning.hotspots import score_hotspots

    folder = tmp_path / name
    folder.mkdir()
    store, report = _import(folder, "a.csv", _HEADER + _BACKGROUND + rows)
    assert report.quarantine.empty, _reasons(report)
    stored = store.read("alerts")
    return stored, score_hotspots(stored, as_of=as_of).hotspots


def test_a_graver_duplicate_gives_the_incident_its_figures(tmp_path):
    # The bug: 12 killed reported after a first report of 2 killed was linked to it, and weighed nothing.
    rows = ("K1,2018-11-12T08:00Z,2018-11-12T06:00Z,4.79,20.68,armed_attack,2\n"
            "K2,2018-11-12T14:00Z,2018-11-12T06:30Z,4.791,20.681,armed_attack,12\n"
            "K3,2018-11-12T18:00Z,2018-11-12T07:00Z,4.789,20.679,armed_attack,3\n")
    stored, both = _hotspot(tmp_path, "both", rows)
    links = stored.set_index("id")
    assert links.loc["K2", "duplicate_of"] == "K1" and links.loc["K3", "duplicate_of"] == "K1"
    assert links.loc[["K1", "K2", "K3"], "killed"].tolist() == [2, 12, 3]       # every report kept as it came
    assert links.loc[["K1", "K2"], "severity"].tolist() == [4, 5]
    # The incident counts once, with its gravest report: 12 killed, severity 5 ...
    once = "K1,2018-11-12T08:00Z,2018-11-12T06:00Z,4.79,20.68,armed_attack,12\n"
    _, single = _hotspot(tmp_path, "single", once)
    assert both.loc[0, "killed"] == 12 == single.loc[0, "killed"]
    # ... so the hotspot scores what one report of 12 killed scores.
    assert both.loc[0, "score"] == single.loc[0, "score"]
    assert both.loc[0, "severity"] == single.loc[0, "severity"]
    assert both.loc[0, "intensity"] == single.loc[0, "intensity"]
    # The explanation says how many reports were merged.
    assert "3 reports merged as one incident" in both.loc[0, "explanation"]
    assert "merged" not in single.loc[0, "explanation"]
    # No look-ahead: before K2 is known, the incident is K1 (and K3 is not yet known either).
    _, before = _hotspot(tmp_path, "before", rows, as_of="2018-11-12T12:00")
    _, k1_only = _hotspot(tmp_path, "k1", rows.splitlines(keepends=True)[0], as_of="2018-11-12T12:00")
    assert before.loc[0, "killed"] == 2 and before.loc[0, "score"] == k1_only.loc[0, "score"]


def test_a_discounted_duplicate_lends_the_incident_nothing(tmp_path):
    # An analyst discounted the later report of 12 killed: the incident keeps the 2 killed of its first report.
    rows = ("K1,2018-11-12T08:00Z,2018-11-12T06:00Z,4.79,20.68,armed_attack,2,verified\n"
            "K2,2018-11-12T14:00Z,2018-11-12T06:30Z,4.791,20.681,armed_attack,12,discounted\n")
    text = _HEADER.strip() + ",verification\n" + _BACKGROUND.replace("\n", ",\n") + rows
    store, report = _import(tmp_path, "a.csv", text)
    assert report.quarantine.empty, _reasons(report)
    from ewarning.hotspots import score_hotspots

    stored = store.read("alerts").set_index("id")
    assert stored.loc["K2", ["duplicate_of", "verification", "killed"]].tolist() == ["K1", "discounted", 12]
    h = score_hotspots(store.read("alerts"), as_of="2018-11-15").hotspots
    assert h.loc[0, "killed"] == 2


# -- 5. quarantine round trip: export, fix, import ------------------------------------------------------------

_BAD_ALERTS = ("id,reported_at,occurred_at,lat,lon,category,killed,channel,reporter,text\n"
               "Q1,2018-11-10T09:00Z,2018-11-10T07:00Z,4.79,20.68,killing,3,radio,+236 70 00 11 11,Trois civils tues\n"
               "Q2,2018-11-11T09:00Z,2018-11-11T07:00Z,95,20.68,looting,0,sms,+236 70 00 22 22,Boutiques pillees\n"
               "Q3,2018-11-12T09:00Z,31/02/2018,4.60,-4.5,arson,0,hotline,,Maisons brulees\n"
               "Q4,2018-11-13T09:00Z,2018-11-13T07:00Z,4.61,20.31,alien landing,0,media,,\n")
_BAD_SITES = ("site_id,name,kind,lat,lon,population\n"
              "S1,Alindao,IDP camp,5.04,21.21,18.000\n"
              "S2,Bambari,IDP camp,5.76,20.67,4500\n")


def _store_with_quarantine(tmp_path):
    (tmp_path / "alerts.csv").write_text(_BAD_ALERTS, encoding="utf-8")
    (tmp_path / "sites.csv").write_text(_BAD_SITES, encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    reports = import_files(store, [tmp_path / "alerts.csv", tmp_path / "sites.csv"], user="analyst", secret=b"k",
                           now=NOW)
    assert [r.n_quarantined for r in reports] == [3, 1]
    return store


def test_quarantine_export_gives_the_columns_back_and_the_fixed_file_imports(tmp_path, capsys):
    from tests.cli_runner import run_main

    store = _store_with_quarantine(tmp_path)
    out = tmp_path / "to-fix.csv"
    done = run_main(capsys, "export", "--layer", "quarantine", "--store", tmp_path / "s.gpkg", "--format", "csv",
                    "--out", out)
    assert done.returncode == 0, done.stderr
    # Two layers in quarantine: one file each, named after the layer.
    alerts_out, sites_out = tmp_path / "to-fix-alerts.csv", tmp_path / "to-fix-sites.csv"
    assert "4 quarantine rows written to" in done.stdout and str(alerts_out) in done.stdout
    got = pd.read_csv(alerts_out, dtype=str, keep_default_na=False)
    # The original columns, one each, as they were read; the reasons beside them.
    assert got["id"].tolist() == ["Q2", "Q3", "Q4"]
    assert got[["occurred_at", "lat", "lon", "category", "killed", "channel"]].values.tolist() == [
        ["2018-11-11T07:00Z", "95", "20.68", "looting", "0", "sms"],
        ["31/02/2018", "4.60", "-4.5", "arson", "0", "hotline"],
        ["2018-11-13T07:00Z", "4.61", "20.31", "alien landing", "0", "media"]]
    assert got["reason"].tolist()[:2] == ["lat/lon: latitude and longitude look swapped (lat 95.0, lon 20.68)",
                                          "occurred_at: '31/02/2018' is not a date"]
    assert got["reason_lat_lon"].tolist() == ["latitude and longitude look swapped (lat 95.0, lon 20.68)", "", ""]
    assert got["reason_occurred_at"].tolist() == ["", "'31/02/2018' is not a date", ""]
    assert got["reason_category"].str.startswith("unknown value 'alien landing'").tolist() == [False, False, True]
    assert (got["source_file"].tolist(), got["source_row"].tolist()) == (["alerts.csv"] * 3, ["2", "3", "4"])
    # Reporter keys and free text are left out unless asked for, as in every export.
    assert "reporter" not in got.columns
    from ewarning.io.writers import TEXT_WITHHELD
    assert set(got["text"]) == {TEXT_WITHHELD, ""}
    sites_got = pd.read_csv(sites_out, dtype=str, keep_default_na=False)
    assert sites_got[["site_id", "population", "reason_population"]].values.tolist() == [
        ["S1", "18.000", "'18.000' is ambiguous (18 or 18000?); write the number without a thousands separator"]]

    # The analyst fixes the values in the file and imports the same file.
    got.loc[0, ["lat", "lon"]] = ["4.79", "20.68"]
    got.loc[1, "occurred_at"] = "2018-02-28"
    got.loc[2, "category"] = "threat"
    got.to_csv(alerts_out, index=False)
    sites_got.loc[0, "population"] = "18000"
    sites_got.to_csv(sites_out, index=False)
    checked = run_main(capsys, "validate", alerts_out, sites_out, "--store", tmp_path / "s.gpkg")
    assert checked.returncode == 0, checked.stdout
    assert "alerts: 3 read, 3 valid, 0 quarantined" in checked.stdout
    assert "sites: 1 read, 1 valid, 0 quarantined" in checked.stdout
    [ra, rs] = import_files(store, [alerts_out, sites_out], user="analyst", secret=b"k", now=NOW)
    assert (ra.n_stored, ra.n_quarantined, rs.n_stored) == (3, 0, 1)
    stored = store.read("alerts").set_index("id")
    assert sorted(stored.index) == ["Q1", "Q2", "Q3", "Q4"]
    assert stored.loc["Q2"].geometry.coords[0] == (20.68, 4.79) and stored.loc["Q4", "category"] == "threat_or_rumour"
    assert stored.loc["Q3"].geometry.x == -4.5
    # No reporter came back (keys are left out): none is made up from another column either.
    assert stored.loc[["Q2", "Q3", "Q4"], "reporter_key"].isna().all()
    assert not any("reporter key comes from" in n for n in ra.notes)
    # The withheld text is not stored as if it were the report's words, and the import says so.
    assert stored.loc[["Q2", "Q3"], "text"].isna().all()
    assert any("free text withheld" in n for n in ra.notes)
    assert store.read("sites").set_index("site_id").loc["S1", "population"] == 18000.0


def test_quarantine_workbook_has_a_sheet_per_layer_and_imports_after_fixing(tmp_path, capsys):
    from openpyxl import load_workbook

    from tests.cli_runner import run_main

    store = _store_with_quarantine(tmp_path)
    out = tmp_path / "to-fix.xlsx"
    done = run_main(capsys, "export", "--layer", "quarantine", "--store", tmp_path / "s.gpkg", "--format", "xlsx",
                    "--out", out, "--include-text", "--include-reporter-key")
    assert done.returncode == 0, done.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["alerts", "sites"]
    ws = wb["alerts"]
    header = [c.value for c in ws[1]]
    col = {name: i for i, name in enumerate(header)}
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[col["text"]] for r in rows] == ["Boutiques pillees", "Maisons brulees", None]
    key_q2 = rows[0][col["reporter"]]
    assert key_q2.startswith("R-") and "+236" not in key_q2      # the pseudonymous key, never the number
    ws.cell(row=2, column=col["lat"] + 1, value="4.79")
    ws.cell(row=2, column=col["lon"] + 1, value="20.68")
    ws.cell(row=3, column=col["occurred_at"] + 1, value="2018-02-28")
    ws.cell(row=4, column=col["category"] + 1, value="menace")
    wb["sites"].cell(row=2, column=[c.value for c in wb["sites"][1]].index("population") + 1, value=18000)
    wb.save(out)
    [report] = import_files(store, [out], user="analyst", secret=b"k", now=NOW)
    assert report.status == "imported" and report.quarantine.empty, _reasons(report)
    assert (report.by_layer["alerts"]["stored"], report.by_layer["sites"]["stored"]) == (3, 1)
    stored = store.read("alerts").set_index("id")
    assert stored.loc["Q2", "reporter_key"] == key_q2 and stored.loc["Q3", "text"] == "Maisons brulees"


def test_an_export_made_before_the_marker_changed_still_reimports_without_its_marker_as_text():
    """Files exported with the earlier marker (command-line wording) are recognised as withheld text."""
    from ewarning.io.writers import TEXT_WITHHELD_BEFORE

    raw = RawTable("alerts", pd.DataFrame({"id": ["A1"], "reported_at": ["2018-11-10T10:00Z"],
                                            "lat": ["4.79"], "lon": ["20.68"], "category": ["killing"],
                                            "text": [TEXT_WITHHELD_BEFORE]}), "old.csv", "own")
    v = alerts.validate(raw, secret=b"k")
    assert len(v.valid) == 1
    text = v.valid["text"].iloc[0]
    assert text is None or pd.isna(text) or text == ""
