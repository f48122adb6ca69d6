"""Readers and writers. :func:`read` detects a file's format by its content.

Detection looks at the extension and the first lines (header names, HXL
hashtags, XML root). ``format=`` overrides it. Each format is one module with
a ``sniff(path, head, fmt) -> bool`` and a ``read(path, layer, encoding) ->
list[RawTable]``; :data:`FORMATS` lists them in the order they are tried.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import LAYERS, RawTable, ReadError
from .gdal_options import lock_down_gdal

# Before anything in the project opens a file with GDAL (the basemap, exports): no network, no
# virtual files. Uploaded files never reach GDAL at all (see vector, geojson, gpkg).
lock_down_gdal()

#: name -> module (under ewarning.io) providing sniff() and read(). Order is
#: the detection order: the most specific formats first, the canonical last.
FORMATS = {
    "gpx": "tracks",
    "kml": "tracks",
    "gpkg": "vector",
    "geojson": "vector",
    "excel": "excel",
    "kobo": "kobo",
    "acled": "acled",
    "ucdp": "ucdp",
    "rapidpro": "sms",
    "frontlinesms": "sms",
    "hxl": "hxl",
    "own": "own",
}

__all__ = ["FORMATS", "LAYERS", "RawTable", "ReadError", "detect_format", "read"]


def _module(fmt: str):
    return importlib.import_module(f"{__name__}.{FORMATS[fmt]}")


def head_text(path: Path, n_bytes: int = 8192) -> str:
    """The start of a file as text, for sniffing (never raises on bad bytes)."""
    with open(path, "rb") as fh:
        data = fh.read(n_bytes)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: str | Path) -> str:
    """The format of ``path``, judged by content (and extension where binary)."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, not a file")
    if not path.is_file():  # a pipe or a device would block the reader or never end
        raise ReadError(f"{path}: is not a regular file (a pipe, socket or device?)")
    head = head_text(path)
    for fmt in FORMATS:
        if fmt == "own":
            continue
        module = _module(fmt)
        if module.sniff(path, head, fmt):
            return fmt
    if head.lstrip("\ufeff \t\r\n").startswith("<"):
        # XML that is neither GPX nor KML (a GDAL virtual file, a web page): refused, not read as CSV text
        from .vector import xml_description

        raise ReadError(f"{path.name}: refused: the content is {xml_description(head)}; the XML formats read "
                        "here are GPX and KML")
    return "own"


def read(path: str | Path, layer: str | None = None, format: str | None = None,
         encoding: str | None = None) -> list[RawTable]:
    """Read ``path`` into raw tables (one per layer found).

    Parameters
    ----------
    path : str or Path
    layer : str, optional
        Force the layer (``alerts``, ``sites``, ``presence``, ``patrols``).
    format : str, optional
        Skip detection; one of :data:`FORMATS`.
    encoding : str, optional
        Text encoding when the file is not UTF-8 (e.g. ``cp1252``).

    Raises
    ------
    ReadError
        When the file as a whole cannot be read; the message names the file,
        the format tried and the cause in words. Whatever a reader or a
        library under it raises (a damaged zip, malformed XML, a structure
        nested too deeply, an unexpected parser error) comes out as a
        ``ReadError``, so an import refuses that one file and stores none of it.
    MemoryError, KeyboardInterrupt, SystemExit
        Passed on unchanged: they say something about the machine or the
        user, not about the file (see :func:`_refusal`).
    """
    path = Path(path)
    if layer is not None and layer not in LAYERS:
        raise ReadError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS[:4])}")
    if format is not None and format not in FORMATS:
        raise ReadError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    fmt = format
    try:
        # Detection opens the file too (a workbook's header row, an XML root), so it is guarded alike.
        fmt = format or detect_format(path)
        if not path.exists():
            raise ReadError(f"{path}: no such file")
        return _module(fmt).read(path, layer=layer, encoding=encoding, fmt=fmt)
    except ReadError:
        raise
    except MemoryError:
        # Not the file's fault as such: the size limits are there so that no accepted file gets here.
        # Calling it "unreadable" would send the user to repair a good file, and a process out of memory
        # should stop rather than go on to the next file.
        raise
    except Exception as exc:  # noqa: BLE001 - every other failure of a reader is this file's refusal
        raise ReadError(f"{path.name}: could not be read as {fmt or 'any known format'} ({_refusal(exc)})") from exc


#: Longest cause quoted from a library's message (they can quote a whole XML line).
_CAUSE_CHARS = 300


def _refusal(exc: BaseException) -> str:
    """The cause of a failed read in words a user can act on.

    Messages of errors that describe the file's structure (zip, compression,
    XML, encoding) are quoted, shortened. For any other error only its kind
    and the place in the code are given: such a message may quote a cell's
    value, and a reporter's phone number must never reach an import log.
    """
    import struct
    import xml.parsers.expat
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    said = str(exc)
    said = said if len(said) <= _CAUSE_CHARS else said[:_CAUSE_CHARS] + " ..."
    if isinstance(exc, RecursionError):
        return "its structure is nested too deeply to be read"
    if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)):
        return f"the file is damaged or incomplete: {said or type(exc).__name__}"
    if isinstance(exc, (ParseError, xml.parsers.expat.ExpatError)):
        return f"malformed XML: {said}"
    if isinstance(exc, struct.error):
        return f"a binary record in it is damaged: {said}"
    if isinstance(exc, UnicodeError):
        return f"text not in the expected encoding: {said}"
    if isinstance(exc, OSError):
        return f"the file could not be opened: {exc.strerror or said}"
    if isinstance(exc, (ValueError, KeyError)):
        return said  # quoted as before this guard existed: parsers' own wording of what is wrong
    import traceback

    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    where = f" in {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return (f"unexpected {type(exc).__name__}{where}: the file's content is not what this format should hold; "
            "please report this file to the administrator")
