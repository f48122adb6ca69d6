"""Sign-in, roles, sessions and the audit log (issue #17, the engine slice).

Roles: a table-driven check of the whole permission matrix against the
rights each role is meant to have, then the refusals that matter most
(leadership reads no free text, an analyst no audit log, a trainee does not
replay past the decision point, nobody sees reporter keys). Accounts: the
stored hash is argon2id and the password is nowhere in the store file; the
policy refuses with reasons; one message for an unknown name and a wrong
password; five failures throttle the name for 15 minutes, the right password
too, across a reopened store. Sessions: idle and absolute expiry with explicit
times. The audit log: every sign-in, refusal, throttle and account change is
in it and no password ever is; it cannot be changed or deleted; only a
supervisor reads it and the reading is recorded. The ``users`` command: the
first user must be a supervisor, then only a supervisor adds users.
"""

from __future__ import annotations

import io
import sqlite3
import sys
from contextlib import closing

import pandas as pd
import pytest

from ewarning.auth import accounts, audit, roles, sessions
from ewarning.auth.accounts import User, add_user, authenticate, change_password, disable_user
from ewarning.auth.errors import PasswordRefused, PermissionDenied, SessionExpired, SignInRefused
from ewarning.store import TABLES, StoreError, open_store
from ewarning.store.geopackage import GeoPackageStore
from tests.cli_runner import run_main

T0 = pd.Timestamp("2026-12-02 08:00", tz="UTC")
SUP_PW = "blue helmets at dawn 2018"
ANA_PW = "the river road floods in june"
LEE_PW = "quiet briefings every monday"
PASSWORDS = (SUP_PW, ANA_PW, LEE_PW)

#: What each role is meant to be able to do (issue #17), written out independently of ewarning.auth.roles.
ANALYST = {"view_desk", "triage", "import", "export", "export_free_text", "view_free_text",
           "view_exact_locations", "view_briefing"}
EXPECTED = {
    "analyst": ANALYST,
    "supervisor": ANALYST | {"view_audit", "manage_users", "mission_settings"},
    "leadership": {"view_briefing"},
    "trainer": {"replay", "replay_past_decision_point", "exercises", "view_exact_locations"},
    "trainee": {"replay", "view_exact_locations"},
}
NAMED = ["view_desk", "triage", "import", "export", "export_free_text", "view_audit", "manage_users",
         "mission_settings", "view_briefing", "replay", "replay_past_decision_point", "view_free_text",
         "view_reporter_keys"]


def minutes(n: float) -> pd.Timedelta:
    return pd.Timedelta(minutes=n)


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "joc.gpkg"


@pytest.fixture
def store(store_path):
    """A store with a supervisor (sam), an analyst (ana) and a leadership user (lee)."""
    s = open_store(store_path)
    sam = add_user(s, "sam", "supervisor", SUP_PW, by=None, now=T0)
    add_user(s, "ana", "analyst", ANA_PW, by=sam, now=T0)
    add_user(s, "lee", "leadership", LEE_PW, by=sam, now=T0)
    return s


def _every_cell(path) -> str:
    with closing(sqlite3.connect(path)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(str(v) for n in names for row in con.execute(f'SELECT * FROM "{n}"') for v in row)


def _no_password_anywhere(path, *passwords):
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    cells = _every_cell(path)
    for pw in passwords:
        assert pw.encode() not in data and pw not in cells, pw


# -- roles -------------------------------------------------------------------------------------------------
def test_every_named_permission_exists():
    assert set(NAMED) <= set(roles.PERMISSIONS)
    assert set(roles.ROLES) == set(EXPECTED)


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("permission", sorted(roles.PERMISSIONS))
def test_permission_matrix(role, permission):
    expected = permission in EXPECTED[role]
    user = User("someone", role)
    assert roles.allows(role, permission) is expected
    assert user.can(permission) is expected
    if expected:
        assert roles.require(user, permission) is user
    else:
        with pytest.raises(PermissionDenied) as exc:
            roles.require(user, permission, "do the thing")
        message = str(exc.value)
        assert message.startswith(f"someone ({role}) may not do the thing: ")
        holders = [r for r in roles.ROLES if permission in EXPECTED[r]]
        assert exc.value.allowed_roles == tuple(holders)
        assert all(r in message for r in holders) and (holders or "no role allows it" in message)


def test_the_refusals_that_protect_sources():
    assert not User("lee", "leadership").can("view_free_text")
    assert not User("lee", "leadership").can("export_free_text")
    assert not User("lee", "leadership").can("view_exact_locations")
    with pytest.raises(PermissionDenied, match=r"^ana \(analyst\) may not view the audit log: it takes the "
                                               r"supervisor role$"):
        roles.require(User("ana", "analyst"), "view_audit", "view the audit log")
    with pytest.raises(PermissionDenied, match="it takes the trainer role"):
        roles.require(User("tim", "trainee"), "replay_past_decision_point", "see what happened next")
    assert roles.roles_with("view_reporter_keys") == ()
    for role in roles.ROLES:
        with pytest.raises(PermissionDenied, match="no role allows it"):
            roles.require(User("x", role), "view_reporter_keys")
    assert roles.permissions_of("analyst") < roles.permissions_of("supervisor")
    assert roles.redaction_for("leadership") == roles.Redaction(False, False, False)
    assert roles.redaction_for("analyst") == roles.Redaction(True, False, True)


def test_nobody_signed_in_and_disabled_accounts_are_refused():
    with pytest.raises(PermissionDenied, match="nobody is signed in"):
        roles.require(None, "view_desk")
    with pytest.raises(PermissionDenied, match="disabled"):
        roles.require(User("sam", "supervisor", active=False), "view_desk")
    with pytest.raises(KeyError, match="unknown permission"):
        roles.require(User("sam", "supervisor"), "view_everything")
    with pytest.raises(ValueError, match="unknown role"):
        roles.check_role("admin")
    assert issubclass(PermissionDenied, StoreError)


# -- passwords and accounts -------------------------------------------------------------------------------
def test_hash_is_argon2id_and_the_password_is_nowhere_in_the_store(store, store_path):
    row = store.get_user("ana")
    assert row["password_hash"].startswith("$argon2id$v=19$")
    params = dict(p.split("=") for p in row["password_hash"].split("$")[3].split(","))
    assert int(params["m"]) >= 65536 and int(params["t"]) >= 3  # argon2-cffi's defaults or stronger
    assert accounts.verify_password(row["password_hash"], ANA_PW)
    assert not accounts.verify_password(row["password_hash"], ANA_PW + "x")
    assert not accounts.verify_password("not a hash", ANA_PW)
    assert accounts.hash_password(ANA_PW) != row["password_hash"]  # salted
    _no_password_anywhere(store_path, *PASSWORDS)
    users = store.list_users()
    assert list(users["name"]) == ["ana", "lee", "sam"] and "password_hash" not in users.columns


def test_account_tables_never_leave_through_reads_exports_or_a_store_read_back(store, store_path, tmp_path):
    from ewarning.importing import import_files

    assert "users" not in TABLES and "sign_in_failures" not in TABLES
    with pytest.raises(KeyError):
        store.read("users")
    store.record("x", "y", user="sam")
    other = open_store(tmp_path / "other.gpkg")
    import_files(other, [store_path], user="ben", secret=b"k")  # a store file given as an input
    hashes = [store.get_user(n)["password_hash"] for n in ("sam", "ana", "lee")]
    cells = _every_cell(tmp_path / "other.gpkg")
    assert not any(h in cells or h.split("$")[-1] in cells for h in hashes)
    assert other.get_user("sam") is None


@pytest.mark.parametrize("password, name, reason", [
    ("short pass", "ana", "at least 12"),
    ("ana.lopez.ana", "ana.lopez", "user name"),
    ("my name is ana lopez", "ana.lopez", None),  # fine: it does not contain 'ana.lopez'
    ("xxanalopezxx", "analopez", "user name"),
    ("Password1234", "ana", "attackers try first"),
    ("peace keeping", "ana", "attackers try first"),
    ("aaaaaaaaaaaaaaaa", "ana", "attackers try first"),
    ("correct horse battery staple", "ana", None),
])
def test_password_policy(password, name, reason):
    if reason is None:
        accounts.check_password(password, name)
    else:
        with pytest.raises(PasswordRefused, match=reason):
            accounts.check_password(password, name)


def test_a_refused_password_adds_no_account(store):
    sam = User("sam", "supervisor")
    with pytest.raises(PasswordRefused, match="at least 12"):
        add_user(store, "ben", "analyst", "tooshort", by=sam, now=T0)
    with pytest.raises(ValueError, match="user name"):
        add_user(store, "Ben Smith!", "analyst", ANA_PW, by=sam, now=T0)
    with pytest.raises(StoreError, match="already exists"):
        add_user(store, "ANA", "analyst", "a fresh long password", by=sam, now=T0)
    with pytest.raises(PermissionDenied, match="ana \\(analyst\\) may not add users: it takes the supervisor"):
        add_user(store, "ben", "analyst", "a fresh long password", by=User("ana", "analyst"), now=T0)
    assert store.get_user("ben") is None


def test_first_user_must_be_a_supervisor_and_then_only_a_supervisor_adds(tmp_path):
    s = open_store(tmp_path / "new.gpkg")
    with pytest.raises(PermissionDenied, match="first user of a store must be a supervisor"):
        add_user(s, "ana", "analyst", ANA_PW, by=None, now=T0)
    assert s.list_users().empty
    add_user(s, "sam", "supervisor", SUP_PW, by=None, now=T0)
    with pytest.raises(PermissionDenied, match="only a supervisor may add users"):
        add_user(s, "eve", "supervisor", "an intruder's long password", by=None, now=T0)
    with pytest.raises(StoreError, match="already has users"):  # the store checks it too, under its lock
        s.add_user("eve", "supervisor", "h", created_by="x", at=T0, first_only=True)
    assert list(s.list_users()["name"]) == ["sam"]


def test_sign_in_and_one_message_for_unknown_name_wrong_password_and_disabled(store):
    assert authenticate(store, "ana", ANA_PW, T0) == User("ana", "analyst", True)
    assert authenticate(store, " ANA ", ANA_PW, T0).name == "ana"
    messages = set()
    for name, pw in (("nobody", ANA_PW), ("ana", SUP_PW), ("ana", ""), ("", ANA_PW)):
        with pytest.raises(SignInRefused) as exc:
            authenticate(store, name, pw, T0)
        messages.add(str(exc.value))
    disable_user(store, "lee", by=User("sam", "supervisor"), now=T0)
    with pytest.raises(SignInRefused) as exc:
        authenticate(store, "lee", LEE_PW, T0)
    messages.add(str(exc.value))
    assert messages == {"sign-in refused: unknown name or wrong password"}
    assert accounts.load_user(store, "lee") == User("lee", "leadership", active=False)


def test_password_change_by_self_and_by_supervisor_only(store):
    change_password(store, "ana", "a new phrase for the desk", by=User("ana", "analyst"), now=T0)
    assert authenticate(store, "ana", "a new phrase for the desk", T0).name == "ana"
    with pytest.raises(PermissionDenied):
        change_password(store, "lee", "ana takes over lee now", by=User("ana", "analyst"), now=T0)
    change_password(store, "lee", "reset by the supervisor", by=User("sam", "supervisor"), now=T0)
    assert authenticate(store, "lee", "reset by the supervisor", T0).name == "lee"


def test_the_last_active_supervisor_cannot_be_disabled(store):
    with pytest.raises(ValueError, match="last active supervisor"):
        disable_user(store, "sam", by=User("sam", "supervisor"), now=T0)
    assert store.get_user("sam")["disabled_at"] is None


# -- throttling ------------------------------------------------------------------------------------------------
def _fail(store, name, at, n=1):
    for i in range(n):
        with pytest.raises(SignInRefused, match="unknown name or wrong password"):
            authenticate(store, name, "not the password at all", at + minutes(i))


def test_five_failures_throttle_the_name_even_with_the_right_password(store, store_path):
    _fail(store, "ana", T0, 5)                                # 08:00 .. 08:04
    with pytest.raises(SignInRefused, match="too many failed attempts.*after 08:19 UTC") as exc:
        authenticate(store, "ana", ANA_PW, T0 + minutes(5))
    assert exc.value.throttled_until == T0 + minutes(4 + 15)
    # a restart (the store opened again) does not reset the count
    reopened = GeoPackageStore(store_path)
    with pytest.raises(SignInRefused, match="too many failed attempts"):
        authenticate(reopened, "ana", ANA_PW, T0 + minutes(18))
    # other names are not affected
    assert authenticate(reopened, "sam", SUP_PW, T0 + minutes(6)).name == "sam"
    # 15 minutes after the fifth failure the right password works again, and the count starts afresh
    assert authenticate(reopened, "ana", ANA_PW, T0 + minutes(19)).name == "ana"
    _fail(reopened, "ana", T0 + minutes(20), 4)
    assert authenticate(reopened, "ana", ANA_PW, T0 + minutes(25)).name == "ana"


def test_failures_spread_over_more_than_15_minutes_do_not_throttle(store):
    for i in range(5):
        _fail(store, "ana", T0 + minutes(4 * i))            # 08:00, 08:04, ... 08:16: never 5 within 15 min
    assert authenticate(store, "ana", ANA_PW, T0 + minutes(17)).name == "ana"


def test_unknown_names_are_throttled_alike_and_not_kept_in_clear(store, store_path):
    typed = "Sunny-Lake-Passphrase-9"     # someone typed a password into the name field
    _fail(store, typed, T0, 5)
    with pytest.raises(SignInRefused, match="too many failed attempts"):
        authenticate(store, typed, "anything", T0 + minutes(6))
    assert typed.lower() not in _every_cell(store_path).lower()
    log = store.audit_log()
    assert set(log["user"]) == {"sam", "(unknown name)"}


# -- sessions ----------------------------------------------------------------------------------------------------
def test_session_idle_timeout_and_touch():
    s = sessions.open_session(User("ana", "analyst"), T0)
    assert (s.role, s.started, s.expires) == ("analyst", T0, T0 + minutes(30))
    assert not s.is_expired(T0 + minutes(29.9)) and s.is_expired(T0 + minutes(30))
    s = sessions.touch(s, T0 + minutes(25))
    assert s.expires == T0 + minutes(55) and not s.is_expired(T0 + minutes(54))
    with pytest.raises(SessionExpired, match="idle for more than 30 minutes"):
        sessions.touch(s, T0 + minutes(56))
    assert sessions.touch(s, T0 + minutes(10)).last_seen == T0 + minutes(25)  # a clock going back moves nothing


def test_session_absolute_timeout_despite_activity():
    s = sessions.open_session(User("ana", "analyst"), T0)
    for i in range(1, 12 * 4):
        s = sessions.touch(s, T0 + minutes(15 * i))          # active every 15 minutes for 11 h 45
    assert s.expires == T0 + pd.Timedelta(hours=12)
    assert s.is_expired(T0 + pd.Timedelta(hours=12))
    with pytest.raises(SessionExpired, match="12-hour limit"):
        sessions.touch(s, T0 + pd.Timedelta(hours=12, minutes=1))


def test_session_policy_is_configurable_and_checked():
    policy = sessions.SessionPolicy(idle=minutes(5), absolute=pd.Timedelta(hours=1))
    s = sessions.open_session(User("lee", "leadership"), T0, policy)
    assert s.is_expired(T0 + minutes(5)) and not s.is_expired(T0 + minutes(4))
    with pytest.raises(ValueError):
        sessions.SessionPolicy(idle=pd.Timedelta(hours=2), absolute=pd.Timedelta(hours=1))
    with pytest.raises(SessionExpired):
        sessions.open_session(User("lee", "leadership", active=False), T0)
    assert sessions.open_session(User("a", "analyst"), "2026-12-02 08:00").started == T0  # naive: taken as UTC


# -- the audit log -------------------------------------------------------------------------------------------------
def test_audit_records_sign_in_failure_throttle_and_account_changes_never_a_password(store, store_path):
    sam = authenticate(store, "sam", SUP_PW, T0)
    _fail(store, "ana", T0, 5)
    with pytest.raises(SignInRefused):
        authenticate(store, "ana", ANA_PW, T0 + minutes(5))
    change_password(store, "lee", "a brand new long phrase", by=sam, now=T0)
    disable_user(store, "lee", by=sam, now=T0)
    log = store.audit_log()
    actions = list(log["action"])
    assert actions.count("user added") == 3 and actions.count("sign-in") == 1
    assert actions.count("sign-in refused") == 5
    assert actions.count("sign-in throttled") == 2     # when it started, and the attempt refused during it
    assert "password changed" in actions and "user disabled" in actions
    assert set(log.loc[log["action"].str.startswith("sign-in refused"), "detail"]) == {"wrong password"}
    _no_password_anywhere(store_path, *PASSWORDS, "not the password at all", "a brand new long phrase")


def test_audit_log_is_append_only_and_survives_a_reopened_store(store, store_path):
    store.record("export", "alerts: 3 row(s)", user="ana")
    n = len(store.audit_log())
    with closing(sqlite3.connect(store_path)) as con:
        for sql in ('DELETE FROM "audit"', "UPDATE \"audit\" SET detail = 'nothing'"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(sql)
    assert len(GeoPackageStore(store_path).audit_log()) == n


def test_only_a_supervisor_views_the_audit_log_and_the_viewing_is_recorded(store):
    store.record("export", "alerts: 3 row(s); 100% of them_", user="ana")
    store.record("view", "Situation map", user="lee")
    with pytest.raises(PermissionDenied, match="ana \\(analyst\\) may not view the audit log"):
        audit.view_audit_log(store, User("ana", "analyst"))
    with pytest.raises(PermissionDenied):
        audit.view_audit_log(store, User("sam", "supervisor", active=False))
    assert store.audit_log(action=audit.VIEWED).empty  # a refused viewing reads and records nothing
    sam = User("sam", "supervisor")
    assert list(audit.view_audit_log(store, sam, who="lee")["action"]) == ["view"]
    assert list(audit.view_audit_log(store, sam, text="% OF THEM_")["user"]) == ["ana"]
    assert audit.view_audit_log(store, sam, text="1_0%").empty  # % and _ are literal
    assert audit.view_audit_log(store, sam, since=pd.Timestamp.now(tz="UTC") + minutes(5)).empty
    viewed = store.audit_log(action=audit.VIEWED)
    assert len(viewed) == 4 and set(viewed["user"]) == {"sam"}
    assert "OF THEM" not in " ".join(viewed["detail"])      # the words searched for are not kept
    assert list(viewed["fid"]) == sorted(viewed["fid"], reverse=True)  # newest first


def test_demo_on_a_store_with_data_refuses_and_keeps_users_and_audit(store, store_path, capsys):
    from ewarning.demo import load_demo

    load_demo(store, user="sam")
    n = len(store.audit_log())
    result = run_main(capsys, "demo", "--store", store_path)   # what `make dashboard` would do if it ran it
    assert result.returncode == 2 and "--force" in result.stderr
    assert len(store.audit_log()) == n and len(store.list_users()) == 3


# -- the users command -----------------------------------------------------------------------------------------------
def _stdin(monkeypatch, *lines):
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))


def _users(capsys, monkeypatch, store_path, *args, stdin=()):
    _stdin(monkeypatch, *stdin)
    return run_main(capsys, "users", *args, "--store", store_path)


def test_users_add_first_user_must_be_a_supervisor(tmp_path, capsys, monkeypatch):
    path = tmp_path / "cli.gpkg"
    r = _users(capsys, monkeypatch, path, "add", "ana", "--role", "analyst", "--password-stdin", stdin=[ANA_PW])
    assert r.returncode == 2 and "first user must be a supervisor" in r.stderr
    assert open_store(path).list_users().empty
    r = _users(capsys, monkeypatch, path, "add", "sam", "--role", "supervisor", "--password-stdin",
               stdin=["short"])
    assert r.returncode == 2 and "at least 12" in r.stderr and open_store(path).list_users().empty
    r = _users(capsys, monkeypatch, path, "add", "sam", "--role", "supervisor", "--password-stdin", stdin=[SUP_PW])
    assert r.returncode == 0 and "user sam added (supervisor)" in r.stdout
    assert authenticate(open_store(path), "sam", SUP_PW, pd.Timestamp.now(tz="UTC")).role == "supervisor"


def test_users_add_needs_a_signed_in_supervisor(store, store_path, capsys, monkeypatch):
    args = ("add", "ben", "--role", "analyst", "--password-stdin")
    r = _users(capsys, monkeypatch, store_path, *args, stdin=["a fresh long password"])
    assert r.returncode == 2 and "only a supervisor may add users" in r.stderr
    r = _users(capsys, monkeypatch, store_path, *args, "--as", "ana", stdin=[ANA_PW, "a fresh long password"])
    assert r.returncode == 2 and "ana (analyst) may not add users: it takes the supervisor role" in r.stderr
    r = _users(capsys, monkeypatch, store_path, *args, "--as", "sam", stdin=[ANA_PW, "a fresh long password"])
    assert r.returncode == 2 and "unknown name or wrong password" in r.stderr
    assert store.get_user("ben") is None
    r = _users(capsys, monkeypatch, store_path, *args, "--as", "sam", stdin=[SUP_PW, "a fresh long password"])
    assert r.returncode == 0 and store.get_user("ben")["created_by"] == "sam"
    r = _users(capsys, monkeypatch, store_path, "list")
    assert r.returncode == 0 and "ben" in r.stdout and "analyst" in r.stdout and "$argon2" not in r.stdout
    r = _users(capsys, monkeypatch, store_path, "disable", "ben", "--as", "sam", "--password-stdin", stdin=[SUP_PW])
    assert r.returncode == 0 and store.get_user("ben")["disabled_at"] is not None
    assert "disabled" in _users(capsys, monkeypatch, store_path, "list").stdout
    r = _users(capsys, monkeypatch, store_path, "disable", "lee", "--as", "ana", "--password-stdin", stdin=[ANA_PW])
    assert r.returncode == 2 and "may not disable users" in r.stderr
    for pw in (SUP_PW, ANA_PW, "a fresh long password"):
        assert pw not in r.stdout + r.stderr
    _no_password_anywhere(store_path, *PASSWORDS, "a fresh long password")


def test_users_add_on_the_terminal_asks_twice(tmp_path, capsys, monkeypatch):
    path = tmp_path / "tty.gpkg"
    answers = iter([SUP_PW, SUP_PW + "typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    r = run_main(capsys, "users", "add", "sam", "--role", "supervisor", "--store", path)
    assert r.returncode == 2 and "the two passwords differ" in r.stderr
    assert open_store(path).list_users().empty
    answers = iter([SUP_PW, SUP_PW])
    r = run_main(capsys, "users", "add", "sam", "--role", "supervisor", "--store", path)
    assert r.returncode == 0


def test_demo_never_deletes_accounts_or_the_audit_log_without_force(store, store_path, capsys):
    store.record("export", "alerts: 3 row(s)", user="ana")
    run_main(capsys, "demo", "--store", store_path)
    reopened = GeoPackageStore(store_path)
    assert len(reopened.list_users()) == 3 and not reopened.audit_log(action="export").empty


def test_demo_force_keeps_the_replaced_store_beside_the_new_one(store, store_path, capsys):
    from pathlib import Path

    store.record("export", "alerts: 3 row(s)", user="ana")
    r = run_main(capsys, "demo", "--store", store_path, "--force")
    assert r.returncode == 0, r.stderr
    kept = [p for p in Path(store_path).parent.glob("*.replaced-*")]
    assert len(kept) == 1 and "is kept as" in r.stderr
    old = GeoPackageStore(str(kept[0]))
    assert len(old.list_users()) == 3 and not old.audit_log(action="export").empty
    assert GeoPackageStore(store_path).counts()["alerts"] > 0               # the demo is in the store's place


def test_users_first_asks_for_the_first_supervisor_once(tmp_path, capsys, monkeypatch):
    """What `make dashboard` runs before serving: a store without accounts asks for one; then nothing."""
    path = tmp_path / "first.gpkg"
    r = _users(capsys, monkeypatch, path, "first", "--password-stdin", stdin=["Sam", SUP_PW])
    assert r.returncode == 0 and "user sam added (supervisor)" in r.stdout
    assert authenticate(open_store(path), "sam", SUP_PW, pd.Timestamp.now(tz="UTC")).role == "supervisor"
    r = _users(capsys, monkeypatch, path, "first", "--password-stdin", stdin=["eve", ANA_PW])
    assert r.returncode == 0 and r.stdout == "" and open_store(path).get_user("eve") is None
    empty = tmp_path / "nobody.gpkg"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    r = _users(capsys, monkeypatch, empty, "first")
    assert r.returncode == 2 and "no default password" in r.stderr and open_store(empty).list_users().empty
