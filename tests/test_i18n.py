"""French and English (issue #15, first part): the catalogue is complete for the translated modules, and
the sign-in form and My account page render in the user's language, numbers and dates by locale."""

from __future__ import annotations

import html
import re
import string

import pytest

from ewarning.i18n import LOCALES, TRANSLATED_MODULES, Translator, catalogue_path
from tests.signin import ROOT, signed_in_app

def _marked() -> dict[str, list[str]]:
    from ewarning.i18n.catalogue import marked

    return marked()


def _catalogue():
    from ewarning.i18n.catalogue import read

    return read("fr")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_marked_string_has_a_french_translation_with_the_same_fields():
    marked, catalogue = _marked(), _catalogue()
    assert len(marked) > 40
    missing = [f"{m!r} ({where[0]})" for m, where in marked.items() if not (catalogue.get(m) and catalogue[m].string)]
    assert not missing, "untranslated: " + "; ".join(missing)
    for message in marked:
        assert _fields(catalogue[message].string) == _fields(message), message
    stale = sorted(m.id for m in catalogue if m.id and m.id not in marked)
    assert not stale, f"in the catalogue but no longer in the code: {stale}"


def test_the_translated_modules_show_no_unmarked_english():
    """A literal shown by a widget in these modules goes through t(): no st.xxx("English") left."""
    widget = re.compile(r"st\.(?:subheader|markdown|caption|info|warning|error|success|button|text_input|radio|"
                        r"form_submit_button)\(\s*\"[A-Za-z]")
    for module in TRANSLATED_MODULES:
        text = (ROOT / module).read_text(encoding="utf-8")
        assert not widget.findall(text), module


def test_numbers_dates_and_percentages_follow_the_locale():
    fr, en = Translator("fr"), Translator("en")
    assert fr.number(12345.678, 1) == "12\u202f345,7" and en.number(12345.678, 1) == "12,345.7"
    assert fr.date("2018-11-15") == "15 nov. 2018" and en.date("2018-11-15") == "Nov 15, 2018"
    assert fr.percent(0.6) == "60\u00a0%" and en.percent(0.6) == "60%" and fr.percent(0.6123, 1) == "61,2\u00a0%"
    assert Translator("xx").locale == "en" and set(LOCALES) == {"en", "fr"}


def _form(app_store, language: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    if language:
        at.session_state["ui_locale"] = language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_sign_in_form_in_french_refuses_in_french(app_store):
    at = _form(app_store, "fr")
    assert [b.label for b in at.button] == ["Se connecter"]
    assert {t.label for t in at.text_input} == {"Nom", "Mot de passe"}
    assert "connexion" in at.subheader[0].value and "tentatives échouées en 15 minutes" in at.caption[0].value
    at.text_input(key="signin_name").set_value("ana")
    at.text_input(key="signin_password").set_value("not the password at all")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Connexion refusée\u00a0: nom inconnu ou mot de passe erroné."]
    english = _form(app_store)
    assert [b.label for b in english.button] == ["Sign in"]           # the mission default here: English


def test_the_mission_default_language_is_a_server_setting(app_store, monkeypatch):
    monkeypatch.setenv("EWARNING_LANGUAGE", "fr")
    assert [b.label for b in _form(app_store).button] == ["Se connecter"]


def test_my_language_is_kept_per_account_and_recorded(app_store):
    from ewarning.store import open_store

    at = signed_in_app("ana", script=ROOT / "app_pages" / "account.py")
    at.run()
    assert at.subheader[0].value == "My account"
    at.radio(key="acct_locale").set_value("fr").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == "Mon compte"
    page = html.unescape(" ".join(m.value for m in at.markdown))
    assert "rôle <b>analyste</b>" in page and "poste d’analyse, tri, import, export" in page
    table = at.dataframe[0].value
    assert list(table.columns) == ["Autorisation", "Accordée"] and set(table["Accordée"]) == {"oui", "non"}
    assert [b.label for b in at.button] == ["Changer le mot de passe"]
    store = open_store(app_store)
    log = store.audit_log(action="language")
    assert list(log["detail"]) == ["ana: fr"] and list(log["user"]) == ["ana"]
    other = signed_in_app("lee", script=ROOT / "app_pages" / "account.py")   # another account: its own language
    other.run()
    assert other.subheader[0].value == "My account"


def test_an_unknown_language_is_refused(app_store):
    from ewarning.i18n.preferences import set_locale
    from ewarning.store import open_store

    with pytest.raises(ValueError, match="choose one of en, fr"):
        set_locale(open_store(app_store), "ana", "de", by="ana")


def test_a_signed_in_french_user_sees_the_sidebar_in_french(app_store):
    from ewarning.i18n.preferences import set_locale
    from ewarning.store import open_store

    set_locale(open_store(app_store), "ana", "fr", by="ana")
    at = signed_in_app("ana")
    at.run()
    side = html.unescape(" ".join(m.value for m in at.sidebar.markdown))
    assert "Connecté en tant que <b>ana</b> (analyste)" in side
    assert [b.label for b in at.sidebar.button if b.key == "signout"] == ["Se déconnecter"]
    assert len(at.sidebar.date_input) == 1 and not at.exception      # the desk page's filters, whatever the language



def test_the_navigation_follows_the_users_language(monkeypatch):
    from types import SimpleNamespace

    import app_pages.navigation as navigation
    from app_pages.navigation import is_desk_page, pages_for
    from ewarning.auth import User

    # st.Page outside a running app is a placeholder: record what the navigation asks for instead.
    monkeypatch.setattr(navigation.st, "Page", lambda path, title, icon, url_path, default: SimpleNamespace(
        path=path, title=title, url_path=url_path))

    ana = User("ana", "analyst")
    fr = pages_for(ana, Translator("fr"))
    assert list(fr) == ["Poste d’analyse", "Direction", "Administration"]
    assert [p.title for p in fr["Poste d’analyse"]][:3] == ["Carte de situation", "Points chauds", "Saisie d’alerte"]
    assert is_desk_page(fr["Poste d’analyse"][0], Translator("fr"))
    assert not is_desk_page(fr["Administration"][0], Translator("fr"))
    en = pages_for(ana)
    assert [p.title for p in en["Analyst desk"]][:2] == ["Situation map", "Hotspots"]
    assert [p.url_path for p in en["Analyst desk"]] == [p.url_path for p in fr["Poste d’analyse"]]   # same addresses
    assert [p.path for p in en["Analyst desk"]] == [p.path for p in fr["Poste d’analyse"]]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_users_page_adds_refuses_and_disables_in_the_supervisors_language(app_store, language):
    """The Users page driven as a supervisor would (it had no test before): in each language, the same actions
    and the same audit entries."""
    from ewarning.i18n.preferences import set_locale
    from ewarning.store import open_store

    store = open_store(app_store)
    set_locale(store, "sam", language, by="sam")
    t = Translator(language)
    at = signed_in_app("sam", script=ROOT / "app_pages" / "users.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == t("Users")
    table = at.dataframe[0].value
    assert list(table.columns) == [t("Name"), t("Role"), t("Status"), t("Added (UTC)"), t("Added by")]
    assert "password_hash" not in " ".join(map(str, table.columns)) and set(table[t("Role")]) >= {t("supervisor")}
    new_name = f"newcomer-{language}"
    at.text_input(key="users_name").set_value(new_name)
    at.selectbox(key="users_role").set_value("analyst")
    at.text_input(key="users_password").set_value("a long enough passphrase 42")
    at.text_input(key="users_again").set_value("not the same passphrase 42")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [t("The two passwords differ: nobody added.")]
    assert store.get_user(new_name) is None
    at.text_input(key="users_name").set_value(new_name)
    at.text_input(key="users_password").set_value("a long enough passphrase 42")
    at.text_input(key="users_again").set_value("a long enough passphrase 42")
    at.button[0].click().run()
    assert [s.value for s in at.success] == [t("{name} added ({role}).", name=new_name, role=t("analyst"))]
    assert store.get_user(new_name)["role"] == "analyst"
    at.selectbox(key="users_disable").set_value(new_name)
    at.button[1].click().run()
    assert [s.value for s in at.success] == [t("{name} disabled.", name=new_name)]
    assert store.get_user(new_name)["disabled_at"] is not None
    status = at.dataframe[0].value.set_index(t("Name")).loc[new_name, t("Status")]
    when = store.get_user(new_name)["disabled_at"]
    assert status == t("disabled {date} {time} UTC", date=t.date(when), time=t.time(when))
    log = store.audit_log(user="sam", text=new_name)       # the audit log is in the store's words, one language
    assert list(log["action"]) == ["user disabled", "user added"]


def test_no_message_is_built_inside_a_translation_call():
    """t(f"...") or t("a" + b) can never be in the catalogue: every message is a literal template."""
    from ewarning.i18n.catalogue import unmarkable

    assert not unmarkable()


def test_the_extractor_reads_past_a_variable_named_like_the_keyword(tmp_path, monkeypatch):
    # Babel's token extractor stopped at "ev.t[i]" and silently skipped the rest of ewarning/forecast/hawkes.py
    import ewarning.i18n.catalogue as catalogue

    (tmp_path / "m.py").write_text('x = ev.t[i] + t[0]\ny = N_("after the variable")\nz = t(f"{y}")\n')
    monkeypatch.setattr(catalogue, "ROOT", tmp_path)
    assert list(catalogue.marked(("m.py",))) == ["after the variable"]
    assert catalogue.unmarkable(("m.py",)) == ["m.py:3"]


def test_a_session_ended_by_a_disabled_account_says_why_in_french(app_store):
    import pandas as pd

    from ewarning.auth import User
    from ewarning.auth.accounts import disable_user
    from ewarning.i18n.preferences import set_locale
    from ewarning.store import open_store

    store = open_store(app_store)
    set_locale(store, "ana", "fr", by="ana")
    at = signed_in_app("ana")
    at.run()
    disable_user(store, "ana", by=User("sam", "supervisor"), now=pd.Timestamp.now(tz="UTC"))
    at.run()
    assert [w.value for w in at.warning] == ["Déconnecté\u00a0: le compte de ana a été désactivé\u00a0: adressez-vous à un "
                                             "superviseur."], [w.value for w in at.warning]
    ended = store.audit_log(action="session ended")
    assert list(ended["detail"]) == ["the account of ana was disabled: ask a supervisor"]   # the record: English
