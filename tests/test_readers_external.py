"""External formats end to end: file -> detect_format -> read -> layer validator.

Every test checks the bookkeeping invariant (each source row is stored,
quarantined by the validator, or set aside by the reader, exactly once) and
the exact reasons users will read. Expected numbers are computed from the
files independently (pandas, regular expressions), not typed in.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import socket
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ewarning.config import UCDP_SAMPLE
from ewarning import alerts, patrols, sites, vocab
from ewarning.io import ReadError, detect_format, read
from ewarning.io import excel as excel_io
from ewarning.io import kobo as kobo_io
from tests.accounting import accounted, reasons

DATA = Path(__file__).parent / "data"
UCDP = UCDP_SAMPLE  # the shipped real sample (geodata/samples, CC BY 4.0)
NOW = pd.Timestamp("2025-01-01", tz="UTC")
CAR_BBOX = (14.4, 2.2, 27.5, 11.1)
SECRET = b"test-secret"
EXPECTED_CATEGORIES = ", ".join(vocab.CATEGORIES)


def unknown_category(value: str) -> str:
    return f"category: unknown value '{value}' (expected one of: {EXPECTED_CATEGORIES})"


def stored_text(validated) -> str:
    """Everything the validator hands on (valid rows and quarantine), as text."""
    return pd.DataFrame(validated.valid.drop(columns="geometry")).to_csv() + validated.quarantine.to_csv()


def read_one(path, **kw):
    tables = read(path, **kw)
    assert len(tables) == 1
    return tables[0]


# -- UCDP ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ucdp_pandas():
    if not UCDP.exists():
        pytest.skip("UCDP sample not available")
    df = pd.read_csv(UCDP, dtype=str, keep_default_na=False)
    df["source_row"] = range(1, len(df) + 1)
    return df


@pytest.fixture(scope="module")
def ucdp_read(ucdp_pandas):
    table = read_one(UCDP)
    return table, alerts.validate(table, now=NOW, secret=SECRET)


def test_ucdp_detected_and_counts(ucdp_pandas, ucdp_read):
    df = ucdp_pandas
    table, v = ucdp_read
    assert detect_format(UCDP) == "ucdp"
    assert table.format == "ucdp" and table.layer == "alerts"
    unplaceable = df["where_prec"].isin(["6", "7"])
    assert table.n_read == len(df) == 1478
    assert len(table.rejected) == int(unplaceable.sum()) > 0
    assert sorted(table.rejected.index) == sorted(df.loc[unplaceable, "source_row"])
    expected_reasons = {
        "6": "location: UCDP where_prec 6 means the place is known only at country level",
        "7": "location: UCDP where_prec 7 means the event is placed in international waters or airspace",
    }
    by_row = dict(zip(df["source_row"], df["where_prec"]))
    for row, reason in table.rejected["reason"].items():
        assert reason == expected_reasons[by_row[row]]
    assert len(v.valid) == int((~unplaceable).sum())
    assert len(v.quarantine) == 0
    accounted(table, v)
    assert "UCDP GED v23.1 (CC BY 4.0): Davies, Pettersson & Öberg 2023; Sundberg & Melander 2013" in table.notes
    assert any("date_end" in n and "no report date" in n for n in table.notes)


def test_ucdp_categories_precision_and_rows(ucdp_pandas, ucdp_read):
    df = ucdp_pandas[~ucdp_pandas["where_prec"].isin(["6", "7"])]
    _, v = ucdp_read
    best = df["best"].astype(int)
    expected_killing = int(((df["type_of_violence"] == "3") & (best > 0)).sum())
    counts = v.valid["category"].value_counts().to_dict()
    assert counts == {"killing": expected_killing, "armed_attack": len(df) - expected_killing}
    prec = df["where_prec"].map({"1": "exact", "2": "village", "3": "district", "4": "province", "5": "province"})
    assert v.valid["location_precision"].value_counts().to_dict() == prec.value_counts().to_dict()
    # Row numbers point back to the source line; killed is UCDP's best estimate.
    got = v.valid.set_index("id")
    want = df.set_index("UCDP-" + df["id"])
    assert (got["source_row"] == want.loc[got.index, "source_row"]).all()
    assert (got["killed"] == want.loc[got.index, "best"].astype(int)).all()
    assert set(v.valid["channel"]) == {"media"} and set(v.valid["verification"]) == {"verified"}
    assert set(v.valid["reliability"] + v.valid["credibility"]) == {"B2"}


def test_ucdp_known_rows(ucdp_pandas, ucdp_read):
    _, v = ucdp_read
    got = v.valid.set_index("id")
    # The first event of the file: one-sided violence with best = 0 -> armed attack, not a killing.
    row = got.loc["UCDP-22782"]
    assert row["killed"] == 0 and row["category"] == "armed_attack"
    assert row.geometry.y == pytest.approx(4.366667) and row.geometry.x == pytest.approx(18.583333)
    assert row["text"] == "Government of Central African Republic – Civilians: Bangui city (barricaded road in)"
    assert row["occurred_at"] == pd.Timestamp("1991-08-08", tz="UTC")
    # The deadliest event, checked against pandas.
    df = ucdp_pandas[~ucdp_pandas["where_prec"].isin(["6", "7"])]
    top = df.loc[df["best"].astype(int).idxmax()]
    row = got.loc["UCDP-" + top["id"]]
    assert row["killed"] == int(top["best"])
    assert row.geometry.y == pytest.approx(float(top["latitude"]))
    assert row.geometry.x == pytest.approx(float(top["longitude"]))
    assert row["reported_at"] == pd.Timestamp(top["date_end"], tz="UTC")
    assert row["category"] == ("killing" if top["type_of_violence"] == "3" else "armed_attack")
    # Text is the dyad and place only: no source names, no reporters.
    expected = df["side_a"] + " – " + df["side_b"] + ": " + df["where_description"]
    expected = expected.map(lambda t: " ".join(t.split()))
    assert (got["text"] == expected.set_axis("UCDP-" + df["id"]).loc[got.index]).all()
    table, _ = ucdp_read
    assert not {"source_article", "source_office", "source_headline", "source_original"} & set(table.frame.columns)


# -- ACLED -------------------------------------------------------------------------
ACLED = DATA / "acled_sample.csv"


@pytest.fixture(scope="module")
def acled_read():
    table = read_one(ACLED)
    return table, alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)


def test_acled_detect_and_outcomes(acled_read):
    table, v = acled_read
    assert detect_format(ACLED) == "acled"
    with open(ACLED, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))[1:]
    assert table.n_read == len(records)
    assert table.rejected["reason"].to_dict() == {13: "row: has 32 fields, the header has 31"}
    assert reasons(v) == {
        15: unknown_category("Strategic developments: Agreement"),
        16: unknown_category("Violent demonstration: Mob violence"),
        17: "lat/lon: latitude and longitude look swapped (lat 21.1769, lon 4.3192)",
    }
    assert len(v.valid) == len(records) - 1 - 3
    accounted(table, v)


def test_acled_mapping(acled_read):
    _, v = acled_read
    got = v.valid.set_index("id")
    assert got["category"].to_dict() == {
        "CEN10001": "armed_attack", "CEN10002": "killing", "CEN10003": "armed_attack", "CEN10004": "abduction",
        "CEN10005": "sexual_violence", "CEN10006": "looting", "CEN10007": "armed_attack",
        "CEN10008": "intercommunal_tension", "CEN10009": "intercommunal_tension",
        "CEN10010": "armed_group_movement", "CEN10011": "armed_group_movement", "CEN10012": "threat_or_rumour",
        "CEN10013": "armed_attack", "CEN10017": "killing",
    }
    src = pd.read_csv(ACLED, dtype=str, keep_default_na=False, on_bad_lines="skip").set_index("event_id_cnty")
    for eid in got.index:
        assert got.loc[eid, "killed"] == int(src.loc[eid, "fatalities"])
        assert got.loc[eid, "reported_at"] == pd.Timestamp(int(src.loc[eid, "timestamp"]), unit="s", tz="UTC")
        assert got.loc[eid, "text"] == src.loc[eid, "notes"]
    assert got.loc["CEN10011", "location_precision"] == "district"
    assert got.loc["CEN10004", "location_precision"] == "village"
    assert got.loc["CEN10013", "occurred_at"] == pd.Timestamp("2023-03-14", tz="UTC")  # "14 March 2023"
    assert set(v.valid["channel"]) == {"media"}


def test_acled_cp1252(tmp_path):
    text = ACLED.read_text(encoding="utf-8")
    path = tmp_path / "acled_cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    records = list(csv.reader(text.splitlines()))[1:]
    non_ascii = {i: next(ch for ch in ",".join(r) if ord(ch) > 127) for i, r in enumerate(records, start=1)
                 if any(ord(ch) > 127 for ch in ",".join(r))}
    assert non_ascii  # the fixture has accents (Séléka)
    assert detect_format(path) == "acled"
    table = read_one(path)
    for row, ch in non_ascii.items():
        byte = ch.encode("cp1252")[0]
        assert table.rejected.loc[row, "reason"] == (
            f"row: not valid UTF-8 (byte 0x{byte:02x}); re-save the file as UTF-8 or give --encoding (e.g. cp1252)")
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    accounted(table, v)
    # With the encoding given, the same rows read and the accents are right.
    table = read_one(path, encoding="cp1252")
    assert list(table.rejected["reason"]) == ["row: has 32 fields, the header has 31"]
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert "Séléka" in v.valid.set_index("id").loc["CEN10002", "text"]
    accounted(table, v)


def test_acled_with_hdx_hashtag_row(tmp_path, acled_read):
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    n_cols = len(next(csv.reader([lines[0]])))
    tags = ["#event+code", "#date+occurred"] + [""] * (n_cols - 2)
    path = tmp_path / "acled_hdx.csv"
    path.write_text(lines[0] + ",".join(tags) + "\r\n" + "".join(lines[1:]), encoding="utf-8")
    table = read_one(path)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    _, v0 = acled_read
    assert reasons(v) == reasons(v0)
    assert list(v.valid["source_row"]) == list(v0.valid["source_row"])
    accounted(table, v)


# -- HXL ---------------------------------------------------------------------------
HXL_ALERTS = DATA / "hxl_alerts.csv"
HXL_SITES = DATA / "hxl_sites.csv"


def test_hxl_alerts(monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert detect_format(HXL_ALERTS) == "hxl"
    table = read_one(HXL_ALERTS)
    assert table.layer == "alerts" and table.format == "hxl"
    # Text header and hashtag row are not data; the blank line keeps its number.
    assert list(table.frame.index) == [1, 2, 3, 4, 5, 7]
    assert "INGO Protection Cluster" not in table.frame.to_string()  # #meta+source is not read
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == {4: "occurred_at: '2018-11-31' is not a date"}
    assert len(v.valid) == 5
    accounted(table, v)
    got = v.valid.set_index("id")
    assert got.loc["HXL-ALD-002", "killed"] == 12 and got.loc["HXL-ALD-002", "injured"] == 6
    assert got.loc["HXL-ALD-001", "category"] == "armed_group_movement"
    assert got.loc["HXL-BBR-002", "source_row"] == 7
    # The focal point's phone is pseudonymised, in valid rows and in quarantine.
    key = got.loc["HXL-ALD-001", "reporter_key"]
    assert key and key != got.loc["HXL-ALD-002", "reporter_key"]
    assert pd.isna(got.loc["HXL-ALD-003", "reporter_key"])
    assert json.loads(v.quarantine["raw"].iloc[0])["reporter"] == key  # same phone, row 4
    blob = stored_text(v)
    assert "+2367" not in blob and "23675041122" not in blob


def test_hxl_sites():
    assert detect_format(HXL_SITES) == "hxl"
    table = read_one(HXL_SITES)
    assert table.layer == "sites"
    assert list(table.frame.index) == [1, 2, 3, 4]
    v = sites.validate(table, now=NOW, bbox=CAR_BBOX)
    assert reasons(v) == {4: "population: 'unknown' is not a whole number"}
    got = v.valid.set_index("site_id")
    assert got.loc["CF-ALD-01", "population"] == 18000
    assert got.loc["CF-BBR-01", "kind"] == "idp_camp"  # "idp site"
    assert got.loc["CF-ALD-02", "name"] == "Alindao Élevage"
    accounted(table, v)


def test_hxl_never_hands_libhxl_a_path(monkeypatch):
    import hxl
    import hxl.input

    def refuse(*a, **k):
        raise AssertionError("libhxl asked to open a source")

    monkeypatch.setattr(hxl.input, "open_url_or_file", refuse)
    monkeypatch.setattr(hxl.input, "make_input", refuse)
    monkeypatch.setattr(hxl, "data", refuse)
    assert read_one(HXL_ALERTS).layer == "alerts"


def test_hxl_without_layer_hint(tmp_path):
    path = tmp_path / "who.csv"
    path.write_text("#org+name,#adm1+name\nOCHA,Ouaka\n", encoding="utf-8")
    assert detect_format(path) == "hxl"
    with pytest.raises(ReadError, match="give --layer"):
        read(path)


# -- tracks --------------------------------------------------------------------
GPX = DATA / "gpx_alindao_patrol.gpx"
KML = DATA / "kml_alindao_patrols.kml"


def test_gpx_patrol():
    assert detect_format(GPX) == "gpx"
    table = read_one(GPX)
    assert table.layer == "patrols" and table.format == "gpx"
    text = GPX.read_text()
    trk = text[text.index("<trk>"):]
    n_points = len(re.findall(r"<trkpt ", trk))
    times = re.findall(r"<time>([^<]+)</time>", trk)
    v = patrols.validate(table, now=NOW, bbox=CAR_BBOX)
    assert len(v.valid) == 1 and len(v.quarantine) == 0
    accounted(table, v)
    row = v.valid.iloc[0]
    assert row["patrol_id"] == "ALD-DP-20181114-01"
    assert row["unit"] == "MAURBATT-1 C Coy 2 Pl"
    assert row["type"] == "dismounted"  # GPX <type>walking</type>
    assert len(row.geometry.coords) == n_points == 32
    assert row["start"] == pd.Timestamp(times[0]) and row["end"] == pd.Timestamp(times[-1])
    first = re.search(r'<trkpt lat="([^"]+)" lon="([^"]+)"', trk)
    assert row.geometry.coords[0] == (float(first.group(2)), float(first.group(1)))
    assert any("waypoint" in n for n in table.notes)


def test_gpx_bad_point_out_of_range(tmp_path):
    text = GPX.read_text()
    points = re.findall(r'<trkpt lat="([^"]+)" lon="([^"]+)"', text)
    bad = text.replace(f'<trkpt lat="{points[9][0]}"', '<trkpt lat="95"', 1)
    path = tmp_path / "bad_lat.gpx"
    path.write_text(bad)
    table = read_one(path)
    v = patrols.validate(table, now=NOW, bbox=CAR_BBOX)
    lon = float(points[9][1])
    assert reasons(v) == {1: f"route: point 10 (lat 95, lon {lon:g}) is outside the valid range"}
    assert len(v.valid) == 0
    accounted(table, v)


def test_gpx_unreadable_point_and_short_track(tmp_path):
    text = GPX.read_text()
    lats = re.findall(r'<trkpt lat="([^"]+)"', text)
    bad = text.replace(f'<trkpt lat="{lats[2]}"', '<trkpt lat="abc"', 1)
    bad = bad.replace("</gpx>", """  <trk><trkseg>
    <trkpt lat="4.8" lon="20.7"><time>2018-11-14T10:00:00Z</time></trkpt>
  </trkseg></trk>
  <rte><name>ALD-RTE-1</name><rtept lat="4.79" lon="20.68"/><rtept lat="4.80" lon="20.69"/></rte>
</gpx>""")
    path = tmp_path / "mixed.gpx"
    path.write_text(bad)
    table = read_one(path)
    assert table.rejected["reason"].to_dict() == {
        1: "route: point 3 has lat 'abc', not a number in track 'ALD-DP-20181114-01'"}
    assert table.frame.loc[2, "patrol_id"] == "mixed-2"
    v = patrols.validate(table, now=NOW, bbox=CAR_BBOX)
    assert reasons(v) == {
        2: "route: no route (give a GPX/KML track, a line, or route points with this patrol_id)",
        3: "start: missing",
    }
    accounted(table, v)


def test_gpx_entity_expansion_refused(tmp_path):
    path = tmp_path / "lol.gpx"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                    '<gpx version="1.1"><trk><name>&b;</name></trk></gpx>')
    assert detect_format(path) == "gpx"
    with pytest.raises(ReadError, match="refused"):
        read(path)


def test_kml_patrols():
    assert detect_format(KML) == "kml"
    table = read_one(KML)
    assert table.format == "kml"
    assert table.rejected["reason"].to_dict() == {1: "route: placemark 'TOB Alindao' is not a line or track (Point)"}
    v = patrols.validate(table, now=NOW, bbox=CAR_BBOX)
    assert len(v.valid) == 3 and len(v.quarantine) == 0
    accounted(table, v)
    got = v.valid.set_index("patrol_id")
    text = KML.read_text()
    multi = text[text.index("<MultiGeometry>"):text.index("</MultiGeometry>")]
    n_multi = sum(len(c.split()) for c in re.findall(r"<coordinates>([^<]+)</coordinates>", multi))
    assert len(got.loc["ALD-VP-20181114-02"].geometry.coords) == n_multi
    veh = got.loc["ALD-VP-20181114-02"]
    assert (veh["unit"], veh["component"], veh["type"], veh["engagements"]) == ("MAURBATT-1 A Coy", "military",
                                                                               "vehicle", 2)
    assert veh["start"] == pd.Timestamp("2018-11-14T13:10:00Z") and not veh["cla_present"]
    track = got.loc["ALD-IP-20181115-01"]
    whens = re.findall(r"<when>([^<]+)</when>", text)
    assert track["start"] == pd.Timestamp(whens[0]) and track["end"] == pd.Timestamp(whens[-1])
    assert len(track.geometry.coords) == len(whens)
    assert track["cla_present"] and track["female_engagement_team"] and track["engagements"] == 3
    assert got.loc["ALD-DP-20181115-02", "type"] == "dismounted"  # SimpleData "foot"


def test_kml_one_point(tmp_path):
    path = tmp_path / "one.kml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                    "<Placemark><name>P-ONE</name><TimeSpan><begin>2018-11-14T08:00:00Z</begin></TimeSpan>"
                    "<LineString><coordinates>20.68,4.79,0</coordinates></LineString></Placemark>"
                    "</Document></kml>")
    assert detect_format(path) == "kml"
    table = read_one(path)
    v = patrols.validate(table, now=NOW, bbox=CAR_BBOX)
    assert reasons(v) == {1: "route: no route (give a GPX/KML track, a line, or route points with this patrol_id)"}
    accounted(table, v)


# -- KoBo ----------------------------------------------------------------------
KOBO = DATA / "kobo_alerts.csv"


def test_kobo_csv():
    assert detect_format(KOBO) == "kobo"
    table = read_one(KOBO)
    assert table.layer == "alerts" and table.format == "kobo"
    src = pd.read_csv(KOBO, sep=";", dtype=str, keep_default_na=False)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    zero = src.index[(src["_alert/location_latitude"] == "0") & (src["_alert/location_longitude"] == "0")] + 1
    assert list(zero) == [7]
    assert reasons(v) == {7: "lat/lon: 0/0 is not a location (device had no fix?)", 9: unknown_category("rafle")}
    assert len(v.valid) == len(src) - 2
    accounted(table, v)
    got = v.valid.set_index("id")
    first = src.iloc[0]
    row = got.loc["KOBO-" + first["_uuid"]]
    assert row["reported_at"] == pd.Timestamp(first["_submission_time"], tz="UTC")
    # incident_date + incident_time (+01:00) -> UTC
    assert row["occurred_at"] == pd.Timestamp(first["alert/incident_date"] + "T" + first["alert/incident_time"])
    assert row.geometry.y == pytest.approx(float(first["_alert/location_latitude"]))
    # Reporter identities never appear in clear; one phone -> one key.
    stored = stored_text(v)
    for ident in (set(src["reporter/phone"]) | set(src["reporter/name_of_reporter"])) - {""}:
        assert ident not in stored
    assert "Marcel" not in table.frame.to_string()  # the name column is not read at all; the phone is the key
    keys = got["reporter_key"].dropna()
    phones = src.set_index("KOBO-" + src["_uuid"]).loc[keys.index, "reporter/phone"]
    assert keys.groupby(phones).nunique().max() == 1 and keys.nunique() == phones.nunique()


def make_kobo_xlsx(path: Path) -> list[list]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Alertes CAN"
    header = ["start", "end", "today", "grp_alert/incident_date", "grp_alert/category", "grp_alert/description",
              "grp_alert/gps", "_gps_latitude", "_gps_longitude", "_gps_altitude", "_gps_precision",
              "grp_source/caller_phone", "_id", "_uuid", "_submission_time", "_index"]
    rows = [
        [dt.datetime(2018, 11, 15, 6, 0), dt.datetime(2018, 11, 15, 6, 20), dt.date(2018, 11, 15),
         dt.date(2018, 11, 15), "killing", "Attaque du site de la mission", "4.7918 20.6788 512 4",
         4.7918, 20.6788, 512, 4, "+23670120934", 901, "0d3c5b1e-7d9e-4b4e-9f0a-2b7c1d9e0a11",
         dt.datetime(2018, 11, 15, 12, 15, 0), 1],
        [dt.datetime(2018, 11, 16, 6, 0), dt.datetime(2018, 11, 16, 6, 20), dt.date(2018, 11, 16),
         dt.date(2018, 11, 16), "looting", "Pillage du marché", "0 0 0 0", 0, 0, 0, 0, "+23672558610", 902,
         "a4f1e2d3-1111-4c2b-8d3e-5f6a7b8c9d00", dt.datetime(2018, 11, 16, 7, 10, 44), 2],
        [dt.datetime(2018, 11, 17, 6, 0), dt.datetime(2018, 11, 17, 6, 20), dt.date(2018, 11, 17),
         dt.date(2018, 11, 17), "checkpoint", "Barrière illégale", "4.8010 20.6905 515 6", 4.8010, 20.6905,
         515, 6, "", 903, "b5e2f3a4-2222-4d3c-9e4f-6a7b8c9d0e11", dt.datetime(2018, 11, 17, 9, 1, 19), 3],
    ]
    ws.append(header)
    for r in rows:
        ws.append(r)
    repeat = wb.create_sheet("victims")
    repeat.append(["victim_sex", "victim_age", "_parent_index", "_index"])
    repeat.append(["F", 23, 1, 1])
    wb.save(path)
    return rows


def test_kobo_xlsx_is_kobo_not_excel(tmp_path):
    path = tmp_path / "can_alerts_kobo.xlsx"
    rows = make_kobo_xlsx(path)
    assert excel_io.sniff(path, "", "excel") is False
    assert kobo_io.sniff(path, "", "kobo") is True
    assert detect_format(path) == "kobo"
    table = read_one(path)
    assert table.format == "kobo" and table.layer == "alerts"
    assert any("victims" in n for n in table.notes)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == {2: "lat/lon: 0/0 is not a location (device had no fix?)"}
    accounted(table, v)
    got = v.valid.set_index("id")
    assert list(got.index) == ["KOBO-" + rows[0][13], "KOBO-" + rows[2][13]]
    assert got.iloc[0]["reported_at"] == pd.Timestamp("2018-11-15T12:15:00Z")
    assert got.iloc[0]["occurred_at"] == pd.Timestamp("2018-11-15", tz="UTC")
    assert got.iloc[1]["category"] == "checkpoint_extortion"
    assert got.iloc[0]["reporter_key"] and "+236" not in got.iloc[0]["reporter_key"]
    assert got.iloc[1]["reporter_key"] is None


# -- Excel (own layers) ----------------------------------------------------------
def make_own_xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Alerts"
    ws.append(["id", "reported_at", "occurred_at", "latitude", "longitude", "category", "severity", "killed",
               "channel", "text"])
    ws.append(["A-1", dt.datetime(2018, 11, 15, 9, 30), dt.date(2018, 11, 15), 4.7918, 20.6788, "killing", None,
               12, "CAN call", "Attack on the Catholic mission site"])
    ws.append(["A-2", dt.datetime(2018, 11, 15, 10, 0), None, 4.792, 20.679, "arson", "=2+3", 0, "hotline",
               '=HYPERLINK("http://example.org/x","click")'])
    ws["J3"].data_type = "s"  # a text cell that looks like a formula
    ws.append([None] * 10)  # a blank row: skipped, but keeps row numbers right
    ws.append(["A-3", "2018-11-16 08:00", None, 95, 20.68, "looting", 3, 0, "sms", "bad latitude"])
    sites_ws = wb.create_sheet("IDP sites")
    sites_ws.append(["site_id", "name", "kind", "lat", "lon", "population", "opened"])
    sites_ws.append(["S-1", "Alindao Mission catholique", "IDP camp", 4.792, 20.679, 18000, dt.date(2017, 5, 10)])
    wb.save(path)


def test_excel_own_layers(tmp_path):
    path = tmp_path / "layers.xlsx"
    make_own_xlsx(path)
    assert detect_format(path) == "excel"
    tables = {t.layer: t for t in read(path)}
    assert set(tables) == {"alerts", "sites"}
    a = tables["alerts"]
    assert list(a.frame.index) == [1, 2, 4]  # Excel rows 2, 3, 5 (row 4 blank)
    assert a.frame.loc[1, "reported_at"] == "2018-11-15T09:30:00"
    assert a.frame.loc[1, "occurred_at"] == "2018-11-15"
    assert a.frame.loc[2, "severity"] is None  # a formula is never evaluated (no cached value)
    v = alerts.validate(a, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == {4: "lat/lon: latitude and longitude look swapped (lat 95.0, lon 20.68)"}
    accounted(a, v)
    got = v.valid.set_index("id")
    assert got.loc["A-2", "text"] == '=HYPERLINK("http://example.org/x","click")'  # stays text
    assert got.loc["A-2", "severity"] == vocab.CATEGORY_SEVERITY["arson"]
    assert got.loc["A-1", "killed"] == 12 and got.loc["A-1", "channel"] == "can_call"
    s = tables["sites"]
    vs = sites.validate(s, now=NOW, bbox=CAR_BBOX)
    assert len(vs.valid) == 1 and vs.valid.loc[0, "population"] == 18000
    assert vs.valid.loc[0, "opened"] == pd.Timestamp("2017-05-10", tz="UTC")
    accounted(s, vs)


def test_excel_unknown_sheet(tmp_path):
    path = tmp_path / "unknown.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Feuil1"
    wb.active.append(["nom", "x", "y"])
    wb.active.append(["Alindao", 20.68, 4.79])
    wb.save(path)
    assert detect_format(path) == "excel"
    with pytest.raises(ReadError, match="'Feuil1'"):
        read(path)
    table = read_one(path, layer="sites")
    assert table.layer == "sites"
    v = sites.validate(table, now=NOW)
    assert reasons(v) == {1: "name: missing"}  # 'nom' is not a known alias: the user is told
    accounted(table, v)
    wb.create_sheet("Notes").append(["anything"])
    wb.save(path)
    with pytest.raises(ReadError, match="'Feuil1'"):
        read(path)


# -- detection does not misdetect ---------------------------------------------
def test_own_csv_stays_own(tmp_path):
    path = tmp_path / "alerts.csv"
    path.write_text("id,reported_at,lat,lon,category,text\nA1,2018-11-15,4.79,20.68,killing,#Alindao attack\n",
                    encoding="utf-8")
    assert detect_format(path) == "own"
    sites_path = tmp_path / "sites.csv"
    sites_path.write_text("site_id,name,kind,lat,lon\nS1,Alindao,IDP camp,4.79,20.68\n", encoding="utf-8")
    assert detect_format(sites_path) == "own"


def test_formats_do_not_claim_each_other():
    expected = {ACLED: "acled", KOBO: "kobo", HXL_ALERTS: "hxl", HXL_SITES: "hxl", GPX: "gpx", KML: "kml"}
    if UCDP.exists():
        expected[UCDP] = "ucdp"
    assert {p: detect_format(p) for p in expected} == expected


def test_quarantine_raw_is_json():
    table = read_one(ACLED)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    for raw in v.quarantine["raw"]:
        assert isinstance(json.loads(raw), dict)


# -- do no harm: identities never in clear, even in rows a reader sets aside --------
def test_kobo_rejected_rows_withhold_identities(tmp_path):
    lines = KOBO.read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([lines[0]], delimiter=";"))
    phone_col = header.index("reporter/phone")
    # Row 2 in cp1252 (an invalid UTF-8 byte, fields line up); row 3 with a stray extra field.
    ragged = lines[3] + ';"+23699999999"'
    data = (lines[0] + "\r\n" + lines[1] + "\r\n").encode() + (lines[2] + "\r\n").encode("cp1252") \
        + (ragged + "\r\n").encode()
    path = tmp_path / "kobo_broken.csv"
    path.write_bytes(data)
    assert detect_format(path) == "kobo"
    table = read_one(path)
    assert table.rejected.loc[2, "reason"].startswith("row: not valid UTF-8 (byte 0xe9)")
    fields = table.rejected.loc[2, "raw"].split(";")
    assert fields[phone_col] == "[withheld]" and "+23675041122" not in table.rejected.loc[2, "raw"]
    assert "Rumeur d" in table.rejected.loc[2, "raw"]  # the rest stays, for repair
    assert table.rejected.loc[3, "reason"] == f"row: has {len(header) + 1} fields, the header has {len(header)}"
    assert table.rejected.loc[3, "raw"].startswith("[row withheld")
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert len(v.valid) == 1
    accounted(table, v)


def test_hxl_rejected_rows_withhold_contacts(tmp_path):
    text = HXL_ALERTS.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "hxl_ragged.csv"
    path.write_text("\n".join(text[:2] + [text[2] + ",extra"] + text[3:]) + "\n", encoding="utf-8")
    table = read_one(path)
    assert table.rejected["reason"].to_dict() == {1: "row: has 14 fields, the header has 13"}
    assert "+2367" not in table.rejected.loc[1, "raw"]


def test_kobo_geolocation_column(tmp_path):
    path = tmp_path / "kobo_geoloc.csv"
    path.write_text("_uuid,_submission_time,category,incident_date,_geolocation,phone\n"
                    'u-1,2018-11-15T10:00:00,arson,2018-11-15,"[4.792, 20.679]",+23675041122\n'
                    'u-2,2018-11-15T11:00:00,looting,2018-11-15,"[None, None]",\n', encoding="utf-8")
    assert detect_format(path) == "kobo"
    table = read_one(path)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == {2: "lat/lon: missing coordinates"}
    assert v.valid.loc[0, "id"] == "KOBO-u-1"
    assert (v.valid.geometry.y[0], v.valid.geometry.x[0]) == (4.792, 20.679)
    accounted(table, v)


def test_gpx_not_xml(tmp_path):
    path = tmp_path / "broken.gpx"
    path.write_text('<?xml version="1.0"?>\n<gpx version="1.1"><trk><name>x</trk></gpx>')
    with pytest.raises(ReadError, match="not well-formed XML"):
        read(path)
