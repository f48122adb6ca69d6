"""One figure, one source: the map, the hotspot table, the dossier and ``hotspots --store`` agree.

For three as-of dates on the demo store, the alerts, killed, flagged and
listed counts are read from each screen as a user would see them (the map
layer's data, the Hotspots page's table and detail header and weekly chart
through Streamlit's AppTest, the command line's GeoJSON) and must be equal.
Then: no module outside the as-of view and the views opens sites or
presence on a date (the issue's grep).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.signin import signed_in_app

from tests.cli_runner import run_main
from ewarning import filters as flt
from ewarning import views
from ewarning.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DAYS = [dt.date(2018, 10, 31), dt.date(2018, 11, 14), dt.date(2018, 11, 21)]   # as of end of these days


@pytest.fixture(scope="module")
def layers(demo_store):
    return views.Layers.from_store(open_store(str(demo_store)))


def _map_rows(hotspots) -> dict[str, dict]:
    """The hotspot layer's data as the browser receives it: id -> {alerts, killed, flagged, rank}."""
    from ewarning.render import maps

    group = maps.hotspots_layer(hotspots)
    draw = next(c for c in group._children.values() if c._name == "EwDraw")
    data = json.loads(draw.data_json)
    col = {c: i for i, c in enumerate(data["columns"])}
    return {r[col["id"]]: {"alerts": r[col["n"]], "flagged": bool(r[col["fl"]]), "rank": r[col["rk"]],
                           **({"killed": r[col["k"]]} if "k" in col else {})} for r in data["rows"]}


def _cli(capsys, store, day: dt.date) -> list[dict]:
    as_of = flt.end_of_day(day).date().isoformat()
    proc = run_main(capsys, "hotspots", "--store", store, "--as-of", as_of, "--top", "1000")
    assert proc.returncode == 0, proc.stderr
    return [f["properties"] for f in json.loads(proc.stdout)["features"]]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_views_map_and_command_line_agree(layers, demo_store, capsys, day):
    f = flt.Filters(end=flt.end_of_day(day))
    p = views.picture(layers, f, user="ana")
    sit, table = views.situation(p), views.hotspot_list(p).table
    assert len(table) > 0
    cli = {h["hotspot_id"]: h for h in _cli(capsys, demo_store, day)}
    mapped = _map_rows(sit.hotspots)

    # listed and flagged: the map header, the table and the command line
    assert sit.n_listed == len(table) == len(cli)
    assert sit.counts["flagged"] == int(table["flagged"].sum()) == sum(bool(h["flagged"]) for h in cli.values())
    assert set(mapped) <= set(table["hotspot_id"]) and len(mapped) == sit.counts["hotspots"]
    assert all(mapped[i]["flagged"] for i in table.loc[table["flagged"], "hotspot_id"])   # every flagged one drawn

    for row in table.itertuples():
        d = views.dossier(p, row.hotspot_id)
        in_window = int(d.weekly.loc[d.weekly["recent"], "alerts"].sum())
        counts = {"table": (row.n_alerts, row.killed), "dossier": (d.n_alerts, d.killed),
                  "chart": (in_window, None), "cli": (cli[row.hotspot_id]["n_alerts"], cli[row.hotspot_id]["killed"])}
        if row.hotspot_id in mapped:
            counts["map"] = (mapped[row.hotspot_id]["alerts"], mapped[row.hotspot_id].get("killed"))
        alerts = {k: v[0] for k, v in counts.items()}
        killed = {k: v[1] for k, v in counts.items() if v[1] is not None}
        assert len(set(alerts.values())) == 1, (row.hotspot_id, alerts)
        assert len(set(killed.values())) == 1, (row.hotspot_id, killed)
        assert len(d.alerts) == row.n_alerts                      # "Alerts behind the score" lists them all
        assert cli[row.hotspot_id]["rank"] == row.rank and cli[row.hotspot_id]["score"] == row.score
        # the baseline the chart draws is the one the score used, and both say it the same way
        assert d.weekly.loc[~d.weekly["recent"], "days"].sum() == pytest.approx(d.baseline_days)
        if d.baseline_days > 0:
            words = f"previous {d.baseline_days_whole} days"
            assert words in d.chart_title and words in d.hotspot["explanation"], (d.chart_title, words)


def _counts(at) -> dict[str, int]:
    text = "\n".join(m.value for m in at.markdown)
    return {k: int(v.replace(",", "")) for v, k in re.findall(r"<b>([\d,]+)</b> ([\w ]+?)</span>", text)}


def _chart_window_total(at) -> int:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return sum(sum(t["customdata"]) for t in spec["data"] if t.get("meta", {}).get("recent"))


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_pages_show_the_same_figures(app_store, capsys, day):
    """Through the pages themselves: the map header, the table, the detail header, the chart, the CLI."""
    from streamlit.testing.v1 import AppTest

    at = signed_in_app(timeout=90)
    at.run()
    at.sidebar.date_input(key="f_day").set_value(day).run()
    assert not at.exception, [e.value for e in at.exception]
    header = _counts(at)
    at.switch_page("app_pages/hotspots.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    cli = _cli(capsys, app_store, day)
    assert len(table) == len(cli) and header["flagged"] == int((table["Flag"] == "⚑").sum()) \
        == sum(bool(h["flagged"]) for h in cli)
    assert header["hotspots"] == int(((table["Rank"] <= views.MAP_TOP) | (table["Flag"] == "⚑")).sum())
    by_id = {h["hotspot_id"]: h for h in cli}
    for i in range(min(3, len(table))):
        hid = table["Id"].iloc[i]
        at.selectbox(key="hs_select").set_value(hid).run()
        detail = "\n".join(m.value for m in at.markdown)
        shown = re.search(r'data-alerts="(\d+)" data-killed="(\d+)"', detail)
        assert shown, detail[:300]
        alerts, killed = int(shown.group(1)), int(shown.group(2))
        assert alerts == table["Alerts"].iloc[i] == _chart_window_total(at) == by_id[hid]["n_alerts"]
        assert killed == table["Killed"].iloc[i] == by_id[hid]["killed"]
        assert len(at.dataframe[1].value) == alerts                 # the alerts behind the score


def test_no_module_opens_sites_or_presence_on_a_date_outside_the_views():
    """The issue's grep: only the as-of module (and the views) open a layer on a date; the layer modules
    define how (``sites.open_on``, ``presence.on``)."""
    allowed = {"ewarning/asof.py", "ewarning/sites.py", "ewarning/presence.py"}
    allowed |= {str(p.relative_to(ROOT)) for p in (ROOT / "ewarning" / "views").glob("*.py")}
    pattern = r"open_on\(|presence_mod\.on\(|presence\.on\(|\bon\(.*as_of"
    found = subprocess.run(["grep", "-rnE", pattern, "--include=*.py", "ewarning", "app_pages", "benchmarks",
                            "dashboard.py", "serve.py", "scripts"], cwd=ROOT, capture_output=True, text=True).stdout
    offenders = [line for line in found.splitlines() if line.split(":", 1)[0] not in allowed
                 and "function (" not in line and ".on('" not in line]
    assert not offenders, offenders
