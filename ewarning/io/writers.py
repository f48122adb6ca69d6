"""Writers for exports: CSV, Excel, GeoJSON, GeoPackage.

Spreadsheet formats neutralise text that a spreadsheet would run as a
formula. Reporter keys are left out unless asked for: even a pseudonym lets
someone group one person's reports.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ..security import neutralise_frame

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
_SENSITIVE = ("reporter_key",)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO 8601 text, geometry as lat/lon (points) or WKT (lines)."""
    out = pd.DataFrame(frame).copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            text = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            out[col] = text.astype(object).where(text.notna(), None)
    if "geometry" in out.columns:
        geom = gpd.GeoSeries(out.pop("geometry"))
        if len(geom) and (geom.geom_type == "Point").all():
            out["lat"], out["lon"] = geom.y.round(6), geom.x.round(6)
        else:
            out["wkt"] = geom.to_wkt()
    return out


def export(frame: pd.DataFrame, fmt: str, out: str | Path, include_reporter_key: bool = False,
           layer_name: str = "layer") -> int:
    """Write ``frame`` to ``out`` in ``fmt``; return the number of rows written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not include_reporter_key:
        frame = frame.drop(columns=[c for c in _SENSITIVE if c in frame.columns])
    if fmt in ("csv", "xlsx"):
        table = neutralise_frame(_plain(frame))
        if fmt == "csv":
            table.to_csv(out, index=False, encoding="utf-8")
        else:
            table.to_excel(out, index=False, sheet_name=layer_name[:31], engine="openpyxl")
        return len(table)
    if not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)), crs="EPSG:4326")
    if fmt == "geojson":
        frame = gpd.GeoDataFrame(_plain(frame.drop(columns="geometry")).assign(geometry=frame.geometry.values),
                                 geometry="geometry", crs=frame.crs)
        pyogrio.write_dataframe(frame, out, driver="GeoJSON")
    else:
        pyogrio.write_dataframe(frame, out, layer=layer_name, driver="GPKG")
    return len(frame)
