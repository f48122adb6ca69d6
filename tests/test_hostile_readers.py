"""Hostile and damaged input: every reader refuses clearly or accounts for every row.

The rule under test: a file that cannot be read is refused whole with a
``ReadError`` naming the file and the cause (never another exception type);
a file that can be read loses nothing: each source row is stored (valid),
quarantined by the validator, or set aside by the reader with a reason.

Each case writes a real file to ``tmp_path``: truncated and corrupted
workbooks, zip and shared-strings bombs, deeply nested XML, colliding headers,
NaN in numeric columns, over-long fields on both CSV paths, sparse first data
rows that look like HXL hashtags, blank rows. Bomb refusals are timed (the
time is recorded as a test property, never asserted) and one test checks the
memory they take in a separate process.
"""

from __future__ import annotations

import csv
import io
import json
import random
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from ewarning import alerts, patrols
from ewarning.importing import import_files
from ewarning.io import ReadError, detect_format, read
from ewarning.io import excel as excel_io
from ewarning.io import hxl as hxl_io
from ewarning.io import textfile
from ewarning.io import tracks as tracks_io
from ewarning.store import open_store
from tests.accounting import accounted, reasons

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled_sample.csv"
KOBO = DATA / "kobo_alerts.csv"
ROOT = Path(__file__).resolve().parent.parent
NOW = pd.Timestamp("2025-01-01", tz="UTC")
CAR_BBOX = (14.4, 2.2, 27.5, 11.1)
SECRET = b"test-secret"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def read_one(path, **kw):
    tables = read(path, **kw)
    assert len(tables) == 1
    return tables[0]


def refused(path: Path, match: str | None = None, **kw) -> str:
    """Assert that reading ``path`` raises ReadError naming the file; return the message."""
    with pytest.raises(ReadError) as info:
        read(path, **kw)
    message = str(info.value)
    assert path.name in message
    if match is not None:
        assert match in message, message
    return message


# -- building workbooks byte by byte ----------------------------------------------
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def base_workbook(path: Path, title: str = "alerts") -> Path:
    """A real openpyxl workbook (one sheet ``title``) given a shared-strings part, as Excel writes.

    openpyxl itself writes text inline, so the part (and its entry in the
    manifest, where readers look for it) is added here.
    """
    wb = openpyxl.Workbook()
    wb.active.title = title
    wb.active.append(["id"])
    plain = path.with_name("plain-" + path.name)
    wb.save(plain)
    with zipfile.ZipFile(plain) as zf:
        manifest = zf.read("[Content_Types].xml").replace(
            b"</Types>", f'<Override PartName="/{STRINGS}" ContentType="{STRINGS_TYPE}" /></Types>'.encode())
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>id</t></si></sst>'
    return rezip(plain, path, replace={"[Content_Types].xml": manifest}, add={STRINGS: strings.encode()})


def rezip(src: Path, dst: Path, replace: dict | None = None, add: dict | None = None) -> Path:
    """Copy a zip, replacing or adding members; a value is bytes or an iterable of byte chunks."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            content = replace.get(info.filename, None)
            _write_member(zout, info.filename, zin.read(info) if content is None else content)
        for name, content in add.items():
            _write_member(zout, name, content)
    return dst


def _write_member(zout: zipfile.ZipFile, name: str, content) -> None:
    if isinstance(content, bytes):
        zout.writestr(name, content)
        return
    with zout.open(name, "w", force_zip64=True) as out:  # streamed: a bomb is never held in memory
        for chunk in content:
            out.write(chunk)


def cell_xml(coordinate: str, value) -> str:
    """One ``<c>`` element: text inline, numbers as numbers, ``("raw", xml)`` as given."""
    if isinstance(value, tuple) and value[0] == "raw":
        return value[1]
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{coordinate}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<c r="{coordinate}"><v>{value}</v></c>'


def sheet_xml(rows: list[tuple[int, list[tuple[str, object]]]]) -> bytes:
    """Worksheet XML from ``[(row_number, [(column_letter, value), ...]), ...]`` in the order given."""
    body = "".join(f'<row r="{r}">' + "".join(cell_xml(f"{col}{r}", v) for col, v in cells) + "</row>"
                   for r, cells in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{body}'
            "</sheetData></worksheet>").encode()


def crafted_workbook(tmp_path: Path, name: str, rows, title: str = "alerts") -> Path:
    base = base_workbook(tmp_path / f"base-{name}", title)
    return rezip(base, tmp_path / name, replace={SHEET: sheet_xml(rows)})


def table_rows(header: list, records: list[list]) -> list:
    """Sheet rows for a header and records, from Excel row 1, columns A, B, C... (None: no cell)."""
    out = [(1, [(get_column_letter(i), h) for i, h in enumerate(header, start=1)])]
    for n, record in enumerate(records, start=2):
        out.append((n, [(get_column_letter(i), v) for i, v in enumerate(record, start=1) if v is not None]))
    return out


def raw_zip(path: Path, members: list[tuple[str, bytes]], cut: str | None = None, flags: int = 0) -> Path:
    """A zip written by hand, so that one member can be cut short or flagged.

    The ``cut`` member is written last, stored (not deflated), with only half
    of its bytes while both headers state its full size: reading it runs off
    the end of the file, as with a workbook truncated in transfer whose
    directory was rebuilt (zipfile raises EOFError).
    """
    members = sorted(members, key=lambda m: m[0] == cut)
    out = io.BytesIO()
    central = []
    for name, data in members:
        if name == cut:
            method, packed, packed_size = 0, data[: len(data) // 2], len(data)
        else:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            method, packed = 8, packer.compress(data) + packer.flush()
            packed_size = len(packed)
        crc, offset, encoded = zlib.crc32(data), out.tell(), name.encode()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, flags, method, 0, 0, crc, packed_size, len(data),
                              len(encoded), 0) + encoded + packed)
        central.append(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, flags, method, 0, 0, crc, packed_size,
                                   len(data), len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


def members_of(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


@pytest.fixture
def good_workbook(tmp_path) -> Path:
    path = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "alerts"
    ws.append(["id", "reported_at", "lat", "lon", "category", "text"])
    for i in range(200):
        ws.append([f"A{i}", "2018-11-15", 4.79, 20.68, "killing", f"report number {i} from the field"])
    plain = tmp_path / "good-plain.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as zf:
        manifest = zf.read("[Content_Types].xml").replace(
            b"</Types>", f'<Override PartName="/{STRINGS}" ContentType="{STRINGS_TYPE}" /></Types>'.encode())
    texts = "".join(f"<si><t>report number {i}</t></si>" for i in range(200))
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">{texts}</sst>'.encode()
    return rezip(plain, path, replace={"[Content_Types].xml": manifest}, add={STRINGS: strings})


# -- 1. damaged workbooks: a ReadError, never zlib.error / EOFError / XML errors --------
@pytest.mark.parametrize("fraction", [0.0005, 0.1, 0.35, 0.5, 0.8, 0.97])
def test_truncated_workbook_is_refused(tmp_path, good_workbook, fraction):
    data = good_workbook.read_bytes()
    path = tmp_path / f"cut-{fraction}.xlsx"
    path.write_bytes(data[: max(8, int(len(data) * fraction))])
    message = refused(path, "the workbook is damaged or incomplete")
    assert message.endswith("save it again from Excel")


def test_workbook_missing_its_last_byte_is_refused(tmp_path, good_workbook):
    path = tmp_path / "minus-one.xlsx"
    path.write_bytes(good_workbook.read_bytes()[:-1])
    refused(path, "damaged or incomplete")


def test_corrupted_member_is_refused(tmp_path, good_workbook):
    """Bytes flipped inside the sheet's compressed stream: zlib.error (or a checksum) in openpyxl."""
    data = bytearray(good_workbook.read_bytes())
    with zipfile.ZipFile(good_workbook) as zf:
        info = zf.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 40, start + 70):
        data[k] ^= 0xFF
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    refused(path, "damaged or incomplete")


def test_member_stream_cut_short_is_refused(tmp_path, good_workbook):
    """A zip that is itself valid, whose sheet's deflate stream ends early (EOFError in zipfile)."""
    path = raw_zip(tmp_path / "short-stream.xlsx", members_of(good_workbook), cut=SHEET)
    with zipfile.ZipFile(path) as zf, pytest.raises(EOFError):
        zf.read(SHEET)  # the premise: this is what openpyxl would meet
    refused(path, "damaged or incomplete")


def test_shared_strings_cut_short_is_refused(tmp_path, good_workbook):
    path = raw_zip(tmp_path / "short-strings.xlsx", members_of(good_workbook), cut=STRINGS)
    refused(path, "damaged or incomplete")


def test_malformed_sheet_xml_is_refused(tmp_path, good_workbook):
    path = rezip(good_workbook, tmp_path / "badxml.xlsx",
                 replace={SHEET: f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1">'.encode()})
    refused(path, "damaged or incomplete")


def test_encrypted_member_is_refused(tmp_path, good_workbook):
    path = raw_zip(tmp_path / "locked.xlsx", members_of(good_workbook), flags=0x1)
    refused(path, "password-protected")


def test_rows_out_of_order_are_refused_not_dropped(tmp_path):
    """openpyxl's iter_rows silently skips a row numbered below the previous one."""
    rows = table_rows(["id", "reported_at", "lat", "lon", "category"],
                      [["A1", "2018-11-15", 4.79, 20.68, "killing"], ["A2", "2018-11-15", 4.79, 20.68, "arson"]])
    rows = [rows[0], (5, rows[2][1]), (3, rows[1][1])]  # row 5 before row 3
    path = crafted_workbook(tmp_path, "order.xlsx", rows)
    refused(path, "has row 3 after row 5")


def test_two_cells_in_one_column_are_refused(tmp_path):
    rows = [(1, [("A", "id"), ("B", "category")]), (2, [("A", "A1"), ("A", "A2")])]
    refused(crafted_workbook(tmp_path, "twice.xlsx", rows), "two cells in column 1")


def test_cells_listed_right_to_left_are_all_read(tmp_path):
    header = ["id", "reported_at", "lat", "lon", "category"]
    rows = table_rows(header, [["A1", "2018-11-15", 4.79, 20.68, "killing"]])
    rows[1] = (2, list(reversed(rows[1][1])))  # openpyxl's iter_rows would keep only column A
    table = read_one(crafted_workbook(tmp_path, "rtl.xlsx", rows))
    assert table.frame.loc[1].tolist() == ["A1", "2018-11-15", 4.79, 20.68, "killing"]
    v = alerts.validate(table, now=NOW, secret=SECRET)
    assert len(v.valid) == 1
    accounted(table, v)


def test_row_beyond_excels_last_is_refused(tmp_path, record_property):
    """A row numbered 2 billion: refused at once, not after two billion empty rows."""
    rows = [(1, [("A", "id"), ("B", "category")]), (2_000_000_000, [("A", "A1"), ("B", "killing")])]
    start = time.perf_counter()
    refused(crafted_workbook(tmp_path, "far.xlsx", rows), "beyond Excel's last row")
    record_property("refusal_seconds", round(time.perf_counter() - start, 3))


def test_workbook_named_like_csv_is_still_read_as_workbook(tmp_path, good_workbook):
    path = tmp_path / "export.dat"
    path.write_bytes(good_workbook.read_bytes())
    assert detect_format(path) == "excel"
    assert len(read_one(path).frame) == 200


# -- 2. bombs: refused before parsing, fast and in bounded memory --------------------------------
def sheet_bomb(path: Path, base: Path, megabytes: int = 64) -> Path:
    """A sheet whose XML is mostly whitespace: ~1,000 to 1 packed; megabytes unpacked."""
    def chunks():
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'.encode()
        yield b'<c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
        block = b" " * 2**20
        for _ in range(megabytes):
            yield block
        yield b"</sheetData></worksheet>"
    return rezip(base, path, replace={SHEET: chunks()})


def strings_bomb(path: Path, base: Path, count: int = 3_000_000) -> Path:
    """Millions of tiny shared strings (openpyxl holds them all in memory before the first row)."""
    def chunks():
        yield f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">'.encode()
        block = b"<si><t>a</t></si>" * 10_000
        for _ in range(count // 10_000):
            yield block
        yield b"</sst>"
    return rezip(base, path, replace={STRINGS: chunks()})


def test_sheet_bomb_is_refused_before_parsing(tmp_path, record_property):
    path = sheet_bomb(tmp_path / "bomb.xlsx", base_workbook(tmp_path / "base.xlsx"))
    assert path.stat().st_size < 200_000  # a small file ...
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(SHEET).file_size > 64 * 2**20  # ... that unpacks to 64 MiB
    start = time.perf_counter()
    refused(path, "decompression bomb")
    record_property("refusal_seconds", round(time.perf_counter() - start, 3))


def test_shared_strings_bomb_is_refused_before_parsing(tmp_path, record_property):
    path = strings_bomb(tmp_path / "strings-bomb.xlsx", base_workbook(tmp_path / "base.xlsx"))
    start = time.perf_counter()
    message = refused(path)
    assert "decompression bomb" in message and STRINGS in message
    record_property("refusal_seconds", round(time.perf_counter() - start, 3))


def test_shared_strings_over_the_size_limit_are_refused(tmp_path, monkeypatch):
    """Not compressible enough to be a bomb, but more shared text than openpyxl should hold."""
    rng = random.Random(7)
    texts = "".join(f"<si><t>{rng.getrandbits(64):016x}</t></si>" for _ in range(40_000)).encode()
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">'.encode() + texts + b"</sst>"
    path = rezip(base_workbook(tmp_path / "base.xlsx"), tmp_path / "many-strings.xlsx", replace={STRINGS: strings})
    monkeypatch.setattr(excel_io, "MAX_SHARED_STRINGS_BYTES", 2**20)
    refused(path, "shared text")


def test_shared_strings_part_named_by_the_manifest_is_limited_too(tmp_path, monkeypatch):
    base = base_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as zf:
        manifest = zf.read("[Content_Types].xml").replace(b"/xl/sharedStrings.xml", b"/xl/text.xml")
        assert b"/xl/text.xml" in manifest
    rng = random.Random(3)
    texts = "".join(f"<si><t>{rng.getrandbits(64):016x}</t></si>" for _ in range(40_000)).encode()
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">'.encode() + texts + b"</sst>"
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == STRINGS:
                zout.writestr("xl/text.xml", strings)
            elif info.filename == "[Content_Types].xml":
                zout.writestr(info.filename, manifest)
            else:
                zout.writestr(info.filename, zin.read(info))
    monkeypatch.setattr(excel_io, "MAX_SHARED_STRINGS_BYTES", 2**20)
    refused(moved, "xl/text.xml")


def test_bomb_split_into_many_small_parts_is_refused(tmp_path):
    """Sixty sheets each unpacking to just under 1 MiB (below the per-part ratio check) at ~1,000:1."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k in range(60):
        wb.create_sheet(f"alerts {k}").append(["category", "lat", "lon", "occurred_at"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    row = (b'<row><c t="inlineStr"><is><t>killing</t></is></c><c><v>4.79</v></c><c><v>20.68</v></c>'
           b'<c t="inlineStr"><is><t>2018-11-15</t></is></c></row>')
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    body = head + row * ((2**20 - 1 - len(head) - len(tail)) // len(row)) + tail
    with zipfile.ZipFile(plain) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    path = rezip(plain, tmp_path / "split-bomb.xlsx", replace={n: body for n in sheets})
    with zipfile.ZipFile(path) as zf:
        assert all(zf.getinfo(n).file_size < excel_io.RATIO_CHECKED_FROM_BYTES for n in sheets)
    refused(path, "decompression bomb")


def test_shared_strings_that_repeat_themselves_are_refused(tmp_path):
    """Under the size limit and under 100:1, but Excel never stores one text twice: ~70:1 is a bomb."""
    rng = random.Random(5)
    block = b"".join(b"<si><t>ab</t></si>" * 58 + b"<si><t>%s</t></si>" % rng.randbytes(6).hex().encode()
                     for _ in range(600))
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">'.encode() + block * 12 + b"</sst>"
    path = rezip(base_workbook(tmp_path / "base.xlsx"), tmp_path / "repeated-strings.xlsx", replace={STRINGS: strings})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(STRINGS)
    assert info.file_size < excel_io.MAX_SHARED_STRINGS_BYTES
    assert excel_io.MAX_SHARED_STRINGS_RATIO < info.file_size / info.compress_size < excel_io.MAX_COMPRESSION_RATIO
    message = refused(path, "decompression bomb")
    assert "shared text" in message


def test_total_unpacked_size_is_limited(tmp_path, good_workbook, monkeypatch):
    monkeypatch.setattr(excel_io, "MAX_UNCOMPRESSED_BYTES", 20_000)
    refused(good_workbook, "unpacks to")
    monkeypatch.undo()
    assert len(read_one(good_workbook).frame) == 200  # the same file, under the real limit


def test_too_many_members_are_refused(tmp_path):
    extra = {f"xl/media/pad{i}.bin": b"x" for i in range(excel_io.MAX_MEMBERS + 1)}
    path = rezip(base_workbook(tmp_path / "base.xlsx"), tmp_path / "parts.xlsx", add=extra)
    refused(path, "parts")


def test_cells_limit_stops_a_sheet_as_wide_as_excel(tmp_path, record_property):
    """A header cell in column XFD makes every row 16,384 cells wide once read into a table."""
    rows = [(1, [("A", "id"), ("B", "category"), ("XFD", "far")])]
    rows += [(r, [("A", f"A{r}"), ("B", "killing")]) for r in range(2, 1_000)]
    path = crafted_workbook(tmp_path, "wide.xlsx", rows)
    start = time.perf_counter()
    refused(path, f"past {excel_io.MAX_CELLS:,} cells")
    record_property("refusal_seconds", round(time.perf_counter() - start, 3))


def test_cells_limit_counts_all_sheets(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    for title in ("alerts", "sites"):
        ws = wb.active if title == "alerts" else wb.create_sheet(title)
        ws.title = title
        ws.append(["id", "category"] if title == "alerts" else ["site_id", "name"])
        for i in range(30):
            ws.append([f"X{i}", "killing"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    monkeypatch.setattr(excel_io, "MAX_CELLS", 100)  # each sheet alone is 62 cells
    refused(path, "past 100 cells")


BOMB_SCRIPT = """
import resource, sys, time
from ewarning.io import ReadError, read
out = []
for path in sys.argv[1:]:
    start = time.perf_counter()
    try:
        read(path)
        out.append("outcome=read")
    except ReadError:
        out.append(f"outcome=refused seconds={time.perf_counter() - start:.2f}")
print("\\n".join(out))
print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_bombs_are_refused_in_bounded_memory(tmp_path):
    base = base_workbook(tmp_path / "base.xlsx")
    files = [sheet_bomb(tmp_path / "b1.xlsx", base, megabytes=200), strings_bomb(tmp_path / "b2.xlsx", base),
             deep_kml(tmp_path / "deep.kml", 10_000)]
    baseline = subprocess.run([sys.executable, "-c", BOMB_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    result = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, *map(str, files)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outcomes = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("outcome=")]
    assert outcomes == ["outcome=refused"] * len(files), result.stdout
    used = int(result.stdout.rsplit("maxrss_kb", 1)[1]) - int(baseline.stdout.rsplit("maxrss_kb", 1)[1])
    assert used < 100 * 1024, result.stdout  # kilobytes over the interpreter with the package imported


# -- 2b. deeply nested or huge XML (GPX/KML) --------------------------------------------------
def deep_kml(path: Path, depth: int) -> Path:
    path.write_text('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                    "<Placemark><name>deep</name>" + "<Folder>" * depth + "</Folder>" * depth
                    + "<Point><coordinates>20.6,4.7</coordinates></Point></Placemark></Document></kml>")
    return path


def test_kml_nested_ten_thousand_deep_is_refused(tmp_path):
    path = deep_kml(tmp_path / "deep.kml", 10_000)
    assert detect_format(path) == "kml"
    refused(path, f"nested more than {tracks_io.MAX_XML_DEPTH} deep")


def test_gpx_nested_deep_is_refused(tmp_path):
    path = tmp_path / "deep.gpx"
    path.write_text('<?xml version="1.0"?><gpx version="1.1"><trk><name>t</name><extensions>'
                    + "<x>" * 500 + "</x>" * 500 + "</extensions></trk></gpx>")
    refused(path, "nested more than")


def test_kml_of_normal_depth_still_reads(tmp_path):
    path = tmp_path / "folders.kml"
    path.write_text('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                    + "<Folder>" * 20 + "<Placemark><name>P1</name><TimeSpan><begin>2018-11-14T08:00:00Z</begin>"
                    "<end>2018-11-14T10:00:00Z</end></TimeSpan><LineString><coordinates>20.68,4.79 20.69,4.80"
                    "</coordinates></LineString></Placemark>" + "</Folder>" * 20 + "</Document></kml>")
    table = read_one(path)
    v = patrols.validate(table, now=NOW, bbox=CAR_BBOX)
    assert len(v.valid) == 1
    accounted(table, v)


def test_xml_element_count_is_limited(tmp_path, monkeypatch):
    path = tmp_path / "many.gpx"
    points = "".join(f'<trkpt lat="4.{i:04d}" lon="20.6"><time>2018-11-14T08:00:00Z</time></trkpt>'
                     for i in range(600))
    path.write_text(f'<?xml version="1.0"?><gpx version="1.1"><trk><name>t</name><trkseg>{points}</trkseg></trk></gpx>')
    monkeypatch.setattr(tracks_io, "MAX_XML_ELEMENTS", 1_000)
    refused(path, "more than 1,000 elements")


def test_xml_check_keeps_the_dtd_refusal(tmp_path):
    path = tmp_path / "lol.kml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">]>\n'
                    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&a;</name></Document></kml>')
    refused(path, "DTD")


# -- 1c. colliding headers ----------------------------------------------------------------
COLLIDING = ("id,reported_at,Lat,lat,lon,category,phone,mobile,text\n"
             "A1,2018-11-15,4.79,4.80,20.68,killing,+236 70 00 11 11,+236 70 00 99 99,first\n"
             "A2,2018-11-15,x,4.81,20.68,arson,+236 70 00 22 22,,second\n"
             "A3,2018-11-15,4.79,,20.68,looting,,,third\n")


def test_colliding_csv_headers_get_unique_names_and_notes(tmp_path):
    path = tmp_path / "colliding.csv"
    path.write_text(COLLIDING, encoding="utf-8")
    table = read_one(path)
    columns = list(table.frame.columns)
    assert len(columns) == len(set(columns))
    assert columns == ["id", "reported_at", "lat.1", "lat", "lon", "category", "reporter", "mobile", "text"]
    assert "column 'Lat' not read as 'lat': column 'lat' already is (kept as 'lat.1')" in table.notes
    assert "column 'mobile' not read as 'reporter': column 'phone' already is (kept as 'mobile')" in table.notes
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    # 'lat' (the exact name) is the latitude: row 2's 'x' is in the column not read, row 3 has none.
    assert reasons(v) == {3: "lat/lon: missing coordinates"}
    assert v.valid.set_index("id").loc["A1"].geometry.y == 4.80
    accounted(table, v)


def test_colliding_identity_columns_never_reach_the_store(tmp_path):
    path = tmp_path / "colliding.csv"
    path.write_text(COLLIDING, encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k")
    assert report.status == "imported" and (report.n_stored, report.n_quarantined) == (2, 1)
    blob = (tmp_path / "s.gpkg").read_bytes()
    for number in (b"70 00 11 11", b"70 00 99 99", b"70 00 22 22"):
        assert number not in blob


def test_colliding_xlsx_headers_get_unique_names(tmp_path):
    path = tmp_path / "colliding.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "alerts"
    for line in csv.reader(io.StringIO(COLLIDING)):
        ws.append(line)
    wb.save(path)
    table = read_one(path)
    assert len(set(table.frame.columns)) == len(table.frame.columns)
    assert "column 'mobile' not read as 'reporter': column 'phone' already is (kept as 'mobile')" in table.notes
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == {3: "lat/lon: missing coordinates"}
    accounted(table, v)


def test_alias_never_displaces_a_canonical_column(tmp_path):
    path = tmp_path / "alias.csv"
    path.write_text("latitude,y,lat,lon,category,occurred_at\n9,9,4.79,20.68,killing,2018-11-15\n")
    table = read_one(path)
    assert list(table.frame.columns) == ["latitude", "y", "lat", "lon", "category", "occurred_at"]
    assert any(n.startswith("column 'latitude' not read as 'lat'") for n in table.notes)
    v = alerts.validate(table, now=NOW, secret=SECRET)
    assert len(v.valid) == 1 and v.valid.geometry.y[0] == 4.79
    accounted(table, v)


# -- NaN and friends in numeric columns ---------------------------------------------------------
def test_nan_in_csv_numeric_columns_is_quarantined(tmp_path):
    path = tmp_path / "nan.csv"
    path.write_text("id,reported_at,lat,lon,category,killed,severity\n"
                    "A1,2018-11-15,NaN,20.68,killing,1,\n"
                    "A2,2018-11-15,4.79,nan,killing,,\n"
                    "A3,2018-11-15,4.79,20.68,killing,NaN,3\n"
                    "A4,2018-11-15,4.79,20.68,killing,inf,\n"
                    "A5,2018-11-15,inf,20.68,killing,0,\n"
                    "A6,2018-11-15,4.79,20.68,arson,0,NaN\n")
    table = read_one(path)
    v = alerts.validate(table, now=NOW, secret=SECRET)
    got = reasons(v)
    assert got[1] == got[2] == "lat/lon: missing coordinates"
    assert got[4] == "killed: 'inf' is not a whole number"
    assert 5 in got
    assert set(v.valid["source_row"]) == {3, 6}  # 'NaN' is a missing count or severity, as in any export
    accounted(table, v)


def test_nan_stored_as_a_number_in_xlsx_sets_its_row_aside(tmp_path):
    header = ["id", "reported_at", "lat", "lon", "category", "killed"]
    rows = table_rows(header, [["A1", "2018-11-15", 4.79, 20.68, "killing", 1],
                               ["A2", "2018-11-15", ("raw", '<c r="C3"><v>NaN</v></c>'), 20.68, "killing", 0],
                               ["A3", "2018-11-15", 4.79, 20.68, "arson", ("raw", '<c r="F4"><v>nan</v></c>')],
                               ["A4", "2018-11-15", 4.79, 20.68, ("raw", '<c r="E5" t="s"><v>99</v></c>'), 0],
                               ["A5", "2018-11-15", 4.79, 20.68, "looting", ("raw", '<c r="F6"><v>1e999</v></c>')]])
    table = read_one(crafted_workbook(tmp_path, "nan.xlsx", rows))
    assert table.rejected["reason"].to_dict() == {
        2: "lat: Excel cell C3 cannot be read (it is stored as a number but holds 'NaN' (ValueError)); "
           "retype it in Excel",
        3: "killed: Excel cell F4 cannot be read (it is stored as a number but holds 'nan' (ValueError)); "
           "retype it in Excel",
        4: "category: Excel cell E5 cannot be read (it is stored as a reference to shared text but holds '99' "
           "(IndexError)); retype it in Excel",
    }
    v = alerts.validate(table, now=NOW, secret=SECRET)
    assert reasons(v) == {5: "killed: 'inf' is not a whole number"}
    assert list(v.valid["source_row"]) == [1]
    accounted(table, v)


# -- 3. sparse first data rows that look like HXL hashtags -----------------------------------
def acled_lines() -> list[str]:
    return ACLED.read_text(encoding="utf-8").splitlines(keepends=True)


def acled_width() -> int:
    return len(next(csv.reader([acled_lines()[0]])))


def with_first_row(lines: list[str], cells: dict[int, str], width: int, delimiter: str = ",") -> str:
    row = [""] * width
    for i, value in cells.items():
        row[i] = value
    return lines[0] + delimiter.join(row) + "\r\n" + "".join(lines[1:])


@pytest.fixture(scope="module")
def acled_base():
    table = read_one(ACLED)
    return table, alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)


@pytest.mark.parametrize("cells", [{27: "#Bangui"}, {7: "#UPC", 27: "#Bangui"}, {0: "#x", 21: "#Alindao"}])
def test_acled_sparse_first_row_is_kept_and_validated(tmp_path, acled_base, cells):
    header = next(csv.reader([acled_lines()[0]]))
    assert header[27] == "notes" and header[7] == "actor1"  # the sparse values sit in free-text columns
    path = tmp_path / "acled_sparse.csv"
    path.write_text(with_first_row(acled_lines(), cells, acled_width()), encoding="utf-8")
    assert detect_format(path) == "acled"
    table = read_one(path)
    assert not any("hashtag" in n for n in table.notes)
    base_table, base_v = acled_base
    assert table.n_read == base_table.n_read + 1
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert 1 in reasons(v)  # the sparse row: quarantined with its reasons, not dropped
    assert "lat/lon: missing coordinates" in reasons(v)[1]
    # The rows under it keep their place, one further down.
    assert {r - 1: why for r, why in reasons(v).items() if r > 1} == reasons(base_v)
    assert len(v.valid) == len(base_v.valid)
    accounted(table, v)


def test_acled_real_hdx_hashtag_row_is_still_skipped(tmp_path, acled_base):
    header = next(csv.reader([acled_lines()[0]]))
    tags = {"event_id_cnty": "#event+code", "event_date": "#date+occurred", "year": "#date+year",
            "event_type": "#event+type", "sub_event_type": "#event+type+sub", "actor1": "#group+name+first",
            "actor2": "#group+name+second", "country": "#country+name", "iso": "#country+code",
            "admin1": "#adm1+name", "admin2": "#adm2+name", "admin3": "#adm3+name", "location": "#loc+name",
            "latitude": "#geo+lat", "longitude": "#geo+lon", "source": "#meta+source", "notes": "#description",
            "fatalities": "#affected+killed", "timestamp": "#date+epoch"}
    path = tmp_path / "acled_hdx_full.csv"
    path.write_text(with_first_row(acled_lines(), {header.index(k): t for k, t in tags.items()}, len(header)),
                    encoding="utf-8")
    table = read_one(path)
    assert any("HXL hashtag row" in n for n in table.notes)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == reasons(acled_base[1])
    assert list(v.valid["source_row"]) == list(acled_base[1].valid["source_row"])
    accounted(table, v)


def ucdp_csv(first_row: dict[str, str] | None = None) -> str:
    columns = ["id", "year", "type_of_violence", "side_a", "side_b", "where_prec", "where_description",
               "latitude", "longitude", "date_prec", "date_start", "date_end", "best"]
    lines = [",".join(columns)]
    if first_row is not None:
        lines.append(",".join(first_row.get(c, "") for c in columns))
    for n in range(1, 4):
        lines.append(f"{n},2018,3,Government of CAR,Civilians,1,Alindao,4.79,20.6{n},1,2018-11-1{n},2018-11-1{n},{n}")
    return "\n".join(lines) + "\n"


def test_ucdp_sparse_first_row_is_kept_and_validated(tmp_path):
    path = tmp_path / "ged_sparse.csv"
    path.write_text(ucdp_csv({"where_description": "#Alindao", "side_b": "#civilians"}), encoding="utf-8")
    assert detect_format(path) == "ucdp"
    table = read_one(path)
    assert table.n_read == 4 and not any("hashtag" in n for n in table.notes)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert set(reasons(v)) == {1} and "lat/lon: missing coordinates" in reasons(v)[1]
    assert list(v.valid["source_row"]) == [2, 3, 4]
    accounted(table, v)


def test_ucdp_hdx_hashtag_row_is_skipped(tmp_path):
    tags = {"id": "#event+id", "date_start": "#date+start", "date_end": "#date+end", "latitude": "#geo+lat",
            "longitude": "#geo+lon", "best": "#affected+killed", "where_description": "#loc+name"}
    path = tmp_path / "ged_hdx.csv"
    path.write_text(ucdp_csv(tags), encoding="utf-8")
    table = read_one(path)
    assert any("HXL hashtag row" in n for n in table.notes)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert list(v.valid["source_row"]) == [1, 2, 3] and len(v.quarantine) == 0
    accounted(table, v)


def kobo_with_first_row(cells: dict[str, str]) -> str:
    lines = KOBO.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]], delimiter=";"))
    return with_first_row(lines, {header.index(k): v for k, v in cells.items()}, len(header), ";")


def test_kobo_sparse_first_row_is_kept_and_validated(tmp_path):
    path = tmp_path / "kobo_sparse.csv"
    path.write_text(kobo_with_first_row({"alert/description": "#Bangui"}), encoding="utf-8")
    assert detect_format(path) == "kobo"
    table = read_one(path)
    base = read_one(KOBO)
    assert table.n_read == base.n_read + 1 and not any("hashtag" in n for n in table.notes)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert 1 in reasons(v)
    accounted(table, v)


def test_kobo_hashtag_row_is_skipped(tmp_path):
    tags = {"alert/incident_date": "#date+occurred", "alert/category": "#event+type",
            "alert/description": "#description", "_alert/location_latitude": "#geo+lat",
            "_alert/location_longitude": "#geo+lon", "reporter/phone": "#contact+phone", "_uuid": "#meta+id"}
    path = tmp_path / "kobo_hdx.csv"
    path.write_text(kobo_with_first_row(tags), encoding="utf-8")
    table = read_one(path)
    base = read_one(KOBO)
    assert any("HXL hashtag row" in n for n in table.notes)
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    v0 = alerts.validate(base, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert reasons(v) == reasons(v0)
    accounted(table, v)


def test_own_csv_with_sparse_hashtag_row_stays_own(tmp_path):
    path = tmp_path / "alerts.csv"
    path.write_text("id,reported_at,lat,lon,category,text\n,,,,,#Bangui\nA2,2018-11-15,4.79,20.68,killing,x\n")
    assert detect_format(path) == "own"
    table = read_one(path)
    v = alerts.validate(table, now=NOW, secret=SECRET)
    assert 1 in reasons(v) and list(v.valid["source_row"]) == [2]
    accounted(table, v)


@pytest.mark.parametrize("cells, width, expected", [
    (["#Bangui"], 31, False),                                   # one cell: a value as likely as a tag
    (["#Bangui", "#UPC"], 31, False),                           # two, not core hashtags, 2 of 31 columns
    (["#event+code", "#date+occurred"], 31, True),              # core hashtags: HXL however few
    (["#x_custom", "#y_custom", "", ""], 4, True),               # custom tags, half the columns
    (["#geo+lat", "4.79", "#geo+lon"], 3, False),               # a value among them: data
    (["#geo+lat", "#geo+lon", "unnamed", "unnamed.1"], 4, True),  # read_rows' blank header names
    (["#event+id", "#event+id.1"], 2, True),                    # read_rows' de-duplication suffix
    ([], 0, False),
])
def test_is_hashtag_row_rule(cells, width, expected):
    assert hxl_io.is_hashtag_row(cells, width=width) is expected


# -- 4. one over-long field: its row set aside, the rest imported, on both CSV paths ------------
LONG = 200_000


def long_field_csv(extra: str = "") -> str:
    return ("id,reported_at,lat,lon,category,phone,text\n"
            "A1,2018-11-15,4.79,20.68,killing,+236 70 00 11 11,short\n"
            f"A2,2018-11-15,4.79,20.68,arson,+236 70 00 22 22,{'x' * LONG}\n"
            "A3,2018-11-15,4.79,20.68,looting,,short too\n" + extra)


def spy_fast_path(monkeypatch) -> list:
    taken = []
    real = textfile._read_regular

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(textfile, "_read_regular", spy)
    return taken


EXPECTED_LONG = (f"text: value of {LONG:,} characters, above the {textfile.MAX_FIELD_CHARS:,}-character limit "
                 "for one field (the rest of the file was read)")


@pytest.mark.parametrize("extra, fast, rejected_too", [
    ("", True, {}),                                                        # clean file: pandas' fast path
    ("\n", False, {}),                                                     # a blank line: row by row
    ("A4,2018-11-15,4.79\n", False, {4: "row: has 3 fields, the header has 7"}),  # a ragged row: row by row
])
def test_long_field_sets_only_its_row_aside(tmp_path, monkeypatch, extra, fast, rejected_too):
    path = tmp_path / "long.csv"
    path.write_text(long_field_csv(extra), encoding="utf-8")
    taken = spy_fast_path(monkeypatch)
    limit_before = csv.field_size_limit()
    table = read_one(path)
    assert taken == [fast]
    assert csv.field_size_limit() == limit_before  # no process-wide side effect left behind
    assert table.rejected["reason"].to_dict() == {2: EXPECTED_LONG, **rejected_too}
    raw = table.rejected.loc[2, "raw"]
    assert len(raw) < 2 * textfile.RAW_FIELD_CHARS and f"cut here: {LONG} characters in all" in raw
    assert "70 00 22 22" not in raw and "[withheld]" in raw  # the raw text still withholds identities
    assert next(csv.reader([raw]))[:5] == ["A2", "2018-11-15", "4.79", "20.68", "arson"]
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    assert list(v.valid["source_row"]) == [1, 3]
    accounted(table, v)


def test_long_field_rows_are_quarantined_at_import(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(long_field_csv(), encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    [report] = import_files(store, [path], user="analyst", secret=b"k")
    assert report.status == "imported" and (report.n_stored, report.n_quarantined) == (2, 1)
    quarantine = store.read("quarantine")
    assert list(quarantine["reason"]) == [EXPECTED_LONG]
    assert all(len(r) < 5_000 for r in quarantine["raw"])


def test_long_field_in_a_kobo_export(tmp_path):
    lines = KOBO.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]], delimiter=";"))
    fields = next(csv.reader([lines[1]], delimiter=";"))
    fields[header.index("alert/description")] = "y" * LONG
    path = tmp_path / "kobo_long.csv"
    path.write_text(lines[0] + ";".join(f'"{f}"' for f in fields) + "\r\n" + "".join(lines[2:]), encoding="utf-8")
    table = read_one(path)
    assert table.rejected["reason"].to_dict() == {1: EXPECTED_LONG.replace("text:", "alert/description:")}
    assert "+23675041122" not in table.rejected.loc[1, "raw"]
    v = alerts.validate(table, now=NOW, bbox=CAR_BBOX, secret=SECRET)
    accounted(table, v)


def test_long_header_name_is_refused(tmp_path):
    path = tmp_path / "long_header.csv"
    path.write_text("id," + "h" * LONG + "\nA1,x\n")
    refused(path, "header name")


def test_short_row_is_set_aside_on_both_paths(tmp_path, monkeypatch):
    """pandas pads a short row with empty cells; the careful reader refuses it: they must agree."""
    text = ("id,reported_at,lat,lon,category,text\n"
            "A1,2018-11-15,4.79,20.68,killing,one\n"
            "A2,2018-11-15,4.79,20.68,arson\n")
    results = []
    for name, body in (("clean.csv", text), ("blank.csv", text + "\n")):
        path = tmp_path / name
        path.write_text(body)
        table = read_one(path)
        results.append(table.rejected["reason"].to_dict())
        accounted(table, alerts.validate(table, now=NOW, secret=SECRET))
    assert results[0] == results[1] == {2: "row: has 5 fields, the header has 6"}


def test_field_limit_lifted_by_several_threads_is_restored(tmp_path):
    import threading

    path = tmp_path / "long.csv"
    path.write_text(long_field_csv("\n"), encoding="utf-8")  # the row-by-row path, which uses the csv module
    before = csv.field_size_limit()
    errors = []

    def work():
        try:
            for _ in range(5):
                assert list(read_one(path).rejected.index) == [2]
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and csv.field_size_limit() == before


# -- 5. blank rows: skipped only when they hold no value, and counted ------------------------------
def test_whitespace_only_rows_count_as_blank_on_both_paths(tmp_path):
    text = ("id,reported_at,lat,lon,category\n"
            "A1,2018-11-15,4.79,20.68,killing\n"
            " , ,  , , \n"
            "A3,2018-11-15,4.79,20.68,arson\n")
    for name, body in (("clean.csv", text), ("with_blank.csv", text + "\n")):
        path = tmp_path / name
        path.write_text(body)
        table = read_one(path)
        assert list(table.frame.index) == [1, 3]
        blank_notes = [n for n in table.notes if "blank line" in n]
        assert blank_notes == ["1 blank line(s) skipped" if name == "clean.csv" else "2 blank line(s) skipped"]
        accounted(table, alerts.validate(table, now=NOW, secret=SECRET))


def test_missing_and_empty_sheet_rows_are_counted(tmp_path):
    header = ["id", "reported_at", "lat", "lon", "category"]
    rows = [(1, [(c, h) for c, h in zip("ABCDE", header)]),
            (2, [(c, v) for c, v in zip("ABCDE", ["A1", "2018-11-15", 4.79, 20.68, "killing"])]),
            (3, [("B", "   ")]),  # only whitespace: no value
            (6, [(c, v) for c, v in zip("ABCDE", ["A5", "2018-11-15", 4.79, 20.68, "arson"])]),  # rows 4-5 absent
            (7, [("E", 0)])]  # a zero is a value: kept, and the validator says what is missing
    table = read_one(crafted_workbook(tmp_path, "gaps.xlsx", rows))
    assert list(table.frame.index) == [1, 5, 6]
    assert "sheet 'alerts': 3 blank row(s) skipped" in table.notes
    v = alerts.validate(table, now=NOW, secret=SECRET)
    assert set(reasons(v)) == {6}
    accounted(table, v)


def test_sheets_of_other_layers_are_named_when_a_layer_is_asked(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "alerts"
    wb.active.append(["id", "reported_at", "lat", "lon", "category"])
    wb.active.append(["A1", "2018-11-15", 4.79, 20.68, "killing"])
    sites = wb.create_sheet("sites")
    sites.append(["site_id", "name", "lat", "lon"])
    sites.append(["S1", "Alindao", 4.79, 20.68])
    path = tmp_path / "both.xlsx"
    wb.save(path)
    table = read_one(path, layer="alerts")
    assert "sheet 'sites' (sites, 1 row(s)) not read: only the alerts layer was asked for" in table.notes


# -- read(): every failure of a reader is a ReadError; the machine's own failures pass through ------
@pytest.mark.parametrize("error, words", [
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (zlib.error("Error -3 while decompressing data"), "damaged or incomplete"),
    (EOFError("Compressed file ended before the end-of-stream marker was reached"), "damaged or incomplete"),
    (zipfile.BadZipFile("Bad CRC-32"), "damaged or incomplete"),
    (struct.error("unpack requires a buffer of 4 bytes"), "binary record"),
    (__import__("xml.etree.ElementTree").etree.ElementTree.ParseError("not well-formed"), "malformed XML"),
    (IndexError("list index out of range"), "unexpected IndexError"),
    (TypeError("'NoneType' object is not subscriptable"), "unexpected TypeError"),
    (AttributeError("'NoneType' object has no attribute 'text'"), "unexpected AttributeError"),
])
def test_any_reader_error_becomes_a_read_error(tmp_path, monkeypatch, error, words):
    from ewarning.io import own

    path = tmp_path / "any.csv"
    path.write_text("id,category\nA1,killing\n")

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(own, "read", broken)
    message = refused(path, words)
    assert "as own" in message


def test_unexpected_error_text_is_not_quoted(tmp_path, monkeypatch):
    """Such a message may hold a cell's value, a phone number say: only its kind and place are given."""
    from ewarning.io import own

    path = tmp_path / "any.csv"
    path.write_text("id,category\nA1,killing\n")

    def broken(*args, **kwargs):
        raise TypeError("cannot compare '+236 70 00 11 11'")

    monkeypatch.setattr(own, "read", broken)
    message = refused(path, "unexpected TypeError")
    assert "+236" not in message


def test_detection_errors_become_read_errors(tmp_path, monkeypatch):
    path = tmp_path / "any.csv"
    path.write_text("id,category\nA1,killing\n")

    def broken(*args, **kwargs):
        raise struct.error("bad header")

    monkeypatch.setattr(tracks_io, "sniff", broken)
    refused(path, "any known format")


@pytest.mark.parametrize("error", [MemoryError, KeyboardInterrupt])
def test_memory_and_interrupts_pass_through(tmp_path, monkeypatch, error):
    from ewarning.io import own

    path = tmp_path / "any.csv"
    path.write_text("id,category\nA1,killing\n")

    def broken(*args, **kwargs):
        raise error()

    monkeypatch.setattr(own, "read", broken)
    with pytest.raises(error):
        read(path)


def test_quarantine_raw_of_rejected_rows_stays_json(tmp_path):
    """The reasons above reach quarantine through the usual path: raw kept as JSON, readable."""
    path = tmp_path / "long.csv"
    path.write_text(long_field_csv(), encoding="utf-8")
    store = open_store(tmp_path / "s.gpkg")
    import_files(store, [path], user="analyst", secret=b"k")
    for raw in store.read("quarantine")["raw"]:
        assert isinstance(json.loads(raw), dict)


@pytest.mark.parametrize("name, text", [
    ("acled_twice.csv", "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,Notes,notes\n"
                        "C1,2018-11-10,Battles,Armed clash,4.79,20.6,a,b\n"),
    ("ged_twice.csv", "id,type_of_violence,where_prec,date_start,date_end,latitude,Latitude,longitude,best\n"
                      "1,3,1,2018-11-10,2018-11-11,4.79,4.8,20.6,2\n"),
])
def test_export_with_a_column_spelt_twice_is_refused(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    refused(path, "appears 2 times in the header")


def test_gpx_track_nested_out_of_place_is_named_in_the_notes(tmp_path):
    path = tmp_path / "stray.gpx"
    path.write_text('<?xml version="1.0"?><gpx version="1.1"><trk><name>P1</name><trkseg>'
                    '<trkpt lat="4.79" lon="20.68"><time>2018-11-14T08:00:00Z</time></trkpt>'
                    '<trkpt lat="4.80" lon="20.69"><time>2018-11-14T09:00:00Z</time></trkpt></trkseg></trk>'
                    "<extensions><trk><name>P2</name></trk></extensions></gpx>")
    table = read_one(path)
    assert list(table.frame["patrol_id"]) == ["P1"]
    assert ("1 track(s) or route(s) nested inside other elements (not directly under <gpx>) were not read"
            in table.notes)
