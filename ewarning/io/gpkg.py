"""GeoPackage read with the standard library's sqlite3, never through GDAL.

A GeoPackage is an SQLite database with a few tables of contents (OGC
12-128r18). Opening an uploaded one with GDAL would let GDAL choose a driver
from the content, and a GDAL virtual file saved as ``x.gpkg`` would make it
read other files or URLs. Here the file is opened only when its bytes prove
it is a GeoPackage, and only in ways that cannot run anything from it:

- The file must start with ``SQLite format 3\\0`` and carry the GeoPackage
  application id (``GPKG``, or ``GP10``/``GP11`` of GeoPackage 1.0/1.1) at
  byte 68.
- It is opened read-only and immutable (no journal, no locks, nothing
  written), with ``trusted_schema`` off, no attached databases, values no
  longer than the file itself, and an authorizer that lets a statement read
  tables and nothing else (no functions, so not even a generated column can
  compute).
- Data tables come from ``gpkg_contents`` but only names that are real
  tables in ``sqlite_master`` are read: views and virtual tables are never
  queried (a view or trigger is SQL the file's author wrote), nor are the
  project store's own bookkeeping tables (quarantine, imports, audit...).
- Table and column names come from the file; they are checked (printable,
  bounded length) and quoted with doubled quotes.
- Geometry blobs (``GP`` header, version, flags giving the envelope size,
  then WKB) are decoded by :func:`decode_gpkg_blobs`; a blob that cannot be
  decoded sets its row aside with the reason instead of failing the file.
- Coordinates in another system (``srs_id`` and ``gpkg_spatial_ref_sys``)
  are reprojected to WGS 84 with pyproj.

Examples
--------
>>> import numpy as np, shapely
>>> blob = b"GP\\x00\\x01" + (4326).to_bytes(4, "little") + shapely.to_wkb(shapely.Point(20.68, 4.79))
>>> geoms, bad = decode_gpkg_blobs([blob, b"junk", None])
>>> geoms[0], geoms[2], bad
(<POINT (20.68 4.79)>, None, {1: "not GeoPackage geometry (no 'GP' header)"})
"""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely

from ..security import WITHHELD, identity_rank
from .base import ReadError
from .textfile import check_size
from .vector import SQLITE_HEADER, VectorLayer, content_kind, refusal, rejected_frame

#: Application ids (bytes 68-71) of GeoPackage 1.2 and later, 1.0 and 1.1.
APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")

#: Tables never read as data: the GeoPackage's own tables, spatial indexes and SQLite's (by prefix) ...
BOOKKEEPING_PREFIXES = ("gpkg_", "rtree_", "sqlite_")
#: ... and the project store's bookkeeping (the log tables of ``ewarning.store.schema``): a store read
#: back must not import its quarantine or audit log as layers.
STORE_BOOKKEEPING = ("quarantine", "imports", "audit", "settings", "alert_edits", "users", "sign_in_failures")

#: Bytes of the envelope after the 8-byte header, by the flags' envelope code (GeoPackage 2.1.3).
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

#: SRS ids that mean "undefined" (GeoPackage 1.2, requirement 11).
UNDEFINED_SRS = (0, -1)

#: Longest table or column name accepted from a file.
MAX_NAME = 255

_EMPTY_FLAG = 0b0001_0000
_EXTENDED_FLAG = 0b0010_0000


# -- geometry blobs ------------------------------------------------------------
class GeometryBlobError(ValueError):
    """A value in a geometry column that is not a usable GeoPackage geometry."""


def _wkb(blob) -> bytes | None:
    """The WKB inside one GeoPackage geometry blob; None for NULL or the empty geometry."""
    if blob is None:
        return None
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise GeometryBlobError(f"not a geometry blob (a {type(blob).__name__} value)")
    blob = bytes(blob)
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryBlobError("not GeoPackage geometry (no 'GP' header)")
    if blob[2] != 0:
        raise GeometryBlobError(f"GeoPackage geometry version {blob[2]} is not known")
    flags = blob[3]
    if flags & _EXTENDED_FLAG:
        raise GeometryBlobError("extended GeoPackage geometry types are not supported")
    envelope = (flags >> 1) & 0b111
    if envelope not in ENVELOPE_BYTES:
        raise GeometryBlobError(f"invalid envelope code {envelope} in the geometry header")
    if flags & _EMPTY_FLAG:
        return None
    start = 8 + ENVELOPE_BYTES[envelope]
    if len(blob) <= start:
        raise GeometryBlobError("geometry blob is cut short")
    return blob[start:]


def decode_gpkg_blobs(blobs) -> tuple[np.ndarray, dict[int, str]]:
    """GeoPackage geometry blobs to shapely, honouring any envelope (QGIS writes one).

    Parameters
    ----------
    blobs : sequence of bytes or None

    Returns
    -------
    geometries : numpy.ndarray of object
        Shapely geometries; None for NULL, for the empty geometry (flag or
        WKB) and for blobs that cannot be decoded.
    problems : dict
        Position -> reason, for the blobs that cannot be decoded.
    """
    problems: dict[int, str] = {}
    wkb: list[bytes | None] = []
    for i, blob in enumerate(blobs):
        try:
            wkb.append(_wkb(blob))
        except GeometryBlobError as exc:
            problems[i] = str(exc)
            wkb.append(None)
    wkb_array = np.empty(len(wkb), dtype=object)
    wkb_array[:] = wkb
    geoms = shapely.from_wkb(wkb_array, on_invalid="ignore") if len(wkb) else np.empty(0, dtype=object)
    geoms = np.asarray(geoms, dtype=object)
    for i in np.flatnonzero(pd.isna(geoms) & pd.notna(wkb_array)):
        try:  # decode again alone, for the reason
            shapely.from_wkb(wkb_array[i], on_invalid="raise")
            problems[int(i)] = "the geometry's WKB could not be read"
        except Exception as exc:  # noqa: BLE001 - GEOS errors vary; the message is the reason
            problems[int(i)] = f"the geometry's WKB could not be read ({exc})"
    empty = np.array([g is not None and g.is_empty for g in geoms], dtype=bool)
    geoms[empty] = None
    return geoms, problems


# -- opening ---------------------------------------------------------------------
def check_geopackage(path: Path) -> None:
    """Refuse ``path`` unless its header bytes say GeoPackage.

    Raises
    ------
    ReadError
        Naming what the file is instead.
    """
    path = Path(path)
    check_size(path)
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head.startswith(SQLITE_HEADER):
        raise ReadError(refusal(path, "a GeoPackage", content_kind(head)))
    if len(head) < 100 or head[68:72] not in APPLICATION_IDS:
        raise ReadError(f"{path.name}: refused: an SQLite database but not a GeoPackage (application id "
                        f"{head[68:72]!r}); export the layer from your GIS as GeoPackage")


def _authorizer(action, arg1, arg2, db_name, trigger):
    # Reading tables (and listing a table's columns) is all this reader ever does.
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and arg1 in ("table_xinfo", "table_info"):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _text(data: bytes) -> str:
    # Text that is not UTF-8 would make sqlite3 fail the whole table; one bad value shows as U+FFFD instead.
    return data.decode("utf-8", errors="replace")


def open_readonly(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` that can only read tables (see the module notes)."""
    path = Path(path).resolve()
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro&immutable=1"
    con = sqlite3.connect(uri, uri=True)
    con.text_factory = _text
    try:
        con.execute("PRAGMA trusted_schema = OFF")
        con.execute("PRAGMA query_only = ON")
        con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        # No value can be longer than the file: stops a generated value from filling memory.
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(path.stat().st_size, 1 << 20))
        con.set_authorizer(_authorizer)
    except BaseException:
        con.close()
        raise
    return con


def quote_identifier(name: str) -> str:
    """``name`` as an SQL identifier, after checking it is a plain name.

    >>> print(quote_identifier('my "roads" layer'))
    "my ""roads"" layer"
    """
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME or not name.isprintable():
        raise ValueError(f"unusable name {name!r}")
    return '"' + name.replace('"', '""') + '"'


# -- reading ---------------------------------------------------------------------
def read_layers(path: Path) -> list[VectorLayer]:
    """Every feature and attribute table of a GeoPackage, geometries in WGS 84.

    Raises
    ------
    ReadError
        When the file is not a GeoPackage, is damaged, or a table cannot be
        read; the message names the table and the cause.
    """
    path = Path(path)
    check_geopackage(path)
    try:
        with closing(open_readonly(path)) as con:
            return _read_all(path, con)
    except sqlite3.DatabaseError as exc:
        raise ReadError(f"{path.name}: the GeoPackage cannot be read ({exc}); is it damaged or incomplete?") from None


def _read_all(path: Path, con: sqlite3.Connection) -> list[VectorLayer]:
    tables = {}
    for name, kind, sql in con.execute("SELECT name, type, sql FROM sqlite_master"):
        virtual = str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL")
        if kind == "table" and isinstance(name, str) and not virtual:
            tables[name.lower()] = name
    if "gpkg_contents" not in tables:
        raise ReadError(f"{path.name}: a GeoPackage without its table of contents (gpkg_contents); re-export it "
                        "from your GIS")
    contents = con.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents").fetchall()
    geometry_columns = {}
    if "gpkg_geometry_columns" in tables:
        for table, column, srs_id in con.execute("SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns"):
            geometry_columns[str(table).lower()] = (column, srs_id)
    systems = {}
    if "gpkg_spatial_ref_sys" in tables:
        for srs_id, organization, code, definition in con.execute(
                "SELECT srs_id, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys"):
            systems[srs_id] = (organization, code, definition)
    layers, skipped = [], []
    for table_name, data_type, contents_srs in contents:
        name = str(table_name)
        if name.lower().startswith(BOOKKEEPING_PREFIXES) or name.lower() in STORE_BOOKKEEPING:
            continue
        data_type = str(data_type).lower()
        if data_type not in ("features", "attributes", "aspatial"):
            skipped.append(f"table {name!r} holds {data_type} (not features): skipped")
            continue
        real_name = tables.get(name.lower())
        if real_name is None:
            skipped.append(f"{name!r} is listed but is not a plain table (a view or virtual table?): not read")
            continue
        try:
            quote_identifier(real_name)
        except ValueError:
            skipped.append(f"a table name that is not plain text ({real_name!r}): skipped")
            continue
        geometry = geometry_columns.get(real_name.lower()) if data_type == "features" else None
        layers.append(_read_table(path, con, real_name, geometry, contents_srs, systems))
    if layers:
        layers[0].notes.extend(skipped)  # once per file: all a file's notes end up in one report
    else:
        detail = f" ({'; '.join(skipped)})" if skipped else ""
        raise ReadError(f"{path.name}: no data table found in the GeoPackage{detail}")
    return layers


def _read_table(path: Path, con: sqlite3.Connection, table: str, geometry, contents_srs, systems) -> VectorLayer:
    quoted = quote_identifier(table)
    where = f"{path.name}: table {table!r}"
    try:
        info = con.execute(f"PRAGMA table_xinfo({quoted})").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ReadError(f"{where} cannot be read ({exc})") from None
    # hidden = 2 is a virtual generated column: computed on read, so never read.
    columns = [(name, str(kind or "").upper(), pk) for _, name, kind, _, _, pk, hidden in info if hidden in (0, 3)]
    pk_columns = [c for c in columns if c[2]]
    fid = pk_columns[0][0] if len(pk_columns) == 1 and pk_columns[0][1] == "INTEGER" else None
    geom_name = None
    notes = []
    if geometry is not None:
        wanted = str(geometry[0]).lower()
        geom_name = next((c[0] for c in columns if c[0].lower() == wanted), None)
        if geom_name is None:
            notes.append(f"table {table!r}: its geometry column {geometry[0]!r} is missing; read without geometry")
    attributes = [c for c in columns if c[0] not in (fid, geom_name)]
    try:
        for name, _, _ in attributes:
            quote_identifier(name)
    except ValueError:
        raise ReadError(f"{where} has a column name that is not plain text; rename it in your GIS") from None
    selected = [c[0] for c in attributes] + ([geom_name] if geom_name else [])
    if not selected:
        raise ReadError(f"{where} has no columns to read")
    try:
        rows = con.execute(f"SELECT {', '.join(map(quote_identifier, selected))} FROM {quoted}").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ReadError(f"{where} cannot be read ({exc})") from None
    names = ["geometry_property" if (name.lower() == "geometry" and geom_name) else name for name, _, _ in attributes]
    if "geometry_property" in names:
        notes.append(f"table {table!r}: a column named 'geometry' was read as 'geometry_property'")
    values = list(zip(*rows)) if rows else [()] * len(selected)
    index = pd.RangeIndex(1, len(rows) + 1)
    frame = pd.DataFrame({name: pd.Series([_value(v, kind) for v in values[i]], index=index, dtype=object)
                          for i, (name, (_, kind, _)) in enumerate(zip(names, attributes))}, index=index)
    if geom_name is None:
        return VectorLayer(table, frame, notes=notes, spatial=False)
    geoms, problems = decode_gpkg_blobs(values[-1])
    srs_id = geometry[1] if geometry[1] is not None else contents_srs
    to_wgs84, crs_known, crs_note = _reprojection(where, srs_id, systems)
    if crs_note:
        notes.append(f"table {table!r}: {crs_note}")
    if to_wgs84 is not None and len(geoms):
        geoms = shapely.transform(geoms, to_wgs84)
    frame["geometry"] = geoms
    bad_rows = {int(index[i]): (f"geometry: {reason}", _raw(frame.iloc[i])) for i, reason in problems.items()}
    frame = frame.drop(index=list(bad_rows))
    return VectorLayer(table, frame, rejected_frame(bad_rows), notes, crs_known=crs_known)


def _value(value, kind: str):
    """One cell as the validators expect it: text, number or None (GeoPackage BOOLEAN is 0/1)."""
    if isinstance(value, bytes):
        return f"[binary, {len(value)} bytes]"
    if kind == "BOOLEAN" and value in (0, 1):
        return bool(value)
    return value


def _reprojection(where: str, srs_id, systems):
    """``(transform to WGS 84 or None, whether the CRS is known, note)`` for a table's ``srs_id``."""
    try:
        srs_id = int(srs_id)
    except (TypeError, ValueError):
        raise ReadError(f"{where}: its srs_id {srs_id!r} is not a number") from None
    if srs_id == 4326:
        return None, True, ""
    if srs_id in UNDEFINED_SRS:
        return None, False, "no coordinate system given (undefined SRS); coordinates taken as longitude/latitude"
    if srs_id not in systems:
        raise ReadError(f"{where}: its coordinate system (srs_id {srs_id}) is not in gpkg_spatial_ref_sys")
    organization, code, definition = systems[srs_id]
    try:
        if str(organization).upper() == "EPSG":
            if int(code) == 4326:
                return None, True, ""
            source = pyproj.CRS.from_epsg(int(code))
        else:
            source = pyproj.CRS.from_wkt(str(definition))  # WKT only: never a PROJ string that names files
        transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError, TypeError, ValueError) as exc:
        raise ReadError(f"{where}: its coordinate system (srs_id {srs_id}, {organization} {code}) cannot be "
                        f"understood ({exc}); re-export the layer in WGS 84 (EPSG:4326)") from None

    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return to_wgs84, True, f"coordinates reprojected from {organization}:{code} ({source.name}) to WGS 84"


def _raw(row: pd.Series) -> str:
    """A set-aside row as JSON for repair: reporter identities withheld, the undecodable geometry described."""
    record = {}
    for key, value in row.items():
        if key == "geometry":
            continue
        if identity_rank(key) is not None and value not in (None, ""):
            value = WITHHELD
        record[str(key)] = value
    record["geometry"] = "[a geometry blob that could not be decoded]"
    return json.dumps(record, ensure_ascii=False, default=str)
