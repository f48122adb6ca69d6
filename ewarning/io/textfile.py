"""Reading delimited text safely: size limit, encodings, ragged rows.

Every CSV-based reader goes through :func:`read_rows`, so a wrong encoding or
a broken line gets the same readable reason whatever the format.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

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
            joined = delimiter.join(fields)
            if _has_surrogates(joined):
                byte = _first_bad_byte(joined)
                bad[row_no] = (f"row: not valid UTF-8 (byte 0x{byte:02x}); re-save the file as UTF-8 "
                               "or give --encoding (e.g. cp1252)", _printable(joined))
                continue
            if len(fields) != width:
                if len(fields) > width and all(not f.strip() for f in fields[width:]):
                    fields = fields[:width]  # trailing empty cells, as spreadsheets write
                else:
                    bad[row_no] = (f"row: has {len(fields)} fields, the header has {width}", joined)
                    continue
            good.append(fields)
            good_rows.append(row_no)
    except csv.Error as exc:
        raise ReadError(f"{path.name}: CSV broken near data row {row_no + 1} ({exc})") from None
    if blank:
        notes.append(f"{blank} blank line(s) skipped")
    frame = pd.DataFrame(good, columns=_unique(header), index=pd.Index(good_rows, dtype="int64"), dtype=object)
    rejected = pd.DataFrame({"reason": [r for r, _ in bad.values()], "raw": [t for _, t in bad.values()]},
                            index=pd.Index(list(bad), dtype="int64"))
    return frame, rejected, notes


def _unique(names: list[str]) -> list[str]:
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


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _first_bad_byte(text: str) -> int:
    for ch in text:
        if "\udc80" <= ch <= "\udcff":
            return ord(ch) - 0xDC00
    return 0


def _printable(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
