"""Alert intake: one alert typed by a duty officer, stored through the importer's own path.

Alerts reach a duty desk by telephone. :func:`enter_alert` turns what the
officer typed into a one-row alerts table and runs it through the *same*
pipeline a file goes through (:mod:`ewarning.importing`: identity protection,
:func:`ewarning.alerts.validate`, duplicate linking, one transaction with an
import-log entry), so the checks and their messages are the importer's own.

- **The reporter** (a phone number or a name) is pseudonymised with the
  store's secret exactly as an import does (:func:`ewarning.identities.protect`
  on the ``reporter`` column); only the key is stored, never the value, and
  the value is in no log or message. Phone numbers typed in the free text are
  scrubbed as on import.
- **Location**: coordinates (typed, or a click on the map the page passes as
  ``lat``/``lon``), or a town name looked up in the shipped gazetteer
  (:func:`ewarning.places.shipped_towns`), stored with precision ``village``;
  the result says which town and which coordinates were used.
- **All or nothing.** The entry is checked first; a rejected entry stores
  nothing (not even a quarantine row: the officer corrects the form) and the
  result carries the importer's reasons (``lat/lon: latitude and longitude
  look swapped (lat 20.68, lon 4.79)``, ``reported_at: ... is in the future``,
  ``category: ...``). A stored entry is in the import log (source ``intake``,
  with the user) and the audit log (``intake: 1 alert entered``).

Examples
--------
>>> import tempfile, pathlib
>>> from ewarning.store import open_store
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "s.gpkg")
>>> r = enter_alert(store, {"category": "killing", "place": "Alindao", "occurred_at": "2018-11-15 08:00",
...                         "reporter": "+236 75 11 22 33"}, user="duty", secret=b"k")
>>> r.stored, r.location
(True, 'Alindao (gazetteer town: lat 5.0403, lon 21.2133, precision village)')
>>> r2 = enter_alert(store, {"category": "killing", "lat": "121.21", "lon": "5.04",
...                          "occurred_at": "2018-11-15"}, user="duty", secret=b"k")
>>> r2.stored, r2.reasons
(False, ['lat/lon: latitude and longitude look swapped (lat 121.21, lon 5.04)'])
"""

from __future__ import annotations

import datetime as _dt
import secrets as _secrets
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import importing, vocab
from .config import secret_file
from .io import RawTable
from .security import load_secret
from .store.errors import acting_user

__all__ = ["FIELDS", "SOURCE", "FORMAT", "IntakeResult", "enter_alert", "find_town", "town_names"]

#: What the form may give (canonical alert columns plus ``place``, a town name).
FIELDS = ("category", "reported_at", "occurred_at", "place", "lat", "lon", "location_precision", "severity",
          "killed", "injured", "channel", "reliability", "credibility", "verification", "reporter", "text")
#: The import log's ``source`` and the stored alert's ``origin`` for typed alerts.
SOURCE = "intake"
FORMAT = "intake"
#: The importer's reason for a row with no coordinates (replaced by the place's own when a town was not found).
_NO_COORDINATES = "lat/lon: missing coordinates"


@dataclass
class IntakeResult:
    """What became of one typed alert.

    Attributes
    ----------
    stored : bool
        True when the alert is in the store.
    alert_id : str or None
        The new alert's id (the importer's: a keyed hash of the content).
    reasons : list of str
        Why the entry was refused, in the importer's words (empty when stored).
    location : str
        How the alert was placed (coordinates, or which gazetteer town and its coordinates).
    duplicate_of : str or None
        The first report of the same incident, when the importer linked it as a duplicate.
    import_id : int or None
        The import-log entry.
    reported_at : Timestamp or None
        The stored report time (UTC): the desk shows the alert when the as-of window holds it.
    notes : list of str
        The importer's notes (identities pseudonymised, numbers read ...).
    """

    stored: bool
    alert_id: str | None = None
    reasons: list[str] = field(default_factory=list)
    location: str = ""
    duplicate_of: str | None = None
    import_id: int | None = None
    reported_at: pd.Timestamp | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.stored:
            return "alert not stored: " + "; ".join(self.reasons)
        dup = f", linked as a duplicate of {self.duplicate_of}" if self.duplicate_of else ""
        return f"alert {self.alert_id} stored (import #{self.import_id}){dup}; location: {self.location}"


def town_names(towns=None) -> list[str]:
    """The names of the shipped gazetteer's towns, sorted (for the form's suggestions)."""
    towns = _towns() if towns is None else towns
    return [] if towns is None else sorted(towns["name"].astype(str), key=vocab.normalise_code)


def find_town(name: str, towns=None):
    """``(name, lat, lon)`` of the gazetteer town ``name`` (case and accents ignored), or None."""
    towns = _towns() if towns is None else towns
    if towns is None or not str(name or "").strip():
        return None
    wanted = vocab.normalise_code(name)
    for row in towns.itertuples():
        if vocab.normalise_code(row.name) == wanted:
            return str(row.name), float(row.geometry.y), float(row.geometry.x)
    return None


def _towns():
    from .places import shipped_towns

    return shipped_towns()


def _text(value) -> str | None:
    """A typed value as a file would hold it: text, times in ISO 8601, empty as missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (_dt.datetime, _dt.date)):
        if isinstance(value, _dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)  # the desk types UTC
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _row(fields: dict, towns) -> tuple[dict, str, str | None]:
    """The alert row (canonical columns), how it is placed, and a refusal of the place (or None)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown intake field(s): {', '.join(sorted(unknown))}; expected {', '.join(FIELDS)}")
    row = {k: _text(v) for k, v in fields.items() if k != "place"}
    place = _text(fields.get("place"))
    if row.get("lat") is not None or row.get("lon") is not None:
        where = f"coordinates given (lat {row.get('lat')}, lon {row.get('lon')})"
        return row, where + (f"; the place '{place}' was not looked up" if place else ""), None
    if place is None:
        return row, "no location given", None
    town = find_town(place, towns)
    if town is None:
        return row, "", (f"place: '{place}' is not a town of the shipped gazetteer; choose one of the suggested "
                         "towns or give the coordinates")
    name, lat, lon = town
    row.update(lat=repr(lat), lon=repr(lon), location_precision="village")
    return row, f"{name} (gazetteer town: lat {lat:.4f}, lon {lon:.4f}, precision village)", None


def enter_alert(store, fields: dict, user: str, secret: bytes | None = None, now: pd.Timestamp | None = None,
                towns=None) -> IntakeResult:
    """Check and store one alert typed at the duty desk, through the import pipeline.

    Parameters
    ----------
    store : Store
    fields : dict
        Keys from :data:`FIELDS`; values as typed (text, numbers, datetimes; empty means not given).
        ``reported_at`` defaults to ``now`` (the call is being taken). ``place`` is a town of the
        gazetteer, used when no ``lat``/``lon`` is given.
    user : str
        The duty officer, recorded in the import and audit logs (required).
    secret : bytes, optional
        The pseudonymisation secret; by default the store's, as :func:`ewarning.importing.import_files`
        loads it.
    now : Timestamp, optional
        The check's clock (future dates), by default the current time.
    towns : GeoDataFrame, optional
        The gazetteer (default :func:`ewarning.places.shipped_towns`).

    Returns
    -------
    IntakeResult
    """
    user = acting_user(user, "an alert intake", permission="import")
    secret = load_secret(secret_file()) if secret is None else secret
    now = now or pd.Timestamp.now(tz="UTC")
    row, where, refused_place = _row(fields, towns)
    if row.get("reported_at") is None:
        row["reported_at"] = now.isoformat()
    table = RawTable("alerts", pd.DataFrame([row], index=[1]).astype(object), SOURCE, FORMAT)
    bbox = importing._bbox(store)
    started = pd.Timestamp.now(tz="UTC")
    # The import log's sha256 names no file; a random token, so nothing in it can be tested against a guess.
    token = "intake-" + _secrets.token_hex(8)
    path = Path(SOURCE)

    def run(dry_run: bool):
        return importing._import_tables(store, [path], [table], bbox, secret, now, dry_run, user, started,
                                        lambda message: None, {path: token})

    checked = run(dry_run=True)
    reasons = [r for reason in checked.quarantine["reason"] for r in str(reason).split("; ")]
    if refused_place:
        reasons = [refused_place] + [r for r in reasons if r != _NO_COORDINATES]
    if reasons:
        return IntakeResult(False, reasons=reasons, location=where, notes=list(checked.notes))
    # A colleague storing the same report between the check and the write makes the store refuse the write
    # whole (ImportRaced); checked again, the entry is then refused as already stored and kept in quarantine.
    report = importing._import_racing(store, SOURCE, None, lambda: run(dry_run=False))
    if report.n_stored == 0:
        # Refused between the check and the write (a colleague stored the same report meanwhile): the pipeline
        # kept the row in the quarantine with its reason, as for any file; say so.
        reasons = [r for reason in report.quarantine["reason"] for r in str(reason).split("; ")]
        return IntakeResult(False, reasons=reasons + [f"the entry was kept in the quarantine (import "
                                                      f"#{report.import_id})"], location=where,
                            import_id=report.import_id, notes=list(report.notes))
    stored = store.read("alerts")
    mine = stored[stored["import_id"] == report.import_id]
    if len(mine) != 1:  # the pipeline said it stored one row; anything else is a bug, said as such
        raise RuntimeError(f"intake: import #{report.import_id} stored {len(mine)} alerts, expected 1")
    alert = mine.iloc[0]
    alert_id = str(alert["id"])
    duplicate_of = alert["duplicate_of"] if isinstance(alert["duplicate_of"], str) else None
    store.record("intake", f"intake: 1 alert entered ({alert_id}, import #{report.import_id})", user=user)
    return IntakeResult(True, alert_id=alert_id, location=where, duplicate_of=duplicate_of,
                        import_id=report.import_id, reported_at=pd.Timestamp(alert["reported_at"]),
                        notes=list(report.notes))
