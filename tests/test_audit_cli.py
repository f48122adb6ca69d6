"""``python -m ewarning audit show|export``: the supervisor's reading of the audit log on the command line.

A store with a supervisor (sam) and an analyst (ana), entries planted with
``store.record`` (now) and two older ones appended through SQLite (an INSERT,
which the append-only triggers allow) so ``--since`` has something to cut.
Expected rows are written out by hand, not recomputed with the store's reader.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import sys
from contextlib import closing

import openpyxl
import pandas as pd
import pytest

from ewarning.auth import audit
from ewarning.auth.accounts import add_user
from ewarning.store import open_store
from tests.cli_runner import run_main

T0 = pd.Timestamp("2026-12-02 08:00", tz="UTC")
SUP_PW = "blue helmets at dawn 2018"
ANA_PW = "the river road floods in june"
FORMULA = '=HYPERLINK("http://evil.example/x","click")'
REFUSED = "ana (analyst) may not view the audit log: it takes the supervisor role"


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "joc.gpkg"
    store = open_store(path)
    with closing(sqlite3.connect(path)) as con, con:   # two old entries (appending is allowed)
        con.executemany('INSERT INTO "audit" (at, user, action, detail) VALUES (?, ?, ?, ?)',
                        [("2026-11-01T09:00:00Z", "lee", "view", "Situation map"),
                         ("2026-11-02T10:30:00Z", "ana", "import", "alerts.csv: 12 stored")])
    sam = add_user(store, "sam", "supervisor", SUP_PW, by=None, now=T0)
    add_user(store, "ana", "analyst", ANA_PW, by=sam, now=T0)
    store.record("export", "alerts: 3 row(s)", user="ana")
    store.record("triage", "A-17 verified", user="ana")
    store.record("view", "Briefing", user="lee")
    store.record("export", FORMULA, user="ana")
    return path


def audit_cli(capsys, monkeypatch, store_path, *args, who="sam", password=SUP_PW):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return run_main(capsys, "audit", *args, "--as", who, "--password-stdin", "--store", store_path)


def table(stdout: str) -> list[tuple[str, str, str, str]]:
    """The rows of ``audit show``'s table: (time, user, action, detail)."""
    lines = stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("----"))
    rows = []
    for line in lines[rule + 1:]:
        if not line.strip():
            break
        parts = re.split(r"\s{2,}", line.rstrip(), maxsplit=3)
        rows.append(tuple(parts + [""] * (4 - len(parts))))
    return rows


def details(rows) -> list[str]:
    return [r[3] for r in rows]


# -- show ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("filters, expected", [
    (("--user", "ana"), [("ana", "export", FORMULA), ("ana", "triage", "A-17 verified"),
                         ("ana", "export", "alerts: 3 row(s)"), ("ana", "import", "alerts.csv: 12 stored")]),
    (("--action", "export"), [("ana", "export", FORMULA), ("ana", "export", "alerts: 3 row(s)")]),
    (("--text", "SITUATION"), [("lee", "view", "Situation map")]),
    (("--since", "2026-11-02T10:00", "--user", "ana", "--action", "import"),
     [("ana", "import", "alerts.csv: 12 stored")]),
    (("--since", "2026-11-15", "--user", "lee"), [("lee", "view", "Briefing")]),
    (("--user", "ana", "--limit", "2"), [("ana", "export", FORMULA), ("ana", "triage", "A-17 verified")]),
    (("--user", "nobody"), []),
])
def test_show_each_filter_gives_exactly_the_matching_rows_newest_first(store_path, capsys, monkeypatch, filters,
                                                                        expected):
    r = audit_cli(capsys, monkeypatch, store_path, "show", *filters)
    assert r.returncode == 0, r.stderr
    if not expected:
        assert "no audit entries match" in r.stdout
        return
    rows = table(r.stdout)
    assert [row[1:] for row in rows] == expected
    assert "time (UTC)" in r.stdout.splitlines()[0]
    times = [pd.Timestamp(row[0], tz="UTC") for row in rows]
    assert times == sorted(times, reverse=True)


def test_show_everything_includes_the_sign_in_and_since_cuts_the_old_entries(store_path, capsys, monkeypatch):
    rows = table(audit_cli(capsys, monkeypatch, store_path, "show", "--limit", "100").stdout)
    assert rows[0][1:3] == ("sam", "sign-in")            # this command's own sign-in, newest
    assert "Situation map" in details(rows) and "alerts.csv: 12 stored" in details(rows)
    rows = table(audit_cli(capsys, monkeypatch, store_path, "show", "--since", "2026-11-15").stdout)
    assert "Situation map" not in details(rows) and "alerts.csv: 12 stored" not in details(rows)
    assert {"Briefing", "A-17 verified", FORMULA} <= set(details(rows))
    viewed = open_store(store_path).audit_log(action=audit.VIEWED)
    assert len(viewed) == 2 and set(viewed["user"]) == {"sam"}


def test_show_limit_says_how_many_more(store_path, capsys, monkeypatch):
    r = audit_cli(capsys, monkeypatch, store_path, "show", "--user", "ana", "--limit", "1")
    assert len(table(r.stdout)) == 1 and "1 of 4 entries" in r.stdout


def test_bad_since_and_bad_limit_are_refused(store_path, capsys, monkeypatch):
    r = audit_cli(capsys, monkeypatch, store_path, "show", "--since", "last tuesday")
    assert r.returncode == 2 and "--since" in r.stderr
    r = audit_cli(capsys, monkeypatch, store_path, "show", "--limit", "0")
    assert r.returncode == 2


# -- export ----------------------------------------------------------------------------------------------------------
def read_back(path, fmt) -> list[tuple[str, str, str, str]]:
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as fh:
            records = list(csv.DictReader(fh))
    else:
        sheet = openpyxl.load_workbook(path).active
        head, *body = list(sheet.values)
        records = [dict(zip(head, row)) for row in body]
    return [(r["time_utc"], r["user"], r["action"], r["detail"]) for r in records]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reads_back_equal_to_show_with_formulas_neutralised(store_path, tmp_path, capsys, monkeypatch, fmt):
    filters = ("--user", "ana")
    shown = table(audit_cli(capsys, monkeypatch, store_path, "show", *filters).stdout)
    out = tmp_path / f"audit.{fmt}"
    r = audit_cli(capsys, monkeypatch, store_path, "export", "--out", out, "--format", fmt, *filters)
    assert r.returncode == 0, r.stderr
    assert "4 audit entries written" in r.stdout
    exported = read_back(out, fmt)
    assert [pd.Timestamp(e[0]) for e in exported] == [pd.Timestamp(s[0], tz="UTC") for s in shown]
    expected = [s[1:] if s[3] != FORMULA else (s[1], s[2], "'" + FORMULA) for s in shown]
    assert [e[1:] for e in exported] == expected
    if fmt == "xlsx":   # the cell is text, not a formula Excel would run
        cells = [c for row in openpyxl.load_workbook(out).active.iter_rows() for c in row]
        assert not any(c.data_type == "f" for c in cells)
    else:
        assert not any(line.startswith(("=", '"=')) or ",=" in line or ',"=' in line
                       for line in out.read_text(encoding="utf-8").splitlines())


def test_the_format_follows_the_file_name_and_an_empty_export_has_the_header(store_path, tmp_path, capsys,
                                                                            monkeypatch):
    out = tmp_path / "log.xlsx"
    assert audit_cli(capsys, monkeypatch, store_path, "export", "--out", out, "--user", "lee").returncode == 0
    assert [e[3] for e in read_back(out, "xlsx")] == ["Briefing", "Situation map"]
    out = tmp_path / "none.csv"
    assert audit_cli(capsys, monkeypatch, store_path, "export", "--out", out, "--user", "nobody").returncode == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["time_utc,user,action,detail"]


def test_the_export_is_recorded_with_rows_and_filters_never_the_password_or_the_words(store_path, tmp_path, capsys,
                                                                                     monkeypatch):
    out = tmp_path / "audit.csv"
    r = audit_cli(capsys, monkeypatch, store_path, "export", "--out", out, "--user", "ana", "--text", "verified",
                  "--since", "2026-11-15")
    assert r.returncode == 0, r.stderr
    log = open_store(store_path).audit_log(user="sam")
    assert list(log["action"])[:3] == ["export", audit.VIEWED, "sign-in"]
    detail = json.loads(log["detail"].iloc[0])
    assert detail["layer"] == "audit log" and detail["format"] == "csv" and detail["rows"] == 1
    assert detail["out"] == str(out)
    assert detail["filters"] == {"since": "2026-11-15T00:00:00Z", "user": "ana", "text search": True}
    everything = " ".join(open_store(store_path).audit_log()["detail"])
    assert "verified" not in everything.replace("A-17 verified", "")   # the words searched for are not kept
    assert SUP_PW not in everything and SUP_PW not in r.stdout + r.stderr
    with closing(sqlite3.connect(store_path)) as con:
        assert not any(SUP_PW in str(v) for row in con.execute('SELECT * FROM "audit"') for v in row)


# -- refusals ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", [("show",), ("export", "--out", "{tmp}/a.csv")])
def test_an_analyst_is_refused_and_the_refusal_is_audited(store_path, tmp_path, capsys, monkeypatch, action):
    action = tuple(a.format(tmp=tmp_path) for a in action)
    r = audit_cli(capsys, monkeypatch, store_path, *action, who="ana", password=ANA_PW)
    assert r.returncode == 2 and REFUSED in r.stderr and r.stdout == ""
    assert not (tmp_path / "a.csv").exists()
    store = open_store(store_path)
    refused = store.audit_log(action=audit.REFUSED)
    assert list(refused["user"]) == ["ana"] and REFUSED in refused["detail"].iloc[0]
    assert store.audit_log(action=audit.VIEWED).empty
    assert list(store.audit_log(user="ana")["action"])[:2] == [audit.REFUSED, "sign-in"]


def test_a_wrong_password_is_refused_like_an_unknown_name_and_shows_nothing(store_path, tmp_path, capsys,
                                                                           monkeypatch):
    wrong = audit_cli(capsys, monkeypatch, store_path, "show", password="not the password at all")
    unknown = audit_cli(capsys, monkeypatch, store_path, "show", who="nosuchuser")
    out = tmp_path / "a.csv"
    export = audit_cli(capsys, monkeypatch, store_path, "export", "--out", out, password=ANA_PW)
    for r in (wrong, unknown, export):
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr == "error: sign-in refused: unknown name or wrong password\n"
    assert not out.exists()
    store = open_store(store_path)
    assert store.audit_log(action=audit.VIEWED).empty
    assert list(store.audit_log(user="sam", action="sign-in refused")["detail"]) == ["wrong password"] * 2


def test_the_log_cannot_be_changed_or_deleted_through_sqlite_or_the_command_line(store_path, capsys, monkeypatch):
    before = open_store(store_path).audit_log()
    with closing(sqlite3.connect(store_path)) as con:
        for sql in ('DELETE FROM "audit"', "DELETE FROM \"audit\" WHERE user = 'ana'",
                    "UPDATE \"audit\" SET detail = 'nothing to see'", "UPDATE \"audit\" SET user = 'sam'"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(sql)
    pd.testing.assert_frame_equal(open_store(store_path).audit_log(), before)
    for verb in ("delete", "clear", "edit"):
        assert audit_cli(capsys, monkeypatch, store_path, verb).returncode == 2
    assert len(open_store(store_path).audit_log()) == len(before)


def test_sign_in_through_the_command_is_throttled(store_path, capsys, monkeypatch):
    for _ in range(5):
        assert audit_cli(capsys, monkeypatch, store_path, "show", password="not the password at all").returncode == 2
    r = audit_cli(capsys, monkeypatch, store_path, "show")          # the right password, refused all the same
    assert r.returncode == 2 and "too many failed attempts" in r.stderr and r.stdout == ""
    assert not open_store(store_path).audit_log(user="sam", action="sign-in throttled").empty


def test_the_plain_export_command_refuses_the_audit_log(capsys, tmp_path):
    """`export --layer audit` would hand the audit log to anyone who can run the command: refused, pointing to
    the supervisor's `audit export`; nothing is written."""
    store_path = tmp_path / "s.gpkg"
    from ewarning.store import open_store
    open_store(str(store_path)).record("view", "situation map", user="ana")
    out = tmp_path / "audit.csv"
    r = run_main(capsys, "export", "--store", store_path, "--layer", "audit", "--format", "csv", "--out", out)
    assert r.returncode == 2 and "audit export --as SUPERVISOR" in r.stderr and not out.exists()
