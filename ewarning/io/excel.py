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

Hostile or damaged workbooks: an .xlsx is a zip archive, and a few hundred
kilobytes of zip can unpack to gigabytes. Before openpyxl opens anything,
:func:`check_archive` reads the zip's directory (the sizes it states are
binding: Python's zip reader stops at the stated size and then fails the
checksum) and refuses archives that would unpack too much, too suspiciously,
or into too many parts. While rows are read, :class:`CellBudget` stops a
workbook whose sheets hold more cells than the limit. A damaged zip, a part
that does not decompress and malformed XML are refused with a
:class:`~ewarning.io.base.ReadError` that says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import struct
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .base import LAYERS, RawTable, ReadError
from .hxl import WITHHELD, rejected_frame
from .own import canonical_columns, guess_layer
from .textfile import check_size, unique_names

XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# -- limits, checked before a workbook is parsed (see check_archive) ------------------
#: Parts (zip members) in one workbook. A workbook has a dozen parts plus a few per sheet, chart or
#: image; thousands only come from a crafted file, and each costs openpyxl a lookup.
MAX_MEMBERS = 10_000
#: Bytes all parts together unpack to. Measured: openpyxl reads sheet XML at about 2 MB/s here
#: (~55 bytes per cell), so 512 MiB is several minutes of parsing and ~10 million cells, the
#: same scale as MAX_CELLS. Larger tables belong in CSV, which reads fifty times faster.
MAX_UNCOMPRESSED_BYTES = 512 * 2**20
#: Largest unpacked/packed ratio of one part, and of all parts together (so that a bomb split
#: into many small parts is caught too). Measured: sheets of varied data 6x, every row alike
#: 15x, a million formatted empty rows 28x; deflate bombs reach about 1,000x. With this cap the
#: parsing work stays within a hundred times the file's size, like any honest file's.
MAX_COMPRESSION_RATIO = 100
#: The ratio is only judged from this many unpacked bytes (per part, and in all): tiny parts
#: (a 2 KB styles part of repeated tags) can have any ratio and cost nothing.
RATIO_CHECKED_FROM_BYTES = 2**20
#: Bytes of the shared-strings part. openpyxl loads every shared string before the first row is
#: read (it cannot stream them), at about 120,000 strings a second here and ~100 bytes of memory
#: each; an entry takes at least 17 bytes of XML, so 32 MiB is at most 2 million strings (~16 s).
#: That is some 150,000 distinct report texts of 200 characters.
MAX_SHARED_STRINGS_BYTES = 32 * 2**20
#: Largest unpacked/packed ratio of the shared strings. Excel stores each distinct text once, so
#: the part does not repeat itself: measured 2x (random ids) to 12x (dates as text). Millions of
#: tiny repeated entries (the costly kind) pack far better than that.
MAX_SHARED_STRINGS_RATIO = 25
#: Cells read, all sheets together, counting every data row as wide as its header (that is the
#: size of the table the rows become). 10 million is 500,000 reports of 20 columns, and
#: minutes of openpyxl's time; a sheet "using" all 16,384 columns hits it after 610 rows.
MAX_CELLS = 10_000_000
#: Excel's own last row. A row numbered beyond it only comes from a crafted file.
MAX_SHEET_ROWS = 1_048_576
#: Kept for callers of the old name.
MAX_ROWS = MAX_SHEET_ROWS
#: Content type of the shared-strings part in [Content_Types].xml.
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CONTENT_TYPES = "[Content_Types].xml"
#: Zip compression methods Excel and other spreadsheet programs write (stored, deflated).
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
#: What a damaged or truncated zip makes the zip and XML readers raise.
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error)


class Sheet:
    """One worksheet as read: header cells and data rows with their Excel row numbers."""

    def __init__(self, name: str, header_row: int, header: list, rows: list[tuple[int, list]], blank: int):
        self.name = name
        self.header_row = header_row
        self.header = header
        self.rows = rows
        self.blank = blank


class CellBudget:
    """Cells a workbook may still be read into (:data:`MAX_CELLS`), shared by all its sheets.

    Parameters
    ----------
    path : Path
        The workbook, named in the refusal.
    limit : int, optional
        Cells allowed in all (default :data:`MAX_CELLS`).
    """

    def __init__(self, path: Path, limit: int | None = None):
        self.path = Path(path)
        self.limit = MAX_CELLS if limit is None else limit
        self.used = 0

    def spend(self, cells: int, sheet: str) -> None:
        """Count ``cells`` more; refuse the workbook once past the limit."""
        self.used += cells
        if self.used > self.limit:
            raise ReadError(f"{self.path.name}: sheet {sheet!r} takes the workbook past {self.limit:,} cells "
                            "(counting each row as wide as its header); a table this large should be saved "
                            "as CSV, or split")


def damaged(path: Path, cause: BaseException | str) -> ReadError:
    """The refusal for a workbook whose zip or XML is broken, in the user's terms."""
    said = cause if isinstance(cause, str) else (str(cause) or type(cause).__name__)
    if isinstance(cause, zlib.error):
        said = f"a compressed part does not unpack: {said}"
    elif isinstance(cause, EOFError):
        said = f"a compressed part ends early: {said}"
    elif isinstance(cause, (ParseError, SyntaxError)):
        said = f"malformed XML inside it: {said}"
    said = said if len(said) <= 300 else said[:300] + " ..."
    return ReadError(f"{Path(path).name}: the workbook is damaged or incomplete ({said}); save it again from Excel")


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
        except (*_DAMAGED, OSError, ValueError):
            return None  # not a readable zip: not a workbook to this sniffer
    return None


def check_archive(path: Path) -> None:
    """Refuse a zip that is damaged or would unpack too much, before anything is decompressed.

    Only the zip's central directory is read (plus ``[Content_Types].xml``,
    once its own size passed, to learn which part holds the shared strings).
    The sizes the directory states are binding: Python's zip reader stops at
    the stated size and then fails the checksum, so a part cannot unpack to
    more than it claims.

    Raises
    ------
    ReadError
        Damaged or truncated zip; encrypted parts; more than
        :data:`MAX_MEMBERS` parts; more than :data:`MAX_UNCOMPRESSED_BYTES`
        in all; a part, or all parts together, over
        :data:`RATIO_CHECKED_FROM_BYTES` and packed more than
        :data:`MAX_COMPRESSION_RATIO` to one; shared strings over
        :data:`MAX_SHARED_STRINGS_BYTES` or packed more than
        :data:`MAX_SHARED_STRINGS_RATIO` to one.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                raise ReadError(f"{path.name}: the workbook has {len(members):,} parts, more than the "
                                f"{MAX_MEMBERS:,} a spreadsheet needs; refused as unsafe to open")
            for info in members:
                _check_member(path, info)
            total = sum(info.file_size for info in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ReadError(f"{path.name}: the workbook unpacks to {total / 2**20:,.0f} MiB, above the "
                                f"{MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MiB limit; save the table as CSV, or split it")
            packed = sum(info.compress_size for info in members)
            if total >= RATIO_CHECKED_FROM_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1):
                raise ReadError(f"{path.name}: its {len(members)} parts would unpack {total / max(packed, 1):,.0f} "
                                f"times their packed size (to {total / 2**20:,.0f} MiB); real spreadsheets stay "
                                f"under {MAX_COMPRESSION_RATIO}, so it is refused as a decompression bomb")
            strings = _shared_strings_parts(zf, members)
    except ReadError:
        raise
    except (*_DAMAGED, ParseError, DefusedXmlException, ValueError) as exc:
        raise damaged(path, exc) from None
    for info in strings:
        if info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ReadError(f"{path.name}: the workbook's shared text ({info.filename}) unpacks to "
                            f"{info.file_size / 2**20:,.0f} MiB, above the {MAX_SHARED_STRINGS_BYTES / 2**20:,.0f} "
                            "MiB limit; save the table as CSV, or split it")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > MAX_SHARED_STRINGS_RATIO:
            raise ReadError(f"{path.name}: the workbook's shared text ({info.filename}) would unpack {ratio:,.0f} "
                            f"times its packed size; Excel stores each text once, which stays under "
                            f"{MAX_SHARED_STRINGS_RATIO}, so it is refused as a decompression bomb")


def _check_member(path: Path, info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise ReadError(f"{path.name}: the workbook is password-protected; save it without a password")
    if info.compress_type not in _METHODS:
        raise ReadError(f"{path.name}: part {info.filename!r} uses zip compression method {info.compress_type}, "
                        "which spreadsheet programs do not write; save it again from Excel")
    if info.file_size >= RATIO_CHECKED_FROM_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise ReadError(f"{path.name}: part {info.filename!r} would unpack {ratio:,.0f} times its packed size "
                            f"(to {info.file_size / 2**20:,.0f} MiB); real spreadsheets stay under "
                            f"{MAX_COMPRESSION_RATIO}, so it is refused as a decompression bomb")


def _shared_strings_parts(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The part(s) that may hold shared strings: the usual name, and the one the manifest names."""
    by_name = {info.filename: info for info in members}
    names = {n for n in by_name if n.lower().rsplit("/", 1)[-1] == "sharedstrings.xml"}
    manifest = by_name.get(_CONTENT_TYPES)
    # The manifest is checked like every part above; it is a few kilobytes in a real workbook.
    if manifest is not None and manifest.file_size <= RATIO_CHECKED_FROM_BYTES:
        root = SafeET.fromstring(zf.read(_CONTENT_TYPES), forbid_dtd=True)
        for override in root:
            if override.get("ContentType") == _SHARED_STRINGS_TYPE:
                names.add(str(override.get("PartName") or "").lstrip("/"))
    return [by_name[n] for n in sorted(names) if n in by_name]


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


def _finish(name: str, raw_rows, path: Path, header_only: bool = False, budget: CellBudget | None = None
            ) -> Sheet | None:
    """Find the header (first non-empty row) and collect the data rows after it.

    ``raw_rows`` yields ``(excel_row, values)`` in file order; rows missing
    between two numbers are blank. Blank rows under the header (no value in
    any cell) are counted, for the notes; every other row is kept.

    Raises
    ------
    ReadError
        A row numbered at or before the one above it (the sheet is damaged:
        which of the two is right cannot be told), a row beyond Excel's last,
        or the workbook past :data:`MAX_CELLS`.
    """
    budget = budget or CellBudget(path)
    header_row, header, rows, blank = None, None, [], 0
    previous = 0
    for excel_row, values in raw_rows:
        if excel_row <= previous:
            raise damaged(path, f"sheet {name!r} has row {excel_row} after row {previous}")
        if excel_row > MAX_SHEET_ROWS:
            raise ReadError(f"{path.name}: sheet {name!r} has a row numbered {excel_row:,}, beyond Excel's last "
                            f"row ({MAX_SHEET_ROWS:,}); the workbook is damaged or crafted: save it again from Excel")
        if header is not None:
            blank += excel_row - previous - 1  # rows the file leaves out are empty rows
        previous = excel_row
        budget.spend(max(len(values), len(header) if header is not None else 0), name)
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
    if header is None:
        return None
    return Sheet(name, header_row, header, rows, blank)


class Unreadable:
    """A cell whose stored value cannot be read (a number that is not one, a dangling string index).

    Kept in place of the value so that :func:`sheet_frame` sets its row aside
    with the reason, instead of the whole workbook failing on one cell.
    """

    def __init__(self, coordinate: str, what: str):
        self.coordinate = coordinate
        self.what = what

    def __str__(self) -> str:
        return f"[unreadable cell {self.coordinate}]"


@functools.lru_cache(maxsize=1)
def _cell_parser():
    """openpyxl's worksheet parser, with cells it cannot convert kept as :class:`Unreadable`.

    Built on first use: openpyxl is imported only when a workbook is read.
    """
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import WorkSheetParser

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            try:
                return super().parse_cell(element)
            except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
                coordinate = element.get("r")
                if not coordinate:
                    raise  # no address: where the cell belongs cannot be told; the sheet is damaged
                _, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
                kind = {"s": "a reference to shared text", "b": "a true/false value",
                        "d": "a date"}.get(element.get("t", "n"), "a number")
                what = (f"it is stored as {kind} but holds {(element.findtext(_VALUE_TAG) or '')[:40]!r} "
                        f"({type(exc).__name__})")
                return {"row": self.row_counter, "column": column, "value": Unreadable(coordinate, what)}

    return CellParser


_VALUE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}v"


def _sheet_rows(ws, path: Path):
    """``(excel_row, values)`` for every ``<row>`` of a read-only worksheet, in file order.

    openpyxl's own ``iter_rows`` silently skips a row numbered at or before
    the previous one and cells listed right-to-left, and stops the whole
    workbook at one cell it cannot convert. Reading its parser's rows here
    lets :func:`_finish` refuse a damaged sheet instead of losing rows, and
    :func:`sheet_frame` set an unreadable cell's row aside. (openpyxl is
    pinned; these are the attributes its read-only sheet uses itself.)
    """
    book = ws.parent
    with ws._get_source() as source:
        parser = _cell_parser()(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                                date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for excel_row, cells in parser.parse():
            by_column: dict[int, object] = {}
            for cell in cells:
                column = cell["column"]
                if column in by_column:
                    raise damaged(path, f"sheet {ws.title!r}, row {excel_row}: two cells in column {column}")
                by_column[column] = cell["value"]
            values = [None] * max(by_column, default=0)
            for column, value in by_column.items():
                values[column - 1] = value
            yield excel_row, values


def read_sheets(path: Path, header_only: bool = False) -> list[Sheet]:
    """Every non-empty sheet of a workbook, values only.

    Raises
    ------
    ReadError
        For a workbook that is damaged, crafted to exhaust the machine (see
        :func:`check_archive` and :data:`MAX_CELLS`), password-protected or
        not a workbook at all.
    """
    path = Path(path)
    check_size(path)
    kind = is_workbook(path)
    if kind == "xls":
        return _read_xls(path, header_only)
    check_archive(path)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    budget = CellBudget(path)
    with open(path, "rb") as fh:  # a handle, so openpyxl does not judge the file by its extension
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        except _DAMAGED + (ParseError,) as exc:
            raise damaged(path, exc) from None
        except (InvalidFileException, KeyError, OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
            raise ReadError(f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: "
                            f"{str(exc)[:300]})") from None
        try:
            sheets = []
            parts: set[str] = set()
            for ws in wb.worksheets:
                if not hasattr(ws, "iter_rows"):
                    continue  # chart sheets
                part = getattr(ws, "_worksheet_path", None)
                if part is not None and part in parts:
                    # One part read as many sheets would multiply the reading work past every limit above.
                    raise damaged(path, f"sheet {ws.title!r} is a second name for part {part!r}")
                parts.add(part)
                sheet = _finish(ws.title, _sheet_rows(ws, path), path, header_only, budget)
                if sheet is not None:
                    sheets.append(sheet)
            return sheets
        except ReadError:
            raise
        except _DAMAGED + (ParseError, ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
            # Raised by openpyxl's parser on a sheet whose XML is not what Excel writes.
            raise damaged(path, exc) from None
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
    budget = CellBudget(path)
    sheets = []
    for index in range(book.nsheets):
        try:
            sh = book.sheet_by_index(index)
        except Exception as exc:  # xlrd's errors for a damaged sheet record are of many kinds
            raise ReadError(f"{path.name}: sheet {index + 1} of the .xls workbook is damaged "
                            f"({type(exc).__name__}); save it again from Excel") from None

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
        sheet = _finish(sh.name, rows(), path, header_only, budget)
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
        unreadable = [(i, v) for i, v in enumerate(values[:width]) if isinstance(v, Unreadable)]
        if extra or unreadable:
            shown = ["" if _empty(v) else (WITHHELD if i in identity else str(v)) for i, v in enumerate(values)]
            if identity:
                shown = shown[:width] + [WITHHELD if v else "" for v in shown[width:]]
            if extra:
                reason = f"row: has {len(extra)} value(s) right of the header's {width} columns"
            else:
                i, cell = unreadable[0]
                said = "its stored value is damaged" if i in identity else cell.what
                reason = f"{header[i]}: Excel cell {cell.coordinate} cannot be read ({said}); retype it in Excel"
            bad[data_row] = (reason, " | ".join(shown))
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
    tables, skipped = [], []
    for sheet in sheets:
        frame, rejected, notes = sheet_frame(sheet)
        frame = canonical_columns(frame, notes)
        this = _sheet_layer(sheet.name) or guess_layer(frame.columns)
        if len(sheets) == 1 and layer is not None:
            this = layer
        if this is None:
            raise ReadError(f"{path.name}: cannot tell which layer sheet {sheet.name!r} holds (name it alerts, "
                            "sites, presence, patrols or patrol_points, or give it a 'category', 'site_id', "
                            "'base_id' or 'patrol_id' column)")
        if layer is not None and this != layer:
            skipped.append(f"sheet {sheet.name!r} ({this}, {len(frame) + len(rejected)} row(s)) not read: "
                           f"only the {layer} layer was asked for")
            continue
        notes.append(f"sheet {sheet.name!r} read as {this}")
        tables.append(RawTable(this, frame, path.name, "excel", notes, rejected))
    if not tables:
        raise ReadError(f"{path.name}: no sheet holds the {layer} layer")
    tables[0].notes.extend(skipped)  # said once, with the first table read
    return tables
