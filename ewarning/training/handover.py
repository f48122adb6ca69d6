"""Handover notes for an area and a date: what an incoming commander needs to know on day one.

For an area (a place and a radius) as of ``T``, from what was known at ``T``
only (the replay view: :func:`ewarning.views.replay_picture`):

- **hotspots** in the area and their history (their scores over the weeks before ``T``);
- **presence**: the bases in the area and their components;
- **communities engaged and by whom**: patrols with engagements, and the
  engagement records of a scenario (``engagements.csv``), per community;
- **focal-point networks as counts only**: how many distinct reporters and
  reports per channel over the last 30 days and the 30 before. Never a
  reporter key, never a name, never free text;
- **open concerns**: serious reports not yet verified in the last 14 days,
  flagged hotspots and what they miss;
- **questions already asked** of each community (topic codes, by which
  components, how many times), so the next visit does not ask them again.

Rendered as a stand-alone HTML document with every text escaped
(:meth:`HandoverNotes.html`); a PDF through the briefing renderer is to come.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.auth import User
>>> from ewarning.views import Layers
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-11"], utc=True),
...     "category": "killing", "channel": "can_call", "verification": "unverified", "reporter_key": ["R-1", "R-2"],
...     "text": ["named person"] * 2}, geometry=gpd.points_from_xy([20.68, 20.69], [4.79, 4.80]), crs="EPSG:4326")
>>> n = handover_notes(Layers(alerts=a), "2018-11-15", User("tia", "trainer"), centre=(20.68, 4.79), name="Alindao")
>>> int(n.focal_points["reporters (last 30 days)"].sum()), "R-1" in n.html(), "named person" in n.html()
(2, False, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from .. import vocab
from ..asof import as_of_words, known_alerts, known_patrols, parse_as_of
from ..filters import Filters
from ..geo import metric_crs
from ..presence import components
from ..security import escape
from ..i18n import N_
from ..i18n.phrases import Day, Listed, Num, Phrase, Said, Term
from .scenarios import TOPICS

__all__ = ["FOCAL_POINT_CHANNELS", "HandoverNotes", "handover_notes"]

#: Channels of the community alert networks whose focal points are counted.
FOCAL_POINT_CHANNELS = ("can_call", "can_sms", "radio", "hotline")
SERIOUS = ("killing", "armed_attack", "abduction", "sexual_violence")
_HISTORY_WEEKS = (3, 2, 1)
#: The engine's trend labels as a sentence says them.
_TREND = {"rising": N_("rising"), "persistent, not rising": N_("persistent, not rising")}


@dataclass(frozen=True)
class HandoverNotes:
    """The handover notes of one area as of ``T``; every table holds counts and names of places, units and
    components only.

    Attributes
    ----------
    name : str
    as_of : Timestamp
    radius_km : float
    hotspots : DataFrame
        ``place, rank, score, trend, flagged, missing, n_alerts`` at ``T``.
    history : DataFrame
        ``as of, place, score, trend, flagged``: the hotspots in the area 3, 2 and 1 weeks before ``T`` and at ``T``.
    presence : DataFrame
        ``base, kind, km`` and one column per component (present or not).
    engaged : DataFrame
        ``community, by, units, engagements, last``: who engaged which community over the last 90 days.
    focal_points : DataFrame
        ``channel, reporters (last 30 days), reports (last 30 days), reporters (30 days before), reports
        (30 days before)``: counts only.
    concerns : list of str
    questions : DataFrame
        ``community, topic, times asked, by, last asked``.

    Examples
    --------
    >>> HandoverNotes("x", pd.Timestamp("2018-11-15", tz="UTC"), 30.0).title
    'Handover notes: x, as of end of 14 Nov 2018 (UTC)'
    """

    name: str
    as_of: pd.Timestamp
    radius_km: float
    hotspots: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    presence: pd.DataFrame = field(default_factory=pd.DataFrame)
    engaged: pd.DataFrame = field(default_factory=pd.DataFrame)
    focal_points: pd.DataFrame = field(default_factory=pd.DataFrame)
    concerns: list = field(default_factory=list)
    questions: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Handover notes: {self.name}, {as_of_words(self.as_of)}"

    def html(self) -> str:
        """The notes as a stand-alone HTML document (inline style, no script, no link; every text escaped)."""
        parts = [f"<h1>{escape(self.title)}</h1>",
                 f"<p class='m'>Area: {self.radius_km:g} km around {escape(self.name)}. Built only from what was "
                 "known at that time. Focal-point networks are given as counts: no reporter, key or free text "
                 "is shown.</p>"]
        for heading, table in (("Hotspots in the area", self.hotspots), ("Their history", self.history),
                               ("Presence", self.presence), ("Communities engaged and by whom", self.engaged),
                               ("Focal-point networks (counts only)", self.focal_points)):
            parts.append(f"<h2>{escape(heading)}</h2>" + _table(table))
        parts.append("<h2>Open concerns</h2>" + ("<ul>" + "".join(f"<li>{escape(c)}</li>" for c in self.concerns)
                                                 + "</ul>" if self.concerns else "<p>None recorded.</p>"))
        parts.append("<h2>Questions already asked of each community</h2>" + _table(self.questions))
        if self.notes:
            parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in self.notes) + "</ul>")
        style = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;color:#1f2328}"
                 "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:.2em .5em;"
                 "text-align:left}th{background:#f6f8fa}.m{color:#57606a}")
        return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(self.title)}</title>"
                f"<style>{style}</style></head><body class='ew-handover'>{''.join(parts)}</body></html>")


def _table(frame: pd.DataFrame) -> str:
    if frame is None or not len(frame):
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _in_area(frame, area_m, crs):
    if frame is None or not len(frame):
        return frame
    return frame[frame.to_crs(crs).intersects(area_m).to_numpy()]


def _nearest_name(geoms_m: gpd.GeoSeries, places: gpd.GeoDataFrame | None, crs) -> list[str]:
    if places is None or not len(places):
        return ["(unnamed place)"] * len(geoms_m)
    pm = places.to_crs(crs)
    out = []
    for g in geoms_m:
        d = pm.distance(g)
        out.append(str(places["name"].iloc[int(np.argmin(d.to_numpy()))]))
    return out


def handover_notes(layers, as_of, user, *, centre, radius_km: float = 30.0, name: str = "", engagements=None,
                   exercise=None, towns=None, store=None) -> HandoverNotes:
    """The handover notes of the area ``radius_km`` around ``centre`` as of ``as_of``, for ``user``.

    Parameters
    ----------
    layers : ewarning.views.Layers
    as_of : str or Timestamp
    user : ewarning.auth.User or str
        Checked as a replay of ``as_of`` (:func:`ewarning.views.check_replay_day`): ``replay`` permission,
        and a trainee is refused a date after ``exercise``'s decision point.
    centre : (lon, lat) or shapely Point
    radius_km : float
    name : str
        What to call the area (default: its coordinates).
    engagements : GeoDataFrame, optional
        Engagement records (:func:`ewarning.training.scenarios.load_engagements`).
    towns : GeoDataFrame, optional
        Names hotspots and communities far from any site or base.
    """
    from ..views.replay import replay_picture

    t = parse_as_of(as_of)
    point = centre if isinstance(centre, Point) else Point(float(centre[0]), float(centre[1]))
    crs = metric_crs(gpd.GeoDataFrame(geometry=[point], crs="EPSG:4326"))
    centre_m = gpd.GeoSeries([point], crs="EPSG:4326").to_crs(crs).iloc[0]
    area_m = centre_m.buffer(radius_km * 1000.0)
    area = gpd.GeoSeries([area_m], crs=crs).to_crs("EPSG:4326").iloc[0]
    name = name or f"{point.y:.3f}, {point.x:.3f}"
    f = Filters(end=t, days=30, area=area)
    p = replay_picture(layers, f, user, exercise, store=store, towns=towns)

    hot = p.hotspots
    hotspots = pd.DataFrame({
        "place": hot["place"].astype(str).to_numpy() if len(hot) else [],
        "rank": hot["rank"].astype(int).to_numpy() if len(hot) else [],
        "score": hot["score"].round(1).to_numpy() if len(hot) else [],
        "trend": hot["trend"].astype(str).to_numpy() if len(hot) else [],
        "flagged": hot["flagged"].astype(bool).to_numpy() if len(hot) else [],
        "missing": [", ".join(vocab.COMPONENTS.get(c, c) for c in g) for g in hot["presence_gap"]] if len(hot) else [],
        "n_alerts": hot["n_alerts"].astype(int).to_numpy() if len(hot) else []})
    rows = []
    for weeks in _HISTORY_WEEKS:
        when = t - pd.Timedelta(days=7 * weeks)
        past = replay_picture(layers, Filters(end=when, days=30, area=area), user, exercise, store=store,
                              towns=towns).hotspots
        for h in past.itertuples() if len(past) else ():
            rows.append({"as of": as_of_words(when), "place": h.place, "score": round(float(h.score), 1),
                         "trend": h.trend, "flagged": bool(h.flagged)})
    for h in hot.itertuples() if len(hot) else ():
        rows.append({"as of": as_of_words(t), "place": h.place, "score": round(float(h.score), 1), "trend": h.trend,
                     "flagged": bool(h.flagged)})
    history = pd.DataFrame(rows, columns=["as of", "place", "score", "trend", "flagged"])

    bases = _in_area(p.known.presence, area_m, crs)
    if bases is not None and len(bases):
        comp = components(bases)
        presence = pd.DataFrame({"base": bases["name"].astype(str).to_numpy(),
                                 "kind": bases["kind"].map(vocab.BASE_KINDS).fillna(bases["kind"]).to_numpy(),
                                 "km": (bases.to_crs(crs).distance(centre_m) / 1000).round(1).to_numpy(),
                                 **{vocab.COMPONENTS[c]: comp[c].to_numpy() for c in vocab.COMPONENTS}})
    else:
        presence = pd.DataFrame(columns=["base", "kind", "km", *vocab.COMPONENTS.values()])

    # Communities: the named places in the area (sites, bases), else the towns given.
    sites = _in_area(p.known.sites, area_m, crs)
    named = [g for g in (sites,) if g is not None and len(g)] or [g for g in (bases,) if g is not None and len(g)]
    places = pd.concat([g[["name", "geometry"]] for g in named], ignore_index=True) if named else None
    if places is None and towns is not None and len(towns):
        places = towns[["name", "geometry"]]
    places = None if places is None else gpd.GeoDataFrame(places, geometry="geometry", crs="EPSG:4326")
    since = t - pd.Timedelta(days=90)
    pats = known_patrols(layers.patrols, t)
    engaged_rows = []
    if pats is not None and len(pats):
        pats = pats[(pats["start"] >= since) & (pd.to_numeric(pats["engagements"], errors="coerce").fillna(0) > 0)]
        pats = _in_area(pats, area_m, crs)
        if len(pats):
            far = pats.to_crs(crs).geometry.interpolate(0.5, normalized=True)
            pats = pats.assign(community=_nearest_name(far, places, crs))
            for community, g in pats.groupby("community", sort=True):
                engaged_rows.append({
                    "community": community,
                    "by": ", ".join(sorted(vocab.PATROL_COMPONENTS.get(c, c) for c in set(g["component"]))),
                    "units": ", ".join(sorted(set(g["unit"].astype(str)))),
                    "engagements": int(pd.to_numeric(g["engagements"], errors="coerce").fillna(0).sum()),
                    "with liaison assistant": int(g["cla_present"].fillna(False).astype(bool).sum()),
                    "with female engagement team": int(g["female_engagement_team"].fillna(False).astype(bool).sum()),
                    "last": pd.Timestamp(g["start"].max()).strftime("%Y-%m-%d"), "source": "patrols"})
    eng = None
    if engagements is not None and len(engagements):
        eng = engagements[(engagements["date"] < t) & (engagements["date"] >= since)]
        eng = _in_area(eng, area_m, crs)
        for community, g in eng.groupby("place", sort=True) if len(eng) else ():
            engaged_rows.append({
                "community": community, "by": ", ".join(sorted(vocab.PATROL_COMPONENTS.get(c, c)
                                                               for c in set(g["component"]))),
                "units": ", ".join(sorted(set(g["unit"].astype(str)))), "engagements": int(len(g)),
                "with liaison assistant": None, "with female engagement team": None,
                "last": pd.Timestamp(g["date"].max()).strftime("%Y-%m-%d"), "source": "engagement records"})
    engaged = pd.DataFrame(engaged_rows, columns=["community", "by", "units", "engagements", "with liaison assistant",
                                                  "with female engagement team", "last", "source"])

    # Focal points: counts only, from the unredacted alerts (keys are counted here, never returned).
    alerts = known_alerts(layers.alerts, t) if layers.alerts is not None else None
    focal_rows = []
    if alerts is not None and len(alerts):
        alerts = _in_area(alerts, area_m, crs)
        key = "reporter_key" if "reporter_key" in alerts.columns else ("reporter" if "reporter" in alerts.columns
                                                                          else None)
        for channel in FOCAL_POINT_CHANNELS:
            mine = alerts[alerts["channel"] == channel] if "channel" in alerts.columns else alerts.iloc[0:0]
            recent = mine[mine["reported_at"] >= t - pd.Timedelta(days=30)]
            before = mine[(mine["reported_at"] < t - pd.Timedelta(days=30))
                          & (mine["reported_at"] >= t - pd.Timedelta(days=60))]
            if not len(recent) and not len(before):
                continue
            focal_rows.append({
                "code": channel, "channel": vocab.CHANNELS.get(channel, channel),
                "reporters (last 30 days)": int(recent[key].dropna().nunique()) if key else 0,
                "reports (last 30 days)": int(len(recent)),
                "reporters (30 days before)": int(before[key].dropna().nunique()) if key else 0,
                "reports (30 days before)": int(len(before))})
    focal = pd.DataFrame(focal_rows, columns=["channel", "reporters (last 30 days)", "reports (last 30 days)",
                                              "reporters (30 days before)", "reports (30 days before)"])

    concerns = []
    if alerts is not None and len(alerts):
        open_ = alerts[(alerts["reported_at"] >= t - pd.Timedelta(days=14)) & alerts["category"].isin(SERIOUS)]
        if "verification" in open_.columns:
            open_ = open_[open_["verification"].isin(["unverified", None]) | open_["verification"].isna()]
        if "duplicate_of" in open_.columns:
            open_ = open_[open_["duplicate_of"].isna()]
        for cat, n in open_["category"].value_counts().items():
            last = open_.loc[open_["category"] == cat, "reported_at"].max()
            concerns.append(Said(Phrase(N_("{n} unverified report(s) of {category} in the last 14 days (latest "
                                           "{latest})"), n=int(n), category=Term("CATEGORIES", str(cat)),
                                        latest=Day(pd.Timestamp(last).date()))))
    for h in hot[hot["flagged"].astype(bool)].itertuples() if len(hot) else ():
        concerns.append(Said(Phrase(N_("{place}: flagged (score {score}, {trend}), missing {missing}"),
                                    place=str(h.place), score=Num(float(h.score), 0), trend=Phrase(_TREND[h.trend]),
                                    missing=Listed([Term("COMPONENTS", c) for c in h.presence_gap], style="comma"))))
    for row in focal_rows:
        recent, before = row["reporters (last 30 days)"], row["reporters (30 days before)"]
        if before >= 3 and recent <= before / 2:
            concerns.append(Said(Phrase(N_("{channel}: {recent} focal point(s) reported in the last 30 days against "
                                           "{before} in the 30 days before: find out why the network went quiet (a "
                                           "silent network is not calm)"), channel=Term("CHANNELS", row["code"], lower=False),
                                        recent=int(recent), before=int(before))))

    q_rows = []
    if eng is not None and len(eng):
        for (community, ), g in eng.explode("topics").groupby(["place"], sort=True):
            for topic, tg in g.groupby("topics", sort=True):
                comps = sorted(set(tg["component"]))
                q_rows.append({"community": community, "topic": TOPICS.get(topic, topic), "topic_code": topic,
                               "times asked": int(len(tg)),
                               "by": ", ".join(sorted(set(tg["unit"].astype(str)))),
                               "components": len(comps),
                               "last asked": pd.Timestamp(tg["date"].max()).strftime("%Y-%m-%d")})
        for r in q_rows:
            if r["times asked"] >= 3:
                concerns.append(Said(Phrase(N_("{community}: asked about {topic} {times} times by {components} "
                                               "component(s) in 90 days: coordinate before the next visit"),
                                            community=str(r["community"]), topic=Term("training.scenarios:TOPICS", str(r["topic_code"])),
                                            times=int(r["times asked"]), components=int(r["components"]))))
    questions = pd.DataFrame(q_rows, columns=["community", "topic", "times asked", "components", "by", "last asked"])
    if len(questions):
        questions = questions.sort_values(["community", "times asked"], ascending=[True, False]).reset_index(drop=True)
    notes = list(p.notes)
    if engagements is None:
        notes.append(Said(Phrase(N_("The store records how many engagements each patrol made, not the questions "
                                    "asked: 'questions already asked' needs engagement records."))))
    return HandoverNotes(name=name, as_of=t, radius_km=float(radius_km), hotspots=hotspots, history=history,
                         presence=presence, engaged=engaged, focal_points=focal, concerns=concerns,
                         questions=questions, notes=notes)
