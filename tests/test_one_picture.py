"""One as-of picture for every screen: one count of an incident, a duplicates filter that never moves a
score, and trend words and ranks that say the same thing as the engine's rising label."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.ops

from ewarning import filters as flt
from ewarning.hotspots import HotspotEngine, score_hotspots
from ewarning.hotspots.prepare import AlertIndex
from ewarning.hotspots.watch import watch

warnings.filterwarnings("ignore", message="Geometry is in a geographic CRS")

T = pd.Timestamp("2018-11-15", tz="UTC")


@pytest.fixture(scope="module")
def demo_layers(demo_store):
    from ewarning.store import open_store
    store = open_store(str(demo_store))
    return {k: store.read(k) for k in ("alerts", "sites", "presence", "patrols")}


def _frame(rows):
    return gpd.GeoDataFrame({
        "id": [r[0] for r in rows], "reported_at": pd.to_datetime([r[1] for r in rows], utc=True),
        "category": [r[2] for r in rows], "killed": [r[3] for r in rows],
        "duplicate_of": [r[4] for r in rows]},
        geometry=gpd.points_from_xy([20.68 + 0.002 * i for i in range(len(rows))], [4.79] * len(rows)),
        crs="EPSG:4326")


def _incidents_known(ix: AlertIndex, hi: int) -> np.ndarray:
    """Root of each of the first ``hi`` alerts, following the links to reports known then (plain loop)."""
    root = np.arange(hi)
    for i in range(hi):
        seen, j = {i}, i
        while 0 <= ix.dup_of[j] < hi and ix.dup_of[j] != j:
            j = int(ix.dup_of[j])
            assert j not in seen, "a cycle of duplicate links in the demo"
            seen.add(j)
        root[i] = j
    return root


# -- 1. one count of an incident --------------------------------------------------------------------

def _steady_then_incident(extra):
    rows = [(f"B{d}", f"2018-10-{d:02d}T10:00", "armed_attack", 0, None) for d in (1, 4, 8, 12, 16, 20, 24, 28)]
    rows += [(f"R{d}", f"2018-11-{d:02d}T10:00", "armed_attack", 0, None) for d in (1, 3, 5, 7, 8, 9, 10)]
    return _frame(rows + extra)


def test_a_duplicate_never_adds_casualties_the_incident_counts_its_largest_report():
    first = ("K1", "2018-11-12T08:00", "killing", 5, None)
    later = ("K2", "2018-11-12T20:00", "killing", 7, "K1")     # the same killing, reported again with 7 dead
    both = score_hotspots(_steady_then_incident([first, later]), as_of=T).hotspots
    assert both.loc[0, "killed"] == 7                         # not 12: one incident, its largest count
    assert "; 7 killed)" in both.loc[0, "explanation"]
    # the score is that of the incident reported once with its largest count
    once = score_hotspots(_steady_then_incident([first[:3] + (7, None)]), as_of=T).hotspots
    assert both.loc[0, "score"] == once.loc[0, "score"]
    # no look-ahead: before the second report is known, the incident counts its first report only
    before = score_hotspots(_steady_then_incident([first, later]), as_of="2018-11-12T12:00").hotspots
    assert before.loc[0, "killed"] == 5
    # the site watch counts the incident once too
    s = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Alindao"], "population": [18000.0], "opened": pd.NaT,
                          "closed": pd.NaT}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
    assert watch(_steady_then_incident([first, later]), s, None, as_of=T).sites.loc[0, "killed"] == 7


def test_engine_linked_reports_count_once_too():
    # no stored link: the engine links the second report (same category, 2 h later, 200 m away) itself
    first = ("K1", "2018-11-12T08:00", "killing", 4, None)
    later = ("K2", "2018-11-12T10:00", "killing", 3, None)
    h = score_hotspots(_steady_then_incident([first, later]), as_of=T).hotspots
    assert h.loc[0, "killed"] == 4


def test_demo_hotspot_killed_is_one_count_per_incident(demo_layers):
    a = demo_layers["alerts"]
    engine = HotspotEngine(a, demo_layers["sites"], demo_layers["presence"], demo_layers["patrols"])
    h = engine.score(T).hotspots
    ix = engine.index
    hi = ix.upto((T - pd.Timestamp("2000-01-01", tz="UTC")).total_seconds() / 86400.0)
    root = _incidents_known(ix, hi)
    inc_max = np.zeros(hi)
    np.maximum.at(inc_max, root, ix.killed[:hi])
    pos = {k: i for i, k in enumerate(ix.ids)}
    for _, r in h.iterrows():
        members = np.array([pos[i] for i in r["alert_ids"]], dtype=int)
        expected = inc_max[np.unique(root[members])].sum() if len(members) else 0.0
        assert r["killed"] == expected, r["place"]
    alindao = h[h["place"].str.contains("Alindao")].iloc[0]
    members = np.array([pos[i] for i in alindao["alert_ids"]], dtype=int)
    assert alindao["killed"] < ix.killed[members].sum()       # the 37 counted duplicates' dead again
    assert f"; {alindao['killed']:.0f} killed)" in alindao["explanation"]


# -- 2. hiding duplicates never changes a score -----------------------------------------------------

def test_hide_duplicates_hides_rows_but_never_changes_a_score(demo_layers):
    a = demo_layers["alerts"]
    results = {}
    for hide in (False, True):
        f = flt.Filters(end=T, days=30, hide_duplicates=hide)
        scored = flt.scoring_alerts(a, f)
        assert len(scored) == int((a["reported_at"] < T).sum())        # the scorer sees every report
        results[hide] = score_hotspots(scored, demo_layers["sites"], demo_layers["presence"],
                                       demo_layers["patrols"], as_of=f.as_of).hotspots
    cols = ["hotspot_id", "rank", "score", "place", "killed", "trend", "flagged", "explanation"]
    pd.testing.assert_frame_equal(pd.DataFrame(results[False][cols]), pd.DataFrame(results[True][cols]))
    # the rows shown in lists do hide them
    shown = flt.apply_alerts(a, flt.Filters(end=T, days=30, hide_duplicates=True))
    assert shown["duplicate_of"].isna().all() and len(shown) < len(flt.apply_alerts(a, flt.Filters(end=T, days=30)))
    # and the filters the scorer (and its cache) is keyed on are the same
    assert flt.Filters(end=T, hide_duplicates=True).for_scoring() == flt.Filters(end=T).for_scoring()


def test_the_desk_scores_with_duplicates_whatever_the_filter(demo_store, monkeypatch):
    monkeypatch.setenv("EWARNING_STORE", str(demo_store))
    monkeypatch.setenv("EWARNING_TILES", "")
    from app_pages import common
    from ewarning.auth import User

    out = {}
    for hide in (False, True):
        f = flt.Filters(end=T, days=30, hide_duplicates=hide)
        h = common.picture(f, User("ana", "analyst")).hotspots
        out[hide] = pd.DataFrame(h[["hotspot_id", "rank", "score", "killed"]])
    pd.testing.assert_frame_equal(out[False], out[True])


# -- 3. trend words and ranks say what the engine's rising label says --------------------------------

@pytest.mark.parametrize("day", ["2018-10-15", "2018-11-01", "2018-11-08", "2018-11-09", "2018-11-15",
                                 "2018-11-20"])
def test_trend_word_explanation_and_rank_follow_the_rising_label(demo_layers, day):
    engine = HotspotEngine(demo_layers["alerts"], demo_layers["sites"], demo_layers["presence"],
                           demo_layers["patrols"])
    h = engine.score(day).hotspots
    assert len(h)
    for _, r in h.iterrows():
        if r["rising"]:
            assert r["trend"] == "rising", r["place"]
            assert r["explanation"].startswith("Rising:"), r["explanation"][:80]
        else:
            assert r["trend"] == "persistent, not rising", r["place"]
            assert r["explanation"].startswith("Persistent, not rising:"), r["explanation"][:80]
        # the words of one label never appear as the other's lead
        assert ("Rising:" in r["explanation"]) == bool(r["rising"]), r["explanation"]
    assert h["rank"].tolist() == list(range(1, len(h) + 1))
    rising = h["rising"].to_numpy(dtype=bool)
    assert not (rising[1:] & ~rising[:-1]).any()               # rising places first
    for group in (h[rising], h[~rising]):                       # then each group by score
        assert (np.diff(group["score"].to_numpy()) <= 0).all(), group[["rank", "place", "score"]]
    # a top-K list holds the K areas the engine (and the backtest) ranks first, in the order shown above
    top = engine.score(day, top=10).hotspots
    polys, table, _ = engine.areas(day)
    chosen = table.iloc[engine.ranking(table)[:10]]
    assert sorted(top["score"].tolist()) == sorted(chosen["score"].round(1).tolist())
    assert top["rising"].sum() == int(chosen["rising"].sum())


def test_incident_counts_use_only_reports_known_then(demo_layers):
    # a later report of an incident (a duplicate with a larger count) never changes a past count
    a = demo_layers["alerts"]
    when = pd.Timestamp("2018-11-12T12:00", tz="UTC")
    full = score_hotspots(a, demo_layers["sites"], demo_layers["presence"], as_of=when).hotspots
    known = score_hotspots(a[a["reported_at"] < when], demo_layers["sites"], demo_layers["presence"],
                           as_of=when).hotspots
    cols = ["rank", "score", "killed", "trend", "explanation"]
    pd.testing.assert_frame_equal(pd.DataFrame(full[cols]), pd.DataFrame(known[cols]))
    w_full = watch(a, demo_layers["sites"], demo_layers["presence"], as_of=when).sites
    w_known = watch(a[a["reported_at"] < when], demo_layers["sites"], demo_layers["presence"], as_of=when).sites
    assert w_full["killed"].tolist() == w_known["killed"].tolist()


# -- 4. one date convention: "as of end of day D" --------------------------------------------------

def test_one_day_one_name_for_an_as_of_time(demo_layers):
    from ewarning.asof import as_of_day, as_of_tag, as_of_words
    import datetime as dt
    assert as_of_day(T) == dt.date(2018, 11, 14)
    assert as_of_words(T) == "as of end of 14 Nov 2018 (UTC)"
    assert as_of_words("2018-11-14T14:30") == "as of 14 Nov 2018 14:30 UTC"
    assert as_of_tag(T) == "20181114" and as_of_tag("2018-11-14T14:30") == "20181114T1430"
    h = score_hotspots(demo_layers["alerts"], demo_layers["sites"], demo_layers["presence"], as_of=T).hotspots
    assert len(h) and (h["hotspot_id"] == [f"H-20181114-{k}" for k in h["rank"]]).all(), h["hotspot_id"].tolist()
    assert (h["as_of"] == T).all()                               # the instant itself is unchanged
    described = flt.Filters(end=T).describe()
    assert described.startswith("as of end of 14 Nov 2018 (UTC)"), described
    for text in [described, *h["hotspot_id"], *h["explanation"]]:
        assert "20181115" not in text and "2018-11-15" not in text and "15 Nov" not in text, text
    # the semantics do not change: a report of the 15th (midnight) is not known as of end of the 14th
    a = demo_layers["alerts"]
    assert score_hotspots(a[a["reported_at"] < T], demo_layers["sites"], demo_layers["presence"],
                          as_of=T).hotspots["score"].tolist() == h["score"].tolist()


def test_engine_notes_name_the_as_of_day_the_same_way():
    from ewarning.hotspots import score_hotspots as sh
    a = _frame([("A1", "2018-10-01T10:00", "killing", 0, None)])
    notes = sh(a, as_of="2019-06-01").notes
    assert any("no alerts reported" in n and "as of end of 31 May 2019 (UTC)" in n for n in notes), notes
    notes = sh(a, as_of="2018-09-02").notes
    assert any("before the first alert" in n and "end of 1 Sep 2018" in n for n in notes), notes


# -- 5. stable hotspot names -----------------------------------------------------------------------

def _named(engine_layers, sites, towns):
    h = HotspotEngine(engine_layers["alerts"], sites, engine_layers["presence"], engine_layers["patrols"],
                      towns=towns).score(T).hotspots
    return {frozenset(ids): (place, geom) for ids, place, geom in zip(h["alert_ids"], h["place"], h.geometry)}


def _with_site(sites, name, lon, lat):
    extra = sites.iloc[[0]].copy()
    extra["site_id"], extra["name"] = f"X-{name}", name
    extra = extra.set_geometry(gpd.points_from_xy([lon], [lat], crs="EPSG:4326"))
    return pd.concat([sites, extra], ignore_index=True)


def test_hotspot_names_do_not_move_when_an_unrelated_site_is_added(demo_layers):
    from ewarning.geo import metric_crs
    from ewarning.places import shipped_towns
    towns = shipped_towns()
    sites = demo_layers["sites"]
    base = _named(demo_layers, sites, towns)
    assert base and any("Alindao" in p for p, _ in base.values())
    areas = gpd.GeoSeries([g for _, g in base.values()], crs="EPSG:4326")
    crs = metric_crs(areas)
    km = areas.to_crs(crs)
    # a site 50+ km from every hotspot
    far = gpd.GeoSeries(gpd.points_from_xy([14.6], [10.9]), crs="EPSG:4326").to_crs(crs).iloc[0]
    assert km.distance(far).min() > 50_000
    # and, for each area, a site just outside it (500 m beyond its edge, towards a far-away point)
    near = []
    for area in km:
        edge = shapely.ops.nearest_points(area.exterior if area.geom_type == "Polygon" else area.boundary, far)[0]
        c = area.centroid
        dx, dy = edge.x - c.x, edge.y - c.y
        n = (dx * dx + dy * dy) ** 0.5
        near.append(shapely.Point(edge.x + 500 * dx / n, edge.y + 500 * dy / n))
    near = gpd.GeoSeries(near, crs=crs)
    near = near[[not km.intersects(p).any() for p in near]].to_crs("EPSG:4326")
    assert len(near) >= len(km) // 2
    changed = _with_site(sites, "Far camp", 14.6, 10.9)
    for i, p in enumerate(near):
        changed = _with_site(changed, f"Edge camp {i}", p.x, p.y)
    after = _named(demo_layers, changed, towns)
    assert set(after) == set(base)
    assert {k: p for k, (p, _) in after.items()} == {k: p for k, (p, _) in base.items()}


def test_a_site_inside_an_area_names_it_when_nearer_its_centre(demo_layers):
    from ewarning.places import shipped_towns
    towns = shipped_towns()
    base = _named(demo_layers, demo_layers["sites"], towns)
    key, (place, area) = next((k, v) for k, v in base.items()
                              if "Alindao" not in v[0] and v[1].contains(v[1].centroid))
    c = area.centroid
    after = _named(demo_layers, _with_site(demo_layers["sites"], "Centre camp", c.x, c.y), towns)
    assert after[key][0] == "Centre camp", (place, after[key][0])
    # the rule: a site or base inside an area, nearest its centre, names it; other areas keep their names
    # unless the new site is inside them too
    for k, (p, g) in base.items():
        if k != key:
            assert after[k][0] == p or (after[k][0] == "Centre camp" and g.buffer(0.05).contains(c)), (p, after[k][0])


def test_the_site_watch_weighs_an_incident_by_its_gravest_report():
    """A 2-killed severity-3 report then a linked 12-killed severity-5 one: the watch weighs the incident as
    one severity-5 report, as the hotspots do."""
    site = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Camp"], "population": [5000.0], "opened": pd.NaT,
                             "closed": pd.NaT}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")

    def risk(rows):
        a = gpd.GeoDataFrame({"id": [r[0] for r in rows], "reported_at": pd.to_datetime([r[1] for r in rows], utc=True),
                              "category": "killing", "killed": [r[2] for r in rows], "severity": [r[3] for r in rows],
                              "duplicate_of": [r[4] for r in rows]},
                             geometry=gpd.points_from_xy([20.69] * len(rows), [4.80] * len(rows)), crs="EPSG:4326")
        return float(watch(a, site, None, as_of=T).sites.loc[0, "risk"])

    merged = risk([("A", "2018-11-10T08:00", 2, 3, None), ("B", "2018-11-10T12:00", 12, 5, "A")])
    single = risk([("A", "2018-11-10T08:00", 12, 5, None)])
    assert merged == pytest.approx(single)
    assert merged > risk([("A", "2018-11-10T08:00", 2, 3, None)])
