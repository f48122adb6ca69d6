"""Excel workbooks (.xlsx, .xlsm, .xls) holding the project's own layers.

Each sheet whose name is a layer (``alerts``, ``sites``, ``presence``,
``patrols``, ``patrol_points``) or whose columns identify one (see
:func:`ewarning.io.own.guess_layer`) becomes one raw table, with the same
column aliases as the canonical CSV. KoBoToolbox exports are left to
:mod:`ewarning.io.kobo` (this module's :func:`sniff` says no to them).

Cells are read as values and nothing is ever evaluated: a formula cell gives
the value Excel cached when the file was last saved (empty if it never was),
and a text cell that looks like a formula (``=HYPERLINK(...)``) stays text.
Dates become ISO strings. Rows are numbered as data rows: the row under the
header is row 1 (with the header on Excel row 1, Excel row number minus 1).
openpyxl parses the workbook's XML through defusedxml when it is installed.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd

from .base import LAYERS, RawTable, ReadError
from .hxl import WITHHELD, rejected_frame
from .own import canonical_columns, guess_layer
from .textfile import check_size, unique_names

XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Refuse sheets longer than this (a zip of a few MB can expand enormously).
MAX_ROWS = 1_048_576


class Sheet:
    """One worksheet as read: header cells and data rows with their Excel row numbers."""

    def __init__(self, name: str, header_row: int, header: list, rows: list[tuple[int, list]], blank: int):
        self.name = name
        self.header_row = header_row
        self.header = header
        self.rows = rows
        self.blank = blank


def is_workbook(path: Path, head: str = "") -> str | None:
    """'xlsx' or 'xls' when ``path`` is a workbook by magic number and extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError:
        return None
    if magic.startswith(b"PK\x03\x04") and suffix in XLSX_SUFFIXES:
        return "xlsx"
    if magic == XLS_MAGIC and suffix in (".xls", ".xlsx", ""):
        return "xls"
    if magic.startswith(b"PK\x03\x04") and suffix not in (".gpkg", ".kmz", ".zip", ".docx", ".ods"):
        try:
            with zipfile.ZipFile(path) as zf:
                return "xlsx" if "xl/workbook.xml" in zf.namelist() else None
        except (zipfile.BadZipFile, OSError):
            return None
    return None


def _value(v):
    """A cell value as the validators expect it: strings and numbers, dates as ISO text."""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) and v.tzinfo is None else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    if isinstance(v, str):
        return v if v.strip() else None
    return v


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _finish(name: str, raw_rows, path: Path, header_only: bool = False) -> Sheet | None:
    """Find the header (first non-empty row) and collect the data rows after it."""
    header_row, header, rows, blank = None, None, [], 0
    for excel_row, values in raw_rows:
        values = [_value(v) for v in values]
        if header is None:
            if all(_empty(v) for v in values):
                continue
            while values and _empty(values[-1]):
                values.pop()
            header_row, header = excel_row, values
            if header_only:
                break
            continue
        if all(_empty(v) for v in values):
            blank += 1
            continue
        rows.append((excel_row, values))
        if len(rows) > MAX_ROWS:
            raise ReadError(f"{path.name}: sheet {name!r} has more than {MAX_ROWS:,} rows")
    if header is None:
        return None
    return Sheet(name, header_row, header, rows, blank)


def read_sheets(path: Path, header_only: bool = False) -> list[Sheet]:
    """Every non-empty sheet of a workbook, values only."""
    path = Path(path)
    check_size(path)
    kind = is_workbook(path)
    if kind == "xls":
        return _read_xls(path, header_only)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    try:
        sheets = []
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # chart sheets
            ws.reset_dimensions()  # trust the cells, not the (often wrong) stored size
            rows = ((i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1))
            sheet = _finish(ws.title, rows, path, header_only)
            if sheet is not None:
                sheets.append(sheet)
        return sheets
    finally:
        wb.close()


def _read_xls(path: Path, header_only: bool) -> list[Sheet]:
    try:
        import xlrd3 as xlrd
    except ImportError:
        try:
            import xlrd
        except ImportError:
            raise ReadError(f"{path.name}: old .xls workbooks need the xlrd package; save it as .xlsx") from None
    try:
        book = xlrd.open_workbook(file_contents=path.read_bytes(), on_demand=True)
    except Exception as exc:  # xlrd raises its own error classes and plain ones
        hint = (" (an .xlsx in the old binary format is usually password-protected: save it without a password)"
                if path.suffix.lower() == ".xlsx" else "")
        raise ReadError(f"{path.name}: not a readable .xls workbook ({exc}){hint}") from None
    sheets = []
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)

        def rows(sh=sh):
            for r in range(sh.nrows):
                values = []
                for c in range(sh.ncols):
                    cell = sh.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        values.append(None)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        values.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        values.append(bool(cell.value))
                    elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                        values.append(int(cell.value))
                    else:
                        values.append(cell.value)
                yield r + 1, values
        sheet = _finish(sh.name, rows(), path, header_only)
        if sheet is not None:
            sheets.append(sheet)
    return sheets


def sheet_frame(sheet: Sheet) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Raw frame (index = data row: Excel row minus the header's row), rejected rows, notes."""
    from .kobo import is_identity

    header = unique_names(["" if _empty(h) else str(h).strip() for h in sheet.header])
    width = len(header)
    identity = {i for i, h in enumerate(header) if is_identity(h)}
    good, index, bad, notes = [], [], {}, []
    for excel_row, values in sheet.rows:
        data_row = excel_row - sheet.header_row
        extra = [v for v in values[width:] if not _empty(v)]
        if extra:
            shown = ["" if _empty(v) else (WITHHELD if i in identity else str(v)) for i, v in enumerate(values)]
            if identity:
                shown = shown[:width] + [WITHHELD if v else "" for v in shown[width:]]
            bad[data_row] = (f"row: has {len(extra)} value(s) right of the header's {width} columns",
                             " | ".join(shown))
            continue
        values = (values + [None] * width)[:width]
        good.append(values)
        index.append(data_row)
    frame = pd.DataFrame(good, columns=header, index=pd.Index(index, dtype="int64"), dtype=object)
    blank_header = [h for h, raw in zip(header, sheet.header + [None] * width) if _empty(raw)]
    frame = frame.drop(columns=[h for h in blank_header if frame[h].isna().all()])
    if sheet.blank:
        notes.append(f"sheet {sheet.name!r}: {sheet.blank} blank row(s) skipped")
    if sheet.header_row != 1:
        notes.append(f"sheet {sheet.name!r}: the header is on Excel row {sheet.header_row}; "
                     f"row numbers count from the row under it")
    return frame, rejected_frame(bad), notes


def _sheet_layer(name: str) -> str | None:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return key if key in LAYERS else None


def sniff(path: Path, head: str, fmt: str = "excel") -> bool:
    if is_workbook(path) is None:
        return False
    from .kobo import workbook_is_kobo

    return not workbook_is_kobo(path)


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "excel") -> list[RawTable]:
    path = Path(path)
    sheets = read_sheets(path)
    if not sheets:
        raise ReadError(f"{path.name}: the workbook has no data")
    tables = []
    for sheet in sheets:
        frame, rejected, notes = sheet_frame(sheet)
        frame = canonical_columns(frame)
        this = _sheet_layer(sheet.name) or guess_layer(frame.columns)
        if len(sheets) == 1 and layer is not None:
            this = layer
        if this is None:
            raise ReadError(f"{path.name}: cannot tell which layer sheet {sheet.name!r} holds (name it alerts, "
                            "sites, presence, patrols or patrol_points, or give it a 'category', 'site_id', "
                            "'base_id' or 'patrol_id' column)")
        if layer is not None and this != layer:
            continue
        notes.append(f"sheet {sheet.name!r} read as {this}")
        tables.append(RawTable(this, frame, path.name, "excel", notes, rejected))
    if not tables:
        raise ReadError(f"{path.name}: no sheet holds the {layer} layer")
    return tables
