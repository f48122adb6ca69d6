"""Refusal reasons are stored in English and shown in the reader's language (issue #15).

Hand-made bad rows of every layer go through the real import (checked, not stored); every reason the
validators write must match a template of :mod:`ewarning.reasons`, so none is left in English on a French
page, and the French keeps the values the file wrote.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ewarning.i18n import Translator
from ewarning.importing import import_files
from ewarning.reasons import reason_in, unmatched
from ewarning.store import open_store

NOW = pd.Timestamp("2025-01-01", tz="UTC")
FR = Translator("fr")

BAD_FILES = {
    "alerts.csv": (
        "id,lat,lon,category,occurred_at,reported_at,killed,injured\n"
        "A1,,,killing,2018-11-15,,1,0\n"                       # no coordinates
        "A2,0,0,killing,2018-11-15,,1,0\n"                     # null island
        "A3,120,4.5,killing,2018-11-15,,1,0\n"                 # swapped
        "A4,95,200,killing,2018-11-15,,1,0\n"                  # out of range both
        "A5,4.79,20.68,killing,2018-11-15,,many,0\n"           # not a whole number
        "A6,4.79,20.68,killing,2018-11-15,,-3,0\n"             # below 0
        "A7,4.79,20.68,killing,03/04/2018,,1,0\n"              # ambiguous date
        "A8,4.79,20.68,killing,2099-01-01,,1,0\n"              # future
        "A9,4.79,20.68,ghosts,2018-11-15,,1,0\n"               # unknown category
        "A9,4.79,20.68,killing,2018-11-15,,1,0\n"              # duplicate id
        "A10,4.79,20.68,killing,,,1,0\n"                       # no time at all
        "A11,4.79,20.68,killing,2018-11-16,2018-11-15,1,0\n"   # occurred after reported
        "A12,4.79,20.68,killing,not a date,,1,0\n"             # not a date
        "A13,4.79,20.68,killing,2018-11-15,,\"1,234.5\",0\n"   # thousands separator and a decimal in a count
        "A14,abc,20.68,killing,2018-11-15,,1,0\n"),            # not a number
    "sites.csv": "site_id,name,lat,lon,kind,population,opened,closed\n"
                 "S1,,4.79,20.68,idp_camp,100,2018-01-01,2017-01-01\n",
    "presence.csv": "base_id,name,lat,lon,kind,military,police,civilian,cla,cla_female,start,end\n"
                    "B1,Base,4.79,20.68,company_base,1,0,0,1,3,2018-01-01,2017-01-01\n"
                    "B2,Base 2,4.79,20.68,company_base,maybe,0,0,0,0,2018-01-01,\n",
}


@pytest.fixture(scope="module")
def reasons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    paths = []
    for name, text in BAD_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    store = open_store(folder / "store.gpkg")
    reports = import_files(store, paths, user="ana", secret=b"k", now=NOW, dry_run=True)
    found = [str(r) for report in reports for r in report.quarantine["reason"]]
    assert len(found) >= 17, [report.summary() for report in reports]
    return found


def test_every_reason_a_validator_writes_has_a_template(reasons):
    left = {part for reason in reasons for part in unmatched(reason)}
    assert not left, f"no template in ewarning/reasons.py for: {sorted(left)}"


def test_reasons_read_in_french_with_the_values_the_file_wrote(reasons):
    for reason in reasons:
        french = reason_in(reason, FR)
        assert french != reason, reason
        for quoted in __import__("re").findall(r"'([^']*)'", reason):
            assert quoted in french, (reason, french)
    said = {reason_in(r, FR) for r in reasons}
    assert any("«\u00a0many\u00a0» n’est pas un nombre entier" in s for s in said), said
    assert any("coordonnées manquantes" in s for s in said), said
    assert any("latitude et longitude semblent inversées" in s for s in said), said


def test_english_is_the_stored_reason_itself(reasons):
    assert all(reason_in(r, Translator("en")) == r for r in reasons)
    assert reason_in("a reason of another kind", FR) == "a reason of another kind"
