"""The leadership briefing (issue #12): the view, the PDF/PPTX/HTML products, redaction, the command, the page.

Real files throughout: the products are written, then opened again (pypdf
text extraction, python-pptx, the HTML text) and compared with the
:class:`~ewarning.views.briefing.Briefing` built for the same as-of date.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from ewarning.auth import User
from ewarning.auth.audit import REFUSED
from ewarning.auth.errors import PermissionDenied
from ewarning.cli import main
from ewarning.render import briefing as products
from ewarning.store import open_store
from ewarning.views import Layers
from ewarning.views.briefing import (CLASSIFICATION_ENV, REDACTED, WITH_ANNEX, briefing, last_briefing_as_of,
                                     place_words, record_export)
from ewarning.views.redact import coarse_cell_counts, coarsen_points
from tests.conftest import HOSTILE, HOSTILE_IDS, HOSTILE_IMG
from tests.signin import password_of

AS_OF = "2018-11-15"   # the demo's opening day: what was known at the end of 14 November
pytestmark = pytest.mark.xdist_group("briefing")


# -- reading the products back ---------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pptx_text(data: bytes) -> str:
    from pptx import Presentation

    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    out.extend(cell.text for cell in row.cells)
    return "\n".join(out)


def html_text(data: bytes) -> str:
    text = re.sub(r"<img [^>]*>", " ", data.decode("utf-8"))
    return html.unescape(re.sub(r"<[^>]+>", "\n", text))


READERS = {"pdf": pdf_text, "pptx": pptx_text, "html": html_text}


def flat(text: str) -> str:
    """White space collapsed (a table cell may wrap a place name over two lines)."""
    return " ".join(text.split())


def pptx_xml(data: bytes) -> str:
    """Every XML part of a PPTX as text (what a reader could dig out, not only what a slide shows)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


# -- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store_path(demo_store, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("briefing") / "joc.gpkg"
    shutil.copyfile(demo_store, path)
    return path


@pytest.fixture(scope="module")
def layers(store_path) -> Layers:
    return Layers.from_store(open_store(str(store_path)))


@pytest.fixture(scope="module")
def leadership_briefing(layers):
    return briefing(layers, AS_OF, User("lee", "leadership"))


@pytest.fixture(scope="module")
def rendered(leadership_briefing) -> dict[str, bytes]:
    pictures = products.figures(leadership_briefing)
    return {fmt: products.render(leadership_briefing, fmt, pictures) for fmt in products.FORMATS}


@pytest.fixture(scope="module")
def texts(rendered) -> dict[str, str]:
    return {fmt: READERS[fmt](data) for fmt, data in rendered.items()}


@pytest.fixture(scope="module")
def raw_alerts(store_path) -> gpd.GeoDataFrame:
    """The stored alerts as they are, free text and reporter keys included (what must not leak)."""
    return open_store(str(store_path)).read("alerts")


def run_cli(argv, capsys, monkeypatch, stdin: str | None = None, user: str = "ana"):
    monkeypatch.setenv("EWARNING_USER", user)
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- the view --------------------------------------------------------------------------------------

def test_view_flags_alindao_with_its_missing_components(leadership_briefing):
    b = leadership_briefing
    flagged = b.flagged
    assert list(flagged["place"]) == ["Alindao Catholic mission site"]
    assert flagged["missing"].iloc[0] == ["police", "civilian", "cla"]
    assert b.attention[0].startswith("Alindao Catholic mission site: tension 63/100, rising")
    assert "police, civilian staff and community liaison assistants" in b.attention[0]
    assert b.mode == REDACTED and b.annex is None
    assert b.classification == "UN RESTRICTED"
    assert b.date_text == "14 Nov 2018" and b.previous_source == "7 days earlier"


def test_view_matches_the_desk_views_for_the_same_day(layers, leadership_briefing):
    from ewarning import filters as flt
    from ewarning import views
    from ewarning.places import shipped_towns

    desk = views.hotspot_list(views.picture(layers, flt.Filters(end=pd.Timestamp(AS_OF, tz="UTC")), "ana",
                                            towns=shipped_towns())).table
    b = leadership_briefing.hotspots
    merged = b.merge(desk, on="hotspot_id", suffixes=("", "_desk"))
    assert len(merged) == len(b) > 0
    assert (merged["place"] == merged["place_desk"].map(place_words)).all()
    assert (merged["place"] != merged["place_desk"]).any()   # "7 km NW of Bakouma" -> "Bakouma area (NW)"
    assert (merged["score"].round(6) == merged["score_desk"].round(6)).all()
    assert (merged["alerts"] == merged["n_alerts"]).all() and (merged["killed"] == merged["killed_desk"]).all()


def test_weekly_trend_counts_incidents_before_the_as_of_time_only(layers, leadership_briefing):
    weekly = leadership_briefing.weekly
    alerts = layers.alerts
    last = weekly.iloc[-1]
    inside = alerts[(alerts["reported_at"] >= last["start"]) & (alerts["reported_at"] < last["end"])
                    & alerts["duplicate_of"].isna() & (alerts["verification"] != "discounted")]
    assert last["end"] == pd.Timestamp(AS_OF, tz="UTC")
    assert last["reports"] == len(inside) > 0
    assert list(weekly["start"]) == sorted(weekly["start"])


def test_small_counts_are_suppressed(leadership_briefing, texts):
    h = leadership_briefing.hotspots
    small = h[(h["killed"] > 0) & (h["killed"] < 3)]
    assert len(small), "the demo has a hotspot with 1 or 2 killed on 14 Nov"
    assert (small["killed_text"] == "<3").all()
    assert (h.loc[h["killed"] == 0, "killed_text"] == "0").all()
    for fmt in ("pdf", "pptx", "html"):
        assert "<3" in texts[fmt]


def test_changes_since_the_previous_briefing(layers):
    b = briefing(layers, AS_OF, "ana")
    assert any(c.startswith("Newly flagged: Alindao Catholic mission site") for c in b.changes)
    later = briefing(layers, "2018-11-22", "ana", previous_as_of=AS_OF)
    # the surge of 20 Nov brought a civilian team and a liaison assistant to Alindao
    assert "Alindao Catholic mission site: civilian staff and community liaison assistants now within reach." \
        in later.changes
    assert any(c.startswith("Still flagged: Alindao Catholic mission site, score up from 63") for c in later.changes)


def test_map_points_lie_on_the_coarse_grid(layers, leadership_briefing):
    m = leadership_briefing.map
    for frame in (m.alert_cells, m.hotspots):
        assert len(frame)
        again = coarsen_points(frame)
        assert list(again.geometry.x) == list(frame.geometry.x) and list(again.geometry.y) == list(frame.geometry.y)
    # every report of the last 7 days is in a cell count, and the cells are those of the reports
    alerts = layers.alerts
    week = alerts[(alerts["reported_at"] >= pd.Timestamp(AS_OF, tz="UTC") - pd.Timedelta(days=7))
                  & (alerts["reported_at"] < pd.Timestamp(AS_OF, tz="UTC"))]
    assert int(m.alert_cells["count"].sum()) == len(week)
    expected = coarse_cell_counts(week)
    assert sorted(zip(expected.geometry.x, expected.geometry.y)) == sorted(zip(m.alert_cells.geometry.x,
                                                                               m.alert_cells.geometry.y))


def test_the_map_draws_offline_as_png(leadership_briefing):
    from ewarning.render.static_map import briefing_map_png

    png = briefing_map_png(leadership_briefing.map, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


# -- the products against the view --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["pdf", "pptx", "html"])
def test_product_content_matches_the_view(fmt, leadership_briefing, texts):
    b, text = leadership_briefing, flat(texts[fmt])
    assert b.classification in text and b.date_text in text and "Redacted" in text
    for _, h in b.hotspots.iterrows():
        assert flat(h["place"]) in text
        assert f"{h['score_text']}" in text and h["alerts_text"] in text
    assert flat(b.hotspots["why"].iloc[0]) in text
    for label, value in b.key_figures:
        assert value.partition(" (")[0] in text
    for item in b.changes + b.attention:
        assert flat(item) in text
    for _, s in b.sites.iterrows():
        assert flat(s["name"]) in text and s["population_text"] in text
    for _, c in b.coverage.iterrows():
        assert c["hotspots_text"] in text and c["people_text"] in text
    assert flat(b.previous_words) in text


def test_pdf_marks_every_page(rendered, leadership_briefing):
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(rendered["pdf"])).pages
    assert len(pages) >= 3
    for page in pages:
        assert page.extract_text().count(leadership_briefing.classification) == 2   # top and bottom


def test_pptx_marks_every_slide(rendered, leadership_briefing):
    from pptx import Presentation

    for slide in Presentation(io.BytesIO(rendered["pptx"])).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert texts.count(leadership_briefing.classification) == 2


def test_classification_is_configurable(layers, monkeypatch):
    monkeypatch.setenv(CLASSIFICATION_ENV, "UN CONFIDENTIAL")
    b = briefing(layers, AS_OF, "ana")
    assert b.classification == "UN CONFIDENTIAL"
    assert "UN CONFIDENTIAL" in html_text(products.render(b, "html"))


# -- redaction ---------------------------------------------------------------------------------------

def _free_texts(raw_alerts) -> list[str]:
    texts = raw_alerts["text"].dropna().astype(str)
    return sorted({t for t in texts if len(t.strip()) >= 20})


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "html"])
def test_redacted_products_hold_no_free_text_no_reporter_key(fmt, rendered, texts, raw_alerts):
    data, text = rendered[fmt], flat(texts[fmt])
    searchable = text + (pptx_xml(data) if fmt == "pptx" else "") + (data.decode("utf-8") if fmt == "html" else "")
    free = _free_texts(raw_alerts)
    assert len(free) > 1000
    leaked = [t for t in free if flat(t) in searchable]
    assert not leaked, leaked[:3]
    for hostile in (HOSTILE, HOSTILE_IMG, html.escape(HOSTILE), "onerror"):
        assert hostile not in searchable
    keys = raw_alerts["reporter_key"].dropna().astype(str)
    assert len(keys) and not [k for k in keys.unique() if k in searchable]
    for alert_id in HOSTILE_IDS.values():
        assert alert_id not in searchable


#: A decimal number with three or more decimals (or a decimal comma with four or more): finer than any figure the
#: products print (scores have none, the grid is 0.25°, thousands are grouped by three), so a coordinate would
#: show up here.
FINE_NUMBER = re.compile(r"\d\.\d{3,}|\d,\d{4,}")


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "html"])
def test_redacted_products_print_no_coordinate(fmt, texts, raw_alerts):
    text = texts[fmt]
    assert not FINE_NUMBER.findall(text), FINE_NUMBER.findall(text)[:5]
    assert not re.findall(r"\d+ km [NSEW]{1,3} of", text)   # hotspot names keep no distance finer than the grid
    for geom in raw_alerts.geometry.head(200):
        assert f"{geom.y:.2f}, {geom.x:.2f}" not in text and f"{geom.x:.3f}" not in text


# -- the annex ---------------------------------------------------------------------------------------

def test_leadership_may_not_add_the_annex(layers):
    with pytest.raises(PermissionDenied, match="lee \\(leadership\\) may not add the detailed annex"):
        briefing(layers, AS_OF, User("lee", "leadership"), annex=True)


def test_analyst_annex_holds_free_text_and_exact_locations_never_reporter_keys(layers, raw_alerts):
    b = briefing(layers, AS_OF, User("ana", "analyst"), annex=True)
    assert b.mode == WITH_ANNEX and len(b.annex)
    pdf = flat(pdf_text(products.render(b, "pdf")))
    assert "DETAILED ANNEX" in pdf and "A DETAILED ANNEX follows" in pdf
    behind = set(b.flagged["hotspot_id"])
    assert behind
    known = raw_alerts.set_index("id")
    first = b.annex.iloc[0]
    assert first["text"] in set(known["text"].dropna())
    lat, lon = (float(v) for v in first["location"].split(","))
    assert ((known.geometry.y.round(4) == lat) & (known.geometry.x.round(4) == lon)).any()
    keys = raw_alerts["reporter_key"].dropna().astype(str).unique()
    assert not [k for k in keys if k in pdf]
    # the checks the redacted products pass do catch what the annex holds on purpose
    assert [t for t in _free_texts(raw_alerts) if flat(t) in pdf]
    assert FINE_NUMBER.findall(pdf)


def test_cli_refuses_the_annex_to_a_leadership_account_and_audits_it(store_path, tmp_path, capsys, monkeypatch):
    out = tmp_path / "b.pdf"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--out", str(out), "--annex",
                            "--as", "lee", "--password-stdin"], capsys, monkeypatch, stdin=password_of("lee") + "\n")
    assert code == 2 and not out.exists()
    assert err.strip().count("\n") == 0 and "lee (leadership) may not add the detailed annex" in err
    refused = open_store(str(store_path)).audit_log(action=REFUSED, user="lee")
    assert len(refused) and "detailed annex" in refused["detail"].iloc[0]


def test_cli_leadership_account_gets_the_redacted_briefing(store_path, tmp_path, capsys, monkeypatch):
    out = tmp_path / "lee.pdf"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--out", str(out), "--as", "lee",
                            "--password-stdin"], capsys, monkeypatch, stdin=password_of("lee") + "\n")
    assert code == 0, err
    entry = open_store(str(store_path)).audit_log(action="export", user="lee")
    assert len(entry) and json.loads(entry["detail"].iloc[0])["mode"] == REDACTED


# -- the command -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,magic", [("pdf", b"%PDF-"), ("pptx", b"PK\x03\x04"), ("html", b"<!DOCTYPE html>")])
def test_cli_writes_each_format_and_audits_it(fmt, magic, store_path, tmp_path, capsys, monkeypatch,
                                              leadership_briefing):
    out = tmp_path / f"briefing.{fmt}"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--format", fmt, "--out",
                            str(out), "--previous", "2018-11-08"], capsys, monkeypatch)
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(magic)
    text = flat(READERS[fmt](data))
    for place in leadership_briefing.hotspots["place"]:
        assert flat(place) in text
    log = open_store(str(store_path)).audit_log(action="export", user="ana")
    details = [json.loads(d) for d in log["detail"]]
    mine = [d for d in details if d.get("product") == "briefing" and d.get("out") == str(out)]
    assert mine and mine[0]["format"] == fmt and mine[0]["mode"] == REDACTED
    assert pd.Timestamp(mine[0]["as_of"]) == pd.Timestamp(AS_OF, tz="UTC")


def test_previous_briefing_is_the_last_recorded_one(store_path, tmp_path, capsys, monkeypatch):
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", "2018-11-10", "--out",
                            str(tmp_path / "a.html")], capsys, monkeypatch)
    assert code == 0, err
    store = open_store(str(store_path))
    assert last_briefing_as_of(store, "2018-11-12") == pd.Timestamp("2018-11-10", tz="UTC")
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", "2018-11-12", "--out",
                            str(tmp_path / "b.html")], capsys, monkeypatch)
    assert code == 0 and "compared with 9 Nov 2018 (last recorded briefing)" in err


def test_cli_area_limits_the_briefing_to_a_sector(store_path, tmp_path, capsys, monkeypatch):
    from ewarning.render.static_map import basemap_layers

    out = tmp_path / "east.html"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--area", "east", "--out",
                            str(out)], capsys, monkeypatch)
    assert code == 0, err
    text = flat(html_text(out.read_bytes()))
    assert "Sector East" in text and "Alindao Catholic mission site" in text
    assert "Kaga-Bandoro Évêché site" not in text   # Sector Centre
    # the next briefing of the sector compares with this one; another sector's has none to compare with
    store = open_store(str(store_path))
    assert last_briefing_as_of(store, "2018-11-20", "Sector East") == pd.Timestamp(AS_OF, tz="UTC")
    assert last_briefing_as_of(store, "2018-11-20", "Sector West") is None
    sectors = basemap_layers()["sectors"]
    east = sectors[sectors["sector"] == "Sector East"].geometry.iloc[0]
    b = briefing(Layers.from_store(open_store(str(store_path))), AS_OF, "ana", area=east,
                            area_name="Sector East")
    assert all(east.buffer(0.5).contains(p) for p in b.map.hotspots.geometry)


@pytest.mark.parametrize("args,message", [
    (["--as-of", "2018-13-45", "--out", "{tmp}/x.pdf"], "--as-of '2018-13-45' refused"),
    (["--as-of", AS_OF, "--format", "docx", "--out", "{tmp}/x.pdf"], "unknown briefing format 'docx'"),
    (["--as-of", AS_OF, "--out", "{tmp}/x.txt"], "give --format"),
    (["--as-of", AS_OF, "--area", "30,10,31,11", "--out", "{tmp}/x.pdf"], "nothing to brief on"),
    (["--as-of", AS_OF, "--area", "Atlantis", "--out", "{tmp}/x.pdf"], "not a sector of the basemap"),
    (["--as-of", "2017-01-01", "--out", "{tmp}/x.pdf"], "holds no report before"),
    (["--as-of", AS_OF, "--out", "{tmp}/no/such/folder/x.pdf"], "no folder"),
])
def test_bad_input_gives_a_one_line_error(args, message, store_path, tmp_path, capsys, monkeypatch):
    argv = ["brief", "--store", str(store_path)] + [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = run_cli(argv, capsys, monkeypatch)
    assert code == 2
    assert err.startswith("error: ") and err.strip().count("\n") == 0 and message in err, err
    assert not list(tmp_path.glob("x.*"))


# -- escaping ---------------------------------------------------------------------------------------

def test_hostile_place_names_are_escaped_in_every_product():
    from shapely.geometry import Point

    n = 12
    alerts = gpd.GeoDataFrame({
        "id": [f"A{i}" for i in range(n)], "reported_at": pd.date_range("2018-11-01", periods=n, freq="D", tz="UTC"),
        "category": "killing", "killed": 1, "text": HOSTILE},
        geometry=gpd.points_from_xy([20.681] * n, [4.792] * n), crs="EPSG:4326")
    sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": [HOSTILE_IMG + " & <b>camp</b>"], "kind": ["idp_camp"],
                              "population": [5000.0], "opened": [pd.NaT], "closed": [pd.NaT]},
                             geometry=[Point(20.68, 4.79)], crs="EPSG:4326")
    b = briefing(Layers(alerts=alerts, sites=sites), AS_OF, "ana")
    assert b.hotspots["place"].iloc[0] == HOSTILE_IMG + " & <b>camp</b>"
    page = products.render(b, "html").decode("utf-8")
    assert "<img src=x" not in page and "<b>camp</b>" not in page and "&lt;b&gt;camp&lt;/b&gt;" in page
    assert "<script" not in page
    assert HOSTILE_IMG + " & <b>camp</b>" in flat(pdf_text(products.render(b, "pdf")))   # as text, not markup
    assert HOSTILE_IMG + " & <b>camp</b>" in pptx_text(products.render(b, "pptx"))


def test_html_product_requests_nothing_from_outside(rendered):
    page = rendered["html"].decode("utf-8")
    assert "default-src 'none'" in page
    assert not re.findall(r"(?:src|href)=\"(?!data:)", page)
    assert "http://" not in page and "https://" not in page


# -- the page ---------------------------------------------------------------------------------------

PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "briefing.py"


@pytest.mark.parametrize("name,annex_offered", [("lee", False), ("ana", True)])
def test_page_shows_the_summary_and_offers_the_annex_by_role(name, annex_offered, app_store):
    from tests.signin import signed_in_app

    at = signed_in_app(name, script=PAGE)
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Flagged hotspots"] == "1"
    assert at.subheader[0].value.endswith("14 Nov 2018")
    (box,) = [c for c in at.checkbox if c.key == "brief_annex"]
    assert box.disabled is (not annex_offered)
    viewed = open_store(str(app_store)).audit_log(action="view", user=name)
    assert viewed["detail"].str.startswith("briefing:").any()


def test_sources_attribute_ucdp_when_its_events_are_used():
    from ewarning.io.ucdp import CITATION

    n = 6
    alerts = gpd.GeoDataFrame({
        "id": [f"U{i}" for i in range(n)], "reported_at": pd.date_range("2018-11-05", periods=n, freq="D", tz="UTC"),
        "category": "killing", "killed": 3, "origin": "ucdp"},
        geometry=gpd.points_from_xy([20.681] * n, [4.792] * n), crs="EPSG:4326")
    b = briefing(Layers(alerts=alerts), AS_OF, "ana", mission_name="Test mission")
    assert any(CITATION in s for s in b.sources)
    assert b.heading_text == "Test mission · 14 Nov 2018 · whole mission area"
    for fmt in products.FORMATS:
        text = flat(READERS[fmt](products.render(b, fmt)))
        assert flat(CITATION) in text and "Test mission" in text
    own = briefing(Layers(alerts=alerts.assign(origin="own")), AS_OF, "ana")
    assert not any("UCDP" in s for s in own.sources)


def test_record_export_names_format_as_of_and_mode(store_path, leadership_briefing):
    store = open_store(str(store_path))
    record_export(store, leadership_briefing, "pptx", User("lee", "leadership"))
    detail = json.loads(store.audit_log(action="export", user="lee")["detail"].iloc[0])
    assert detail["format"] == "pptx" and detail["mode"] == REDACTED
    assert detail["as_of"] == pd.Timestamp(AS_OF, tz="UTC").isoformat()
    with pytest.raises(PermissionDenied):
        record_export(store, leadership_briefing, "pdf", User("tom", "trainee"))


def test_page_annex_for_an_analyst_states_its_mode(app_store):
    from tests.signin import signed_in_app

    at = signed_in_app("ana", script=PAGE)
    at.run()
    (box,) = [c for c in at.checkbox if c.key == "brief_annex"]
    box.check().run()
    assert not at.exception, at.exception
    assert any("A DETAILED ANNEX follows" in c.value for c in at.caption)


def test_roles_without_view_briefing_are_refused(layers):
    for role in ("trainer", "trainee"):
        with pytest.raises(PermissionDenied, match="open the leadership briefing"):
            briefing(layers, AS_OF, User("tia", role))


def test_products_are_made_without_the_network(leadership_briefing, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the briefing tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    pictures = products.figures(leadership_briefing)
    for fmt in products.FORMATS:
        assert len(products.render(leadership_briefing, fmt, pictures)) > 1000
