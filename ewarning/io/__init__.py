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
    head = head_text(path)
    for fmt in FORMATS:
        if fmt == "own":
            continue
        module = _module(fmt)
        if module.sniff(path, head, fmt):
            return fmt
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
        When the file as a whole cannot be read; the message says why.
    """
    path = Path(path)
    if layer is not None and layer not in LAYERS:
        raise ReadError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS[:4])}")
    if format is not None and format not in FORMATS:
        raise ReadError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    fmt = format or detect_format(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    try:
        return _module(fmt).read(path, layer=layer, encoding=encoding, fmt=fmt)
    except ReadError:
        raise
    except (UnicodeError, ValueError, KeyError, OSError) as exc:
        raise ReadError(f"{path.name}: could not be read as {fmt} ({exc})") from None
