"""Hit rate against area share for every method on the UCDP sample; tuning of the Hawkes forecast.

Run: ``python benchmarks/bench_backtest_curves.py`` (report) or ``... --tune`` (tuning, 2015 and earlier) or
``... --check "what changed"`` (a model revision on 2015 and earlier only, logged before the report is run).

Protocol (fixed before tuning, issue #10): the Hawkes forecast's price per
km^2, separation and background bandwidth are tuned on the as-of dates of
2009-2015 only, every configuration tried logged with its training score and
the date in ``benchmarks/results/hawkes_tuning_log.md``; the chosen one is
written to ``benchmarks/results/hawkes_config.json``. The report mode reads
it and runs every method once on 2009-2015 (training), 2016 and 2020-2022
(tests): the K = 10 table (the current figures: first row), the hit rate at
area budgets of 1, 2 and 3 % of the country, the accuracy index at equal hit
rate against the best baseline, lead time, the paired block bootstrap of
each, and the plots ``docs/backtest-curves.png`` and ``docs/reliability.png``.
Training score: the mean of the hit rates at the 1, 2 and 3 % budgets.
Not a test: it measures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results"
LOG = RESULTS / "hawkes_tuning_log.md"
CHOSEN = RESULTS / "hawkes_config.json"
PERIODS = {"train 2009-2015": ("2009-01-01", "2015-12-31"), "test 2016": ("2016-01-01", "2016-12-31"),
           "test 2020-2022": ("2020-01-01", "2022-12-31")}
SHORT = {"engine": "engine", "grid counts (25 km, 30 d)": "grid", "kernel density (15 km, 21 d half-life)": "KDE",
         "emerging hot spots (Gi* + Mann-Kendall)": "EHSA", "hawkes": "Hawkes"}
BUDGETS = (0.01, 0.02, 0.03)
CURVE_K = 25


def load():
    from ewarning import alerts as alerts_mod
    from ewarning.config import UCDP_SAMPLE
    from ewarning.io import read
    return alerts_mod.validate(read(UCDP_SAMPLE)[0], secret=b"benchmark").valid


def hawkes_method(cfg: dict, shared_fits: dict | None = None):
    from ewarning.forecast import DiscConfig, FitConfig, HawkesMethod, HawkesParams
    defaults = HawkesParams(background_km=cfg.get("background_km", 15.0))
    return HawkesMethod(fit_config=FitConfig(defaults=defaults, fit_days=cfg.get("fit_days", 7 * 365.0)),
                        disc_config=DiscConfig(price_per_km2=cfg["price_per_km2"], min_sep_km=cfg["min_sep_km"],
                                               arrivals_days=cfg.get("arrivals_days", 0.0)),
                        refit_days=cfg.get("refit_days", 90.0), shared_fits=shared_fits)


def score(curves, name) -> float:
    from ewarning.backtest import budget_hits
    w = curves.events.sum()
    return float(np.mean([budget_hits(curves.share[name], curves.hits[name], b)[0].sum() / w for b in BUDGETS]))


def tune(alerts) -> None:
    from ewarning import backtest
    from ewarning.asof import date_range
    dates = date_range(*PERIODS["train 2009-2015"], "7D")
    t0 = time.time()
    base = backtest.run(alerts, dates, curve_k=CURVE_K)
    bt = backtest.budget_table(base.curves)
    print(f"baselines on training ({time.time() - t0:.0f} s):")
    for m in base.curves.methods:
        print(f"  {SHORT[m]:7s} score {score(base.curves, m):.4f}  " + "  ".join(
            f"hr{100 * b:g}% {bt.loc[m, f'hr_{100 * b:g}%']:.3f}" for b in BUDGETS))
    grid = [dict(price_per_km2=p, min_sep_km=s, background_km=bw)
            for bw in (15.0, 40.0) for s in (10.0, 20.0, 30.0) for p in (0.0, 5e-5, 1e-4, 2e-4, 4e-4)]
    fits: dict = {}
    rows = []
    new = not LOG.exists()
    with LOG.open("a") as log:
        if new:
            log.write("# Hawkes forecast: tuning log (training dates 2009-2015 only)\n\n"
                      "Score: mean hit rate at area budgets of 1, 2 and 3 % (top 25 discs, horizon 14 d, "
                      "tolerance 10 km, serious = 5+ killed, weekly dates). PAI ratio: at equal hit rate against "
                      "the best baseline at the 2 % budget (engine and the three baselines on the same dates).\n\n"
                      "| date (UTC) | price / km2 | min sep km | background km | score | hr 1 % | hr 2 % | hr 3 % "
                      "| PAI ratio 2 % | hits top 10 | area % top 10 |\n| --- | --- | --- | --- | --- | --- | --- "
                      "| --- | --- | --- | --- |\n")
        for cfg in grid:
            m = hawkes_method(cfg, shared_fits=fits.setdefault(cfg["background_km"], {}))
            t1 = time.time()
            r = backtest.run(alerts, dates, methods={"hawkes": m}, curve_k=CURVE_K)
            cur = base.curves.join(r.curves).reorder(["hawkes"] + base.curves.methods)
            tab = backtest.budget_table(cur, BUDGETS, baselines=base.curves.methods)
            sc = score(cur, "hawkes")
            rates = {f"hr_{100 * b:g}%": float(tab.loc["hawkes", f"hr_{100 * b:g}%"]) for b in BUDGETS}
            row = dict(cfg, score=sc, **rates,
                       pai_ratio_2=float(tab.loc["hawkes", "pai_ratio_2%"]), hits10=int(r.table.loc["hawkes", "hits"]),
                       area10=float(r.table.loc["hawkes", "area_share"]))
            rows.append(row)
            now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
            log.write(f"| {now} | {cfg['price_per_km2']:g} | {cfg['min_sep_km']:g} | {cfg['background_km']:g} | "
                      f"{sc:.4f} | {row['hr_1%']:.3f} | {row['hr_2%']:.3f} | {row['hr_3%']:.3f} | "
                      f"{row['pai_ratio_2']:.2f} | {row['hits10']} | {100 * row['area10']:.2f} |\n")
            log.flush()
            print(f"{cfg} score {sc:.4f} ({time.time() - t1:.1f} s)")
        best = max(rows, key=lambda r: (r["score"], -r["price_per_km2"]))
        chosen = {k: best[k] for k in ("price_per_km2", "min_sep_km", "background_km")}
        log.write(f"\nChosen on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC by the highest score: "
                  f"{json.dumps(chosen)} (score {best['score']:.4f}).\n\n")
    CHOSEN.write_text(json.dumps(chosen, indent=2))
    print("chosen:", chosen)


def check(alerts, label: str, override: dict | None = None) -> None:
    """A model revision with the chosen configuration (``override`` on top), on training dates only, logged
    before any test run."""
    from ewarning import backtest
    from ewarning.asof import date_range
    cfg = {**json.loads(CHOSEN.read_text()), **(override or {})}
    dates = date_range(*PERIODS["train 2009-2015"], "7D")
    t0 = time.time()
    r = backtest.run(alerts, dates, extra_methods={"hawkes": hawkes_method(cfg)}, curve_k=CURVE_K)
    baselines = [n for n in r.curves.methods if n not in ("engine", "hawkes")]
    tab = backtest.budget_table(r.curves, BUDGETS, baselines=baselines)
    sc = score(r.curves, "hawkes")
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    row = (f"| {now} | {label} | {json.dumps(cfg)} | {sc:.4f} | "
           + " | ".join(f"{tab.loc['hawkes', f'hr_{100 * b:g}%']:.3f}" for b in BUDGETS)
           + f" | {tab.loc['hawkes', 'pai_ratio_2%']:.2f} | {int(r.table.loc['hawkes', 'hits'])} | "
           f"{100 * r.table.loc['hawkes', 'area_share']:.2f} |\n")
    text = LOG.read_text() if LOG.exists() else ""
    with LOG.open("a") as log:
        if "## Model revisions" not in text:
            log.write("## Model revisions (configuration fixed as chosen above; training dates 2009-2015 only, "
                      "logged before the test periods are run once)\n\n| date (UTC) | revision | configuration | "
                      "score | hr 1 % | hr 2 % | hr 3 % | PAI ratio 2 % | hits top 10 | area % top 10 |\n"
                      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
        log.write(row)
    print(row.strip(), f"({time.time() - t0:.0f} s)")


_INDEX: dict = {}


def base_index(alerts):
    """The backtest's own index (same CRS), for handing fits between configurations."""
    from ewarning.backtest import country_outline, equal_area_crs
    from ewarning.hotspots.prepare import AlertIndex
    if "ix" not in _INDEX:
        outline, _ = country_outline(alerts)
        _INDEX["ix"] = AlertIndex.from_frame(alerts, crs=equal_area_crs(outline))
    return _INDEX["ix"]


def reliability(alerts, methods_by_period: dict, path: Path) -> list:
    """Expected (widened discs) against observed serious events, binned; and per date over the whole country."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ix = base_index(alerts)
    serious = (ix.killed >= 5) & (ix.weight > 0)
    ex, ey, et = ix.x[serious], ix.y[serious], ix.t_occ[serious]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    out = []
    for name, m in methods_by_period.items():
        exp_d, obs_d, exp_c, obs_c = [], [], [], []
        for t, (discs, total) in sorted(m.history.items()):
            inh = (et >= t) & (et < t + 14.0)
            for d in discs[:10]:
                r = d.radius_km + 10.0
                obs_d.append(int((inh & (np.hypot(ex - d.x, ey - d.y) <= r)).sum()))
                exp_d.append(d.expected_widened)
            exp_c.append(total)
            obs_c.append(int(inh.sum()))
        exp_d, obs_d = np.array(exp_d), np.array(obs_d)
        edges = np.quantile(exp_d, np.linspace(0, 1, 9)) if len(exp_d) else []
        xs, ys = [], []
        for lo, hi in zip(edges[:-1], edges[1:]):
            sel = (exp_d >= lo) & (exp_d <= hi)
            if sel.any():
                xs.append(exp_d[sel].mean())
                ys.append(obs_d[sel].mean())
        axes[0].plot(xs, ys, "o-", label=name)
        axes[1].plot(exp_c, obs_c, ".", alpha=0.6, label=name)
        out.append({"period": name, "discs": len(exp_d), "expected_sum": float(exp_d.sum()),
                    "observed_sum": int(obs_d.sum()), "country_expected_sum": float(np.sum(exp_c)),
                    "country_observed_sum": int(np.sum(obs_c))})
    lim = max(axes[0].get_xlim()[1], axes[0].get_ylim()[1])
    axes[0].plot([0, lim], [0, lim], "k--", lw=1, label="perfect calibration")
    axes[0].set(xlabel="expected serious events in a top-10 disc (+10 km), 14 days",
                ylabel="observed (mean per bin of expected)", title="Hawkes reliability: discs")
    mx = max(axes[1].get_xlim()[1], axes[1].get_ylim()[1])
    axes[1].plot([0, mx], [0, mx], "k--", lw=1)
    axes[1].set(xlabel="expected serious events, whole country, 14 days", ylabel="observed",
                title="Hawkes reliability: country total per as-of date")
    for ax in axes:
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return out


def report(alerts, n_boot: int) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ewarning import backtest
    from ewarning.asof import date_range
    from ewarning.significance import compare_all, compare_budgets
    cfg = json.loads(CHOSEN.read_text())
    print(f"Hawkes configuration (chosen on 2009-2015): {cfg}\n")
    doc = {"hawkes_config": cfg, "periods": {}, "machine": machine()}
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    hawkes_by_period = {}
    fits = {}
    for ax, (pname, (a, b)) in zip(axes, PERIODS.items()):
        t0 = time.time()
        hm = hawkes_method(cfg)
        r = backtest.run(alerts, date_range(a, b, "7D"), extra_methods={"hawkes": hm}, curve_k=CURVE_K)
        hawkes_by_period[pname] = hm
        fits[pname] = hm._fits
        secs = time.time() - t0
        names = list(r.table.index)
        baselines = [n for n in names if n not in ("engine", "hawkes")]
        bt = backtest.budget_table(r.curves, BUDGETS, baselines=baselines)
        comps = {m: compare_budgets(r.curves, m, baselines=baselines, budgets=BUDGETS, n_boot=n_boot, seed=0)
                 for m in ("engine", "hawkes")}
        k10 = compare_all(r.per_date, "hawkes", n_boot=n_boot, seed=0)
        ct = backtest.curve_table(r.curves)
        doc["periods"][pname] = {"seconds": secs, "table_k10": r.table.reset_index(names="method").to_dict("records"),
                                 "budgets": bt.reset_index(names="method").to_dict("records"),
                                 "budget_comparisons": {m: [c.to_dict() for c in cs] for m, cs in comps.items()},
                                 "k10_comparisons_hawkes": [c.to_dict() for c in k10],
                                 "curve": ct.to_dict("records")}
        print(f"## {pname} ({len(r.dates)} dates, {int(r.table['event_windows'].iloc[0])} (date, event) pairs, "
              f"{secs:.0f} s)\n")
        print("| method | K=10: hits | hit rate | area % | PAI | median lead d | hr 1 % | hr 2 % | hr 3 % "
              "| area used 1/2/3 % | lead d (2 %) |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for n in names:
            t, q = r.table.loc[n], bt.loc[n]
            print(f"| {SHORT[n]} | {int(t.hits)} | {t.hit_rate:.3f} | {100 * t.area_share:.2f} | {t.pai:.1f} | "
                  f"{t.median_lead_days:.1f} | {q['hr_1%']:.3f} | {q['hr_2%']:.3f} | {q['hr_3%']:.3f} | "
                  f"{100 * q['share_1%']:.2f} / {100 * q['share_2%']:.2f} / {100 * q['share_3%']:.2f} | "
                  f"{q['median_lead_days_2%']:.1f} |")
        print("\n| method | budget | best baseline (hit rate) | hit rate - best baseline's [90 %] | P(not ahead) "
              "| best baseline (curve) | PAI ratio at equal hit rate [90 %] | P(not ahead) | lead diff d [90 %] |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for m, cs in comps.items():
            for c in cs:
                print(f"| {SHORT[m]} | {100 * c.budget:g} % | {SHORT[c.baseline]} | {c.hr_diff:+.3f} "
                      f"[{c.hr_diff_low:+.3f}, {c.hr_diff_high:+.3f}] | {c.p_hr_not_ahead:.3f} | "
                      f"{SHORT[c.pai_baseline]} | "
                      f"{c.pai_ratio:.2f} "
                      f"[{c.pai_ratio_low:.2f}, {c.pai_ratio_high:.2f}] | {c.p_pai_not_ahead:.3f} | "
                      f"{c.lead_diff:+.1f} [{c.lead_diff_low:+.1f}, {c.lead_diff_high:+.1f}] |")
        print("\n| K=10: Hawkes against | hits +/- [90 %] | P(not ahead) | PAI ratio [90 %] | P(not ahead) |")
        print("| --- | --- | --- | --- | --- |")
        for c in k10:
            print(f"| {SHORT[c.baseline]} | {c.hits_diff:+d} [{c.hits_diff_low:+.0f}, {c.hits_diff_high:+.0f}] | "
                  f"{c.p_hits_not_ahead:.3f} | {c.pai_ratio:.2f} [{c.pai_ratio_low:.2f}, {c.pai_ratio_high:.2f}] | "
                  f"{c.p_pai_not_ahead:.3f} |")
        print()
        for n in names:
            c = ct[ct.method == n]
            ax.plot(100 * c.area_share, c.hit_rate, "o-" if n == "hawkes" else ".-", ms=3, label=SHORT[n],
                    lw=2.2 if n in ("hawkes", "engine") else 1.2)
        for b in BUDGETS:
            ax.axvline(100 * b, color="grey", lw=0.6, ls=":")
        ax.set(title=f"{pname}", xlabel="area share, % of the country (top 1..25 areas, +10 km)",
               ylabel="hit rate (serious events, 14 days)", xlim=(0, 6))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.suptitle("UCDP GED, Central African Republic: hit rate against area share (weekly as-of dates)")
    fig.tight_layout()
    fig.savefig(ROOT / "docs" / "backtest-curves.png", dpi=110)
    plt.close(fig)
    doc["reliability"] = reliability(alerts, hawkes_by_period, ROOT / "docs" / "reliability.png")
    print("reliability (expected vs observed serious events):", json.dumps(doc["reliability"], indent=1))
    doc["fits"] = {p: {str(k): v.summary() for k, v in f.items()} for p, f in fits.items()}
    (RESULTS / "backtest_curves.json").write_text(json.dumps(doc, indent=2, default=str))


def machine() -> dict:
    import os
    import platform
    return {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes"), "python": platform.python_version(),
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "load_average": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--bootstrap", type=int, default=2000)
    parser.add_argument("--check", metavar="REVISION", help="a model revision on training dates only (logged)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="with --check: configuration values tried on top of the chosen ones")
    args = parser.parse_args()
    alerts = load()
    if args.tune:
        tune(alerts)
    elif args.check:
        check(alerts, args.check, {k: float(v) for k, v in (kv.split("=", 1) for kv in args.set)})
    else:
        report(alerts, args.bootstrap)


if __name__ == "__main__":
    main()
