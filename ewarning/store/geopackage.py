"""The embedded store: one GeoPackage file (OGC GeoPackage 1.3, opens in QGIS).

Written with the standard library's sqlite3 so that one file's rows, its
quarantine and its import-log entry commit in a single transaction: an import
is all or nothing. Geometries are GeoPackage binary (a small header + WKB),
EPSG:4326. Times are ISO 8601 UTC text, which sorts and compares as time.
Every statement is parameterised; table and column names come only from
:mod:`ewarning.store.schema`, never from input.
"""

from __future__ import annotations

import os

import sqlite3
import struct
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..io.gpkg import decode_gpkg_blobs
from .errors import EditConflict, ImportRaced, StoreError, acting_user
from .schema import ACCOUNT_SCHEMAS, LAYER_SCHEMAS, LOG_SCHEMAS, TABLES, UNTIL_RULES, TableSchema
from .rekeying import PLACES as REKEYED_PLACES, Rekeying
from .values import audit_frame, audit_where
from .values import check_bbox as _check_bbox, from_sql as _from_sql, in_bbox as _in_bbox, time_text as _time_text
from .values import to_sql as _to_sql, utc as _utc

__all__ = ["EditConflict", "GeoPackageStore", "StoreError"]  # the errors live in .errors; kept here too

_APPLICATION_ID = 0x47504B47  # "GPKG"
_USER_VERSION = 10300         # GeoPackage 1.3
_SQL_TYPES = {"text": "TEXT", "datetime": "DATETIME", "integer": "INTEGER", "real": "REAL", "boolean": "BOOLEAN"}
_GEOM_HEADER = b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", 4326)  # v0, little-endian, no envelope


class GeoPackageStore:
    """A GeoPackage file holding the four layers, quarantine, imports and audit log.

    Parameters
    ----------
    location : str or Path
        The ``.gpkg`` file; created with every table if it does not exist.

    Examples
    --------
    >>> import tempfile, os
    >>> store = GeoPackageStore(os.path.join(tempfile.mkdtemp(), "demo.gpkg"))
    >>> sorted(store.read("presence").columns)[:3]
    ['base_id', 'civilian', 'cla']
    """

    def __init__(self, location: str | Path):
        self.location = str(location)
        path = Path(self.location)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Informants' reports and the accounts live here: readable by the store's owner only. Created
            # empty with that mode first, so no other account can open it in between.
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:   # another process created it meanwhile: it set the mode
                pass
        with closing(self._connect()) as con:
            try:
                if con.execute("PRAGMA application_id").fetchone()[0] != _APPLICATION_ID:
                    self._create(con)
                else:
                    self._create_missing_tables(con)
                self._create_account_tables(con)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.location}: cannot open store ({exc})") from None

    # -- connection and schema -------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.location, timeout=30, isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def _create(self, con: sqlite3.Connection) -> None:
        """Create every table, once, even when several processes open a new store at the same moment.

        The write lock is taken first and the check made again under it: the
        process that waited finds the tables made and only adds what is missing.
        """
        wgs84 = pyproj.CRS.from_epsg(4326).to_wkt("WKT1_GDAL")
        con.execute("BEGIN IMMEDIATE")
        if con.execute("PRAGMA application_id").fetchone()[0] == _APPLICATION_ID:
            con.execute("COMMIT")
            self._create_missing_tables(con)
            return
        if con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            con.execute("ROLLBACK")
            raise StoreError(f"{self.location}: not a GeoPackage")
        con.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {_USER_VERSION}")
        con.execute("""CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
            organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
            description TEXT)""")
        con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
            ("WGS 84 geodetic", 4326, "EPSG", 4326, wgs84, "longitude/latitude coordinates in decimal degrees"),
        ])
        con.execute("""CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
            identifier TEXT UNIQUE, description TEXT DEFAULT '',
            last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
            CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""")
        con.execute("""CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
            geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
            CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""")
        for schema in TABLES.values():
            self._create_table(con, schema)
        con.execute("COMMIT")

    def _create_missing_tables(self, con: sqlite3.Connection) -> None:
        have = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
        missing = [s for name, s in TABLES.items() if name not in have]
        if missing:
            con.execute("BEGIN IMMEDIATE")
            have = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}  # again, under the lock
            for schema in missing:
                if schema.name not in have:
                    self._create_table(con, schema)
            con.execute("COMMIT")

    @staticmethod
    def _create_table(con: sqlite3.Connection, schema: TableSchema) -> None:
        cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
        if schema.geometry:
            cols.append(f"geom {schema.geometry}")
        cols += [f'"{c}" {_SQL_TYPES[t]}' for c, t in schema.columns.items()]
        con.execute(f'CREATE TABLE "{schema.name}" ({", ".join(cols)})')
        if schema.key:
            key = ", ".join(f'"{k}"' for k in schema.key)
            con.execute(f'CREATE UNIQUE INDEX "{schema.name}_key" ON "{schema.name}" ({key})')
        data_type = "features" if schema.geometry else "attributes"
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                    "VALUES (?, ?, ?, ?, ?)", (schema.name, data_type, schema.name, schema.description,
                                               4326 if schema.geometry else None))
        if schema.geometry:
            con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)",
                        (schema.name, schema.geometry))
        if schema.name == "alerts":
            con.execute('CREATE INDEX "alerts_reported_at" ON "alerts" ("reported_at")')

    # -- reading -----------------------------------------------------------------
    def read(self, layer: str, until: pd.Timestamp | None = None,
             bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
        """A layer as a typed GeoDataFrame (EPSG:4326), or a log table as a DataFrame.

        Parameters
        ----------
        until : Timestamp, optional
            Keep only the rows the as-of view at ``until`` can use (see
            :data:`ewarning.store.UNTIL_RULES`): alerts reported strictly
            before it, sites opened at or before it (or of unknown opening),
            presence periods started at or before it, patrols started
            strictly before it. Pushed into SQL (``reported_at < ?`` uses the
            ``alerts_reported_at`` index); the rows are then checked again
            as parsed times, so a time a hand edit wrote in another spelling
            (a bare date, a space for the ``T``) is judged as a time.
        bbox : (min_lon, min_lat, max_lon, max_lat), optional
            Keep points inside the box (edges included) and lines whose
            envelope intersects it. Here applied after decoding: the stored
            geometries carry no envelope and SQLite cannot read WKB numbers,
            so there is no cheap SQL test. A PostGIS backend does it in the
            database (``geom && ST_MakeEnvelope(...)``).
        """
        schema = TABLES.get(layer)
        if schema is None:
            raise KeyError(f"unknown layer {layer!r}; expected one of {', '.join(TABLES)}")
        if (until is not None or bbox is not None) and layer not in LAYER_SCHEMAS:
            raise ValueError(f"until= and bbox= apply to the four layers ({', '.join(LAYER_SCHEMAS)}), not {layer!r}")
        box = _check_bbox(bbox)
        if until is None:
            return self._read(layer, bbox=box)
        column, strict = UNTIL_RULES[layer]
        when = _utc(until)
        # Stored times are whole seconds: "t < until" is "t < ceil(until)", "t <= until" is "t <= floor(until)".
        bound = _time_text(when.ceil("s") if strict else when.floor("s"))
        test = f'"{column}" {"<" if strict else "<="} ?'
        if layer == "sites":  # a site of unknown opening is open since always
            test = f'("{column}" IS NULL OR {test})'
        frame = self._read(layer, f"WHERE {test}", (bound,), box)
        times = frame[column]
        keep = (times < when) if strict else (times <= when)
        if layer == "sites":
            keep = keep | times.isna()
        return frame if bool(keep.all()) else frame[keep.to_numpy()].reset_index(drop=True)

    def _read(self, layer: str, where: str = "", params: tuple = (),
              bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
        schema = TABLES[layer]
        names = list(schema.columns)
        select = ", ".join(["fid"] + (["geom"] if schema.geometry else []) + [f'"{c}"' for c in names])
        # Filtered reads sort by fid here, not in SQL: "ORDER BY fid" would make SQLite scan the table in fid
        # order rather than search an index on the filtered column (alerts_reported_at for until=).
        with closing(self._connect()) as con:
            rows = con.execute(f'SELECT {select} FROM "{layer}" {where}' + ("" if where else " ORDER BY fid"),
                               params).fetchall()
        if where:
            rows.sort(key=lambda r: r[0])
        offset = 2 if schema.geometry else 1
        columns = list(zip(*rows)) if rows else [()] * (offset + len(names))
        frame = pd.DataFrame({c: _from_sql(columns[i + offset], schema.columns[c]) for i, c in enumerate(names)})
        if layer == "imports" or layer == "quarantine" or layer == "audit":
            frame.insert(0, "fid", pd.Series(columns[0], dtype="int64"))
        if not schema.geometry:
            return frame
        geometry, _ = decode_gpkg_blobs(columns[1])  # a blob QGIS left broken reads as no geometry
        out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")
        if bbox is None:
            return out
        inside = _in_bbox(np.asarray(out.geometry.to_numpy(), dtype=object), bbox)
        return out[inside].reset_index(drop=True)

    def alerts_between(self, start: pd.Timestamp, end: pd.Timestamp) -> gpd.GeoDataFrame:
        lo, hi = _time_text(start), _time_text(end)
        return self._read("alerts", "WHERE coalesce(occurred_at, reported_at) BETWEEN ? AND ?", (lo, hi))

    def existing_keys(self, layer: str) -> set[str]:
        schema = LAYER_SCHEMAS[layer]
        key = " || '|' || ".join(
            f"substr(\"{k}\", 1, 10)" if schema.columns[k] == "datetime" else f'"{k}"' for k in schema.key)
        with closing(self._connect()) as con:
            return {r[0] for r in con.execute(f'SELECT {key} FROM "{layer}"')}

    def counts(self) -> dict[str, int]:
        with closing(self._connect()) as con:
            return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in TABLES}

    def state_token(self) -> str:
        """Changes when any domain layer changes (not on audit or settings writes).

        Built from each layer's ``last_change`` and row count, which every
        write to a layer updates in its own transaction, and the number of
        triage edits (two edits in one millisecond still change it).
        """
        with closing(self._connect()) as con:
            layers = ", ".join(f"'{name}'" for name in LAYER_SCHEMAS)   # names from the schema, not from input
            rows = con.execute("SELECT table_name, last_change FROM gpkg_contents WHERE table_name IN "
                               f"({layers}) ORDER BY table_name").fetchall()
            counts = [con.execute(f'SELECT max(fid), count(*) FROM "{name}"').fetchone() for name, _ in rows]
            edits = con.execute('SELECT count(*) FROM "alert_edits"').fetchone()[0]
        return (self.location + "|" + "|".join(f"{n}:{t}:{c}" for (n, t), c in zip(rows, counts))
                + f"|edits:{edits}")

    def get_setting(self, key: str) -> str | None:
        with closing(self._connect()) as con:
            row = con.execute('SELECT value FROM "settings" WHERE key = ?', (key,)).fetchone()
        return row[0] if row else None

    # -- writing -----------------------------------------------------------------
    def set_setting(self, key: str, value: str) -> None:
        with closing(self._connect()) as con:
            con.execute('INSERT INTO "settings" (key, value) VALUES (?, ?) '
                        'ON CONFLICT(key) DO UPDATE SET value = excluded.value', (key, value))

    def record(self, action: str, detail: str, user: str) -> None:
        """Append to the audit log; ``user`` (who is acting) is required (:class:`ValueError` without)."""
        user = acting_user(user, f"the audit entry {action!r}")
        with closing(self._connect()) as con:
            _audit(con, user, action, detail)

    def write_import(self, layers: dict[str, gpd.GeoDataFrame], quarantine: pd.DataFrame, log: dict) -> int:
        """Write one file's valid rows, quarantine and log entry in one transaction.

        Raises
        ------
        StoreError
            When the write fails; nothing of the file is then stored.
        ValueError
            When ``log`` names no ``user`` (who imported); nothing is written.
        """
        log = {**log, "user": acting_user(log.get("user"), "an import (log['user'])")}
        with closing(self._connect()) as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                _check_still_new(con, layers, log)
                log_row = {c: log.get(c) for c in LOG_SCHEMAS["imports"].columns}
                import_id = self._insert(con, LOG_SCHEMAS["imports"], pd.DataFrame([log_row]), None)
                for layer, frame in layers.items():
                    if len(frame):
                        frame = frame.assign(import_id=import_id)
                        self._insert(con, LAYER_SCHEMAS[layer], frame, frame.geometry)
                        self._touch(con, layer, frame)
                if len(quarantine):
                    self._insert(con, LOG_SCHEMAS["quarantine"], quarantine.assign(import_id=import_id), None)
                # The audit log says who imported what, in the same transaction as the import itself.
                _audit(con, log["user"], "import",
                       f"import #{import_id}: {log.get('source')}: {int(log.get('n_stored') or 0):,} stored, "
                       f"{int(log.get('n_quarantined') or 0):,} quarantined")
                con.execute("COMMIT")
            except sqlite3.IntegrityError as exc:   # a key another import stored since the file was checked
                con.execute("ROLLBACK")
                raise ImportRaced(f"import not stored, nothing written ({exc})") from None
            except sqlite3.Error as exc:
                con.execute("ROLLBACK")
                raise StoreError(f"import not stored, nothing written ({exc})") from None
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return import_id

    def _insert(self, con: sqlite3.Connection, schema: TableSchema, frame: pd.DataFrame, geometry) -> int:
        names = list(schema.columns)
        values = [_to_sql(frame[c], schema.columns[c]) if c in frame.columns else [None] * len(frame) for c in names]
        cols = [f'"{c}"' for c in names]
        if geometry is not None:
            values.insert(0, _to_gpkg_blobs(np.asarray(geometry)))
            cols.insert(0, "geom")
        marks = ", ".join("?" * len(cols))
        cur = con.executemany(f'INSERT INTO "{schema.name}" ({", ".join(cols)}) VALUES ({marks})', zip(*values))
        return con.execute("SELECT last_insert_rowid()").fetchone()[0] if cur.rowcount else 0

    @staticmethod
    def _touch(con: sqlite3.Connection, layer: str, frame: gpd.GeoDataFrame) -> None:
        x0, y0, x1, y1 = frame.total_bounds
        con.execute("""UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
            min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?),
            max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?) WHERE table_name = ?""",
                    (x0, x0, y0, y0, x1, x1, y1, y1, layer))

    def alert_versions(self) -> pd.DataFrame:
        """Latest triage version of every edited alert: ``alert_id, version, user, at``."""
        with closing(self._connect()) as con:
            rows = con.execute(
                'SELECT e.alert_id, e.version, e.user, e.at FROM "alert_edits" e JOIN '
                '(SELECT alert_id, max(version) AS v FROM "alert_edits" GROUP BY alert_id) m '
                'ON e.alert_id = m.alert_id AND e.version = m.v ORDER BY e.alert_id').fetchall()
        frame = pd.DataFrame(rows, columns=["alert_id", "version", "user", "at"])
        frame["version"] = frame["version"].astype("int64")
        frame["at"] = pd.to_datetime(frame["at"], format="ISO8601", utc=True)
        return frame

    def apply_alert_edit(self, row: gpd.GeoDataFrame, based_on: int, action: str, changes: str, note: str,
                         user: str, at: pd.Timestamp | None = None) -> int:
        """Write one alert's edited row if nobody changed it since version ``based_on``.

        In one transaction: check the alert's latest version in ``alert_edits``
        is still ``based_on``, update the row in place (same ``fid``), append
        version ``based_on + 1`` to ``alert_edits`` and an audit entry.

        Returns
        -------
        int
            The alert's new version.

        Raises
        ------
        EditConflict
            When the alert was changed meanwhile (nothing is written).
        KeyError
            When the alert is not in the store.
        ValueError
            When no ``user`` is given (nothing is written).
        """
        schema = LAYER_SCHEMAS["alerts"]
        if len(row) != 1:
            raise ValueError("apply_alert_edit takes exactly one alert row")
        alert_id = str(row["id"].iloc[0])
        user = acting_user(user, f"the triage edit {action!r}")
        when = _time_text(at if at is not None else pd.Timestamp.now(tz="UTC"))
        names = [c for c in schema.columns if c != "id" and c in row.columns]
        values = [_to_sql(row[c], schema.columns[c])[0] for c in names]
        sets = ", ".join(["geom = ?"] + [f'"{c}" = ?' for c in names])
        geom = _to_gpkg_blobs(np.asarray(row.geometry))[0]
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                last = con.execute('SELECT version, user, at FROM "alert_edits" WHERE alert_id = ? '
                                   'ORDER BY version DESC LIMIT 1', (alert_id,)).fetchone()
                current = int(last[0]) if last else 0
                if current != int(based_on):
                    raise EditConflict(alert_id, last[1] if last else None, last[2] if last else None,
                                       current, int(based_on))
                cur = con.execute(f'UPDATE "alerts" SET {sets} WHERE "id" = ?', [geom, *values, alert_id])
                if cur.rowcount != 1:
                    raise KeyError(f"alert {alert_id} is not in the store")
                self._touch(con, "alerts", row)
                con.execute('INSERT INTO "alert_edits" (alert_id, version, at, user, action, changes, note) '
                            'VALUES (?, ?, ?, ?, ?, ?, ?)', (alert_id, current + 1, when, user, action, changes, note))
                _audit(con, user, f"triage:{action}", f"alert {alert_id} v{current + 1}: {changes}"
                       + (f"; note: {note}" if note else ""), at=when)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return current + 1

    def rekey_reporters(self, rekey, user: str, action: str = "secret:rotate") -> dict[str, int]:
        """Replace every reporter key in the store by ``rekey(old_key)``, in one transaction (:mod:`ewarning.rotation`).

        Under the write lock, every key-shaped token (``R-`` and 12 lower-case hex digits) in
        ``alerts.reporter_key`` and ``alerts.text``, the quarantine's ``raw`` and ``reason`` and the triage
        edits' ``changes`` and ``note`` is replaced by ``rekey(token)`` (the same token always gets the same
        new key), and an audit entry ``action`` is appended with ``user``. A new key has the old one's length, so
        SQLite rewrites each row in place; ``secure_delete`` is on for the transaction all the same, so no freed
        space keeps an old key. Any failure rolls everything back. The append-only audit log is not
        rewritten: ``audit_mentions`` counts its entries that quote an old key.

        Returns the counts: ``keys`` (distinct keys re-keyed), ``alerts``, ``quarantine``, ``alert_edits``
        (rows changed), ``audit_mentions``.
        """
        user = acting_user(user, f"the audit entry {action!r}")
        keys = Rekeying(rekey)
        with closing(self._connect()) as con:
            con.execute("PRAGMA secure_delete = ON")
            con.execute("BEGIN IMMEDIATE")
            try:
                for table, columns in REKEYED_PLACES:
                    cols = ", ".join(f'"{c}"' for c in columns)
                    sets = ", ".join(f'"{c}" = ?' for c in columns)
                    rows = con.execute(f'SELECT fid, {cols} FROM "{table}"').fetchall()
                    for fid, *values in rows:
                        changed = keys.row(values)
                        if changed != values:
                            con.execute(f'UPDATE "{table}" SET {sets} WHERE fid = ?', (*changed, fid))
                            keys.changed(table)
                if keys.counts["alerts"]:  # the layer changed: caches keyed on state_token() refresh
                    con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                                "WHERE table_name = 'alerts'")
                keys.audit_mentions(detail for (detail,) in con.execute('SELECT detail FROM "audit"'))
                _audit(con, user, action, keys.summary())
                con.execute("COMMIT")
            except sqlite3.Error as exc:
                con.execute("ROLLBACK")
                raise StoreError(f"reporter keys not re-keyed, nothing changed ({exc})") from None
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return keys.counts

    # -- accounts, sign-in throttling and the append-only audit log (ewarning.auth) --------------------------
    def _create_account_tables(self, con: sqlite3.Connection) -> None:
        """Create the account tables and the audit log's append-only guards when missing (once per store).

        The account tables are plain SQLite tables, not listed in ``gpkg_contents``: no GIS, store read or
        export lists them. A store file that cannot be written (read-only) is left as it is.
        """
        have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
        if all(name in have for name in [*ACCOUNT_SCHEMAS, *_AUDIT_GUARDS]):
            return
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
                return
            raise
        try:
            for schema in ACCOUNT_SCHEMAS.values():
                cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
                cols += [f'"{c}" {_SQL_TYPES[t]}' for c, t in schema.columns.items()]
                con.execute(f'CREATE TABLE IF NOT EXISTS "{schema.name}" ({", ".join(cols)})')
                if schema.key:
                    key = ", ".join(f'"{k}"' for k in schema.key)
                    con.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{schema.name}_key" ON "{schema.name}" ({key})')
            con.execute('CREATE INDEX IF NOT EXISTS "sign_in_failures_name" ON "sign_in_failures" (name_key, at)')
            for name, event in _AUDIT_GUARDS.items():
                con.execute(f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {event} ON "audit" BEGIN '
                            "SELECT RAISE(ABORT, 'the audit log is append-only: entries are never changed "
                            "or deleted'); END")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def add_user(self, name: str, role: str, password_hash: str, created_by: str, at: pd.Timestamp,
                 first_only: bool = False) -> None:
        """Add an account; :class:`StoreError` when the name is taken.

        ``first_only``: add it only if the store has no account yet (checked under the write lock, so two
        first users cannot both be added). The caller checks the role and hashes the password
        (:func:`ewarning.auth.accounts.add_user`); the store keeps what it is given.
        """
        created_by = acting_user(created_by, f"adding the user {name!r}")
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                if first_only and con.execute('SELECT count(*) FROM "users"').fetchone()[0]:
                    raise StoreError("this store already has users: a supervisor must add new ones")
                con.execute('INSERT INTO "users" (name, role, password_hash, created_at, created_by, disabled_at) '
                            "VALUES (?, ?, ?, ?, ?, NULL)", (name, role, password_hash, _time_text(at), created_by))
                con.execute("COMMIT")
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise StoreError(f"a user named {name!r} already exists") from None
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def get_user(self, name: str) -> dict | None:
        """One account as a dict (``name, role, password_hash, created_at, created_by, disabled_at``), or None."""
        with closing(self._connect()) as con:
            row = con.execute('SELECT name, role, password_hash, created_at, created_by, disabled_at FROM "users" '
                              "WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        keys = ("name", "role", "password_hash", "created_at", "created_by", "disabled_at")
        out = dict(zip(keys, row))
        for key in ("created_at", "disabled_at"):
            out[key] = None if out[key] is None else pd.Timestamp(out[key])
        return out

    def list_users(self) -> pd.DataFrame:
        """Every account (``name, role, created_at, created_by, disabled_at``), by name; never the hashes."""
        with closing(self._connect()) as con:
            rows = con.execute('SELECT name, role, created_at, created_by, disabled_at FROM "users" '
                               "ORDER BY name").fetchall()
        frame = pd.DataFrame(rows, columns=["name", "role", "created_at", "created_by", "disabled_at"])
        for column in ("created_at", "disabled_at"):
            frame[column] = _from_sql(frame[column].tolist(), "datetime")
        return frame

    def set_password(self, name: str, password_hash: str) -> None:
        """Replace an account's password hash; :class:`KeyError` when there is no such account."""
        with closing(self._connect()) as con:
            cur = con.execute('UPDATE "users" SET password_hash = ? WHERE name = ?', (password_hash, name))
        if cur.rowcount != 1:
            raise KeyError(f"no user named {name!r}")

    def disable_user(self, name: str, at: pd.Timestamp) -> None:
        """Mark an account disabled from ``at`` (kept, never deleted: the audit log names it); :class:`KeyError`
        when there is no such account. Disabling a disabled account keeps its first date."""
        with closing(self._connect()) as con:
            cur = con.execute('UPDATE "users" SET disabled_at = coalesce(disabled_at, ?) WHERE name = ?',
                              (_time_text(at), name))
        if cur.rowcount != 1:
            raise KeyError(f"no user named {name!r}")

    def record_sign_in_failure(self, name_key: str, at: pd.Timestamp) -> None:
        """Append one failed sign-in for ``name_key`` (kept across restarts)."""
        with closing(self._connect()) as con:
            con.execute('INSERT INTO "sign_in_failures" (name_key, at) VALUES (?, ?)', (name_key, _time_text(at)))

    def sign_in_failures(self, name_key: str, since: pd.Timestamp) -> list[pd.Timestamp]:
        """Times of the failed sign-ins for ``name_key`` at or after ``since``, oldest first."""
        with closing(self._connect()) as con:
            rows = con.execute('SELECT at FROM "sign_in_failures" WHERE name_key = ? AND at >= ? ORDER BY at',
                               (name_key, _time_text(since))).fetchall()
        return [pd.Timestamp(r[0]) for r in rows]

    def clear_sign_in_failures(self, name_key: str) -> None:
        """Forget the failed sign-ins for ``name_key`` (after a successful sign-in)."""
        with closing(self._connect()) as con:
            con.execute('DELETE FROM "sign_in_failures" WHERE name_key = ?', (name_key,))

    def audit_log(self, since: pd.Timestamp | None = None, user: str | None = None, action: str | None = None,
                  text: str | None = None) -> pd.DataFrame:
        """Audit entries, newest first, filtered in SQL: at or after ``since``, by exactly ``user``, by
        ``action`` (exact), and containing ``text`` (case-insensitive, in the action or the detail).

        This is the store's read; supervisors reach it through :func:`ewarning.auth.audit.view_audit_log`,
        which checks the role and records the viewing.
        """
        where, params = audit_where(since, user, action, text, mark="?", like="LIKE")   # SQLite: LIKE ignores case
        with closing(self._connect()) as con:
            rows = con.execute(f'SELECT fid, at, user, action, detail FROM "audit" {where}ORDER BY fid DESC',
                               params).fetchall()
        return audit_frame(rows)


#: Triggers that make the audit table append-only (SQLite refuses any UPDATE or DELETE of its rows).
_AUDIT_GUARDS = {"audit_no_update": "UPDATE", "audit_no_delete": "DELETE"}


def _check_still_new(con: sqlite3.Connection, layers: dict, log: dict) -> None:
    """Under the write lock: the file was not stored by another import meanwhile, nor any of its keys."""
    digest = log.get("sha256")
    if digest and con.execute('SELECT 1 FROM "imports" WHERE sha256 = ? LIMIT 1', (digest,)).fetchone():
        raise ImportRaced(f"{log.get('source')}: this file was stored by another import meanwhile")
    for layer, frame in layers.items():
        key = LAYER_SCHEMAS[layer].key
        if len(frame) and len(key) == 1:
            values = [str(v) for v in frame[key[0]].tolist()]
            taken = 0
            for i in range(0, len(values), 500):   # SQLite's limit on parameters per statement
                chunk = values[i:i + 500]
                taken += con.execute(f'SELECT count(*) FROM "{layer}" WHERE "{key[0]}" IN '
                                     f'({", ".join("?" * len(chunk))})', chunk).fetchone()[0]
            if taken:
                raise ImportRaced(f"{log.get('source')}: {taken} {layer} row(s) were stored by another import "
                                  "meanwhile")


def _audit(con: sqlite3.Connection, user: str, action: str, detail: str, at: str | None = None) -> None:
    """Append one audit entry on ``con`` (inside the caller's transaction when it has one)."""
    con.execute('INSERT INTO "audit" (at, user, action, detail) VALUES (?, ?, ?, ?)',
                (at or _time_text(pd.Timestamp.now(tz="UTC")), user, action, detail))


def _to_gpkg_blobs(geoms: np.ndarray) -> list:
    wkb = shapely.to_wkb(geoms, byte_order=1, output_dimension=2)
    return [None if w is None else _GEOM_HEADER + w for w in wkb]

