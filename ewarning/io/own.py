"""The project's own layers: canonical CSV, GeoJSON and GeoPackage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import geojson, gpkg, mapping, vector
from .base import RawTable, ReadError
from .textfile import check_size, read_rows

#: Columns that identify each layer in a canonical file (first match wins).
LAYER_MARKERS = [
    ("patrol_points", {"patrol_id", "seq"}),
    ("patrol_points", {"patrol_id", "lat", "lon", "time"}),
    ("patrols", {"patrol_id"}),
    ("presence", {"base_id"}),
    ("sites", {"site_id"}),
    ("engagements", {"engagement_id"}),
    ("alerts", {"category"}),
    ("engagements", {"community", "activity"}),   # after alerts: a report with a community column stays a report
]

#: Spellings seen in the field for canonical columns (the KoBo reader's list; the canonical readers
#: use :data:`ewarning.io.mapping.SPELLINGS`, which holds these and many more, English and French).
ALIASES = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon", "y": "lat", "x": "lon",
           "date_reported": "reported_at", "reported": "reported_at", "date_occurred": "occurred_at",
           "occurred": "occurred_at", "date": "occurred_at", "description": "text", "notes": "text",
           "fatalities": "killed", "deaths": "killed", "precision": "location_precision",
           # Identity columns are read as the reporter, so the validator pseudonymises them.
           "phone": "reporter", "phone_number": "reporter", "telephone": "reporter", "caller": "reporter",
           "name_of_reporter": "reporter", "reporter_name": "reporter", "reported_by": "reporter",
           "msisdn": "reporter", "mobile": "reporter", "informant": "reporter"}


def canonical_columns(frame: pd.DataFrame, notes: list[str] | None = None,
                      overrides: dict[str, str] | None = None,
                      label: str | dict[str, str] = "your mapping") -> pd.DataFrame:
    """Canonical column names, from the headers' names (English or French) and values; names stay unique.

    A thin wrapper of :func:`ewarning.io.mapping.map_columns`: ``Report ID``
    becomes ``id``, ``Date de l'incident`` ``occurred_at``, a ``Type`` column
    of incident categories ``category``; other columns keep their trimmed,
    lower-cased name. Several columns can claim one canonical name: ``Lat``
    and ``lat`` both normalise to ``lat``; ``phone`` and ``mobile`` are both
    spellings of ``reporter``. Exactly one of them gets it, in this order: a
    column named exactly so, then one whose trimmed, lower-cased name is it,
    then a spelling, then its values; within each, the leftmost column. (So
    an alias never displaces a real canonical column, whatever the column
    order.) Every other claimant keeps its normalised name, made unique with
    a ``.1``, ``.2`` suffix, so no two columns share a name and no value is
    lost: the validators do not read such a column, and the import's
    identity protection still sees it.

    Parameters
    ----------
    frame : DataFrame
        Columns as read. A ``geometry`` column is left as it is.
    notes : list of str, optional
        Receives one note per column not read as the name it claimed, e.g.
        ``column 'Lat' not read as 'lat': column 'lat' already is``.
    overrides : dict, optional
        The user's ``{header: target}`` (``ignore`` leaves a column out), first.
    label : str or dict
        How the user's choices are named in the column descriptions (one name, or one per header).

    Returns
    -------
    DataFrame
        ``frame`` with the columns renamed (a new frame; values untouched).
        ``attrs["columns"]`` describes every column found
        (:class:`ewarning.io.mapping.Column`); :class:`RawTable` picks it up.
    """
    out, columns = mapping.map_columns(frame, overrides, label=label, notes=notes)
    out.attrs["columns"] = columns
    return out


def guess_layer(columns) -> str | None:
    cols = set(columns)
    for layer, marker in LAYER_MARKERS:
        if marker <= cols:
            return layer
    return None


def _layer_for(frame: pd.DataFrame, layer: str | None, name: str) -> str:
    layer = layer or guess_layer(frame.columns)
    if layer is None:
        raise ReadError(f"{name}: cannot tell which layer this is (no 'category', 'site_id', 'base_id' or "
                        "'patrol_id' column); give --layer", columns=frame.attrs.get("columns"))
    return layer


def read_csv(path: Path, layer: str | None = None, encoding: str | None = None) -> list[RawTable]:
    frame, rejected, notes = read_rows(path, encoding)
    frame = canonical_columns(frame, notes)
    return [RawTable(_layer_for(frame, layer, path.name), frame, path.name, "own", notes, rejected)]


def read_vector(path: Path, layer: str | None = None, encoding: str | None = None) -> list[RawTable]:
    """GeoJSON or GeoPackage, told apart by content: every data layer of the file, points to lat/lon.

    The file is parsed by :mod:`ewarning.io.geojson` (standard-library JSON)
    or :mod:`ewarning.io.gpkg` (standard-library sqlite3), never by GDAL: a
    file whose content is neither (a GDAL virtual file named ``x.geojson``,
    say) is refused with what it really is.

    A table without geometry whose name and columns do not say which layer
    it is (a lookup table in a GIS export) is skipped with a note, unless it
    is all the file holds.

    Raises
    ------
    ReadError
        When the file is not GeoJSON or a GeoPackage, or no layer in it can be read.
    """
    path = Path(path)
    check_size(path)
    head = vector.read_head(path)
    if vector.is_sqlite(head):
        layers, fmt = gpkg.read_layers(path), "gpkg"
    elif vector.is_json_object(head):
        layers, fmt = geojson.read_layers(path, encoding), "geojson"
    else:
        expected = "a GeoPackage" if path.suffix.lower() == ".gpkg" else "GeoJSON"
        raise ReadError(vector.refusal(path, expected, vector.content_kind(head)))
    tables, unidentified = [], []
    for found in layers:
        frame = canonical_columns(found.frame, found.notes)
        named = found.name if found.name in ("alerts", "sites", "presence", "patrols") else None
        if not found.spatial and named is None and guess_layer(frame.columns) is None:
            unidentified.append((found, frame))
            continue
        tables.append(_raw_table(path, fmt, found, frame, layer or named))
    if not tables and unidentified and layer is not None:
        tables = [_raw_table(path, fmt, found, frame, layer) for found, frame in unidentified]
    elif not tables and unidentified:
        names = ", ".join(repr(found.name) for found, _ in unidentified)
        raise ReadError(f"{path.name}: no data layer found: table(s) {names} have no geometry and their columns do "
                        "not say which layer they are (no 'category', 'site_id', 'base_id' or 'patrol_id' column); "
                        "give --layer")
    elif unidentified:
        # said once, on the first table: the notes of all a file's tables end up in one report
        tables[0].notes.extend(f"table {found.name!r} has no geometry and its columns do not say which layer it "
                               "is: skipped" for found, _ in unidentified)
    if not tables:
        raise ReadError(f"{path.name}: no data layer found")
    return tables


def _raw_table(path: Path, fmt: str, found, frame: pd.DataFrame, layer: str | None) -> RawTable:
    """A reader's layer as a RawTable: points become ``lat``/``lon`` text, other geometries stay."""
    frame = frame.copy()
    geom = frame.pop("geometry") if "geometry" in frame.columns else None
    if geom is not None and len(geom) and geom.notna().any() and all(
            g.geom_type == "Point" for g in geom.dropna()):
        if "lat" not in frame.columns or "lon" not in frame.columns:
            # repr keeps every digit of the stored double, as a CSV would
            frame["lat"] = geom.map(lambda g: None if g is None else repr(g.y)).to_numpy()
            frame["lon"] = geom.map(lambda g: None if g is None else repr(g.x)).to_numpy()
    elif geom is not None:
        frame["geometry"] = geom.to_numpy()
    layer = _layer_for(frame, layer, f"{path.name}:{found.name}")
    return RawTable(layer, frame.astype(object), path.name, fmt, found.notes, found.rejected)


def sniff(path: Path, head: str, fmt: str = "own") -> bool:
    return True


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "own") -> list[RawTable]:
    """Canonical CSV (any extension that is delimited text)."""
    return read_csv(Path(path), layer, encoding)
