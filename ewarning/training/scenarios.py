"""The scenario library: past or invented periods a trainer replays, each a file set with its description.

A scenario is a folder ``geodata/scenarios/<name>/`` holding ``scenario.json``
and the layers as the files a mission would import (the canonical CSV of
``geodata/demo``: ``sites.csv``, ``presence.csv``, ``patrols.csv`` with
``patrol_points.csv``, ``alerts.csv``; or any readable format, such as a UCDP
GED extract). ``scenario.json`` says:

``title``, ``description``, ``learning_points`` (list)
    What the trainee should take away.
``period`` (``{"start": DATE, "end": DATE}``)
    The day cursor's range (as-of dates; cut to the data by
    :func:`ewarning.views.replay_days`).
``decision_point`` (DATE), ``questions`` (list), ``horizon_days``, ``tolerance_km``
    The default exercise (:class:`~ewarning.training.exercises.Exercise`).
``parts`` (``{layer: "synthetic" | "real" | "illustrative"}``), ``sources``
    Which parts are invented, real or placeholders, and the attribution.
``files`` (``{layer: [path, ...]}``, optional)
    Files elsewhere under ``geodata/`` (relative to the folder), so the demo
    scenario reuses ``geodata/demo`` instead of a copy. Default: the
    canonical names in the folder.

Optional ``alert_edits.csv`` (the triage log of a period saved from a store:
``alert_id, version, at, action, changes``) lets the replay undo later triage,
and ``engagements.csv`` (``engagement_id, date, place, lat, lon, component,
unit, topics``; topics as codes of :data:`TOPICS`, never free text) says which
questions each community was asked, for the handover notes.

Loading (:func:`load_layers`) imports the files into a temporary GeoPackage
store, exactly as ``python -m ewarning import`` would (validation,
pseudonymisation, duplicate links), and reads the layers back; the store is
deleted afterwards.

Examples
--------
>>> s = load_scenario("alindao")
>>> s.title.startswith("Alindao"), str(s.decision_point.date()), s.parts["alerts"]
(True, '2018-11-09', 'synthetic')
"""

from __future__ import annotations

import hmac
import json
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..asof import as_of_words, parse_as_of
from ..config import GEODATA
from ..i18n import N_
from ..store.errors import acting_user

__all__ = ["SCENARIO_DIR", "TOPICS", "Scenario", "list_scenarios", "load_scenario", "load_layers",
           "load_engagements", "save_scenario", "PARTS"]

#: Where the shipped scenarios live (one folder each).
SCENARIO_DIR = GEODATA / "scenarios"
#: The layers' canonical files, in import order (places first, then the mission, then what happened).
LAYER_FILES = {"sites": ["sites.csv"], "presence": ["presence.csv"], "patrols": ["patrols.csv", "patrol_points.csv"],
               "alerts": ["alerts.csv"]}
#: What a part of a scenario can be.
PARTS = {"synthetic": "invented for training", "real": "real data (see the sources)",
         "illustrative": "placeholder, not the real situation of that time"}
#: Questions a component can ask a community (codes only: an engagement record holds no free text).
TOPICS = {
    "security_concerns": N_("security concerns"),
    "armed_group_presence": N_("armed-group presence and movements"),
    "protection_needs": N_("protection needs"),
    "humanitarian_needs": N_("humanitarian needs"),
    "early_warning_contacts": N_("early-warning focal points and contacts"),
    "returns": N_("return intentions"),
    "child_protection": N_("children associated with armed groups"),
    "sexual_violence": N_("sexual and gender-based violence"),
}
#: The secret scenario reporters are pseudonymised with on loading (the shipped reporters are invented,
#: and a saved period's reporters are already scenario-local keys, see :func:`save_scenario`).
LOAD_SECRET = b"ewarning-scenario"
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class Scenario:
    """One scenario of the library: its description and where its files are.

    Attributes
    ----------
    name : str
        The folder's name (``alindao``).
    folder : Path
    title, description : str
    learning_points : list of str
    period : (Timestamp, Timestamp)
        First and last as-of dates of the day cursor.
    decision_point : Timestamp or None
        The default exercise's decision point (an as-of time: the trainee sees what was reported before it).
    questions : list of str
    horizon_days, tolerance_km : float
        How the reveal scores picks (incidents within ``horizon_days`` after the decision point, within
        ``tolerance_km`` of a pick).
    parts : dict
        Layer -> ``synthetic``, ``real`` or ``illustrative`` (:data:`PARTS`).
    sources : str
        Attribution of the real parts.
    files : dict
        Layer -> the files imported for it, in order.

    Examples
    --------
    >>> s = load_scenario("ucdp-car-2020")
    >>> s.parts["alerts"], s.parts["presence"]
    ('real', 'illustrative')
    """

    name: str
    folder: Path
    title: str
    description: str = ""
    learning_points: list = field(default_factory=list)
    period: tuple = (None, None)
    decision_point: pd.Timestamp | None = None
    questions: list = field(default_factory=list)
    horizon_days: float = 14.0
    tolerance_km: float = 10.0
    parts: dict = field(default_factory=dict)
    sources: str = ""
    files: dict = field(default_factory=dict)

    def stamp(self) -> tuple:
        """Every file of the scenario with its modification time: a cache key that changes when a file does."""
        files = [p for paths in self.files.values() for p in paths] + [self.folder / "scenario.json"]
        return tuple((str(p), p.stat().st_mtime) for p in files if p.exists())

    @property
    def period_words(self) -> str:
        start, end = self.period
        return f"{as_of_words(start)} to {as_of_words(end)}"

    @property
    def parts_words(self) -> str:
        """``alerts: synthetic; presence: illustrative ...`` for captions."""
        return "; ".join(f"{layer}: {kind}" for layer, kind in self.parts.items())

    def exercise(self, **changes):
        """The scenario's default exercise (:class:`~ewarning.training.exercises.Exercise`), ``changes`` applied."""
        from .exercises import Exercise

        values = {"scenario": self.name, "decision_point": self.decision_point, "questions": list(self.questions),
                  "horizon_days": self.horizon_days, "tolerance_km": self.tolerance_km, "title": self.title}
        values.update(changes)
        return Exercise(**values)


def _check_name(name: str) -> str:
    text = str(name or "").strip().lower()
    if not text or not set(text) <= _NAME_OK or len(text) > 64:
        raise ValueError(f"scenario name {name!r}: use 1-64 lower-case letters, digits, '-' or '_'")
    return text


def list_scenarios(folder: Path | str = SCENARIO_DIR) -> list[str]:
    """The names of the scenarios in ``folder`` (those with a ``scenario.json``), sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "scenario.json").is_file())


def _inside(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ValueError(f"scenario file {path} lies outside {root}: scenarios read only shipped or saved files")
    return resolved


def load_scenario(name: str, folder: Path | str = SCENARIO_DIR) -> Scenario:
    """The scenario ``name`` of the library in ``folder`` (:class:`ValueError` naming the known ones)."""
    folder = Path(folder)
    name = _check_name(name)
    home = folder / name
    meta_path = home / "scenario.json"
    if not meta_path.is_file():
        known = ", ".join(list_scenarios(folder)) or "none"
        raise ValueError(f"no scenario {name!r} in {folder} (known: {known})")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    # Files may point elsewhere under geodata/ (the demo's), or under the library folder; never outside both.
    roots = [GEODATA, folder]
    files = {}
    for layer, default in LAYER_FILES.items():
        given = (meta.get("files") or {}).get(layer)
        paths = [home / p for p in (given if given is not None else default)]
        if given is None:
            paths = [p for p in paths if p.is_file()]
        checked = []
        for p in paths:
            for root in roots:
                try:
                    checked.append(_inside(p, root))
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(f"scenario {name}: file {p} lies outside {GEODATA} and {folder}")
            if not checked[-1].is_file():
                raise ValueError(f"scenario {name}: file {p} is missing")
        if checked:
            files[layer] = checked
    period = meta.get("period") or {}
    point = meta.get("decision_point")
    return Scenario(
        name=name, folder=home, title=str(meta.get("title") or name), description=str(meta.get("description") or ""),
        learning_points=[str(x) for x in meta.get("learning_points") or []],
        period=(parse_as_of(period["start"]) if period.get("start") else None,
                parse_as_of(period["end"]) if period.get("end") else None),
        decision_point=parse_as_of(point) if point else None,
        questions=[str(q) for q in meta.get("questions") or []],
        horizon_days=float(meta.get("horizon_days", 14)), tolerance_km=float(meta.get("tolerance_km", 10)),
        parts={str(k): str(v) for k, v in (meta.get("parts") or {}).items()}, sources=str(meta.get("sources") or ""),
        files=files)


def load_layers(scenario: Scenario | str, folder: Path | str = SCENARIO_DIR):
    """The scenario's layers (:class:`ewarning.views.Layers`), imported as ``python -m ewarning import`` would.

    The files go through the readers, validators, pseudonymisation and duplicate linking into a temporary
    GeoPackage store, read back, and the store is deleted. ``alert_edits.csv``, when present, is the triage
    log the replay undoes (triage as known then). ``Layers.source`` is ``scenario <name>``.
    """
    from ..importing import import_files
    from ..store import open_store
    from ..views import Layers

    s = load_scenario(scenario, folder) if isinstance(scenario, str) else scenario
    tmp = Path(tempfile.mkdtemp(prefix="ewarning-scenario-"))
    try:
        store = open_store(str(tmp / "scenario.gpkg"))
        paths = [p for layer in LAYER_FILES for p in s.files.get(layer, [])]
        reports = import_files(store, paths, user=f"scenario {s.name}", secret=LOAD_SECRET)
        refused = [r for r in reports if r.status not in ("imported", "already imported")]
        if refused:
            raise ValueError(f"scenario {s.name}: {refused[0].summary().splitlines()[0]}")
        layers = Layers.from_store(store)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    edits = None
    log = s.folder / "alert_edits.csv"
    if log.is_file():
        edits = pd.read_csv(log, dtype={"alert_id": str, "changes": str, "action": str})
        edits["at"] = pd.to_datetime(edits["at"], utc=True, format="ISO8601")
        edits = edits[edits["alert_id"].isin(set(layers.alerts["id"]))].reset_index(drop=True)
    from dataclasses import replace

    return replace(layers, alert_edits=edits, source=f"scenario {s.name}")


def load_engagements(scenario: Scenario | str, folder: Path | str = SCENARIO_DIR) -> gpd.GeoDataFrame | None:
    """The scenario's ``engagements.csv`` (which community was asked what, by whom), or ``None``.

    Columns ``engagement_id, date (UTC), place, component, unit, topics (list of codes)``, points in
    EPSG:4326; unknown topic codes are refused (:class:`ValueError`): the file holds codes, never free text.
    """
    s = load_scenario(scenario, folder) if isinstance(scenario, str) else scenario
    path = s.folder / "engagements.csv"
    if not path.is_file():
        return None
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    topics = [[t.strip() for t in str(v).split(";") if t.strip()] for v in raw["topics"]]
    unknown = sorted({t for ts in topics for t in ts} - set(TOPICS))
    if unknown:
        raise ValueError(f"{path.name}: unknown topic code(s) {', '.join(unknown)}; expected {', '.join(TOPICS)}")
    return gpd.GeoDataFrame({
        "engagement_id": raw["engagement_id"], "date": pd.to_datetime(raw["date"], utc=True, format="ISO8601"),
        "place": raw["place"], "component": raw["component"], "unit": raw["unit"], "topics": topics},
        geometry=gpd.points_from_xy(raw["lon"].astype(float), raw["lat"].astype(float)), crs="EPSG:4326")


# -- saving a period of the store ---------------------------------------------------------------------
def _iso(series: pd.Series) -> list[str]:
    t = pd.to_datetime(series, utc=True)
    return ["" if pd.isna(v) else v.strftime("%Y-%m-%dT%H:%M:%SZ") for v in t]


def _num(series: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else str(int(v)) if float(v).is_integer() else str(v) for v in series]


def _text(series: pd.Series) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in series]


def _points(frame: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    pts = frame.geometry.representative_point()
    return [f"{y:.5f}" for y in pts.y], [f"{x:.5f}" for x in pts.x]


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def save_scenario(store, start, end, name: str, user, *, title: str | None = None, description: str = "",
                  learning_points=(), decision_point=None, questions=(), folder: Path | str = SCENARIO_DIR,
                  history_days: float | None = None, overwrite: bool = False) -> Scenario:
    """Save the period ``start`` to ``end`` (as-of dates) of ``store`` as the scenario ``name``.

    A signed-in account must hold ``exercises`` (trainers; :class:`~ewarning.auth.errors.PermissionDenied`
    otherwise); a name is the operator at the command line. The save is recorded in the audit log.

    What is written (canonical CSV, importable as any file):

    - alerts reported from ``history_days`` (default: the engine's baseline, so the first day of the
      replay scores as the desk did) before ``start`` up to ``end``, as the store holds them today, with
      the triage log of those alerts (``alert_edits.csv``, without who made each edit) so the replay
      undoes later triage; **free text is left out**, and each reporter key is replaced by a keyed hash
      under a random secret that is thrown away: one source's burst stays one source, and no key of the
      scenario matches a key of the store;
    - sites and base periods that overlap the period, patrols started in it (routes as timed points).

    Returns
    -------
    Scenario
        Its parts are all ``real`` (the mission's own data).
    """
    from ..hotspots import HotspotConfig

    who = acting_user(user, "saving a scenario", permission="exercises")
    name = _check_name(name)
    t0, t1 = parse_as_of(start), parse_as_of(end)
    if t1 <= t0:
        raise ValueError(f"the period's end ({t1.date()}) must come after its start ({t0.date()})")
    history = pd.Timedelta(days=HotspotConfig().baseline_days if history_days is None else history_days)
    home = Path(folder) / name
    if home.exists() and not overwrite:
        raise ValueError(f"scenario {name!r} already exists in {folder}; choose another name")
    home.mkdir(parents=True, exist_ok=True)
    h0 = t0 - history

    alerts = store.read("alerts", until=t1)
    alerts = alerts[alerts["reported_at"] >= h0]
    salt = secrets.token_bytes(32)   # thrown away: scenario keys cannot be linked back to the store's

    def rekey(value):
        if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
            return ""
        return "R-" + hmac.new(salt, str(value).encode("utf-8"), sha256).hexdigest()[:12]

    lat, lon = _points(alerts) if len(alerts) else ([], [])
    _write(pd.DataFrame({
        "id": _text(alerts["id"]), "reported_at": _iso(alerts["reported_at"]),
        "occurred_at": _iso(alerts["occurred_at"]), "lat": lat, "lon": lon,
        "location_precision": _text(alerts["location_precision"]), "category": _text(alerts["category"]),
        "severity": _num(alerts["severity"]), "killed": _num(alerts["killed"]), "injured": _num(alerts["injured"]),
        "channel": _text(alerts["channel"]), "verification": _text(alerts["verification"]),
        "reliability": _text(alerts["reliability"]), "credibility": _text(alerts["credibility"]),
        "reporter": [rekey(v) for v in alerts["reporter_key"]], "text": ""}), home / "alerts.csv")

    edits = store.read("alert_edits")
    edits = edits[edits["alert_id"].isin(set(alerts["id"]))] if len(edits) else edits
    _write(pd.DataFrame({"alert_id": _text(edits["alert_id"]) if len(edits) else [],
                         "version": _num(edits["version"]) if len(edits) else [],
                         "at": _iso(edits["at"]) if len(edits) else [],
                         "action": _text(edits["action"]) if len(edits) else [],
                         "changes": _text(edits["changes"]) if len(edits) else []}), home / "alert_edits.csv")

    sites = store.read("sites")
    if len(sites):
        sites = sites[(sites["opened"].isna() | (sites["opened"] <= t1))
                      & (sites["closed"].isna() | (sites["closed"] > h0))]
    if len(sites):
        lat, lon = _points(sites)
        _write(pd.DataFrame({"site_id": _text(sites["site_id"]), "name": _text(sites["name"]),
                             "kind": _text(sites["kind"]), "lat": lat, "lon": lon,
                             "population": _num(sites["population"]), "opened": _iso(sites["opened"]),
                             "closed": _iso(sites["closed"])}), home / "sites.csv")
    presence = store.read("presence")
    if len(presence):
        presence = presence[(presence["start"] <= t1) & (presence["end"].isna() | (presence["end"] > h0))]
    if len(presence):
        lat, lon = _points(presence)
        counts = {c: _num(presence[c]) for c in ("military", "police", "civilian", "cla", "cla_female")}
        _write(pd.DataFrame({"base_id": _text(presence["base_id"]), "name": _text(presence["name"]),
                             "kind": _text(presence["kind"]), "lat": lat, "lon": lon, **counts,
                             "start": _iso(presence["start"]), "end": _iso(presence["end"])}), home / "presence.csv")
    patrols = store.read("patrols", until=t1)
    if len(patrols):
        patrols = patrols[patrols["start"] >= h0]
    if len(patrols):
        _write(pd.DataFrame({
            "patrol_id": _text(patrols["patrol_id"]), "unit": _text(patrols["unit"]),
            "component": _text(patrols["component"]), "type": _text(patrols["type"]), "start": _iso(patrols["start"]),
            "end": _iso(patrols["end"]), "engagements": _num(patrols["engagements"]),
            "cla_present": ["yes" if bool(v) else "no" for v in patrols["cla_present"].fillna(False)],
            "female_engagement_team": ["yes" if bool(v) else "no"
                                       for v in patrols["female_engagement_team"].fillna(False)]}),
            home / "patrols.csv")
        rows = []
        for p in patrols.itertuples():
            coords = list(p.geometry.coords) if p.geometry is not None and not p.geometry.is_empty else []
            begin = pd.Timestamp(p.start)
            finish = pd.Timestamp(p.end) if pd.notna(p.end) else begin + pd.Timedelta(hours=1)
            for i, (x, y) in enumerate(coords):
                at = begin + (finish - begin) * (i / max(len(coords) - 1, 1))
                rows.append({"patrol_id": p.patrol_id, "seq": i + 1, "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "lat": f"{y:.5f}", "lon": f"{x:.5f}"})
        _write(pd.DataFrame(rows, columns=["patrol_id", "seq", "time", "lat", "lon"]), home / "patrol_points.csv")

    meta = {"title": title or f"{name}: the mission's own data, {t0.date()} to {t1.date()}",
            "description": description, "learning_points": list(learning_points),
            "period": {"start": str(t0.date()), "end": str(t1.date())},
            "decision_point": None if decision_point is None else str(parse_as_of(decision_point)),
            "questions": list(questions), "horizon_days": 14, "tolerance_km": 10,
            "parts": {"alerts": "real", "sites": "real", "presence": "real", "patrols": "real"},
            "sources": f"saved from the mission's store by {who} on {pd.Timestamp.now(tz='UTC'):%Y-%m-%d}; "
                       "free text left out, reporter keys replaced by scenario-local keys",
            "saved_by": who}
    (home / "scenario.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    store.record("scenario saved", f"scenario {name}: {t0.date()} to {t1.date()}, {len(alerts)} alert(s), "
                                   "free text left out, reporter keys replaced", user=who)
    return load_scenario(name, folder)
