"""The briefing as 16:9 slides (python-pptx): summary, map, hotspots, trend and changes, small multiples,
sites and gaps, sources; the detailed annex after them when the briefing has one.

Every slide carries the classification marking at its top and bottom. Texts
are set as plain runs (python-pptx escapes them into the XML), never as
markup.

Examples
--------
>>> SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN
(13.333, 7.5)
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from .. import style

__all__ = ["briefing_pptx", "SLIDE_WIDTH_IN", "SLIDE_HEIGHT_IN"]

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5
_C = style.DOCUMENT_COLOURS
LEFT = 0.55
WIDTH_IN = SLIDE_WIDTH_IN - 2 * LEFT
#: Rows of the annex per slide.
ANNEX_ROWS_PER_SLIDE = 7


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text(slide, left, top, width, height, text, size=14, bold=False, colour=None, align=None, wrap=True):
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = wrap
    lines = text if isinstance(text, list) else [text]
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = str(line)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = style.SLIDE_FONT
        run.font.color.rgb = _rgb(colour or _C["text"])
        para.space_after = Pt(size * 0.45)
    return box


def _slide(prs, b, title: str | None):
    slide = prs.slides.add_slide(prs.slide_layouts[6])   # blank
    for top in (0.08, SLIDE_HEIGHT_IN - 0.38):
        _text(slide, 0, top, SLIDE_WIDTH_IN, 0.3, b.classification, size=10, bold=True, colour=_C["marking"],
              align=PP_ALIGN.CENTER)
    _text(slide, LEFT, SLIDE_HEIGHT_IN - 0.62, 9.5, 0.3, b.footer_text, size=9, colour=_C["muted"])
    _text(slide, SLIDE_WIDTH_IN - LEFT - 1.5, SLIDE_HEIGHT_IN - 0.62, 1.5, 0.3, f"{len(prs.slides)}", size=9,
          colour=_C["muted"], align=PP_ALIGN.RIGHT)
    if title:
        _text(slide, LEFT, 0.42, WIDTH_IN, 0.6, title, size=24, bold=True, colour=_C["heading"])
    return slide


def _table(slide, left, top, width, rows, widths, size=11, bold_first_col=False, flagged_rows=()):
    shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(left), Inches(top), Inches(width),
                                   Inches(0.3 * len(rows)))
    table = shape.table
    total = sum(widths)
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(int(Inches(width) * w / total))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            frame = cell.text_frame
            frame.word_wrap = True
            para = frame.paragraphs[0]
            run = para.add_run()
            run.text = str(value)
            run.font.name = style.SLIDE_FONT
            run.font.size = Pt(size)
            run.font.bold = i == 0 or (bold_first_col and j <= 1)
            run.font.color.rgb = _rgb(_C["heading"] if i == 0 else (_C["accent"] if i in flagged_rows and j <= 1
                                                                     else _C["text"]))
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(_C["band"] if i == 0 else "#ffffff")
    return table


def _title_slide(prs, b):
    s = _slide(prs, b, None)
    _text(s, LEFT, 0.45, WIDTH_IN, 0.7, b.title, size=28, bold=True, colour=_C["heading"])
    _text(s, LEFT, 1.12, WIDTH_IN, 0.4, b.t("{heading} · reports known {as_of}; compared with {previous}",
                                            heading=b.heading_text, as_of=b.as_of_words, previous=b.previous_words),
          size=13, colour=_C["muted"])
    _text(s, LEFT, 1.55, WIDTH_IN, 0.5, b.mode_text, size=11, colour=_C["text"])
    width = WIDTH_IN / len(b.key_figures)
    for i, (label, value) in enumerate(b.key_figures):
        head, _, rest = value.partition(" (")
        box = s.shapes.add_shape(1, Inches(LEFT + i * width), Inches(2.3), Inches(width - 0.12), Inches(1.25))
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb(_C["band"])
        box.line.fill.background()
        box.shadow.inherit = False
        _text(s, LEFT + i * width + 0.1, 2.33, width - 0.3, 0.6, head, size=30, bold=True, colour=_C["heading"])
        _text(s, LEFT + i * width + 0.1, 2.95, width - 0.3, 0.6, label + (f" ({rest}" if rest else ""), size=11,
              colour=_C["muted"])
    _text(s, LEFT, 3.8, WIDTH_IN, 0.45, b.t("Recommended attention"), size=18, bold=True, colour=_C["heading"])
    _text(s, LEFT, 4.25, WIDTH_IN, 2.5, [f"{i}. {item}" for i, item in enumerate(b.attention, 1)], size=12)


def _map_slide(prs, b, pictures):
    t = b.t
    s = _slide(prs, b, t("Situation"))
    height = 5.6
    s.shapes.add_picture(io.BytesIO(pictures.map_png), Inches(LEFT), Inches(1.1), height=Inches(height))
    right = LEFT + height * 7.2 / 5.0 + 0.3
    flagged = b.hotspots[b.hotspots["flagged"]] if len(b.hotspots) else b.hotspots
    lines = [t("#{rank} {place}: score {score}, missing {missing}", rank=h["rank"], place=h["place"],
               score=h["score_text"], missing=h["missing_text"].lower()) for _, h in flagged.iterrows()] \
        or [t("No hotspot is flagged.")]
    _text(s, right, 1.15, SLIDE_WIDTH_IN - right - LEFT, 0.4, t("Flagged hotspots"), size=15, bold=True,
          colour=_C["accent"])
    _text(s, right, 1.6, SLIDE_WIDTH_IN - right - LEFT, 2.5, lines, size=12)
    _text(s, right, 4.6, SLIDE_WIDTH_IN - right - LEFT, 2.0,
          t("Numbered circles: the ranked hotspots (red edge: flagged). Reports are drawn only as counts per "
            "grid cell of about 28 km; bases and IDP sites at their positions."), size=10, colour=_C["muted"])


def _days(b) -> str:
    """The engine's window in days, as the locale writes a number (``60``)."""
    return f"{b.window_days:g}" if b.locale == "en" else b.t.number(b.window_days)


def _hotspot_slide(prs, b):
    t = b.t
    s = _slide(prs, b, t("Hotspots, ranked"))
    rows = [["#", t("Place"), t("Score"), t("Trend"), t("Missing"), t("Reports ({days} d)", days=_days(b)),
             t("Killed"), t("Why")]]
    flagged = []
    for i, (_, h) in enumerate(b.hotspots.iterrows(), 1):
        place = t("{place} (FLAGGED)", place=h["place"]) if h["flagged"] else h["place"]
        rows.append([h["rank"], place, h["score_text"], h["trend"], h["missing_text"], h["alerts_text"],
                     h["killed_text"], h["why"]])
        if h["flagged"]:
            flagged.append(i)
    if len(rows) == 1:
        rows.append(["", t("No hotspot listed"), "", "", "", "", "", ""])
    # the longer French explanations take a point less, so that eight hotspots still fit above the footer
    size = 10.5 if sum(len(str(r[-1])) for r in rows[1:]) <= 1500 else 9.5
    _table(s, LEFT, 1.05, WIDTH_IN, rows, [0.3, 2.0, 0.55, 1.1, 1.4, 0.95, 0.6, 5.2], size=size,
           bold_first_col=True, flagged_rows=flagged)


def _trend_slide(prs, b, pictures):
    t = b.t
    s = _slide(prs, b, t("The week against previous weeks"))
    s.shapes.add_picture(io.BytesIO(pictures.trend_png), Inches(LEFT), Inches(1.05), width=Inches(WIDTH_IN * 0.62))
    _text(s, LEFT, 1.05 + WIDTH_IN * 0.62 * 1.8 / 6.5 + 0.05, WIDTH_IN * 0.62, 0.6,
          t("Reports per week, each incident once; the dark bar is the week of the briefing, the dashed line "
            "{line}.", line=b.trend_words), size=10, colour=_C["muted"])
    right = LEFT + WIDTH_IN * 0.62 + 0.3
    _text(s, right, 1.05, SLIDE_WIDTH_IN - right - LEFT, 0.5, t("What changed since {day}", day=b.previous_words),
          size=15, bold=True, colour=_C["heading"])
    _text(s, right, 1.75, SLIDE_WIDTH_IN - right - LEFT, 4.8, [f"• {c}" for c in b.changes], size=12)


def _multiples_slide(prs, b, pictures):
    t = b.t
    s = _slide(prs, b, t("Reports per week at each hotspot"))
    cols, w, h = 4, WIDTH_IN / 4, 1.35
    for i, (_, row) in enumerate(b.hotspots.iterrows()):
        left, top = LEFT + (i % cols) * w, 1.2 + (i // cols) * (h + 0.35)
        _text(s, left, top, w - 0.2, 0.35, f"#{row['rank']} {row['place']}", size=11, bold=True,
              colour=_C["accent"] if row["flagged"] else _C["heading"])
        _text(s, left, top + 0.32, w - 0.2, 0.3, t("score {score}, {trend}", score=row["score_text"],
                                                   trend=row["trend"]), size=9, colour=_C["muted"])
        s.shapes.add_picture(io.BytesIO(pictures.sparklines[i]), Inches(left), Inches(top + 0.65),
                             width=Inches(w - 0.35))
    _text(s, LEFT, SLIDE_HEIGHT_IN - 1.1, WIDTH_IN, 0.4, t("Each line: reports per week over the past months, the "
                                                           "last week marked; no figures are printed on the lines."),
          size=10, colour=_C["muted"])


def _sites_slide(prs, b):
    t = b.t
    s = _slide(prs, b, t("Vulnerable IDP sites and coverage gaps"))
    rows = [["#", t("Site"), t("People"), t("Missing within reach"), t("Reports nearby"), t("Risk")]]
    rows += [[r["rank"], r["name"], r["population_text"], r["missing_text"], r["alerts_text"], r["risk_text"]]
             for _, r in b.sites.iterrows()] or [["", t("No vulnerable site"), "", "", "", ""]]
    _table(s, LEFT, 1.05, WIDTH_IN * 0.55, rows, [0.3, 2.15, 1.1, 2.6, 1.35, 0.8], size=10, bold_first_col=True)
    right = LEFT + WIDTH_IN * 0.55 + 0.3
    sites = t("IDP sites")
    rows = [[t("Component"), t("Hotspots not reached"), t("Flagged"), sites[:1].upper() + sites[1:], t("People")]]
    rows += [[c["component"], c["hotspots_text"], c["flagged_text"], c["sites_text"], c["people_text"]]
             for _, c in b.coverage.iterrows()]
    _text(s, right, 1.0, SLIDE_WIDTH_IN - right - LEFT, 0.4, t("Coverage gaps by component"), size=14, bold=True,
          colour=_C["heading"])
    _table(s, right, 1.45, SLIDE_WIDTH_IN - right - LEFT, rows, [1.4, 1.1, 0.8, 0.9, 0.9], size=9.5)


def _sources_slide(prs, b):
    s = _slide(prs, b, b.t("Method and sources"))
    _text(s, LEFT, 1.1, WIDTH_IN, 5.2, list(b.notes) + [""] + [f"• {x}" for x in b.sources]
          + ["", b.prepared_text], size=13)


def _annex_slides(prs, b):
    t = b.t
    rows = list(b.annex.itertuples(index=False))
    for start in range(0, max(len(rows), 1), ANNEX_ROWS_PER_SLIDE):
        s = _slide(prs, b, t("DETAILED ANNEX: SOURCE-SENSITIVE, do not forward"))
        table = [[t("Hotspot"), t("Reported (UTC)"), t("Category"), t("Status"), t("Killed"),
                  t("Location (lat, lon)"), t("Text")]]
        table += [[a.hotspot, a.reported, a.category, a.verification, a.killed, f"{a.location} ({a.precision})",
                   a.text] for a in rows[start:start + ANNEX_ROWS_PER_SLIDE]] or [["", "", "", "", "", "", t("none")]]
        _table(s, LEFT, 1.05, WIDTH_IN, table, [1.6, 1.2, 1.2, 0.9, 0.5, 1.7, 5.0], size=9)


def briefing_pptx(b, pictures) -> bytes:
    """Briefing ``b`` as PPTX bytes (``pictures``: :func:`ewarning.render.briefing.figures`)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_WIDTH_IN), Inches(SLIDE_HEIGHT_IN)
    prs.core_properties.title = f"{b.title}, {b.date_text}"
    prs.core_properties.subject = b.classification
    prs.core_properties.author = ""
    prs.core_properties.last_modified_by = ""
    prs.core_properties.keywords = b.mode
    prs.core_properties.language = b.locale
    _title_slide(prs, b)
    _map_slide(prs, b, pictures)
    _hotspot_slide(prs, b)
    _trend_slide(prs, b, pictures)
    _multiples_slide(prs, b, pictures)
    _sites_slide(prs, b)
    _sources_slide(prs, b)
    if b.annex is not None:
        _annex_slides(prs, b)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
