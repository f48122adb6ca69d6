"""Start the analyst desk with a start-up warm-up: ``streamlit run serve.py`` (what ``make dashboard`` runs).

``streamlit run dashboard.py`` still works, but Streamlit runs nothing of the
app before the first browser connects, so that first page pays for importing
geopandas, folium, SciPy and the engine, reading the store, scoring the
hotspots and building the map (about 3 s with 20,000 alerts). Here
``dashboard.py`` is served through ``st.App`` (``streamlit run`` finds ``app``
below and runs it with uvicorn; the same ``.streamlit/config.toml`` and
command-line options apply, and ``static/`` is still served at
``/app/static``), and its lifespan starts :func:`warm` in a background thread:
it does those imports and fills the process-wide caches with exactly what a
new session's situation map asks for (:func:`app_pages.common.warm_up`: the
opening view, then ``?window=everything``). The server accepts connections at
once; a page opened during the warm-up waits for the cache entry being built
instead of building it twice. A failing warm-up is logged and changes nothing
else: the first page then does the work, as without it.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager

import streamlit as st

LOG = logging.getLogger("ewarning.serve")
if not LOG.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False

THREAD = "ewarning-warm-up"


class _NoContextWarning(logging.Filter):
    """Drop Streamlit's "missing ScriptRunContext" warning for the warm-up thread, which runs outside any
    session on purpose (the cached functions it calls work there); the warning stays for every other thread."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == THREAD and "missing ScriptRunContext" in str(record.msg))


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NoContextWarning())

#: Logged when the warm-up has finished (tests and the benchmark wait for these).
DONE, FAILED = "warm-up done", "warm-up failed"


def warm() -> None:
    """Import the heavy modules and fill the caches of the opening view; log, never raise."""
    t0 = time.perf_counter()
    try:
        from app_pages import common  # geopandas, shapely, pandas
        from ewarning import hotspots  # noqa: F401
        from ewarning.render import maps  # noqa: F401  (folium, SciPy, the engine)

        warmed = common.warm_up()
    except Exception:  # the server must keep running whatever happens here
        LOG.exception("%s after %.1f s; the first page load will build what it needs",
                      FAILED, time.perf_counter() - t0)
    else:
        LOG.info("%s in %.1f s: %s", DONE, time.perf_counter() - t0, "; ".join(warmed))


@asynccontextmanager
async def warm_up(_app):
    """Lifespan: start :func:`warm` in a daemon thread and serve at once."""
    threading.Thread(target=warm, name=THREAD, daemon=True).start()
    yield


app = st.App("dashboard.py", lifespan=warm_up)
