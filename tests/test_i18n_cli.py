"""French and English on the command line (issue #15): ``--language``, ``$EWARNING_LANGUAGE``, the same figures.

Every message of the command line (summaries, progress, refusals, help) is in
the language asked for; what a program reads (the GeoJSON, CSV, JSON written,
the exit codes) is the same in both. The password policy's and the session's
refusals carry their words as phrases, shown in French by the command line and
by the pages.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from ewarning.i18n import Translator
from tests.cli_runner import run_main
from tests.signin import ROOT, password_of, signed_in_app

AS_OF = "2018-11-15"
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture()
def store(demo_store, tmp_path, monkeypatch):
    """A copy of the demo store (with the test accounts), the command line's default language unset."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_store, path)
    monkeypatch.delenv("EWARNING_LANGUAGE", raising=False)
    monkeypatch.setenv("EWARNING_USER", "ana")
    return path


def numbers(text: str, language: str) -> list[float]:
    """Every number in ``text``, read as ``language`` writes it ("4,033" / "4 033", "0.5" / "0,5")."""
    if language == "fr":
        text = re.sub(rf"(?<=\d)[{NNBSP}{NBSP}](?=\d{{3}})", "", text)
        found = re.findall(r"\d+(?:,\d+)?", text)
        return [float(n.replace(",", ".")) for n in found]
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def both(capsys, *args):
    """The command in English and in French: (English result, French result)."""
    return run_main(capsys, "--language", "en", *args), run_main(capsys, "--language", "fr", *args)


def test_status_speaks_french_with_the_same_figures(capsys, store):
    en, fr = both(capsys, "status", "--store", store)
    assert en.returncode == fr.returncode == 0
    assert en.stdout.startswith(f"store: {store}\n  alerts ") and "last imports:" in en.stdout
    assert fr.stdout.startswith(f"base{NBSP}: {store}\n  alertes ") and f"derniers imports{NBSP}:" in fr.stdout
    assert "quarantaine" in fr.stdout and "enregistrées" in fr.stdout and "stored" not in fr.stdout
    assert numbers(en.stdout, "en") == numbers(fr.stdout, "fr")
    alerts = int(re.search(r"alerts\s+([\d,]+)", en.stdout).group(1).replace(",", ""))
    assert alerts >= 1000 and Translator("fr").number(alerts) in fr.stdout    # thousands as French writes them
    assert Translator("fr").number(alerts) == f"{alerts // 1000}{NNBSP}{alerts % 1000:03d}"


def test_hotspots_write_the_same_geojson_and_say_it_in_french(capsys, store, tmp_path):
    out_en, out_fr = tmp_path / "en.geojson", tmp_path / "fr.geojson"
    en = run_main(capsys, "--language", "en", "hotspots", "--store", store, "--as-of", AS_OF, "--top", "3",
                  "--out", out_en)
    fr = run_main(capsys, "--language", "fr", "hotspots", "--store", store, "--as-of", AS_OF, "--top", "3",
                  "--out", out_fr)
    assert en.returncode == fr.returncode == 0
    assert out_en.read_bytes() == out_fr.read_bytes()          # the machine-readable output: one, in English
    doc = json.loads(out_en.read_text(encoding="utf-8"))
    assert len(doc["features"]) == 3 and all(n.startswith("as of end of 14 Nov 2018 (UTC)") for n in doc["notes"])
    assert "3 hotspot(s) over 1 as-of date(s)" in en.stderr and f"wrote {out_en}" in en.stderr
    assert "3 point(s) chaud(s) sur 1 date(s)" in fr.stderr and f"écrit{NBSP}: {out_fr}" in fr.stderr
    assert "à la fin du 14 nov. 2018 (UTC)" in fr.stderr and "hotspot(s)" not in fr.stderr
    assert fr.stderr.startswith(f"base {store}{NBSP}: ") and "alertes" in fr.stderr
    said_en = en.stderr.replace(str(out_en), "")
    said_fr = fr.stderr.replace(str(out_fr), "")
    assert numbers(said_en, "en") == numbers(said_fr, "fr")


def test_mission_show_and_a_refused_box_in_french(capsys, store):
    en, fr = both(capsys, "mission", "show", "--store", store)
    assert en.returncode == fr.returncode == 0
    assert "mission area: longitude " in en.stdout and f"zone de la mission{NBSP}: longitude " in fr.stdout
    assert f"langue des nombres{NBSP}:" in fr.stdout and "number locale" not in fr.stdout
    assert numbers(en.stdout, "en") == numbers(fr.stdout, "en")    # degrees as --bbox takes them, in both
    en, fr = both(capsys, "mission", "set", "--bbox", "1,2,3", "--store", store)
    assert en.returncode == fr.returncode == 2
    assert en.stderr == ("error: --bbox '1,2,3': expected four numbers, got 3; write MINLON,MINLAT,MAXLON,MAXLAT "
                         "in degrees, e.g. 14.4,2.2,27.5,11.2\n")
    assert fr.stderr.startswith(f"erreur{NBSP}: --bbox '1,2,3'{NBSP}: quatre nombres attendus, 3 reçus")


def test_a_refused_password_in_french_from_users_add(capsys, store, monkeypatch):
    said = {}
    for language in ("en", "fr"):
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password_of('sam')}\nshort\n"))
        said[language] = run_main(capsys, "--language", language, "users", "add", "newcomer", "--role", "analyst",
                                  "--as", "sam", "--password-stdin", "--store", store)
    en, fr = said["en"], said["fr"]
    assert en.returncode == fr.returncode == 2
    assert en.stderr == ("error: password refused: it has 5 characters, at least 12 are needed (a phrase of four "
                         "or five words is easy to remember)\n")
    assert fr.stderr == (f"erreur{NBSP}: mot de passe refusé{NBSP}: il a 5 caractères, il en faut au moins 12 "
                         "(une phrase de quatre ou cinq mots se retient facilement)\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password_of('sam')}\na long enough passphrase 42\n"))
    ok = run_main(capsys, "--language", "fr", "users", "add", "newcomer", "--role", "analyst", "--as", "sam",
                  "--password-stdin", "--store", store)
    assert ok.returncode == 0 and ok.stdout == "utilisateur newcomer ajouté (analyste)\n"
    listed = run_main(capsys, "--language", "fr", "users", "list", "--store", store)
    assert re.search(r"newcomer\s+analyste\s+actif\s+ajouté le \d{4}-\d\d-\d\d \d\d:\d\d UTC par sam", listed.stdout)


def test_policy_and_session_refusals_carry_french_words():
    from ewarning.auth import SessionExpired, User, open_session, touch
    from ewarning.auth.accounts import check_name, check_password
    from ewarning.auth.errors import in_language
    from ewarning.auth.sessions import account_disabled

    fr = Translator("fr")
    cases = {"short": "il a 5 caractères", "ana-lopez-long-one": "il contient le nom d’utilisateur",
             "peacekeeping1": "l’un des mots de passe que les attaquants essaient en premier", "x" * 1025: "1024"}
    for password, french in cases.items():
        with pytest.raises(ValueError) as refused:
            check_password(password, "ana-lopez")
        assert str(refused.value).startswith("password refused: ")               # English as it always was
        assert refused.value.in_language() == str(refused.value) == in_language(refused.value, Translator("en"))
        assert in_language(refused.value, fr).startswith(f"mot de passe refusé{NBSP}: ") and french in \
            in_language(refused.value, fr)
    with pytest.raises(ValueError) as refused:
        check_name("Bad Name!")
    assert in_language(refused.value, fr).startswith(f"nom d’utilisateur 'Bad Name!' refusé{NBSP}:")
    t0 = pd.Timestamp("2026-12-02 08:00", tz="UTC")
    session = open_session(User("ana", "analyst"), t0)
    with pytest.raises(SessionExpired) as ended:
        touch(session, t0 + pd.Timedelta(minutes=31))
    assert str(ended.value) == "the session of ana was idle for more than 30 minutes: sign in again"
    assert ended.value.in_language(fr) == f"la session de ana est restée inactive plus de 30 minutes{NBSP}: " \
                                          "reconnectez-vous"
    with pytest.raises(SessionExpired) as ended:
        touch(session, t0 + pd.Timedelta(hours=13))
    assert "12 heures" in ended.value.in_language(fr) and "12-hour limit" in str(ended.value)
    assert str(account_disabled("ana")) == "the account of ana was disabled: ask a supervisor"
    assert in_language(KeyError("plain"), fr) == "plain"                  # an exception without a phrase: as it is


def test_the_users_page_says_a_refused_password_in_french(app_store):
    from ewarning.i18n.preferences import set_locale
    from ewarning.store import open_store

    store = open_store(app_store)
    set_locale(store, "sam", "fr", by="sam")
    at = signed_in_app("sam", script=ROOT / "app_pages" / "users.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="users_name").set_value("newcomer")
    at.selectbox(key="users_role").set_value("analyst")
    at.text_input(key="users_password").set_value("short")
    at.text_input(key="users_again").set_value("short")
    at.button[0].click().run()
    reason = (f"mot de passe refusé{NBSP}: il a 5 caractères, il en faut au moins 12 (une phrase de quatre ou "
              "cinq mots se retient facilement)")
    assert [e.value for e in at.error] == [Translator("fr")("Not added: {reason}", reason=reason)]
    assert at.error[0].value.startswith("Non ajouté")
    assert store.get_user("newcomer") is None


def test_the_mission_language_makes_the_cli_french_without_the_option(capsys, store, monkeypatch):
    monkeypatch.setenv("EWARNING_LANGUAGE", "fr")
    fr = run_main(capsys, "status", "--store", store)
    assert fr.returncode == 0 and fr.stdout.startswith(f"base{NBSP}: ")
    en = run_main(capsys, "--language", "en", "status", "--store", store)     # the option wins
    assert en.stdout.startswith("store: ")
    env = {**os.environ, "EWARNING_LANGUAGE": "fr", "EWARNING_USER": "ana"}
    done = subprocess.run([sys.executable, "-m", "ewarning", "mission", "set", "--locale", "fr", "--margin", "1",
                           "--store", str(store)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"erreur{NBSP}: --margin ne s’applique qu’à --country\n"


def test_help_in_french_and_an_unknown_language_refused(capsys, store):
    fr = run_main(capsys, "--language", "fr", "--help")
    assert fr.returncode == 0 and "Moteur d’alerte précoce" in fr.stdout and "--language {en,fr}" in fr.stdout
    assert "importer des fichiers dans la base" in fr.stdout
    en = run_main(capsys, "--help")
    assert "Early-warning engine for peacekeeping missions (offline)." in en.stdout
    assert "import files into the store" in en.stdout
    sub = run_main(capsys, "--language", "fr", "users", "add", "--help")
    assert "le superviseur qui ajoute l’utilisateur" in sub.stdout
    assert fr.stdout.startswith(f"utilisation{NBSP}: python -m ewarning") and en.stdout.startswith("usage: ")
    missing = run_main(capsys, "--language", "fr", "users", "add")          # argparse's own refusals too
    assert missing.returncode == 2
    assert f"erreur{NBSP}: les arguments suivants sont obligatoires{NBSP}: NAME, --role" in missing.stderr
    import argparse
    assert argparse._("usage: ") == "usage: "                                   # and left as they were
    bad = run_main(capsys, "--language", "de", "status", "--store", store)
    assert bad.returncode == 2 and "--language" in bad.stderr


def test_backtest_prints_the_same_figures_in_both_languages(capsys, store, tmp_path):
    args = ("backtest", "--store", store, "--from", "2018-10-01", "--to", "2018-11-15", "--bootstrap", "20",
            "--curves", "3", "--methods", "engine,grid")
    en = run_main(capsys, "--language", "en", *args, "--out", tmp_path / "en.json")
    fr = run_main(capsys, "--language", "fr", *args, "--out", tmp_path / "fr.json")
    assert en.returncode == fr.returncode == 0
    assert (tmp_path / "en.json").read_bytes() == (tmp_path / "fr.json").read_bytes()
    assert "at an area budget of" in en.stdout and "(baseline)" in en.stdout
    assert "à un budget de surface de" in fr.stdout and "(référence)" in fr.stdout
    assert "rééchantillonnages de blocs de 4 semaines" in fr.stdout
    # the tables keep a decimal point in both languages (as the engine's tables beside them)
    assert numbers(en.stdout, "en") == numbers(fr.stdout, "en")


def test_an_import_says_its_counts_and_reasons_in_french(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("EWARNING_LANGUAGE", raising=False)
    monkeypatch.setenv("EWARNING_USER", "ana")
    bad = tmp_path / "alerts.csv"
    bad.write_text("id,lat,lon,category,occurred_at\nA1,4.79,20.68,killing,2018-11-15\nA2,,,killing,2018-11-15\n",
                   encoding="utf-8")
    en, fr = both(capsys, "validate", bad, "--store", tmp_path / "s.gpkg")
    assert "alerts: 2 read, 1 valid, 1 quarantined" in en.stdout
    assert f"alertes{NBSP}: 2 lu(s), 1 valide(s), 1 en quarantaine" in fr.stdout
    assert numbers(en.stdout.splitlines()[0], "en") == numbers(fr.stdout.splitlines()[0], "fr")
