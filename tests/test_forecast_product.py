"""Expected serious events in the product: the picture's hotspots, the demo's Alindao, no look-ahead, the fit on
mission-like alerts (location precision), the defaults' rates and the disc-mass rim table."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ncx2

from ewarning import filters as flt
from ewarning import scenario, views
from ewarning.forecast import (AreaConfig, DiscMassTable, Events, FitConfig, HawkesParams, SpaceKernel,
                               TimeKernel, fit, fit_as_of, simulate)
from ewarning.forecast.areas import events_of
from ewarning.hotspots import HotspotEngine
from ewarning.hotspots.prepare import AlertIndex, days

ATTACK = scenario.ALINDAO_ATTACK
FIGURE = re.compile(r"(\d+(?:\.\d+)?) serious events expected in the next 14 days")


@pytest.fixture(scope="module")
def demo(demo_store):
    from ewarning.store import open_store
    return views.Layers.from_store(open_store(str(demo_store)))


def _alindao(p):
    h = p.hotspots
    return h[h["place"].str.contains("Alindao") | h["exposed_sites"].map(lambda s: any("Alindao" in x for x in s))]


def test_demo_flags_alindao_a_week_ahead_with_its_expected_serious_events(demo):
    dates = pd.date_range(ATTACK - pd.Timedelta(days=14), ATTACK, freq="D")
    flagged = []
    for p in views.pictures(demo, flt.Filters(end=dates[0]), dates, "analyst"):
        a = _alindao(p)
        assert len(a), p.as_of
        row = a.iloc[0]
        # every listed hotspot carries an expected figure; the model says which it is
        assert (p.hotspots["expected_events"] >= 0).all() and p.hotspots["expected_events"].notna().all()
        assert re.fullmatch(r"default parameters: only \d+ serious events", row["forecast_model"])
        if row["flagged"]:
            flagged.append((p.as_of, row))
    assert flagged, "Alindao never flagged"
    first, row = flagged[0]
    # the flag stands on reports of the 8th at the latest: a week before the attack day (2018-11-15)
    assert (ATTACK - first).days >= 6 and (ATTACK.normalize() - (first - pd.Timedelta(days=1))).days >= 7, first
    assert all(later in [f for f, _ in flagged] for later in pd.date_range(first, ATTACK, freq="D"))
    assert {"police", "civilian"} <= set(row["presence_gap"]) and row["presence"]["military"]
    assert row["expected_events"] > 0
    n = int(re.search(r"only (\d+) serious", row["forecast_model"]).group(1))
    known = Events.from_index(AlertIndex.from_frame(demo.alerts))
    t = days(first)
    assert n == int((known.serious & known.known(t) & (known.t >= t - FitConfig().fit_days)).sum()) and 0 < n < 30


def test_the_table_and_the_explanation_say_the_same_expected_figure(demo):
    p = views.picture(demo, flt.Filters(end=ATTACK), "analyst")
    listed = views.hotspot_list(p).table
    assert len(p.hotspots) >= 3
    for (_, row), expected in zip(p.hotspots.iterrows(), listed["expected"]):
        said = FIGURE.findall(row["explanation"])
        assert len(said) == 1, row["explanation"]
        assert float(said[0]) == row["expected_events"] == expected
        assert f"({row['forecast_model']})" in row["explanation"]
        assert "% from the last three weeks' reports within 5 km" in row["explanation"]
    # the command line's features carry the same figure
    from ewarning.hotspots import HotspotResult
    feats = HotspotResult(p.as_of, p.hotspots, p.notes, p.config).features()
    assert [f["properties"]["expected_events"] for f in feats] == p.hotspots["expected_events"].tolist()
    assert any("Expected serious events: default parameters" in n for n in p.notes)


def test_truncated_at_t_the_forecast_is_identical(demo):
    """No look-ahead for the new model: data truncated at T give the same fit and the same figures as of T."""
    t_asof = ATTACK - pd.Timedelta(days=3)
    cut = demo.alerts[demo.alerts["reported_at"] < t_asof]
    assert len(cut) < len(demo.alerts)
    full_engine = HotspotEngine(demo.alerts, demo.sites, demo.presence, demo.patrols)
    cut_engine = HotspotEngine(cut, demo.sites, demo.presence, demo.patrols, crs=full_engine.crs)
    t = days(t_asof)
    f_full, f_cut = fit_as_of(full_engine.index, t), fit_as_of(cut_engine.index, t)
    assert f_full.params == f_cut.params and f_full.note == f_cut.note and f_full.n_events == f_cut.n_events
    a, b = full_engine.score(t_asof).hotspots, cut_engine.score(t_asof).hotspots
    cols = ["place", "expected_events", "expected_recent_near", "forecast_model", "explanation"]
    pd.testing.assert_frame_equal(pd.DataFrame(a[cols]), pd.DataFrame(b[cols]))
    # ... and the later reports do move a later forecast (the test can fail)
    later = ATTACK + pd.Timedelta(days=2)
    assert fit_as_of(full_engine.index, days(later)).n_events > f_full.n_events
    assert not full_engine.score(later).hotspots["expected_events"].equals(cut_engine.score(later).hotspots[
        "expected_events"])


TRUE = HawkesParams(mu=0.3, theta=0.3, beta=0.0, time=TimeKernel(fast_days=4.0, slow_days=60.0, fast_share=0.6),
                    space=SpaceKernel(narrow_km=2.0, wide_km=20.0, narrow_share=0.6), background_km=15.0)


def test_coarse_locations_do_not_widen_the_fitted_kernel():
    """Mission data: a third of the events are located to a district only (sd 12.5 km, weight 0.5)."""
    ev = simulate(TRUE, 2500.0, 400.0, seed=11)
    rng = np.random.default_rng(4)
    coarse = rng.random(len(ev)) < 0.35
    err = np.where(coarse, 12.5, 0.25)
    x = ev.x + rng.normal(0, 1, len(ev)) * err
    y = ev.y + rng.normal(0, 1, len(ev)) * err
    obs = Events.from_arrays(t=ev.t, x=x, y=y, killed=ev.killed, err_km=err, c=np.where(coarse, 0.5, 1.0))
    cfg = FitConfig(fit_days=2500.0, max_responders=1200, max_pairs=10 ** 7)
    robust = fit(obs, 2500.0, cfg).params
    # the same points taken as exact (how gazetteer places are read): the narrow share is lost
    as_exact = fit(Events.from_arrays(t=ev.t, x=x, y=y, killed=ev.killed), 2500.0, cfg).params
    s = robust.space
    assert s.narrow_km == pytest.approx(TRUE.space.narrow_km, rel=0.25)
    assert s.wide_km == pytest.approx(TRUE.space.wide_km, rel=0.2)
    assert s.narrow_share == pytest.approx(TRUE.space.narrow_share, abs=0.1)
    assert robust.theta == pytest.approx(TRUE.theta, rel=0.2)
    assert abs(s.narrow_share - TRUE.space.narrow_share) + 0.1 < abs(as_exact.space.narrow_share
                                                                     - TRUE.space.narrow_share)
    assert abs(robust.theta - TRUE.theta) < abs(as_exact.theta - TRUE.theta)


def test_few_events_keep_the_default_kernels_and_fit_rates_that_reproduce_them():
    ev = simulate(replace(TRUE, mu=0.03), 400.0, 300.0, seed=2)
    n = int(ev.serious.sum())
    assert 5 <= n < 30
    f = fit(ev, 400.0, FitConfig(fit_days=400.0))
    p = f.params
    assert f.source == "defaults" and f"only {n} serious events" in f.note
    assert p.time == FitConfig().defaults.time and p.space == FitConfig().defaults.space
    # at EM's fixed point the compensator equals the number of events fitted
    t0 = float(ev.t.min())
    g = p.time.integral(np.maximum(t0 - ev.t, 0.0), np.minimum(400.0 - ev.t, 365.0))
    assert p.mu * (400.0 - t0) + p.theta * float((ev.weights(p.beta) * g).sum()) == pytest.approx(n, rel=0.02)


def test_product_fits_follow_the_day_and_are_cached_on_the_index(demo):
    ix = AlertIndex.from_frame(demo.alerts)
    t = days(ATTACK)
    a, b = fit_as_of(ix, t - 0.4), fit_as_of(ix, t - 0.1)       # the same day: one fit
    assert a is b and a.t_end == t - 1.0
    assert fit_as_of(ix, t + 0.2).t_end == t
    assert events_of(ix) is events_of(ix)
    assert AreaConfig().refit_days == 1.0


def test_the_rim_table_matches_the_exact_cdf():
    rng = np.random.default_rng(3)
    v = np.exp(rng.uniform(np.log(8.0), np.log(3000.0), 10_000))
    u = np.maximum(v - rng.uniform(-9.0, 9.0, len(v)), 0.0)
    tab = DiscMassTable()
    got = tab(u, v, np.ones(len(v)))
    assert np.abs(got - ncx2.cdf(v ** 2, 2, u ** 2)).max() < 3e-5
    many = tab.many(np.array([20.0, 35.0, 41.0]), np.array([30.0, 40.0]), 1.0)
    assert np.abs(many - ncx2.cdf(np.array([30.0, 40.0])[None, :] ** 2, 2,
                                  np.array([20.0, 35.0, 41.0])[:, None] ** 2)).max() < 3e-5


def test_bins_shared_by_the_dates_of_a_fit_give_the_same_discs():
    from ewarning.forecast import choose_discs
    from ewarning.forecast.discs import BinIndex
    ev = simulate(TRUE, 1500.0, 300.0, seed=6)
    ev.err_km[::3] = 2.5                      # villages and GPS points: several groups of standard deviations
    model = fit(ev, 1400.0)
    index = BinIndex(ev, model)
    for t in (1400.0, 1430.0, 1470.0):
        a = choose_discs(ev, model, t, 25)
        b = choose_discs(ev, model, t, 25, bins=index)
        assert a.discs == b.discs and len(a.discs) == 25


def test_the_arrivals_term_is_the_triggering_of_reports_to_come_like_the_recent_ones():
    from scipy import integrate

    from ewarning.forecast import DiscConfig, sources
    ev = Events.from_arrays(t=[100.0, 130.0], x=[0.0, 50.0], y=[0.0, 0.0], killed=[0, 9])
    model = fit(ev, 140.0)
    p, h = model.params, 14.0
    first = sources(ev, model, 140.0, DiscConfig(horizon_days=h, arrivals_days=0.0))
    second = sources(ev, model, 140.0, DiscConfig(horizon_days=h, arrivals_days=28.0))
    extra = second.mass - first.mass
    # the report of day 100 is older than 28 days: nothing to come like it
    assert np.allclose(extra[second.report == 0], 0.0)
    # the one of day 130: a report like it arrives uniformly over the horizon at rate 1/28 a day and
    # triggers theta * w * G(remaining time); integrated numerically
    g_cdf = lambda u: float(p.time.integral(0.0, u))               # noqa: E731
    per_day = integrate.quad(lambda s: g_cdf(h - s), 0.0, h)[0]
    want = p.theta * float(ev.weights(p.beta)[1]) * per_day / 28.0
    assert extra[second.report == 1].sum() == pytest.approx(want, rel=1e-6) and want > 0


def test_a_store_without_serious_events_expects_few_not_the_raw_defaults():
    from ewarning.forecast import sources
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0.0, 200.0, 3000))                 # threats and rumours, nobody killed
    ev = Events.from_arrays(t=t, x=rng.uniform(0, 300, 3000), y=rng.uniform(0, 300, 3000), killed=np.zeros(3000))
    f = fit(ev, 200.0)
    assert f.source == "defaults" and "only 0 serious events" in f.note and "half an event" in f.note
    total = sources(ev, f, 200.0).total
    raw = sources(ev, fit(ev, 200.0, FitConfig(defaults_rate_matched=False)), 200.0).total
    assert 0 < total < 0.5 < raw
