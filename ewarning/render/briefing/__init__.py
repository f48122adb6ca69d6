"""Renderers of the leadership briefing: PDF (reportlab), slides (python-pptx) and one HTML file.

Each takes a :class:`~ewarning.views.briefing.Briefing` and prints its
strings; nothing here computes a figure, so the three products show the same
numbers as the page. The pictures (static map, weekly trend, sparklines) are
drawn once per briefing by :func:`figures` and shared by the three.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.views import Layers
>>> from ewarning.views.briefing import briefing
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2", "A3"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-11",
...     "2018-11-12"], utc=True), "category": "killing"}, geometry=gpd.points_from_xy([20.68] * 3, [4.79] * 3),
...     crs="EPSG:4326")
>>> b = briefing(Layers(alerts=a), "2018-11-15", user="ana")
>>> render(b, "html")[:15]
b'<!DOCTYPE html>'
>>> render(b, "docx")
Traceback (most recent call last):
...
ValueError: unknown briefing format 'docx': expected one of pdf, pptx, html
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["FORMATS", "Figures", "figures", "render", "write", "MEDIA_TYPES"]

FORMATS = ("pdf", "pptx", "html")
MEDIA_TYPES = {"pdf": "application/pdf",
               "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
               "html": "text/html"}


@dataclass(frozen=True)
class Figures:
    """The briefing's pictures as PNG bytes: the static map, the weekly trend, one sparkline per hotspot row.

    Attributes
    ----------
    map_png, trend_png : bytes
    sparklines : tuple of bytes
        In the order of :attr:`ewarning.views.briefing.Briefing.hotspots`.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from ewarning.views import Layers
    >>> from ewarning.views.briefing import briefing
    >>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-12"],
    ...     utc=True), "category": "killing"}, geometry=gpd.points_from_xy([20.68] * 2, [4.79] * 2), crs="EPSG:4326")
    >>> pictures = figures(briefing(Layers(alerts=a), "2018-11-15", user="ana"))
    >>> pictures.map_png[:4], len(pictures.sparklines)
    (b'\\x89PNG', 1)
    """

    map_png: bytes
    trend_png: bytes
    sparklines: tuple


def figures(b) -> Figures:
    """Draw the pictures of briefing ``b`` once (every renderer takes them)."""
    from ..static_map import briefing_map_png
    from .charts import sparkline_png, trend_chart_png

    return Figures(map_png=briefing_map_png(b.map, t=b.t), trend_png=trend_chart_png(b.weekly),
                   sparklines=tuple(sparkline_png(w) for w in b.hotspots["weekly"]))


def check_format(fmt: str) -> str:
    """``fmt`` lower-cased if it is one of :data:`FORMATS`; :class:`ValueError` naming them otherwise."""
    value = str(fmt or "").strip().lower().lstrip(".")
    if value not in FORMATS:
        raise ValueError(f"unknown briefing format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return value


def render(b, fmt: str, pictures: Figures | None = None) -> bytes:
    """Briefing ``b`` as a ``pdf``, ``pptx`` or ``html`` document (bytes)."""
    fmt = check_format(fmt)
    pictures = pictures or figures(b)
    if fmt == "pdf":
        from .pdf import briefing_pdf
        return briefing_pdf(b, pictures)
    if fmt == "pptx":
        from .slides import briefing_pptx
        return briefing_pptx(b, pictures)
    from .html import briefing_html
    return briefing_html(b, pictures).encode("utf-8")


def write(b, fmt: str, path, pictures: Figures | None = None) -> Path:
    """Write ``b`` as ``fmt`` to ``path`` (its folder must exist); the path."""
    path = Path(path)
    data = render(b, fmt, pictures)
    path.write_bytes(data)
    return path
