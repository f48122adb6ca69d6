"""The store: where validated layers, quarantine and logs are kept.

:class:`Store` is the interface; :class:`~ewarning.store.geopackage.GeoPackageStore`
(an embedded GeoPackage file, opens in QGIS) and
:class:`~ewarning.store.postgis.PostGISStore` (a JOC server for many
analysts) implement it; one contract suite runs against both.

Examples
--------
>>> import tempfile, os
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "joc.gpkg"))
>>> store.read("alerts").empty
True
"""

from __future__ import annotations

from typing import Protocol

import geopandas as gpd
import pandas as pd

from ..config import default_read_url, default_store
from .errors import EditConflict, ImportRaced, StoreError, acting_user
from .schema import LAYER_SCHEMAS, TABLES, UNTIL_RULES


class Store(Protocol):
    """What every storage backend provides.

    Writes take the acting user as an argument and refuse a write without one
    (:class:`ValueError`); a backend never reads it from the environment.
    Errors are :class:`StoreError` and :class:`EditConflict`
    (:mod:`ewarning.store.errors`), whatever the backend.
    """

    location: str

    def read(self, layer: str, until: pd.Timestamp | None = None,
             bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
        """A domain layer (GeoDataFrame) or a log table (DataFrame).

        For the four layers, ``until`` keeps the rows the as-of view at that
        time can use (:data:`UNTIL_RULES`: alerts reported strictly before
        it, sites opened by it or of unknown opening, presence periods begun
        by it, patrols started strictly before it) and ``bbox`` (``min_lon,
        min_lat, max_lon, max_lat``) the features whose point lies in the
        box, edges included (lines: whose envelope intersects it). Both are
        meant to be filtered in the database where the backend can; the
        result equals filtering the full read. Given for a log table:
        :class:`ValueError`.
        """

    def existing_keys(self, layer: str) -> set[str]:
        """Natural keys already stored in a layer (to refuse re-imports)."""

    def write_import(self, layers: dict[str, gpd.GeoDataFrame], quarantine: pd.DataFrame, log: dict) -> int:
        """Store one file's rows, its quarantine and its log entry atomically; return the import id.

        ``log["user"]`` (who imported) is required."""

    def alerts_between(self, start: pd.Timestamp, end: pd.Timestamp) -> gpd.GeoDataFrame:
        """Alerts whose occurrence (else report) time lies in [start, end]."""

    def record(self, action: str, detail: str, user: str) -> None:
        """Append to the audit log (who saw or exported what); ``user`` is required."""

    def counts(self) -> dict[str, int]:
        """Rows per table (layers and logs)."""

    def get_setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...

    def state_token(self) -> str:
        """Changes whenever stored data changes; a cache key for pages."""

    def alert_versions(self) -> pd.DataFrame:
        """Latest triage version of every edited alert (``alert_id, version, user, at``)."""

    def apply_alert_edit(self, row: gpd.GeoDataFrame, based_on: int, action: str, changes: str, note: str,
                         user: str, at: pd.Timestamp | None = None) -> int:
        """Write one alert's edited row unless it changed since version ``based_on``
        (then raise :class:`EditConflict`); return the new version."""

    # -- accounts, sign-in failures and the audit log (ewarning.auth); a server backend keeps them too --------
    def add_user(self, name: str, role: str, password_hash: str, created_by: str, at: pd.Timestamp,
                 first_only: bool = False) -> None:
        """Add an account (its password as a hash only); ``first_only``: refused unless the store has none."""

    def get_user(self, name: str) -> dict | None:
        """One account (hash included, for checking a password), or None."""

    def list_users(self) -> pd.DataFrame:
        """Every account, without hashes."""

    def set_password(self, name: str, password_hash: str) -> None: ...

    def disable_user(self, name: str, at: pd.Timestamp) -> None: ...

    def record_sign_in_failure(self, name_key: str, at: pd.Timestamp) -> None: ...

    def sign_in_failures(self, name_key: str, since: pd.Timestamp) -> list[pd.Timestamp]: ...

    def clear_sign_in_failures(self, name_key: str) -> None: ...

    def audit_log(self, since: pd.Timestamp | None = None, user: str | None = None, action: str | None = None,
                  text: str | None = None) -> pd.DataFrame:
        """The audit log filtered, newest first (read through :func:`ewarning.auth.audit.view_audit_log`)."""

    def rekey_reporters(self, rekey, user: str, action: str = "secret:rotate") -> dict[str, int]:
        """Replace every reporter key by ``rekey(old)`` in one transaction, audited (:mod:`ewarning.rotation`)."""


def open_store(location: str | None = None, read_url: str | None = None) -> Store:
    """Open (creating if needed) the store at ``location``.

    ``None`` means :func:`ewarning.config.default_store`. A path opens a
    GeoPackage; a ``postgresql://`` URL the PostGIS store of a JOC server
    (:class:`~ewarning.store.postgis.PostGISStore`), whose layer reads go to
    ``read_url`` (a streaming-replication standby) when one is given, else to
    ``$EWARNING_STORE_READ_URL`` when set.
    """
    location = str(location or default_store())
    if location.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from .postgis import PostGISStore, unmasked

        url = "postgresql://" + unmasked(location).split("://", 1)[1]
        return PostGISStore(url, read_url=read_url or default_read_url())
    if read_url:
        raise ValueError("a read replica applies to a PostGIS store (postgresql://...), not to a GeoPackage file")
    from .geopackage import GeoPackageStore

    return GeoPackageStore(location)


__all__ = ["LAYER_SCHEMAS", "TABLES", "UNTIL_RULES", "EditConflict", "ImportRaced", "Store", "StoreError", "acting_user",
           "open_store"]
