"""French and English (issue #15): the situation map, the Hotspots and Presence pages, the shared sidebar and the
folium map's words, in the user's language, with the same figures in both.

Each page runs in AppTest on a copy of the demo store (``app_store``) once in English and once after the
analyst chose French (:func:`ewarning.i18n.preferences.set_locale`); the words differ, the counts, scores and
rows do not.
"""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from ewarning import vocab
from ewarning.i18n import Translator
from tests.signin import ROOT, signed_in_app

pytest.importorskip("streamlit")

NBSP = "\u00a0"
#: The modules this part of the work translated (their marked strings must all have French).
MODULES = ("dashboard.py", "app_pages/common.py", "app_pages/situation_map.py", "app_pages/hotspots.py",
           "app_pages/presence.py", "ewarning/render/maps.py")


def _run(app_store, page: str, language: str, name: str = "ana"):
    """``page`` through the dashboard (the sidebar filters drawn as in the browser), in ``language``."""
    from ewarning.i18n.preferences import set_locale
    from ewarning.store import open_store

    set_locale(open_store(app_store), name, language, by=name)
    at = signed_in_app(name)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page != "app_pages/situation_map.py":
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _markdown(at) -> str:
    return html.unescape("\n".join(m.value for m in at.markdown))


def _counts(at) -> dict[str, tuple[int, str]]:
    """The situation map's header: layer code -> (figure, the words shown)."""
    page = "\n".join(m.value for m in at.markdown)
    found = re.findall(r'data-layer="([^"]+)" data-n="(\d+)"><b>[^<]*</b> ([^<]+)</span>', page)
    return {html.unescape(k): (int(n), html.unescape(words)) for k, n, words in found}


def test_every_string_of_these_modules_has_french():
    from ewarning.i18n.catalogue import marked, missing

    assert len(marked(modules=MODULES)) > 150
    assert not missing(modules=MODULES), sorted(missing(modules=MODULES))


def test_the_sidebar_filters_speak_french_and_keep_their_values(app_store):
    at = _run(app_store, "app_pages/situation_map.py", "fr")
    assert [w.label for w in at.sidebar.date_input] == ["Au (fin de journée, UTC)"]
    window = at.sidebar.selectbox(key="f_window")
    assert window.label == "Alertes signalées sur les derniers" and window.value == "30 days"   # the code stays
    assert window.format_func("30 days") == "30 jours" and window.format_func("everything") == "tout"
    cats = at.sidebar.multiselect(key="f_cat")
    assert cats.label == "Catégorie" and cats.placeholder == "toutes les catégories"
    assert cats.format_func("killing") == "Meurtre"
    assert {c.label for c in at.sidebar.checkbox} == {"Masquer les signalements liés comme doublons",
                                                      "Tri tel que connu alors"}
    assert any(c.value.startswith("Zone\u00a0: partout") for c in at.sidebar.caption)
    at.sidebar.multiselect(key="f_cat").set_value(["killing"]).run()
    assert at.session_state["filters"].categories == ("killing",)
    assert "catégories\u00a0: Meurtre" in _markdown(at)        # the header's line says the filter in French


def test_the_situation_map_in_french_has_the_english_figures(app_store):
    en = _run(app_store, "app_pages/situation_map.py", "en")
    english = _counts(en)
    assert english["alerts"][1] == "alerts" and english["IDP sites"][1] == "IDP sites"
    assert "as of end of 14 Nov 2018 (UTC)" in _markdown(en)
    fr = _run(app_store, "app_pages/situation_map.py", "fr")
    french = _counts(fr)
    assert {k: n for k, (n, _) in french.items()} == {k: n for k, (n, _) in english.items()}
    assert english["alerts"][0] > 100 and english["hotspots"][0] > 0
    assert {k: w for k, (_, w) in french.items()} == {
        "alerts": "alertes", "hotspots": "points chauds", "flagged": "signalés", "IDP sites": "sites de déplacés",
        "bases": "bases", "patrols": "patrouilles"}
    page = _markdown(fr)
    assert "au 14 nov. 2018 en fin de journée (UTC)" in page and "30 derniers jours" in page
    assert "tri d’aujourd’hui" in page
    assert "Fond de carte\u00a0: limites hors ligne" in page and "L’identité des auteurs" in page
    assert "Basemap:" not in page and "as of end of" not in page


def test_a_hotspot_clicked_on_the_french_map_opens_in_french(app_store, monkeypatch):
    """The detail under the map and its button, after a click on a hotspot (the map component's return value,
    as the browser sends it, stands in for the browser)."""
    import app_pages.common as common

    hotspot_id = "H-20181114-1"
    monkeypatch.setattr(common, "folium_component",
                        lambda *a, **k: {"last_object_clicked_tooltip": f"{hotspot_id} · #1 · score"})
    en = _run(app_store, "app_pages/situation_map.py", "en")
    fr = _run(app_store, "app_pages/situation_map.py", "fr")
    fr_page, en_page = _markdown(fr), _markdown(en)
    assert f'data-hotspot="{hotspot_id}"' in fr_page
    assert re.search(r"score \d+,\d", fr_page) and re.search(r"score \d+\.\d", en_page)
    assert [b.label for b in fr.button if b.key == "open_hotspot"] == ["Ouvrir dans Points chauds"]
    assert [b.label for b in en.button if b.key == "open_hotspot"] == ["Open in Hotspots"]
    n_fr = re.search(r"(\d+) alertes, " + hotspot_id, fr_page)
    n_en = re.search(r"(\d+) alerts, " + hotspot_id, en_page)
    assert n_fr and n_en and n_fr.group(1) == n_en.group(1)


def test_the_hotspots_page_in_french_lists_the_same_hotspots(app_store):
    en = _run(app_store, "app_pages/hotspots.py", "en")
    fr = _run(app_store, "app_pages/hotspots.py", "fr")
    assert en.subheader[0].value == "Hotspots" and fr.subheader[0].value == "Points chauds"
    caption = "\n".join(c.value for c in fr.caption)
    assert caption.startswith("Scores calculés au 14 nov. 2018 en fin de journée (UTC)"), caption[:120]
    assert "Signalé = score ≥ 50" in caption and "La colonne Tendance indique lesquels." in caption
    table_en, table_fr = en.dataframe[0].value, fr.dataframe[0].value
    assert list(table_fr.columns[:6]) == ["Rang", "Lieu", "Score", "Tendance", "Signal", "Manquant"]
    assert list(table_en.columns[:6]) == ["Rank", "Place", "Score", "Trend", "Flag", "Missing"]
    assert table_fr["Id"].tolist() == table_en["Id"].tolist()
    assert table_fr["Score"].tolist() == table_en["Score"].tolist()
    assert table_fr["Alertes"].tolist() == table_en["Alerts"].tolist()
    assert table_fr["Tués"].tolist() == table_en["Killed"].tolist()
    trends = dict(zip(table_en["Trend"], table_fr["Tendance"]))
    assert trends.get("rising", "en hausse") == "en hausse"
    assert trends.get("persistent, not rising", "persistant, pas en hausse") == "persistant, pas en hausse"
    assert fr.selectbox(key="hs_select").label == "Point chaud"
    # the notes (the engine's phrases, such as the expected-events note) in French too
    infos = [i.value for i in fr.info]
    assert len(infos) == len(en.info) and not any(i.startswith("Expected serious events") for i in infos), infos
    # the detail: headline, explanation (through views.explanation_in), the alerts behind the score
    page = _markdown(fr)
    assert re.search(r"\d+ alertes, \d+ tués, H-20181114-1", page), page[:400]
    assert "**Alertes derrière le score**" in "\n".join(m.value for m in fr.markdown)
    alerts_fr, alerts_en = fr.dataframe[1].value, en.dataframe[1].value
    assert list(alerts_fr.columns) == ["Signalée", "Catégorie", "Grav.", "Statut", "Canal", "Texte", "Id"]
    assert alerts_fr["Id"].tolist() == alerts_en["Id"].tolist() and len(alerts_fr) == table_en["Alerts"].iloc[0]
    assert set(alerts_fr["Catégorie"]) <= {Translator("fr").term(vocab.CATEGORIES, c) for c in vocab.CATEGORIES}
    charts = fr.get("plotly_chart")
    assert len(charts) == 2
    series, mix = (json.loads(c.proto.spec)["layout"] for c in charts)
    assert series["title"]["text"].startswith("Signalements par semaine\u00a0: ")
    assert series["title"]["text"].endswith(" jours précédents")
    assert mix["title"]["text"] == f"Répartition par catégorie (les {table_en['Alerts'].iloc[0]} signalements notés)"
    assert series["separators"] == ",\u202f"          # plotly writes 1,5 and 1 234 as French does


def test_the_hotspot_explanation_goes_through_explanation_in(app_store):
    """The detail shows what views.explanation_in renders for the analyst's language (English: the column)."""
    from app_pages import common  # noqa: F401
    from ewarning import views
    from ewarning.filters import Filters
    from ewarning.store import open_store

    fr = _run(app_store, "app_pages/hotspots.py", "fr")
    en = _run(app_store, "app_pages/hotspots.py", "en")
    f: Filters = en.session_state["filters"]
    p = views.picture(views.Layers.from_store(open_store(app_store)), f.for_scoring(), "ana")
    h = views.dossier(p, en.selectbox(key="hs_select").value).hotspot
    assert h["explanation"] in _markdown(en)
    assert views.explanation_in(h, Translator("fr")) in _markdown(fr)


def test_the_presence_page_in_french_has_the_english_figures(app_store):
    en = _run(app_store, "app_pages/presence.py", "en")
    fr = _run(app_store, "app_pages/presence.py", "fr")
    assert fr.subheader[0].value == "Présence et couverture"
    assert [m.label for m in fr.metric] == ["Bases à la date de référence", "Bases multidimensionnelles",
                                           "Points chauds sans présence complète", "Assistants de liaison (femmes)"]
    assert [m.value for m in fr.metric] == [m.value for m in en.metric]      # small counts: same digits
    bases_en, bases_fr = en.dataframe[0].value, fr.dataframe[0].value
    assert list(bases_fr.columns) == ["Base", "Type", "Militaire", "Police", "Civil",
                                      "Assistants de liaison communautaire", "ALC femmes", "Multidimensionnelle",
                                      "Depuis"]
    assert bases_fr["Base"].tolist() == bases_en["Base"].tolist()
    assert set(bases_fr["Multidimensionnelle"]) <= {"oui", "NON"}
    assert (bases_fr["Multidimensionnelle"] == "oui").sum() == (bases_en["Multidimensional"] == "yes").sum()
    around_en, around_fr = en.dataframe[1].value, fr.dataframe[1].value
    assert around_fr["Score"].tolist() == around_en["Score"].tolist()
    assert "Dernière patrouille à pied (jours)" in around_fr.columns
    captions = "\n".join(c.value for c in fr.caption)
    assert "Anneaux\u00a0: portée de chaque composante" in captions and "militaire 30 km" in captions
    watch_en, watch_fr = en.dataframe[2].value, fr.dataframe[2].value
    assert list(watch_fr.columns) == ["Rang", "Site", "Population", "Risque", "Manquant", "Alertes à proximité",
                                      "Explication"]
    assert watch_fr["Risque"].tolist() == watch_en["Risk"].tolist()
    assert watch_en["Explanation"].tolist() == [str(e) for e in watch_en["Explanation"]]


def test_the_folium_map_says_its_words_in_french(map_layers_fr):
    from ewarning.render import maps

    layers, hotspots = map_layers_fr
    fr = maps.situation_map(**layers, hotspots=hotspots, reach_km={"military": 30, "police": 10}, heat=True,
                            t=Translator("fr"))
    en = maps.situation_map(**layers, hotspots=hotspots, reach_km={"military": 30, "police": 10}, heat=True)
    fr_html, en_html = fr.get_root().render(), en.get_root().render()
    for words in ("Légende", "Catégorie d’alerte", "Composante présente", "Score du point chaud", "Meurtre",
                  "tirets rouges + drapeau = signalé", "Texte complet sur la page de tri des alertes",
                  "Présence non multidimensionnelle", "Patrouille (", "SIGNALÉ", "Couverture\u00a0: militaire 30 km",
                  "Chaleur (densité d’alertes)"):
        # (folium's layer control writes its names as ASCII JSON: "\u00a0", "\u2019")
        assert words in fr_html or json.dumps(words)[1:-1] in fr_html, words
    for words in ("Legend", "Alert category", "Hotspot score", "Killing", "Full text on the Alerts triage page",
                  "Coverage: military 30 km"):
        assert words in en_html, words
    assert "Alert category" not in fr_html and "Légende" not in en_html
    names = [c.layer_name for c in fr._children.values() if hasattr(c, "layer_name")]
    assert any(n.startswith("Points chauds (") for n in names) and any(n.startswith("Alertes (") for n in names)
    assert any(n.startswith("Sites de déplacés (") for n in names)         # a layer's name starts with a capital
    # the legend's title (its markup travels as JSON in the script: "<" written \u003c)
    assert "summary\\u003eLégende\\u003c/summary" in fr_html and "summary\\u003eLegend\\u003c/summary" in en_html


def test_the_situation_map_strings_are_cached_per_language(app_store):
    """The component strings the page hands over differ by language (the locale is part of the cache key)."""
    import app_pages.common as common
    from ewarning import views

    location, token = common.store_and_token()
    data = common.load_layers(location, token)
    f = common.opening_filters(data.alerts, location)
    sit = views.situation(common.picture(f, common.WARM_UP_USER))
    fixed_en, live_en = common.situation_map_strings(sit, location, token)
    fixed_fr, live_fr = common.situation_map_strings(sit, location, token, Translator("fr"))
    assert "Légende" in fixed_fr["script"] + fixed_fr["html"] and "Legend" in fixed_en["script"] + fixed_en["html"]
    assert "Points chauds" in live_fr["script"] and "Points chauds" not in live_en["script"]
    assert common.situation_map_strings(sit, location, token)[1] is live_en       # cached, not rebuilt


def test_the_shared_words_in_english_are_the_engines(app_store):
    """filters_words / triage_words / as_of_words in English equal the engine's own English (the audit log's)."""
    import shapely

    import app_pages.common as common
    from ewarning.filters import Filters

    end = pd.Timestamp("2018-11-15", tz="UTC")
    box = shapely.box(20.2, 4.5, 21.2, 5.2)
    for f in (Filters(end=end), Filters(end=end, days=None), Filters(end=end, days=7, categories=("killing",),
              channels=("hotline",), verification=("verified",), area=box, hide_duplicates=True,
              triage_as_known=True), Filters(end=pd.Timestamp("2018-11-14T14:30", tz="UTC"))):
        assert common.filters_words(f, Translator("en")) == f.describe()
        assert common.filters_words(f) == f.describe()
    fr = common.filters_words(Filters(end=end, days=7, area=box, hide_duplicates=True), Translator("fr"))
    assert fr.startswith("au 14 nov. 2018 en fin de journée (UTC)\u00a0; 7 derniers jours\u00a0; zone dessinée (")
    assert fr.endswith("km²)\u00a0; doublons masqués")
    assert common.component_labels(["police", "cla"]) == "Police, Liaison assistants"
    assert common.component_labels(["police", "cla"], Translator("fr")) == "Police, Assistants de liaison communautaire"


@pytest.fixture
def map_layers_fr(demo_store):
    """The demo store's layers, hotspots scored as of the demo's day (a flagged one among them)."""
    from ewarning import views
    from ewarning.filters import Filters
    from ewarning.store import open_store

    data = views.Layers.from_store(open_store(demo_store))
    p = views.picture(data, Filters(end=pd.Timestamp("2018-11-15", tz="UTC")), "ana")
    assert p.hotspots["flagged"].any()
    layers = {"alerts": p.window_alerts, "sites": p.known.sites, "presence": p.known.presence,
              "patrols": p.known.patrols}
    return layers, p.hotspots
