"""Streamlit entry point of the early-warning dashboard (the analyst desk).

Started by ``streamlit run serve.py`` (``make dashboard``), which serves this
script with a start-up warm-up of the caches; ``streamlit run dashboard.py``
works too, without it (settings in ``.streamlit/config.toml`` either way:
no usage statistics, headless, map assets served from ``static/``). Pages
live in ``app_pages/`` and stay thin: widgets, cached loaders and calls into
:mod:`ewarning`. Add a page by adding it to ``PAGE_SPECS`` with the permission it needs.

Nobody sees a page before signing in (:mod:`app_pages.signin`); each role then
sees only the pages its permissions open, and each page checks again.

The filter sidebar is drawn here, in the entry point, so its widgets (and
the filters in ``st.session_state``) are the same on every page.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st
from PIL import Image, ImageDraw

from app_pages import common, signin
from app_pages.navigation import is_desk_page, pages_for
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


def _translator():
    """The session's words; English if even that fails (the error message must always be said)."""
    try:
        return common.translator()
    except Exception:  # noqa: BLE001 - a broken store must not hide the page's own error
        from ewarning.i18n import Translator

        return Translator()


t = _translator()
st.set_page_config(page_title=t("Early warning"), page_icon=_icon(), layout="wide")

log = logging.getLogger("ewarning.desk")
if not any(isinstance(f, identities.ScrubLogRecords) for f in log.filters):
    log.addFilter(identities.ScrubLogRecords())  # a trace may quote a report: no identity in the server log


def _run() -> None:
    """Sign in first; then the pages of the user's role. An unexpected error shows an error id, never a
    stack trace.

    A trace can quote data (a report's text, a file's content); it goes to the
    server log under the id, where an administrator can find it. Streamlit's
    own reruns and stops are not errors (they are not ``Exception``).
    """
    page = None
    try:
        common.page_css()
        session = common.signed_in()
        if session is None:
            st.navigation(pages_for(None), position="hidden")   # keeps the page asked for in the address
            signin.show_form()
            return
        t = common.translator()
        page = st.navigation(pages_for(session.user, t))
        signin.sidebar(session)
        if is_desk_page(page, t):
            common.filter_sidebar(common.layers().alerts, t)
        page.run()
    except Exception:  # noqa: BLE001 - every failure of a page ends here, in words
        error_id = "E-" + secrets.token_hex(4)  # never read as a phone number: see identities._PHONE
        log.exception("error %s on page %r", error_id, getattr(page, "title", "sign-in"))
        t = _translator()
        st.error(t("Something went wrong on this page (error {error_id}). Nothing you entered was "
                               "stored half-way. Try again; if it happens again, give the administrator this error "
                               "id: the details are in the server log.", error_id=error_id))


_run()
