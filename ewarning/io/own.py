"""The project's own layers: canonical CSV, GeoJSON and GeoPackage."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .base import RawTable, ReadError
from .textfile import check_size, read_rows

#: Columns that identify each layer in a canonical file (first match wins).
LAYER_MARKERS = [
    ("patrol_points", {"patrol_id", "seq"}),
    ("patrol_points", {"patrol_id", "lat", "lon", "time"}),
    ("patrols", {"patrol_id"}),
    ("presence", {"base_id"}),
    ("sites", {"site_id"}),
    ("alerts", {"category"}),
]

#: Spellings seen in the field for canonical columns.
ALIASES = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon", "y": "lat", "x": "lon",
           "date_reported": "reported_at", "reported": "reported_at", "date_occurred": "occurred_at",
           "occurred": "occurred_at", "date": "occurred_at", "description": "text", "notes": "text",
           "fatalities": "killed", "deaths": "killed", "precision": "location_precision",
           # Identity columns are read as the reporter, so the validator pseudonymises them.
           "phone": "reporter", "phone_number": "reporter", "telephone": "reporter", "caller": "reporter",
           "name_of_reporter": "reporter", "reporter_name": "reporter", "reported_by": "reporter",
           "msisdn": "reporter", "mobile": "reporter", "informant": "reporter"}


def canonical_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Lower-case, trimmed column names with known aliases applied."""
    renamed = {}
    for col in frame.columns:
        if col == "geometry":
            continue
        key = str(col).strip().lower().replace(" ", "_")
        renamed[col] = ALIASES.get(key, key) if ALIASES.get(key, key) not in frame.columns else key
    return frame.rename(columns=renamed)


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
                        "'patrol_id' column); give --layer")
    return layer


def read_csv(path: Path, layer: str | None = None, encoding: str | None = None) -> list[RawTable]:
    frame, rejected, notes = read_rows(path, encoding)
    frame = canonical_columns(frame)
    return [RawTable(_layer_for(frame, layer, path.name), frame, path.name, "own", notes, rejected)]


def read_vector(path: Path, layer: str | None = None, encoding: str | None = None) -> list[RawTable]:
    """GeoJSON or GeoPackage: every vector layer of the file, points to lat/lon."""
    check_size(path)
    try:
        names = [row[0] for row in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL's errors are many; the message is what matters
        raise ReadError(f"{path.name}: not a readable vector file ({exc})") from None
    fmt = "gpkg" if path.suffix.lower() == ".gpkg" else "geojson"
    tables = []
    for name in names:
        if name.startswith(("gpkg_", "rtree_", "quarantine", "imports", "audit", "meta")):
            continue  # the store's own bookkeeping when a store is read back
        try:
            gdf = pyogrio.read_dataframe(path, layer=name)
        except Exception as exc:
            raise ReadError(f"{path.name}: layer {name!r} unreadable ({exc})") from None
        if gdf.crs is not None and not gdf.empty and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs("EPSG:4326")
        frame = canonical_columns(pd.DataFrame(gdf))
        geom = gpd.GeoSeries(frame.pop("geometry")) if "geometry" in frame.columns else None
        if geom is not None and len(geom) and (geom.dropna().geom_type == "Point").all() and not geom.isna().all():
            if "lat" not in frame.columns or "lon" not in frame.columns:
                frame["lat"] = geom.map(lambda g: None if g is None else repr(g.y)).to_numpy()
                frame["lon"] = geom.map(lambda g: None if g is None else repr(g.x)).to_numpy()
        elif geom is not None:
            frame["geometry"] = geom.to_numpy()
        frame.index = pd.RangeIndex(1, len(frame) + 1)
        this_layer = layer or (name if name in ("alerts", "sites", "presence", "patrols") else None)
        tables.append(RawTable(_layer_for(frame, this_layer, f"{path.name}:{name}"), frame.astype(object), path.name, fmt))
    if not tables:
        raise ReadError(f"{path.name}: no data layer found")
    return tables


def sniff(path: Path, head: str, fmt: str = "own") -> bool:
    return True


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "own") -> list[RawTable]:
    """Canonical CSV (any extension that is delimited text)."""
    return read_csv(Path(path), layer, encoding)
