"""Engine commands: ``hotspots``, ``watch``, ``backtest``.

Store-first: with no ``--alerts`` the commands score the store (``--store``,
default ``$EWARNING_STORE`` or the user's store), the same layers the desk
scores, with the same views: every alert reported before the as-of time
(:func:`ewarning.filters.scoring_alerts` under the default filters) and the
store's triage as it stands today, or as it stood at the as-of time with
``--triage-as-known-then`` (the desk's "Triage as known then" box). Files
still work: ``--alerts``, ``--sites``, ``--presence`` and ``--patrols``
each replace that layer; with ``--alerts`` and no ``--store`` only the files
are scored (the store is not read).

An empty result is a success (with a message on stderr); refusals and
failures are handled once, by :func:`ewarning.cli.main`.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

import pandas as pd

from .. import alerts as alerts_mod
from .. import filters as flt
from .. import patrols as patrols_mod
from .. import presence as presence_mod
from .. import sites as sites_mod
from .. import views
from ..asof import as_of_words, date_range, parse_as_of
from ..config import current_user, default_store
from ..i18n import Translator
from ..i18n.phrases import said_in
from ..io import ReadError, read
from ..views import Layers
from ..views.picture import later_edits_note
from .errors import EXIT_OK, InputError, say, translator

UCDP_CITATION = ("UCDP GED: Davies, Pettersson & Öberg (2023), Journal of Peace Research 60(4); "
                 "Sundberg & Melander (2013), Journal of Peace Research 50(4). Licence CC BY 4.0.")
DOMAIN_LAYERS = ("alerts", "sites", "presence", "patrols")


def add_commands(subparsers, store_help: str = "store file", t: Translator | None = None) -> None:
    """Register ``hotspots``, ``watch`` and ``backtest`` on ``subparsers``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="ewarning")
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["hotspots", "--as-of", "2018-11-15"])
    >>> args.top, args.alerts, args.triage_as_known_then
    (10, None, False)
    """
    t = t or Translator("en")
    p = subparsers.add_parser("hotspots", help=t("score hotspots as of a date (GeoJSON, one feature per hotspot)"))
    _inputs(p, store_help, t=t)
    p.set_defaults(func=cmd_hotspots)
    p = subparsers.add_parser("watch", help=t("vulnerability watch: IDP sites missing a presence component"))
    _inputs(p, store_help, t=t)
    p.set_defaults(func=cmd_watch)
    p = subparsers.add_parser("backtest", help=t("engine and baselines against what happened next"))
    _inputs(p, store_help, backtest=True, t=t)
    p.set_defaults(func=cmd_backtest)


def _inputs(p: argparse.ArgumentParser, store_help: str, backtest: bool = False, t: Translator | None = None) -> None:
    t = t or Translator("en")
    p.add_argument("--store", help=t("{store_help}; scored when no --alerts is given (with --alerts too when "
                                     "given: its other layers then fill in those not given as files)",
                                     store_help=store_help))
    p.add_argument("--alerts", metavar="PATH",
                   help=t("alerts file (any readable format: own, ACLED, UCDP GED...) instead of the store's"))
    p.add_argument("--sites", metavar="PATH", help=t("IDP sites file (replaces the store's)"))
    p.add_argument("--presence", metavar="PATH", help=t("bases and presence periods file (replaces the store's)"))
    p.add_argument("--patrols", metavar="PATH", nargs="+",
                   help=t("patrols: a file with routes (lines, GPX/KML tracks), or a patrol table and its route "
                          "points (replaces the store's)"))
    when = p.add_mutually_exclusive_group(required=not backtest)
    when.add_argument("--as-of", dest="as_of", metavar="DATE",
                      help=t("score as of DATE (a bare date = start of day UTC)"))
    when.add_argument("--from", dest="date_from", metavar="DATE", help=t("first as-of date of a range"))
    p.add_argument("--to", dest="date_to", metavar="DATE", help=t("last as-of date of a range"))
    p.add_argument("--every", default="7D", help=t("step of the range (default 7D)"))
    p.add_argument("--top", type=int, default=10, metavar="K", help=t("keep the K best (default 10)"))
    p.add_argument("--out", metavar="PATH", help=t("write here (default: standard output)"))
    p.add_argument("--window-days", type=float,
                   help=t("recent window scored (default: HotspotConfig.window_days, 60)"))
    p.add_argument("--reach-km", type=float, help=t("reach of every component from its bases (default 30/20 km)"))
    if not backtest:
        p.add_argument("--triage-as-known-then", action="store_true",
                       help=t("store alerts: score them as triage had left them at the as-of time (edits made "
                              "later undone), as the desk's 'Triage as known then' box; default: today's triage"))
        p.add_argument("--roads", metavar="PATH",
                       help=t("road lines (GeoJSON, GeoPackage, shapefile; optional speed_kmh or road class): "
                              "reach is then travel time by road (default 2 h military, 1.5 h others)"))
        p.add_argument("--reach-hours", type=float, help=t("with --roads: reach of every component in hours"))
    if backtest:
        p.add_argument("--horizon-days", type=float, default=14.0)
        p.add_argument("--tolerance-km", type=float, default=10.0)
        p.add_argument("--serious-killed", type=int, default=5,
                       help=t("a serious event has at least this many killed"))
        p.add_argument("--country", metavar="PATH", help=t("country outline file (default geodata/basemap)"))
        p.add_argument("--bootstrap", type=int, default=2000, metavar="N",
                       help=t("resamples of the paired block bootstrap of the engine against each baseline "
                              "(default 2000; 0 skips it)"))
        p.add_argument("--seed", type=int, default=0, help=t("seed of the bootstrap (default 0)"))
        p.add_argument("--methods", default=",".join(METHOD_KEYS),
                       help=t("methods to run, comma-separated, from {methods} (default: all; hawkes = the "
                              "self-exciting forecast of ewarning.forecast)", methods=", ".join(METHOD_KEYS)))
        p.add_argument("--curves", type=int, default=25, metavar="K",
                       help=t("also ask each method for its top 1..K areas per date: hit rate at 1/2/3 %% area "
                              "budgets and accuracy index at equal hit rate (default 25; 0 skips it)"))


# -- loading --------------------------------------------------------------------------------------

def _load(path: str | None, layer: str, secret: bytes, required: bool = False):
    """A validated layer from a file; quarantined rows are counted on stderr."""
    t = translator()
    if path is None:
        if required:
            raise InputError(t("--{layer}: required", layer=layer))
        return None
    if layer == "patrols":
        paths = [path] if isinstance(path, str) else list(path)
        tables = []
        for one in paths:
            try:
                tables.extend(read(one))
            except ReadError as exc:
                raise InputError(f"--patrols {one}: {exc}") from None
        return _load_patrols(tables, " ".join(paths))
    try:
        tables = read(path, layer=layer)
    except ReadError as exc:
        raise InputError(f"--{layer} {path}: {exc}") from None
    validator = {"alerts": alerts_mod, "sites": sites_mod, "presence": presence_mod}[layer]
    frames, bad = [], 0
    for table in tables:
        if table.layer != layer:
            continue
        if len(table.frame) == 0:  # the validators fail on a header-only table; nothing to validate anyway
            say(t("{path}: no rows", path=path))
            if layer == "alerts":
                import geopandas as gpd
                frames.append(gpd.GeoDataFrame({"reported_at": pd.to_datetime([], utc=True), "category": []},
                                               geometry=[], crs="EPSG:4326"))
            continue
        v = validator.validate(table, secret=secret) if layer == "alerts" else validator.validate(table)
        frames.append(v.valid)
        bad += len(v.quarantine)
    if not frames and layer != "alerts" and any(table.layer == layer for table in tables):
        return None
    if not frames:
        raise InputError(t("--{layer} {path}: no {layer} layer found in the file", layer=layer, path=path))
    if bad:
        say(t("{path}: {n} {layer} row(s) could not be used (run `python -m ewarning validate {path}` for reasons)",
              path=path, n=t.number(bad), layer=layer))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if layer == "alerts" and len(frame):
        # near-duplicate reports linked as `import` links them, so a file scores as it would once imported
        links = alerts_mod.link_near_duplicates(frame)
        frame = frame.assign(duplicate_of=frame["duplicate_of"].where(frame["duplicate_of"].notna(), links))
    return frame


def _load_patrols(tables, path):
    points = [t for t in tables if t.layer == "patrol_points"]
    metas = [t for t in tables if t.layer == "patrols"]
    routes = None
    if points:
        v = patrols_mod.validate_points(points[0])
        routes = patrols_mod.routes_from_points(v.valid)
    if metas:
        meta = metas[0]
    elif points:
        from ..io.base import RawTable
        meta = RawTable("patrols", pd.DataFrame({"patrol_id": pd.Series(dtype=object)}), points[0].source, "own")
    else:
        t = translator()
        raise InputError(t("--patrols {path}: no patrols or route points found in the file", path=path))
    v = patrols_mod.validate(meta, routes=routes)
    if len(v.quarantine):
        t = translator()
        say(t("{path}: {n} patrol(s) could not be used", path=path, n=t.number(len(v.quarantine))))
    return v.valid


def _dates(args) -> list[pd.Timestamp]:
    t = translator()
    if args.as_of is not None:
        if args.date_to is not None:
            raise InputError(t("give either --as-of DATE or --from DATE --to DATE, not both"))
        return [parse_as_of(args.as_of)]
    if args.date_from is None or args.date_to is None:
        raise InputError(t("give --as-of DATE, or --from DATE --to DATE [--every 7D]"))
    return date_range(args.date_from, args.date_to, args.every)


def _config(args):
    from ..hotspots import HotspotConfig
    kw = {}
    if getattr(args, "window_days", None):
        kw["window_days"] = args.window_days
    if getattr(args, "reach_km", None):
        kw["reach_km"] = {c: args.reach_km for c in ("military", "police", "civilian", "cla")}
    if getattr(args, "reach_hours", None):
        t = translator()
        if args.reach_hours <= 0:
            raise InputError(t("--reach-hours must be positive"))
        if not getattr(args, "roads", None):
            raise InputError(t("--reach-hours needs --roads (without roads, reach is --reach-km)"))
        kw["reach_hours"] = {c: args.reach_hours for c in ("military", "police", "civilian", "cla")}
    return HotspotConfig(**kw)


def _roads(args):
    """The road layer of ``--roads``, checked, or None."""
    path = getattr(args, "roads", None)
    if not path:
        return None
    t = translator()
    if not Path(path).exists():
        raise InputError(t("--roads {path}: no such file", path=path))
    from ..roads import read_roads
    try:
        roads = read_roads(path)
    except ValueError as exc:
        raise InputError(f"--roads {exc}") from None
    say(t("{path}: {n} road line(s); reach is travel time by road", path=path, n=t.number(len(roads))))
    return roads


def _open_existing(location: str | None):
    """The store at ``location`` (default store when None); refused when there is no store there."""
    from ..store import open_store

    location = str(location or default_store())
    if "://" not in location and not Path(location).exists():
        t = translator()
        raise InputError(t("no store at {location}: import files into it first (python -m ewarning import FILE "
                           "--store {location}, or demo), or give --alerts FILE", location=location))
    return open_store(location)


def _layers(args, dates: list[pd.Timestamp], until: bool = True, needed=DOMAIN_LAYERS) -> tuple[Layers, str | None]:
    """The four layers (files where given, else the store's) and the store's triage log, and the store.

    ``until``: read only the store's alerts reported before the last as-of
    date (hotspots, watch); the backtest needs the future to score against.
    ``needed``: the layers the command uses (others are not read from the store).
    """
    t = translator()
    if args.top is not None and args.top < 1:
        raise InputError(t("--top must be at least 1"))
    secret = secrets.token_bytes(32)  # keys only need to be consistent within this run
    files = {layer: getattr(args, layer) for layer in DOMAIN_LAYERS}
    layers = {layer: _load(path, layer, secret) for layer, path in files.items()}
    edits, store_location, engagements = None, None, None
    if files["alerts"] is None or args.store is not None:
        store = _open_existing(args.store)
        store_location = store.location
        from_store = [layer for layer in needed if files[layer] is None]
        for layer in from_store:
            layers[layer] = store.read(layer, until=max(dates) if until and layer == "alerts" else None)
        if files["alerts"] is None:
            edits = store.read("alert_edits")
            # the engagement log counts in the presence around a hotspot, as on the desk
            engagements = store.read("engagements", until=max(dates) if until else None)
        if from_store:
            from .data import HELD
            say(t("store {location}: {counts}", location=store.location,
                  counts=", ".join(t(HELD[layer], n=t.number(len(layers[layer]))) for layer in from_store)))
    return (Layers(**layers, alert_edits=edits, source=str(store_location or "files"), engagements=engagements),
            store_location)


def _filters(when: pd.Timestamp, args) -> flt.Filters:
    """The desk's filters untouched, as of ``when``: every alert reported before it is scored."""
    return flt.Filters(end=when, triage_as_known=bool(getattr(args, "triage_as_known_then", False)))


def _pictures(layers: Layers, dates, args, user: str, **kw):
    """One picture per as-of date (:func:`ewarning.views.pictures`), as the desk builds them."""
    from ..places import shipped_towns
    return views.pictures(layers, _filters(dates[0], args), dates, user, config=_config(args),
                          towns=shipped_towns(), **kw)


def _triage_notes(layers: Layers, known_then: bool, t: Translator | None = None) -> list[str]:
    """What the command line adds to the views' notes on triage (English: the notes of the GeoJSON)."""
    t = t or Translator("en")
    if layers.alert_edits is None and known_then:
        return [t("--triage-as-known-then: alerts from a file have no triage log; scored as given")]
    return []


def _when(d, t: Translator) -> str:
    """The as-of time as :func:`ewarning.asof.as_of_words` says it, in ``t``'s language."""
    if t.locale == "en":
        return as_of_words(d)
    from ..asof import as_of_day

    ts = parse_as_of(d)
    if ts == ts.normalize():
        return t("as of end of {date} (UTC)", date=t.date(as_of_day(ts)))
    return t("as of {date} {time} UTC", date=t.date(ts), time=t.time(ts))


def _later_note(later: int, known_then: bool, t: Translator) -> str:
    """:func:`ewarning.views.picture.later_edits_note` in ``t``'s language."""
    if t.locale == "en":
        return later_edits_note(later, known_then)
    n = t.number(later)
    return (t("{n} triage edit(s) were made after the as-of time: undone, as known then.", n=n) if known_then
            else t("{n} triage edit(s) were made after the as-of time: applied (hindsight).", n=n))


def _notes(p, known_then: bool, t: Translator | None = None) -> list[str]:
    """The picture's notes, each after its as-of time (English: the notes of the GeoJSON), in ``t``'s
    language (the views' notes are :class:`~ewarning.i18n.phrases.Said`)."""
    t = t or Translator("en")
    when = p.as_of_words if t.locale == "en" else _when(p.as_of, t)
    notes = []
    for n in p.notes:
        if t.locale != "en" and p.edits_after and n == later_edits_note(p.edits_after, p.filters.triage_as_known):
            n = _later_note(p.edits_after, p.filters.triage_as_known, t)
        notes.append(t("{when}: {note}", when=when, note=said_in(n, t)))
    if p.edits_after and not known_then:
        notes.append(t("{when}: pass --triage-as-known-then to score what was known that day", when=when))
    return notes


def _write(doc: dict, out: str | None) -> None:
    text = json.dumps(doc, ensure_ascii=False, default=str)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        t = translator()
        say(t("wrote {path}", path=out))
    else:
        sys.stdout.write(text + "\n")


def _attribution(alerts) -> dict:
    if alerts is not None and "origin" in alerts.columns and (alerts["origin"] == "ucdp").any():
        return {"attribution": UCDP_CITATION}
    return {}


def _hotspot_features(p) -> list[dict]:
    """The picture's hotspots as GeoJSON features, with ``killed`` (each incident counted once, as the
    desk's table shows it)."""
    from ..hotspots import HotspotResult
    features = HotspotResult(p.as_of, p.hotspots, p.notes, p.config).features()
    for feature, killed in zip(features, p.hotspots["killed"] if len(p.hotspots) else []):
        feature["properties"]["killed"] = None if pd.isna(killed) else int(round(float(killed)))
    return features


# -- commands -------------------------------------------------------------------------------------

def cmd_hotspots(args) -> int:
    t = translator()
    dates = _dates(args)
    layers, _ = _layers(args, dates)
    roads = _roads(args)
    features, notes = [], _triage_notes(layers, args.triage_as_known_then)
    said = _triage_notes(layers, args.triage_as_known_then, t)
    for p in _pictures(layers, dates, args, current_user(), roads=roads, top=args.top):
        features.extend(_hotspot_features(p))
        notes.extend(_notes(p, args.triage_as_known_then))
        said.extend(_notes(p, args.triage_as_known_then, t))
    notes = list(dict.fromkeys(notes))
    for n in dict.fromkeys(said):
        say(n)
    say(t("{n} hotspot(s) over {dates} as-of date(s)", n=t.number(len(features)), dates=t.number(len(dates))))
    _write({"type": "FeatureCollection", "features": features, "notes": notes, **_attribution(layers.alerts)},
           args.out)
    return EXIT_OK


def cmd_watch(args) -> int:
    dates = _dates(args)
    layers, store_location = _layers(args, dates)
    alerts, sites = layers.alerts, layers.sites
    roads = _roads(args)
    if roads is not None and alerts is not None and len(alerts):
        # built once for every date, on the CRS watch() measures in (that of the alerts)
        from ..geo import metric_crs
        from ..roads import RoadNetwork
        roads = RoadNetwork.from_lines(roads, metric_crs(alerts))
    t, en = translator(), Translator("en")
    features, notes, said, user = [], [], [], current_user()
    if sites is None or not len(sites):
        notes.append(_no_sites(store_location is None or args.sites, en))
        said.append(_no_sites(store_location is None or args.sites, t))
    else:
        notes.extend(_triage_notes(layers, args.triage_as_known_then))
        said.extend(_triage_notes(layers, args.triage_as_known_then, t))
        for d in dates:
            # the watch needs no hotspot: the picture's as-of layers without scoring
            w = _site_watch(layers, _filters(d, args), args, roads, user)
            features.extend(w.features())
            later = layers.edits_after(d)
            notes.extend(_watch_notes(d, w.notes, later, args.triage_as_known_then, en))
            said.extend(_watch_notes(d, w.notes, later, args.triage_as_known_then, t))
    notes = list(dict.fromkeys(notes))
    for n in dict.fromkeys(said):
        say(n)
    _write({"type": "FeatureCollection", "features": features, "notes": notes, **_attribution(alerts)}, args.out)
    return EXIT_OK


def _no_sites(none_given: bool, t: Translator) -> str:
    return (t("no --sites given: there are no IDP sites to watch") if none_given
            else t("the store holds no IDP sites: there are none to watch (give --sites FILE)"))


def _watch_notes(d, view_notes, later: int, known_then: bool, t: Translator) -> list[str]:
    """One as-of date's notes of the watch, in ``t``'s language."""
    when = _when(d, t)
    lines = [t("{when}: {note}", when=when, note=said_in(n, t)) for n in view_notes]
    if later:
        lines.append(t("{when}: {note}", when=when, note=_later_note(later, known_then, t)))
        if not known_then:
            lines.append(t("{when}: pass --triage-as-known-then to score what was known that day", when=when))
    return lines


def _site_watch(layers: Layers, f: flt.Filters, args, roads, user: str):
    return views.site_watch_at(layers, f, user, config=_config(args), top=args.top, roads=roads)


#: ``--methods`` keys: the engine, the three baselines and the self-exciting forecast
METHOD_KEYS = ("engine", "grid", "kde", "ehsa", "hawkes")


def _methods(args, hotspot_config, sites) -> tuple[dict, dict]:
    """(methods, extra methods) of ``backtest.run`` for ``--methods``."""
    from .. import backtest
    from ..forecast import HawkesMethod
    keys = [k.strip().lower() for k in str(args.methods).split(",") if k.strip()]
    unknown = [k for k in keys if k not in METHOD_KEYS]
    if unknown or not keys:
        t = translator()
        raise InputError(t("--methods: unknown {methods}; choose from {choices}",
                           methods=", ".join(unknown) or t("(none given)"), choices=", ".join(METHOD_KEYS)))
    defaults = backtest.default_methods(hotspot_config, sites)
    names = dict(zip(METHOD_KEYS[:4], defaults))
    methods = {names[k]: defaults[names[k]] for k in METHOD_KEYS[:4] if k in keys}
    extra = {"hawkes": HawkesMethod(serious_killed=args.serious_killed)} if "hawkes" in keys else {}
    if not methods:
        methods, extra = extra, {}
    return methods, extra


def _print_budgets(r) -> dict:
    """The hit rate at 1/2/3 % budgets and the accuracy index at equal hit rate, printed; the JSON part."""
    from .. import backtest
    baselines = [m for m in r.curves.methods if m not in ("engine", "hawkes")]
    bt = backtest.budget_table(r.curves, baselines=baselines or None)
    t = translator()
    print()
    head = (t("at an area budget of"), t("hit rate 1/2/3 %"), t("area used %"), t("PAI ratio vs best"))
    print(f"{head[0]:44s} {head[1]:>20s} {head[2]:>18s} {head[3]:>20s}")
    for name in r.curves.methods:
        q = bt.loc[name]
        # figures with a decimal point in every language, as the tables beside it (backtest, significance)
        ratios = " / ".join("-" if pd.isna(q.get(f"pai_ratio_{b}%")) else f"{q[f'pai_ratio_{b}%']:.2f}"
                            for b in (1, 2, 3)) if name not in baselines else t("(baseline)")
        print(f"{name:44s} {q['hr_1%']:6.3f} {q['hr_2%']:6.3f} {q['hr_3%']:6.3f} "
              f"{100 * q['share_1%']:5.2f} {100 * q['share_2%']:5.2f} {100 * q['share_3%']:5.2f} {ratios:>20s}")
    print(t("(top 1..{k} areas per date, the longest prefix within the budget; PAI ratio = budget over the area "
            "the method needs for the best baseline's hit rate at the budget)", k=r.curves.k))
    return {"budgets": bt.reset_index(names="method").to_dict("records"),
            "curve": backtest.curve_table(r.curves).to_dict("records")}


def cmd_backtest(args) -> int:
    from .. import backtest
    t = translator()
    if args.as_of is not None:
        raise InputError(t("backtest needs a range: --from DATE --to DATE [--every 7D]"))
    dates = _dates(args)
    layers, store_location = _layers(args, dates, until=False, needed=("alerts", "sites"))  # against what followed
    alerts, sites = layers.alerts, layers.sites
    if store_location is not None and args.alerts is None and not len(alerts):
        raise InputError(t("store {location} holds no alerts to backtest", location=store_location))
    cfg = backtest.BacktestConfig(top_k=args.top, horizon_days=args.horizon_days, tolerance_km=args.tolerance_km,
                                  serious_killed=args.serious_killed)
    if args.country and not Path(args.country).exists():
        raise InputError(t("--country {path}: no such file", path=args.country))
    methods, extra = _methods(args, _config(args), sites)
    r = backtest.run(alerts, dates, methods=methods, config=cfg, hotspot_config=_config(args), country=args.country,
                     sites=sites, curve_k=max(int(args.curves), 0), extra_methods=extra)
    for n in r.notes:
        say(n)
    print(r.format_table())
    curves = _print_budgets(r) if args.curves > 0 and r.curves is not None else {}
    hawkes = {**methods, **extra}.get("hawkes")
    if hawkes is not None:
        from ..hotspots.prepare import days
        say(t("hawkes, fit used as of the last date: {summary}", summary=hawkes.fit_at(days(dates[-1])).summary()))
    comparisons = r.significance(n_boot=args.bootstrap, seed=args.seed) if args.bootstrap > 0 else []
    if comparisons:
        from ..significance import format_comparisons
        print()
        print(format_comparisons(comparisons))
        print(t("(paired block bootstrap over the {dates} as-of dates: {n} resamples of 4-week blocks, seed "
                "{seed}; P(not ahead) = share of resamples where the engine is not ahead)",
                dates=t.number(len(r.dates)), n=args.bootstrap, seed=args.seed))
    attribution = _attribution(alerts)
    if attribution:
        print(attribution["attribution"])
    doc = r.to_dict(comparisons)
    doc.update(curves)
    doc.update(attribution)
    if args.out:
        Path(args.out).write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
        say(t("wrote {path}", path=args.out))
    return EXIT_OK
