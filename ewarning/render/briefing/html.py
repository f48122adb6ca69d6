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
    """Briefing ``b`` as an HTML document (``pictures``: :func:`ewarning.render.briefing.figures`)."""
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
             f"<meta name=\"referrer\" content=\"no-referrer\">"
             f"<title>{escape(b.title)}, {escape(b.date_text)}</title><style>{_css()}</style></head><body>",
             f"<div class=\"marking\">{escape(b.classification)}</div>",
             f"<h1>{escape(b.title)}</h1>",
             f"<p class=\"sub\">{escape(b.heading_text)} · reports known "
             f"{escape(b.as_of_words)}; compared with the briefing of {escape(b.previous_words)}</p>",
             f"<p class=\"mode\">{escape(b.mode_text)}</p>", "<div class=\"figures\">"]
    for label, value in b.key_figures:
        head, _, rest = value.partition(" (")
        parts.append(f"<div><b>{escape(head)}</b><span>{escape(label + (' (' + rest if rest else ''))}</span></div>")
    parts.append("</div><h2>Recommended attention</h2><ol>")
    parts += [f"<li>{escape(item)}</li>" for item in b.attention]
    parts.append("</ol><h2>Situation</h2>" + _img(pictures.map_png, "Static map of the hotspots", "map"))
    parts.append("<p class=\"note\">Numbered circles: the hotspots of the ranked table (red edge: flagged). Reports "
                 "are drawn only as counts per grid cell; bases and IDP sites at their positions.</p>")
    parts.append("<h2>Hotspots, ranked</h2><table><tr>"
                 + _cells(["#", "Place and why", "Score", "Missing", f"Reports ({b.window_days:g} d)", "Killed",
                           "Weekly"], "th") + "</tr>")
    for i, (_, h) in enumerate(b.hotspots.iterrows()):
        flag = " <span class=\"flag\">FLAGGED</span>" if h["flagged"] else ""
        parts.append(f"<tr class=\"{'flagged' if h['flagged'] else ''}\"><td>{escape(h['rank'])}</td>"
                     f"<td><b>{escape(h['place'])}</b>{flag}<div class=\"why\">{escape(h['why'])}</div></td>"
                     + _cells([h["score_text"], h["missing_text"], h["alerts_text"], h["killed_text"]])
                     + f"<td>{_img(pictures.sparklines[i], 'reports per week', 'spark')}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2>What changed since {escape(b.previous_words)}</h2><ul>"
                 + "".join(f"<li>{escape(c)}</li>" for c in b.changes) + "</ul>")
    parts.append("<h2>The week against previous weeks</h2>" + _img(pictures.trend_png, "Reports per week", "trend")
                 + f"<p class=\"note\">Reports per week, each incident once; the dark bar is the week of the briefing, "
                   f"the dashed line {escape(b.trend_words)}.</p>")
    parts.append("<h2>Vulnerable IDP sites</h2><table><tr>"
                 + _cells(["#", "Site", "People", "Missing within reach", "Reports nearby", "Risk"], "th") + "</tr>")
    parts += ["<tr>" + _cells([s["rank"], s["name"], s["population_text"], s["missing_text"], s["alerts_text"],
                               s["risk_text"]]) + "</tr>" for _, s in b.sites.iterrows()]
    parts.append("</table><h2>Coverage gaps by component</h2><table><tr>"
                 + _cells(["Component", "Hotspots not reached", "Flagged not reached", "IDP sites not reached",
                           "People in those sites"], "th") + "</tr>")
    parts += ["<tr>" + _cells([c["component"], c["hotspots_text"], c["flagged_text"], c["sites_text"],
                               c["people_text"]]) + "</tr>" for _, c in b.coverage.iterrows()]
    parts.append("</table><h2>Method and sources</h2>")
    parts += [f"<p class=\"note\">{escape(n)}</p>" for n in b.notes]
    parts.append("<ul class=\"note\">" + "".join(f"<li>{escape(s)}</li>" for s in b.sources) + "</ul>")
    parts.append(f"<p class=\"note\">Prepared by {escape(b.user)} with the mission's early-warning dashboard.</p>")
    if b.annex is not None:
        parts.append("<section class=\"annex\"><h2 class=\"flag\">DETAILED ANNEX: SOURCE-SENSITIVE, do not "
                     "forward</h2><table><tr>" + _cells(["Hotspot", "Reported (UTC)", "Category", "Status", "Killed",
                                                         "Location (lat, lon)", "Text"], "th") + "</tr>")
        parts += ["<tr>" + _cells([a.hotspot, a.reported, a.category, a.verification, a.killed,
                                   f"{a.location} ({a.precision})", a.text]) + "</tr>"
                  for a in b.annex.itertuples(index=False)]
        parts.append("</table></section>")
    parts.append(f"<div class=\"marking\">{escape(b.classification)}</div></body></html>")
    return "".join(parts)
