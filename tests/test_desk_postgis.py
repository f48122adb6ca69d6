"""The desk on a JOC server: the same pages and the same figures on a PostGIS store as on the GeoPackage."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from tests.test_apptest_pages import PAGES, _app, _counts, _go  # noqa: E402

pytestmark = [pytest.mark.postgis, pytest.mark.xdist_group("postgis")]


def test_every_page_shows_the_same_figures_on_postgis(app_store, pg_database, monkeypatch):
    on_file = _counts(_app())                      # the demo store as a GeoPackage (app_store)
    url = pg_database("demo")
    monkeypatch.setenv("EWARNING_STORE", url)      # the same demo on the server
    at = _app()
    assert _counts(at) == on_file and on_file["alerts"] > 100
    for page in PAGES:
        _go(at, page)
    # A colleague's import on the server shows at the next run: the page reads the server, and its cache
    # key (the store's layer_state) changed.
    from ewarning.importing import import_files
    from ewarning.store import open_store

    store = open_store(url)
    as_of = at.sidebar.date_input[0].value       # end of that day, UTC
    csv = app_store.parent / "colleague.csv"
    csv.write_text("id,reported_at,category,severity,killed,lat,lon,channel,verification,text\n"
                   f"C-1,{as_of:%Y-%m-%d}T12:00:00Z,looting,2,0,7.95,18.40,hotline,unverified,colleague\n",
                   encoding="utf-8")
    (report,) = import_files(store, [csv], layer="alerts", user="ben", secret=b"desk")
    assert report.status == "imported", report.summary()
    _go(at, PAGES[0])
    assert _counts(at)["alerts"] == on_file["alerts"] + 1
