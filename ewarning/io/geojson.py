"""GeoJSON read with the standard library, never through GDAL.

GDAL picks its driver from a file's content, whatever its name, and some of
its formats (VRT, WFS, GDALG...) tell it to open *other* files or URLs. An
uploaded ``x.geojson`` must therefore be parsed as JSON and nothing else:

- The text must be a JSON object (RFC 8259) with a GeoJSON ``type``: a
  ``FeatureCollection`` or a single ``Feature``.
- Nesting deeper than :data:`MAX_DEPTH` is refused before parsing (a cheap
  count of brackets outside strings), so a hostile file cannot exhaust the
  parser's stack; real GeoJSON needs fewer than ten levels.
- ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON; Python's parser would
  accept them as numbers. They are read as missing values instead, so a point
  at ``[NaN, 4.5]`` has a missing coordinate that the validator quarantines.
- Geometries are built by :func:`shapely.geometry.shape`. A feature whose
  geometry is malformed (a one-point line, text for a coordinate) is set
  aside with the reason in ``rejected``; the rest of the file is read.
- A ``crs`` member (GeoJSON 2008; RFC 7946 has none and means WGS 84) naming
  another EPSG or OGC system is reprojected to WGS 84 with pyproj. A ``crs``
  given as a link is refused: nothing is ever fetched.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.geojson"
>>> _ = path.write_text('{"type": "FeatureCollection", "features": ['
...     '{"type": "Feature", "properties": {"category": "killing"},'
...     ' "geometry": {"type": "Point", "coordinates": [20.68, 4.79]}},'
...     '{"type": "Feature", "properties": {"category": "arson"},'
...     ' "geometry": {"type": "Point", "coordinates": [NaN, 4.5]}}]}')
>>> [layer] = read_layers(path)
>>> layer.frame["geometry"].tolist()
[<POINT (20.68 4.79)>, None]
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import shape

from ..security import WITHHELD, identity_rank
from .base import ReadError
from .textfile import check_size
from .vector import VectorLayer, content_kind, is_json_object, refusal, rejected_frame

#: Deepest nesting of arrays and objects read. A MultiPolygon inside a
#: FeatureCollection is 7 levels deep; 64 leaves room for nested properties.
MAX_DEPTH = 64

#: Longest raw text kept for a rejected feature (the quarantine is for repair, not archiving).
RAW_LIMIT = 4000

#: Most distinct property names read. Every name becomes a column for every feature, so a file whose
#: features each carry new names would otherwise need features x names cells of memory.
MAX_PROPERTIES = 2000

_ESCAPE = re.compile(rb"\\.", re.S)
# A "\ud800" escape alone decodes to half a UTF-16 pair, which no UTF-8 text (nor the store) can hold.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_OPENING = np.frombuffer(b"[{", dtype=np.uint8)

# Names a GeoJSON ``crs`` member may give, e.g. "urn:ogc:def:crs:EPSG::32634", "EPSG:32634",
# "urn:ogc:def:crs:OGC:1.3:CRS84" or "http://www.opengis.net/def/crs/EPSG/0/32634".
_CRS_URN = re.compile(r"^(?:urn:ogc:def:crs:)?(EPSG|OGC)(?::[\d.]*)?:(\w+)$", re.I)
_CRS_URL = re.compile(r"^https?://www\.opengis\.net/def/crs/(EPSG|OGC)/[\d.]+/(\w+)$", re.I)
_WGS84_LONLAT = {("OGC", "CRS84"), ("EPSG", "4326")}


def nesting_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings excluded).

    Linear in the size of ``data`` and done in C (regular expression,
    ``bytes.translate``, numpy), so it is safe to run before parsing.

    >>> nesting_depth(b'{"a": [[1, 2], "]]]"]}')
    3
    """
    # Escapes first (so an escaped quote cannot end a string), then everything but brackets and quotes,
    # then the strings themselves; what is left are the brackets that nest.
    structure = _ESCAPE.sub(b"", data).translate(None, _NOT_STRUCTURE)
    brackets = _STRING.sub(b"", structure).replace(b'"', b"")
    deepest, level = 0, 0
    chunk = 1 << 22  # bounded memory for a large file
    for start in range(0, len(brackets), chunk):
        steps = np.frombuffer(brackets, dtype=np.uint8, count=min(chunk, len(brackets) - start), offset=start)
        running = level + np.cumsum(np.where(np.isin(steps, _OPENING), 1, -1), dtype=np.int64)
        deepest = max(deepest, int(running.max()))
        level = int(running[-1])
    return deepest


def read_layers(path: Path, encoding: str | None = None) -> list[VectorLayer]:
    """The features of a GeoJSON file as one :class:`~ewarning.io.vector.VectorLayer`.

    Raises
    ------
    ReadError
        When the file is not GeoJSON (the message says what it is instead),
        is nested too deeply, is not valid JSON (cut short, for instance), or
        names a coordinate system that cannot be used.
    """
    path = Path(path)
    check_size(path)
    data = path.read_bytes()
    if not is_json_object(data[:8192]):
        raise ReadError(refusal(path, "GeoJSON", content_kind(data[:8192])))
    text = _decode(path, data, encoding)
    plain_utf8 = encoding is None and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    depth = nesting_depth(data if plain_utf8 else text.encode("utf-8", errors="surrogatepass"))
    if depth > MAX_DEPTH:
        raise ReadError(f"{path.name}: refused: arrays and objects are nested {depth:,} levels deep; GeoJSON "
                        f"needs fewer than {MAX_DEPTH}, so this is a damaged or hostile file")
    non_numbers = []

    def missing_constant(name: str) -> None:
        non_numbers.append(name)  # NaN, Infinity, -Infinity: not JSON numbers, read as missing
        return None

    try:
        document = json.loads(text, parse_constant=missing_constant)
    except json.JSONDecodeError as exc:
        cut_short = not text.rstrip().endswith("}")  # a GeoJSON text ends with its object's closing brace
        raise ReadError(f"{path.name}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
                        + ("; the file looks cut short (an incomplete download or copy?)" if cut_short else "")
                        ) from None
    except RecursionError:  # the depth check should make this impossible; never let it escape
        raise ReadError(f"{path.name}: refused: nested too deeply to read") from None
    features = _features(path, document)
    to_wgs84, crs_note = _reprojection(path, document.get("crs"))
    notes = [crs_note] if crs_note else []
    if non_numbers:
        notes.append(f"{len(non_numbers)} NaN/Infinity value(s) are not valid JSON numbers; read as missing")
    rows, geoms, index = [], [], []
    rejected: dict[int, tuple[str, str]] = {}
    renamed = False
    names: set[str] = set()
    repaired: list[int] = []
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rejected[n] = ("feature: not a GeoJSON Feature object", _raw(feature))
            continue
        properties = feature.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            rejected[n] = ("properties: not a JSON object", _raw(feature))
            continue
        geometry, problem = _geometry(feature.get("geometry"))
        if problem:
            rejected[n] = (f"geometry: {problem}", _raw(feature))
            continue
        names.update(properties)
        if len(names) > MAX_PROPERTIES:
            raise ReadError(f"{path.name}: refused: the features use more than {MAX_PROPERTIES:,} different "
                            "property names; no layer of this tool has that many columns")
        row = {}
        for key, value in properties.items():
            if key == "geometry":  # the name is taken by the feature's own geometry
                key, renamed = "geometry_property", True
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            row[_whole_characters(key, repaired)] = _whole_characters(value, repaired)
        if "id" not in row and isinstance(feature.get("id"), (str, int, float)) and not isinstance(feature["id"], bool):
            row["id"] = feature["id"]  # GeoJSON's own feature id, when the properties carry none
        rows.append(row)
        geoms.append(geometry)
        index.append(n)
    if renamed:
        notes.append("a property named 'geometry' was read as 'geometry_property'")
    if repaired:
        notes.append(f"{len(repaired)} text value(s) held half of a UTF-16 character pair (a broken \\u escape); "
                     "it was replaced by \ufffd")
    frame = pd.DataFrame(rows, index=pd.Index(index, dtype="int64"), dtype=object)
    geometry_column = np.empty(len(geoms), dtype=object)
    for i, geometry in enumerate(geoms):  # one by one: numpy would read a list of (x, y) tuples as a 2-D array
        geometry_column[i] = geometry
    is_xy = np.fromiter((type(g) is tuple for g in geoms), dtype=bool, count=len(geoms))
    if is_xy.any():
        geometry_column[is_xy] = shapely.points(np.array(geometry_column[is_xy].tolist(), dtype="float64"))
    if to_wgs84 is not None and len(geometry_column):
        geometry_column = shapely.transform(geometry_column, to_wgs84)
    frame["geometry"] = geometry_column
    name = document.get("name") if isinstance(document.get("name"), str) and document.get("name") else path.stem
    return [VectorLayer(name, frame, rejected_frame(rejected), notes)]


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    try:
        if encoding:
            return data.decode(encoding)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(f"{path.name}: not readable as {encoding or 'UTF-8'} text ({exc}); GeoJSON is UTF-8, "
                        "re-save it as such or give --encoding") from None


def _features(path: Path, document) -> list:
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise ReadError(f"{path.name}: the FeatureCollection has no list of 'features'")
        return features
    if kind == "Feature":
        return [document]
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                "GeometryCollection"):
        raise ReadError(f"{path.name}: a bare {kind} geometry with no properties: nothing to import "
                        "(save it as a Feature or a FeatureCollection)")
    raise ReadError(f"{path.name}: JSON, but not GeoJSON (its 'type' is {kind!r}, not 'FeatureCollection' or "
                    "'Feature')")


def _reprojection(path: Path, crs):
    """A coordinate transform to WGS 84 lon/lat for the file's ``crs`` member, or None; and a note."""
    if crs is None:
        return None, ""
    if not isinstance(crs, dict) or crs.get("type") != "name":
        what = crs.get("type") if isinstance(crs, dict) else type(crs).__name__
        raise ReadError(f"{path.name}: the 'crs' member is of type {what!r}; only a named EPSG or OGC system is "
                        "understood (and nothing is ever fetched from a link). Re-export the file in WGS 84")
    name = str((crs.get("properties") or {}).get("name", "")).strip()
    match = _CRS_URN.match(name) or _CRS_URL.match(name)
    if not match:
        raise ReadError(f"{path.name}: the coordinate system {name!r} is not an EPSG or OGC name; re-export the "
                        "file in WGS 84 (EPSG:4326)")
    authority, code = match.group(1).upper(), match.group(2).upper()
    if (authority, code) in _WGS84_LONLAT:
        return None, ""
    try:
        source = pyproj.CRS.from_user_input(f"{authority}:{code}")  # an "AUTH:CODE" pair only, checked above
        transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    except (pyproj.exceptions.CRSError, pyproj.exceptions.ProjError) as exc:
        raise ReadError(f"{path.name}: the coordinate system {authority}:{code} is unknown ({exc})") from None

    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return to_wgs84, f"coordinates reprojected from {authority}:{code} ({source.name}) to WGS 84"


def _geometry(geometry):
    """``(geometry, problem)`` for a GeoJSON geometry member.

    The geometry is a shapely geometry, an ``(x, y)`` tuple for a point, or
    None; the problem is None or why the geometry cannot be used.
    """
    if geometry is None:
        return None, None
    if not isinstance(geometry, dict):
        return None, "not a GeoJSON geometry object"
    kind = geometry.get("type")
    if kind == "Point":
        coords = geometry.get("coordinates")
        if coords is None:
            return None, None
        if not isinstance(coords, list) or len(coords) < 2:
            return None, f"a Point needs [longitude, latitude], not {_short(coords)}"
        x, y = coords[0], coords[1]
        if x is None or y is None:
            return None, None  # NaN or null: a missing coordinate, for the validator to report
        if not (_is_number(x) and _is_number(y)):
            return None, f"Point coordinates {_short(coords)} are not numbers"
        return (float(x), float(y)), None  # made into Points all at once by the caller (faster)
    if kind not in ("MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"):
        return None, f"unknown geometry type {_short(kind)}"
    problem = _coordinate_problem(geometry)
    if problem:
        return None, f"{kind}: {problem}"
    try:
        shaped = shape(geometry)
    except Exception as exc:  # noqa: BLE001 - shapely raises many types for bad input; the reason is what matters
        return None, f"{kind} could not be read ({type(exc).__name__}: {exc})"
    return (None if shaped.is_empty else shaped), None


def _coordinate_problem(geometry) -> str | None:
    """Why a (non-point) geometry's coordinates cannot be used, or None."""
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            return "'geometries' is not a list"
        for part in parts:
            if not isinstance(part, dict):
                return "a member is not a geometry object"
            problem = _coordinate_problem(part)
            if problem:
                return problem
        return None
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        return "'coordinates' is not a list"
    pending = [coords]
    while pending:  # iterative: nesting is bounded by MAX_DEPTH anyway
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif item is None:
            return "a coordinate is missing (null or NaN)"
        elif not _is_number(item):
            return f"coordinate {_short(item)} is not a number"
    return None


def _whole_characters(value, repaired: list[int]):
    """``value`` with any lone UTF-16 surrogate replaced by U+FFFD (counted in ``repaired``)."""
    if isinstance(value, str) and _LONE_SURROGATE.search(value):
        repaired.append(1)
        return _LONE_SURROGATE.sub("\ufffd", value)
    return value


def _is_number(value) -> bool:
    return type(value) in (float, int) or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _short(value, limit: int = 80) -> str:
    text = _LONE_SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= limit else text[:limit] + "..."


def _raw(feature) -> str:
    """A rejected feature as JSON for repair, reporter identities withheld."""
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        properties = {k: (WITHHELD if identity_rank(k) is not None and v not in (None, "") else v)
                      for k, v in feature["properties"].items()}
        feature = {**feature, "properties": properties}
    elif isinstance(feature, dict) and feature.get("properties") is not None:
        return f"{WITHHELD} the feature's properties are not an object; open the source file to repair it"
    text = _LONE_SURROGATE.sub("\ufffd", json.dumps(feature, ensure_ascii=False, default=str))
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT] + " ..."
