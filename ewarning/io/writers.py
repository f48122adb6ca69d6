"""Writers for exports: CSV, Excel, GeoJSON, GeoPackage.

Spreadsheet formats neutralise text that a spreadsheet would run as a
formula. Reporter keys are left out unless asked for: even a pseudonym lets
someone group one person's reports. Free text is left out unless asked for
too: phone numbers and e-mail addresses are scrubbed from it on import, but
names cannot be found reliably, and a report's words can name its author.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ..security import neutralise_cell, neutralise_frame

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
_SENSITIVE = ("reporter_key",)
_FREE_TEXT = ("text",)
#: What stands where free text was left out of an export.
TEXT_WITHHELD = "[free text withheld: exported only when asked for]"
#: The marker earlier exports wrote (command-line wording, also seen in desk downloads); still recognised.
TEXT_WITHHELD_BEFORE = "[free text withheld: export with --include-text]"
WITHHELD_MARKERS = (TEXT_WITHHELD, TEXT_WITHHELD_BEFORE)


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


# -- the quarantine, given back to fix and re-import ------------------------------------------------------------

#: The column that tells the canonical reader which layer a file holds (``ewarning.io.own.LAYER_MARKERS``).
_LAYER_MARKER = {"alerts": ["category"], "sites": ["site_id"], "presence": ["base_id"], "patrols": ["patrol_id"],
                 "patrol_points": ["patrol_id", "seq"]}
#: Reasons are joined with '; ', each starting with the column it concerns (``lat/lon: ...``).
_NEXT_REASON = re.compile(r"; (?=[A-Za-z_][\w/]*: )")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def split_reasons(reason: object) -> dict[str, str]:
    """``{"lat/lon": "...", "occurred_at": "..."}``: a quarantine reason by the column it concerns.

    >>> split_reasons("lat/lon: missing coordinates; occurred_at: 'x' is not a date")
    {'lat/lon': 'missing coordinates', 'occurred_at': "'x' is not a date"}
    """
    out: dict[str, str] = {}
    for part in _NEXT_REASON.split(str(reason or "")):
        column, sep, message = part.partition(": ")
        if not sep or not re.fullmatch(r"[A-Za-z_][\w/]*", column):
            column, message = "row", part
        out[column] = f"{out[column]}; {message}" if column in out else message
    return out


def quarantine_tables(frame: pd.DataFrame, include_reporter_key: bool = False,
                      include_text: bool = False) -> dict[str, pd.DataFrame]:
    """The quarantine as one table per layer, each row as it was read, ready to fix and import again.

    Columns: ``reason`` (every reason of the row), ``reason_<column>`` (the
    reasons concerning that column, e.g. ``reason_lat_lon``,
    ``reason_occurred_at``), then the row's original columns, one each, with
    the values as read (the reporter already pseudonymised), then
    ``source_file`` and ``source_row`` (the file and row it came from; not
    ``source``, a name the import reads as a reporter column). The validators read
    the original columns only, so the same file, fixed, imports
    (``python -m ewarning import``). A line the reader could not split into
    fields comes back whole in a ``line`` column. Reporter keys and free
    text are left out unless asked for, as in every export (withheld text
    reads back as no text, and the import says so).
    """
    out: dict[str, pd.DataFrame] = {}
    if frame is None or frame.empty:
        return out
    for layer, rows in frame.groupby("layer", sort=False):
        records = [_raw_record(r) for r in rows["raw"]]
        values = pd.DataFrame.from_records(records, index=rows.index) if records else pd.DataFrame(index=rows.index)
        values = values.astype(object).where(values.notna(), None)
        values = values.drop(columns=[c for c in ("source_row",) if c in values.columns])
        for marker in _LAYER_MARKER.get(layer, []):
            if marker not in values.columns:
                values[marker] = None
        if not include_reporter_key:
            values = values.drop(columns=[c for c in ("reporter", "reporter_key") if c in values.columns])
        if not include_text:
            if "text" in values.columns:
                values["text"] = values["text"].map(lambda t: TEXT_WITHHELD if t not in (None, "") else t)
            if "line" in values.columns:
                values["line"] = values["line"].map(lambda t: TEXT_WITHHELD if t not in (None, "") else t)
        by_column = [split_reasons(r) for r in rows["reason"]]
        reason_columns = list(dict.fromkeys(c for d in by_column for c in d))
        table = pd.DataFrame({"reason": rows["reason"].to_numpy()}, index=rows.index)
        for c in reason_columns:
            table["reason_" + re.sub(r"\W", "_", c)] = [d.get(c, "") for d in by_column]
        table = pd.concat([table, values], axis=1)
        extra = {"source_file": rows["source"].to_numpy(), "source_row": rows["source_row"].to_numpy()}
        for name, col in extra.items():
            table[name if name not in values.columns else f"quarantine_{name}"] = col
        out[str(layer)] = table.reset_index(drop=True)
    return out


def _raw_record(raw: object) -> dict:
    try:
        record = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        record = None
    return record if isinstance(record, dict) else {"line": raw}


def _neutralise_text(table: pd.DataFrame) -> pd.DataFrame:
    """Cells neutralised against formulas, plain numbers (``-4.5``) left as numbers so they read back."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if isinstance(v, str) and _PLAIN_NUMBER.fullmatch(v)
                                    else neutralise_cell(v))
    return out


def export_quarantine(frame: pd.DataFrame, fmt: str, out: str | Path, include_reporter_key: bool = False,
                      include_text: bool = False) -> list[tuple[str, Path, int]]:
    """Write the quarantine to fix and re-import: ``[(layer, path, rows), ...]``.

    One table per layer (:func:`quarantine_tables`): in a workbook, one sheet
    each, named after the layer (how :mod:`ewarning.io.excel` reads layers);
    in a GeoPackage one table each; as CSV or GeoJSON, one file each, ``out``
    itself when the quarantine holds one layer, else ``<stem>-<layer><suffix>``
    beside it. Nothing quarantined: ``out`` is written empty.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tables = quarantine_tables(frame, include_reporter_key, include_text)
    if not tables:
        tables = {"quarantine": pd.DataFrame({"reason": pd.Series(dtype=object)})}
    written: list[tuple[str, Path, int]] = []
    if fmt == "xlsx":
        with pd.ExcelWriter(out, engine="openpyxl") as book:
            for layer, table in tables.items():
                _neutralise_text(table).to_excel(book, index=False, sheet_name=layer[:31])
                written.append((layer, out, len(table)))
        return written
    for layer, table in tables.items():
        path = out if len(tables) == 1 or fmt == "gpkg" else out.with_name(f"{out.stem}-{layer}{out.suffix}")
        if fmt == "csv":
            _neutralise_text(table).to_csv(path, index=False, encoding="utf-8")
        else:
            geo = gpd.GeoDataFrame(table.astype(object).where(table.notna(), None),
                                   geometry=gpd.GeoSeries([None] * len(table)), crs="EPSG:4326")
            if fmt == "geojson":
                pyogrio.write_dataframe(geo, path, driver="GeoJSON")
            else:
                pyogrio.write_dataframe(geo, path, layer=layer, driver="GPKG")
        written.append((layer, path, len(table)))
    return written
