"""Every page's logic and widgets through Streamlit's AppTest (no browser).

The app runs against a copy of the demo store (plus two hostile alerts);
each test drives the sidebar filters or a page's widgets and checks what the
page computed and recorded.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from ewarning.auth import User  # noqa: E402
from tests.signin import signed_in_app  # noqa: E402

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
PAGES = ["app_pages/situation_map.py", "app_pages/hotspots.py", "app_pages/triage.py", "app_pages/presence.py",
         "app_pages/data.py"]


def _app() -> AppTest:
    at = signed_in_app(timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _counts(at: AppTest) -> dict[str, int]:
    html = _markdown(at)
    return {k: int(v.replace(",", "")) for v, k in re.findall(r"<b>([\d,]+)</b> ([\w ]+?)</span>", html)}


def test_every_page_renders_with_the_shared_filters(app_store):
    at = _app()
    assert [w.label for w in at.sidebar.date_input] == ["As of (end of day, UTC)"]
    for page in PAGES:
        _go(at, page)
        # the sidebar filters are the same widgets on every page
        assert at.sidebar.selectbox(key="f_window").value == "30 days"
        assert at.sidebar.multiselect(key="f_cat").value == []
    assert at.session_state["filters"].days == 30


def test_situation_map_follows_the_filters(app_store):
    at = _app()
    base = _counts(at)
    assert base["alerts"] > 100 and base["hotspots"] > 0 and base["bases"] > 0
    at.sidebar.selectbox(key="f_window").set_value("7 days").run()
    week = _counts(at)
    assert 0 < week["alerts"] < base["alerts"]
    at.sidebar.multiselect(key="f_cat").set_value(["killing"]).run()
    killings = _counts(at)
    assert 0 < killings["alerts"] < week["alerts"]
    f = at.session_state["filters"]
    assert f.categories == ("killing",) and f.days == 7
    assert "categories: Killing" in _markdown(at)


def test_drawn_area_filters_every_page(app_store):
    at = _app()
    everywhere = _counts(at)["alerts"]
    # what st_folium returns after a rectangle is drawn around Alindao
    at.session_state["f_area"] = [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[20.2, 4.5], [21.2, 4.5], [21.2, 5.2], [20.2, 5.2], [20.2, 4.5]]]}}]
    at.run()
    inside = _counts(at)["alerts"]
    assert 0 < inside < everywhere
    assert any("Area drawn on the map" in c.value for c in at.sidebar.caption)
    _go(at, "app_pages/triage.py")
    assert int(at.metric[1].value.replace(",", "")) == inside
    at.sidebar.button(key="f_clear_area").click().run()
    assert at.session_state["filters"].area is None


def test_hotspots_page_ranks_and_shows_the_selected_detail(app_store):
    at = _go(_app(), "app_pages/hotspots.py")
    table = at.dataframe[0].value
    assert list(table.columns[:6]) == ["Rank", "Place", "Score", "Trend", "Flag", "Missing"]
    assert table["Rank"].tolist() == sorted(table["Rank"])
    # rising places first, by score; then the persistently active ones that fill the list
    persistent = table["Trend"].str.startswith("persistent")
    assert not persistent.iloc[: int((~persistent).sum())].any()
    assert table.loc[~persistent, "Score"].is_monotonic_decreasing
    box = at.selectbox(key="hs_select")
    assert box.value == table["Id"].iloc[0]
    box.set_value(table["Id"].iloc[2]).run()
    html = _markdown(at)
    assert f'data-hotspot="{table["Id"].iloc[2]}"' in html.replace("&#45;", "-")
    # time series against the baseline and the category mix
    assert len(at.get("plotly_chart")) == 2
    # nearby sites, presence, last patrols and the alerts behind the score
    assert len(at.dataframe) == 5
    alerts = at.dataframe[1].value
    assert len(alerts) == table["Alerts"].iloc[2]


def test_hotspot_clicked_on_the_map_opens_on_the_hotspots_page(app_store):
    at = _app()
    hotspots = at.session_state["filters"]
    at.session_state["hotspot_focus"] = "H-20181114-2"
    _go(at, "app_pages/hotspots.py")
    assert at.selectbox(key="hs_select").value == "H-20181114-2"
    assert hotspots.days == 30


def test_one_day_one_name_on_every_screen(app_store):
    """The sidebar, the pages, the hotspot ids and the filters all name the as-of day 14 November 2018."""
    import datetime as dt
    import html

    at = _app()
    f = at.session_state["filters"]
    assert f.as_of == pd.Timestamp("2018-11-15", tz="UTC")                  # the engine's instant T
    assert at.sidebar.date_input(key="f_day").value == dt.date(2018, 11, 14)
    assert f.describe().startswith("as of end of 14 Nov 2018 (UTC)")
    situation = html.unescape(_markdown(at))
    assert "as of end of 14 Nov 2018 (UTC)" in situation
    _go(at, "app_pages/hotspots.py")
    captions = "\n".join(c.value for c in at.caption)
    assert "Scored as of end of 14 Nov 2018 (UTC)" in captions, captions
    ids = at.dataframe[0].value["Id"].tolist()
    assert ids and all(i.startswith("H-20181114-") for i in ids), ids[:3]
    texts = [situation, captions, html.unescape(_markdown(at)), *(i.value for i in at.info), *ids, f.describe()]
    for text in texts:
        for other in ("15 Nov", "2018-11-15", "20181115"):
            assert other not in text, (other, text[:200])


def test_triage_verify_records_who_and_when(app_store):
    from ewarning.store import open_store

    at = _go(_app(), "app_pages/triage.py")
    queued = int(at.metric[0].value.replace(",", ""))
    alert_id = at.selectbox(key="triage_select").value
    at.radio(key="triage_action").set_value("verify").run()
    at.text_input(key="triage_note").set_value("confirmed by the liaison assistant")
    submit = [b for b in at.get("button") if getattr(b, "label", "") == "Verify"]
    submit[0].click().run()
    assert not at.exception
    assert any("Verify " + alert_id in s.value for s in at.success), [s.value for s in at.success]
    assert int(at.metric[0].value.replace(",", "")) == queued - 1
    store = open_store(str(app_store))
    a = store.read("alerts")
    assert a.loc[a["id"] == alert_id, "verification"].iloc[0] == "verified"
    edits = store.read("alert_edits")
    assert edits[["alert_id", "version", "user", "action"]].values.tolist() == [[alert_id, 1, "ana", "verify"]]
    assert "confirmed by the liaison assistant" in edits["note"].iloc[0]


def test_triage_refuses_an_edit_based_on_a_stale_read(app_store):
    from ewarning import triage
    from ewarning.store import open_store

    at = _go(_app(), "app_pages/triage.py")
    alert_id = at.selectbox(key="triage_select").value
    # a colleague discounts the same alert while this analyst is reading it
    store = open_store(str(app_store))
    triage.apply(store, triage.discount(store.read("alerts"), alert_id, based_on=0, user="ben"))
    at.radio(key="triage_action").set_value("verify").run()
    submit = [b for b in at.get("button") if getattr(b, "label", "") == "Verify"]
    submit[0].click().run()
    errors = [e.value for e in at.error]
    assert any(re.fullmatch(rf"alert {re.escape(alert_id)} was changed by ben at \S+; reload and try again", e)
               for e in errors), errors
    a = store.read("alerts")
    assert a.loc[a["id"] == alert_id, "verification"].iloc[0] == "discounted"     # not overwritten
    # the alert stays on screen, marked as changed; reloading lets the analyst act on the new version
    assert at.selectbox(key="triage_select").value == alert_id
    assert any("was changed by ben" in w.value for w in at.warning)
    at.button(key="triage_reload").click().run()
    assert not at.warning


def test_triage_card_escapes_hostile_text(app_store):
    at = _go(_app(), "app_pages/triage.py")
    at.selectbox(key="triage_select").set_value("A-HOSTILE-SCRIPT").run()
    html = _markdown(at)
    # each character escaped once, as a numeric reference (see common.text_html)
    assert "<script>" not in html and "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in html
    at.selectbox(key="triage_select").set_value("A-HOSTILE-IMG").run()
    html = _markdown(at)
    assert "<img" not in html and "&#60;img src=x onerror=alert&#40;2&#41;&#62;" in html


def test_presence_page_tables(app_store):
    at = _go(_app(), "app_pages/presence.py")
    bases = at.dataframe[0].value
    assert {"Military", "Police", "Civilian", "Liaison assistants", "Multidimensional"} <= set(bases.columns)
    assert int(at.metric[0].value) == len(bases)
    assert int(at.metric[1].value) == int((bases["Multidimensional"] == "yes").sum())
    watch = at.dataframe[2].value
    assert watch["Risk"].is_monotonic_decreasing or len(watch) < 2


def test_data_page_logs_views_and_exports(app_store):
    from ewarning.store import open_store

    at = _go(_app(), "app_pages/data.py")
    audit = open_store(str(app_store)).read("audit")
    views = audit[audit["action"] == "view"]
    assert len(views) and (views["user"] == "ana").all()
    assert audit["detail"].str.startswith("situation map: as of end of 14 Nov 2018 (UTC)").any()
    # views are recorded once per session and filters, not on every rerun
    n = len(audit)
    at.run()
    assert len(open_store(str(app_store)).read("audit")) == n
    # the export has no reporter keys and neutralised cells
    buttons = at.get("download_button")
    assert len(buttons) >= 1
    assert [t.label for t in at.tabs] == ["Import", "Quarantine", "Export", "Logs"]


def test_cached_layers_survive_audit_writes_and_follow_imports(app_store, tmp_path):
    from ewarning.importing import import_files
    from ewarning.store import open_store

    store = open_store(str(app_store))
    token = store.state_token()
    store.record("view", "anything", user="ana")
    assert store.state_token() == token            # audit writes keep the caches
    csv = tmp_path / "more.csv"
    csv.write_text("lat,lon,category,occurred_at\n4.8,20.7,killing,2018-12-15T10:00\n", encoding="utf-8")
    import_files(store, [csv], user="analyst", secret=b"k")
    assert store.state_token() != token            # an import drops them
    at = _app()
    assert len(at.session_state["filters"].categories) == 0
    assert pd.Timestamp("2018-11-15", tz="UTC") == at.session_state["filters"].end  # the demo opens on the attack day


def test_triage_as_known_then_undoes_later_edits_in_the_scores(app_store):
    from ewarning import triage
    from ewarning.store import open_store

    # an analyst discounts the 30 most recent alerts near Alindao today (after the demo's as-of day)
    store = open_store(str(app_store))
    alerts = store.read("alerts")
    near = alerts[(alerts.geometry.x - 21.217).abs().lt(0.2) & (alerts.geometry.y - 5.0365).abs().lt(0.2)
                  & (alerts["reported_at"] < pd.Timestamp("2018-11-15", tz="UTC"))
                  & (alerts["verification"] != "discounted")]
    for aid in near.sort_values("reported_at")["id"].tail(30):
        triage.apply(store, triage.discount(store.read("alerts"), aid, based_on=0, user="ana"))
    at = _go(_app(), "app_pages/hotspots.py")
    infos = [i.value for i in at.info]
    assert any("30 triage edit(s) were made after the as-of time: applied (hindsight)" in i for i in infos), infos
    hindsight = at.dataframe[0].value
    at.sidebar.checkbox(key="f_as_known").check().run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any("undone, as known then" in i for i in infos), infos
    then = at.dataframe[0].value
    assert at.session_state["filters"].triage_as_known
    # as known then, Alindao is the flagged first place again; with hindsight it is weaker
    assert "Alindao" in then["Place"].iloc[0] and then["Flag"].iloc[0]
    in_hindsight = hindsight[hindsight["Place"].str.contains("Alindao")]
    assert in_hindsight.empty or in_hindsight["Score"].iloc[0] < then["Score"].iloc[0]


def test_two_uploads_with_one_name_are_both_imported(app_store):
    """Each upload is kept apart: same-named files no longer overwrite each other."""
    from ewarning.store import open_store

    at = _go(_app(), "app_pages/data.py")
    first = b"id,lat,lon,category,occurred_at\nUP-1,4.8,20.7,killing,2018-11-10\n"
    second = b"id,lat,lon,category,occurred_at\nUP-2,4.9,20.8,looting,2018-11-11\n"
    at.get("file_uploader")[0].set_value([("reports.csv", first, "text/csv"),
                                          ("reports.csv", second, "text/csv")]).run()
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    successes = [s.value for s in at.success]
    assert len(successes) == 2 and all("1 stored" in s for s in successes), successes
    ids = set(open_store(str(app_store)).read("alerts")["id"])
    assert {"UP-1", "UP-2"} <= ids



def test_an_error_shows_an_error_id_and_no_trace(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "calls from +236 70 11 22 33.gpkg"  # the error's message quotes the path
    broken.write_text("this is not a GeoPackage")
    monkeypatch.setenv("EWARNING_STORE", str(broken))
    monkeypatch.setenv("EWARNING_TILES", "")
    at = AppTest.from_file(APP, default_timeout=90)
    with caplog.at_level("ERROR", logger="ewarning.desk"):
        at.run()
    assert not at.exception  # no traceback element on the page
    [error] = [e.value for e in at.error]
    error_id = re.search(r"error (E-[0-9a-f]{8})", error).group(1)
    assert "Traceback" not in error and "GeoPackage" not in error
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged  # the detail is in the server log ...
    assert all("70 11 22 33" not in (r.getMessage() + (r.exc_text or "")) for r in logged)  # ... without identities


def test_as_known_then_shows_triage_as_it_stood_in_the_queue_the_card_and_the_map(app_store):
    """A report discounted today is back, unverified, in a replay of a day before the edit."""
    from app_pages import common
    from ewarning import triage, views
    from ewarning.store import open_store

    store = open_store(str(app_store))
    alerts = store.read("alerts")
    recent = alerts[(alerts["reported_at"] < pd.Timestamp("2018-11-15", tz="UTC"))
                    & (alerts["reported_at"] >= pd.Timestamp("2018-11-10", tz="UTC"))
                    & (alerts["verification"] == "unverified") & alerts["duplicate_of"].isna()]
    target = recent.sort_values("reported_at")["id"].iloc[-1]
    triage.apply(store, triage.discount(alerts, target, based_on=0, user="ana"))   # edited now, in 2026

    def queue(at):
        return [label.split(" · ")[0] for label in at.selectbox(key="triage_select").options]

    at = _go(_app(), "app_pages/triage.py")
    assert target not in queue(at) and len(queue(at)) > 10   # discounted: out of today's queue
    at.sidebar.checkbox(key="f_as_known").check().run()
    assert not at.exception
    assert any("as it stood at the as-of time" in i.value for i in at.info)
    assert target in queue(at)                                  # as known then: still to triage
    at.selectbox(key="triage_select").set_value(target).run()
    assert "Unverified (as known then)" in html.unescape(_markdown(at))
    # the map's alerts (their popups), the hotspot page's list and the export come from the same rows
    data = common.load_layers(*common.store_and_token(str(app_store)))
    f = at.session_state["filters"]
    ana = User("ana", "analyst")
    then = views.situation(common.picture(f, ana)).alerts
    today = views.situation(common.picture(dataclasses.replace(f, triage_as_known=False), ana)).alerts
    assert then.loc[then["id"] == target, "verification"].item() == "unverified"
    assert today.loc[today["id"] == target, "verification"].item() == "discounted"


def test_the_quarantine_downloads_as_a_workbook_to_fix_and_import_again(app_store, tmp_path):
    """The desk's quarantine download is what `export --layer quarantine` gives (one sheet per layer, the
    original columns and the reasons), not one JSON cell per row."""
    from ewarning.importing import import_files
    from ewarning.store import open_store

    bad = tmp_path / "bad.csv"
    bad.write_text("id,reported_at,lat,lon,category\nQ1,2018-11-10T10:00Z,4.79,20.68,picnic\n", encoding="utf-8")
    import_files(open_store(str(app_store)), [bad], layer="alerts", user="ana")
    at = _go(_app(), "app_pages/data.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the quarantine to fix (Excel, one sheet per layer)" in labels, labels
    assert not any("quarantine (CSV)" in label for label in labels)


def test_a_hotspot_with_no_dismounted_patrol_says_none_not_a_blank_number(app_store):
    at = _go(_app(), "app_pages/hotspots.py")
    days = at.dataframe[0].value["Last dismounted (days)"]
    assert (days == "none").any()                                     # the demo has places no patrol walked
    assert all(d == "none" or d.isdigit() for d in days)              # never "None", "nan" or a float
