"""One palette and typography for pages, maps and briefings.

Everything the eye uses to tell layers apart lives here, so the live map,
the leadership briefing and the training replay speak the same visual
language: an analyst who learnt that dark red is a killing on the desk reads
the briefing slide without a legend.

Colours are hex strings (usable in CSS, Leaflet, matplotlib and
python-pptx). Category colours group by kind of harm: reds and purples for
violence against people, oranges for property, brown for displacement, blues
and greys for precursors (movements, tension, threats). Component colours
and Font Awesome 6 icon names (vendored, offline) mark the four components of
a multidimensional presence.

Examples
--------
>>> category_colour("killing")
'#8b0000'
>>> category_colour("no such code")  # unknown codes get the neutral grey
'#6b7280'
>>> score_colour(0.0), score_colour(1.0)
('#fff5d6', '#67000d')
>>> severity_radius(5) > severity_radius(1)
True
"""

from __future__ import annotations

import math

from .. import vocab

#: Neutral colour for unknown codes and absent things.
NEUTRAL = "#6b7280"
#: Colour of an absent component in presence badges.
ABSENT = "#c4c8cf"

CATEGORY_COLOURS: dict[str, str] = {
    # violence against people
    "killing": "#8b0000",
    "armed_attack": "#d7301f",
    "abduction": "#7a0177",
    "sexual_violence": "#c51b8a",
    # property
    "looting": "#f08c00",
    "arson": "#e8590c",
    # people on the move
    "displacement": "#8c6d31",
    # precursors
    "armed_group_movement": "#1c5d99",
    "intercommunal_tension": "#0f8a8a",
    "threat_or_rumour": "#5b7083",
    "checkpoint_extortion": "#6b8e23",
}

#: Component colours and Font Awesome 6 (free, solid) icon names.
COMPONENT_COLOURS: dict[str, str] = {
    "military": "#2f4b7c",
    "police": "#1f78b4",
    "civilian": "#2e8540",
    "cla": "#d99100",
}
COMPONENT_ICONS: dict[str, str] = {
    "military": "shield-halved",
    "police": "user-shield",
    "civilian": "people-group",
    "cla": "tower-broadcast",
}
#: One-letter codes for places where an icon does not fit (slides, tables).
COMPONENT_LETTERS: dict[str, str] = {"military": "M", "police": "P", "civilian": "C", "cla": "L"}

SITE_KIND_COLOURS: dict[str, str] = {
    "idp_camp": "#6a3d9a",
    "poc_site": "#b15928",
    "refugee_camp": "#1b7837",
    "host_community": "#8073ac",
}

BASE_KIND_ICONS: dict[str, str] = {
    "mission_hq": "flag",
    "sector_hq": "flag",
    "company_base": "campground",
    "temporary_base": "campground",
    "field_office": "building",
    "police_post": "building-shield",
    "other": "location-dot",
}

#: Patrol styles by type: dismounted patrols (the ones that meet people) are
#: drawn in a strong green dashes, vehicle patrols as thinner solid grey-blue.
PATROL_STYLES: dict[str, dict] = {
    "dismounted": {"color": "#1a9850", "weight": 3.5, "dashArray": "6 5", "opacity": 0.95},
    "vehicle": {"color": "#4a5b8c", "weight": 2.5, "dashArray": None, "opacity": 0.85},
    "integrated": {"color": "#7b3294", "weight": 3.0, "dashArray": "10 4 2 4", "opacity": 0.9},
    "air": {"color": "#2b8cbe", "weight": 1.5, "dashArray": "2 6", "opacity": 0.8},
    "riverine": {"color": "#0570b0", "weight": 2.5, "dashArray": "12 6", "opacity": 0.85},
    "unknown": {"color": NEUTRAL, "weight": 2.0, "dashArray": "4 4", "opacity": 0.8},
}

#: Channel colours (how a report reached the mission): community alert network channels in greens (call,
#: SMS, HF/VHF radio), the mission's own reporting in blues, partners and media in warm greys.
CHANNEL_COLOURS: dict[str, str] = {
    "can_call": "#1b7837",
    "can_sms": "#5aae61",
    "radio": "#00796b",
    "hotline": "#8c510a",
    "patrol_report": "#2166ac",
    "joint_protection_team": "#4393c3",
    "liaison_assistant": "#d99100",
    "partner_ngo": "#8073ac",
    "media": "#a6761d",
    "other": "#9e9e9e",
    "unknown": NEUTRAL,
}

VERIFICATION_COLOURS: dict[str, str] = {"unverified": "#9a6700", "verified": "#1a7f37", "discounted": NEUTRAL}

#: Sequential ramp for tension scores (low -> high), light cream to dark red.
SCORE_RAMP: list[str] = ["#fff5d6", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d"]

#: Outline of flagged hotspots and of the drawn area filter.
FLAG_COLOUR = "#b00020"

#: Alert severity (1-5) colours, e.g. for clusters: the gravest report inside.
SEVERITY_COLOURS: dict[int, str] = {1: "#fed976", 2: "#feb24c", 3: "#fd8d3c", 4: "#e31a1c", 5: "#800026"}

#: Basemap (offline boundaries).
BASEMAP = {
    "background": "#dfe7ee",      # beyond the boundaries (no tiles)
    "land": "#f6f4ee",
    "land_focus": "#fbfaf6",
    "border": "#8a8f98",
    "sector": "#5b6b82",
    "town": "#3b3f46",
}

#: Typography. System fonts only: nothing is fetched from a font CDN.
FONT_FAMILY = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", '
               'Arial, sans-serif')
FONT_FAMILY_MONO = 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace'
FONT_SIZES = {"small": "11px", "body": "13px", "title": "15px", "headline": "20px"}
TEXT_COLOUR = "#1f2328"
MUTED_COLOUR = "#57606a"


def category_colour(code: str) -> str:
    """Colour of an alert category code (neutral grey when unknown)."""
    return CATEGORY_COLOURS.get(code, NEUTRAL)


def channel_colour(code: str) -> str:
    """Colour of a channel code (neutral grey when unknown)."""
    return CHANNEL_COLOURS.get(code, NEUTRAL)


def category_label(code: str) -> str:
    """Human label of a category code."""
    return vocab.CATEGORIES.get(code, str(code))


def score_colour(score: float, low: float = 0.0, high: float = 1.0) -> str:
    """Colour of a score on :data:`SCORE_RAMP` (clipped to ``[low, high]``)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return NEUTRAL
    t = (float(score) - low) / (high - low) if high > low else 0.0
    t = min(max(t, 0.0), 1.0)
    return SCORE_RAMP[min(int(t * len(SCORE_RAMP)), len(SCORE_RAMP) - 1)]


def severity_radius(severity: float) -> float:
    """Circle radius in pixels for an alert's severity (1-5)."""
    try:
        s = min(max(float(severity), 1.0), 5.0)
    except (TypeError, ValueError):
        s = 1.0
    return 3.0 + 1.8 * s


def population_radius(population: float, smallest: float = 5.0, largest: float = 26.0) -> float:
    """Circle radius in pixels for a site population (area grows with people).

    Unknown population gets the smallest circle; 50,000 people or more the
    largest.
    """
    if population is None or (isinstance(population, float) and math.isnan(population)) or population <= 0:
        return smallest
    scale = math.sqrt(min(float(population), 50_000.0) / 50_000.0)
    return round(smallest + (largest - smallest) * scale, 1)


def legend_entries() -> dict[str, list[tuple[str, str]]]:
    """(label, colour) pairs per legend section, for maps and briefings."""
    return {
        "Alert category": [(vocab.CATEGORIES[c], CATEGORY_COLOURS[c]) for c in vocab.CATEGORIES],
        "Component present": [(vocab.COMPONENTS[c], COMPONENT_COLOURS[c]) for c in vocab.COMPONENTS],
        "IDP site": [(vocab.SITE_KINDS[k], SITE_KIND_COLOURS[k]) for k in vocab.SITE_KINDS],
        "Patrol": [(vocab.PATROL_TYPES[t], PATROL_STYLES[t]["color"]) for t in ("dismounted", "vehicle",
                                                                             "integrated", "air", "riverine")],
    }


def page_css() -> str:
    """CSS for Streamlit pages (header counts, attribution line)."""
    return f"""
    [data-testid="stMainBlockContainer"] {{ padding-top: 3.6rem; }}
    .ew-counts {{ display:flex; gap:1.2rem; flex-wrap:wrap; font-family:{FONT_FAMILY};
                 font-size:{FONT_SIZES['body']}; color:{MUTED_COLOUR}; margin:0 0 .4rem 0; }}
    .ew-counts b {{ color:{TEXT_COLOUR}; font-size:{FONT_SIZES['title']}; }}
    .ew-attribution {{ font-size:{FONT_SIZES['small']}; color:{MUTED_COLOUR}; }}
    .ew-detail {{ border:1px solid #d0d7de; border-left:4px solid {SCORE_RAMP[5]}; border-radius:6px;
                  padding:.5rem .8rem; margin:.4rem 0; font-family:{FONT_FAMILY}; background:#fff; }}
    .ew-detail-h {{ font-size:{FONT_SIZES['title']}; font-weight:600; color:{TEXT_COLOUR}; }}
    .ew-muted {{ color:{MUTED_COLOUR}; font-weight:400; font-size:{FONT_SIZES['body']}; }}
    .ew-score {{ display:inline-block; padding:0 .4rem; border-radius:3px; background:{SCORE_RAMP[5]};
                 color:#fff; font-size:{FONT_SIZES['body']}; }}
    .ew-flag {{ display:inline-block; padding:0 .4rem; border-radius:3px; background:{FLAG_COLOUR}; color:#fff;
                font-size:{FONT_SIZES['small']}; font-weight:700; letter-spacing:.02em; }}
    .ew-expl {{ font-size:{FONT_SIZES['body']}; color:{TEXT_COLOUR}; margin-top:.3rem; line-height:1.45; }}
    .ew-card {{ border:1px solid #d0d7de; border-radius:6px; padding:.6rem .8rem; font-family:{FONT_FAMILY};
                font-size:{FONT_SIZES['body']}; background:#fff; }}
    .ew-card table {{ border-collapse:collapse; margin:.3rem 0; }}
    .ew-card td {{ padding:.05rem .8rem .05rem 0; vertical-align:top; border:0; }}
    .ew-card td:first-child {{ color:{MUTED_COLOUR}; white-space:nowrap; }}
    .ew-card .ew-text {{ white-space:pre-wrap; overflow-wrap:anywhere; background:#f6f8fa; padding:.4rem .5rem;
                         border-radius:4px; margin-top:.3rem; }}
    """


# -- documents: the leadership briefing (PDF, slides, HTML) and its static map and charts ------------------

#: Typeface of the briefing's PDF, static map and charts: DejaVu Sans, the TrueType font matplotlib ships
#: (offline, and it has every accent of French and Sango place names). Slides name a font the reader's
#: office suite has (:data:`SLIDE_FONT`).
DOCUMENT_FONT = "DejaVu Sans"
DOCUMENT_FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
SLIDE_FONT = "Arial"
#: Point sizes in documents (PDF and slides scale from these).
DOCUMENT_SIZES = {"marking": 8.0, "small": 7.5, "body": 9.0, "heading": 12.0, "title": 17.0, "figure": 20.0}
#: The briefing's calm palette: navy headings, grey rules, one accent (the flag red) for what needs attention.
DOCUMENT_COLOURS = {
    "heading": "#1d3557",
    "text": TEXT_COLOUR,
    "muted": MUTED_COLOUR,
    "rule": "#c9d1d9",
    "band": "#eef2f6",        # table header and key-figure boxes
    "marking": "#7a1f1f",     # classification marking
    "accent": FLAG_COLOUR,
    "trend_bar": "#8da9c4",   # weekly bars of previous weeks
    "trend_now": "#1d3557",   # the as-of week
    "sparkline": "#1d3557",
}


def date_words(value) -> str:
    """A date as every document writes it: ``14 Nov 2018`` (no leading zero, English month abbreviation).

    >>> date_words("2018-11-04")
    '4 Nov 2018'
    """
    import pandas as pd

    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b %Y}"


def number_words(value, decimals: int = 0) -> str:
    """A number as documents write it: thousands separated by commas, ``—`` when unknown.

    >>> number_words(18000), number_words(62.94, 1), number_words(float("nan"))
    ('18,000', '62.9', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):,.{decimals}f}"


def signed_percent(value: float) -> str:
    """A change in per cent with its sign, ``+38 %`` / ``−12 %`` (``—`` when unknown).

    >>> signed_percent(0.384), signed_percent(-0.12)
    ('+38 %', '−12 %')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or math.isinf(value):
        return "—"
    pct = round(100.0 * float(value))
    return f"+{pct} %" if pct > 0 else (f"−{abs(pct)} %" if pct < 0 else "0 %")


def document_font_path(weight: str = "regular") -> str:
    """Path of the :data:`DOCUMENT_FONT` TrueType file (``regular`` or ``bold``), from matplotlib's data."""
    import os

    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", DOCUMENT_FONT_FILES[weight])
