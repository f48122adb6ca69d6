"""Dates as people write them: a table's numeric dates are read in its own order (day-first where the file
is day-first), the mission's locale decides when the file does not, and an ambiguous date is quarantined
with the reason, never guessed (issue #9)."""

from __future__ import annotations

import pandas as pd
import pytest

from ewarning import alerts
from ewarning.io import RawTable

NOW = pd.Timestamp("2026-01-01", tz="UTC")


def _alerts(occurred: list[str], locale: str | None = None):
    n = len(occurred)
    frame = pd.DataFrame({"id": [f"A{i}" for i in range(n)], "reported_at": ["2018-11-20T10:00Z"] * n,
                          "occurred_at": occurred, "lat": ["4.79"] * n, "lon": ["20.68"] * n,
                          "category": ["killing"] * n})
    return alerts.validate(RawTable("alerts", frame, "hotline.csv", "own"), now=NOW, secret=b"k", locale=locale)


def _days(v) -> dict[str, str]:
    return {r.id: r.occurred_at.strftime("%Y-%m-%d") for r in v.valid.itertuples()}


def test_a_day_first_file_reads_its_ambiguous_dates_day_first_and_says_why():
    v = _alerts(["15/11/2018", "03/11/2018"])
    assert _days(v) == {"A0": "2018-11-15", "A1": "2018-11-03"}
    assert any("dates read day-first" in n and "15/11/2018" in n for n in v.notes), v.notes


def test_a_month_first_file_reads_its_ambiguous_dates_month_first():
    v = _alerts(["11/15/2018", "11/03/2018"])
    assert _days(v) == {"A0": "2018-11-15", "A1": "2018-11-03"}
    assert any("dates read month-first" in n for n in v.notes), v.notes


def test_an_ambiguous_date_with_nothing_to_decide_is_quarantined_never_guessed():
    v = _alerts(["03/04/2018", "05/05/2018", "2018-04-03"])
    assert set(_days(v)) == {"A1", "A2"}                       # 5 May and the ISO date are not ambiguous
    reasons = v.quarantine["reason"].tolist()
    assert len(reasons) == 1 and "occurred_at: '03/04/2018' is ambiguous" in reasons[0], reasons
    assert "is not a date" not in reasons[0]


@pytest.mark.parametrize("locale, day", [("fr", "2018-04-03"), ("fr_CF", "2018-04-03"), ("en_US", "2018-03-04"),
                                         ("en_GB", "2018-04-03")])
def test_the_missions_locale_decides_when_the_file_does_not(locale, day):
    v = _alerts(["03/04/2018"], locale=locale)
    assert _days(v) == {"A0": day}
    assert any(f"the mission's locale is '{locale}'" in n for n in v.notes), v.notes


def test_the_files_own_dates_outweigh_the_locale():
    v = _alerts(["11/15/2018", "11/03/2018"], locale="fr")      # an export from a US tool in a French mission
    assert _days(v) == {"A0": "2018-11-15", "A1": "2018-11-03"}


def test_a_file_writing_both_orders_quarantines_only_its_ambiguous_dates():
    v = _alerts(["15/11/2018", "11/16/2018", "03/04/2018"], locale="fr")
    assert _days(v) == {"A0": "2018-11-15", "A1": "2018-11-16"}
    assert len(v.quarantine) == 1 and "ambiguous" in v.quarantine["reason"].iloc[0]


def test_unambiguous_and_textual_dates_are_read_as_before():
    v = _alerts(["2018-11-03", "3 Nov 2018", "25/10/2018", "10/10/2018"])
    assert _days(v) == {"A0": "2018-11-03", "A1": "2018-11-03", "A2": "2018-10-25", "A3": "2018-10-10"}
    assert v.quarantine.empty
