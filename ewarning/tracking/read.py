"""GPS track points with their times: GPX, KML, GeoJSON and route-point CSV.

:mod:`ewarning.io.tracks` reads tracks as patrol *lines* and drops the time
of each point; patrol analytics need them. This reader keeps every point
(``patrol_id, seq, time, lat, lon``) and the patrol's declared attributes
(``unit, component, type``) in a second table.

Safety is the import's: XML is parsed with :mod:`defusedxml` after the same
size and shape checks (:func:`ewarning.io.textfile.check_size`,
:func:`ewarning.io.tracks.check_xml_shape`), so a hostile file is refused
before a tree is built. GeoJSON and CSV are size-checked before reading.

Formats
-------
GPX
    Each ``<trk>`` / ``<rte>`` is one patrol (``<name>``, else
    ``<file stem>-<n>``); ``<desc>`` is the unit, ``<type>`` the patrol type
    (GPS activity names translated); points are ``trkpt``/``rtept`` with
    their ``<time>``.
KML
    Each Placemark with a ``gx:Track`` (``<when>`` paired with ``<gx:coord>``)
    or a ``LineString`` (no times: its points are kept without time, and the
    analytics can only measure distance); ``ExtendedData`` fields ``unit``,
    ``component``, ``type``.
GeoJSON
    Features with a LineString or MultiLineString; times from a ``times``
    or ``coordTimes`` property (one per coordinate; nested per part for a
    multi-line), else a 4th coordinate of epoch seconds; ``patrol_id`` (or
    ``name``), ``unit``, ``component``, ``type`` from the properties.
CSV
    Route points ``patrol_id, seq, time, lat, lon`` (the import's
    ``patrol_points``), optionally with ``unit, component, type`` columns.

A folder is read file by file (``*.gpx``, ``*.kml``, ``*.geojson``,
``*.json``, ``*.csv``), in name order; a ``patrols.csv`` in the folder (the
patrols layer's table) supplies unit, component and type by ``patrol_id``.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.gpx").write_text('<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>P1</name>'
...     '<type>walking</type><trkseg><trkpt lat="4.7" lon="20.6"><time>2018-11-01T08:00:00Z</time></trkpt>'
...     '<trkpt lat="4.71" lon="20.6"><time>2018-11-01T08:20:00Z</time></trkpt></trkseg></trk></gpx>')
>>> tracks = read_tracks(d / "t.gpx")
>>> len(tracks.points), tracks.patrols.loc[0, "type"]
(2, 'dismounted')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import vocab
from ..io.base import ReadError
from ..io.textfile import check_size
from ..io.tracks import _activity, _child_text, _children, _descendants, _extended, _local, _parse

__all__ = ["Tracks", "read_tracks", "POINT_COLUMNS", "PATROL_COLUMNS", "TRACK_SUFFIXES"]

POINT_COLUMNS = ["patrol_id", "seq", "time", "lat", "lon"]
PATROL_COLUMNS = ["patrol_id", "unit", "component", "type", "source"]
TRACK_SUFFIXES = (".gpx", ".kml", ".geojson", ".json", ".csv")
_META = ("unit", "component", "type")


@dataclass
class Tracks:
    """Points and patrols read from one or more files.

    Attributes
    ----------
    points : pandas.DataFrame
        ``patrol_id, seq, time (UTC, NaT when the file gives none), lat, lon``
        (floats; NaN when the file's value is not a number), in file order.
    patrols : pandas.DataFrame
        One row per patrol: ``patrol_id, unit, component, type, source``;
        component and type coded with :mod:`ewarning.vocab` (``unknown``
        when not given or not recognised).
    notes : list of str
    """

    points: pd.DataFrame
    patrols: pd.DataFrame
    notes: list = field(default_factory=list)


def _float(value) -> float:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return float("nan")


def _frame(ids, times, lats, lons) -> pd.DataFrame:
    frame = pd.DataFrame({"patrol_id": pd.Series(ids, dtype=object),
                          "time": pd.to_datetime(pd.Series(times, dtype=object), utc=True, errors="coerce",
                                                 format="ISO8601"),
                          "lat": np.asarray(lats, dtype="float64"), "lon": np.asarray(lons, dtype="float64")})
    frame.insert(1, "seq", frame.groupby("patrol_id", sort=False).cumcount().astype("int64") + 1)
    return frame


def _read_gpx(path: Path) -> tuple[pd.DataFrame, list[dict]]:
    root = _parse(path)
    if _local(root.tag) != "gpx":
        raise ReadError(f"{path.name}: not a GPX file (root element is <{_local(root.tag)}>)")
    ids, times, lats, lons, meta = [], [], [], [], []
    tracks = [(t, "trkpt") for t in _children(root, "trk")] + [(r, "rtept") for r in _children(root, "rte")]
    if not tracks:
        raise ReadError(f"{path.name}: GPX file without any track (<trk>) or route (<rte>)")
    for n, (track, point_name) in enumerate(tracks, start=1):
        name = _child_text(track, "name") or f"{path.stem}-{n}"
        meta.append({"patrol_id": name, "unit": _child_text(track, "desc"),
                     "type": _activity(_child_text(track, "type"))})
        for pt in _descendants(track, point_name):
            ids.append(name)
            lats.append(_float(pt.get("lat")))
            lons.append(_float(pt.get("lon")))
            times.append(_child_text(pt, "time"))
    return _frame(ids, times, lats, lons), meta


def _read_kml(path: Path) -> tuple[pd.DataFrame, list[dict]]:
    root = _parse(path)
    if _local(root.tag) != "kml":
        raise ReadError(f"{path.name}: not a KML file (root element is <{_local(root.tag)}>)")
    ids, times, lats, lons, meta = [], [], [], [], []
    placemarks = _descendants(root, "Placemark")
    if not placemarks:
        raise ReadError(f"{path.name}: KML file without any Placemark")
    for n, pm in enumerate(placemarks, start=1):
        name = _child_text(pm, "name") or f"{path.stem}-{n}"
        found = False
        for elem in pm.iter():
            kind = _local(elem.tag)
            if kind == "Track":
                found = True
                whens = [(c.text or "").strip() for c in elem if _local(c.tag) == "when"]
                coords = [(c.text or "").split() for c in elem if _local(c.tag) == "coord"]
                for k, parts in enumerate(coords):
                    ids.append(name)
                    lons.append(_float(parts[0]) if parts else np.nan)
                    lats.append(_float(parts[1]) if len(parts) > 1 else np.nan)
                    times.append(whens[k] if k < len(whens) else None)
            elif kind == "LineString":
                found = True
                for token in (_child_text(elem, "coordinates") or "").split():
                    parts = token.split(",")
                    ids.append(name)
                    lons.append(_float(parts[0]))
                    lats.append(_float(parts[1]) if len(parts) > 1 else np.nan)
                    times.append(None)
        if found:
            row = {"patrol_id": name}
            row.update({k: v for k, v in _extended(pm).items() if k in _META})
            if row.get("type"):
                row["type"] = _activity(row["type"])
            meta.append(row)
    return _frame(ids, times, lats, lons), meta


def _epoch(value):
    try:
        return pd.Timestamp(float(value), unit="s", tz="UTC").isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def _read_geojson(path: Path) -> tuple[pd.DataFrame, list[dict]]:
    check_size(path)
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(f"{path.name}: not valid GeoJSON ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict):
        raise ReadError(f"{path.name}: not a GeoJSON object")
    features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    if not isinstance(features, list):
        raise ReadError(f"{path.name}: GeoJSON 'features' is not a list")
    ids, times, lats, lons, meta = [], [], [], [], []
    for n, feat in enumerate(features, start=1):
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            continue
        geom, props = feat["geometry"], feat.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        kind = geom.get("type")
        if kind == "LineString":
            parts = [geom.get("coordinates") or []]
        elif kind == "MultiLineString":
            parts = geom.get("coordinates") or []
        else:
            continue
        stamps = props.get("times", props.get("coordTimes"))
        if isinstance(stamps, list) and stamps and not isinstance(stamps[0], list):
            stamps = [stamps] if kind == "LineString" else [stamps]
        name = str(props.get("patrol_id") or props.get("name") or f"{path.stem}-{n}")
        meta.append({"patrol_id": name, **{k: props.get(k) for k in _META if props.get(k) is not None}})
        flat_times = [t for part in stamps for t in part] if isinstance(stamps, list) else None
        k = 0
        for part in parts:
            if not isinstance(part, list):
                continue
            for coord in part:
                ids.append(name)
                c = coord if isinstance(coord, list) else []
                lons.append(_float(c[0]) if len(c) > 0 else np.nan)
                lats.append(_float(c[1]) if len(c) > 1 else np.nan)
                if flat_times is not None:
                    times.append(flat_times[k] if k < len(flat_times) else None)
                else:
                    times.append(_epoch(c[3]) if len(c) > 3 else None)
                k += 1
    if not meta:
        raise ReadError(f"{path.name}: GeoJSON without any LineString or MultiLineString feature")
    return _frame(ids, times, lats, lons), meta


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[dict]]:
    check_size(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReadError(f"{path.name}: not a readable CSV ({type(exc).__name__})") from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("patrol_id", "time", "lat", "lon") if c not in raw.columns]
    if missing:
        raise ReadError(f"{path.name}: route points need columns patrol_id, time, lat, lon "
                        f"(missing: {', '.join(missing)})")
    if "seq" in raw.columns:
        seq = pd.to_numeric(raw["seq"], errors="coerce")
        raw = raw.assign(_seq=seq).sort_values(["patrol_id", "_seq"], kind="stable", na_position="last")
    times = raw["time"].astype(object).where(raw["time"].str.strip() != "", None)
    frame = _frame(raw["patrol_id"].str.strip().tolist(), times.tolist(),
                   pd.to_numeric(raw["lat"], errors="coerce"), pd.to_numeric(raw["lon"], errors="coerce"))
    meta = []
    cols = [c for c in _META if c in raw.columns]
    for pid, group in raw.groupby("patrol_id", sort=False):
        row = {"patrol_id": str(pid).strip()}
        for c in cols:
            vals = group[c][group[c].str.strip() != ""]
            if len(vals):
                row[c] = vals.iloc[0]
        meta.append(row)
    return frame, meta


def _csv_kind(path: Path) -> str:
    """``points`` (route points), ``patrols`` (the patrols layer's table: attributes, not points) or ``other``."""
    try:
        head = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError):
        return "other"
    cols = {str(c).strip().lower() for c in head.columns}
    if {"patrol_id", "time", "lat", "lon"} <= cols:
        return "points"
    if "patrol_id" in cols and "time" not in cols and "lat" not in cols:
        return "patrols"
    return "other"


_READERS = {".gpx": _read_gpx, ".kml": _read_kml, ".geojson": _read_geojson, ".json": _read_geojson,
            ".csv": _read_csv}


def _code(value, codes: dict, synonyms: dict) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "unknown"
    key = vocab.normalise_code(value)
    table = vocab.lookup_table(codes, synonyms)
    return table.get(key, "unknown")


def read_tracks(path, patrols: pd.DataFrame | None = None) -> Tracks:
    """Points and patrols from a track file, a route-point CSV or a folder of them.

    Parameters
    ----------
    path : str or Path
    patrols : DataFrame, optional
        A patrols table (``patrol_id, unit, component, type``) whose values
        override what the tracks say.

    Raises
    ------
    ReadError
        Missing path, an unknown extension, a file that is not what its
        extension says, an empty folder, or no points at all.
    """
    path = Path(path)
    notes: list[str] = []
    if not path.exists():
        raise ReadError(f"{path}: no such file or folder")
    table_files: list[Path] = []
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TRACK_SUFFIXES)
        kinds = {p: _csv_kind(p) for p in files if p.suffix.lower() == ".csv"}
        table_files = [p for p, k in kinds.items() if k == "patrols"]
        skipped = [p.name for p, k in kinds.items() if k == "other"]
        if skipped:
            notes.append(f"not route points, not read: {', '.join(skipped)}")
        files = [p for p in files if kinds.get(p, "points") == "points"]
        if not files:
            raise ReadError(f"{path}: no track files in this folder (GPX, KML, GeoJSON or route-point CSV)")
    else:
        if path.suffix.lower() not in _READERS:
            raise ReadError(f"{path.name}: not a track file (give GPX, KML, GeoJSON or a route-point CSV)")
        files = [path]
    frames, metas = [], []
    for f in files:
        frame, meta = _READERS[f.suffix.lower()](f)
        frames.append(frame)
        metas.extend(dict(m, source=f.name) for m in meta)
    points = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POINT_COLUMNS)
    if points.empty:
        raise ReadError(f"{path.name}: no track points found")
    table = pd.DataFrame(metas).drop_duplicates("patrol_id", keep="first").reset_index(drop=True)
    for c in PATROL_COLUMNS:
        if c not in table.columns:
            table[c] = None
    extra = [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig") for p in table_files]
    if patrols is not None:
        extra.append(patrols.astype(object))
    for given in extra:
        given = given.rename(columns=lambda c: str(c).strip().lower())
        given = given.drop_duplicates("patrol_id").set_index("patrol_id")
        for c in _META:
            if c in given.columns:
                value = table["patrol_id"].map(given[c]).astype(object)
                value = value.where(value.notna() & (value.astype(str).str.strip() != ""), None)
                table[c] = value.where(value.notna(), table[c])
    table["component"] = [_code(v, vocab.PATROL_COMPONENTS, vocab.PATROL_COMPONENT_SYNONYMS)
                          for v in table["component"]]
    table["type"] = [_code(v, vocab.PATROL_TYPES, vocab.PATROL_TYPE_SYNONYMS) for v in table["type"]]
    if points["time"].isna().all():
        notes.append("no point has a time: distances and coverage only (no durations, speeds or stops)")
    return Tracks(points[POINT_COLUMNS], table[PATROL_COLUMNS], notes)
