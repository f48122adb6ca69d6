"""The engagement log layer and its views on synthetic logs, with hand-computed answers.

Also: the log imports like the other layers (rows quarantined with reasons, no
names kept), the presence gap and the hotspot explanation use it, the demo
shows duplication at Alindao town and silence at the Alindao IDP site, and the
desk page renders its tables.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from ewarning.i18n import Translator
from ewarning.i18n.phrases import render_one

from ewarning.auth import PermissionDenied, User
from ewarning.engagement import log as elog
from ewarning.engagement import views as ev
from ewarning.hotspots import HotspotConfig, explain, presence_gap
from ewarning.importing import import_files
from ewarning.io.base import RawTable
from ewarning.store import open_store

WHEN = pd.Timestamp("2018-11-15", tz="UTC")
A = (5.0600, 21.2050)           # community A (lat, lon)
SITE = (5.0365, 21.2170)        # an IDP site 2.9 km from A
FAR = (6.5400, 21.9800)         # far away (Bria)


def _log(rows) -> gpd.GeoDataFrame:
    """Validated-shape engagements from (id, day, component, community, (lat, lon), topics, women, men, activity)."""
    frame = pd.DataFrame(rows, columns=["engagement_id", "date", "component", "community", "at", "topics",
                                        "participants_women", "participants_men", "activity"])
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    frame["topics"] = frame["topics"].map(elog.normalise_topics)
    frame["questions"] = None
    geom = [Point(lon, lat) for lat, lon in frame.pop("at")]
    return gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326")


@pytest.fixture()
def log() -> gpd.GeoDataFrame:
    m = "community_meeting"
    return _log([
        ("E1", "2018-10-01", "civil_affairs", "Community A", A, "Security; Return", 4, 16, m),
        ("E2", "2018-10-10", "military", "community a ", A, "sécurité|security", 0, 30, m),
        ("E3", "2018-10-30", "police", "Community A", A, "security", 5, 5, m),       # 20 days after E2
        ("E4", "2018-11-07", "human_rights", "Community A", A, "Security", 10, 10, "joint_protection_team"),
        ("E5", "2018-10-20", "civil_affairs", "Community B", FAR, "security", 3, 3, m),
        ("E6", "2018-10-25", "civil_affairs", "Community B", FAR, "security", 3, 3, m),  # same component
        ("E7", "2018-11-20", "military", "Community A", A, "security", 0, 9, m),     # after WHEN: unknown yet
        ("E8", "2018-09-01", "cla", "Site camp", SITE, "early warning", 6, 2, "cla_contact"),
    ])


# -- the layer -------------------------------------------------------------------------------------
def test_validation_quarantines_bad_rows_with_their_reasons_and_scrubs_questions():
    raw = pd.DataFrame({
        "engagement_id": ["E1", "E2", "E3", "E4", "E5", "E1", "E7"],
        "occurred_at": ["2018-11-01", "2018-11-02", "not a date", "2018-11-03", "2031-01-01", "2018-11-04",
                        "2018-11-05"],
        "component": ["Affaires civiles", "force", "police", "police", "police", "police", "astronauts"],
        "activity": ["JPT", "réunion communautaire", "LPC", "meeting", "meeting", "meeting", "meeting"],
        "community": ["Alindao", "Alindao", "Bria", None, "Bria", "Bria", "Bria"],
        "lat": ["5.06", "5.06", "6.54", "6.54", "6.54", "6.54", "6.54"],
        "lon": ["21.2", "21.2", "21.98", "21.98", "21.98", "21.98", "21.98"],
        "participants_women": ["12", "-3", "1", "1", "1", "1", "1"],
        "questions": ["Call me on +236 70 11 22 33", None, None, None, None, None, None]},
        index=range(1, 8))
    v = elog.validate(RawTable("engagements", raw, "e.csv", "own"), now=WHEN)
    assert v.valid["engagement_id"].tolist() == ["E1"]
    row = v.valid.iloc[0]
    assert (row["component"], row["activity"], row["date"]) == ("civil_affairs", "joint_protection_team",
                                                                pd.Timestamp("2018-11-01", tz="UTC"))
    assert "+236" not in row["questions"] and "[phone removed]" in row["questions"]
    reasons = v.quarantine.set_index("source_row")["reason"]
    assert "participants_women: -3 is below 0" in reasons[2]
    assert "date" in reasons[3] or "occurred_at" in reasons[3]
    assert "community: missing" in reasons[4]
    assert "future" in reasons[5]
    assert "duplicate id 'E1'" in reasons[6]
    assert "component: unknown value 'astronauts'" in reasons[7]
    assert len(v.valid) + len(v.quarantine) == 7


def test_import_stores_the_log_and_drops_named_people(tmp_path):
    src = tmp_path / "engagements.csv"
    src.write_text("engagement_id,date,component,activity,community,lat,lon,participants_women,participants_men,"
                   "topics,questions,participant_names\n"
                   "E1,2018-11-01,civil affairs,community meeting,Alindao,5.06,21.2,4,11,security;return,"
                   "Where are the armed men?,Jean Dupont; Marie Yakité\n"
                   "E2,2018-11-02,military,meeting,Alindao,0,0,0,20,security,,\n", encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [src], user="ana", secret=b"k", now=WHEN)
    assert report.status == "imported", report.summary()
    assert report.by_layer["engagements"] == {"read": 2, "stored": 1, "quarantined": 1}
    stored = store.read("engagements")
    assert stored["engagement_id"].tolist() == ["E1"] and stored["participants_women"].tolist() == [4]
    assert "participant_names" not in stored.columns
    everything = " ".join(map(str, [stored.to_dict(), store.read("quarantine").to_dict()]))
    assert "Dupont" not in everything and "Yakité" not in everything
    assert "0/0" in report.quarantine["reason"].iloc[0] or "null island" in report.quarantine["reason"].iloc[0] \
        or "lat/lon" in report.quarantine["reason"].iloc[0]
    assert len(store.read("engagements", until="2018-11-01")) == 0      # dated the 1st: not known at its start
    assert len(store.read("engagements", until="2018-11-02")) == 1


# -- the views -------------------------------------------------------------------------------------
def test_duplication_by_hand(log):
    d = ev.duplication(log, WHEN, window_days=14)
    # Community A, topic "security": E1 (1 Oct) - E2 (10 Oct, 9 days) chain; E3 (30 Oct) is 20 days after E2:
    # a new chain E3 - E4 (8 days). "securite" (French spelling) is E2's second topic, alone: no duplicate.
    # Community B: one component only. E7 is after the as-of time.
    assert d[["community", "topics", "components", "engagements"]].values.tolist() == [
        ["Community A", "security", "human_rights, police", "E3, E4"],
        ["Community A", "security", "civil_affairs, military", "E1, E2"]]
    wide = ev.duplication(log, WHEN, window_days=30)
    assert wide["engagements"].tolist() == ["E1, E2, E3, E4"]
    assert ev.duplication(log, WHEN, window_days=5).empty


def test_recency_by_hand(log):
    r = ev.recency(log, WHEN, days=30).set_index("community")
    a = r.loc["Community A"]
    assert a["last_date"] == pd.Timestamp("2018-11-07", tz="UTC") and a["days_ago"] == 8.0
    assert a["last_component"] == "human_rights" and a["engagements"] == 2     # E3 (16 days), E4 (8 days)
    assert a["women_share"] == pytest.approx(15 / 30)                          # (5 + 10) / (10 + 20)
    assert r.loc["Community B", "days_ago"] == 21.0
    assert list(r.index) == ["Site camp", "Community B", "Community A"]      # longest silent first


def test_site_recency_counts_only_engagements_at_the_site(log):
    sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "name": ["Site camp", "Quiet camp"],
                              "population": [18000.0, 500.0], "opened": pd.NaT, "closed": pd.NaT},
                             geometry=[Point(SITE[1], SITE[0]), Point(FAR[1] + 0.2, FAR[0])], crs="EPSG:4326")
    s = ev.site_recency(log, sites, WHEN, km=2.0).set_index("site_id")
    assert s.loc["S1", "days_ago"] == 75.0 and s.loc["S1", "last_component"] == "cla"   # 1 Sep; A is 2.9 km off
    assert np.isnan(s.loc["S2", "days_ago"])
    s5 = ev.site_recency(log, sites, WHEN, km=5.0).set_index("site_id")
    assert s5.loc["S1", "days_ago"] == 8.0                                      # within 5 km, A counts


def _hotspots(rising: bool) -> gpd.GeoDataFrame:
    crs = "EPSG:32634"
    centre = gpd.GeoSeries([Point(A[1], A[0])], crs="EPSG:4326").to_crs(crs).iloc[0]
    area = gpd.GeoSeries([shapely.buffer(centre, 3000)], crs=crs).to_crs("EPSG:4326")
    return gpd.GeoDataFrame({"place": ["Alindao area"], "rising": [rising],
                             "trend": ["rising" if rising else "persistent, not rising"]},
                            geometry=area.to_numpy(), crs="EPSG:4326")


def test_silence_near_rising_tension_by_hand(log):
    sites = gpd.GeoDataFrame({"site_id": ["S1", "S9"], "name": ["Site camp", "Never camp"],
                              "population": [18000.0, 900.0], "opened": pd.NaT, "closed": pd.NaT},
                             geometry=[Point(SITE[1], SITE[0]), Point(A[1] + 0.05, A[0])], crs="EPSG:4326")
    s = ev.silence(log, _hotspots(True), WHEN, sites, days=21, km=10.0)
    # Never camp (5.5 km east of A): never engaged, first; Site camp: 75 days. Community A (8 days) is not
    # silent; Community B is 160 km away.
    assert s["community"].tolist() == ["Never camp", "Site camp"]
    assert np.isnan(s["days_silent"].iloc[0]) and s["days_silent"].iloc[1] == 75.0
    assert s["kind"].tolist() == ["IDP site", "IDP site"] and set(s["hotspot"]) == {"Alindao area"}
    assert ev.silence(log, _hotspots(False), WHEN, sites).empty                 # only rising tension counts
    assert ev.silence(log, _hotspots(True), WHEN, sites, days=80, km=10.0)["community"].tolist() == ["Never camp"]


def test_cla_coverage_with_the_share_of_women(log):
    bases = gpd.GeoDataFrame({"base_id": ["B1", "B2"], "name": ["Alindao COB", "Bria COB"],
                              "kind": ["company_base", "company_base"], "military": [150, 400], "police": [0, 0],
                              "civilian": [0, 0], "cla": [0, 4], "cla_female": [0, 1],
                              "start": pd.to_datetime(["2017-01-01", "2017-01-01"], utc=True), "end": pd.NaT},
                             geometry=[Point(A[1], A[0] + 0.01), Point(SITE[1], SITE[0])], crs="EPSG:4326")
    c = ev.cla_coverage(bases, log, WHEN, km=20.0, days=90).set_index("base")
    assert c.index.tolist() == ["Alindao COB", "Bria COB"]                       # no liaison assistant first
    assert c.loc["Bria COB", "women_share"] == 0.25 and np.isnan(c.loc["Alindao COB", "women_share"])
    # E8 (cla contact, 1 Sep) is 75 days old: inside 90 days, 0 km from Bria COB's position, 2.6 km from Alindao's
    assert c.loc["Bria COB", "cla_contacts"] == 1 and c.loc["Alindao COB", "cla_contacts"] == 1
    assert ev.cla_coverage(bases, log, WHEN, km=20.0, days=30)["cla_contacts"].sum() == 0


def test_the_views_need_the_desk_permission(log):
    with pytest.raises(PermissionDenied):
        ev.engagement_picture(User("lea", "leadership"), WHEN, log)
    p = ev.engagement_picture(User("ana", "analyst"), WHEN, log)
    assert p.counts["duplications"] == 2 and "E7" not in set(p.engagements["engagement_id"])


# -- the engine ------------------------------------------------------------------------------------
def test_presence_gap_and_explanation_say_the_last_engagement(log):
    crs = "EPSG:32634"
    centre = gpd.GeoSeries([Point(A[1], A[0])], crs="EPSG:4326").to_crs(crs).iloc[0]
    place = shapely.buffer(shapely.points(centre.x / 1000, centre.y / 1000), 2)
    cfg = HotspotConfig()
    patrols = gpd.GeoDataFrame({"patrol_id": ["P1", "P2"], "type": ["dismounted", "vehicle"],
                                "start": pd.to_datetime(["2018-11-10T08:00Z", "2018-11-11T08:00Z"]),
                                "end": pd.to_datetime(["2018-11-10T11:30Z", "2018-11-11T10:00Z"]),
                                "engagements": [1, 0], "cla_present": [False, False]},
                               geometry=[shapely.LineString([(A[1], A[0]), (A[1] + 0.01, A[0])])] * 2,
                               crs="EPSG:4326")
    out = presence_gap.assess([place], None, patrols, crs, WHEN, cfg, engagements=log)
    row = out.iloc[0]
    assert row["last_engagement_days"] == 8.0 and row["last_engagement_component"] == "human_rights"
    assert row["logged_engagements"] == 1                                      # E4 only within 14 days
    assert row["dismounted_hours"] == pytest.approx(3.5)                         # P1 declared dismounted
    measured = patrols.assign(dismounted_min=[30.0, 45.0])
    assert presence_gap.assess([place], None, measured, crs, WHEN, cfg)["dismounted_hours"].iloc[0] == 1.25
    phrase = explain.engagement_phrase(dict(row), cfg)
    assert render_one(phrase, Translator("en")) == ("Last engagement with the communities here 8 day(s) ago (joint "
                                                     "protection team mission, human rights); 1 logged in the last 14 "
                                                     "days.")
    assert render_one(phrase, Translator("fr")) == ("Dernier engagement avec les communautés d’ici il y a 8 jour(s) "
                                                     "(mission d’équipe conjointe de protection, droits de l’homme)"
                                                     "\u00a0; 1 enregistré(s) au cours des 14 derniers jours.")
    without = presence_gap.assess([place], None, patrols, crs, WHEN, cfg)
    assert not without["engagements_known"].iloc[0] and np.isnan(without["last_engagement_days"].iloc[0])


def test_demo_shows_duplication_at_alindao_and_silence_at_its_site(demo_store):
    from ewarning.hotspots import HotspotEngine

    store = open_store(demo_store)
    layers = {k: store.read(k) for k in ("alerts", "sites", "presence", "patrols", "engagements")}
    engine = HotspotEngine(layers["alerts"], layers["sites"], layers["presence"], layers["patrols"])
    hot = engine.with_engagements(layers["engagements"]).score(WHEN).hotspots
    top = hot.iloc[0]
    assert top["place"] == "Alindao Catholic mission site" and top["rising"]
    assert "Last engagement with the communities here 7 day(s) ago (community meeting, police)" in top["explanation"]
    p = ev.engagement_picture(User("ana", "analyst"), WHEN, layers["engagements"], layers["sites"],
                              layers["presence"], hot)
    ald = p.duplication[p.duplication["community"].str.startswith("Alindao town")].iloc[0]
    assert ald["components"] == "civil_affairs, human_rights, military, police" and ald["n"] == 4
    silent = p.silence.set_index("community")
    assert silent.loc["Alindao Catholic mission site", "days_silent"] == 58.0   # last engaged 18 September
    cla = p.cla.set_index("base")
    assert cla.loc["Alindao company base", "cla"] == 0                         # before the 20 November surge


def test_map_layers_escape_every_text():
    import folium

    from ewarning.render import engagement as er

    bad = "<img src=x onerror=alert(1)>`);alert(`${2}"     # HTML, and a way out of folium's JS template literal
    rec = pd.DataFrame({"community": [bad], "last_date": [WHEN], "days_ago": [40.0], "last_activity": [bad],
                        "last_component": ["police"], "engagements": [0], "components": [bad],
                        "women_share": [np.nan], "lat": [5.0], "lon": [21.0]})
    sil = pd.DataFrame({"community": [bad], "kind": ["IDP site"], "hotspot": [bad], "km": [1.0],
                        "last_date": [pd.NaT], "days_silent": [np.nan], "population": [10.0]})
    m = folium.Map(tiles=None)
    er.engagement_layer(rec).add_to(m)
    er.silence_layer(sil, rec).add_to(m)
    html = m.get_root().render()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;&#96;);alert(&#96;&#36;{2}" in html
    assert "`);alert(`" not in html and "$(`" not in html   # no folium popup template (it needs jQuery)
    assert er.recency_colour(40.0) in html and "never engaged" in html


def test_the_desk_page_renders_the_tables(app_store):
    pytest.importorskip("streamlit")
    from tests.signin import signed_in_app

    at = signed_in_app(timeout=120)
    at.run()
    at.switch_page("app_pages/engagement.py").run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Duplications (14-day window)"]) >= 1 and int(metrics["Silent near rising tension"]) >= 1
    tables = [t.value for t in at.dataframe]
    silence = tables[0]
    assert "Alindao Catholic mission site" in set(silence["Community or site"])
    dup = tables[1]
    assert any(c.startswith("Alindao town") for c in dup["Community"])
    patrols = next(t for t in tables if "Declared type" in t.columns)
    assert len(patrols) and (patrols["km"] > 0).all()
    cla = next(t for t in tables if "Share of women" in t.columns)
    assert "Alindao company base" in set(cla["Base"])


def test_the_desk_picture_and_the_command_line_count_the_engagement_log(demo_store, tmp_path):
    """One source: the picture every page draws and `hotspots --store` both read the store's engagement log."""
    import json
    import subprocess
    import sys

    from ewarning import filters as flt
    from ewarning import views

    store = open_store(demo_store)
    when = pd.Timestamp("2018-11-15", tz="UTC")
    layers = views.Layers.from_store(store)
    assert layers.engagements is not None and len(layers.engagements) > 50
    pic = views.picture(layers, flt.Filters(end=when), "ana")
    said = [e for e in pic.hotspots["explanation"] if "Last engagement with the communities here" in e]
    assert said, "no hotspot explanation mentions the engagement log"
    without = views.picture(views.Layers(
        alerts=layers.alerts, sites=layers.sites, presence=layers.presence, patrols=layers.patrols,
        alert_edits=layers.alert_edits), flt.Filters(end=when), "ana")
    assert not any("Last engagement" in e for e in without.hotspots["explanation"])
    out = tmp_path / "h.geojson"
    subprocess.run([sys.executable, "-m", "ewarning", "hotspots", "--store", str(demo_store), "--as-of",
                    "2018-11-15", "--out", str(out)], check=True, capture_output=True, env={"EWARNING_USER": "ana",
                                                                                          "PATH": "/usr/bin:/bin"})
    command = [f["properties"]["explanation"] for f in json.loads(out.read_text())["features"]]
    assert sorted(e for e in command if "Last engagement" in e) == sorted(said)


def test_the_command_line_imports_an_engagement_log_by_its_layer_name(tmp_path):
    import subprocess
    import sys

    from tests.signin import ROOT

    store = tmp_path / "joc.gpkg"
    done = subprocess.run([sys.executable, "-m", "ewarning", "import", str(ROOT / "geodata" / "demo" / "engagements.csv"),
                           "--layer", "engagements", "--store", str(store)], capture_output=True, text=True,
                          env={"EWARNING_USER": "ana", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    stored = open_store(store).read("engagements")
    n_rows = sum(1 for _ in (ROOT / "geodata" / "demo" / "engagements.csv").open(encoding="utf-8")) - 1
    assert len(stored) == n_rows and "engagements:" in done.stdout
