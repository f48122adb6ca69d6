"""Alert triage: verify, discount, link as duplicate, correct a location.

Each action is a pure function that takes the alerts layer, the alert's id
and the *version the analyst saw* and returns an :class:`Edit`: the updated
row, what changed (old -> new) and the audit text. Nothing is written until
:func:`apply` hands the edit to the store, which refuses it in the same
transaction if anyone changed the alert since that version
(:class:`EditConflict`: "alert X was changed by Y at T; reload and try
again"). Two analysts editing the same alert therefore never overwrite each
other silently: the second one is told, and reloads.

Who acts is always passed in (``user=``, required): the command line or the
page says who it is; triage never reads it from the environment.

Versions: an alert that was never triaged is at version 0; every applied
edit adds one (kept in the store's ``alert_edits`` table with who and when,
plus an entry in the audit log).

Examples
--------
>>> import geopandas as gpd, pandas as pd, tempfile, os
>>> from ewarning.store import open_store
>>> a = gpd.GeoDataFrame({"id": ["A1"], "reported_at": pd.to_datetime(["2018-11-10"], utc=True),
...     "category": ["killing"], "verification": ["unverified"], "duplicate_of": [None],
...     "location_precision": ["village"]}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "t.gpkg"))
>>> _ = store.write_import({"alerts": a}, pd.DataFrame(), {"source": "a.csv", "user": "ana"})
>>> apply(store, verify(store.read("alerts"), "A1", based_on=0, user="ana"))
1
>>> try:
...     apply(store, discount(store.read("alerts"), "A1", based_on=0, user="ben"))
... except EditConflict as exc:
...     print(str(exc)[:33], "...", str(exc)[-25:])
alert A1 was changed by ana at 20 ... reload and try again
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from . import vocab
from .i18n import N_
from .i18n.phrases import Phrase, Raw, Said, Term, said_in
from .store.errors import EditConflict, acting_user

__all__ = ["ACTIONS", "Edit", "EditConflict", "TriageError", "apply", "correct_location", "discount",
           "duplicate_candidates", "link_duplicate", "queue", "verify", "versions"]

#: Actions and their labels, in the order pages offer them.
ACTIONS = {"verify": N_("Verify"), "discount": N_("Discount"), "link_duplicate": N_("Link as duplicate"),
           "correct_location": N_("Correct location")}


class TriageError(ValueError):
    """An edit that makes no sense (unknown alert, self-link, impossible coordinates...).

    Made from a phrase (:mod:`ewarning.i18n.phrases`): ``str(error)`` is the English,
    :meth:`in_language` any other language.
    """

    def __init__(self, phrase: Phrase):
        super().__init__(Said(phrase))
        self.phrase = phrase

    def in_language(self, t=None) -> str:
        return said_in(self.args[0], t)


@dataclass(frozen=True)
class Edit:
    """One triage edit, ready for :func:`apply`.

    Attributes
    ----------
    alert_id : str
    action : str
        One of :data:`ACTIONS`.
    row : geopandas.GeoDataFrame
        The alert's full row after the edit (one row, EPSG:4326).
    based_on : int
        The alert's version the analyst saw.
    changes : dict
        ``column -> [old, new]`` (JSON-ready strings and numbers).
    user : str
    at : pandas.Timestamp
    note : str
        Free text from the analyst (stored; escaped wherever shown).
    """

    alert_id: str
    action: str
    row: gpd.GeoDataFrame
    based_on: int
    changes: dict = field(default_factory=dict)
    user: str = ""
    at: pd.Timestamp | None = None
    note: str = ""

    @property
    def summary(self) -> str:
        """Plain text: what the edit does (for the audit log and messages)."""
        parts = [f"{k} {_show(old)} -> {_show(new)}" for k, (old, new) in self.changes.items()]
        return f"{ACTIONS.get(self.action, self.action)} {self.alert_id}: " + ("; ".join(parts) or "no change")


def _show(value) -> str:
    return "none" if value is None else str(value)


def _row(alerts: gpd.GeoDataFrame, alert_id: str) -> gpd.GeoDataFrame:
    if alerts is None or "id" not in alerts.columns:
        raise TriageError(Phrase(N_("no alerts layer")))
    row = alerts[alerts["id"] == alert_id]
    if len(row) != 1:
        raise TriageError(Phrase(N_("alert {alert} is not in the store"), alert=Raw(str(alert_id))) if len(row) == 0
                          else Phrase(N_("alert id {alert} is not unique"), alert=Raw(str(alert_id))))
    return row.copy()


def _edit(alerts, alert_id, action, based_on, updates: dict, user: str, at, note, geometry=None) -> Edit:
    user = acting_user(user, f"the triage edit {action!r}", permission="triage")
    row = _row(alerts, alert_id)
    changes = {}
    for column, new in updates.items():
        old = row[column].iloc[0] if column in row.columns else None
        old = None if old is None or (isinstance(old, float) and pd.isna(old)) else old
        if old != new:
            changes[column] = [old, new]
        row[column] = [new]
    if geometry is not None:
        old = row.geometry.iloc[0]
        old_xy = None if old is None or old.is_empty else [round(old.y, 6), round(old.x, 6)]
        new_xy = [round(geometry.y, 6), round(geometry.x, 6)]
        if old_xy != new_xy:
            changes["lat/lon"] = [old_xy, new_xy]
        row = row.set_geometry(gpd.GeoSeries([geometry], index=row.index, crs="EPSG:4326"))
    if not changes:
        raise TriageError(Phrase(N_("alert {alert}: nothing to change ({action} is already its state)"),
                                 alert=Raw(str(alert_id)), action=Term("triage:ACTIONS", action)))
    return Edit(alert_id=alert_id, action=action, row=row, based_on=int(based_on), changes=changes,
                user=user, at=at or pd.Timestamp.now(tz="UTC"), note=str(note or "").strip())


def verify(alerts: gpd.GeoDataFrame, alert_id: str, based_on: int, *, user: str,
           at: pd.Timestamp | None = None, note: str = "") -> Edit:
    """Mark an alert verified (the mission confirmed it happened)."""
    return _edit(alerts, alert_id, "verify", based_on, {"verification": "verified"}, user, at, note)


def discount(alerts: gpd.GeoDataFrame, alert_id: str, based_on: int, *, user: str,
             at: pd.Timestamp | None = None, note: str = "") -> Edit:
    """Mark an alert discounted (false or unfounded); the scorer then gives it no weight."""
    return _edit(alerts, alert_id, "discount", based_on, {"verification": "discounted"}, user, at, note)


def link_duplicate(alerts: gpd.GeoDataFrame, alert_id: str, of: str, based_on: int, *, user: str,
                   at: pd.Timestamp | None = None, note: str = "") -> Edit:
    """Link an alert as a duplicate of another report of the same incident.

    Links never chain: linking to a report that is itself a duplicate links
    to the first report of the incident. Linking a report to itself (or to
    one of its own duplicates' root being itself) is refused.
    """
    if alerts is None or not (alerts["id"] == of).any():
        raise TriageError(Phrase(N_("alert {alert} (the original) is not in the store"), alert=Raw(str(of))))
    by_id = alerts.set_index("id")["duplicate_of"] if "duplicate_of" in alerts.columns else pd.Series(dtype=object)
    root, seen = of, {of}
    while True:
        parent = by_id.get(root)
        if parent is None or (isinstance(parent, float) and pd.isna(parent)) or parent in seen:
            break
        seen.add(parent)
        root = parent
    if root == alert_id:
        raise TriageError(Phrase(N_("alert {alert} cannot be a duplicate of itself"), alert=Raw(str(alert_id))))
    return _edit(alerts, alert_id, "link_duplicate", based_on, {"duplicate_of": root}, user, at, note)


def correct_location(alerts: gpd.GeoDataFrame, alert_id: str, lat: float, lon: float, based_on: int,
                     precision: str | None = None, *, user: str, at: pd.Timestamp | None = None,
                     note: str = "") -> Edit:
    """Move an alert to ``lat, lon`` (WGS 84), optionally with a new location precision."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise TriageError(Phrase(N_("latitude and longitude must be numbers"))) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise TriageError(Phrase(N_("impossible location (lat {lat}, lon {lon})"), lat=Raw(str(lat)), lon=Raw(str(lon))))
    updates = {}
    if precision is not None:
        if precision not in vocab.PRECISION:
            raise TriageError(Phrase(N_("unknown location precision {value}; expected one of {allowed}"),
                                     value=Raw(repr(precision)), allowed=Raw(", ".join(vocab.PRECISION))))
        updates["location_precision"] = precision
    return _edit(alerts, alert_id, "correct_location", based_on, updates, user, at, note, geometry=Point(lon, lat))


def apply(store, edit: Edit) -> int:
    """Write ``edit`` to the store as ``edit.user``; return the alert's new version.

    Raises
    ------
    EditConflict
        The alert changed since ``edit.based_on``; nothing was written.
    ValueError
        The edit names no user; nothing was written.
    """
    changes = json.dumps(edit.changes, ensure_ascii=False, default=str, sort_keys=True)
    return store.apply_alert_edit(edit.row, edit.based_on, edit.action, changes, edit.note, user=edit.user,
                                  at=edit.at)


def versions(alerts: pd.DataFrame, latest: pd.DataFrame | None) -> pd.DataFrame:
    """``version``, ``edited_by``, ``edited_at`` per alert (index = alert id; 0 / None when never edited)."""
    out = pd.DataFrame({"version": 0, "edited_by": None, "edited_at": pd.NaT},
                       index=pd.Index(alerts["id"] if len(alerts) else [], name="id"))
    out["edited_at"] = pd.to_datetime(out["edited_at"], utc=True)
    if latest is not None and len(latest):
        lt = latest.set_index("alert_id")
        common = out.index.intersection(lt.index)
        out.loc[common, "version"] = lt.loc[common, "version"].astype("int64").to_numpy()
        out.loc[common, "edited_by"] = lt.loc[common, "user"].to_numpy()
        out.loc[common, "edited_at"] = lt.loc[common, "at"].to_numpy()
    out["version"] = out["version"].astype("int64")
    return out


def queue(alerts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The triage queue: unverified alerts not linked as duplicates, gravest and newest first."""
    if alerts is None or len(alerts) == 0:
        return alerts
    todo = alerts[(alerts["verification"] == "unverified")
                  & (alerts["duplicate_of"].isna() if "duplicate_of" in alerts.columns else True)]
    return todo.sort_values(["reported_at", "severity"], ascending=[False, False], kind="stable")


def duplicate_candidates(alerts: gpd.GeoDataFrame, alert_id: str, km: float = 25.0, hours: float = 72.0,
                         limit: int = 15) -> gpd.GeoDataFrame:
    """Likely originals of an alert: other reports nearby in space and time, nearest first.

    Same-category reports come first; the result has a ``km`` and ``hours``
    column (distance and time apart).
    """
    row = _row(alerts, alert_id)
    when = row["reported_at"].iloc[0]
    near_t = (alerts["reported_at"] - when).abs() <= pd.Timedelta(hours=hours)
    others = alerts[near_t & (alerts["id"] != alert_id)]
    if others.empty:
        return others.assign(km=pd.Series(dtype=float), hours=pd.Series(dtype=float))
    from .geo import metric_crs

    crs = metric_crs(row)
    dist = others.to_crs(crs).distance(row.to_crs(crs).geometry.iloc[0]) / 1000.0
    out = others.assign(km=dist.round(1), hours=((others["reported_at"] - when).dt.total_seconds() / 3600).round(1))
    out = out[out["km"] <= km]
    same = (out["category"] == row["category"].iloc[0]).astype(int)
    return out.assign(_same=same).sort_values(["_same", "km"], ascending=[False, True]).drop(columns="_same").head(limit)
