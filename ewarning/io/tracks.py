"""GPS tracks as patrol routes: GPX and KML.

Both are parsed with :mod:`defusedxml.ElementTree`, which refuses entity
declarations and external references (billion-laughs, XXE), so an untrusted
file cannot exhaust memory or make the parser read other files or URLs.
Before the tree is built, a streaming pass (:func:`check_xml_shape`) refuses
a document nested deeper than :data:`MAX_XML_DEPTH` or holding more than
:data:`MAX_XML_ELEMENTS` elements: building and walking such a tree would take
the memory, or the recursion depth, that a GPS track never needs.

GPX
    Each ``<trk>`` (and each ``<rte>``) is one patrol. All ``<trkseg>`` points
    are joined in order into one LineString; ``start``/``end`` are the first
    and last ``<time>``; ``patrol_id`` is ``<name>`` (else ``<file stem>-<n>``);
    ``unit`` comes from ``<desc>`` and ``type`` from ``<type>`` (GPS activity
    names such as "walking" or "driving" are translated to patrol types).
KML
    Each ``Placemark`` holding a LineString, a ``gx:Track``, or a
    MultiGeometry / ``gx:MultiTrack`` of those is one patrol: ``name`` is the
    ``patrol_id``; ``TimeSpan`` begin/end, else the first/last ``<when>`` of a
    track, give ``start``/``end``; ``ExtendedData`` fields ``unit``,
    ``component``, ``type``, ``engagements``, ``cla_present`` and
    ``female_engagement_team`` become columns.

Row numbers are the track's (or placemark's) position in the file, from 1.
A track with fewer than two points gets no geometry and the validator
quarantines it; a placemark that is only a point or a polygon, or a track
point whose coordinates are not numbers, is set aside by the reader with the
reason. Out-of-range coordinates are left for the validator to judge.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, tostring

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from shapely.geometry import LineString

from .base import RawTable, ReadError
from .hxl import rejected_frame
from .textfile import check_size

#: GPS activity types (Garmin, Strava, OsmAnd...) -> patrol types.
ACTIVITY_TYPES = {
    "walking": "dismounted", "walk": "dismounted", "hiking": "dismounted", "hike": "dismounted",
    "running": "dismounted", "on foot": "dismounted", "foot patrol": "dismounted",
    "driving": "vehicle", "drive": "vehicle", "car": "vehicle", "motorcycling": "vehicle",
    "motorcycle": "vehicle", "motorbike": "vehicle", "truck": "vehicle",
    "flying": "air", "flight": "air", "aviation": "air", "helicopter": "air",
    "boating": "riverine", "boat": "riverine", "kayaking": "riverine", "canoeing": "riverine",
}
#: Deepest element nesting accepted. Real GPX is 4-5 levels deep (gpx/trk/trkseg/trkpt/time plus
#: extensions), real KML under 20 even with nested Folders; serialising a rejected placemark for
#: the user recurses once per level, and Python stops at about 1,000.
MAX_XML_DEPTH = 100
#: Elements in one document. A track point is 2-4 elements, so this is some 600,000 points (a week
#: of one-second logging from several devices); the tree costs a few hundred bytes per element.
MAX_XML_ELEMENTS = 2_000_000
#: Bytes fed to the streaming check at a time.
_CHUNK_BYTES = 1 << 16
KML_FIELDS = ("unit", "component", "type", "engagements", "cla_present", "female_engagement_team")
COLUMNS = ["patrol_id", "unit", "component", "type", "start", "end", "engagements", "cla_present",
           "female_engagement_team", "geometry"]


class _BadPoint(ValueError):
    """A coordinate that is not a number: the track cannot be drawn."""


def sniff(path: Path, head: str, fmt: str = "gpx") -> bool:
    tag = "<gpx" if fmt == "gpx" else "<kml"
    # An XML document (declaration, comment or root first), not a CSV cell that mentions a tag.
    return head.lstrip("\ufeff \t\r\n").startswith("<") and tag in head[:8192]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(elem: Element, name: str) -> list[Element]:
    return [c for c in elem if _local(c.tag) == name]


def _child_text(elem: Element, name: str) -> str | None:
    for c in elem:
        if _local(c.tag) == name:
            text = (c.text or "").strip()
            return text or None
    return None


def _descendants(elem: Element, name: str) -> list[Element]:
    return [e for e in elem.iter() if _local(e.tag) == name]


class _Refused(Exception):
    """Raised inside the streaming check to stop it at the first reason to refuse."""


class _ShapeCounter:
    """Parser target that only counts elements and nesting (it keeps nothing)."""

    def __init__(self):
        self.depth = 0
        self.elements = 0

    def start(self, tag, attrib) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_XML_DEPTH:
            raise _Refused(f"elements are nested more than {MAX_XML_DEPTH} deep; GPS tracks are a few levels deep")
        if self.elements > MAX_XML_ELEMENTS:
            raise _Refused(f"more than {MAX_XML_ELEMENTS:,} elements; split the tracks into several files")

    def end(self, tag) -> None:
        self.depth -= 1

    def close(self) -> int:
        return self.elements


def check_xml_shape(path: Path) -> None:
    """Refuse an XML file too deep or too large to build as a tree, before building it.

    One streaming pass with the same (defused) parser as the real read,
    feeding a target that only counts: nothing is kept, and encodings, DTD
    refusal and well-formedness are judged exactly as they will be then.

    Raises
    ------
    ReadError
        Nesting deeper than :data:`MAX_XML_DEPTH`, more than
        :data:`MAX_XML_ELEMENTS` elements, a DTD, or XML that is not
        well-formed.
    """
    path = Path(path)
    parser = SafeET.DefusedXMLParser(target=_ShapeCounter(), forbid_dtd=True)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK_BYTES):
                parser.feed(chunk)
        parser.close()
    except _Refused as exc:
        raise ReadError(f"{path.name}: refused: {exc}") from None
    except DefusedXmlException as exc:
        raise ReadError(f"{path.name}: refused: the file declares a DTD or entities ({type(exc).__name__}); "
                        "GPS tracks never need them") from None
    except ParseError as exc:
        raise ReadError(f"{path.name}: not well-formed XML ({exc})") from None


def _parse(path: Path) -> Element:
    check_size(path)
    check_xml_shape(path)
    try:
        return SafeET.parse(str(path), forbid_dtd=True).getroot()
    except DefusedXmlException as exc:
        raise ReadError(f"{path.name}: refused: the file declares a DTD or entities ({type(exc).__name__}); "
                        "GPS tracks never need them") from None
    except ParseError as exc:
        raise ReadError(f"{path.name}: not well-formed XML ({exc})") from None


def _number(value, what: str, n: int) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise _BadPoint(f"route: point {n} has {what} {value!r}, not a number") from None
    if number != number:  # NaN
        raise _BadPoint(f"route: point {n} has {what} {value!r}, not a number")
    return number


def _raw(elem: Element, limit: int = 4000) -> str:
    """The element as XML text, for the user to repair (serialising only, never parsing)."""
    text = tostring(elem, encoding="unicode")
    return text if len(text) <= limit else text[:limit] + " ..."


def _line(coords: list[tuple[float, float]]):
    return LineString(coords) if len(coords) >= 2 else None


def _activity(value: str | None) -> str | None:
    if value is None:
        return None
    return ACTIVITY_TYPES.get(" ".join(value.lower().replace("_", " ").split()), value)


# -- GPX ---------------------------------------------------------------------
def _gpx_points(track: Element, point_name: str) -> tuple[list[tuple[float, float]], list[str]]:
    coords, times = [], []
    for n, pt in enumerate(_descendants(track, point_name), start=1):
        coords.append((_number(pt.get("lon"), "lon", n), _number(pt.get("lat"), "lat", n)))
        when = _child_text(pt, "time")
        if when:
            times.append(when)
    return coords, times


def read_gpx(path: Path) -> RawTable:
    root = _parse(path)
    if _local(root.tag) != "gpx":
        raise ReadError(f"{path.name}: not a GPX file (root element is <{_local(root.tag)}>)")
    rows, bad, notes = {}, {}, []
    tracks = [(t, "trkpt") for t in _children(root, "trk")] + [(r, "rtept") for r in _children(root, "rte")]
    for n, (track, point_name) in enumerate(tracks, start=1):
        name = _child_text(track, "name") or f"{path.stem}-{n}"
        row = {"patrol_id": name, "unit": _child_text(track, "desc"), "type": _activity(_child_text(track, "type"))}
        try:
            coords, times = _gpx_points(track, point_name)
        except _BadPoint as exc:
            bad[n] = (f"{exc} in track '{name}'", _raw(track))
            continue
        row["start"] = times[0] if times else None
        row["end"] = times[-1] if times else None
        row["geometry"] = _line(coords)
        rows[n] = row
    waypoints = len(_children(root, "wpt"))
    if waypoints:
        notes.append(f"{waypoints} GPX waypoint(s) are not patrol routes and were not read")
    # GPX puts tracks and routes directly under <gpx>; one elsewhere (inside <extensions>, say) is not read,
    # and the user is told rather than left to wonder where it went.
    stray = len(_descendants(root, "trk")) + len(_descendants(root, "rte")) - len(tracks)
    if stray:
        notes.append(f"{stray} track(s) or route(s) nested inside other elements (not directly under <gpx>) "
                     "were not read")
    if not tracks:
        raise ReadError(f"{path.name}: GPX file without any track (<trk>) or route (<rte>)")
    return _table(rows, bad, path, "gpx", notes)


# -- KML ---------------------------------------------------------------------
def _kml_coords(text: str | None, n: int) -> list[tuple[float, float]]:
    coords = []
    for token in (text or "").split():
        parts = token.split(",")
        if len(parts) < 2:
            raise _BadPoint(f"route: point {n + len(coords)} is {token!r}, not lon,lat")
        coords.append((_number(parts[0], "lon", n + len(coords)), _number(parts[1], "lat", n + len(coords))))
    return coords


def _kml_geometry(placemark: Element) -> tuple[list[tuple[float, float]], list[str], set[str]]:
    """Line coordinates (parts joined in document order), track times, and kinds found."""
    coords: list[tuple[float, float]] = []
    whens: list[str] = []
    kinds: set[str] = set()
    for elem in placemark.iter():
        kind = _local(elem.tag)
        if kind == "LineString":
            kinds.add(kind)
            coords += _kml_coords(_child_text(elem, "coordinates"), len(coords) + 1)
        elif kind == "Track":
            kinds.add(kind)
            for child in elem:
                if _local(child.tag) == "when" and (child.text or "").strip():
                    whens.append(child.text.strip())
                elif _local(child.tag) == "coord":
                    parts = (child.text or "").split()
                    n = len(coords) + 1
                    if len(parts) < 2:
                        raise _BadPoint(f"route: point {n} is {(child.text or '').strip()!r}, not 'lon lat alt'")
                    coords.append((_number(parts[0], "lon", n), _number(parts[1], "lat", n)))
        elif kind in ("Point", "Polygon", "LinearRing", "Model"):
            kinds.add(kind)
    return coords, whens, kinds


def _extended(placemark: Element) -> dict[str, str]:
    out = {}
    for data in _descendants(placemark, "Data"):
        key = (data.get("name") or "").strip().lower()
        if key in KML_FIELDS:
            out[key] = _child_text(data, "value")
    for data in _descendants(placemark, "SimpleData"):
        key = (data.get("name") or "").strip().lower()
        if key in KML_FIELDS and key not in out:
            out[key] = (data.text or "").strip() or None
    return out


def read_kml(path: Path) -> RawTable:
    root = _parse(path)
    if _local(root.tag) != "kml":
        raise ReadError(f"{path.name}: not a KML file (root element is <{_local(root.tag)}>)")
    rows, bad, notes = {}, {}, []
    placemarks = _descendants(root, "Placemark")
    for n, pm in enumerate(placemarks, start=1):
        name = _child_text(pm, "name") or f"{path.stem}-{n}"
        try:
            coords, whens, kinds = _kml_geometry(pm)
        except _BadPoint as exc:
            bad[n] = (f"{exc} in placemark '{name}'", _raw(pm))
            continue
        if not kinds & {"LineString", "Track"}:
            what = ", ".join(sorted(kinds)) or "no geometry"
            bad[n] = (f"route: placemark '{name}' is not a line or track ({what})", _raw(pm))
            continue
        row = {"patrol_id": name}
        row.update(_extended(pm))
        if "type" in row:
            row["type"] = _activity(row["type"])
        span = next(iter(_descendants(pm, "TimeSpan")), None)
        stamp = next(iter(_descendants(pm, "TimeStamp")), None)
        begin = _child_text(span, "begin") if span is not None else None
        end = _child_text(span, "end") if span is not None else None
        if begin is None and stamp is not None:
            begin = _child_text(stamp, "when")
        row["start"] = begin or (whens[0] if whens else None)
        row["end"] = end or (whens[-1] if whens else None)
        row["geometry"] = _line(coords)
        rows[n] = row
    if not placemarks:
        raise ReadError(f"{path.name}: KML file without any Placemark")
    return _table(rows, bad, path, "kml", notes)


def _table(rows: dict, bad: dict, path: Path, fmt: str, notes: list[str]) -> RawTable:
    frame = pd.DataFrame.from_dict(rows, orient="index") if rows else pd.DataFrame(columns=["patrol_id"])
    frame = frame.reindex(columns=[c for c in COLUMNS if c in frame.columns or c in ("patrol_id", "geometry")])
    frame.index = pd.Index(list(rows), dtype="int64")
    frame = frame.astype(object).where(frame.notna(), None)
    short = int(frame["geometry"].isna().sum()) if len(frame) else 0
    if short:
        notes.append(f"{short} track(s) have fewer than two points and cannot be drawn")
    return RawTable("patrols", frame, path.name, fmt, notes, rejected_frame(bad))


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "gpx") -> list[RawTable]:
    path = Path(path)
    if layer not in (None, "patrols"):
        raise ReadError(f"{path.name}: GPS tracks are patrol routes, not {layer}")
    if fmt == "kml" or (fmt not in ("gpx", "kml") and path.suffix.lower() == ".kml"):
        return [read_kml(path)]
    return [read_gpx(path)]
