"""The briefing as an A4 PDF (reportlab): summary and map, hotspots and trend, sites and gaps, sources.

Every text from data is escaped (:func:`ewarning.security.escape`) before it
reaches reportlab's paragraph markup, so a place name cannot inject markup.
The classification marking is printed at the top and bottom of every page.

Examples
--------
>>> registered_font()
'DejaVuSans'
"""

from __future__ import annotations

import functools
import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

from ...security import escape
from .. import style

__all__ = ["briefing_pdf", "registered_font"]

_C = style.DOCUMENT_COLOURS
_S = style.DOCUMENT_SIZES
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN


@functools.lru_cache(maxsize=1)
def registered_font() -> str:
    """Register :data:`ewarning.render.style.DOCUMENT_FONT` with reportlab (once); its name."""
    from reportlab.lib.fonts import addMapping

    pdfmetrics.registerFont(TTFont("DejaVuSans", style.document_font_path("regular")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", style.document_font_path("bold")))
    for bold, italic, name in ((0, 0, "DejaVuSans"), (1, 0, "DejaVuSans-Bold"), (0, 1, "DejaVuSans"),
                               (1, 1, "DejaVuSans-Bold")):
        addMapping("DejaVuSans", bold, italic, name)
    return "DejaVuSans"


def _styles() -> dict[str, ParagraphStyle]:
    font = registered_font()
    text = colors.HexColor(_C["text"])
    return {
        "title": ParagraphStyle("title", fontName=font + "-Bold", fontSize=_S["title"], leading=_S["title"] * 1.2,
                                textColor=colors.HexColor(_C["heading"]), spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=_S["body"], leading=_S["body"] * 1.35,
                                   textColor=colors.HexColor(_C["muted"]), spaceAfter=4),
        "h": ParagraphStyle("h", fontName=font + "-Bold", fontSize=_S["heading"], leading=_S["heading"] * 1.25,
                            textColor=colors.HexColor(_C["heading"]), spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=_S["body"], leading=_S["body"] * 1.4, textColor=text),
        "small": ParagraphStyle("small", fontName=font, fontSize=_S["small"], leading=_S["small"] * 1.35,
                                textColor=colors.HexColor(_C["muted"])),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=_S["small"] + 0.5, leading=(_S["small"] + 0.5) * 1.3,
                               textColor=text),
        "cell_b": ParagraphStyle("cell_b", fontName=font + "-Bold", fontSize=_S["small"] + 0.5,
                                 leading=(_S["small"] + 0.5) * 1.3, textColor=text),
        "head": ParagraphStyle("head", fontName=font + "-Bold", fontSize=_S["small"], leading=_S["small"] * 1.3,
                               textColor=colors.HexColor(_C["heading"])),
        "figure": ParagraphStyle("figure", fontName=font + "-Bold", fontSize=_S["figure"],
                                 leading=_S["figure"] * 1.15, textColor=colors.HexColor(_C["heading"])),
        "mode": ParagraphStyle("mode", fontName=font, fontSize=_S["small"], leading=_S["small"] * 1.4,
                               textColor=text, backColor=colors.HexColor(_C["band"]), borderPadding=(4, 5, 4, 5),
                               spaceBefore=2, spaceAfter=8),
        "annex": ParagraphStyle("annex", fontName=font + "-Bold", fontSize=_S["body"], leading=_S["body"] * 1.4,
                                textColor=colors.HexColor(_C["accent"]), alignment=TA_CENTER, spaceAfter=6),
    }


def _esc(text) -> str:
    """:func:`~ewarning.security.escape`, and the narrow no-break space of French numbers (``18 000``) made a
    no-break space: reportlab breaks lines at U+202F, which would split a number over two lines."""
    return escape(text).replace("\u202f", "\u00a0")


def _p(text, st) -> Paragraph:
    return Paragraph(_esc(text), st)


def _table(rows, widths, header_rows: int = 1, zebra: bool = True) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=header_rows)
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor(_C["band"])),
                ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.HexColor(_C["heading"])),
                ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, colors.HexColor(_C["rule"]))]
    t.setStyle(TableStyle(commands))
    return t


def _image(png: bytes, width: float, height: float) -> Image:
    return Image(io.BytesIO(png), width=width, height=height)


class _FittingImage(Image):
    """A picture that shrinks (keeping its proportions, down to ``least`` of its size) to the room left on the
    page, less ``reserve`` points for its caption: a longer text above it (the French is) keeps the map on the
    first page instead of pushing it alone onto the next."""

    def __init__(self, png: bytes, width: float, height: float, least: float = 0.6, reserve: float = 0.0):
        super().__init__(io.BytesIO(png), width=width, height=height)
        self._full, self._least, self._reserve = (width, height), least, reserve

    def wrap(self, avail_width, avail_height):
        width, height = self._full
        room = avail_height - self._reserve
        scale = min(1.0, avail_width / width)
        if room < height * scale and room >= height * self._least:
            scale = room / height
        self.drawWidth, self.drawHeight = width * scale, height * scale
        return self.drawWidth, self.drawHeight


def _on_page(b):
    font = registered_font()

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(colors.HexColor(_C["marking"]))
        canvas.setFont(font + "-Bold", _S["marking"])
        canvas.drawCentredString(A4[0] / 2, A4[1] - 9 * mm, b.classification)
        canvas.drawCentredString(A4[0] / 2, 7 * mm, b.classification)
        canvas.setFillColor(colors.HexColor(_C["muted"]))
        canvas.setFont(font, _S["small"])
        canvas.drawString(MARGIN, 11.5 * mm, b.footer_text)
        canvas.drawRightString(A4[0] - MARGIN, 11.5 * mm, b.t("page {n}", n=doc.page))
        canvas.setStrokeColor(colors.HexColor(_C["rule"]))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, 14.5 * mm, A4[0] - MARGIN, 14.5 * mm)
        canvas.restoreState()

    return draw


def _summary(b, st, pictures) -> list:
    t = b.t
    out = [_p(b.title, st["title"]), _p(b.known_text, st["subtitle"]), _p(b.mode_text, st["mode"])]
    cells = [[Paragraph(_esc(value), st["figure"]) for _, value in b.key_figures],
             [_p(label, st["small"]) for label, _ in b.key_figures]]
    # a long value (the week's reports with its change) keeps the big figure and moves the rest to the label
    for i, (label, value) in enumerate(b.key_figures):
        if " (" in value:
            head, rest = value.split(" (", 1)
            cells[0][i] = _p(head, st["figure"])
            cells[1][i] = _p(f"{label} ({rest}", st["small"])
    kf = Table(cells, colWidths=[WIDTH / len(b.key_figures)] * len(b.key_figures))
    kf.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(_C["band"])),
                            ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, 0), 5),
                            ("BOTTOMPADDING", (0, 1), (-1, 1), 5), ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
    out.append(kf)
    out.append(_p(t("Recommended attention"), st["h"]))
    for i, item in enumerate(b.attention, 1):
        out.append(Paragraph(f"<b>{i}.</b> " + _esc(item), st["body"]))
        out.append(Spacer(1, 2))
    out.append(_p(t("Situation"), st["h"]))
    out.append(_FittingImage(pictures.map_png, WIDTH, WIDTH * 5.0 / 7.2, reserve=2.6 * _S["small"] * 1.35 + 2))
    out.append(_p(t("Numbered circles: the hotspots of the ranked table (red edge: flagged). Reports are drawn only "
                    "as counts per grid cell; bases and IDP sites at their positions."), st["small"]))
    return out


def _hotspots(b, st, pictures) -> list:
    t = b.t
    out = [_p(t("Hotspots, ranked"), st["h"]),
           _p(t("Places where tension is rising come first, by score (0-100), then the most persistently active. "
                "Flagged: score at least {score} and a component missing. Weekly line: reports per week over the "
                "past months (no figures printed on it).", score=_n(b, b.flag_score)), st["small"]), Spacer(1, 3)]
    head = ["#", t("Place and why"), t("Score"), t("Missing"), t("Reports ({days} d)", days=_n(b, b.window_days)),
            t("Killed"), t("Weekly")]
    rows = [[_p(h, st["head"]) for h in head]]
    flagged_rows = []
    flag_word = " <font color='%s'><b>%s</b></font>" % (_C["accent"], _esc(t("FLAGGED")))
    for i, (_, h) in enumerate(b.hotspots.iterrows()):
        place = Paragraph(f"<b>{_esc(h['place'])}</b>" + (flag_word if h["flagged"] else "")
                          + f"<br/><font size='{_S['small']}' color='{_C['muted']}'>{_esc(h['why'])}</font>",
                          st["cell"])
        rows.append([_p(str(h["rank"]), st["cell_b"]), place, _p(h["score_text"], st["cell_b"]),
                     _p(h["missing_text"], st["cell"]), _p(h["alerts_text"], st["cell"]),
                     _p(h["killed_text"], st["cell"]), _image(pictures.sparklines[i], 24 * mm, 6 * mm)])
        if h["flagged"]:
            flagged_rows.append(i + 1)
    widths = [7 * mm, 77 * mm, 12 * mm, 25 * mm, 23 * mm, 12 * mm, WIDTH - 156 * mm]   # "Signalements" fits
    t = _table(rows, widths)
    for r in flagged_rows:
        t.setStyle(TableStyle([("LINEBEFORE", (0, r), (0, r), 2.2, colors.HexColor(_C["accent"]))]))
    out.append(t)
    if not len(b.hotspots):
        out.append(_p(t("No hotspot listed."), st["body"]))
    return out


def _n(b, value) -> str:
    """A figure of the engine's settings (days, a threshold) as the locale writes it."""
    return f"{value:g}" if b.locale == "en" else b.t.number(value)


def _changes(b, st) -> list:
    out = [_p(b.t("What changed since {day}", day=b.previous_words), st["h"])]
    for item in b.changes:
        out.append(Paragraph("• " + _esc(item), st["body"]))
    return out


def _trend(b, st, pictures) -> list:
    t = b.t
    return [_p(t("The week against previous weeks"), st["h"]),
            _image(pictures.trend_png, WIDTH, WIDTH * 1.8 / 6.5),
            _p(t("Reports per week (each incident once; reports discounted by triage left out); the dark bar is the "
                 "week of the briefing, the dashed line {line}.", line=b.trend_words), st["small"])]


def _sites_and_gaps(b, st) -> list:
    t = b.t
    out = [_p(t("Vulnerable IDP sites"), st["h"]),
           _p(t("Open sites with armed activity nearby and a component missing, highest risk first."), st["small"]),
           Spacer(1, 3)]
    if len(b.sites):
        rows = [[_p(h, st["head"]) for h in ("#", t("Site"), t("People"), t("Missing within reach"),
                                              t("Reports nearby"), t("Risk"))]]
        for _, s in b.sites.iterrows():
            rows.append([_p(str(s["rank"]), st["cell"]), _p(s["name"], st["cell_b"]), _p(s["population_text"],
                                                                                          st["cell"]),
                         _p(s["missing_text"], st["cell"]), _p(s["alerts_text"], st["cell"]),
                         _p(s["risk_text"], st["cell"])])
        out.append(_table(rows, [7 * mm, 50 * mm, 19 * mm, 62 * mm, 28 * mm, WIDTH - 166 * mm]))
    else:
        out.append(_p(t("No open IDP site with armed activity nearby lacks a component."), st["body"]))
    out += [_p(t("Coverage gaps by component"), st["h"]),
            _p(t("How many listed hotspots, flagged hotspots and watched IDP sites no base of each component can "
                 "reach, and the people in those sites."), st["small"]), Spacer(1, 3)]
    rows = [[_p(h, st["head"]) for h in (t("Component"), t("Hotspots not reached"), t("Flagged not reached"),
                                          t("IDP sites not reached"), t("People in those sites"))]]
    for _, c in b.coverage.iterrows():
        rows.append([_p(c["component"], st["cell_b"]), _p(c["hotspots_text"], st["cell"]),
                     _p(c["flagged_text"], st["cell"]), _p(c["sites_text"], st["cell"]), _p(c["people_text"],
                                                                                             st["cell"])])
    out.append(_table(rows, [40 * mm, 35 * mm, 35 * mm, 35 * mm, WIDTH - 145 * mm]))
    out.append(_p(t("Method and sources"), st["h"]))
    for note in b.notes:
        out.append(_p(note, st["small"]))
        out.append(Spacer(1, 2))
    for source in b.sources:
        out.append(Paragraph("• " + _esc(source), st["small"]))
    out.append(Spacer(1, 4))
    out.append(_p(b.prepared_text, st["small"]))
    return out


def _annex(b, st) -> list:
    t = b.t
    out = [PageBreak(), _p(t("DETAILED ANNEX: SOURCE-SENSITIVE"), st["annex"]),
           _p(t("The reports behind the flagged hotspots, with their free text and exact locations. Reporter "
                "identities are never included. Do not forward."), st["small"]), Spacer(1, 4)]
    head = [t("Hotspot"), t("Reported (UTC)"), t("Category"), t("Status"), t("Killed"), t("Location (lat, lon)"),
            t("Text")]
    rows = [[_p(h, st["head"]) for h in head]]
    for _, a in b.annex.iterrows():
        rows.append([_p(a["hotspot"], st["cell"]), _p(a["reported"], st["cell"]), _p(a["category"], st["cell"]),
                     _p(a["verification"], st["cell"]), _p(a["killed"], st["cell"]),
                     _p(f"{a['location']} ({a['precision']})", st["cell"]), _p(a["text"], st["cell"])])
    out.append(_table(rows, [28 * mm, 22 * mm, 22 * mm, 17 * mm, 11 * mm, 28 * mm, WIDTH - 128 * mm]))
    if not len(b.annex):
        out.append(_p(t("No report lies behind a flagged hotspot."), st["body"]))
    return out


def briefing_pdf(b, pictures) -> bytes:
    """Briefing ``b`` as PDF bytes (``pictures``: :func:`ewarning.render.briefing.figures`)."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=14 * mm,
                            bottomMargin=18 * mm, title=f"{b.title}, {b.date_text}", author="", lang=b.locale,
                            subject=b.classification, creator="ewarning", producer="ewarning",
                            invariant=True)
    story = _summary(b, st, pictures) + [PageBreak()] + _hotspots(b, st, pictures) + _changes(b, st)
    story += [PageBreak(), KeepTogether(_trend(b, st, pictures))] + _sites_and_gaps(b, st)
    if b.annex is not None:
        story += _annex(b, st)
    draw = _on_page(b)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return buf.getvalue()
