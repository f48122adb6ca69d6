"""French and English explanations of the same hotspot carry the same figures (issue #15).

The engine writes each explanation once, as phrases (:mod:`ewarning.i18n.phrases`); the two languages
are two renderings of them. These tests read the rendered texts, as a user would, and compare every
figure in them after undoing the locale's number formatting.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from ewarning.hotspots import HotspotEngine
from ewarning.hotspots.explain import explanation_in
from ewarning.hotspots.watch import watch
from ewarning.i18n import Translator
from ewarning.views import Layers

EN, FR = Translator("en"), Translator("fr")
# A figure as each language writes it: 18,000.5 / 18 000,5 (narrow or plain no-break space between thousands).
_FIGURE = {"en": re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?"), "fr": re.compile(r"\d+(?:[\u202f\u00a0]\d{3})*(?:,\d+)?")}


def figures(text: str, locale: str) -> Counter:
    """Every number in ``text``, as floats (locale formatting undone)."""
    out = Counter()
    for raw in _FIGURE[locale].findall(text):
        if locale == "fr":
            raw = raw.replace("\u202f", "").replace("\u00a0", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
        out[float(raw)] += 1
    return out


def test_figures_undo_each_locales_formatting():
    assert figures("18,000 people; x60.0, 3 and 4", "en") == Counter({18000.0: 1, 60.0: 1, 3.0: 1, 4.0: 1})
    assert figures("18\u202f000 personnes\u00a0; x60,0, 3 et 4", "fr") == Counter({18000.0: 1, 60.0: 1, 3.0: 1,
                                                                                   4.0: 1})


@pytest.fixture(scope="module")
def demo(demo_store):
    from ewarning.store import open_store

    return Layers.from_store(open_store(str(demo_store)))


@pytest.mark.parametrize("day", ["2018-11-01", "2018-11-09", "2018-11-15"])
def test_french_and_english_explanations_of_each_hotspot_carry_the_same_figures(demo, day):
    engine = HotspotEngine(demo.alerts, demo.sites, demo.presence, demo.patrols).with_engagements(demo.engagements)
    hotspots = engine.score(day).hotspots
    assert len(hotspots) >= 3
    for _, row in hotspots.iterrows():
        english, french = explanation_in(row, EN), explanation_in(row, FR)
        assert english == row["explanation"]                   # the English column is the English rendering
        assert french != english and str(row["place"]) in french   # place names untouched
        # a place named by its coordinates ("6.456, 22.195") is a name, written the same in both: left out
        place = str(row["place"])
        assert figures(french.replace(place, ""), "fr") == figures(english.replace(place, ""), "en"), (english, french)
        # each language's own words, none of the other's
        assert ("Rising:" in english) == ("En hausse\u00a0:" in french) == bool(row["rising"])
        for word in ("alert(s) reported", "in the last", "Weekly counts", "serious events expected", "Presence"):
            assert word not in french, (word, french)


def test_the_alindao_flag_reads_in_french_with_its_missing_components(demo):
    engine = HotspotEngine(demo.alerts, demo.sites, demo.presence, demo.patrols).with_engagements(demo.engagements)
    h = engine.score("2018-11-15").hotspots
    alindao = h[h["place"].str.contains("Alindao") & h["flagged"]].iloc[0]
    french = explanation_in(alindao, FR)
    assert "SIGNALÉ\u00a0: tension " in french and "sans présence multidimensionnelle" in french
    assert "manquent police, personnel civil et assistants de liaison communautaire (ALC)" in french
    expected = alindao["expected_events"]
    written = f"{expected:.2f}".replace(".", ",") if expected >= 0.1 else f"{expected:.2g}".replace(".", ",")
    assert f"{written} événements graves attendus dans les 14 prochains jours" in french


def test_watched_sites_explain_in_both_languages_with_the_same_figures(demo):
    result = watch(demo.alerts, demo.sites, demo.presence, "2018-11-15")
    assert len(result.sites)
    for _, row in result.sites.iterrows():
        english, french = explanation_in(row, EN), explanation_in(row, FR)
        assert english == row["explanation"] and str(row["name"]) in french
        assert figures(french, "fr") == figures(english, "en"), (english, french)
        assert "armed-activity" not in french and "activité armée" in french


def test_a_table_row_without_phrases_falls_back_to_its_english():
    # rows read back from a file (GeoJSON, CSV) carry only the English text
    assert explanation_in({"explanation": "as written", "explanation_phrases": np.nan}, FR) == "as written"
