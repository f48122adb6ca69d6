"""Streamlit entry point of the early-warning dashboard.

Run with ``streamlit run dashboard.py`` (settings in ``.streamlit/config.toml``:
no usage statistics, headless, map assets served from ``static/``). Pages
live in ``app_pages/`` and stay thin: widgets, cached loaders and calls into
:mod:`ewarning`. Add a page by adding an ``st.Page`` to ``PAGES``.
"""

from __future__ import annotations

import streamlit as st
from PIL import Image, ImageDraw

from ewarning import style


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

PAGES = {
    "Analyst desk": [
        st.Page("app_pages/situation_map.py", title="Situation map", icon=":material/map:", default=True),
    ],
}

st.navigation(PAGES).run()
