"""The JOC server store: PostgreSQL with PostGIS, for many analysts and field offices at once.

Chosen by a ``postgresql://`` URL (:func:`ewarning.store.open_store`); the
same interface and behaviour as the GeoPackage store, proven by one contract
suite run against both (``tests/test_store_contract.py``). What the server
adds:

* **transactions that lose nothing**: one file's rows, quarantine, import-log
  and audit entries commit together or not at all; imports are serialised by
  an advisory lock held inside the transaction, under which the store checks
  again that the file and its keys are new (:class:`ImportRaced` otherwise,
  which the import pipeline answers by checking the file again), so two
  analysts importing the same file at once store it once;
* **triage with a version check** under a row lock on the alert: an edit
  based on an old version is an :class:`EditConflict`, never a silent
  overwrite; its audit entry is in the same transaction;
* **reads in the database**: ``until=`` and ``bbox=`` become ``WHERE`` clauses
  on B-tree and GiST indexes;
* **a read replica** (``read_url``): layer reads and the cache key go to a
  streaming-replication standby; everything a write depends on (versions,
  keys, accounts, settings) is read on the primary.

Every statement is parameterised; identifiers come only from
:mod:`ewarning.store.schema`. Values go through :mod:`ewarning.store.values`,
as in the GeoPackage store, so a layer reads back with the same types and
seconds whichever backend holds it.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import migrations
from .errors import EditConflict, ImportRaced, StoreError, acting_user
from .schema import LAYER_SCHEMAS, LOG_SCHEMAS, TABLES, UNTIL_RULES, TableSchema
from .rekeying import PLACES as REKEYED_PLACES, Rekeying
from .values import audit_frame, audit_where, check_bbox, from_sql, time_text, to_sql, utc

__all__ = ["ImportRaced", "PostGISStore"]

#: pg_advisory_xact_lock key serialising imports and re-keying ("ewim").
_IMPORT_LOCK = 0x6577696D
#: The URLs opened in this process by their masked spelling (``Store.location``): pages and caches pass the
#: location on, and a URL with a password must reopen without the password ever being shown.
_OPENED: dict[str, str] = {}


def unmasked(location: str) -> str:
    """The URL behind a masked ``location`` opened in this process (else ``location`` itself)."""
    return _OPENED.get(location, location)


def _masked(url: str) -> str:
    """The URL without its password (shown on pages and in messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=netloc[0].split(":", 1)[0] + ":***@" + netloc[1]))


def _ident(name: str) -> str:
    """A quoted identifier from the schema (never from input: checked against it)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a schema identifier: {name!r}")
    return f'"{name}"'


def _iso(column: str) -> str:
    """A timestamptz column as the GeoPackage's ISO text (so both backends parse the same spelling)."""
    return f"""to_char({_ident(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


def _select_list(schema: TableSchema) -> str:
    cols = ["fid"] + (["ST_AsBinary(geom)"] if schema.geometry else [])
    for name, kind in schema.columns.items():
        if kind == "datetime":   # the GeoPackage's own spelling, so both backends parse the same text
            cols.append(_iso(name))
        else:
            cols.append(_ident(name))
    return ", ".join(cols)


class PostGISStore:
    """A PostgreSQL/PostGIS database holding the four layers, the logs and the accounts.

    Parameters
    ----------
    url : str
        ``postgresql://user[:password]@host:port/database``. The database
        must exist and have (or let this user create) the PostGIS extension;
        missing tables are made by the Alembic migrations
        (:mod:`ewarning.store.migrations`) on first open.
    read_url : str, optional
        A read replica for layer reads and the cache key.

    Examples
    --------
    >>> store = PostGISStore("postgresql://ewarning@127.0.0.1:5432/joc")     # doctest: +SKIP
    >>> store.read("alerts", until="2018-11-15").shape                         # doctest: +SKIP
    """

    def __init__(self, url: str, read_url: str | None = None):
        try:
            import psycopg
        except ImportError:   # pragma: no cover - requirements.txt installs it
            raise StoreError("the PostGIS store needs psycopg: pip install -r requirements.txt") from None
        self._psycopg = psycopg
        self.url, self.read_url = url, read_url
        self.location = _masked(url)
        _OPENED[self.location] = url
        self._local = threading.local()
        self._migrate()

    # -- connections -------------------------------------------------------------------------------------
    def _connection(self, replica: bool = False):
        """This thread's connection (to the replica for layer reads when one is given), opened on first use."""
        which = "replica" if replica and self.read_url else "primary"
        con = getattr(self._local, which, None)
        if con is None or con.closed or con.broken:
            url = self.read_url if which == "replica" else self.url
            try:
                con = self._psycopg.connect(url, autocommit=True, connect_timeout=15,
                                            options="-c TimeZone=UTC -c statement_timeout=600000")
            except self._psycopg.OperationalError as exc:
                raise StoreError(f"{_masked(url)}: cannot connect to the store ({_first_line(exc)})") from None
            setattr(self._local, which, con)
        return con

    @contextmanager
    def _transaction(self, what: str):
        """One transaction on the primary; a database error becomes a :class:`StoreError` naming ``what``."""
        con = self._connection()
        try:
            with con.transaction():
                yield con
        except self._psycopg.errors.RaiseException as exc:   # the audit guard's own words
            raise StoreError(f"{what}: {_first_line(exc)}") from None
        except self._psycopg.Error as exc:
            raise StoreError(f"{what}, nothing written ({_first_line(exc)})") from None

    def _query(self, sql: str, params=(), replica: bool = False) -> list[tuple]:
        try:
            return self._connection(replica).execute(sql, params).fetchall()
        except self._psycopg.Error as exc:
            raise StoreError(f"{self.location}: read failed ({_first_line(exc)})") from None

    def _migrate(self) -> None:
        try:
            row = self._connection().execute(
                "SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
            version = (self._connection().execute("SELECT version_num FROM alembic_version").fetchone()
                       if row[0] else None)
        except self._psycopg.Error as exc:
            raise StoreError(f"{self.location}: cannot open store ({_first_line(exc)})") from None
        if version is not None and version[0] == migrations.HEAD:
            return
        try:
            migrations.upgrade(self.url)
        except Exception as exc:  # noqa: BLE001 - a migration failure is the store's error, in words
            raise StoreError(f"{self.location}: cannot prepare the store's tables ({_first_line(exc)})") from None

    def close(self) -> None:
        for which in ("primary", "replica"):
            con = getattr(self._local, which, None)
            if con is not None:
                con.close()
                setattr(self._local, which, None)

    # -- reading -----------------------------------------------------------------------------------------
    def read(self, layer: str, until: pd.Timestamp | None = None,
             bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
        """A layer (GeoDataFrame, EPSG:4326) or a log table (DataFrame); ``until`` and ``bbox`` filtered in SQL.

        ``until`` keeps the rows :data:`ewarning.store.UNTIL_RULES` names
        (``reported_at < until`` on the ``alerts_reported_at`` index...);
        ``bbox`` keeps the features whose envelope meets the box, edges
        included (``geom && ST_MakeEnvelope``, on the GiST index).
        """
        schema = TABLES.get(layer)
        if schema is None:
            raise KeyError(f"unknown layer {layer!r}; expected one of {', '.join(TABLES)}")
        if (until is not None or bbox is not None) and layer not in LAYER_SCHEMAS:
            raise ValueError(f"until= and bbox= apply to the four layers ({', '.join(LAYER_SCHEMAS)}), not {layer!r}")
        box = check_bbox(bbox)
        tests, params = [], []
        if until is not None:
            column, strict = UNTIL_RULES[layer]
            when = utc(until)
            bound = time_text(when.ceil("s") if strict else when.floor("s"))
            test = f"{_ident(column)} {'<' if strict else '<='} %s"
            tests.append(f"({_ident(column)} IS NULL OR {test})" if layer == "sites" else test)
            params.append(bound)
        if box is not None:
            tests.append("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
            params += list(box)
        where = f" WHERE {' AND '.join(tests)}" if tests else ""
        return self._frame(layer, where, tuple(params), replica=layer in LAYER_SCHEMAS)

    def _frame(self, layer: str, where: str = "", params: tuple = (), replica: bool = False):
        schema = TABLES[layer]
        names = list(schema.columns)
        rows = self._query(f"SELECT {_select_list(schema)} FROM {_ident(layer)}{where} ORDER BY fid", params,
                           replica=replica)
        offset = 2 if schema.geometry else 1
        columns = list(zip(*rows)) if rows else [()] * (offset + len(names))
        frame = pd.DataFrame({c: from_sql(columns[i + offset], schema.columns[c]) for i, c in enumerate(names)})
        if layer in ("imports", "quarantine", "audit"):
            frame.insert(0, "fid", pd.Series(columns[0], dtype="int64"))
        if not schema.geometry:
            return frame
        wkb = np.array([None if b is None else bytes(b) for b in columns[1]], dtype=object)
        geometry = shapely.from_wkb(wkb, on_invalid="ignore") if len(wkb) else np.array([], dtype=object)
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")

    def alerts_between(self, start: pd.Timestamp, end: pd.Timestamp) -> gpd.GeoDataFrame:
        return self._frame("alerts", ' WHERE coalesce("occurred_at", "reported_at") BETWEEN %s AND %s',
                           (time_text(start), time_text(end)), replica=True)

    def existing_keys(self, layer: str) -> set[str]:
        schema = LAYER_SCHEMAS[layer]
        parts = [f"""to_char({_ident(k)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')""" if schema.columns[k] == "datetime"
                 else _ident(k) for k in schema.key]
        joined = " || '|' || ".join(parts)
        return {r[0] for r in self._query(f"SELECT {joined} FROM {_ident(layer)}")}

    def counts(self) -> dict[str, int]:
        return {name: self._query(f"SELECT count(*) FROM {_ident(name)}")[0][0] for name in TABLES}

    def state_token(self) -> str:
        """Changes whenever a layer changes: each write to a layer, triage edits included, counts one more."""
        rows = self._query("SELECT layer, changes FROM layer_state ORDER BY layer", replica=True)
        return self.location + "|" + "|".join(f"{layer}:{n}" for layer, n in rows)

    def get_setting(self, key: str) -> str | None:
        rows = self._query('SELECT "value" FROM settings WHERE "key" = %s', (key,))
        return rows[0][0] if rows else None

    def alert_versions(self) -> pd.DataFrame:
        rows = self._query(
            f"""SELECT DISTINCT ON ("alert_id") "alert_id", "version", "user", {_iso("at")}
               FROM alert_edits ORDER BY "alert_id", "version" DESC""")
        frame = pd.DataFrame(rows, columns=["alert_id", "version", "user", "at"])
        frame["version"] = frame["version"].astype("int64")
        frame["at"] = pd.to_datetime(frame["at"], format="ISO8601", utc=True)
        return frame

    # -- writing -----------------------------------------------------------------------------------------
    def set_setting(self, key: str, value: str) -> None:
        with self._transaction(f"setting {key!r} not saved") as con:
            con.execute('INSERT INTO settings ("key", "value") VALUES (%s, %s) '
                        'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"', (key, value))

    def record(self, action: str, detail: str, user: str) -> None:
        user = acting_user(user, f"the audit entry {action!r}")
        with self._transaction("audit entry not recorded") as con:
            _audit(con, user, action, detail)

    def write_import(self, layers: dict[str, gpd.GeoDataFrame], quarantine: pd.DataFrame, log: dict) -> int:
        """Write one file's rows, quarantine, log entry and audit entry in one transaction; return the import id.

        Raises
        ------
        ImportRaced
            Another import stored this file (same digest) or some of these
            keys meanwhile; nothing is written and the caller checks again.
        StoreError
            Any other failure; nothing of the file is stored.
        ValueError
            ``log`` names no ``user``.
        """
        log = {**log, "user": acting_user(log.get("user"), "an import (log['user'])")}
        con = self._connection()
        try:
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", (_IMPORT_LOCK,))
                self._check_still_new(con, layers, log)
                log_row = pd.DataFrame([{c: log.get(c) for c in LOG_SCHEMAS["imports"].columns}])
                import_id = self._insert_returning_id(con, "imports", log_row)
                for layer, frame in layers.items():
                    if len(frame):
                        self._copy(con, layer, frame.assign(import_id=import_id), frame.geometry)
                        _touch(con, layer)
                if len(quarantine):
                    self._copy(con, "quarantine", quarantine.assign(import_id=import_id), None)
                _audit(con, log["user"], "import",
                       f"import #{import_id}: {log.get('source')}: {int(log.get('n_stored') or 0):,} stored, "
                       f"{int(log.get('n_quarantined') or 0):,} quarantined")
        except ImportRaced:
            raise
        except self._psycopg.errors.UniqueViolation as exc:
            raise ImportRaced(f"import not stored, nothing written: {_first_line(exc)}") from None
        except self._psycopg.Error as exc:
            raise StoreError(f"import not stored, nothing written ({_first_line(exc)})") from None
        return import_id

    def _check_still_new(self, con, layers: dict, log: dict) -> None:
        """Under the import lock: the file was not stored meanwhile, nor any of its keys."""
        digest = log.get("sha256")
        if digest and con.execute('SELECT 1 FROM imports WHERE "sha256" = %s LIMIT 1', (digest,)).fetchone():
            raise ImportRaced(f"{log.get('source')}: this file was stored by another import meanwhile")
        for layer, frame in layers.items():
            key = LAYER_SCHEMAS[layer].key
            if len(frame) and len(key) == 1:
                values = [str(v) for v in frame[key[0]].tolist()]
                taken = con.execute(f"SELECT count(*) FROM {_ident(layer)} WHERE {_ident(key[0])} = ANY(%s)",
                                    (values,)).fetchone()[0]
                if taken:
                    raise ImportRaced(f"{log.get('source')}: {taken} {layer} row(s) were stored by another import "
                                      "meanwhile")

    def _insert_returning_id(self, con, table: str, frame: pd.DataFrame) -> int:
        schema = TABLES[table]
        names = list(schema.columns)
        values = [to_sql(frame[c], schema.columns[c]) if c in frame.columns else [None] for c in names]
        marks = ", ".join(["%s"] * len(names))
        cols = ", ".join(_ident(c) for c in names)
        return con.execute(f"INSERT INTO {_ident(table)} ({cols}) VALUES ({marks}) RETURNING fid",
                           [v[0] for v in values]).fetchone()[0]

    def _copy(self, con, table: str, frame: pd.DataFrame, geometry) -> None:
        """Append rows with COPY (text format; geometries as hex EWKB, which PostGIS reads as input)."""
        schema = TABLES[table]
        names = list(schema.columns)
        values = [to_sql(frame[c], schema.columns[c]) if c in frame.columns else [None] * len(frame) for c in names]
        cols = [_ident(c) for c in names]
        if geometry is not None:
            geoms = shapely.set_srid(np.asarray(geometry, dtype=object), 4326)
            values.insert(0, list(shapely.to_wkb(geoms, hex=True, include_srid=True, output_dimension=2)))
            cols.insert(0, "geom")
        with con.cursor().copy(f"COPY {_ident(table)} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in zip(*values):
                copy.write_row(row)

    def apply_alert_edit(self, row: gpd.GeoDataFrame, based_on: int, action: str, changes: str, note: str,
                         user: str, at: pd.Timestamp | None = None) -> int:
        """Write one alert's edited row unless it changed since version ``based_on`` (:class:`EditConflict`).

        The alert's row is locked first (``SELECT ... FOR UPDATE``), so two
        analysts' edits of one alert are checked one after the other.
        """
        schema = LAYER_SCHEMAS["alerts"]
        if len(row) != 1:
            raise ValueError("apply_alert_edit takes exactly one alert row")
        alert_id = str(row["id"].iloc[0])
        user = acting_user(user, f"the triage edit {action!r}")
        when = time_text(at if at is not None else pd.Timestamp.now(tz="UTC"))
        names = [c for c in schema.columns if c != "id" and c in row.columns]
        values = [to_sql(row[c], schema.columns[c])[0] for c in names]
        geom = shapely.to_wkb(shapely.set_srid(np.asarray(row.geometry, dtype=object), 4326), hex=True,
                              include_srid=True, output_dimension=2)[0]
        sets = ", ".join(["geom = %s::geometry"] + [f"{_ident(c)} = %s" for c in names])
        con = self._connection()
        try:
            with con.transaction():
                if con.execute('SELECT fid FROM alerts WHERE "id" = %s FOR UPDATE', (alert_id,)).fetchone() is None:
                    raise KeyError(f"alert {alert_id} is not in the store")
                last = con.execute(
                    f"""SELECT "version", "user", {_iso("at")}
                       FROM alert_edits WHERE "alert_id" = %s ORDER BY "version" DESC LIMIT 1""",
                    (alert_id,)).fetchone()
                current = int(last[0]) if last else 0
                if current != int(based_on):
                    raise EditConflict(alert_id, last[1] if last else None, last[2] if last else None,
                                       current, int(based_on))
                con.execute(f'UPDATE alerts SET {sets} WHERE "id" = %s', [geom, *values, alert_id])
                con.execute('INSERT INTO alert_edits ("alert_id", "version", "at", "user", "action", "changes", '
                            '"note") VALUES (%s, %s, %s, %s, %s, %s, %s)',
                            (alert_id, current + 1, when, user, action, changes, note))
                _touch(con, "alerts")
                _audit(con, user, f"triage:{action}", f"alert {alert_id} v{current + 1}: {changes}"
                       + (f"; note: {note}" if note else ""), at=when)
        except self._psycopg.Error as exc:
            raise StoreError(f"triage edit of alert {alert_id} not saved ({_first_line(exc)})") from None
        return current + 1

    def rekey_reporters(self, rekey, user: str, action: str = "secret:rotate") -> dict[str, int]:
        """Replace every reporter key by ``rekey(old)`` in one transaction, audited (see the GeoPackage store)."""
        user = acting_user(user, f"the audit entry {action!r}")
        keys = Rekeying(rekey)
        with self._transaction("reporter keys not re-keyed") as con:
            con.execute("SELECT pg_advisory_xact_lock(%s)", (_IMPORT_LOCK,))
            for table, columns in REKEYED_PLACES:
                con.execute(f"LOCK TABLE {_ident(table)} IN EXCLUSIVE MODE")
                cols = ", ".join(_ident(c) for c in columns)
                sets = ", ".join(f"{_ident(c)} = %s" for c in columns)
                for fid, *values in con.execute(f"SELECT fid, {cols} FROM {_ident(table)}").fetchall():
                    changed = keys.row(values)
                    if changed != values:
                        con.execute(f"UPDATE {_ident(table)} SET {sets} WHERE fid = %s", (*changed, fid))
                        keys.changed(table)
            if keys.counts["alerts"]:
                _touch(con, "alerts")
            keys.audit_mentions(detail for (detail,) in con.execute('SELECT "detail" FROM audit').fetchall())
            _audit(con, user, action, keys.summary())
        return keys.counts

    # -- accounts, sign-in throttling and the append-only audit log -----------------------------------------
    def add_user(self, name: str, role: str, password_hash: str, created_by: str, at: pd.Timestamp,
                 first_only: bool = False) -> None:
        """Add an account; :class:`StoreError` when the name is taken (``first_only``: only into a store
        without accounts, checked under a table lock so two first users cannot both be added)."""
        created_by = acting_user(created_by, f"adding the user {name!r}")
        con = self._connection()
        try:
            with con.transaction():
                con.execute("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                if first_only and con.execute("SELECT count(*) FROM users").fetchone()[0]:
                    raise StoreError("this store already has users: a supervisor must add new ones")
                con.execute('INSERT INTO users ("name", "role", "password_hash", "created_at", "created_by", '
                            '"disabled_at") VALUES (%s, %s, %s, %s, %s, NULL)',
                            (name, role, password_hash, time_text(at), created_by))
        except self._psycopg.errors.UniqueViolation:
            raise StoreError(f"a user named {name!r} already exists") from None
        except self._psycopg.Error as exc:
            raise StoreError(f"user {name!r} not added ({_first_line(exc)})") from None

    def get_user(self, name: str) -> dict | None:
        rows = self._query(
            """SELECT "name", "role", "password_hash", "created_at", "created_by", "disabled_at"
               FROM users WHERE "name" = %s""", (name,))
        if not rows:
            return None
        out = dict(zip(("name", "role", "password_hash", "created_at", "created_by", "disabled_at"), rows[0]))
        for key in ("created_at", "disabled_at"):
            out[key] = None if out[key] is None else pd.Timestamp(out[key]).tz_convert("UTC")
        return out

    def list_users(self) -> pd.DataFrame:
        rows = self._query(
            f"""SELECT "name", "role", {_iso("created_at")}, "created_by", {_iso("disabled_at")}
               FROM users ORDER BY "name" COLLATE "C" """)
        frame = pd.DataFrame(rows, columns=["name", "role", "created_at", "created_by", "disabled_at"])
        for column in ("created_at", "disabled_at"):
            frame[column] = from_sql(frame[column].tolist(), "datetime")
        return frame

    def set_password(self, name: str, password_hash: str) -> None:
        with self._transaction("password not changed") as con:
            n = con.execute('UPDATE users SET "password_hash" = %s WHERE "name" = %s', (password_hash, name)).rowcount
        if n != 1:
            raise KeyError(f"no user named {name!r}")

    def disable_user(self, name: str, at: pd.Timestamp) -> None:
        with self._transaction("account not disabled") as con:
            n = con.execute('UPDATE users SET "disabled_at" = coalesce("disabled_at", %s) WHERE "name" = %s',
                            (time_text(at), name)).rowcount
        if n != 1:
            raise KeyError(f"no user named {name!r}")

    def record_sign_in_failure(self, name_key: str, at: pd.Timestamp) -> None:
        with self._transaction("sign-in failure not recorded") as con:
            con.execute('INSERT INTO sign_in_failures ("name_key", "at") VALUES (%s, %s)', (name_key, time_text(at)))

    def sign_in_failures(self, name_key: str, since: pd.Timestamp) -> list[pd.Timestamp]:
        rows = self._query('SELECT "at" FROM sign_in_failures WHERE "name_key" = %s AND "at" >= %s ORDER BY "at"',
                           (name_key, time_text(since)))
        return [pd.Timestamp(r[0]).tz_convert("UTC") for r in rows]

    def clear_sign_in_failures(self, name_key: str) -> None:
        with self._transaction("sign-in failures not cleared") as con:
            con.execute('DELETE FROM sign_in_failures WHERE "name_key" = %s', (name_key,))

    def audit_log(self, since: pd.Timestamp | None = None, user: str | None = None, action: str | None = None,
                  text: str | None = None) -> pd.DataFrame:
        """Audit entries, newest first, filtered in SQL (as the GeoPackage store's ``audit_log``)."""
        where, params = audit_where(since, user, action, text, mark="%s", like="ILIKE")
        rows = self._query(f'SELECT fid, {_iso("at")}, "user", "action", "detail" FROM audit {where}ORDER BY fid DESC',
                           params)
        return audit_frame(rows)


def _audit(con, user: str, action: str, detail: str, at: str | None = None) -> None:
    """Append one audit entry inside the caller's transaction."""
    con.execute('INSERT INTO audit ("at", "user", "action", "detail") VALUES (%s, %s, %s, %s)',
                (at or time_text(pd.Timestamp.now(tz="UTC")), user, action, detail))


def _touch(con, layer: str) -> None:
    con.execute("UPDATE layer_state SET changes = changes + 1, last_change = now() WHERE layer = %s", (layer,))


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
