"""Validators: every bad-input kind gets its exact reason; no valid row is lost."""

from __future__ import annotations

import pandas as pd
import pytest

from ewarning import alerts, patrols, presence, sites
from ewarning.io import RawTable, read
from ewarning.security import pseudonymise

NOW = pd.Timestamp("2024-01-01", tz="UTC")
CAR = (14.4, 2.2, 27.5, 11.1)


def table(layer: str, rows: list[dict]) -> RawTable:
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return RawTable(layer, frame, "t.csv", "own")


def alert(**kw) -> dict:
    row = {"lat": "4.79", "lon": "20.68", "category": "killing", "occurred_at": "2018-11-14"}
    row.update(kw)
    return row


def reasons(v) -> dict[int, str]:
    return dict(zip(v.quarantine["source_row"], v.quarantine["reason"]))


def test_minimal_alert_is_typed_with_defaults():
    v = alerts.validate(table("alerts", [alert(killed="7")]), now=NOW, secret=b"k")
    row = v.valid.iloc[0]
    assert v.quarantine.empty
    assert row["reported_at"] == pd.Timestamp("2018-11-14", tz="UTC")  # taken from occurred_at
    assert (row["severity"], row["channel"], row["verification"]) == (5, "unknown", "unverified")
    assert (row["reliability"], row["credibility"], row["location_precision"]) == ("F", "6", "exact")
    assert row.geometry.x == pytest.approx(20.68) and row.geometry.y == pytest.approx(4.79)
    assert v.valid.crs.to_epsg() == 4326
    assert any("occurrence time was used" in n for n in v.notes)


@pytest.mark.parametrize("lat, lon, reason", [
    ("95", "20.68", "lat/lon: latitude and longitude look swapped (lat 95.0, lon 20.68)"),
    ("4.79", "200", "lon: 200.0 is outside [-180, 180]"),
    ("-91", "300", "lat: -91.0 is outside [-90, 90]; lon: 300.0 is outside [-180, 180]"),
    ("0", "0", "lat/lon: 0/0 is not a location (device had no fix?)"),
    ("", "20.68", "lat/lon: missing coordinates"),
    ("north", "20.68", "lat: 'north' is not a number"),
])
def test_impossible_coordinates_are_quarantined_with_reason(lat, lon, reason):
    v = alerts.validate(table("alerts", [alert(), alert(lat=lat, lon=lon)]), now=NOW)
    assert len(v.valid) == 1 and reasons(v) == {2: reason}


def test_swap_inside_the_mission_area_is_detected():
    # (20.68, 4.79) is in range both ways; only the mission area tells it is swapped.
    v = alerts.validate(table("alerts", [alert(lat="20.68", lon="4.79"), alert(lat="40", lon="40")]),
                        now=NOW, bbox=CAR)
    assert reasons(v) == {
        1: "lat/lon: latitude and longitude look swapped (lat 20.68, lon 4.79)",
        2: "lat/lon: (lat 40.0, lon 40.0) is outside the mission area (14.4, 2.2, 27.5, 11.1)",
    }


def test_decimal_comma_is_accepted():
    v = alerts.validate(table("alerts", [alert(lat="4,79", lon="20,68")]), now=NOW)
    assert v.valid.geometry.iloc[0].y == pytest.approx(4.79)


@pytest.mark.parametrize("field, value, reason", [
    ("occurred_at", "yesterday-ish", "occurred_at: 'yesterday-ish' is not a date"),
    ("reported_at", "2031-02-01", "reported_at: 2031-02-01 00:00 is in the future"),
    ("category", "alien landing", "category: unknown value 'alien landing' (expected one of: killing, armed_attack, "
                                  "abduction, sexual_violence, looting, arson, displacement, armed_group_movement, "
                                  "intercommunal_tension, threat_or_rumour, checkpoint_extortion)"),
    ("severity", "9", "severity: 9 is above 5"),
    ("killed", "-2", "killed: -2 is below 0"),
    ("killed", "2.5", "killed: '2.5' is not a whole number"),
    ("reliability", "Z", "reliability: unknown value 'Z' (expected one of: A, B, C, D, E, F)"),
])
def test_bad_fields_are_quarantined_with_reason(field, value, reason):
    v = alerts.validate(table("alerts", [alert(), alert(**{field: value})]), now=NOW)
    assert reasons(v) == {2: reason}


def test_all_problems_of_a_row_are_reported_together():
    v = alerts.validate(table("alerts", [alert(lat="0", lon="0", category="x", severity="0")]), now=NOW)
    assert reasons(v)[1].split("; ") == [
        "lat/lon: 0/0 is not a location (device had no fix?)",
        "category: unknown value 'x' (expected one of: killing, armed_attack, abduction, sexual_violence, looting, "
        "arson, displacement, armed_group_movement, intercommunal_tension, threat_or_rumour, checkpoint_extortion)",
        "severity: 0 is below 1",
    ]


def test_times_missing_or_inconsistent():
    v = alerts.validate(table("alerts", [
        alert(occurred_at=None),
        alert(occurred_at="2018-11-14T10:00", reported_at="2018-11-14T09:00"),
    ]), now=NOW)
    assert reasons(v) == {
        1: "reported_at/occurred_at: give at least one of the two times",
        2: "occurred_at: after reported_at (2018-11-14 10:00 > 2018-11-14 09:00)",
    }


def test_date_formats_seen_in_the_field():
    rows = [alert(occurred_at=t) for t in ("2018-11-14", "14/11/2018", "2018-11-14T08:30:00+01:00", "Nov 14 2018")]
    v = alerts.validate(table("alerts", rows), now=NOW)
    assert v.quarantine.empty
    assert v.valid["occurred_at"].dt.strftime("%Y-%m-%d").tolist() == ["2018-11-14"] * 4
    assert v.valid["occurred_at"].iloc[2] == pd.Timestamp("2018-11-14T07:30", tz="UTC")


def test_synonyms_map_to_codes():
    v = alerts.validate(table("alerts", [alert(category="Kidnapping", channel="SMS", verification="confirmed"),
                                         alert(category="Armed-group movement", channel="JPT")]), now=NOW)
    assert v.valid["category"].tolist() == ["abduction", "armed_group_movement"]
    assert v.valid["channel"].tolist() == ["can_sms", "joint_protection_team"]
    assert v.valid["verification"].tolist() == ["verified", "unverified"]


def test_duplicate_and_existing_ids():
    v = alerts.validate(table("alerts", [alert(id="A1"), alert(id="A2"), alert(id="A1"), alert(id="OLD")]),
                        now=NOW, existing_ids={"OLD"})
    assert reasons(v) == {3: "id: duplicate id 'A1' (first on row 1)", 4: "id: id 'OLD' is already in the store"}
    assert v.valid["id"].tolist() == ["A1", "A2"]


def test_generated_ids_are_stable():
    rows = [alert(text="a"), alert(text="b")]
    first = alerts.validate(table("alerts", rows), now=NOW).valid["id"].tolist()
    again = alerts.validate(table("alerts", rows), now=NOW).valid["id"].tolist()
    assert first == again and first[0] != first[1] and first[0].startswith("A-")


def test_reporter_identity_never_survives_validation():
    v = alerts.validate(table("alerts", [alert(reporter="+236 70 00 12 34"), alert(reporter="+23670001234", lat="0",
                                                                                   lon="0")]), now=NOW, secret=b"s")
    key = v.valid["reporter_key"].iloc[0]
    assert key == pseudonymise(pd.Series(["+236 70 00 12 34"]), b"s")[0]
    assert "+236" not in v.valid.to_csv() and "70 00 12 34" not in v.quarantine.to_json()
    assert key in v.quarantine["raw"].iloc[0]  # same reporter, same key, even in quarantine


def test_near_duplicates_are_linked_not_deleted():
    rows = [
        alert(id="a", occurred_at="2018-11-14T08:00", category="killing"),
        alert(id="b", occurred_at="2018-11-14T11:00", category="killing", lat="4.795"),  # ~0.6 km, 3 h later
        alert(id="c", occurred_at="2018-11-14T11:00", category="looting"),                # other category
        alert(id="d", occurred_at="2018-11-17T08:00", category="killing"),                # 3 days later
        alert(id="e", occurred_at="2018-11-14T09:00", category="killing", lat="4.95"),    # 18 km away
        alert(id="f", occurred_at="2018-11-14T09:00", category="killing", lat="4.95", location_precision="district"),
    ]
    v = alerts.validate(table("alerts", rows), now=NOW)
    links = dict(zip(v.valid["id"], alerts.link_near_duplicates(v.valid)))
    assert links == {"a": None, "b": "a", "c": None, "d": None, "e": None, "f": "a"}
    assert len(v.valid) == 6


def test_sites_validation():
    v = sites.validate(table("sites", [
        {"site_id": "S1", "name": "Alindao mission", "kind": "IDP", "lat": "4.79", "lon": "20.68",
         "population": "18000", "opened": "2017-05-01"},
        {"site_id": "S2", "name": "", "kind": "stadium", "lat": "4.7", "lon": "20.6", "population": "-5"},
        {"site_id": "S3", "name": "X", "lat": "4.7", "lon": "20.6", "opened": "2018-02-01", "closed": "2018-01-01"},
    ]), now=NOW)
    assert v.valid["kind"].tolist() == ["idp_camp"]
    assert reasons(v) == {
        2: "name: missing; kind: unknown value 'stadium' (expected one of: idp_camp, poc_site, refugee_camp, "
           "host_community); population: -5 is below 0",
        3: "closed: before opened",
    }


def test_presence_periods_and_components():
    base = {"base_id": "B1", "name": "Alindao", "kind": "COB", "lat": "4.79", "lon": "20.68", "military": "150",
            "police": "0", "civilian": "0", "cla": "0", "cla_female": "0"}
    v = presence.validate(table("presence", [
        {**base, "start": "2018-01-01", "end": "2018-11-20"},
        {**base, "start": "2018-11-20", "cla": "2", "cla_female": "1"},
        {**base, "start": "2018-11-25"},                                   # overlaps the open period
        {**base, "base_id": "B2", "start": "2018-01-01", "cla": "1", "cla_female": "2"},
        {**base, "base_id": "B3", "start": "2018-03-01", "end": "2018-02-01"},
    ]), now=NOW)
    assert reasons(v) == {
        3: "start: overlaps an earlier period of the same base",
        4: "cla_female: more women liaison assistants than liaison assistants",
        5: "end: before start",
    }
    before = presence.components(presence.on(v.valid, pd.Timestamp("2018-11-10", tz="UTC")))
    after = presence.components(presence.on(v.valid, pd.Timestamp("2018-11-21", tz="UTC")))
    assert before.iloc[0].to_dict() == {"military": True, "police": False, "civilian": False, "cla": False}
    assert after.iloc[0].to_dict() == {"military": True, "police": False, "civilian": False, "cla": True}


def test_presence_yes_no_columns_and_finer_components():
    v = presence.validate(table("presence", [
        {"base_id": "B1", "lat": "4.7", "lon": "20.6", "military": "yes", "formed_police": "140",
         "individual_police": "10", "human_rights": "2", "start": "2018-01-01"},
    ]), now=NOW)
    row = v.valid.iloc[0]
    assert (row["military"], row["police"], row["civilian"], row["cla"]) == (1, 150, 2, 0)


def test_patrol_points_build_routes_and_quarantine_bad_fixes():
    pts = table("patrol_points", [
        {"patrol_id": "P1", "seq": "1", "time": "2018-11-01T08:00", "lat": "4.70", "lon": "20.60"},
        {"patrol_id": "P1", "seq": "3", "time": "2018-11-01T10:00", "lat": "4.79", "lon": "20.68"},
        {"patrol_id": "P1", "seq": "2", "time": "2018-11-01T09:00", "lat": "4.75", "lon": "20.64"},
        {"patrol_id": "P1", "seq": "4", "time": "2018-11-01T10:30", "lat": "0", "lon": "0"},
        {"patrol_id": "P2", "seq": "1", "time": "2018-11-02T08:00", "lat": "4.70", "lon": "20.60"},
    ])
    checked = patrols.validate_points(pts, now=NOW)
    routes = patrols.routes_from_points(checked.valid)
    used, quarantined = patrols.unplaced_points(checked, routes)
    assert list(routes.geometry[0].coords) == [(20.60, 4.70), (20.64, 4.75), (20.68, 4.79)]
    assert dict(zip(quarantined["source_row"], quarantined["reason"])) == {
        4: "lat/lon: 0/0 is not a location (device had no fix?)",
        5: "route: patrol P2 has fewer than 2 valid points",
    }
    assert len(used) + len(quarantined) == 5
    meta = table("patrols", [{"patrol_id": "P1", "unit": "BANBAT-2", "component": "military", "type": "foot",
                              "engagements": "3", "cla_present": "yes"},
                             {"patrol_id": "P9", "unit": "X", "type": "vehicle", "start": "2018-11-01"}])
    v = patrols.validate(meta, now=NOW, routes=routes)
    assert v.valid[["patrol_id", "type", "cla_present"]].values.tolist() == [["P1", "dismounted", True]]
    assert v.valid["start"].iloc[0] == pd.Timestamp("2018-11-01T08:00", tz="UTC")
    assert reasons(v) == {2: "route: no route (give a GPX/KML track, a line, or route points with this patrol_id)"}


def test_bad_encoding_rows_are_quarantined_not_misread(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("lat,lon,category,occurred_at,text\n4.7,20.6,looting,2018-11-01,ok\n".encode()
                     + "4.7,20.6,arson,2018-11-02,maisons brûlées\n".encode("cp1252"))
    [t] = read(path)
    assert t.frame.index.tolist() == [1]
    assert t.rejected["reason"].tolist() == [
        "row: not valid UTF-8 (byte 0xfb); re-save the file as UTF-8 or give --encoding (e.g. cp1252)"]
    [t2] = read(path, encoding="cp1252")
    assert t2.frame["text"].tolist() == ["ok", "maisons brûlées"] and t2.rejected.empty


def test_ragged_rows_are_rejected_with_reason(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("lat,lon,category,occurred_at\n4.7,20.6,looting,2018-11-01\n4.7,20.6,looting\n\n"
                    "4.7,20.6,arson,2018-11-02,,\n")
    [t] = read(path)
    assert t.frame.index.tolist() == [1, 4]  # data rows, the blank one counted; trailing empty cells are harmless
    assert t.rejected["reason"].tolist() == ["row: has 3 fields, the header has 4"]
    assert "1 blank line(s) skipped" in t.notes
