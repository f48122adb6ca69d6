"""A mission area and a number locale per store: ``python -m ewarning mission show|set`` (issue #9).

Swapped coordinates that both fall inside the valid range (lat 20.6, lon 4.8
for a report from the Central African Republic) are caught only against the
mission area. Any store can now be given one (``--bbox`` or ``--country``
from the shipped basemap); an import into a store without one says so
instead of guessing. The mission's locale settles numbers such as
``18.000`` at import. Nothing set is overwritten without ``--replace``, and
every change is in the audit log with who made it.
"""

from __future__ import annotations

import json

import pytest

from ewarning.store import open_store
from tests.cli_runner import run_main

CAR_BOX = "14.4,2.2,27.5,11.2"
#: The Central African Republic's outline in geodata/basemap/countries.geojson (min_lon, min_lat, max_lon, max_lat).
CAR_OUTLINE = (14.4594, 2.2676, 27.3742, 11.1424)
NOTE = ("no mission area set for this store: swapped coordinates inside the valid range cannot be caught; "
        "the store's administrator can set one from the country's outline")
HINT = "set it with: python -m ewarning mission set --country"   # the command line's own hint
SWAP_REASON = "lat/lon: latitude and longitude look swapped (lat 20.6, lon 4.8)"


@pytest.fixture(autouse=True)
def acting(monkeypatch):
    monkeypatch.setenv("EWARNING_USER", "ana.analyst")
    monkeypatch.setenv("EWARNING_SECRET", "mission-area-test-secret")


@pytest.fixture
def gpkg(tmp_path):
    return tmp_path / "new.gpkg"


@pytest.fixture
def swapped_csv(tmp_path):
    path = tmp_path / "alerts.csv"
    path.write_text("id,reported_at,lat,lon,category\n"
                    "A1,2018-11-15,4.79,20.68,killing\n"
                    "A2,2018-11-15,20.6,4.8,killing\n")
    return path


@pytest.fixture
def sites_csv(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("site_id,name,lat,lon,population\nS1,Alindao,5.04,21.21,18.000\n")
    return path


def mission(capsys, gpkg, *args):
    return run_main(capsys, "mission", *args, "--store", gpkg)


def quarantine_reasons(gpkg) -> dict[str, str]:
    q = open_store(gpkg).read("quarantine")
    return {json.loads(raw).get("id", json.loads(raw).get("site_id")): reason
            for raw, reason in zip(q["raw"], q["reason"])}


def audit(gpkg):
    log = open_store(gpkg).read("audit")
    return log[log["action"].str.startswith("mission")]


# -- without an area: stored, and the import says why it could not check ---------------------------------
def test_a_new_store_has_no_area_and_the_import_says_so_once(capsys, gpkg, swapped_csv):
    proc = run_main(capsys, "import", swapped_csv, "--store", gpkg)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(NOTE) == 1 and HINT in proc.stdout, proc.stdout   # the desk's words, the CLI's hint
    s = open_store(gpkg)
    assert len(s.read("alerts")) == 2 and s.read("quarantine").empty     # the swap cannot be seen
    assert NOTE in json.loads(s.read("imports")["notes"].iloc[0])         # and the import log keeps why
    assert s.get_setting("mission_bbox") is None                         # nothing guessed behind the user's back


def test_validate_gives_the_note_too(capsys, gpkg, swapped_csv):
    proc = run_main(capsys, "validate", swapped_csv, "--store", gpkg)
    assert proc.returncode == 0 and proc.stdout.count(NOTE) == 1, proc.stdout


def test_show_says_none_is_set_and_how_to_set_one(capsys, gpkg):
    proc = mission(capsys, gpkg, "show")
    assert proc.returncode == 0, proc.stderr
    assert "no mission area set" in proc.stdout and "mission set --country" in proc.stdout
    assert "mission set --bbox" in proc.stdout and "mission set --locale" in proc.stdout


# -- with an area: the swap inside the valid range is quarantined ------------------------------------------
def test_bbox_area_quarantines_a_swap_inside_the_valid_range(capsys, gpkg, swapped_csv):
    proc = mission(capsys, gpkg, "set", "--bbox", CAR_BOX)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(open_store(gpkg).get_setting("mission_bbox")) == [14.4, 2.2, 27.5, 11.2]
    proc = run_main(capsys, "import", swapped_csv, "--store", gpkg)
    assert proc.returncode == 0, proc.stderr
    assert NOTE not in proc.stdout
    assert open_store(gpkg).read("alerts")["id"].tolist() == ["A1"]
    assert quarantine_reasons(gpkg) == {"A2": SWAP_REASON}
    shown = mission(capsys, gpkg, "show").stdout
    assert "longitude 14.4 to 27.5" in shown and "latitude 2.2 to 11.2" in shown


def test_country_area_comes_from_the_shipped_basemap(capsys, gpkg, swapped_csv):
    proc = mission(capsys, gpkg, "set", "--country")
    assert proc.returncode == 0, proc.stderr
    assert "Central African Rep." in proc.stdout
    x0, y0, x1, y1 = json.loads(open_store(gpkg).get_setting("mission_bbox"))
    assert x0 < CAR_OUTLINE[0] and y0 < CAR_OUTLINE[1] and x1 > CAR_OUTLINE[2] and y1 > CAR_OUTLINE[3]
    assert max(CAR_OUTLINE[0] - x0, CAR_OUTLINE[1] - y0, x1 - CAR_OUTLINE[2], y1 - CAR_OUTLINE[3]) <= 1
    assert run_main(capsys, "import", swapped_csv, "--store", gpkg).returncode == 0
    assert quarantine_reasons(gpkg) == {"A2": SWAP_REASON}
    assert "Central African Rep." in mission(capsys, gpkg, "show").stdout


def test_country_by_name_or_code_and_unknown_country_refused(capsys, tmp_path):
    for i, spelling in enumerate(["CMR", "cameroon"]):
        path = tmp_path / f"s{i}.gpkg"
        assert mission(capsys, path, "set", "--country", spelling).returncode == 0
        x0, y0, x1, y1 = json.loads(open_store(path).get_setting("mission_bbox"))
        assert x0 < 8.49 and x1 > 16.01 and y0 < 1.73 and y1 > 12.85            # Cameroon, not CAR
    path = tmp_path / "none.gpkg"
    proc = mission(capsys, path, "set", "--country", "Atlantis")
    assert proc.returncode == 2 and "'Atlantis' is not in the shipped basemap" in proc.stderr
    assert "CAF" in proc.stderr                                                  # the user is told what is there
    assert open_store(path).get_setting("mission_bbox") is None


# -- nothing a user set is overwritten without --replace ------------------------------------------------------
def test_changing_an_area_needs_replace(capsys, gpkg):
    assert mission(capsys, gpkg, "set", "--bbox", CAR_BOX).returncode == 0
    proc = mission(capsys, gpkg, "set", "--bbox", "14,2,28,12")
    assert proc.returncode == 2 and "--replace" in proc.stderr and "already has a mission area" in proc.stderr
    assert json.loads(open_store(gpkg).get_setting("mission_bbox")) == [14.4, 2.2, 27.5, 11.2]
    proc = mission(capsys, gpkg, "set", "--country")
    assert proc.returncode == 2 and "--replace" in proc.stderr
    proc = mission(capsys, gpkg, "set", "--bbox", CAR_BOX)                        # the same area: nothing to replace
    assert proc.returncode == 0 and "unchanged" in proc.stdout
    proc = mission(capsys, gpkg, "set", "--bbox", "14,2,28,12", "--replace")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(open_store(gpkg).get_setting("mission_bbox")) == [14, 2, 28, 12]


def test_changing_the_locale_needs_replace_and_a_refusal_changes_nothing(capsys, gpkg):
    assert mission(capsys, gpkg, "set", "--locale", "fr").returncode == 0
    proc = mission(capsys, gpkg, "set", "--locale", "en", "--bbox", CAR_BOX)
    assert proc.returncode == 2 and "--replace" in proc.stderr and "locale" in proc.stderr
    s = open_store(gpkg)
    assert s.get_setting("mission_locale") == "fr" and s.get_setting("mission_bbox") is None   # all or nothing
    assert mission(capsys, gpkg, "set", "--locale", "en", "--replace").returncode == 0
    assert open_store(gpkg).get_setting("mission_locale") == "en"


@pytest.mark.parametrize("bbox, message", [
    ("14.4,2.2,27.5", "four numbers"),
    ("14.4,2.2,27.5,11.2,3", "four numbers"),
    ("west,2.2,27.5,11.2", "'west' is not a number"),
    ("nan,2.2,27.5,11.2", "'nan' is not a number"),
    ("14.4,2.2,190,11.2", "longitude 190 is outside [-180, 180]"),
    ("14.4,-95,27.5,11.2", "latitude -95 is outside [-90, 90]"),
    ("27.5,2.2,14.4,11.2", "MINLON 27.5 must be less than MAXLON 14.4"),
    ("14.4,11.2,27.5,2.2", "MINLAT 11.2 must be less than MAXLAT 2.2"),
    ("14.4,2.2,14.4,11.2", "must be less than"),
    ("0,2.2,45,11.2", "45° wide"),
    ("14.4,-30,27.5,11.2", "41.2° high"),
])
def test_bad_bbox_is_refused_with_a_message(capsys, gpkg, bbox, message):
    proc = mission(capsys, gpkg, "set", "--bbox", bbox)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert proc.stderr.startswith("error: --bbox") and "MINLON,MINLAT,MAXLON,MAXLAT" in proc.stderr
    assert open_store(gpkg).get_setting("mission_bbox") is None and audit(gpkg).empty


@pytest.mark.parametrize("args, message", [
    ([], "--bbox, --country or --locale"),
    (["--bbox", CAR_BOX, "--country"], "not allowed with"),
    (["--locale", "fr!"], "'fr!' is not a locale"),
    (["--country", "--margin", "-1"], "--margin"),
    (["--bbox", CAR_BOX, "--margin", "1"], "--margin"),
])
def test_bad_set_arguments_are_refused(capsys, gpkg, args, message):
    proc = mission(capsys, gpkg, "set", *args)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


# -- the mission's locale reaches the number parser at import -------------------------------------------------
def test_locale_fr_reads_18_000_as_18000(capsys, tmp_path, sites_csv):
    plain = tmp_path / "plain.gpkg"
    assert run_main(capsys, "import", sites_csv, "--store", plain).returncode == 0
    assert open_store(plain).read("sites").empty
    assert quarantine_reasons(plain) == {"S1": "population: '18.000' is ambiguous (18 or 18000?); "
                                                "write the number without a thousands separator"}
    french = tmp_path / "fr.gpkg"
    assert mission(capsys, french, "set", "--locale", "fr").returncode == 0
    proc = run_main(capsys, "import", sites_csv, "--store", french)
    assert proc.returncode == 0, proc.stderr
    assert open_store(french).read("sites")["population"].tolist() == [18000]
    assert "because the mission's locale is 'fr'" in proc.stdout
    assert "number locale: fr" in mission(capsys, french, "show").stdout


def test_locale_reaches_patrol_route_points(capsys, tmp_path):
    points = tmp_path / "patrol_points.csv"
    points.write_text("patrol_id,seq,time,lat,lon\n"
                      "P1,1.000,2018-11-01T08:00Z,4.70,20.60\nP1,1.001,2018-11-01T09:00Z,4.75,20.64\n")
    plain, french = tmp_path / "plain.gpkg", tmp_path / "fr.gpkg"
    assert run_main(capsys, "import", points, "--store", plain).returncode == 0
    q = open_store(plain).read("quarantine")
    assert len(q) == 2 and q["reason"].str.contains("'1.000' is ambiguous").any()
    assert mission(capsys, french, "set", "--locale", "fr_CF").returncode == 0
    assert run_main(capsys, "import", points, "--store", french).returncode == 0
    assert open_store(french).read("quarantine").empty and len(open_store(french).read("patrols")) == 1


# -- every change is in the audit log, with who made it ----------------------------------------------------
def test_every_change_is_audited_with_the_acting_user(capsys, gpkg, monkeypatch):
    assert mission(capsys, gpkg, "set", "--bbox", CAR_BOX, "--locale", "fr").returncode == 0
    assert mission(capsys, gpkg, "set", "--bbox", CAR_BOX).returncode == 0          # unchanged: no entry
    monkeypatch.setenv("EWARNING_USER", "bo.chief")
    assert mission(capsys, gpkg, "set", "--country", "--replace").returncode == 0
    log = audit(gpkg)
    assert list(zip(log["user"], log["action"])) == [("ana.analyst", "mission_area"),
                                                     ("ana.analyst", "mission_locale"),
                                                     ("bo.chief", "mission_area")]
    first, _, last = (json.loads(d) for d in log["detail"])
    assert first["bbox"] == [14.4, 2.2, 27.5, 11.2] and first["previous"] is None
    assert last["previous"] == [14.4, 2.2, 27.5, 11.2] and "CAF" in last["source"]
    assert json.loads(log["detail"].iloc[1]) == {"locale": "fr", "previous": None}
