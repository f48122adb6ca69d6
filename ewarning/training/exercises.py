"""Trainee exercises: a decision point, the places a trainee would flag, and the reveal of what happened next.

A trainer sets an :class:`Exercise` on a scenario: a decision point (an as-of
time: the trainee sees only what was reported before it, enforced by
:func:`ewarning.views.replay_picture`), the questions, and how the reveal
scores (a horizon after the decision point, a distance tolerance). The trainee
answers with :class:`Pick`\\ s: places known at the decision point (a hotspot
listed, an IDP site, a base) and the action for each (:data:`ACTIONS`).

:func:`reveal` scores the trainee's picks and the engine's (the hotspots it
flagged at the decision point, with the top :data:`ENGINE_TOP` listed) against
the incidents that followed: serious incidents (:data:`SERIOUS`) that
*occurred* from the decision point to the horizon, each counted once (reports
linked as duplicates left out). An incident is a **hit** of a pick when it lies
within ``tolerance_km`` of the pick (inside a hotspot's area is 0 km), a
**miss** when no pick covers it; a pick with no incident is a **false alarm**.
The **lead time** of a hit is the time from the decision point to the
incident: how much warning the pick gave.

Results are saved as files (:func:`save_result`: JSON and CSV under
:func:`results_dir`) for the debrief.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import Point
>>> from ewarning.views import Layers
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-12", "2018-11-13"], utc=True),
...     "occurred_at": pd.to_datetime(["2018-11-12", "2018-11-13"], utc=True), "category": ["killing", "looting"],
...     "killed": [3, 0], "duplicate_of": None}, geometry=gpd.points_from_xy([20.68, 22.0], [4.79, 6.5]),
...     crs="EPSG:4326")
>>> ex = Exercise("demo", pd.Timestamp("2018-11-10", tz="UTC"), ["Which places?"])
>>> ans = Answer(ex.exercise_id, "tom", (Pick("Alindao", Point(20.70, 4.80), "joint_protection_team"),))
>>> r = reveal(ex, ans, Layers(alerts=a), "trainer", engine_picks=[])
>>> r.summary["trainee"]["hits"], r.summary["trainee"]["incidents"], r.summary["trainee"]["lead_days_median"]
(1, 1, 2.0)
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import wkt as shapely_wkt
from shapely.geometry.base import BaseGeometry

from ..asof import as_of_tag, as_of_words, parse_as_of
from ..geo import metric_crs
from ..i18n import N_, Translator
from ..store.errors import acting_user

__all__ = ["ACTIONS", "ENGINE_TOP", "SERIOUS", "Answer", "Exercise", "Pick", "Reveal", "candidates", "engine_picks",
           "incidents_after", "load_exercise", "load_results", "results_dir", "reveal", "save_exercise", "save_result"]

#: What a trainee can send to a place they flag.
ACTIONS = {"joint_protection_team": N_("Joint protection team"),
           "liaison_assistant": N_("Community liaison assistant"), "dismounted_patrol": N_("Dismounted patrol"),
           "formed_police_unit": N_("Formed police unit"), "none": N_("None (watch only)")}
#: Incidents the reveal scores: violence against people.
SERIOUS = ("killing", "armed_attack", "abduction", "sexual_violence")
#: The engine's picks: every hotspot flagged at the decision point, and the top ``ENGINE_TOP`` listed.
ENGINE_TOP = 3
#: Where results go when ``$EWARNING_TRAINING_DIR`` is not set: ``<data dir>/training``.
TRAINING_DIR_ENV = "EWARNING_TRAINING_DIR"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def results_dir() -> Path:
    """The training folder (``$EWARNING_TRAINING_DIR``, else ``training`` in the user's data directory)."""
    from ..config import data_dir

    return Path(os.environ.get(TRAINING_DIR_ENV) or data_dir() / "training")


@dataclass(frozen=True)
class Exercise:
    """An exercise on a scenario: the decision point, the questions, and how the reveal scores.

    Attributes
    ----------
    scenario : str
    decision_point : Timestamp
        As-of time: the trainee sees what was reported before it, and nothing later.
    questions : list of str
    horizon_days : float
        Incidents that occurred from the decision point to this many days after it are scored.
    tolerance_km : float
        An incident within this distance of a pick is a hit.
    title : str
    serious : tuple of str
        Incident categories scored (:data:`SERIOUS`).
    created_by : str

    Examples
    --------
    >>> ex = Exercise("alindao", "2018-11-09", ["Which places would you flag?"])
    >>> ex.exercise_id, ex.decision_words
    ('alindao-20181108', 'as of end of 8 Nov 2018 (UTC)')
    >>> Exercise.from_dict(ex.to_dict()) == ex
    True
    """

    scenario: str
    decision_point: pd.Timestamp
    questions: list = field(default_factory=list)
    horizon_days: float = 14.0
    tolerance_km: float = 10.0
    title: str = ""
    serious: tuple = SERIOUS
    created_by: str = ""

    def __post_init__(self):
        object.__setattr__(self, "decision_point", parse_as_of(self.decision_point))
        object.__setattr__(self, "questions", [str(q) for q in self.questions])
        object.__setattr__(self, "serious", tuple(self.serious))
        if not float(self.horizon_days) > 0 or not float(self.tolerance_km) >= 0:
            raise ValueError("an exercise needs a positive horizon and a tolerance of 0 km or more")

    @property
    def exercise_id(self) -> str:
        return f"{_SAFE.sub('-', self.scenario)}-{as_of_tag(self.decision_point)}"

    @property
    def decision_words(self) -> str:
        return as_of_words(self.decision_point)

    @property
    def horizon_end(self) -> pd.Timestamp:
        return self.decision_point + pd.Timedelta(days=float(self.horizon_days))

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "decision_point": self.decision_point.isoformat(),
                "questions": list(self.questions), "horizon_days": float(self.horizon_days),
                "tolerance_km": float(self.tolerance_km), "title": self.title, "serious": list(self.serious),
                "created_by": self.created_by}

    @classmethod
    def from_dict(cls, data: dict) -> "Exercise":
        return cls(scenario=data["scenario"], decision_point=data["decision_point"],
                   questions=data.get("questions") or [], horizon_days=float(data.get("horizon_days", 14)),
                   tolerance_km=float(data.get("tolerance_km", 10)), title=data.get("title", ""),
                   serious=tuple(data.get("serious") or SERIOUS), created_by=data.get("created_by", ""))


@dataclass(frozen=True)
class Pick:
    """A place flagged, and the action sent there.

    Attributes
    ----------
    place : str
        Its name as the trainee saw it.
    geometry : shapely geometry
        A hotspot's area, a site's or a base's point (EPSG:4326).
    action : str
        One of :data:`ACTIONS`.
    ref : str
        What was picked (``hotspot H-20181108-1``, ``site S-ALD-01``, ``base B-ALD-COB``).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> Pick("Alindao", Point(21.2, 5.0), "liaison_assistant").action_words
    'Community liaison assistant'
    """

    place: str
    geometry: BaseGeometry
    action: str = "none"
    ref: str = ""

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; expected one of {', '.join(ACTIONS)}")

    @property
    def action_words(self) -> str:
        return ACTIONS[self.action]

    def action_in(self, t=None) -> str:
        """The action in ``t``'s language (English when None)."""
        return t(ACTIONS[self.action]) if t is not None else ACTIONS[self.action]


@dataclass(frozen=True)
class Answer:
    """A trainee's answer to an exercise: the places flagged, each with an action.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> a = Answer("alindao-20181108", "tom", (Pick("Alindao", Point(21.2, 5.0), "liaison_assistant"),))
    >>> Answer.from_dict(a.to_dict()).picks[0].place
    'Alindao'
    """

    exercise_id: str
    trainee: str
    picks: tuple = ()
    submitted_at: pd.Timestamp | None = None

    def to_dict(self) -> dict:
        return {"exercise_id": self.exercise_id, "trainee": self.trainee,
                "submitted_at": None if self.submitted_at is None else pd.Timestamp(self.submitted_at).isoformat(),
                "picks": [{"place": p.place, "action": p.action, "ref": p.ref, "wkt": p.geometry.wkt}
                          for p in self.picks]}

    @classmethod
    def from_dict(cls, data: dict) -> "Answer":
        picks = tuple(Pick(p["place"], shapely_wkt.loads(p["wkt"]), p["action"], p.get("ref", ""))
                      for p in data.get("picks") or [])
        at = data.get("submitted_at")
        return cls(data["exercise_id"], data["trainee"], picks, None if at is None else pd.Timestamp(at))


# -- what a trainee can pick, what the engine picked, what happened ------------------------------------------
def candidates(picture) -> gpd.GeoDataFrame:
    """The places a trainee can flag in ``picture`` (the state at the decision point): the hotspots listed,
    the IDP sites open and the bases active, with ``ref, place, kind`` and their geometry."""
    rows = []
    for h in picture.hotspots.itertuples() if len(picture.hotspots) else ():
        rows.append({"ref": f"hotspot {h.hotspot_id}", "place": f"{h.place} (hotspot #{int(h.rank)})",
                     "kind": "hotspot", "geometry": h.geometry})
    for frame, kind, key in ((picture.known.sites, "IDP site", "site_id"), (picture.known.presence, "base", "base_id")):
        if frame is None or not len(frame):
            continue
        for r in frame.drop_duplicates(key).itertuples():
            rows.append({"ref": f"{kind.split()[-1].lower()} {getattr(r, key)}", "place": f"{r.name} ({kind})",
                         "kind": kind, "geometry": r.geometry})
    return gpd.GeoDataFrame(rows, columns=["ref", "place", "kind", "geometry"], geometry="geometry", crs="EPSG:4326")


def engine_picks(picture, top: int = ENGINE_TOP) -> list[Pick]:
    """The engine's picks in ``picture``: every flagged hotspot and the top ``top`` listed (action: none)."""
    hot = picture.hotspots
    if not len(hot):
        return []
    chosen = hot[hot["flagged"].astype(bool) | (hot["rank"] <= top)]
    return [Pick(f"{h.place} (hotspot #{int(h.rank)}{', flagged' if h.flagged else ''})", h.geometry, "none",
                 f"hotspot {h.hotspot_id}") for h in chosen.itertuples()]


_picks_of_engine = engine_picks   # reveal() takes an ``engine_picks`` argument of the same name


def incidents_after(alerts: gpd.GeoDataFrame, exercise: Exercise) -> gpd.GeoDataFrame:
    """The incidents the reveal scores: serious categories, occurred (else reported) from the decision point
    to the horizon's end, each counted once (reports linked as duplicates left out, their casualties kept: an
    incident's ``killed`` is the largest among its reports); ``id, when, category, killed``, oldest first."""
    if alerts is None or not len(alerts):
        return gpd.GeoDataFrame({"id": [], "when": pd.to_datetime([], utc=True), "category": [], "killed": []},
                                geometry=[], crs="EPSG:4326")
    when = pd.to_datetime(alerts["occurred_at"], utc=True) if "occurred_at" in alerts.columns else None
    reported = pd.to_datetime(alerts["reported_at"], utc=True)
    when = reported if when is None else when.fillna(reported)
    keep = alerts["category"].isin(exercise.serious) & (when >= exercise.decision_point) & (when < exercise.horizon_end)
    all_killed = (pd.to_numeric(alerts["killed"], errors="coerce").fillna(0) if "killed" in alerts.columns
                  else pd.Series(0, index=alerts.index))
    if "duplicate_of" in alerts.columns:
        keep &= alerts["duplicate_of"].isna()
        # one incident, the gravest figure among its linked reports (as the engine counts it)
        root = alerts["duplicate_of"].where(alerts["duplicate_of"].notna(), alerts["id"])
        gravest = all_killed.groupby(root.to_numpy()).max()
        all_killed = pd.Series(gravest.reindex(alerts["id"].to_numpy()).fillna(0).to_numpy(), index=alerts.index)
    out = alerts[keep.to_numpy()]
    killed = all_killed[keep.to_numpy()].astype(int)
    frame = gpd.GeoDataFrame({"id": out["id"].astype(str).to_numpy(), "when": when[keep.to_numpy()].to_numpy(),
                              "category": out["category"].to_numpy(),
                              "killed": np.asarray(killed) if len(out) else []},
                             geometry=out.geometry.to_numpy(), crs="EPSG:4326")
    frame["when"] = pd.to_datetime(frame["when"], utc=True)
    return frame.sort_values(["when", "id"]).reset_index(drop=True)


def _distances_km(incidents: gpd.GeoDataFrame, picks: list[Pick], crs) -> np.ndarray:
    """Incident x pick distances in km (0 inside a pick's area)."""
    if not len(incidents) or not picks:
        return np.zeros((len(incidents), len(picks)))
    pts = incidents.to_crs(crs).geometry
    shapes = gpd.GeoSeries([p.geometry for p in picks], crs="EPSG:4326").to_crs(crs)
    return np.column_stack([pts.distance(g).to_numpy() / 1000.0 for g in shapes])


@dataclass(frozen=True)
class Reveal:
    """What happened next, scored: the incidents, each pick's hits, and a summary for trainee and engine.

    Attributes
    ----------
    exercise : Exercise
    answer : Answer
    incidents : GeoDataFrame
        ``id, when, category, killed, trainee_hit, engine_hit, trainee_pick, engine_pick, lead_days``.
    picks : DataFrame
        One row per pick: ``by`` (trainee / engine), ``place, action, ref, hits, killed, first_incident,
        lead_days, false_alarm``.
    summary : dict
        For ``trainee`` and ``engine``: ``picks, incidents, hits, misses, false_alarms, hit_rate, killed_covered,
        killed_total, lead_days_median``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = Reveal(Exercise("x", "2018-11-10"), Answer("x-20181109", "tom"), incidents=None, picks=pd.DataFrame(),
    ...            summary={"trainee": {"hits": 0}})
    >>> r.summary["trainee"]["hits"]
    0
    """

    exercise: Exercise
    answer: Answer
    incidents: gpd.GeoDataFrame
    picks: pd.DataFrame
    summary: dict
    revealed_at: pd.Timestamp | None = None
    revealed_by: str = ""
    engine: tuple = ()

    def to_dict(self) -> dict:
        inc = self.incidents
        return {"exercise": self.exercise.to_dict(), "answer": self.answer.to_dict(), "summary": self.summary,
                "revealed_at": None if self.revealed_at is None else self.revealed_at.isoformat(),
                "revealed_by": self.revealed_by,
                "picks": json.loads(self.picks.to_json(orient="records", date_format="iso")),
                "incidents": [] if inc is None or not len(inc) else json.loads(
                    pd.DataFrame(inc.drop(columns="geometry").assign(
                        lat=inc.geometry.y.round(4), lon=inc.geometry.x.round(4))).to_json(orient="records",
                                                                                           date_format="iso"))}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        """One row per pick (trainee and engine), then the summary rows: the debrief's table."""
        from ..io.writers import spreadsheet_table

        table = self.picks.copy()
        for col in ("first_incident",):
            if col in table.columns:
                table[col] = pd.to_datetime(table[col], utc=True).dt.strftime("%Y-%m-%d %H:%M")
        summary = pd.DataFrame([{"by": f"summary: {who}", **{k: v for k, v in s.items()}}
                                for who, s in self.summary.items()])
        out = pd.concat([table, summary], ignore_index=True)
        buf = io.StringIO()
        spreadsheet_table(out).to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()


def _score(incidents, picks, dist, tolerance_km, decision_point, who) -> tuple[pd.DataFrame, np.ndarray, dict]:
    hit = dist <= tolerance_km if dist.size else np.zeros((len(incidents), len(picks)), dtype=bool)
    rows = []
    for j, p in enumerate(picks):
        mine = incidents[hit[:, j]] if len(incidents) else incidents
        first = mine["when"].min() if len(mine) else pd.NaT
        rows.append({"by": who, "place": p.place, "action": p.action_words if who == "trainee" else "",
                     "ref": p.ref, "hits": int(len(mine)), "killed": int(mine["killed"].sum()) if len(mine) else 0,
                     "first_incident": first,
                     "lead_days": None if pd.isna(first) else round((first - decision_point) / pd.Timedelta(days=1), 1),
                     "false_alarm": not len(mine)})
    covered = hit.any(axis=1) if hit.size else np.zeros(len(incidents), dtype=bool)
    n = len(incidents)
    lead = ((incidents.loc[covered, "when"] - decision_point) / pd.Timedelta(days=1)) if n else pd.Series(dtype=float)
    killed_total = int(incidents["killed"].sum()) if n else 0
    summary = {"picks": len(picks), "incidents": n, "hits": int(covered.sum()), "misses": int(n - covered.sum()),
               "false_alarms": int(sum(r["false_alarm"] for r in rows)),
               "hit_rate": round(float(covered.sum()) / n, 3) if n else None,
               "killed_covered": int(incidents.loc[covered, "killed"].sum()) if n else 0, "killed_total": killed_total,
               "lead_days_median": round(float(lead.median()), 1) if len(lead) else None}
    return pd.DataFrame(rows), covered, summary


def _nearest_pick(dist: np.ndarray, picks: list[Pick], tolerance_km: float) -> list[str]:
    out = []
    for i in range(dist.shape[0]):
        if not picks or not dist.size or dist[i].min() > tolerance_km:
            out.append("")
        else:
            out.append(picks[int(np.argmin(dist[i]))].place)
    return out


def reveal(exercise: Exercise, answer: Answer, layers, user, *, engine_picks: list[Pick] | None = None,
           towns=None, now: pd.Timestamp | None = None) -> Reveal:
    """Score ``answer`` and the engine's picks against the incidents after the decision point.

    Parameters
    ----------
    exercise : Exercise
    answer : Answer
        Submitted: the reveal comes after the answer, never before (an answer with no pick is allowed: it
        is scored as such).
    layers : ewarning.views.Layers
        The scenario's layers (the whole period: the reveal is what happened next).
    user : ewarning.auth.User or str
        A signed-in account must hold ``replay``; a trainee may reveal only their own answer.
    engine_picks : list of Pick, optional
        The engine's picks; by default computed from the picture at the decision point (:func:`engine_picks`).
    towns : GeoDataFrame, optional
        Names hotspots as the desk does.

    Returns
    -------
    Reveal
    """
    from ..auth.errors import PermissionDenied
    from ..filters import Filters
    from ..views.replay import replay_picture

    name = acting_user(user, "a reveal", permission="replay")
    if hasattr(user, "role") and not user.can("replay_past_decision_point") and answer.trainee != name:
        raise PermissionDenied(f"{name} ({user.role}) may not reveal another trainee's answer",
                               user=name, role=user.role, permission="replay_past_decision_point",
                               what="reveal another trainee's answer", allowed_roles=("trainer",))
    if answer.exercise_id != exercise.exercise_id:
        raise ValueError(f"the answer is to exercise {answer.exercise_id}, not {exercise.exercise_id}")
    if engine_picks is None:
        p = replay_picture(layers, Filters(end=exercise.decision_point), user, exercise, towns=towns)
        engine_picks = _picks_of_engine(p)
    incidents = incidents_after(layers.alerts, exercise)
    trainee = list(answer.picks)
    frames = [incidents] + [gpd.GeoDataFrame(geometry=[p.geometry for p in trainee + list(engine_picks)],
                                             crs="EPSG:4326")]
    both = pd.concat([f.geometry for f in frames if len(f)])
    crs = metric_crs(gpd.GeoDataFrame(geometry=both, crs="EPSG:4326")) if len(both) else "EPSG:3857"
    d_t = _distances_km(incidents, trainee, crs)
    d_e = _distances_km(incidents, list(engine_picks), crs)
    tol = float(exercise.tolerance_km)
    t_rows, t_cov, t_sum = _score(incidents, trainee, d_t, tol, exercise.decision_point, "trainee")
    e_rows, e_cov, e_sum = _score(incidents, list(engine_picks), d_e, tol, exercise.decision_point, "engine")
    inc = incidents.copy()
    inc["trainee_hit"] = t_cov
    inc["engine_hit"] = e_cov
    inc["trainee_pick"] = _nearest_pick(d_t, trainee, tol)
    inc["engine_pick"] = _nearest_pick(d_e, list(engine_picks), tol)
    inc["lead_days"] = ((inc["when"] - exercise.decision_point) / pd.Timedelta(days=1)).round(1) if len(inc) else []
    columns = ["by", "place", "action", "ref", "hits", "killed", "first_incident", "lead_days", "false_alarm"]
    picks = pd.concat([t_rows, e_rows], ignore_index=True) if len(t_rows) or len(e_rows) else pd.DataFrame(
        columns=columns)
    return Reveal(exercise=exercise, answer=answer, incidents=inc, picks=picks.reindex(columns=columns),
                  summary={"trainee": t_sum, "engine": e_sum}, revealed_at=now or pd.Timestamp.now(tz="UTC"),
                  revealed_by=name, engine=tuple(engine_picks))


# -- saving -------------------------------------------------------------------------------------------------
def save_exercise(exercise: Exercise, user, folder: Path | str | None = None) -> Path:
    """Save ``exercise`` (a trainer's: ``exercises`` permission) as ``exercises/<id>.json``; its path."""
    who = acting_user(user, "setting an exercise", permission="exercises")
    from dataclasses import replace

    folder = Path(folder or results_dir()) / "exercises"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exercise.exercise_id}.json"
    path.write_text(json.dumps(replace(exercise, created_by=who).to_dict(), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def load_exercise(exercise_id: str, folder: Path | str | None = None) -> Exercise | None:
    """The exercise saved as ``exercise_id`` (``None`` when there is none)."""
    path = Path(folder or results_dir()) / "exercises" / f"{_SAFE.sub('-', exercise_id)}.json"
    return Exercise.from_dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def save_result(result: Reveal, folder: Path | str | None = None, store=None) -> tuple[Path, Path]:
    """Write ``result`` as ``results/<exercise id>/<trainee>-<time>.json`` and ``.csv``; both paths.

    Recorded in ``store``'s audit log when given (who revealed which exercise, the trainee's hits).
    """
    folder = Path(folder or results_dir()) / "results" / _SAFE.sub("-", result.exercise.exercise_id)
    folder.mkdir(parents=True, exist_ok=True)
    at = result.revealed_at or pd.Timestamp.now(tz="UTC")
    stem = f"{_SAFE.sub('-', result.answer.trainee)}-{at:%Y%m%dT%H%M%S}"
    js, csv = folder / f"{stem}.json", folder / f"{stem}.csv"
    js.write_text(result.to_json() + "\n", encoding="utf-8")
    csv.write_text(result.to_csv(), encoding="utf-8")
    if store is not None:
        s = result.summary["trainee"]
        store.record("exercise revealed", f"exercise {result.exercise.exercise_id}: {result.answer.trainee}, "
                                          f"{s['hits']} of {s['incidents']} incident(s) hit, "
                                          f"{s['false_alarms']} false alarm(s)", user=result.revealed_by or "unknown")
    return js, csv


def load_results(exercise_id: str, folder: Path | str | None = None) -> pd.DataFrame:
    """Every saved result of ``exercise_id``: one row per trainee's reveal with the summary figures."""
    folder = Path(folder or results_dir()) / "results" / _SAFE.sub("-", exercise_id)
    rows = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        mine, e = data["summary"]["trainee"], data["summary"]["engine"]
        rows.append({"trainee": data["answer"]["trainee"], "revealed_at": data.get("revealed_at"),
                     "hits": mine["hits"], "incidents": mine["incidents"], "false_alarms": mine["false_alarms"],
                     "lead_days_median": mine["lead_days_median"], "engine_hits": e["hits"],
                     "engine_false_alarms": e["false_alarms"], "file": path.name})
    return pd.DataFrame(rows, columns=["trainee", "revealed_at", "hits", "incidents", "false_alarms",
                                       "lead_days_median", "engine_hits", "engine_false_alarms", "file"])


def reveal_map(result: Reveal, basemap=None, asset_base_url: str | None = None, width_px: int = 900,
               height_px: int = 460, t=None):
    """The reveal on a map (a folium map, offline like the situation map): the incidents that followed, and
    each pick's reach (``tolerance_km`` around it), the trainee's in blue, the engine's in grey.

    Built on :func:`ewarning.render.maps.situation_map` (the incidents as its alerts layer); every label is
    escaped. The view is set on the incidents and the picks for a frame of about ``width_px`` x ``height_px``.
    Labels in ``t``'s language (English when None).
    """
    import folium

    from ..render import maps
    from ..security import escape

    inc = result.incidents
    alerts = None
    if inc is not None and len(inc):
        alerts = gpd.GeoDataFrame({"id": inc["id"].to_numpy(), "category": inc["category"].to_numpy(),
                                   "reported_at": inc["when"].to_numpy(), "occurred_at": inc["when"].to_numpy(),
                                   "killed": inc["killed"].to_numpy(),
                                   "severity": np.where(inc["killed"].to_numpy() > 0, 5, 4)},
                                  geometry=inc.geometry.to_numpy(), crs="EPSG:4326")
    t = t or Translator("en")
    m = maps.situation_map(alerts=alerts, basemap=basemap, asset_base_url=asset_base_url, cluster_above=10_000, t=t)
    tol = float(result.exercise.tolerance_km) * 1000.0
    engine = folium.FeatureGroup(name=t("Engine's picks (hotspot areas)"))
    for p in result.engine:
        folium.GeoJson(p.geometry.__geo_interface__, style_function=lambda _: {
            "color": "#57606a", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.05},
            tooltip=escape(t("Engine: {place}", place=p.place))).add_to(engine)
    engine.add_to(m)
    mine = folium.FeatureGroup(name=t("Your picks ({km} km around each)",
                                      km=t.number(float(result.exercise.tolerance_km))))
    for p in result.answer.picks:
        c = p.geometry.representative_point()
        folium.Circle([c.y, c.x], radius=tol, color="#1f6feb", weight=3, fill=True, fill_opacity=0.1,
                      tooltip=escape(t("You: {place}: {action}", place=p.place, action=p.action_in(t)))).add_to(mine)
    mine.add_to(m)
    # A fixed view on the incidents and the picks (fitting the bounds in the browser depends on the frame's
    # size when the map loads, which a page section below the fold does not have yet).
    shapes = [p.geometry for p in list(result.answer.picks) + list(result.engine)]
    frames = [g for g in (alerts, gpd.GeoDataFrame(geometry=shapes, crs="EPSG:4326") if shapes else None)
              if g is not None and len(g)]
    if frames:
        x0, y0, x1, y1 = np.array([f.total_bounds for f in frames]).T
        x0, y0, x1, y1 = x0.min(), y0.min(), x1.max(), y1.max()
        span = max((x1 - x0) / width_px, (y1 - y0) / height_px, 1e-6) * 1.15
        m.location = [(y0 + y1) / 2, (x0 + x1) / 2]
        m.options["zoom"] = int(max(3, min(12, np.floor(np.log2(360.0 / (256.0 * span))))))
        for key, child in list(m._children.items()):
            if type(child).__name__ == "FitBounds":
                m._children.pop(key)
    # the layer control lists the layers added before it: move it after the two groups added here
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.pop(key)
            m._children[key] = child
    return maps.localise_assets(m, asset_base_url)
