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


def _p(text, st) -> Paragraph:
    return Paragraph(escape(text), st)


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
        canvas.drawString(MARGIN, 11.5 * mm, f"Leadership briefing · {b.date_text} · {b.scope_text} · {b.mode}")
        canvas.drawRightString(A4[0] - MARGIN, 11.5 * mm, f"page {doc.page}")
        canvas.setStrokeColor(colors.HexColor(_C["rule"]))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, 14.5 * mm, A4[0] - MARGIN, 14.5 * mm)
        canvas.restoreState()

    return draw


def _summary(b, st, pictures) -> list:
    out = [_p(b.title, st["title"]),
           _p(f"{b.heading_text} · reports known {b.as_of_words}; compared with the briefing of "
              f"{b.previous_words}", st["subtitle"]),
           _p(b.mode_text, st["mode"])]
    cells = [[Paragraph(escape(value), st["figure"]) for _, value in b.key_figures],
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
    out.append(_p("Recommended attention", st["h"]))
    for i, item in enumerate(b.attention, 1):
        out.append(Paragraph(f"<b>{i}.</b> " + escape(item), st["body"]))
        out.append(Spacer(1, 2))
    out.append(_p("Situation", st["h"]))
    out.append(_image(pictures.map_png, WIDTH, WIDTH * 5.0 / 7.2))
    out.append(_p("Numbered circles: the hotspots of the ranked table (red edge: flagged). Reports are drawn only "
                  "as counts per grid cell; bases and IDP sites at their positions.", st["small"]))
    return out


def _hotspots(b, st, pictures) -> list:
    out = [_p("Hotspots, ranked", st["h"]),
           _p(f"Places where tension is rising come first, by score (0-100), then the most persistently active. "
              f"Flagged: score at least {b.flag_score:g} and a component missing. Weekly line: reports per week "
              f"over the past months (no figures printed on it).", st["small"]), Spacer(1, 3)]
    head = ["#", "Place and why", "Score", "Missing", f"Reports ({b.window_days:g} d)", "Killed", "Weekly"]
    rows = [[_p(h, st["head"]) for h in head]]
    flagged_rows = []
    for i, (_, h) in enumerate(b.hotspots.iterrows()):
        place = Paragraph(f"<b>{escape(h['place'])}</b>" + (" <font color='%s'><b>FLAGGED</b></font>" % _C["accent"]
                                                             if h["flagged"] else "")
                          + f"<br/><font size='{_S['small']}' color='{_C['muted']}'>{escape(h['why'])}</font>",
                          st["cell"])
        rows.append([_p(str(h["rank"]), st["cell_b"]), place, _p(h["score_text"], st["cell_b"]),
                     _p(h["missing_text"], st["cell"]), _p(h["alerts_text"], st["cell"]),
                     _p(h["killed_text"], st["cell"]), _image(pictures.sparklines[i], 24 * mm, 6 * mm)])
        if h["flagged"]:
            flagged_rows.append(i + 1)
    widths = [7 * mm, 86 * mm, 12 * mm, 25 * mm, 14 * mm, 12 * mm, WIDTH - 156 * mm]
    t = _table(rows, widths)
    for r in flagged_rows:
        t.setStyle(TableStyle([("LINEBEFORE", (0, r), (0, r), 2.2, colors.HexColor(_C["accent"]))]))
    out.append(t)
    if not len(b.hotspots):
        out.append(_p("No hotspot listed.", st["body"]))
    return out


def _changes(b, st) -> list:
    out = [_p(f"What changed since {b.previous_words}", st["h"])]
    for item in b.changes:
        out.append(Paragraph("• " + escape(item), st["body"]))
    return out


def _trend(b, st, pictures) -> list:
    return [_p("The week against previous weeks", st["h"]),
            _image(pictures.trend_png, WIDTH, WIDTH * 1.8 / 6.5),
            _p(f"Reports per week (each incident once; reports discounted by triage left out); the dark bar is the "
               f"week of the briefing, the dashed line {b.trend_words}.", st["small"])]


def _sites_and_gaps(b, st) -> list:
    out = [_p("Vulnerable IDP sites", st["h"]),
           _p("Open sites with armed activity nearby and a component missing, highest risk first.", st["small"]),
           Spacer(1, 3)]
    if len(b.sites):
        rows = [[_p(h, st["head"]) for h in ("#", "Site", "People", "Missing within reach", "Reports nearby",
                                              "Risk")]]
        for _, s in b.sites.iterrows():
            rows.append([_p(str(s["rank"]), st["cell"]), _p(s["name"], st["cell_b"]), _p(s["population_text"],
                                                                                          st["cell"]),
                         _p(s["missing_text"], st["cell"]), _p(s["alerts_text"], st["cell"]),
                         _p(s["risk_text"], st["cell"])])
        out.append(_table(rows, [7 * mm, 52 * mm, 17 * mm, 74 * mm, 18 * mm, WIDTH - 168 * mm]))
    else:
        out.append(_p("No open IDP site with armed activity nearby lacks a component.", st["body"]))
    out += [_p("Coverage gaps by component", st["h"]),
            _p("How many listed hotspots, flagged hotspots and watched IDP sites no base of each component can "
               "reach, and the people in those sites.", st["small"]), Spacer(1, 3)]
    rows = [[_p(h, st["head"]) for h in ("Component", "Hotspots not reached", "Flagged not reached",
                                          "IDP sites not reached", "People in those sites")]]
    for _, c in b.coverage.iterrows():
        rows.append([_p(c["component"], st["cell_b"]), _p(c["hotspots_text"], st["cell"]),
                     _p(c["flagged_text"], st["cell"]), _p(c["sites_text"], st["cell"]), _p(c["people_text"],
                                                                                             st["cell"])])
    out.append(_table(rows, [40 * mm, 35 * mm, 35 * mm, 35 * mm, WIDTH - 145 * mm]))
    out.append(_p("Method and sources", st["h"]))
    for note in b.notes:
        out.append(_p(note, st["small"]))
        out.append(Spacer(1, 2))
    for source in b.sources:
        out.append(Paragraph("• " + escape(source), st["small"]))
    out.append(Spacer(1, 4))
    out.append(_p(f"Prepared by {b.user} with the mission's early-warning dashboard.", st["small"]))
    return out


def _annex(b, st) -> list:
    out = [PageBreak(), _p("DETAILED ANNEX: SOURCE-SENSITIVE", st["annex"]),
           _p("The reports behind the flagged hotspots, with their free text and exact locations. Reporter "
              "identities are never included. Do not forward.", st["small"]), Spacer(1, 4)]
    head = ["Hotspot", "Reported (UTC)", "Category", "Status", "Killed", "Location (lat, lon)", "Text"]
    rows = [[_p(h, st["head"]) for h in head]]
    for _, a in b.annex.iterrows():
        rows.append([_p(a["hotspot"], st["cell"]), _p(a["reported"], st["cell"]), _p(a["category"], st["cell"]),
                     _p(a["verification"], st["cell"]), _p(a["killed"], st["cell"]),
                     _p(f"{a['location']} ({a['precision']})", st["cell"]), _p(a["text"], st["cell"])])
    out.append(_table(rows, [28 * mm, 22 * mm, 22 * mm, 17 * mm, 11 * mm, 28 * mm, WIDTH - 128 * mm]))
    if not len(b.annex):
        out.append(_p("No report lies behind a flagged hotspot.", st["body"]))
    return out


def briefing_pdf(b, pictures) -> bytes:
    """Briefing ``b`` as PDF bytes (``pictures``: :func:`ewarning.render.briefing.figures`)."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=14 * mm,
                            bottomMargin=18 * mm, title=f"{b.title}, {b.date_text}", author="",
                            subject=b.classification, creator="ewarning", producer="ewarning",
                            invariant=True)
    story = _summary(b, st, pictures) + [PageBreak()] + _hotspots(b, st, pictures) + _changes(b, st)
    story += [PageBreak(), KeepTogether(_trend(b, st, pictures))] + _sites_and_gaps(b, st)
    if b.annex is not None:
        story += _annex(b, st)
    draw = _on_page(b)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return buf.getvalue()
