"""Commands of the early-warning engine: ``hotspots``, ``watch``, ``backtest``.

:func:`add_commands` registers them on an argparse sub-parser object (the
main CLI, ``python -m ewarning``, wires them in). For a stand-alone run:
``python -m ewarning.engine_cli hotspots --alerts PATH --as-of 2018-11-15``.

Exit status: 0 on success (an empty result is a success, with a message on
stderr), 2 when an input or an argument is refused (with the reason), 1 on
an unexpected failure (a message, never a bare traceback).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

import pandas as pd

from . import alerts as alerts_mod
from . import patrols as patrols_mod
from . import presence as presence_mod
from . import sites as sites_mod
from .asof import date_range, parse_as_of
from .io import ReadError, read

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2
UCDP_CITATION = ("UCDP GED: Davies, Pettersson & Öberg (2023), Journal of Peace Research 60(4); "
                 "Sundberg & Melander (2013), Journal of Peace Research 50(4). Licence CC BY 4.0.")


class InputError(Exception):
    """An input the command refuses, with a message the user can act on."""


def add_commands(subparsers) -> None:
    """Register ``hotspots``, ``watch`` and ``backtest`` on ``subparsers``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="ewarning")
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["hotspots", "--alerts", "a.csv", "--as-of", "2018-11-15"]).top
    10
    """
    p = subparsers.add_parser("hotspots", help="score hotspots as of a date (GeoJSON, one feature per hotspot)")
    _inputs(p)
    p.set_defaults(func=cmd_hotspots)
    p = subparsers.add_parser("watch", help="vulnerability watch: IDP sites missing a presence component")
    _inputs(p)
    p.set_defaults(func=cmd_watch)
    p = subparsers.add_parser("backtest", help="engine and baselines against what happened next")
    _inputs(p, backtest=True)
    p.set_defaults(func=cmd_backtest)


def _inputs(p: argparse.ArgumentParser, backtest: bool = False) -> None:
    p.add_argument("--alerts", required=True, metavar="PATH", help="alerts (any readable format: own, ACLED, UCDP GED...)")
    p.add_argument("--sites", metavar="PATH", help="IDP sites")
    p.add_argument("--presence", metavar="PATH", help="bases and presence periods")
    p.add_argument("--patrols", metavar="PATH", nargs="+",
                   help="patrols: a file with routes (lines, GPX/KML tracks), or a patrol table and its route points")
    when = p.add_mutually_exclusive_group(required=not backtest)
    when.add_argument("--as-of", dest="as_of", metavar="DATE", help="score as of DATE (a bare date = start of day UTC)")
    when.add_argument("--from", dest="date_from", metavar="DATE", help="first as-of date of a range")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last as-of date of a range")
    p.add_argument("--every", default="7D", help="step of the range (default 7D)")
    p.add_argument("--top", type=int, default=10, metavar="K", help="keep the K best (default 10)")
    p.add_argument("--out", metavar="PATH", help="write here (default: standard output)")
    p.add_argument("--window-days", type=float, help="recent window scored (default: HotspotConfig.window_days, 60)")
    p.add_argument("--reach-km", type=float, help="reach of every component from its bases (default 30/20 km)")
    if not backtest:
        p.add_argument("--roads", metavar="PATH",
                       help="road lines (GeoJSON, GeoPackage, shapefile; optional speed_kmh or road class): "
                            "reach is then travel time by road (default 2 h military, 1.5 h others)")
        p.add_argument("--reach-hours", type=float, help="with --roads: reach of every component in hours")
    if backtest:
        p.add_argument("--horizon-days", type=float, default=14.0)
        p.add_argument("--tolerance-km", type=float, default=10.0)
        p.add_argument("--serious-killed", type=int, default=5, help="a serious event has at least this many killed")
        p.add_argument("--country", metavar="PATH", help="country outline file (default geodata/basemap)")
        p.add_argument("--bootstrap", type=int, default=2000, metavar="N",
                       help="resamples of the paired block bootstrap of the engine against each baseline "
                            "(default 2000; 0 skips it)")
        p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")


# -- loading --------------------------------------------------------------------------------------

def _load(path: str | None, layer: str, secret: bytes, required: bool = False):
    """A validated layer from a file; quarantined rows are counted on stderr."""
    if path is None:
        if required:
            raise InputError(f"--{layer}: required")
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
    for t in tables:
        if t.layer != layer:
            continue
        if len(t.frame) == 0:  # the validators fail on a header-only table; nothing to validate anyway
            _say(f"{path}: no rows")
            if layer == "alerts":
                import geopandas as gpd
                frames.append(gpd.GeoDataFrame({"reported_at": pd.to_datetime([], utc=True), "category": []},
                                               geometry=[], crs="EPSG:4326"))
            continue
        v = validator.validate(t, secret=secret) if layer == "alerts" else validator.validate(t)
        frames.append(v.valid)
        bad += len(v.quarantine)
    if not frames and layer != "alerts" and any(t.layer == layer for t in tables):
        return None
    if not frames:
        raise InputError(f"--{layer} {path}: no {layer} layer found in the file")
    if bad:
        _say(f"{path}: {bad} {layer} row(s) could not be used (run `python -m ewarning validate {path}` for reasons)")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
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
        from .io.base import RawTable
        meta = RawTable("patrols", pd.DataFrame({"patrol_id": pd.Series(dtype=object)}), points[0].source, "own")
    else:
        raise InputError(f"--patrols {path}: no patrols or route points found in the file")
    v = patrols_mod.validate(meta, routes=routes)
    if len(v.quarantine):
        _say(f"{path}: {len(v.quarantine)} patrol(s) could not be used")
    return v.valid


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


def _dates(args) -> list[pd.Timestamp]:
    if args.as_of is not None:
        if args.date_to is not None:
            raise InputError("give either --as-of DATE or --from DATE --to DATE, not both")
        return [parse_as_of(args.as_of)]
    if args.date_from is None or args.date_to is None:
        raise InputError("give --as-of DATE, or --from DATE --to DATE [--every 7D]")
    return date_range(args.date_from, args.date_to, args.every)


def _config(args):
    from .hotspots import HotspotConfig
    kw = {}
    if getattr(args, "window_days", None):
        kw["window_days"] = args.window_days
    if getattr(args, "reach_km", None):
        kw["reach_km"] = {c: args.reach_km for c in ("military", "police", "civilian", "cla")}
    if getattr(args, "reach_hours", None):
        if args.reach_hours <= 0:
            raise InputError("--reach-hours must be positive")
        if not getattr(args, "roads", None):
            raise InputError("--reach-hours needs --roads (without roads, reach is --reach-km)")
        kw["reach_hours"] = {c: args.reach_hours for c in ("military", "police", "civilian", "cla")}
    return HotspotConfig(**kw)


def _roads(args):
    """The road layer of ``--roads``, checked, or None."""
    path = getattr(args, "roads", None)
    if not path:
        return None
    if not Path(path).exists():
        raise InputError(f"--roads {path}: no such file")
    from .roads import read_roads
    try:
        roads = read_roads(path)
    except ValueError as exc:
        raise InputError(f"--roads {exc}") from None
    _say(f"{path}: {len(roads)} road line(s); reach is travel time by road")
    return roads


def _layers(args):
    secret = secrets.token_bytes(32)  # keys only need to be consistent within this run
    alerts = _load(args.alerts, "alerts", secret, required=True)
    sites = _load(args.sites, "sites", secret)
    presence = _load(args.presence, "presence", secret)
    patrols = _load(args.patrols, "patrols", secret)
    if args.top is not None and args.top < 1:
        raise InputError("--top must be at least 1")
    return alerts, sites, presence, patrols


def _write(doc: dict, out: str | None) -> None:
    text = json.dumps(doc, ensure_ascii=False, default=str)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        _say(f"wrote {out}")
    else:
        sys.stdout.write(text + "\n")


def _attribution(alerts) -> dict:
    if alerts is not None and "origin" in alerts.columns and (alerts["origin"] == "ucdp").any():
        return {"attribution": UCDP_CITATION}
    return {}


# -- commands -------------------------------------------------------------------------------------

def cmd_hotspots(args) -> int:
    from .hotspots import HotspotEngine
    dates = _dates(args)
    alerts, sites, presence, patrols = _layers(args)
    from .places import shipped_towns
    engine = HotspotEngine(alerts, sites, presence, patrols, _config(args), towns=shipped_towns(), roads=_roads(args))
    features, notes = [], []
    for d in dates:
        r = engine.score(d, top=args.top)
        features.extend(r.features())
        notes.extend(f"{d.date()}: {n}" for n in r.notes)
    for n in dict.fromkeys(notes):
        _say(n)
    _say(f"{len(features)} hotspot(s) over {len(dates)} as-of date(s)")
    _write({"type": "FeatureCollection", "features": features, "notes": list(dict.fromkeys(notes)),
            **_attribution(alerts)}, args.out)
    return EXIT_OK


def cmd_watch(args) -> int:
    from .hotspots.watch import watch
    dates = _dates(args)
    alerts, sites, presence, patrols = _layers(args)
    config, roads = _config(args), _roads(args)
    if roads is not None and alerts is not None and len(alerts):
        # built once for every date, on the CRS watch() measures in (that of the alerts)
        from .geo import metric_crs
        from .roads import RoadNetwork
        roads = RoadNetwork.from_lines(roads, metric_crs(alerts))
    features, notes = [], []
    if sites is None:
        notes.append("no --sites given: there are no IDP sites to watch")
    else:
        for d in dates:
            r = watch(alerts, sites, presence, as_of=d, config=config, top=args.top, roads=roads)
            features.extend(r.features())
            notes.extend(f"{d.date()}: {n}" for n in r.notes)
    for n in dict.fromkeys(notes):
        _say(n)
    _write({"type": "FeatureCollection", "features": features, "notes": list(dict.fromkeys(notes)),
            **_attribution(alerts)}, args.out)
    return EXIT_OK


def cmd_backtest(args) -> int:
    from . import backtest
    if args.as_of is not None:
        raise InputError("backtest needs a range: --from DATE --to DATE [--every 7D]")
    dates = _dates(args)
    alerts, sites, _, _ = _layers(args)
    cfg = backtest.BacktestConfig(top_k=args.top, horizon_days=args.horizon_days, tolerance_km=args.tolerance_km,
                                  serious_killed=args.serious_killed)
    if args.country and not Path(args.country).exists():
        raise InputError(f"--country {args.country}: no such file")
    r = backtest.run(alerts, dates, config=cfg, hotspot_config=_config(args), country=args.country, sites=sites)
    for n in r.notes:
        _say(n)
    print(r.format_table())
    comparisons = r.significance(n_boot=args.bootstrap, seed=args.seed) if args.bootstrap > 0 else []
    if comparisons:
        from .significance import format_comparisons
        print()
        print(format_comparisons(comparisons))
        print(f"(paired block bootstrap over the {len(r.dates)} as-of dates: {args.bootstrap} resamples of "
              f"4-week blocks, seed {args.seed}; P(not ahead) = share of resamples where the engine is not ahead)")
    attribution = _attribution(alerts)
    if attribution:
        print(attribution["attribution"])
    doc = r.to_dict(comparisons)
    doc.update(attribution)
    if args.out:
        Path(args.out).write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")
        _say(f"wrote {args.out}")
    return EXIT_OK


def run_command(args) -> int:
    """Run a parsed command, turning refused inputs into a message and exit 2."""
    try:
        return args.func(args)
    except (InputError, ReadError, ValueError) as exc:
        _say(f"error: {exc}")
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - the contract is a message, never a traceback
        _say(f"error: unexpected failure ({type(exc).__name__}: {exc}); please report it")
        return EXIT_ERROR


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ewarning.engine_cli",
                                     description="Hotspots, vulnerability watch and backtest (offline).")
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
