"""Streamlit entry point of the early-warning dashboard (the analyst desk).

Started by ``streamlit run serve.py`` (``make dashboard``), which serves this
script with a start-up warm-up of the caches; ``streamlit run dashboard.py``
works too, without it (settings in ``.streamlit/config.toml`` either way:
no usage statistics, headless, map assets served from ``static/``). Pages
live in ``app_pages/`` and stay thin: widgets, cached loaders and calls into
:mod:`ewarning`. Add a page by adding an ``st.Page`` to ``PAGES``.

The filter sidebar is drawn here, in the entry point, so its widgets (and
the filters in ``st.session_state``) are the same on every page.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st
from PIL import Image, ImageDraw

from app_pages import common
from ewarning import identities
from ewarning.render import style


def _icon() -> Image.Image:
    """The tab icon, drawn here: a ``:material/...:`` page icon makes the
    browser fetch an SVG from fonts.gstatic.com, which a JOC network blocks."""
    img = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((1, 1, 30, 30), radius=6, fill=style.COMPONENT_COLOURS["military"])
    draw.polygon([(16, 6), (27, 25), (5, 25)], fill=style.SEVERITY_COLOURS[3])
    draw.rectangle((15, 12, 17, 19), fill="white")
    draw.rectangle((15, 21, 17, 23), fill="white")
    return img


st.set_page_config(page_title="Early warning", page_icon=_icon(), layout="wide")

# Material page icons come from the font bundled with Streamlit (served locally).
PAGES = {
    "Analyst desk": [
        st.Page("app_pages/situation_map.py", title="Situation map", icon=":material/map:", default=True),
        st.Page("app_pages/hotspots.py", title="Hotspots", icon=":material/local_fire_department:", url_path="hotspots"),
        st.Page("app_pages/intake.py", title="Alert intake", icon=":material/add_call:", url_path="intake"),
        st.Page("app_pages/triage.py", title="Alerts triage", icon=":material/inbox:", url_path="triage"),
        st.Page("app_pages/presence.py", title="Presence & coverage", icon=":material/shield:", url_path="presence"),
        st.Page("app_pages/data.py", title="Data", icon=":material/database:", url_path="data"),
    ],
}

log = logging.getLogger("ewarning.desk")
if not any(isinstance(f, identities.ScrubLogRecords) for f in log.filters):
    log.addFilter(identities.ScrubLogRecords())  # a trace may quote a report: no identity in the server log


def _run(page) -> None:
    """Run a page; an unexpected error shows an error id, never a stack trace.

    A trace can quote data (a report's text, a file's content); it goes to the
    server log under the id, where an administrator can find it. Streamlit's
    own reruns and stops are not errors (they are not ``Exception``).
    """
    try:
        common.page_css()
        common.filter_sidebar(common.layers().alerts)
        page.run()
    except Exception:  # noqa: BLE001 - every failure of a page ends here, in words
        error_id = "E-" + secrets.token_hex(4)  # never read as a phone number: see identities._PHONE
        log.exception("error %s on page %r", error_id, page.title)
        st.error(f"Something went wrong on this page (error {error_id}). Nothing you entered was stored "
                 "half-way. Try again; if it happens again, give the administrator this error id: the "
                 "details are in the server log.")


_run(st.navigation(PAGES))
