"""Property-based: random and malformed rows never crash a validator, and every
row read is either stored or quarantined (stored + quarantined = read)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ewarning import alerts, patrols, presence, sites
from ewarning.importing import import_files
from ewarning.io import RawTable
from ewarning.store import open_store

NOW = pd.Timestamp("2024-01-01", tz="UTC")

junk = st.one_of(
    st.none(), st.just(""), st.text(max_size=12),
    st.sampled_from(["0", "-1", "95", "181", "4.79", "20,68", "nan", "1e400", "2018-11-15", "15/11/2018",
                     "2099-01-01", "2018-13-45", "killing", "Kidnapping", "A", "6", "yes", "=cmd|' /C calc'!A0",
                     "<script>alert(1)</script>", "\x00", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
)

COLUMNS = {
    "alerts": ["id", "reported_at", "occurred_at", "lat", "lon", "category", "severity", "killed", "injured",
               "channel", "verification", "reliability", "credibility", "reporter", "location_precision", "text"],
    "sites": ["site_id", "name", "kind", "lat", "lon", "population", "opened", "closed"],
    "presence": ["base_id", "name", "kind", "lat", "lon", "military", "police", "civilian", "cla", "cla_female",
                 "start", "end"],
    "patrol_points": ["patrol_id", "seq", "time", "lat", "lon"],
}


def frames(layer: str):
    row = st.fixed_dictionaries({c: junk for c in COLUMNS[layer]})
    return st.lists(row, min_size=0, max_size=25).map(
        lambda rows: pd.DataFrame(rows, columns=COLUMNS[layer], dtype=object,
                                  index=pd.RangeIndex(1, len(rows) + 1)))


def _accounted(result, n: int) -> None:
    assert len(result.valid) + len(result.quarantine) == n
    assert set(result.valid["source_row"]).isdisjoint(result.quarantine["source_row"])
    assert set(result.valid["source_row"]) | set(result.quarantine["source_row"]) == set(range(1, n + 1))
    assert result.quarantine["reason"].map(lambda r: isinstance(r, str) and len(r) > 0).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames("alerts"))
def test_alert_validator_accounts_for_every_row(frame):
    result = alerts.validate(RawTable("alerts", frame, "h.csv", "own"), now=NOW, secret=b"k")
    _accounted(result, len(frame))
    assert result.valid.geometry.y.between(-90, 90).all() and result.valid.geometry.x.between(-180, 180).all()
    assert (result.valid["reported_at"] <= NOW).all()
    assert result.valid["category"].isin(list(alerts.vocab.CATEGORIES)).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames("sites"))
def test_site_validator_accounts_for_every_row(frame):
    _accounted(sites.validate(RawTable("sites", frame, "h.csv", "own"), now=NOW), len(frame))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames("presence"))
def test_presence_validator_accounts_for_every_row(frame):
    _accounted(presence.validate(RawTable("presence", frame, "h.csv", "own"), now=NOW), len(frame))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames("patrol_points"))
def test_patrol_point_validator_accounts_for_every_row(frame):
    result = patrols.validate_points(RawTable("patrol_points", frame, "h.csv", "own"), now=NOW)
    _accounted(result, len(frame))
    routes = patrols.routes_from_points(result.valid)
    used, quarantined = patrols.unplaced_points(result, routes)
    assert len(used) + len(quarantined) == len(frame)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(junk.map(lambda v: "" if v is None else v), min_size=3, max_size=6), max_size=20),
       st.binary(max_size=40))
def test_file_import_accounts_for_every_line(rows, noise):
    """Whole files through reader, validator and store: read = stored + quarantined."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alerts.csv"
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["lat", "lon", "category", "occurred_at", "text", "reporter"])
        writer.writerows(rows)
        path.write_bytes(buf.getvalue().encode("utf-8", "surrogatepass") + noise)
        store = open_store(Path(tmp) / "s.gpkg")
        [report] = import_files(store, [path], user="analyst", secret=b"k")
        if report.status == "refused":
            assert report.reason and store.counts()["imports"] == 0
            return
        counts = store.counts()
        assert report.n_read == report.n_stored + report.n_quarantined
        assert counts["alerts"] == report.n_stored and counts["quarantine"] == report.n_quarantined
