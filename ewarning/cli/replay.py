"""Replay commands: ``replay export`` (per-day states of a scenario or of the store) and ``replay list``.

``python -m ewarning replay export --scenario alindao --out DIR`` writes, for
every day of the scenario's period (cut to its data: no day past the last
report), what the replay shows that day, built by the replay view
(:func:`ewarning.views.replay_picture`, triage as known then):

- ``DIR/<YYYYMMDD>.geojson``: the hotspots listed as of the end of that day
  (the ``hotspots`` command's properties, ``"layer": "hotspot"``) and the
  reports received that day (``"layer": "alert"``: id, times, category,
  severity, casualties, channel, verification; never free text or reporter
  keys);
- ``DIR/summary.csv``: one row per day: what was known (alerts, sites open,
  bases active, patrols started), hotspots listed and flagged, the top one.

``--store`` with ``--from``/``--to`` replays the mission's own data instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..asof import as_of_day, as_of_tag, parse_as_of
from ..config import current_user
from ..i18n import Translator
from .errors import EXIT_OK, InputError, say, translator

__all__ = ["add_commands", "cmd_replay_export", "cmd_replay_list"]

_ALERT_PROPS = ("id", "reported_at", "occurred_at", "category", "severity", "killed", "injured", "channel",
                "verification", "duplicate_of")


def add_commands(subparsers, store_help: str = "store file", t: Translator | None = None) -> None:
    """Register ``replay export`` and ``replay list`` on ``subparsers``.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="ewarning")
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["replay", "export", "--scenario", "alindao", "--out", "days"])
    >>> args.scenario, args.out, args.date_from
    ('alindao', 'days', None)
    """
    t = t or Translator("en")
    p = subparsers.add_parser("replay", help=t("training replay: per-day states of a scenario or of the store"))
    sub = p.add_subparsers(dest="replay_command", required=True, metavar="ACTION")
    e = sub.add_parser("export", help=t("write each day's state (GeoJSON) and a CSV summary"))
    e.add_argument("--scenario", metavar="NAME", help=t("a scenario of geodata/scenarios (see 'replay list')"))
    e.add_argument("--store", help=t("{store_help}; replayed when no --scenario is given (needs --from and --to)",
                                     store_help=store_help))
    e.add_argument("--out", required=True, metavar="DIR", help=t("folder to write (created when missing)"))
    e.add_argument("--from", dest="date_from", metavar="DATE", help=t("first as-of day (default: the period's)"))
    e.add_argument("--to", dest="date_to", metavar="DATE", help=t("last as-of day (default: the period's)"))
    e.set_defaults(func=cmd_replay_export)
    ls = sub.add_parser("list", help=t("the scenarios of the library"))
    ls.set_defaults(func=cmd_replay_list)


def cmd_replay_list(args) -> int:
    from ..training.scenarios import list_scenarios, load_scenario

    for name in list_scenarios():
        s = load_scenario(name)
        print(f"{name}\t{s.period_words}\t{s.parts_words}\t{s.title}")
    return EXIT_OK


def _layers(args):
    from ..store import open_store
    from ..views import Layers

    if args.scenario:
        from ..training.scenarios import load_layers, load_scenario

        s = load_scenario(args.scenario)
        return load_layers(s), s.period
    if not (args.date_from and args.date_to):
        t = translator()
        raise InputError(t("give --scenario NAME, or --store with --from and --to"))
    from ..config import default_store

    store = open_store(args.store or default_store())
    return Layers.from_store(store), (None, None)


def _feature(geometry, props: dict) -> dict:
    from shapely.geometry import mapping

    return {"type": "Feature", "geometry": None if geometry is None else mapping(geometry), "properties": props}


def _value(v):
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.isoformat()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def cmd_replay_export(args) -> int:
    from .. import filters as flt
    from ..hotspots import HotspotResult
    from ..views import replay_days, replay_engine, replay_picture, situation

    layers, period = _layers(args)
    start = parse_as_of(args.date_from) if args.date_from else period[0]
    end = parse_as_of(args.date_to) if args.date_to else period[1]
    days = replay_days(layers, (start, end))
    t = translator()
    if not days:
        raise InputError(t("no day to replay: the period holds no report"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    user = current_user()
    engine = replay_engine(layers, flt.Filters(end=days[0]))
    rows = []
    for day in days:
        f = flt.Filters(end=day, triage_as_known=True)
        p = replay_picture(layers, f, user, engine=engine)
        sit = situation(p)
        features = []
        result = HotspotResult(p.as_of, p.hotspots, p.notes, p.config)
        for feat, killed in zip(result.features(), p.hotspots["killed"] if len(p.hotspots) else []):
            feat["properties"]["killed"] = None if pd.isna(killed) else int(round(float(killed)))
            feat["properties"]["layer"] = "hotspot"
            features.append(feat)
        known = p.known.alerts
        new = known[known["reported_at"] >= day - pd.Timedelta(days=1)] if len(known) else known
        for r in new.itertuples(index=False):
            props = {k: _value(getattr(r, k)) for k in _ALERT_PROPS if hasattr(r, k)}
            features.append(_feature(r.geometry, {"layer": "alert", **props}))
        doc = {"type": "FeatureCollection", "as_of": day.isoformat(), "as_of_day": str(as_of_day(day)),
               "features": features, "notes": p.notes, "source": layers.source}
        (out / f"{as_of_tag(day)}.geojson").write_text(json.dumps(doc, ensure_ascii=False, default=str),
                                                        encoding="utf-8")
        hot = p.hotspots
        top = hot.iloc[0] if len(hot) else None
        rows.append({"as_of": day.isoformat(), "day": str(as_of_day(day)), "alerts_known": len(known),
                     "alerts_that_day": len(new), "alerts_in_window": len(sit.alerts),
                     "sites_open": 0 if p.known.sites is None else len(p.known.sites),
                     "bases_active": 0 if p.known.presence is None else len(p.known.presence),
                     "patrols_started": 0 if p.known.patrols is None else len(p.known.patrols),
                     "hotspots": len(hot), "flagged": sit.n_flagged,
                     "flagged_places": "; ".join(hot.loc[hot["flagged"].astype(bool), "place"].astype(str)) if len(hot)
                     else "",
                     "top_place": "" if top is None else str(top["place"]),
                     "top_score": None if top is None else round(float(top["score"]), 1)})
    from ..io.writers import spreadsheet_table

    spreadsheet_table(pd.DataFrame(rows)).to_csv(out / "summary.csv", index=False, lineterminator="\n")
    say(t("wrote {n} day(s) to {path} ({first} to {last}) and summary.csv", n=t.number(len(days)), path=out,
          first=as_of_day(days[0]), last=as_of_day(days[-1])))
    return EXIT_OK
