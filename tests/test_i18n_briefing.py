"""The leadership briefing in French and English (issue #15): the view keeps the language it was built in, every
product (PDF, slides, HTML) speaks it, the figures are the same in both, the page follows the user's language and
the command takes ``--language``.

Real files throughout, read back as tests/test_briefing.py reads them (pypdf, python-pptx, the HTML text).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from ewarning.auth import User
from ewarning.render import briefing as products
from ewarning.store import open_store
from ewarning.views import Layers
from ewarning.views.briefing import REDACTED, briefing, record_export
from tests.test_briefing import AS_OF, READERS, flat, pdf_text, run_cli

pytestmark = pytest.mark.xdist_group("briefing")

#: Words each French product shows (headings, the mode, the date), and English ones none of them may keep.
FRENCH = {
    "pdf": ["Protection des civils", "Points d’attention recommandés", "Points chauds, par rang",
            "Version expurgée", "Sites de déplacés vulnérables", "Lacunes de couverture par composante",
            "Méthode et sources", "14 nov. 2018", "Ce qui a changé depuis le 7 nov. 2018", "Tension en hausse",
            "SIGNALÉ"],
    "pptx": ["Protection des civils", "Points d’attention recommandés", "Points chauds, par rang",
             "Version expurgée", "Sites de déplacés vulnérables et lacunes de couverture", "Méthode et sources",
             "14 nov. 2018", "Signalements par semaine à chaque point chaud", "(SIGNALÉ)"],
    "html": ["Protection des civils", "Points d’attention recommandés", "Points chauds, par rang",
             "Version expurgée", "Sites de déplacés vulnérables", "Lacunes de couverture par composante",
             "Méthode et sources", "14 nov. 2018", "Ce qui a changé depuis le 7 nov. 2018", "SIGNALÉ"],
}
ENGLISH = ["Recommended attention", "Hotspots, ranked", "Redacted:", "Vulnerable IDP sites", "Method and sources",
           "What changed since", "Flagged hotspots", "Prepared by", "Tension rising"]


@pytest.fixture(scope="module")
def store_path(demo_store, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("briefing-fr") / "joc.gpkg"
    shutil.copyfile(demo_store, path)
    return path


@pytest.fixture(scope="module")
def layers(store_path) -> Layers:
    return Layers.from_store(open_store(str(store_path)))


@pytest.fixture(scope="module")
def both(layers) -> dict:
    """The same briefing (leadership, as of the demo's opening day) built in English and in French."""
    lee = User("lee", "leadership")
    return {"en": briefing(layers, AS_OF, lee), "fr": briefing(layers, AS_OF, lee, locale="fr")}


@pytest.fixture(scope="module")
def texts(both) -> dict:
    """``texts[locale][fmt]``: each product of each language, read back as text."""
    out = {}
    for locale, b in both.items():
        pictures = products.figures(b)
        out[locale] = {fmt: READERS[fmt](products.render(b, fmt, pictures)) for fmt in products.FORMATS}
    return out


# -- numbers, whatever the language writes them ------------------------------------------------------------

def figures_in(text: str, locale: str, spaced: bool = False) -> Counter:
    """Every number of ``text`` (``1,234`` / ``1 234``, ``0.25`` / ``0,25``), as the same plain digits.
    ``spaced``: French thousands may be a plain space (pypdf reads the PDF's no-break space back as one)."""
    if locale == "fr":
        gap = "[\u202f\u00a0 ]" if spaced else "[\u202f\u00a0]"
        text = re.sub(r"(?<=\d)" + gap + r"(?=\d{3}(?!\d))", "", text)   # thousands
        text = re.sub(r"(?<=\d),(?=\d)", ".", text)                         # decimal comma
    else:
        text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return Counter(re.findall(r"\d+(?:\.\d+)?", text))


def test_figures_in_reads_both_ways_of_writing_numbers():
    assert figures_in("18,000 people, 2.6 times, 0.25°", "en") == figures_in("18\u202f000 personnes, 2,6 fois, "
                                                                              "0,25°", "fr")
    assert figures_in("18\u00a0000", "fr") == Counter({"18000": 1}) == figures_in("18 000", "fr", spaced=True)
    assert figures_in("1 151", "fr") == Counter({"1": 1, "151": 1})


# -- the view --------------------------------------------------------------------------------------

def test_the_briefing_keeps_the_language_it_was_built_in(both):
    en, fr = both["en"], both["fr"]
    assert (en.locale, fr.locale) == ("en", "fr")
    assert en.title == "Protection of civilians: leadership briefing"
    assert fr.title.startswith("Protection des civils")
    assert fr.date_text == "14 nov. 2018" and en.date_text == "14 Nov 2018"
    assert fr.previous_words == "7 nov. 2018 (7 jours plus tôt)"
    assert fr.mode == en.mode == REDACTED                  # the audit log's word stays English
    assert fr.mode_words == "version expurgée"
    assert fr.attention[0].startswith("Alindao Catholic mission site\u00a0: tension 63/100, en hausse")
    assert "police, personnel civil et assistants de liaison communautaire" in fr.attention[0]
    assert fr.flagged["why"].iloc[0].startswith("Tension en hausse\u00a0: 52 signalements en 60 jours")
    assert [label for label, _ in fr.key_figures][0] == "Points chauds signalés"
    assert all("\u202f" in v or len(v) < 4 for v in fr.sites["population_text"]), list(fr.sites["population_text"])


def test_place_names_and_the_classification_are_not_translated(both):
    en, fr = both["en"], both["fr"]
    assert fr.classification == en.classification == "UN RESTRICTED"
    assert list(fr.sites["name"]) == list(en.sites["name"])
    assert "environs de Bakouma (NO)" in list(fr.hotspots["place"])
    assert "Bakouma area (NW)" in list(en.hotspots["place"])


def test_the_view_holds_the_same_figures_in_both_languages(both):
    en, fr = both["en"], both["fr"]
    for column in ("rank", "score", "alerts", "killed", "exposed", "flagged", "hotspot_id"):
        assert list(en.hotspots[column]) == list(fr.hotspots[column]), column
    assert list(en.weekly["reports"]) == list(fr.weekly["reports"])
    assert list(en.coverage["people"]) == list(fr.coverage["people"])
    assert (en.as_of, en.previous_as_of) == (fr.as_of, fr.previous_as_of)
    for name in ("changes", "attention", "notes", "sources"):
        assert figures_in(" ".join(getattr(en, name)), "en") == figures_in(" ".join(getattr(fr, name)), "fr"), name
    assert figures_in(" ".join(en.hotspots["why"]), "en") == figures_in(" ".join(fr.hotspots["why"]), "fr")
    assert figures_in(" ".join(v for _, v in en.key_figures), "en") == \
        figures_in(" ".join(v for _, v in fr.key_figures), "fr")


# -- the products ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["pdf", "pptx", "html"])
def test_each_product_is_in_french(fmt, texts, both):
    text = flat(texts["fr"][fmt])
    missing = [w for w in FRENCH[fmt] if flat(w) not in text]
    assert not missing, missing
    left = [w for w in ENGLISH if w in text]
    assert not left, left
    for item in both["fr"].changes + both["fr"].attention:
        assert flat(item) in text
    english = flat(texts["en"][fmt])
    assert "Recommended attention" in english and "Points d’attention" not in english


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "html"])
def test_every_figure_is_the_same_in_both_languages(fmt, texts, both):
    """Counts, casualties, scores, populations and the as-of dates: the French product prints exactly the numbers
    the English one prints (the same multiset, once the locale's separators are read). The running footer and the
    page and slide numbers are left out: the French may take a page more."""
    def body(locale):
        text = texts[locale][fmt].replace(both[locale].footer_text, "")
        text = re.sub(r"^(?:page )?\d+$", "", text, flags=re.M)   # page numbers (PDF), slide numbers (PPTX)
        return text

    en, fr = figures_in(body("en"), "en"), figures_in(body("fr"), "fr", spaced=fmt == "pdf")
    assert sum(en.values()) > 100
    assert en == fr, {"only in English": en - fr, "only in French": fr - en}


def test_the_html_says_its_language(both):
    page = products.render(both["fr"], "html").decode("utf-8")
    assert '<html lang="fr">' in page
    assert '<html lang="en">' in products.render(both["en"], "html").decode("utf-8")


def test_the_export_records_its_language(store_path, both):
    store = open_store(str(store_path))
    record_export(store, both["fr"], "pdf", User("lee", "leadership"))
    record_export(store, both["en"], "html", User("lee", "leadership"))
    details = [json.loads(d) for d in store.audit_log(action="export", user="lee")["detail"]]
    assert {(d["format"], d["language"]) for d in details} >= {("pdf", "fr"), ("html", "en")}


# -- the command -----------------------------------------------------------------------------------

def test_cli_language_fr_writes_a_french_pdf_and_records_it(store_path, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EWARNING_LANGUAGE", raising=False)
    out = tmp_path / "note.pdf"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--out", str(out),
                            "--previous", "2018-11-08", "--language", "fr"], capsys, monkeypatch)
    assert code == 0, err
    text = flat(pdf_text(out.read_bytes()))
    assert "Points d’attention recommandés" in text and "Recommended attention" not in text
    assert "note arrêtée" in err or "14 nov. 2018" in err
    log = open_store(str(store_path)).audit_log(action="export", user="ana")
    mine = [json.loads(d) for d in log["detail"] if json.loads(d).get("out") == str(out)]
    assert mine and mine[0]["language"] == "fr" and mine[0]["mode"] == REDACTED


def test_cli_follows_the_missions_language_unless_told(store_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EWARNING_LANGUAGE", "fr")
    out = tmp_path / "mission.html"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--out", str(out),
                            "--previous", "2018-11-08"], capsys, monkeypatch)
    assert code == 0, err
    assert "Points d’attention recommandés" in READERS["html"](out.read_bytes())
    english = tmp_path / "english.html"
    code, _, err = run_cli(["brief", "--store", str(store_path), "--as-of", AS_OF, "--out", str(english),
                            "--previous", "2018-11-08", "--language", "en"], capsys, monkeypatch)
    assert code == 0, err
    assert "Recommended attention" in READERS["html"](english.read_bytes())


# -- the page --------------------------------------------------------------------------------------

PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "briefing.py"


def _page(app_store, name: str, language: str | None):
    from ewarning.i18n.preferences import set_locale
    from tests.signin import ensure_accounts, signed_in_app

    if language:
        ensure_accounts(app_store, (name,))
        set_locale(open_store(str(app_store)), name, language, by=name)
    at = signed_in_app(name, script=PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_in_french_shows_french_labels_and_the_same_figures(app_store):
    fr = _page(app_store, "lee", "fr")
    metrics = {m.label: m.value for m in fr.metric}
    assert metrics["Points chauds signalés"] == "1"
    assert "Signalements cette semaine" in metrics and "Personnes dans des sites de déplacés près des points " \
        "chauds signalés" in metrics
    assert fr.subheader[0].value == "Protection des civils\u00a0: note à la direction · 14 nov. 2018"
    assert any("Version expurgée" in c.value for c in fr.caption)
    assert [b.label for b in fr.get("download_button")][:1] == ["Télécharger le PDF"]
    columns = list(fr.dataframe[0].value.columns)
    assert columns[:3] == ["#", "Lieu", "Signal"] and "Pourquoi" in columns
    en = _page(app_store, "ana", None)
    en_metrics = {m.label: m.value for m in en.metric}
    assert en.subheader[0].value == "Protection of civilians: leadership briefing · 14 Nov 2018"
    # the same figures under the two languages' labels
    assert [figures_in(v, "fr") for v in metrics.values()] == [figures_in(v, "en") for v in en_metrics.values()]
    assert list(fr.dataframe[0].value["#"]) == list(en.dataframe[0].value["#"])


def test_the_analysts_annex_in_french(layers):
    b = briefing(layers, AS_OF, User("ana", "analyst"), annex=True, locale="fr")
    text = flat(pdf_text(products.render(b, "pdf")))
    assert "ANNEXE DÉTAILLÉE" in text and "Une ANNEXE DÉTAILLÉE suit" in text and "DETAILED ANNEX" not in text
    assert b.mode_words == "version expurgée, avec annexe détaillée"
    english = briefing(layers, AS_OF, User("ana", "analyst"), annex=True)
    assert len(b.annex) == len(english.annex) and list(b.annex["reported"]) == list(english.annex["reported"])
    assert list(b.annex["text"]) == list(english.annex["text"])          # what was reported stays as written
    assert set(english.annex["category"]) != set(b.annex["category"])    # the categories are the vocabulary's words
