"""Reading delimited text safely: size limit, encodings, ragged rows, over-long fields.

Every CSV-based reader goes through :func:`read_rows`, so a wrong encoding or
a broken line gets the same readable reason whatever the format. A clean file
takes a fast path (pandas' C parser) and anything else a row-by-row path;
both give the same rows and the same reasons.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import threading
from pathlib import Path

import pandas as pd

from ..security import WITHHELD, identity_positions
from .base import ReadError

#: Files larger than this are refused whole (override with EWARNING_MAX_FILE_MB).
DEFAULT_MAX_FILE_MB = 200
#: Longest value one field may hold, in characters; a row with a longer one is set aside with the
#: reason, the rest of the file is read. 131,072 is the csv module's own default limit, which
#: users met before; it is some 40 pages of text, and the validators keep at most 10,000.
MAX_FIELD_CHARS = 131_072
#: Characters of an over-long field kept in the rejected row's raw text, for the user to find it.
RAW_FIELD_CHARS = 1_000
#: Longest raw text kept for one rejected row (many long fields together), in characters.
MAX_RAW_CHARS = 100_000
#: The csv module's field limit while this module tokenises (the largest a C long holds on every
#: platform): the file is already in memory and below the size limit, so no field can be larger
#: than the text, and over-long fields are judged row by row against MAX_FIELD_CHARS instead.
_TOKENISER_FIELD_LIMIT = 2**31 - 1


def max_file_bytes() -> int:
    return int(float(os.environ.get("EWARNING_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)) * 1024 * 1024)


def check_size(path: Path) -> None:
    size = Path(path).stat().st_size
    limit = max_file_bytes()
    if size > limit:
        raise ReadError(f"{Path(path).name}: file is {size / 1e6:,.1f} MB, above the {limit / 1e6:,.0f} MB limit "
                        "(split it, or raise EWARNING_MAX_FILE_MB)")
    if size == 0:
        raise ReadError(f"{Path(path).name}: file is empty")


def decode(data: bytes, encoding: str | None = None) -> tuple[str, list[str]]:
    """Text of ``data``; bytes that are not valid UTF-8 become surrogates.

    A byte-order mark is removed. UTF-16 (what Excel's "Unicode text" writes)
    is recognised by its mark. Rows still holding surrogates are rejected by
    :func:`read_rows` with a reason naming the byte, so nothing is silently
    misread as the wrong letter.
    """
    notes: list[str] = []
    if encoding:
        return data.decode(encoding, errors="surrogateescape"), notes
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), ["file is UTF-16; read as such"]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="surrogateescape"), notes


_field_limit_lock = threading.Lock()
_field_limit_users = 0
_field_limit_saved: int | None = None


@contextlib.contextmanager
def csv_fields_unbounded():
    """Lift the csv module's per-field limit while a file is tokenised, then put it back.

    The limit is one process-wide setting, and readers may run in several
    threads at once (the dashboard serves several users): the first reader in
    raises it, the last one out restores the value it found. Code outside
    this module running meanwhile only sees a higher limit, which never makes
    a read fail.
    """
    global _field_limit_users, _field_limit_saved
    with _field_limit_lock:
        if _field_limit_users == 0:
            _field_limit_saved = csv.field_size_limit(_TOKENISER_FIELD_LIMIT)
        _field_limit_users += 1
    try:
        yield
    finally:
        with _field_limit_lock:
            _field_limit_users -= 1
            if _field_limit_users == 0:
                csv.field_size_limit(_field_limit_saved)


def over_long(name: str, length: int) -> str:
    """The reason for a row set aside because one field is too long."""
    return (f"{name}: value of {length:,} characters, above the {MAX_FIELD_CHARS:,}-character limit "
            "for one field (the rest of the file was read)")


def read_rows(path: Path, encoding: str | None = None, skip_rows: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read a delimited file into strings.

    Returns
    -------
    frame : DataFrame of str
        Header names stripped; index = 1-based data row number.
    rejected : DataFrame
        ``reason, raw`` for rows that could not be read (wrong field count,
        invalid bytes, a field over :data:`MAX_FIELD_CHARS`), indexed by data
        row number. ``raw`` is the row as CSV text with reporter identities
        withheld and over-long fields cut (see :func:`_raw_line`).
    notes : list of str
        Includes the count of blank lines skipped (lines without any value).

    Raises
    ------
    ReadError
        For a file that is not delimited text at all, or is too large.
    """
    path = Path(path)
    check_size(path)
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{path.name}: this is a binary file, not CSV text")
    text, notes = decode(data, encoding)
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    with csv_fields_unbounded():
        fast = _read_regular(text, delimiter, skip_rows, notes)
        if fast is not None:
            return fast
        return _read_row_by_row(path, text, delimiter, skip_rows, notes)


def _read_row_by_row(path: Path, text: str, delimiter: str, skip_rows: int, notes: list[str]
                     ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The careful reader: each row that cannot be taken gets its own reason."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for _ in range(skip_rows):
            next(reader)
        header = next(reader)
    except StopIteration:
        raise ReadError(f"{path.name}: no header row") from None
    except csv.Error as exc:
        raise ReadError(f"{path.name}: not readable as CSV ({exc})") from None
    header = [h.strip() for h in header]
    _check_header(path, header)
    width = len(header)
    identity = identity_positions(header)
    any_bad_bytes = _has_surrogates(text)
    good: list[list[str]] = []
    good_rows: list[int] = []
    bad: dict[int, tuple[str, str]] = {}
    row_no = 0
    blank = 0
    try:
        for fields in reader:
            row_no += 1
            if not fields or all(not f.strip() for f in fields):
                blank += 1  # a blank line carries no data; counted in the notes
                continue
            joined = delimiter.join(fields) if any_bad_bytes else ""
            if any_bad_bytes and _has_surrogates(joined):
                byte = _first_bad_byte(joined)
                bad[row_no] = (f"row: not valid UTF-8 (byte 0x{byte:02x}); re-save the file as UTF-8 "
                               "or give --encoding (e.g. cp1252)", _raw_line(fields, width, identity, delimiter))
                continue
            if len(fields) != width:
                if len(fields) > width and all(not f.strip() for f in fields[width:]):
                    fields = fields[:width]  # trailing empty cells, as spreadsheets write
                else:
                    bad[row_no] = (f"row: has {len(fields)} fields, the header has {width}",
                                   _raw_line(fields, width, identity, delimiter))
                    continue
            if max(map(len, fields)) > MAX_FIELD_CHARS:
                first = next(i for i, f in enumerate(fields) if len(f) > MAX_FIELD_CHARS)
                bad[row_no] = (over_long(header[first], len(fields[first])),
                               _raw_line(fields, width, identity, delimiter))
                continue
            good.append(fields)
            good_rows.append(row_no)
    except csv.Error as exc:
        raise ReadError(f"{path.name}: CSV broken near data row {row_no + 1} ({exc})") from None
    if blank:
        notes.append(f"{blank} blank line(s) skipped")
    frame = pd.DataFrame(good, columns=unique_names(header), index=pd.Index(good_rows, dtype="int64"), dtype=object)
    rejected = pd.DataFrame({"reason": [r for r, _ in bad.values()], "raw": [t for _, t in bad.values()]},
                            index=pd.Index(list(bad), dtype="int64"))
    return frame, rejected, notes


def _check_header(path: Path, header: list[str]) -> None:
    if _has_surrogates("".join(header)):
        raise ReadError(f"{path.name}: the header is not valid UTF-8; re-save the file as UTF-8 "
                        "(or give --encoding, e.g. cp1252)")
    longest = max((len(h) for h in header), default=0)
    if longest > MAX_FIELD_CHARS:
        raise ReadError(f"{path.name}: a header name is {longest:,} characters long, above the "
                        f"{MAX_FIELD_CHARS:,}-character limit; this is not a table's header row")


def _read_regular(text: str, delimiter: str, skip_rows: int, notes: list[str]):
    """Fast path for the common, clean file: pandas' C parser, same result.

    Taken only when nothing needs a per-row diagnosis: valid UTF-8, no blank
    lines, and every row exactly as wide as the header (pandas would pad a
    short row with empty cells where the careful reader sets it aside, so
    the widths are checked with the csv tokeniser first). Anything else
    (returns None) goes through the row-by-row reader, which explains each
    problem. A field over :data:`MAX_FIELD_CHARS` is set aside here exactly
    as there. Must run inside :func:`csv_fields_unbounded`.
    """
    if _has_surrogates(text) or "\n\n" in text or "\r\n\r\n" in text:
        return None
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for _ in range(skip_rows):
            next(rows, None)
        widths = set(map(len, rows))  # tokenised in C: no Python code per row
    except csv.Error:
        return None
    if len(widths) != 1:
        return None  # ragged (or no rows at all): the careful reader says which rows
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                            skiprows=skip_rows, skip_blank_lines=False, on_bad_lines="error", engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    header = [str(h).strip() for h in frame.columns]
    if widths != {len(header)}:
        return None
    if any(h.startswith("Unnamed: ") for h in header) or len(set(header)) != len(header):
        return None  # blank or repeated header names: let the careful reader name them
    if max((len(h) for h in header), default=0) > MAX_FIELD_CHARS:
        return None  # the careful reader refuses it with the reason
    frame.columns = header
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    valueless = pd.Series(True, index=frame.index)
    over = pd.Series(None, index=frame.index, dtype=object)  # first over-long column of each row
    for name in header:
        column = frame[name]
        valueless &= column.str.strip().eq("")
        too_long = column.str.len() > MAX_FIELD_CHARS
        over = over.mask(too_long & over.isna(), name)
    bad: dict[int, tuple[str, str]] = {}
    if over.notna().any():
        identity = identity_positions(header)
        for row_no in over.index[over.notna()]:
            fields = frame.loc[row_no].tolist()
            name = over[row_no]
            bad[int(row_no)] = (over_long(name, len(frame.at[row_no, name])),
                                _raw_line(fields, len(header), identity, delimiter))
    if valueless.any():
        notes.append(f"{int(valueless.sum())} blank line(s) skipped")
    frame = frame[~(valueless | over.notna()).to_numpy()]
    rejected = pd.DataFrame({"reason": [r for r, _ in bad.values()], "raw": [t for _, t in bad.values()]},
                            index=pd.Index(list(bad), dtype="int64"), dtype=object)
    return frame.astype(object), rejected, notes


def _raw_line(fields: list[str], width: int, identity: list[int], delimiter: str) -> str:
    """A rejected row as CSV text for repair, reporter identities withheld, size bounded.

    When the row's fields do not line up with the header, any of them might
    be the identity, so such a row is withheld whole if the file has an
    identity column (do no harm before convenience). A field over
    :data:`MAX_FIELD_CHARS` keeps its first :data:`RAW_FIELD_CHARS`
    characters and a marker saying how long it was; the whole text stops at
    :data:`MAX_RAW_CHARS`.
    """
    if identity and len(fields) != width:
        return (f"{WITHHELD} this row does not line up with the header and the file has reporter identity "
                "columns; open the source file at this row")
    fields = [WITHHELD if i in identity and f.strip() else _printable(_cut(f)) for i, f in enumerate(fields)]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(fields)
    text = buf.getvalue()
    return text if len(text) <= MAX_RAW_CHARS else text[:MAX_RAW_CHARS] + _marker(len(text))


def _marker(length: int) -> str:
    # No comma, semicolon, tab or bar: the marker must not add a field to the raw line.
    return f" [... cut here: {length} characters in all]"


def _cut(field: str) -> str:
    return field if len(field) <= MAX_FIELD_CHARS else field[:RAW_FIELD_CHARS] + _marker(len(field))


def refuse_repeated_columns(path: Path, columns, dataset: str) -> None:
    """Refuse an export whose column names repeat once case and spaces are set aside.

    A published dataset (ACLED, UCDP) has each column once; two spellings of
    one (``Latitude`` and ``latitude``) mean the file was edited, and which
    one holds the right values cannot be told, so the file is refused whole.

    Raises
    ------
    ReadError
        Naming the repeated column.
    """
    seen: dict[str, int] = {}
    for name in columns:
        key = str(name).strip().lower()
        seen[key] = seen.get(key, 0) + 1
    for key, count in seen.items():
        if count > 1:
            raise ReadError(f"{Path(path).name}: column {key!r} appears {count} times in the header (names are "
                            f"compared ignoring case); a {dataset} export has each column once: remove or rename "
                            "the copies")


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique (``a, a.1, a.2``); blanks become ``unnamed``."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "unnamed"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _first_bad_byte(text: str) -> int:
    for ch in text:
        if "\udc80" <= ch <= "\udcff":
            return ord(ch) - 0xDC00
    return 0


def _printable(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
