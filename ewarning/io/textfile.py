"""Reading delimited text safely: size limit, encodings, ragged rows.

Every CSV-based reader goes through :func:`read_rows`, so a wrong encoding or
a broken line gets the same readable reason whatever the format.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd

from ..security import WITHHELD, identity_positions
from .base import ReadError

#: Files larger than this are refused whole (override with EWARNING_MAX_FILE_MB).
DEFAULT_MAX_FILE_MB = 200


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


def read_rows(path: Path, encoding: str | None = None, skip_rows: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read a delimited file into strings.

    Returns
    -------
    frame : DataFrame of str
        Header names stripped; index = 1-based data row number.
    rejected : DataFrame
        ``reason, raw`` for rows that could not be read (wrong field count,
        invalid bytes), indexed by data row number.
    notes : list of str

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
    fast = _read_regular(text, delimiter, skip_rows, notes)
    if fast is not None:
        return fast
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
    if _has_surrogates("".join(header)):
        raise ReadError(f"{path.name}: the header is not valid UTF-8; re-save the file as UTF-8 "
                        "(or give --encoding, e.g. cp1252)")
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


def _read_regular(text: str, delimiter: str, skip_rows: int, notes: list[str]):
    """Fast path for the common, clean file: pandas' C parser, same result.

    Taken only when nothing needs a per-row diagnosis: valid UTF-8, no blank
    lines, and every row as wide as the header. Anything else (returns None)
    goes through the row-by-row reader, which explains each problem.
    """
    if _has_surrogates(text) or "\n\n" in text or "\r\n\r\n" in text:
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                            skiprows=skip_rows, skip_blank_lines=False, on_bad_lines="error", engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    header = [str(h).strip() for h in frame.columns]
    if any(h.startswith("Unnamed: ") for h in header) or len(set(header)) != len(header):
        return None  # blank or repeated header names: let the careful reader name them
    frame.columns = header
    blank = (frame == "").all(axis=1) if len(frame.columns) else pd.Series(False, index=frame.index)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    if blank.any():
        notes.append(f"{int(blank.sum())} blank line(s) skipped")
        frame = frame[~blank.to_numpy()]
    rejected = pd.DataFrame({"reason": pd.Series(dtype=object), "raw": pd.Series(dtype=object)},
                            index=pd.Index([], dtype="int64"))
    return frame.astype(object), rejected, notes


def _raw_line(fields: list[str], width: int, identity: list[int], delimiter: str) -> str:
    """A rejected row as CSV text for repair, reporter identities withheld.

    When the row's fields do not line up with the header, any of them might
    be the identity, so such a row is withheld whole if the file has an
    identity column (do no harm before convenience).
    """
    if identity and len(fields) != width:
        return (f"{WITHHELD} this row does not line up with the header and the file has reporter identity "
                "columns; open the source file at this row")
    fields = [WITHHELD if i in identity and f.strip() else _printable(f) for i, f in enumerate(fields)]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(fields)
    return buf.getvalue()


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
