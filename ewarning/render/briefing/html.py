"""The briefing as one self-contained HTML file: pictures inlined as ``data:`` PNGs, CSS inline, no script,
no request to any server (it opens offline, and a strict Content-Security-Policy forbids anything else).

Every text from data goes through :func:`ewarning.security.escape`.

Examples
--------
>>> _cells(["<b>", 3])
'<td>&lt;b&gt;</td><td>3</td>'
"""

from __future__ import annotations

import base64

from ...security import escape
from .. import style

__all__ = ["briefing_html"]

_C = style.DOCUMENT_COLOURS
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _img(png: bytes, alt: str, css_class: str = "") -> str:
    return (f'<img class="{css_class}" alt="{escape(alt)}" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">')


def _cells(values, tag: str = "td") -> str:
    return "".join(f"<{tag}>{escape(v)}</{tag}>" for v in values)


def _css() -> str:
    return f"""
    body {{ font-family: {style.FONT_FAMILY}; color: {_C['text']}; max-width: 60rem; margin: 0 auto;
           padding: 0 1.2rem 2rem; font-size: 14px; line-height: 1.45; }}
    .marking {{ text-align: center; color: {_C['marking']}; font-weight: 700; letter-spacing: .05em;
               font-size: 12px; padding: .4rem 0; }}
    h1 {{ color: {_C['heading']}; font-size: 26px; margin: .4rem 0 .1rem; }}
    h2 {{ color: {_C['heading']}; font-size: 18px; margin: 1.4rem 0 .4rem; }}
    .sub, .note {{ color: {_C['muted']}; }}
    .note {{ font-size: 12px; }}
    .mode {{ background: {_C['band']}; padding: .4rem .6rem; font-size: 12.5px; border-radius: 3px; }}
    .figures {{ display: flex; gap: .5rem; margin: .8rem 0; }}
    .figures div {{ flex: 1; background: {_C['band']}; padding: .5rem .7rem; }}
    .figures b {{ display: block; font-size: 26px; color: {_C['heading']}; }}
    .figures span {{ color: {_C['muted']}; font-size: 12px; }}
    table {{ border-collapse: collapse; width: 100%; font-size: 12.5px; }}
    th {{ background: {_C['band']}; color: {_C['heading']}; text-align: left;
          border-bottom: 2px solid {_C['heading']}; }}
    th, td {{ padding: .25rem .4rem; vertical-align: top; }}
    td {{ border-bottom: 1px solid {_C['rule']}; }}
    tr.flagged td:first-child {{ border-left: 3px solid {_C['accent']}; }}
    .flag {{ color: {_C['accent']}; font-weight: 700; }}
    .why {{ color: {_C['muted']}; font-size: 11.5px; }}
    img.map, img.trend {{ width: 100%; height: auto; }}
    img.spark {{ width: 7rem; height: auto; }}
    .annex {{ border-top: 3px solid {_C['accent']}; margin-top: 2rem; }}
    """


def briefing_html(b, pictures) -> str:
    """Briefing ``b`` as an HTML document (``pictures``: :func:`ewarning.render.briefing.figures`), in the
    language ``b`` was built in."""
    t = b.t
    parts = [f"<!DOCTYPE html><html lang=\"{escape(b.locale)}\"><head><meta charset=\"utf-8\">"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
             f"<meta name=\"referrer\" content=\"no-referrer\">"
             f"<title>{escape(b.title)}, {escape(b.date_text)}</title><style>{_css()}</style></head><body>",
             f"<div class=\"marking\">{escape(b.classification)}</div>",
             f"<h1>{escape(b.title)}</h1>",
             f"<p class=\"sub\">{escape(b.known_text)}</p>",
             f"<p class=\"mode\">{escape(b.mode_text)}</p>", "<div class=\"figures\">"]
    for label, value in b.key_figures:
        head, _, rest = value.partition(" (")
        parts.append(f"<div><b>{escape(head)}</b><span>{escape(label + (' (' + rest if rest else ''))}</span></div>")
    parts.append("</div>" + _h2(t("Recommended attention")) + "<ol>")
    parts += [f"<li>{escape(item)}</li>" for item in b.attention]
    parts.append("</ol>" + _h2(t("Situation"))
                 + _img(pictures.map_png, t("Static map of the hotspots"), "map"))
    parts.append("<p class=\"note\">" + escape(t("Numbered circles: the hotspots of the ranked table (red edge: "
                                                  "flagged). Reports are drawn only as counts per grid cell; bases "
                                                  "and IDP sites at their positions.")) + "</p>")
    parts.append(_h2(t("Hotspots, ranked")) + "<table><tr>"
                 + _cells(["#", t("Place and why"), t("Score"), t("Missing"),
                           t("Reports ({days} d)", days=_days(b)), t("Killed"), t("Weekly")], "th") + "</tr>")
    for i, (_, h) in enumerate(b.hotspots.iterrows()):
        flag = " <span class=\"flag\">" + escape(t("FLAGGED")) + "</span>" if h["flagged"] else ""
        parts.append(f"<tr class=\"{'flagged' if h['flagged'] else ''}\"><td>{escape(h['rank'])}</td>"
                     f"<td><b>{escape(h['place'])}</b>{flag}<div class=\"why\">{escape(h['why'])}</div></td>"
                     + _cells([h["score_text"], h["missing_text"], h["alerts_text"], h["killed_text"]])
                     + "<td>" + _img(pictures.sparklines[i], t("reports per week"), "spark") + "</td></tr>")
    parts.append("</table>")
    parts.append(_h2(t("What changed since {day}", day=b.previous_words)) + "<ul>"
                 + "".join(f"<li>{escape(c)}</li>" for c in b.changes) + "</ul>")
    parts.append(_h2(t("The week against previous weeks"))
                 + _img(pictures.trend_png, t("Reports per week"), "trend")
                 + "<p class=\"note\">" + escape(t("Reports per week, each incident once; the dark bar is the week "
                                                    "of the briefing, the dashed line {line}.", line=b.trend_words))
                 + "</p>")
    parts.append(_h2(t("Vulnerable IDP sites")) + "<table><tr>"
                 + _cells(["#", t("Site"), t("People"), t("Missing within reach"), t("Reports nearby"), t("Risk")],
                          "th") + "</tr>")
    parts += ["<tr>" + _cells([s["rank"], s["name"], s["population_text"], s["missing_text"], s["alerts_text"],
                               s["risk_text"]]) + "</tr>" for _, s in b.sites.iterrows()]
    parts.append("</table>" + _h2(t("Coverage gaps by component")) + "<table><tr>"
                 + _cells([t("Component"), t("Hotspots not reached"), t("Flagged not reached"),
                           t("IDP sites not reached"), t("People in those sites")], "th") + "</tr>")
    parts += ["<tr>" + _cells([c["component"], c["hotspots_text"], c["flagged_text"], c["sites_text"],
                               c["people_text"]]) + "</tr>" for _, c in b.coverage.iterrows()]
    parts.append("</table>" + _h2(t("Method and sources")))
    parts += [f"<p class=\"note\">{escape(n)}</p>" for n in b.notes]
    parts.append("<ul class=\"note\">" + "".join(f"<li>{escape(s)}</li>" for s in b.sources) + "</ul>")
    parts.append(f"<p class=\"note\">{escape(b.prepared_text)}</p>")
    if b.annex is not None:
        parts.append("<section class=\"annex\"><h2 class=\"flag\">"
                     + escape(t("DETAILED ANNEX: SOURCE-SENSITIVE, do not forward")) + "</h2><table><tr>"
                     + _cells(_annex_head(t), "th") + "</tr>")
        parts += ["<tr>" + _cells([a.hotspot, a.reported, a.category, a.verification, a.killed,
                                   f"{a.location} ({a.precision})", a.text]) + "</tr>"
                  for a in b.annex.itertuples(index=False)]
        parts.append("</table></section>")
    parts.append(f"<div class=\"marking\">{escape(b.classification)}</div></body></html>")
    return "".join(parts)


def _h2(text: str) -> str:
    return "<h2>" + escape(text) + "</h2>"


def _days(b) -> str:
    """The engine's window in days, as the locale writes a number (``60``)."""
    return f"{b.window_days:g}" if b.locale == "en" else b.t.number(b.window_days)


def _annex_head(t) -> list:
    return [t("Hotspot"), t("Reported (UTC)"), t("Category"), t("Status"), t("Killed"), t("Location (lat, lon)"),
            t("Text")]
