"""Patrol commands: ``patrols summary`` (one row per patrol from GPS tracks or route points).

``python -m ewarning patrols summary --patrols PATH [--sites PATH] [--out PATH]``
reads ``PATH`` (a GPX, KML or GeoJSON file, a folder of them, or a
route-point CSV; :func:`ewarning.tracking.read_tracks`), runs the patrol
analytics (:func:`ewarning.tracking.analyse`: cleaning, gaps, stops, foot
and vehicle time) and writes one row per patrol with the columns
:data:`ewarning.tracking.SUMMARY_COLUMNS`::

    patrol_id, component, type, start, end, duration_min, distance_km,
    dismounted_min, stops, sites_passed

as CSV or JSON chosen by ``--out``'s extension, or as a table on stdout
without ``--out``. ``--sites`` is a sites layer (CSV, GeoJSON, GeoPackage:
``name, lat, lon``), checked by the sites validator; ``sites_passed``
names those within ``--site-km`` (2 km) of the route, in the order passed.
``type`` is the patrol's *declared* type; ``dismounted_min`` is *measured*
(time at walking pace, see :mod:`ewarning.tracking.analytics`).
CSV cells are neutralised against spreadsheet formulas. Bad input: a
one-line error and exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..i18n import Translator
from ..security import neutralise_frame
from .errors import EXIT_OK, InputError, say, translator

__all__ = ["add_commands", "cmd_patrols_summary"]


def add_commands(subparsers, store_help: str = "store file", t: Translator | None = None) -> None:
    """Register ``patrols summary`` on ``subparsers``.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="ewarning")
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["patrols", "summary", "--patrols", "tracks/", "--out", "s.csv"])
    >>> args.patrols, args.out, args.site_km
    ('tracks/', 's.csv', 2.0)
    """
    t = t or Translator("en")
    p = subparsers.add_parser("patrols",
                              help=t("patrol analytics from GPS tracks (GPX, KML, GeoJSON, route points)"))
    sub = p.add_subparsers(dest="patrols_command", required=True, metavar="ACTION")
    s = sub.add_parser("summary",
                       help=t("one row per patrol: duration, distance, time on foot, stops, sites passed"))
    s.add_argument("--patrols", required=True, metavar="PATH",
                   help=t("a GPX/KML/GeoJSON file, a folder of them, or a route-point CSV"))
    s.add_argument("--sites", metavar="PATH", help=t("sites or communities (name, lat, lon) to report as passed"))
    s.add_argument("--out", metavar="PATH", help=t("write CSV or JSON (by extension); default: a table on stdout"))
    s.add_argument("--site-km", dest="site_km", type=float, default=2.0, metavar="KM",
                   help=t("a site is passed within this distance of the route (default 2)"))
    s.set_defaults(func=cmd_patrols_summary)


def _sites(path: str):
    from .. import sites as sites_mod
    from ..io import read

    t = translator()
    tables = list(read(Path(path), layer="sites"))
    if not tables:
        raise InputError(t("{file}: no sites found", file=Path(path).name))
    checked = sites_mod.validate(tables[0])
    if len(checked.quarantine):
        say(t("note: {n} site row(s) set aside: {reasons}", n=t.number(len(checked.quarantine)),
              reasons="; ".join(checked.quarantine["reason"].astype(str).head(3))))
    if checked.valid.empty:
        raise InputError(t("{file}: no valid site (need name, lat, lon)", file=Path(path).name))
    return checked.valid


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for col in ("start", "end"):
        text = pd.to_datetime(out[col], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        out[col] = text.astype(object).where(text.notna(), None)
    for col in ("duration_min", "distance_km", "dismounted_min"):
        out[col] = out[col].astype(float).round(2 if col == "distance_km" else 1)
    return out


def cmd_patrols_summary(args) -> int:
    from ..tracking import SUMMARY_COLUMNS, TrackConfig, analyse, read_tracks

    t = translator()
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise InputError(t("--out {file}: give a .csv or .json file", file=out.name))
    if not args.site_km > 0:
        raise InputError(t("--site-km must be above 0"))
    tracks = read_tracks(args.patrols)
    sites = _sites(args.sites) if args.sites else None
    result = analyse(tracks.points, tracks.patrols, sites, TrackConfig(site_km=args.site_km))
    table = _plain(result.patrols[SUMMARY_COLUMNS])
    for note in tracks.notes:
        say(t("note: {note}", note=note))
    dropped = {k: v for k, v in result.cleaning.items() if v}
    if dropped:
        say(t("note: points cleaned: {counts}", counts=", ".join(f"{t.number(v)} {k}" for k, v in dropped.items())))
    if out is None:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            print(table.to_string(index=False))
        return EXIT_OK
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        neutralise_frame(table).to_csv(out, index=False, encoding="utf-8")
    else:
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        out.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    say(t("{n} patrol(s) written to {path}", n=t.number(len(table)), path=out))
    return EXIT_OK
