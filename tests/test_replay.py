"""Training replay (issue #11): the replay view against an independent as-of recomputation, the trainee's
decision point, the reveal's scoring, handover notes, saving a period as a scenario, and ``replay export``.

The independent recomputation reads the scenario's raw CSV files with pandas (not the importer, not
:mod:`ewarning.asof`) and applies the as-of rules by hand: alerts reported strictly before ``T``, sites
opened by ``T`` and not closed, base periods begun by ``T`` and not ended, patrols started before ``T``;
its hotspots are scored by the engine on layers holding *only* those rows.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from ewarning import filters as flt
from ewarning import views
from ewarning.auth import PermissionDenied, User
from ewarning.auth.audit import REFUSED
from ewarning.hotspots import score_hotspots
from ewarning.training import exercises as ex
from ewarning.training.handover import handover_notes
from ewarning.training.scenarios import (GEODATA, list_scenarios, load_engagements, load_layers, load_scenario,
                                         save_scenario)

TRAINER, TRAINEE, ANALYST = User("tia", "trainer"), User("tom", "trainee"), User("ana", "analyst")
ATTACK = pd.Timestamp("2018-11-15", tz="UTC")


@pytest.fixture(scope="module")
def alindao():
    s = load_scenario("alindao")
    return s, load_layers(s)


def _raw(name):
    return pd.read_csv(GEODATA / "demo" / name, dtype=str, keep_default_na=False)


def _utc(series):
    return pd.to_datetime(series.replace("", None), utc=True, format="ISO8601")


@pytest.fixture(scope="module")
def raw():
    a, s, p, t = _raw("alerts.csv"), _raw("sites.csv"), _raw("presence.csv"), _raw("patrols.csv")
    return {"alerts": a.assign(t=_utc(a["reported_at"])),
            "sites": s.assign(o=_utc(s["opened"]), c=_utc(s["closed"])),
            "presence": p.assign(s=_utc(p["start"]), e=_utc(p["end"])),
            "patrols": t.assign(s=_utc(t["start"]))}


def _known_by_hand(raw, day):
    a, s, p, t = raw["alerts"], raw["sites"], raw["presence"], raw["patrols"]
    return {"alerts": set(a.loc[a["t"] < day, "id"]),
            "sites": set(s.loc[(s["o"].isna() | (s["o"] <= day)) & (s["c"].isna() | (s["c"] > day)), "site_id"]),
            "presence": set(zip(p.loc[(p["s"] <= day) & (p["e"].isna() | (p["e"] > day)), "base_id"],
                                p.loc[(p["s"] <= day) & (p["e"].isna() | (p["e"] > day)), "s"])),
            "patrols": set(t.loc[t["s"] < day, "patrol_id"])}


def test_scenario_library_ships_the_four_scenarios():
    names = list_scenarios()
    assert {"alindao", "ucdp-car-2020", "reprisal", "duplication"} <= set(names)
    for name in names:
        s = load_scenario(name)
        assert s.title and s.description and s.learning_points and s.decision_point is not None
        assert s.parts and set(s.parts.values()) <= {"synthetic", "real", "illustrative"}
    ucdp = load_scenario("ucdp-car-2020")
    assert ucdp.parts["alerts"] == "real" and ucdp.parts["presence"] == "illustrative" and "UCDP" in ucdp.sources


def test_scenario_files_stay_inside_geodata(tmp_path):
    home = tmp_path / "evil"
    home.mkdir()
    (home / "scenario.json").write_text(json.dumps({"title": "x", "files": {"alerts": ["../../../../etc/passwd"]}}))
    with pytest.raises(ValueError, match="outside"):
        load_scenario("evil", tmp_path)


def test_replay_days_stop_at_the_data(alindao):
    s, layers = alindao
    days = views.replay_days(layers)
    last_report = layers.alerts["reported_at"].max()
    assert days[-1] == last_report.normalize() + pd.Timedelta(days=1)          # sees the last report, no later day
    assert views.replay_days(layers, (s.period[0], "2030-01-01"))[-1] == days[-1]
    assert views.replay_days(layers, ("2030-01-01", None)) == []
    cut = views.replay_days(layers, s.period)
    assert cut[0] == s.period[0] and all(b - a == pd.Timedelta(days=1) for a, b in zip(cut, cut[1:]))


def test_every_replayed_day_equals_an_independent_as_of_recomputation(alindao, raw):
    s, layers = alindao
    assert set(layers.alerts["id"]) == set(raw["alerts"]["id"]), "the import lost or added reports"
    days = views.replay_days(layers, s.period)
    assert len(days) > 60
    engine = views.replay_engine(layers, flt.Filters(end=days[0]))
    for day in days:
        f = flt.Filters(end=day)
        p = views.replay_picture(layers, f, TRAINER, engine=engine)
        hand = _known_by_hand(raw, day)
        k = p.known
        assert set(k.alerts["id"]) == hand["alerts"], day
        assert set(k.sites["site_id"]) == hand["sites"], day
        assert set(zip(k.presence["base_id"], k.presence["start"])) == hand["presence"], day
        assert set(k.patrols["patrol_id"]) == hand["patrols"], day
        sit = views.situation(p)
        window = raw["alerts"][(raw["alerts"]["t"] < day) & (raw["alerts"]["t"] >= day - pd.Timedelta(days=30))]
        assert set(sit.alerts["id"]) == set(window["id"]), day
        assert set(sit.patrols["patrol_id"]) <= hand["patrols"]
        # the hotspots, scored on layers that hold nothing the raw files say was unknown that day
        alerts = layers.alerts[layers.alerts["id"].isin(hand["alerts"])]
        sites = layers.sites[layers.sites["site_id"].isin(hand["sites"])]
        bases = layers.presence[[(b, t) in hand["presence"] for b, t in zip(layers.presence["base_id"],
                                                                             layers.presence["start"])]]
        patrols = layers.patrols[layers.patrols["patrol_id"].isin(hand["patrols"])]
        ref = score_hotspots(flt.scoring_alerts(alerts, f), sites, bases, patrols, as_of=day).hotspots
        got = p.hotspots
        assert got["hotspot_id"].tolist() == ref["hotspot_id"].tolist(), day
        assert got["score"].round(6).tolist() == ref["score"].round(6).tolist(), day
        assert got["flagged"].tolist() == ref["flagged"].tolist(), day
        assert [sorted(x) for x in got["alert_ids"]] == [sorted(x) for x in ref["alert_ids"]], day
        assert all(set(ids) <= hand["alerts"] for ids in got["alert_ids"]), day


def test_the_engine_flags_alindao_before_the_attack(alindao):
    s, layers = alindao
    flagged_days = []
    for day in views.replay_days(layers, (s.period[0], ATTACK)):
        hot = views.replay_picture(layers, flt.Filters(end=day), TRAINER).hotspots
        if hot["flagged"].astype(bool).any() and hot.loc[hot["flagged"].astype(bool), "place"].str.contains(
                "Alindao").any():
            flagged_days.append(day)
    assert flagged_days and flagged_days[0] < ATTACK
    assert (ATTACK - flagged_days[0]).days >= 5, flagged_days[0]
    assert s.decision_point in flagged_days            # the exercise's decision day shows the flag


def test_a_trainee_is_refused_past_the_decision_point_through_the_view(alindao, tmp_path):
    from ewarning.store import open_store

    s, layers = alindao
    exercise = s.exercise()
    store = open_store(str(tmp_path / "audit.gpkg"))
    p = views.replay_picture(layers, flt.Filters(end=exercise.decision_point), TRAINEE, exercise, store=store)
    assert p.known.alerts["reported_at"].max() < exercise.decision_point
    assert p.known.alerts["text"].dropna().str.startswith("[free text withheld").all()   # trainees see no text
    assert "reporter_key" not in p.known.alerts.columns
    later = exercise.decision_point + pd.Timedelta(days=1)
    with pytest.raises(PermissionDenied, match="after the exercise's decision point"):
        views.replay_picture(layers, flt.Filters(end=later), TRAINEE, exercise, store=store)
    refused = store.audit_log(action=REFUSED)
    assert len(refused) == 1 and refused["user"].iloc[0] == "tom" and "decision point" in refused["detail"].iloc[0]
    # a trainer goes past it; an analyst may not replay at all
    assert views.replay_picture(layers, flt.Filters(end=later), TRAINER, exercise).as_of == later
    with pytest.raises(PermissionDenied):
        views.replay_picture(layers, flt.Filters(end=later), ANALYST, exercise)
    with pytest.raises(PermissionDenied, match="outside an exercise"):   # a trainee replays within an exercise
        views.replay_picture(layers, flt.Filters(end=exercise.decision_point), TRAINEE, store=store)
    assert len(store.audit_log(action=REFUSED)) == 2
    with pytest.raises(PermissionDenied):   # the handover notes go through the same check
        handover_notes(layers, later, TRAINEE, centre=(21.217, 5.0365), exercise=exercise)


# -- the reveal, against hand-computed answers ----------------------------------------------------------------
def _reveal_layers():
    dp = pd.Timestamp("2018-11-10", tz="UTC")
    day = pd.Timedelta(days=1)
    rows = [  # id, occurred, category, killed, lon, lat, duplicate_of
        ("A", dp + day, "killing", 3, 20.00, 5.00, None),           # near the trainee's first pick: 1 day ahead
        ("A2", dp + day, "killing", 9, 20.00, 5.00, "A"),            # a duplicate of A: one incident of 9 killed
        ("B", dp + 5 * day, "abduction", 0, 20.50, 5.00, None),      # inside the engine's area, 55 km east
        ("C", dp + 20 * day, "killing", 7, 20.00, 5.00, None),       # after the 14-day horizon
        ("D", dp + 2 * day, "looting", 0, 20.00, 5.00, None),        # not serious
        ("E", dp - day, "killing", 1, 20.00, 5.00, None),            # before the decision point
    ]
    alerts = gpd.GeoDataFrame({"id": [r[0] for r in rows], "occurred_at": [r[1] for r in rows],
                               "reported_at": [r[1] + pd.Timedelta(hours=2) for r in rows],
                               "category": [r[2] for r in rows], "killed": [r[3] for r in rows],
                               "duplicate_of": [r[6] for r in rows]},
                              geometry=[Point(r[4], r[5]) for r in rows], crs="EPSG:4326")
    return dp, views.Layers(alerts=alerts)


def test_reveal_scores_hits_misses_and_lead_time_as_computed_by_hand(tmp_path):
    dp, layers = _reveal_layers()
    exercise = ex.Exercise("hand", dp, ["Which places?"], horizon_days=14, tolerance_km=10)
    trainee = (ex.Pick("near A", Point(20.018, 5.0), "joint_protection_team", "site S1"),   # ~2 km from A
               ex.Pick("far away", Point(22.0, 6.0), "formed_police_unit", "site S2"))
    answer = ex.Answer(exercise.exercise_id, "tom", trainee)
    engine = [ex.Pick("engine area", Point(20.5, 5.0).buffer(0.05), "none", "hotspot H-1")]
    r = ex.reveal(exercise, answer, layers, TRAINEE, engine_picks=engine)
    assert r.incidents["id"].tolist() == ["A", "B"]
    t, e = r.summary["trainee"], r.summary["engine"]
    assert (t["incidents"], t["hits"], t["misses"], t["false_alarms"]) == (2, 1, 1, 1)
    assert (t["killed_covered"], t["killed_total"], t["lead_days_median"], t["hit_rate"]) == (9, 9, 1.0, 0.5)
    assert (e["hits"], e["misses"], e["false_alarms"], e["lead_days_median"], e["killed_covered"]) == (1, 1, 0, 5.0, 0)
    rows = r.picks.set_index("place")
    assert rows.loc["near A", "hits"] == 1 and rows.loc["near A", "lead_days"] == 1.0
    assert bool(rows.loc["far away", "false_alarm"]) and rows.loc["engine area", "lead_days"] == 5.0
    assert r.incidents.set_index("id").loc["A", "trainee_pick"] == "near A"
    assert not r.incidents.set_index("id").loc["A", "engine_hit"]
    # another trainee's answer is not tom's to reveal; a trainer may
    with pytest.raises(PermissionDenied):
        ex.reveal(exercise, ex.Answer(exercise.exercise_id, "una", trainee), layers, TRAINEE, engine_picks=engine)
    assert ex.reveal(exercise, answer, layers, TRAINER, engine_picks=engine).summary["trainee"]["hits"] == 1
    # saved and exported for the debrief
    js, csv = ex.save_result(r, tmp_path)
    assert json.loads(js.read_text())["summary"]["trainee"]["hits"] == 1
    table = pd.read_csv(csv)
    assert set(table["by"]) >= {"trainee", "engine", "summary: trainee", "summary: engine"}
    results = ex.load_results(exercise.exercise_id, tmp_path)
    assert results[["trainee", "hits", "incidents", "engine_hits"]].values.tolist() == [["tom", 1, 2, 1]]


def test_reveal_on_the_alindao_scenario_uses_the_engine_at_the_decision_point(alindao):
    s, layers = alindao
    exercise = s.exercise()
    p = views.replay_picture(layers, flt.Filters(end=exercise.decision_point), TRAINEE, exercise)
    options = ex.candidates(p)
    alindao_site = options[options["ref"] == "site S-ALD-01"]
    assert len(alindao_site) == 1
    answer = ex.Answer(exercise.exercise_id, "tom", (ex.Pick(alindao_site["place"].iloc[0],
                                                             alindao_site.geometry.iloc[0], "joint_protection_team",
                                                             "site S-ALD-01"),))
    r = ex.reveal(exercise, answer, layers, TRAINEE)
    assert r.summary["trainee"]["hits"] >= 1 and r.summary["engine"]["hits"] >= r.summary["trainee"]["hits"]
    attack = r.incidents[r.incidents["killed"] >= 50]
    assert len(attack) >= 1 and attack["trainee_hit"].all() and attack["engine_hit"].all()
    assert attack["killed"].max() == 112                            # the gravest of the linked reports
    assert ((attack["lead_days"] >= 5.0) & (attack["lead_days"] <= 7.0)).all()


# -- handover notes ---------------------------------------------------------------------------------------
def test_handover_notes_hold_no_reporter_key_and_no_free_text(alindao):
    s, layers = alindao
    notes = handover_notes(layers, ATTACK, TRAINER, centre=(21.217, 5.0365), radius_km=30, name="Alindao")
    html = notes.html()
    assert notes.focal_points["reporters (last 30 days)"].sum() > 0          # counts are there
    assert len(notes.hotspots) and notes.hotspots["flagged"].any() and len(notes.history) > len(notes.hotspots)
    keys = set(layers.alerts["reporter_key"].dropna())
    assert keys and not any(k in html for k in keys)
    texts = [t for t in layers.alerts["text"].dropna() if len(t) > 25]
    assert texts and not any(t in html for t in texts)
    assert "<script" not in html.lower()


def test_handover_notes_list_questions_already_asked():
    s = load_scenario("duplication")
    layers, engagements = load_layers(s), load_engagements(s)
    notes = handover_notes(layers, s.decision_point, TRAINER, centre=(21.225, 6.255), radius_km=25,
                           name="Ippy <b>site</b>", engagements=engagements)
    q = notes.questions.set_index("topic")
    assert q.loc["security concerns", "times asked"] == 5 and q.loc["security concerns", "components"] == 3
    assert any("coordinate before the next visit" in c for c in notes.concerns)
    assert "Ippy &lt;b&gt;site&lt;/b&gt;" in notes.html() and "<b>site</b>" not in notes.html()


# -- saving a period of the store as a scenario -----------------------------------------------------------------
def test_trainers_save_a_period_of_the_store_as_a_scenario(tmp_path):
    from ewarning.importing import import_files
    from ewarning.store import open_store

    source = load_scenario("reprisal")
    store = open_store(str(tmp_path / "joc.gpkg"))
    import_files(store, [p for layer in ("sites", "presence", "patrols", "alerts") for p in source.files[layer]],
                 user="analyst", secret=b"store-secret")
    with pytest.raises(PermissionDenied):
        save_scenario(store, "2018-04-01", "2018-05-15", "kembe", TRAINEE, folder=tmp_path / "lib")
    saved = save_scenario(store, "2018-04-01", "2018-05-15", "kembe", TRAINER, folder=tmp_path / "lib",
                          decision_point="2018-04-28", learning_points=["x"])
    assert saved.decision_point == pd.Timestamp("2018-04-28", tz="UTC") and saved.parts["alerts"] == "real"
    copy = load_layers(saved, tmp_path / "lib")
    mine = store.read("alerts")
    start = pd.Timestamp("2018-04-01", tz="UTC") - pd.Timedelta(days=180)
    expect = mine[(mine["reported_at"] >= start) & (mine["reported_at"] < pd.Timestamp("2018-05-15", tz="UTC"))]
    assert set(copy.alerts["id"]) == set(expect["id"])
    assert copy.alerts["text"].isna().all() or (copy.alerts["text"].fillna("") == "").all()
    assert not set(copy.alerts["reporter_key"].dropna()) & set(mine["reporter_key"].dropna())
    # one source stays one source
    assert copy.alerts["reporter_key"].nunique() == expect["reporter_key"].nunique()
    assert len(store.audit_log(action="scenario saved")) == 1
    # the replay of the saved period scores as the store did
    day = pd.Timestamp("2018-05-01", tz="UTC")
    ours = views.replay_picture(copy, flt.Filters(end=day), TRAINER).hotspots
    theirs = views.replay_picture(views.Layers.from_store(store), flt.Filters(end=day), TRAINER).hotspots
    assert ours["score"].round(6).tolist() == theirs["score"].round(6).tolist()
    with pytest.raises(ValueError, match="already exists"):
        save_scenario(store, "2018-04-01", "2018-05-15", "kembe", TRAINER, folder=tmp_path / "lib")


def test_the_shipped_synthetic_scenarios_match_their_generator(tmp_path):
    from ewarning.training.synthetic import SCENARIOS, write

    write(tmp_path)
    for name in SCENARIOS:
        for path in sorted((tmp_path / name).glob("*.csv")):
            assert path.read_bytes() == (GEODATA / "scenarios" / name / path.name).read_bytes(), path.name


# -- the command line -----------------------------------------------------------------------------------------
def test_replay_export_writes_each_day_and_a_summary(tmp_path):
    from ewarning.cli import main

    out = tmp_path / "days"
    assert main(["replay", "export", "--scenario", "duplication", "--out", str(out), "--from", "2018-03-01",
                 "--to", "2018-03-05"]) == 0
    files = sorted(p.name for p in out.glob("*.geojson"))
    assert files == ["20180228.geojson", "20180301.geojson", "20180302.geojson", "20180303.geojson",
                     "20180304.geojson"]
    summary = pd.read_csv(out / "summary.csv")
    assert summary["day"].tolist() == ["2018-02-28", "2018-03-01", "2018-03-02", "2018-03-03", "2018-03-04"]
    assert (summary["alerts_known"].diff().dropna() >= 0).all()
    doc = json.loads((out / "20180304.geojson").read_text())
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert layers == {"hotspot", "alert"}
    for feature in doc["features"]:
        assert "text" not in feature["properties"] and "reporter_key" not in feature["properties"]
        if feature["properties"]["layer"] == "alert":
            assert feature["properties"]["reported_at"] < "2018-03-05"
    assert main(["replay", "export", "--scenario", "nope", "--out", str(out)]) == 2
