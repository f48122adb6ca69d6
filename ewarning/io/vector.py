"""GeoJSON and GeoPackage files (the project's own layers, or any GIS export)."""

from __future__ import annotations

from pathlib import Path

from .base import RawTable
from .own import read_vector


def sniff(path: Path, head: str, fmt: str) -> bool:
    suffix = Path(path).suffix.lower()
    if fmt == "gpkg":
        return head.startswith("SQLite format 3") or suffix == ".gpkg"
    stripped = head.lstrip()
    return suffix in (".geojson", ".json") or (stripped.startswith("{") and '"FeatureCollection"' in stripped[:4096])


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "geojson") -> list[RawTable]:
    return read_vector(Path(path), layer, encoding)
