"""Rotating the pseudonymisation secret: ``python -m ewarning secret rotate`` keeps the links between reports."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pandas as pd
import pytest

from ewarning import triage
from ewarning.importing import import_files
from ewarning.rotation import RotationRefused, rotate_keys, rotated_key
from ewarning.security import is_key, load_secret, pseudonymise
from ewarning.store import open_store
from tests.cli_runner import run_main

OLD_HEX = "11" * 32
PHONE_A, PHONE_B = "+236 70 00 11 11", "+236 70 00 22 22"
# A long report text before the reporter column: the quarantined row's raw JSON spans overflow pages, and its key
# (at the end) lies in one of them; the byte search below must find no old key there either.
LONG = "lorem ipsum " * 800
ALERTS_CSV = (
    "id,reported_at,occurred_at,lat,lon,category,severity,killed,injured,channel,verification,reliability,"
    "credibility,location_precision,text,reporter\n"
    f"A1,2018-11-10T09:00Z,2018-11-10T07:00Z,4.79,20.68,killing,,3,1,hotline,unverified,B,2,exact,one,{PHONE_A}\n"
    f"A2,2018-11-14T10:00Z,2018-11-14T07:30Z,5.30,21.10,looting,,0,0,hotline,unverified,C,3,exact,two,{PHONE_A}\n"
    f"A3,2018-11-12T10:00Z,2018-11-12T08:00Z,4.50,20.10,arson,,0,0,hotline,unverified,C,3,exact,three,{PHONE_B}\n"
    # refused (latitude out of range): its raw values, reporter key included, go to the quarantine
    f"A4,2018-11-13T10:00Z,2018-11-13T08:00Z,999,20.10,arson,,0,0,hotline,unverified,C,3,exact,four {LONG},{PHONE_A}\n"
)


def key_of(phone: str, secret: bytes) -> str:
    return pseudonymise(pd.Series([phone]), secret)[0]


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """A store with A1, A2 (one reporter), A3 (another), A4 quarantined (the first reporter), a triage edit."""
    monkeypatch.delenv("EWARNING_SECRET", raising=False)
    monkeypatch.setenv("EWARNING_USER", "admin.rotator")
    secret_path = tmp_path / "keys" / "pseudonym.key"
    secret_path.parent.mkdir()
    secret_path.write_text(OLD_HEX)
    secret_path.chmod(0o600)
    csv = tmp_path / "alerts.csv"
    csv.write_text(ALERTS_CSV, encoding="utf-8")
    store_path = tmp_path / "s.gpkg"
    store = open_store(store_path)
    [report] = import_files(store, [csv], user="analyst", secret=bytes.fromhex(OLD_HEX))
    assert report.n_stored == 3 and report.n_quarantined == 1
    old_a, old_b = key_of(PHONE_A, bytes.fromhex(OLD_HEX)), key_of(PHONE_B, bytes.fromhex(OLD_HEX))
    triage.apply(store, triage.verify(store.read("alerts"), "A3", 0, user="analyst", note="called back"))
    return store, store_path, secret_path, old_a, old_b


def keys_by_id(store) -> dict[str, str]:
    alerts = store.read("alerts")
    return dict(zip(alerts["id"], alerts["reporter_key"]))


def everything(store_path: Path) -> str:
    """Every value of every table of the store file, as text."""
    with sqlite3.connect(store_path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for t in tables for row in con.execute(f'SELECT * FROM "{t}"'))


def test_rotation_keeps_links_and_leaves_no_old_key(setup):
    store, store_path, secret_path, old_a, old_b = setup
    before = keys_by_id(store)
    assert before["A1"] == before["A2"] == old_a and before["A3"] == old_b
    assert old_a.encode() in store_path.read_bytes()  # the search below can find a key

    done = run_main_rotate(store_path, secret_path)
    assert done.returncode == 0, done.stderr
    assert "2 reporter key(s) re-keyed" in done.stdout
    assert "different key" in done.stdout and "destroy it" in done.stdout  # the limit and the retired secret

    after = keys_by_id(store)
    assert after["A1"] == after["A2"] and after["A1"] != after["A3"]
    assert all(is_key(k) for k in after.values())
    new_secret = bytes.fromhex(secret_path.read_text())
    assert new_secret != bytes.fromhex(OLD_HEX)
    assert after["A1"] == rotated_key(old_a, new_secret) and after["A3"] == rotated_key(old_b, new_secret)

    # no old key anywhere: not in any table, not in the file's bytes (freed space zeroed)
    text, raw = everything(store_path), store_path.read_bytes()
    for old in (old_a, old_b):
        assert old not in text
        assert old.encode() not in raw
    # the quarantine's raw values hold the rotated key of the first reporter
    [quarantined] = store.read("quarantine")["raw"]
    assert json.loads(quarantined)["reporter"] == after["A1"]
    # the audit log has the rotation and who did it
    audit = store.read("audit")
    [entry] = audit[audit["action"] == "secret:rotate"].to_dict("records")
    assert entry["user"] == "admin.rotator" and "2 reporter key(s)" in entry["detail"]

    # the new secret file: 0600, in place; the old one retired (0600), still holding the old secret
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    [retired] = list(secret_path.parent.glob("pseudonym.key.retired-*"))
    assert retired.read_text() == OLD_HEX and stat.S_IMODE(retired.stat().st_mode) == 0o600
    assert sorted(p.name for p in secret_path.parent.iterdir()) == sorted([secret_path.name, retired.name])


def test_a_key_quoted_in_a_triage_note(setup):
    """Rotated in the triage edits; the append-only audit log keeps its copy, and the command says so."""
    store, store_path, secret_path, old_a, _ = setup
    edit = triage.verify(store.read("alerts"), "A1", 0, user="analyst", note=f"same source as {old_a}?")
    triage.apply(store, edit)
    done = run_main_rotate(store_path, secret_path)
    assert done.returncode == 0, done.stderr
    new_a = keys_by_id(store)["A1"]
    edits = store.read("alert_edits")
    assert edits.loc[edits["alert_id"] == "A1", "note"].tolist() == [f"same source as {new_a}?"]
    assert "1 audit log entr(ies) quote an old key" in done.stdout
    audit = store.read("audit")
    assert audit["detail"].str.contains(old_a, regex=False).sum() == 1  # the triage entry, never rewritten
    assert old_a not in everything(store_path).replace(
        audit.loc[audit["detail"].str.contains(old_a, regex=False), "detail"].iloc[0], "")


def test_imports_after_rotation_use_the_new_secret(setup, tmp_path):
    store, store_path, secret_path, old_a, _ = setup
    assert run_main_rotate(store_path, secret_path).returncode == 0
    rotated_a = keys_by_id(store)["A1"]
    again = tmp_path / "later.csv"
    again.write_text(ALERTS_CSV.replace("A1,", "B1,").replace("A2,", "B2,").replace("A3,", "B3,")
                     .replace("A4,", "B4,"), encoding="utf-8")
    import_files(store, [again], user="analyst", secret=load_secret(secret_path))
    keys = keys_by_id(store)
    assert keys["B1"] == keys["B2"] == key_of(PHONE_A, bytes.fromhex(secret_path.read_text()))
    # the documented limit: the same reporter after the rotation is not linked to their rotated key
    assert keys["B1"] != rotated_a and keys["B1"] != old_a


def test_a_second_rotation_works(setup):
    store, store_path, secret_path, old_a, _ = setup
    assert run_main_rotate(store_path, secret_path).returncode == 0
    first_secret, first = bytes.fromhex(secret_path.read_text()), keys_by_id(store)
    done = run_main_rotate(store_path, secret_path)
    assert done.returncode == 0, done.stderr
    second = keys_by_id(store)
    assert second["A1"] == second["A2"] != second["A3"]
    assert second["A1"] == rotated_key(first["A1"], bytes.fromhex(secret_path.read_text()))
    assert bytes.fromhex(secret_path.read_text()) != first_secret
    assert len(list(secret_path.parent.glob("pseudonym.key.retired-*"))) == 2
    assert first["A1"].encode() not in store_path.read_bytes() and old_a.encode() not in store_path.read_bytes()
    assert (store.read("audit")["action"] == "secret:rotate").sum() == 2


def test_a_failure_midway_changes_nothing(setup):
    store, store_path, secret_path, old_a, _ = setup
    # the store write fails after the alerts were re-keyed: the quarantine cannot be updated
    with sqlite3.connect(store_path) as con:
        con.execute("CREATE TRIGGER fail_rekey BEFORE UPDATE ON quarantine BEGIN "
                    "SELECT RAISE(ABORT, 'disk full (simulated)'); END")
    con.close()
    tables_before, keys_before = everything(store_path), keys_by_id(store)
    files_before = {p.name: p.read_bytes() for p in secret_path.parent.iterdir()}
    done = run_main_rotate(store_path, secret_path)
    assert done.returncode == 2 and "nothing changed" in done.stderr
    assert everything(store_path) == tables_before and keys_by_id(store) == keys_before == {
        "A1": old_a, "A2": old_a, "A3": keys_before["A3"]}
    assert {p.name: p.read_bytes() for p in secret_path.parent.iterdir()} == files_before  # no temp, no retired


def test_refusals_change_nothing(setup, monkeypatch):
    store, store_path, secret_path, old_a, _ = setup
    snapshot = everything(store_path)
    done = run_main_rotate(store_path, secret_path, yes=False)
    assert done.returncode == 2 and "--yes" in done.stderr and "re-key every reporter key" in done.stderr
    monkeypatch.setenv("EWARNING_SECRET", OLD_HEX)
    done = run_main_rotate(store_path, secret_path)
    assert done.returncode == 2 and "EWARNING_SECRET is set" in done.stderr
    monkeypatch.delenv("EWARNING_SECRET")
    done = run_main_rotate(store_path, secret_path.with_name("missing.key"))
    assert done.returncode == 2 and "no secret file" in done.stderr
    assert everything(store_path) == snapshot and secret_path.read_text() == OLD_HEX
    assert [p.name for p in secret_path.parent.iterdir()] == [secret_path.name]


def test_engine_refuses_the_same_secret_and_needs_a_user(setup):
    store, _, _, _, _ = setup
    with pytest.raises(RotationRefused):
        rotate_keys(store, b"same", b"same", user="admin")
    with pytest.raises(ValueError):
        rotate_keys(store, b"old", b"new", user="")


# -- running the command ----------------------------------------------------------------------------------
_CAPSYS = {}


@pytest.fixture(autouse=True)
def _capsys(capsys):
    _CAPSYS["c"] = capsys
    yield
    _CAPSYS.clear()


def run_main_rotate(store_path, secret_path, yes: bool = True):
    args = ["secret", "rotate", "--store", store_path, "--secret-file", secret_path] + (["--yes"] if yes else [])
    return run_main(_CAPSYS["c"], *args)
