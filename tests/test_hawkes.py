"""The self-exciting forecast: EM recovery on simulated data, disc integrals, no look-ahead, defaults."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from ewarning.forecast import (DiscConfig, DiscMassTable, Events, FitConfig, HawkesMethod, HawkesParams,
                               SpaceKernel, TimeKernel, choose_discs, disc_mass, expected_in_disc, fit, simulate,
                               sources)
from ewarning.hotspots.prepare import AlertIndex, days

TRUE = HawkesParams(mu=0.5, theta=0.25, beta=0.4, time=TimeKernel(fast_days=3.0, slow_days=60.0, fast_share=0.6),
                    space=SpaceKernel(narrow_km=1.5, wide_km=25.0, narrow_share=0.5), background_km=15.0)


@pytest.fixture(scope="module")
def simulated():
    ev = simulate(TRUE, 3000.0, 500.0, seed=3)
    start = HawkesParams(background_km=15.0)     # the defaults: far from the truth on every parameter
    return ev, fit(ev, 3000.0, FitConfig(fit_days=3000.0, max_responders=10 ** 6, defaults=start))


def test_em_recovers_known_parameters(simulated):
    ev, f = simulated
    p = f.params
    assert len(ev) > 2000 and f.source == "fitted" and f.converged
    # stated tolerances: rates and scales within 20 % (slow lag 30 %), shares within 0.1, beta within 0.25
    assert p.mu == pytest.approx(TRUE.mu, rel=0.2)
    assert p.theta == pytest.approx(TRUE.theta, rel=0.2)
    assert p.beta == pytest.approx(TRUE.beta, abs=0.25)
    assert p.time.fast_days == pytest.approx(TRUE.time.fast_days, rel=0.2)
    assert p.time.slow_days == pytest.approx(TRUE.time.slow_days, rel=0.3)
    assert p.time.fast_share == pytest.approx(TRUE.time.fast_share, abs=0.1)
    assert p.space.narrow_km == pytest.approx(TRUE.space.narrow_km, rel=0.2)
    assert p.space.wide_km == pytest.approx(TRUE.space.wide_km, rel=0.2)
    assert p.space.narrow_share == pytest.approx(TRUE.space.narrow_share, abs=0.1)
    n_background = TRUE.mu * 3000.0
    assert f.background_share == pytest.approx(n_background / len(ev), abs=0.08)


def test_em_is_deterministic_with_a_seed(simulated):
    ev, f = simulated
    cfg = FitConfig(fit_days=3000.0, max_responders=800, seed=7)
    a, b = fit(ev, 3000.0, cfg), fit(ev, 3000.0, cfg)
    assert a.params == b.params and a.n_events == len(ev)
    assert fit(ev, 3000.0, FitConfig(fit_days=3000.0, max_responders=800, seed=8)).params != a.params


@pytest.mark.parametrize("d, radius, sd", [(0.0, 5.0, 2.0), (3.0, 5.0, 2.0), (12.0, 5.0, 3.0), (1.0, 0.5, 4.0),
                                           (30.0, 25.0, 10.0)])
def test_disc_mass_equals_numerical_integration(d, radius, sd):
    # integrate the 2-D Gaussian over the disc in polar coordinates around the disc's centre
    def dens(r, a):
        x, y = r * np.cos(a) - d, r * np.sin(a)
        return r * np.exp(-(x * x + y * y) / (2 * sd * sd)) / (2 * np.pi * sd * sd)
    num, _ = integrate.dblquad(lambda r, a: dens(r, a), 0, 2 * np.pi, 0, radius, epsabs=1e-10)
    assert float(disc_mass(d, radius, sd)) == pytest.approx(num, abs=1e-7)


def test_disc_mass_table_is_close_to_the_exact_cdf():
    rng = np.random.default_rng(0)
    # inside the table (d / sd < 16, radius / sd < 24) and beyond it (narrow sd, far or wide discs)
    d, r, sd = rng.uniform(0, 200, 20000), rng.uniform(0.5, 60, 20000), rng.uniform(0.3, 40, 20000)
    tab = DiscMassTable()
    assert ((d / sd > 16) | (r / sd > 24)).mean() > 0.1
    assert np.abs(tab(d, r, sd) - disc_mass(d, r, sd)).max() < 2e-4
    radii = np.array([11.0, 20.0, 40.0])
    assert np.abs(tab.many(d[:3000], radii, 0.5) - disc_mass(d[:3000, None], radii[None, :], 0.5)).max() < 2e-4


def test_expected_events_in_a_disc_equal_the_intensity_integrated_on_a_grid():
    ev = Events.from_arrays(t=[10.0, 40.0, 55.0], x=[0.0, 6.0, -20.0], y=[0.0, 2.0, 5.0], killed=[0, 12, 5],
                            err_km=[0.0, 2.5, 0.25])
    model = fit(ev, 60.0)                 # too few events: the defaults
    p = model.params
    cfg = DiscConfig(horizon_days=14.0, arrivals_days=0.0)   # first order: the reports known
    src = sources(ev, model, 60.0, cfg)
    # the intensity integrated over [60, 74) in time (quad) and a 0.1 km grid in space, over a 15 km disc at (3, 1)
    h = 0.1
    gx, gy = np.meshgrid(np.arange(-12, 18, h) + h / 2, np.arange(-14, 16, h) + h / 2)
    inside = np.hypot(gx - 3, gy - 1) <= 15
    w = ev.weights(p.beta)
    total = 0.0
    for j in range(3):
        gt = integrate.quad(lambda t: float(p.time.pdf(np.array([t - ev.t[j]]))[0]), 60.0, 74.0)[0]
        f = p.space.pdf((gx - ev.x[j]) ** 2 + (gy - ev.y[j]) ** 2, np.full(gx.shape, ev.err_km[j]))
        total += p.theta * w[j] * gt * (f * inside).sum() * h * h
    nu = np.zeros(gx.shape)
    bg = np.flatnonzero(ev.serious)
    for k in bg:
        var = p.background_km ** 2 + ev.err_km[k] ** 2
        nu += np.exp(-((gx - ev.x[k]) ** 2 + (gy - ev.y[k]) ** 2) / (2 * var)) / (2 * np.pi * var) / len(bg)
    total += p.mu * 14.0 * (nu * inside).sum() * h * h
    assert expected_in_disc(src, 3.0, 1.0, 15.0) == pytest.approx(total, rel=2e-3)
    # and the time kernel's closed-form integral against quadrature
    assert float(p.time.integral(2.0, 30.0)) == pytest.approx(
        integrate.quad(lambda s: float(p.time.pdf(np.array([s]))[0]), 2.0, 30.0)[0], rel=1e-8)


def test_few_events_fall_back_to_defaults_and_say_so():
    ev = Events.from_arrays(t=np.arange(10.0), x=np.zeros(10), y=np.zeros(10), killed=np.full(10, 6))
    f = fit(ev, 20.0, FitConfig(min_events=30))
    assert f.source == "defaults" and "10 serious events" in f.note and "at least 30" in f.note
    assert f.params.space == FitConfig().defaults.space and f.params.mu > 0
    fc = choose_discs(ev, f, 20.0, k=3)
    assert fc.model_source == "defaults" and len(fc.discs) == 1 and fc.discs[0].expected > 0
    ev2 = simulate(TRUE, 1500.0, 300.0, seed=1)
    assert fit(ev2, 1500.0).source == "fitted"


def _alerts_from_events(ev: Events, crs: str) -> gpd.GeoDataFrame:
    pts = gpd.GeoSeries(gpd.points_from_xy(ev.x * 1000.0, ev.y * 1000.0), crs=crs).to_crs("EPSG:4326")
    t = pd.Timestamp("2000-01-01", tz="UTC") + pd.to_timedelta(ev.t, unit="D")
    return gpd.GeoDataFrame({"id": [f"s{i}" for i in range(len(ev))], "reported_at": t + pd.Timedelta(hours=6),
                             "occurred_at": t, "category": "killing", "killed": ev.killed.astype(int)},
                            geometry=pts.to_numpy(), crs="EPSG:4326")


def test_no_look_ahead_events_after_t_change_nothing():
    crs = "+proj=laea +lat_0=5 +lon_0=20 +datum=WGS84 +units=m +no_defs"
    ev = simulate(TRUE, 8000.0, 400.0, seed=5)
    a = _alerts_from_events(ev, crs)
    as_of = pd.Timestamp("2000-01-01", tz="UTC") + pd.Timedelta(days=6000)
    past = a[a["reported_at"] < as_of]
    # the future: later events, a burst at a new place, and a late report of an event before T
    burst = a.iloc[:40].assign(id=[f"f{i}" for i in range(40)], killed=50,
                               reported_at=as_of + pd.Timedelta(days=1), occurred_at=as_of - pd.Timedelta(days=2))
    full = pd.concat([a, burst], ignore_index=True)
    t = days(as_of)
    m1 = HawkesMethod().fit(AlertIndex.from_frame(past, crs=crs))
    m2 = HawkesMethod().fit(AlertIndex.from_frame(full, crs=crs))
    f1, f2 = m1.fit_at(t), m2.fit_at(t)
    assert f1.source == "fitted" and f1.params == f2.params and f1.n_events == f2.n_events
    assert [p.wkb for p in m1.areas(t, 10)] == [p.wkb for p in m2.areas(t, 10)]
    assert m1.forecast(t, 10).discs == m2.forecast(t, 10).discs
    # ... while the future does change a later forecast (the test can fail)
    t_late = t + 30
    assert [p.wkb for p in m1.areas(t_late, 10)] != [p.wkb for p in m2.areas(t_late, 10)]


def test_discs_are_separated_best_first_and_priced():
    ev = simulate(TRUE, 2000.0, 300.0, seed=2)
    f = fit(ev, 2000.0)
    cheap = choose_discs(ev, f, 2000.0, 10, DiscConfig(price_per_km2=0.0, min_sep_km=15.0))
    dear = choose_discs(ev, f, 2000.0, 10, DiscConfig(price_per_km2=5e-3, min_sep_km=15.0))
    for fc in (cheap, dear):
        obj = [d.objective for d in fc.discs]
        assert obj == sorted(obj, reverse=True)
        xy = np.array([(d.x, d.y) for d in fc.discs])
        dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        assert dist[np.triu_indices(len(xy), 1)].min() >= 15.0
    # no price: the largest radius always wins; a high price shrinks the discs
    assert all(d.radius_km == max(DiscConfig().radii_km) for d in cheap.discs)
    assert np.mean([d.radius_km for d in dear.discs]) < np.mean([d.radius_km for d in cheap.discs])


def test_explanation_shares_add_up_and_name_the_recent_reports():
    from ewarning.forecast import amount_words, explain_disc
    ev = Events.from_arrays(t=[0.0, 90.0, 95.0], x=[0.0, 1.0, 60.0], y=[0.0, 0.0, 0.0], killed=[6, 6, 0])
    model = fit(ev, 100.0)
    src = sources(ev, model, 100.0)
    e = explain_disc(src, 0.0, 0.0, 5.0, model_source=model.source)
    assert e.expected == pytest.approx(expected_in_disc(src, 0.0, 0.0, 5.0))
    assert e.recent_near + e.other_reports + e.background == pytest.approx(1.0)
    assert e.recent_near > e.other_reports and "within 5 km" in e.text and "default model parameters" in e.text
    # with no recent report the near share is zero
    old = explain_disc(sources(ev, model, 400.0), 0.0, 0.0, 5.0)
    assert old.recent_near == 0.0 and old.text.startswith(f"{amount_words(old.expected)} serious events expected")
