"""Briefing: the leadership's one-screen summary and the PDF, slides and HTML products, redacted by default.

Thin page over :func:`ewarning.views.briefing.briefing` (every figure shown
here and in the products comes from that one view) and
:mod:`ewarning.render.briefing` (the products). The page shows the summary
(key figures, recommended attention, map, what changed) and the tables under
it; each download is recorded in the audit log when clicked (format, language,
as-of, mode). The briefing is built in the user's language (:func:`common.translator`),
so the page and the three products speak it. An analyst or supervisor may add the detailed annex; leadership is
not offered it, and the view refuses it to them anyway.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from ewarning import filters as flt
from ewarning.auth.errors import PermissionDenied
from ewarning.render import briefing as products
from ewarning.render import style
from ewarning.render.static_map import basemap_layers
from ewarning.store import open_store
from ewarning.views.briefing import area_from_text, briefing, last_briefing_as_of, record_export

user = common.require_page("view_briefing")
t = common.translator()
location, token = common.store_and_token()
data = common.layers()


@st.cache_resource(show_spinner=False, max_entries=8)
def _briefing(location: str, token: str, as_of: str, area_name: str | None, previous: str | None,
              annex: bool, name: str, role: str, locale: str, _user, _layers):
    """The briefing and its three products in ``locale`` (drawn once; the page and the buttons show the same
    bytes)."""
    area = None if area_name is None else area_from_text(area_name)[1]
    b = briefing(_layers, as_of, _user, area=area, area_name=area_name,
                 previous_as_of=previous, previous_source="last recorded briefing" if previous else None,
                 annex=annex, mission_name=open_store(location).get_setting("mission_name"), locale=locale)
    pictures = products.figures(b)
    return b, pictures, {fmt: products.render(b, fmt, pictures) for fmt in products.FORMATS}


marking = st.empty()   # the classification marking heads the page; filled once the briefing is made
day = common.default_day(data.alerts)
sectors = basemap_layers().get("sectors")
sector_names = [] if sectors is None else list(sectors["sector"].astype(str))
c1, c2, c3 = st.columns([1, 1, 1])
chosen_day = c1.date_input(t("Briefing day (reports up to the end of it, UTC)"), value=day, key="brief_day")
WHOLE = ""   # the whole mission (sector names are the basemap's, never translated)
area_choice = c2.selectbox(t("Area"), [WHOLE] + sector_names, key="brief_area",
                           format_func=lambda a: t("Whole mission") if a == WHOLE else a)
may_annex = user.can("view_free_text") and user.can("view_exact_locations")
annex = c3.checkbox(t("Add the detailed annex (free text, exact locations)"), value=False, key="brief_annex",
                    disabled=not may_annex,
                    help=t("Source-sensitive: the reports behind the flagged hotspots with their free text and exact "
                           "locations (never reporter keys). Analysts and supervisors only; recorded with the "
                           "export."))
as_of = pd.Timestamp(chosen_day, tz="UTC") + pd.Timedelta(days=1)
area_name = None if area_choice == WHOLE else area_choice
previous = last_briefing_as_of(common.store(), as_of, area_name)

try:
    with st.spinner(t("Preparing the briefing…")):
        b, pictures, files = _briefing(location, token, as_of.isoformat(), area_name,
                                       None if previous is None else previous.isoformat(), bool(annex and may_annex),
                                       user.name, user.role, t.locale, user, data)
except ValueError as exc:
    st.warning(str(exc))
    st.stop()
except PermissionDenied as denied:
    common.refuse(denied)
common.record_view("briefing", flt.Filters(end=as_of, days=7),   # the audit log's words stay English
                   f"{b.area_name or 'whole mission area'}; {b.mode}; {b.locale}")

marking.markdown(f"<div style='text-align:center;font-weight:700;color:{style.DOCUMENT_COLOURS['marking']}'>"
                 f"{common.text_html(b.classification)}</div>", unsafe_allow_html=True)
st.subheader(f"{b.title} · {b.date_text}")
st.caption(f"{b.known_text}. {b.mode_text}")

cols = st.columns(len(b.key_figures))
for col, (label, value) in zip(cols, b.key_figures):
    head, _, rest = value.partition(" (")
    col.metric(label, head, help=("(" + rest) if rest else None)

d1, d2, d3 = st.columns(3)
for col, fmt, label in ((d1, "pdf", t("Download PDF")), (d2, "pptx", t("Download slides (PPTX)")),
                        (d3, "html", t("Download HTML"))):
    col.download_button(label, files[fmt], file_name=f"{b.file_stem}.{fmt}", mime=products.MEDIA_TYPES[fmt],
                        key=f"brief_download_{fmt}", width="stretch",
                        on_click=record_export, args=(common.store(), b, fmt, user))

left, right = st.columns([3, 2])
with left:
    st.image(pictures.map_png, width="stretch",
             caption=t("Numbered circles: the ranked hotspots (red edge: flagged). Reports only as counts per grid "
                       "cell; bases and IDP sites at their positions."))
with right:
    st.markdown("**" + t("Recommended attention") + "**")
    for i, item in enumerate(b.attention, 1):
        common.html_block(f"<p style='margin:.2rem 0'>{i}. {common.text_html(item)}</p>")
    st.markdown("**" + common.text_html(t("What changed since {day}", day=b.previous_words)) + "**",
                unsafe_allow_html=True)
    for item in b.changes:
        common.html_block(f"<p style='margin:.2rem 0'>• {common.text_html(item)}</p>")

window = f"{b.window_days:g}" if t.locale == "en" else t.number(b.window_days)
st.markdown("**" + t("Hotspots, ranked") + "**")
st.dataframe(pd.DataFrame({
    "#": b.hotspots["rank"].to_numpy(), t("Place"): b.hotspots["place"].to_numpy(),
    t("Flag"): [t("⚑ flagged") if f else "" for f in b.hotspots["flagged"]],
    t("Score"): b.hotspots["score_text"].to_numpy(), t("Missing"): b.hotspots["missing_text"].to_numpy(),
    t("Reports ({days} d)", days=window): b.hotspots["alerts_text"].to_numpy(),
    t("Killed"): b.hotspots["killed_text"].to_numpy(), t("Why"): b.hotspots["why"].to_numpy()}),
    hide_index=True, width="stretch")   # the weekly lines are in the products (no figure printed on them)

sites_word = t("IDP sites")
t1, t2 = st.columns(2)
with t1:
    st.markdown("**" + t("The week against previous weeks") + "**")
    st.image(pictures.trend_png, width="stretch", caption=t("Dashed line: {line}.", line=b.trend_words))
with t2:
    st.markdown("**" + t("Coverage gaps by component") + "**")
    st.dataframe(b.coverage[["component", "hotspots_text", "flagged_text", "sites_text", "people_text"]].rename(
        columns={"component": t("Component"), "hotspots_text": t("Hotspots not reached"),
                 "flagged_text": t("Flagged"), "sites_text": sites_word[:1].upper() + sites_word[1:],
                 "people_text": t("People")}),
        hide_index=True, width="stretch")
st.markdown("**" + t("Vulnerable IDP sites") + "**")
st.dataframe(b.sites[["rank", "name", "population_text", "missing_text", "alerts_text", "risk_text"]].rename(
    columns={"rank": "#", "name": t("Site"), "population_text": t("People"),
             "missing_text": t("Missing within reach"), "alerts_text": t("Reports nearby"), "risk_text": t("Risk")}),
    hide_index=True, width="stretch")
with st.expander(t("Method and sources")):
    for line in b.notes + b.sources:
        common.html_block(f"<p style='margin:.2rem 0'>{common.text_html(line)}</p>")
