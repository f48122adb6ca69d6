"""Writers for exports: CSV, Excel, GeoJSON, GeoPackage.

Spreadsheet formats neutralise text that a spreadsheet would run as a
formula. Reporter keys are left out unless asked for: even a pseudonym lets
someone group one person's reports. Free text is left out unless asked for
too: phone numbers and e-mail addresses are scrubbed from it on import, but
names cannot be found reliably, and a report's words can name its author.
"""

from __future__ import annotations

from pathlib import Path

import json

import geopandas as gpd
import pandas as pd
import pyogrio

from ..security import neutralise_frame

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
_SENSITIVE = ("reporter_key",)
_FREE_TEXT = ("text",)
#: What stands where free text was left out of an export.
TEXT_WITHHELD = "[free text withheld: export with --include-text]"


def withhold_free_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without free text: the ``text`` column dropped, and inside quarantine records too.

    A quarantined row keeps its raw values as JSON (``raw``); its ``text``
    field is replaced, and a line the reader could not split into fields
    (``{"line": ...}``) is withheld whole, since any part of it may be text.
    """
    out = frame.drop(columns=[c for c in _FREE_TEXT if c in frame.columns])
    if "raw" in out.columns:
        out = out.assign(raw=out["raw"].map(_withhold_in_raw))
    return out


def _withhold_in_raw(raw: object) -> object:
    try:
        record = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        record = None
    if not isinstance(record, dict):
        return TEXT_WITHHELD
    if "line" in record and len(record) == 1:
        return json.dumps({"line": TEXT_WITHHELD})
    for key in _FREE_TEXT:
        if record.get(key) not in (None, ""):
            record[key] = TEXT_WITHHELD
    return json.dumps(record, ensure_ascii=False)


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


def spreadsheet_table(frame: pd.DataFrame, include_reporter_key: bool = False,
                      include_text: bool = False) -> pd.DataFrame:
    """What a CSV or Excel export of ``frame`` holds: keys and free text left out unless asked, cells neutralised.

    The desk's download buttons and :func:`export` write this same table.
    """
    return neutralise_frame(_plain(_withhold(frame, include_reporter_key, include_text)))


def _withhold(frame: pd.DataFrame, include_reporter_key: bool, include_text: bool) -> pd.DataFrame:
    if not include_reporter_key:
        frame = frame.drop(columns=[c for c in _SENSITIVE if c in frame.columns])
    if not include_text:
        frame = withhold_free_text(frame)
    return frame


def export(frame: pd.DataFrame, fmt: str, out: str | Path, include_reporter_key: bool = False,
           layer_name: str = "layer", include_text: bool = False) -> int:
    """Write ``frame`` to ``out`` in ``fmt``; return the number of rows written.

    Reporter keys and free text are left out unless ``include_reporter_key``
    / ``include_text`` ask for them.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = _withhold(frame, include_reporter_key, include_text)
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
