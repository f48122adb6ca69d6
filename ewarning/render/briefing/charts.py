"""The briefing's charts: the weekly trend and the hotspots' sparklines (matplotlib, offline, style from
:mod:`ewarning.render.style`).

Examples
--------
>>> sparkline_png([0, 2, 5, 3])[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..static_map import _figure, _font, figure_png

__all__ = ["sparkline_png", "trend_chart_png"]


def trend_chart_png(weekly, width_in: float = 6.5, height_in: float = 1.8, dpi: int = 200) -> bytes:
    """The weekly reports as bars (the as-of week dark, the previous weeks light), labelled with the shown
    (suppressed) counts, and the previous weeks' average as a dashed line (the caption says it:
    :attr:`ewarning.views.briefing.Briefing.trend_words`)."""
    fig = _figure(width_in, height_in)
    ax = fig.add_axes([0.05, 0.22, 0.93, 0.7])
    n = len(weekly)
    values = weekly["reports"].to_numpy(dtype=float) if n else np.zeros(0)
    colours = [style.DOCUMENT_COLOURS["trend_bar"]] * max(n - 1, 0) + [style.DOCUMENT_COLOURS["trend_now"]] * min(n, 1)
    ax.bar(range(n), values, color=colours, width=0.7)
    top = max(values.max() if n else 1.0, 1.0)
    for i, text in enumerate(weekly["reports_text"] if n else []):
        ax.text(i, values[i] + top * 0.03, str(text), ha="center", va="bottom", color=style.TEXT_COLOUR, zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6}, **_font(6.5))
    if n > 1:
        mean = float(values[:-1].mean())
        ax.axhline(mean, color=style.MUTED_COLOUR, linewidth=0.8, linestyle=(0, (4, 3)), zorder=0)
    ax.set_ylim(0, top * 1.22)
    ax.set_xticks(range(n))
    ax.set_xticklabels(_tick_labels(weekly["label"]) if n else [], **_font(6.0))
    ax.tick_params(axis="y", labelsize=6, length=0)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(style.DOCUMENT_COLOURS["rule"])
    ax.tick_params(axis="x", length=0, colors=style.TEXT_COLOUR)
    return figure_png(fig, dpi)


def _tick_labels(labels) -> list[str]:
    """The weeks' labels under the bars, on two lines when one is too long to sit beside its neighbours
    (``"27 sept.–3 oct."`` in French)."""
    labels = [str(x) for x in labels]
    if max((len(x) for x in labels), default=0) <= 13:
        return labels
    return [x.replace("–", "–\n", 1) for x in labels]


def sparkline_png(values, width_in: float = 1.1, height_in: float = 0.28, dpi: int = 200) -> bytes:
    """Reports per week as a small line (the last point marked); no figures are printed on it."""
    fig = _figure(width_in, height_in)
    ax = fig.add_axes([0.02, 0.1, 0.9, 0.8])
    y = np.asarray(list(values), dtype=float)
    if len(y):
        x = np.arange(len(y))
        ax.fill_between(x, y, color=style.DOCUMENT_COLOURS["band"], linewidth=0)
        ax.plot(x, y, color=style.DOCUMENT_COLOURS["sparkline"], linewidth=0.9)
        ax.plot(x[-1], y[-1], marker="o", markersize=2.2, color=style.FLAG_COLOUR)
        ax.set_xlim(0, len(y) - 1 + 0.3)
        ax.set_ylim(0, max(y.max(), 1.0) * 1.15)
    ax.set_axis_off()
    return figure_png(fig, dpi)
