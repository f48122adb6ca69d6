"""No look-ahead through triage: edits made after the as-of time are undone before scoring."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from ewarning import triage
from ewarning.asof import as_of, parse_as_of, triaged_as_of
from ewarning.hotspots import score_hotspots
from ewarning.store import open_store

AS_OF = parse_as_of("2018-11-15")
LATER = pd.Timestamp("2018-11-20T08:00Z")   # triage done after the as-of time
EARLIER = pd.Timestamp("2018-11-10T08:00Z")


@pytest.fixture()
def store(demo_store, tmp_path):
    path = tmp_path / "joc.gpkg"
    shutil.copyfile(demo_store, path)
    return open_store(str(path))


def _near_alindao(alerts, km=25.0):
    from ewarning import scenario
    lat, lon = scenario.ALINDAO_SITE
    d = np.hypot((alerts.geometry.y - lat) * 111.0, (alerts.geometry.x - lon) * 111.0 * np.cos(np.radians(lat)))
    return alerts[(d < km) & (alerts["reported_at"] < AS_OF) & (alerts["reported_at"] >= AS_OF - pd.Timedelta(days=30))]


def _discount_all(store, ids, at):
    for aid in ids:
        alerts = store.read("alerts")
        current = int(triage.versions(alerts, store.alert_versions()).loc[aid, "version"])
        if alerts.loc[alerts["id"] == aid, "verification"].iloc[0] != "discounted":
            triage.apply(store, triage.discount(alerts, aid, based_on=current, user="ana", at=at))


def _alindao(result):
    h = result.hotspots
    row = h[h["place"].str.contains("Alindao")]
    return None if row.empty else row.iloc[0]


def test_later_discounts_do_not_change_a_past_score(store):
    layers = {k: store.read(k) for k in ("alerts", "sites", "presence", "patrols")}
    before = score_hotspots(layers["alerts"], layers["sites"], layers["presence"], layers["patrols"], as_of=AS_OF)
    ids = _near_alindao(layers["alerts"])["id"].tolist()
    assert len(ids) > 20
    _discount_all(store, ids, LATER)
    edited, edits = store.read("alerts"), store.read("alert_edits")
    assert (edited.set_index("id").loc[ids, "verification"] == "discounted").all()
    # as known then: identical to the score before any edit
    then = score_hotspots(edited, layers["sites"], layers["presence"], layers["patrols"], as_of=AS_OF,
                          alert_edits=edits)
    cols = ["rank", "score", "flagged", "n_alerts", "place", "explanation"]
    pd.testing.assert_frame_equal(then.hotspots[cols], before.hotspots[cols])
    assert then.hotspots.geometry.geom_equals(before.hotspots.geometry).all()
    # hindsight (today's triage applied to the past): the Alindao warning is gone or weaker
    hindsight = score_hotspots(edited, layers["sites"], layers["presence"], layers["patrols"], as_of=AS_OF)
    a_before, a_after = _alindao(before), _alindao(hindsight)
    assert a_before is not None and a_before["flagged"]
    assert a_after is None or a_after["score"] < a_before["score"]
    # once the as-of time is after the edits, they count
    after = score_hotspots(edited, layers["sites"], layers["presence"], layers["patrols"], as_of="2018-11-21",
                           alert_edits=edits)
    assert _alindao(after) is None or _alindao(after)["score"] < a_before["score"]


def test_each_kind_of_edit_is_undone_in_version_order(store):
    alerts = store.read("alerts")
    a, b, c = alerts["id"].iloc[10], alerts["id"].iloc[11], alerts["id"].iloc[12]
    original = alerts.set_index("id")
    triage.apply(store, triage.verify(store.read("alerts"), a, based_on=0, user="ana", at=EARLIER))
    triage.apply(store, triage.discount(store.read("alerts"), a, based_on=1, user="ben", at=LATER))
    triage.apply(store, triage.correct_location(store.read("alerts"), b, 5.5, 21.5, based_on=0, precision="exact",
                                                user="ana", at=LATER))
    triage.apply(store, triage.link_duplicate(store.read("alerts"), c, of=a, based_on=0, user="ana", at=LATER))
    now, edits = store.read("alerts"), store.read("alert_edits")
    then = triaged_as_of(now, edits, AS_OF).set_index("id")
    assert then.loc[a, "verification"] == "verified"          # the earlier edit stays, the later one is undone
    assert then.loc[b, "geometry"].equals(original.loc[b, "geometry"])
    assert then.loc[b, "location_precision"] == original.loc[b, "location_precision"]
    assert pd.isna(then.loc[c, "duplicate_of"])
    assert now.set_index("id").loc[a, "verification"] == "discounted"   # the input is not modified
    # before every edit: the stored row as imported
    first = triaged_as_of(now, edits, parse_as_of("2018-11-01")).set_index("id")
    assert first.loc[a, "verification"] == original.loc[a, "verification"]
    # after every edit: today's state
    last = triaged_as_of(now, edits, parse_as_of("2018-12-01"))
    assert last is now
    # the as-of view applies the same rule when given the triage log
    view = as_of({"alerts": now, "alert_edits": edits}, AS_OF)
    assert view.alerts.set_index("id").loc[a, "verification"] == "verified"


def test_unreadable_edit_log_is_refused_with_the_alert_named(store):
    alerts = store.read("alerts")
    bad = pd.DataFrame({"alert_id": [alerts["id"].iloc[0]], "version": [1], "at": [LATER], "changes": ["{not json"]})
    with pytest.raises(ValueError, match=f"alert {alerts['id'].iloc[0]} is unreadable"):
        triaged_as_of(alerts, bad, AS_OF)
    assert triaged_as_of(alerts, bad.iloc[0:0], AS_OF) is alerts
    assert triaged_as_of(alerts, None, AS_OF) is alerts
