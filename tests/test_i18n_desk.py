"""The analysts' working pages in French (issue #15): Alerts triage, Alert intake, Data, Audit log,
Engagement & patrols, Handover notes and Replay.

Each page runs in AppTest twice, once in English and once in French (the account's language, set as My
account sets it); the French is asserted on what is rendered (subheaders, captions, buttons, form labels,
table headers) and the FIGURES must be the same in both languages. A triage action taken in French records
exactly what the same action records in English: the store and the audit log keep one language.
"""

from __future__ import annotations

import html
import re
import shutil

import pytest

pytest.importorskip("streamlit")

from ewarning import vocab  # noqa: E402
from ewarning.i18n import Translator  # noqa: E402
from ewarning.i18n.preferences import set_locale  # noqa: E402
from ewarning.store import open_store  # noqa: E402
from tests.signin import ensure_accounts, signed_in_app  # noqa: E402

FR = Translator("fr")
NBSP = "\u00a0"


def _open(name: str, page: str, language: str = "en", query: dict | None = None):
    """``page`` through the dashboard (the sidebar's filters, as an analyst opens it), signed in as ``name``
    whose language is ``language``."""
    import os

    store = ensure_accounts(os.environ["EWARNING_STORE"], (name,))
    set_locale(store, name, language, by=name)
    at = signed_in_app(name, timeout=120)
    at.switch_page(page)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _number(text: str) -> int:
    """A figure as the page shows it, in either language ("1,234" / "1 234")."""
    return int(re.sub(r"\D", "", str(text)))


def _metrics(at) -> list[int]:
    return [_number(m.value) for m in at.metric]


def _markdown(at) -> str:
    return html.unescape(" ".join(m.value for m in at.markdown))


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


# -- Alerts triage ------------------------------------------------------------------------------------------------
def _verify_first(at, note: str) -> str:
    alert_id = at.selectbox(key="triage_select").value
    at.radio(key="triage_action").set_value("verify").run()
    at.text_input(key="triage_note").set_value(note)
    [submit] = [b for b in at.get("button") if getattr(b, "label", "") in ("Verify", "Vérifier")]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return alert_id


def _records(store_path, before: int) -> tuple[list, list]:
    """The triage edits, and the audit entries written after the first ``before`` (the language choice aside)."""
    store = open_store(str(store_path))
    edits = store.read("alert_edits")
    audit = store.read("audit").sort_values("fid").iloc[before:]
    audit = audit[audit["action"] != "language"]
    return (edits[["alert_id", "version", "user", "action", "changes", "note"]].values.tolist(),
            sorted(audit[["user", "action", "detail"]].values.tolist()))


def test_triage_in_french_shows_the_same_queue_and_records_the_same_verification(app_store, tmp_path, monkeypatch):
    french_store = tmp_path / "fr.gpkg"
    shutil.copyfile(app_store, french_store)
    before = len(open_store(str(app_store)).read("audit"))

    en = _open("ana", "app_pages/triage.py", "en")
    assert en.subheader[0].value == "Alerts triage"
    en_columns = list(en.dataframe[0].value.columns)
    en_figures, en_rows = _metrics(en), len(en.dataframe[0].value)
    en_id = _verify_first(en, "confirmed by the liaison assistant")
    assert any(s.value.startswith(f"Verify {en_id}: verification unverified -> verified (version 1, by ana)")
               for s in en.success)

    monkeypatch.setenv("EWARNING_STORE", str(french_store))
    fr = _open("ana", "app_pages/triage.py", "fr")
    assert fr.subheader[0].value == "Tri des alertes"
    assert [m.label for m in fr.metric] == ["Dans la file (non vérifiées, hors doublons)", "Alertes sous les filtres",
                                            "Vérifié", "Écarté"]
    assert _metrics(fr) == en_figures and len(fr.dataframe[0].value) == en_rows     # the same queue, the same counts
    table = fr.dataframe[0].value
    assert list(table.columns) == ["Signalée", "Catégorie", "Grav.", "Canal", "Source/info", "Précision", "Texte",
                                   "Id"] and len(en_columns) == len(table.columns)
    assert set(table["Catégorie"]) <= {FR.term(vocab.CATEGORIES, c) for c in vocab.CATEGORIES}
    assert "Les plus récentes d’abord" in _captions(fr) and "Connecté en tant que ana" in _captions(fr)
    assert fr.selectbox(key="triage_select").label == "Alerte à trier"
    assert fr.radio(key="triage_action").label == "Action"
    assert fr.radio(key="triage_action").options == ["Vérifier", "Écarter", "Lier comme doublon",
                                                     "Corriger la localisation"]
    card = _markdown(fr)
    assert "Gravité" in card and "Victimes" in card and "tué(s)" in card and "version 0, jamais modifiée" in card
    assert "(code de l’Amirauté)" in card
    fr_id = _verify_first(fr, "confirmed by the liaison assistant")
    assert fr_id == en_id                                          # the same alert heads the queue in both
    assert [s.value for s in fr.success] == [
        f"Vérifier {fr_id}{NBSP}: verification unverified -> verified (version 1, par ana)"]
    assert _metrics(fr)[0] == en_figures[0] - 1

    # what is recorded is the store's words: the same in both languages
    en_edits, en_audit = _records(app_store, before)
    fr_edits, fr_audit = _records(french_store, before)
    assert en_edits == fr_edits == [[en_id, 1, "ana", "verify", en_edits[0][4], "confirmed by the liaison assistant"]]
    assert en_audit == fr_audit and any(a[1] == "view" and "alerts triage" in a[2] for a in fr_audit)
    a = open_store(str(french_store)).read("alerts")
    assert a.loc[a["id"] == fr_id, "verification"].item() == "verified"


def test_a_refused_triage_edit_is_said_in_french(app_store):
    from ewarning import triage

    at = _open("ana", "app_pages/triage.py", "fr")
    alert_id = at.selectbox(key="triage_select").value
    store = open_store(str(app_store))
    triage.apply(store, triage.discount(store.read("alerts"), alert_id, based_on=0, user="ben"))
    _verify_first(at, "")
    assert any(re.fullmatch(rf"l’alerte {re.escape(alert_id)} a été modifiée par ben le \S+{NBSP}; rechargez et "
                            "réessayez", e.value) for e in at.error), [e.value for e in at.error]
    assert any("a été modifiée par ben" in w.value for w in at.warning)
    assert at.button(key="triage_reload").label == "Recharger cette alerte"


def test_the_engines_triage_refusals_are_said_in_french():
    import geopandas as gpd
    from shapely.geometry import Point

    from ewarning import triage

    alerts = gpd.GeoDataFrame({"id": ["A1"], "verification": ["verified"]}, geometry=[Point(20.68, 4.79)],
                              crs="EPSG:4326")
    with pytest.raises(triage.TriageError) as refused:
        triage.verify(alerts, "A1", based_on=0, user="ana")
    assert str(refused.value) == "alert A1: nothing to change (verify is already its state)"
    assert refused.value.in_language(Translator("fr")) == ("alerte A1\u00a0: rien à changer (l’état est déjà "
                                                          "«\u00a0vérifier\u00a0»)")
    with pytest.raises(triage.TriageError) as impossible:
        triage.correct_location(alerts, "A1", 95, 20, based_on=0, user="ana")
    assert impossible.value.in_language(Translator("fr")) == "localisation impossible (lat 95.0, lon 20.0)"


# -- Alert intake -----------------------------------------------------------------------------------------------
def test_intake_form_in_french(app_store):
    at = _open("ana", "app_pages/intake.py", "fr")
    assert at.subheader[0].value == "Saisie d’alerte"
    assert "reçue par téléphone" in _captions(at) and "sous votre nom (ana)" in _captions(at)
    labels = {w.label for w in at.text_input} | {w.label for w in at.selectbox} | {w.label for w in at.number_input}
    assert {"Catégorie", "Signalée le (UTC, AAAA-MM-JJ HH:MM)", "Lieu (ville ou village)", "Latitude (degrés décimaux)",
            "Tués", "Blessés", "Canal", "Fiabilité de la source", "Crédibilité de l’information",
            "Informateur (numéro de téléphone ou nom)"} <= labels
    reliability = next(w for w in at.selectbox if w.label == "Fiabilité de la source")
    assert "A: tout à fait fiable" in reliability.options and "F: impossible à évaluer" in reliability.options
    assert at.text_area[0].label == "Ce qui a été signalé"
    before = len(open_store(str(app_store)).read("alerts"))
    [submit] = [b for b in at.get("button") if getattr(b, "label", "") == "Saisir l’alerte"]
    submit.click().run()                                             # nothing typed: refused, nothing stored
    assert not at.exception
    card = _markdown(at)
    assert "Non enregistrée." in card and "Corrigez le formulaire et saisissez-la de nouveau" in card
    assert len(open_store(str(app_store)).read("alerts")) == before


# -- Data ---------------------------------------------------------------------------------------------------------
def test_data_page_in_french_counts_what_the_english_counts(app_store):
    en = _open("ana", "app_pages/data.py", "en")
    fr = _open("ana", "app_pages/data.py", "fr")
    assert fr.subheader[0].value == "Données"
    assert [t.label for t in fr.tabs] == ["Import", "Quarantaine", "Export", "Journaux"]
    assert [t.label for t in en.tabs] == ["Import", "Quarantine", "Export", "Logs"]
    en_numbers = [_number(c.value.split(" ")[0]) for c in en.caption if re.match(r"[\d,]+ (row|alert)", c.value)]
    fr_numbers = [_number(re.match(r"[\d\u202f]+", c.value).group()) for c in fr.caption
                  if re.match(r"[\d\u202f]+ (ligne|alerte)", c.value)]
    assert len(en_numbers) == 2 and fr_numbers == en_numbers          # quarantined rows, alerts to export
    captions = _captions(fr)
    assert "ligne(s) refusée(s) à l’import" in captions and "alerte(s) sous les filtres" in captions
    assert "Les colonnes et les codes du fichier sont ceux du poste" in captions
    labels = [b.proto.label for b in fr.get("download_button")]
    assert "Télécharger les alertes (CSV)" in labels
    assert fr.button(key="data_import").label == "Import"
    assert fr.selectbox(key="data_layer").label == "Couche" and "sites de déplacés" in fr.selectbox(
        key="data_layer").options
    imports = fr.dataframe[-1].value
    assert {"Import", "Début (UTC)", "Utilisateur", "Lues", "Enregistrées", "En quarantaine"} <= set(imports.columns)
    assert len(imports) == len(en.dataframe[-1].value)


def test_an_import_in_french_says_its_counts_in_french_and_stores_the_same(app_store):
    text = ("id,reported_at,lat,lon,category,channel,text\n"
            "FR-1,2018-11-14T08:00:00Z,5.0365,21.2170,killing,hotline,seen near the market\n"
            "FR-2,2018-11-14T09:00:00Z,5.0400,21.2100,looting,can_sms,shops looted\n")
    at = _open("ana", "app_pages/data.py", "fr")
    at.get("file_uploader")[0].set_value([("appels-fr.csv", text.encode(), "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    page = _markdown(at)
    assert "Aperçu" in page and "Colonne trouvée" in page and "Lue comme" in page and "Pourquoi" in page
    boxes = [b for b in at.selectbox if b.key.startswith("data_map_0_")]
    assert [b.value for b in boxes][:4] == ["id", "reported_at", "lat", "lon"]        # the desk's column names
    at.button(key="data_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [done] = [s.value for s in at.success]
    assert "2 lu(s), 2 enregistré(s), 0 en quarantaine" in done, done
    stored = open_store(str(app_store)).read("alerts").set_index("id").loc[["FR-1", "FR-2"]]
    assert stored["category"].tolist() == ["killing", "looting"]                     # codes, whatever the language


def test_the_alerts_export_keeps_its_columns_in_french(app_store):
    """The file exchanged between offices has one schema: the same header whatever the language."""
    from ewarning import filters as flt
    from ewarning import views
    from ewarning.auth import User

    fr = _open("ana", "app_pages/data.py", "fr")
    data = views.Layers.from_store(open_store(str(app_store)))
    f = fr.session_state["filters"]
    english = views.alerts_export(data, f, User("ana", "analyst"))
    assert "category" in english.columns and "Catégorie" not in english.columns
    assert isinstance(f, flt.Filters)


# -- Audit log ----------------------------------------------------------------------------------------------------
def test_audit_log_in_french(app_store):
    en = _open("sam", "app_pages/audit.py", "en")
    fr = _open("sam", "app_pages/audit.py", "fr")
    assert fr.subheader[0].value == "Journal d’audit"
    table = fr.dataframe[0].value
    assert list(table.columns) == ["Date (UTC)", "Utilisateur", "Action", "Détail"]
    assert list(en.dataframe[0].value.columns) == ["At (UTC)", "User", "Action", "Detail"]
    assert {w.label for w in fr.text_input} == {"Utilisateur (nom exact)", "Action (exacte)", "Contient"}
    assert fr.date_input(key="audit_since").label == "Depuis (jour UTC)"
    caption = _captions(fr)
    assert "entrées, les plus récentes d’abord" in caption and "Ajout seul" in caption
    # the French session viewed the log once more than the English one did when it counted
    assert _number(caption.split(" entrées")[0]) >= _number(_captions(en).split(" entries")[0])
    assert [b.proto.label for b in fr.get("download_button")] == ["Télécharger ces entrées (CSV)"]
    fr.text_input(key="audit_action").set_value("user added").run()
    assert set(fr.dataframe[0].value["Action"]) == {"user added"}        # the entries stay in the store's words


# -- Engagement & patrols -----------------------------------------------------------------------------------------
def test_engagement_page_in_french_has_the_english_figures(app_store):
    en = _open("ana", "app_pages/engagement.py", "en")
    fr = _open("ana", "app_pages/engagement.py", "fr")
    assert fr.subheader[0].value == "Engagement et patrouilles"
    assert [m.label for m in fr.metric] == ["Engagements (30 jours)", "Communautés du journal",
                                            "Doublons (fenêtre de 14 jours)", "Silence près d’une tension en hausse",
                                            "Bases sans assistant de liaison"]
    assert _metrics(fr) == _metrics(en) and _metrics(en)[2] >= 1
    tables = [d.value for d in fr.dataframe]
    assert len(tables) == len(en.dataframe)
    silence = tables[0]
    assert list(silence.columns)[:3] == ["Communauté ou site", "Type", "Point chaud en hausse"]
    assert "Alindao Catholic mission site" in set(silence["Communauté ou site"])      # names as written
    assert set(silence["Type"]) <= {"communauté", "site de déplacés"}
    assert [len(t) for t in tables] == [len(d.value) for d in en.dataframe]
    patrols = next(t for t in tables if "Type déclaré" in t.columns)
    assert (patrols["km"] > 0).all() and set(patrols["Composante"]) <= {"Militaire", "Police", "Civil", "Intégrée",
                                                                        "Inconnu", "Inconnue", "Civile", "Intégré"}
    cla = next(t for t in tables if "Part de femmes" in t.columns)
    assert "Alindao company base" in set(cla["Base"])
    assert all(v == "—" or v.endswith(NBSP + "%") for v in cla["Part de femmes"])
    page = _markdown(fr)
    assert "Silence" in page and "Doublons" in page and "Couverture des bases par les assistants de liaison" in page
    assert "points chauds tels que notés alors" in _captions(fr)


# -- Handover notes and Replay ------------------------------------------------------------------------------------
@pytest.fixture()
def training_dir(app_store, tmp_path, monkeypatch):
    folder = tmp_path / "training"
    monkeypatch.setenv("EWARNING_TRAINING_DIR", str(folder))
    return folder


def test_handover_notes_in_french(app_store, training_dir):
    en = _open("tia", "app_pages/handover.py", "en")
    fr = _open("tia", "app_pages/handover.py", "fr")
    assert not fr.error and fr.subheader[0].value == "Notes de passation"
    page = _markdown(fr)
    assert "Notes de passation" in page and "Établies uniquement à partir de ce qui était connu alors" in page
    assert "Points chauds de la zone" in page and "Préoccupations en cours" in page
    assert fr.radio(key="ho_source").label == "Du" and fr.radio(key="ho_source").options[0] == \
        "Bibliothèque de scénarios"
    assert fr.selectbox(key="ho_place").label == "Zone autour de"
    assert fr.selectbox(key="ho_place").value == en.selectbox(key="ho_place").value      # the same place
    assert [len(d.value) for d in fr.dataframe] == [len(d.value) for d in en.dataframe]   # the same rows
    headers = {c for d in fr.dataframe for c in d.value.columns}
    assert {"Lieu", "Score", "Tendance", "Militaire", "Police"} <= headers and "place" not in headers
    trends = {v for d in fr.dataframe if "Tendance" in d.value.columns for v in d.value["Tendance"]}
    assert trends and trends <= {FR("rising"), FR("persistent, not rising")}, trends
    assert any("au 14 nov." in v or "nov." in str(v) for d in fr.dataframe if "Au" in d.value.columns
               for v in d.value["Au"]) or not any("Au" in d.value.columns for d in fr.dataframe)
    assert [b.proto.label for b in fr.get("download_button")] == ["Télécharger les notes de passation (HTML)"]
    concerns = html.unescape(" ".join(m.value for m in fr.markdown if "ew-concerns" in m.value))
    english = html.unescape(" ".join(m.value for m in en.markdown if "ew-concerns" in m.value))
    assert concerns.count("<li>") == english.count("<li>")                          # the same concerns
    assert "unverified report(s)" not in concerns and ("flagged (score" not in concerns)
    if "unverified report(s)" in english:
        assert "signalement(s) non vérifié(s)" in concerns


def test_replay_in_french(app_store, training_dir):
    en = _open("tia", "app_pages/replay.py", "en", {"day": "2018-11-14"})
    fr = _open("tia", "app_pages/replay.py", "fr", {"day": "2018-11-14"})
    assert not fr.error and fr.subheader[0].value == "Relecture"
    assert [fr.button(key=k).label for k in ("rp_prev", "rp_play", "rp_next")] == ["Précédent", "Lecture", "Suivant"]
    assert [en.button(key=k).label for k in ("rp_prev", "rp_play", "rp_next")] == ["Previous", "Play", "Next"]
    raw = html.unescape(" ".join(m.value for m in fr.markdown))
    assert 'data-day="2018-11-14"' in raw
    counts = dict(re.findall(r'data-layer="([^"]+)"><b>([^<]+)</b>', raw))
    en_counts = dict(re.findall(r'data-layer="([^"]+)"><b>([^<]+)</b>', html.unescape(" ".join(
        m.value for m in en.markdown))))
    assert counts and {k: _number(v) for k, v in counts.items()} == {k: _number(v) for k, v in en_counts.items()}
    page = _markdown(fr)
    assert "à la fin du 14 nov. 2018" in page or "au 14 nov. 2018" in page
    assert "alertes" in page and "points chauds" in page and "tri tel que connu alors" in page
    hot = fr.dataframe[0].value
    assert list(hot.columns) == ["#", "Lieu", "Score", "Tendance", "Signal", "Manquant", "Alertes", "Tués"]
    assert hot["Score"].tolist() == en.dataframe[0].value["Score"].tolist()            # the same scores
    assert "Signalements reçus ce jour-là" in page
    assert fr.selectbox(key="rp_speed").options == ["lente, 3 s", "normale, 1,5 s", "rapide, 0,8 s"]
