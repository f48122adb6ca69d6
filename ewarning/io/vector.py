"""GeoJSON and GeoPackage files (the project's own layers, or any GIS export).

Detection here decides only *which* of the two project readers may look at a
file; neither ever hands an uploaded file to GDAL. A file is read as GeoJSON
only when its content is a JSON object, and as a GeoPackage only when it
starts with the SQLite header. A ``.geojson``, ``.json`` or ``.gpkg`` name
claims the file for these readers even when its content is something else,
so that, for example, a GDAL virtual file (VRT: XML that tells GDAL to open
other files or URLs) renamed ``x.geojson`` is *refused* with the reason, not
passed on to another reader.

This module also defines :class:`VectorLayer`, what both readers return
before :func:`ewarning.io.own.read_vector` turns layers into
:class:`~ewarning.io.base.RawTable` objects.

Examples
--------
>>> content_kind(b'<OGRVRTDataSource><OGRVRTLayer name="a"/></OGRVRTDataSource>')
'XML (<OGRVRTDataSource>, a GDAL virtual file)'
>>> content_kind(b'{"type": "FeatureCollection", "features": []}')
'GeoJSON'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .base import RawTable

#: The first 16 bytes of every SQLite 3 database (a GeoPackage is one).
SQLITE_HEADER = b"SQLite format 3\x00"

#: GeoJSON ``type`` values that may open a GeoJSON text.
GEOJSON_TYPES = ("FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
                 "Polygon", "MultiPolygon", "GeometryCollection")
_GEOJSON_TYPE = re.compile(r'"type"\s*:\s*"(' + "|".join(GEOJSON_TYPES) + r')"')
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
#: XML roots of GDAL files that make GDAL open other files or URLs.
GDAL_VIRTUAL_ROOTS = {"OGRVRTDataSource": "a GDAL virtual file", "VRTDataset": "a GDAL virtual raster",
                      "OGRWFSDataSource": "a GDAL web-feature-service file", "GDAL_WMS": "a GDAL web-map file",
                      "GDAL_WMTS": "a GDAL web-map file"}


@dataclass
class VectorLayer:
    """One table of a GeoJSON or GeoPackage file, before layer assignment.

    Attributes
    ----------
    name : str
        The layer's name in the file (the GeoPackage table, the GeoJSON
        ``name`` member or the file's stem).
    frame : pandas.DataFrame
        The attributes as read, plus a ``geometry`` column of shapely
        geometries in EPSG:4326 (None where the feature has none, or where a
        point's coordinate is missing or NaN) when the table is spatial.
        Index = the feature's (row's) position in the file, from 1.
    rejected : pandas.DataFrame
        ``reason, raw`` for features the reader could not interpret (a
        malformed geometry), indexed like ``frame``.
    notes : list of str
    crs_known : bool
        False when the file says nothing about its coordinate system (a
        GeoPackage table with the "undefined" SRS): coordinates are kept as
        stored.
    spatial : bool
        Whether the table has a geometry column at all.
    """

    name: str
    frame: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=lambda: rejected_frame({}))
    notes: list[str] = field(default_factory=list)
    crs_known: bool = True
    spatial: bool = True


def rejected_frame(rows: dict[int, tuple[str, str]]) -> pd.DataFrame:
    """``reason, raw`` rows indexed by source row (the shape of ``RawTable.rejected``)."""
    index = pd.Index(list(rows), dtype="int64")
    return pd.DataFrame({"reason": pd.Series([r for r, _ in rows.values()], index=index, dtype=object),
                         "raw": pd.Series([t for _, t in rows.values()], index=index, dtype=object)}, index=index)


def read_head(path: Path, n_bytes: int = 8192) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n_bytes)


def _text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def is_sqlite(head: bytes | str) -> bool:
    """Does the content start with the SQLite 3 header?"""
    if isinstance(head, str):
        return head.startswith(SQLITE_HEADER.decode("ascii"))
    return head.startswith(SQLITE_HEADER)


def looks_like_geojson(head: str) -> bool:
    """A JSON object whose start names a GeoJSON ``type``.

    >>> looks_like_geojson('{"type": "Feature", "properties": {}, "geometry": null}')
    True
    >>> looks_like_geojson('{"name": "not geojson"}')
    False
    """
    stripped = head.lstrip("\ufeff \t\r\n")
    return stripped.startswith("{") and _GEOJSON_TYPE.search(stripped) is not None


def is_json_object(head: bytes) -> bool:
    """Does the content start like a JSON object (the only thing a GeoJSON file can be)?

    The GeoJSON ``type`` may come after a long ``features`` list, so the
    reader, not this check, decides whether the object is GeoJSON.
    """
    return _text(head).lstrip("\ufeff \t\r\n").startswith("{")


def content_kind(head: bytes) -> str:
    """What the first bytes of a file are, in words, for messages.

    ``'GeoJSON'`` and ``'SQLite'`` are the two contents these readers take
    (a GeoPackage is an SQLite file; :mod:`ewarning.io.gpkg` checks its
    application id); anything else is described, so a refusal can say what
    the file really is.
    """
    if is_sqlite(head):
        return "SQLite"
    if not head.strip():
        return "empty"
    text = _text(head)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return "GeoJSON" if looks_like_geojson(stripped) else "JSON, but not GeoJSON (no GeoJSON 'type' at its start)"
    if stripped.startswith("["):
        return "a JSON list, not GeoJSON (GeoJSON is one object, a FeatureCollection)"
    if stripped.startswith("<"):
        return xml_description(stripped)
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (unzip it and import the files inside)"
    if b"\x00" in head:
        return "binary data"
    return "plain text"


def xml_description(text: str) -> str:
    """``'XML (<root>...)'`` for a text that starts with markup, naming GDAL virtual files."""
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.S).lstrip()
    match = _XML_ROOT.match(body)
    root = match.group(1) if match else None
    if root is None:
        return "XML"
    local = root.rsplit(":", 1)[-1]
    if local.lower() == "html":
        return "a web page (HTML)"
    what = GDAL_VIRTUAL_ROOTS.get(local)
    return f"XML (<{root}>, {what})" if what else f"XML (<{root}>)"


def refusal(path: Path, expected: str, kind: str) -> str:
    """The message for a file whose name promises ``expected`` but whose content is ``kind``."""
    hint = ""
    if "GDAL" in kind:
        hint = "; such files make GIS software read other files or web addresses, so they are never opened here"
    return f"{Path(path).name}: refused: the content is {kind}, not {expected}{hint}"


def sniff(path: Path, head: str, fmt: str) -> bool:
    """Claim a file for this reader: by content, or by a ``.gpkg``/``.geojson``/``.json`` name.

    A file claimed by name whose content is something else is refused by
    :func:`ewarning.io.own.read_vector` with the reason.
    """
    suffix = Path(path).suffix.lower()
    if fmt == "gpkg":
        return is_sqlite(head) or suffix == ".gpkg"
    return suffix in (".geojson", ".json") or looks_like_geojson(head)


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "geojson") -> list[RawTable]:
    # Imported here: ewarning.io.own imports the two readers, which import this module.
    from .own import read_vector

    return read_vector(Path(path), layer, encoding)
