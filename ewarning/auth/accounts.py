"""Local accounts: users, the password policy, argon2id hashing, sign-in and its throttling.

Accounts live in the store's ``users`` table (:data:`ewarning.store.schema.ACCOUNT_SCHEMAS`):
a name, a role (:mod:`ewarning.auth.roles`), an argon2id hash of the password
(argon2-cffi's :class:`~argon2.PasswordHasher`; never the password), who
created the account and when, and when it was disabled. There is no default
account and no default password: the first account of a store is a
supervisor added on the command line (``python -m ewarning users add``).

:func:`authenticate` answers one message for an unknown name and a wrong
password, and throttles: after :data:`MAX_FAILURES` failed sign-ins for a name
within :data:`FAILURE_WINDOW`, every attempt for that name is refused for
:data:`LOCKOUT` (even with the right password). Failures are kept in the
store, so a restart does not reset them. Every sign-in, refusal and throttle
is written to the audit log; a password never is, and a name that matches no
account is not either (it may be a password typed into the name field).

Examples
--------
>>> import tempfile, os, pandas as pd
>>> from ewarning.store import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "joc.gpkg"))
>>> now = pd.Timestamp("2026-12-02 08:00", tz="UTC")
>>> add_user(store, "sam", "supervisor", "correct horse battery", by=None, now=now).role
'supervisor'
>>> authenticate(store, "sam", "correct horse battery", now=now)
User(name='sam', role='supervisor', active=True)
>>> authenticate(store, "sam", "wrong password!!", now=now)
Traceback (most recent call last):
...
ewarning.auth.errors.SignInRefused: sign-in refused: unknown name or wrong password
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..i18n import N_
from ..i18n.phrases import Num, Phrase
from .errors import AccountRefused, PasswordRefused, PermissionDenied, SignInRefused, UnknownUser, worded
from .roles import ROLE_LABELS, check_role, require

__all__ = ["COMMON_PASSWORDS", "FAILURE_WINDOW", "LOCKOUT", "MAX_FAILURES", "MIN_PASSWORD_LENGTH", "User",
           "add_user", "authenticate", "change_password", "check_name", "check_password", "disable_user",
           "hash_password", "load_user", "verify_password"]

#: Fewest characters a password may have.
MIN_PASSWORD_LENGTH = 12
#: Most characters a password may have (hashing a megabyte on every sign-in would be a denial of service).
MAX_PASSWORD_LENGTH = 1024
#: Failed sign-ins for one name within :data:`FAILURE_WINDOW` that start a :data:`LOCKOUT`.
MAX_FAILURES = 5
FAILURE_WINDOW = pd.Timedelta(minutes=15)
LOCKOUT = pd.Timedelta(minutes=15)

#: Passwords refused whatever their length: the most common ones of 12 characters or more, and the words
#: of this mission's setting an attacker would try first. Compared case-insensitively, spaces ignored.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789123", "1q2w3e4r5t6y", "1qaz2wsx3edc",
    "qwertyuiop12", "qwertyuiopasdf", "qwerty123456", "qwertyuiop123", "password1234", "password12345",
    "passwordpassword", "password123!", "motdepasse12", "motdepasse123", "iloveyou1234", "welcome12345",
    "welcome123456", "letmein12345", "changeme1234", "changemenow!", "administrator", "admin1234567",
    "administrateur", "supervisor123", "trustno1trustno1", "abcdefghijkl", "abc123abc123", "aaaaaaaaaaaa",
    "unitednations", "unitednations1", "peacekeeping", "peacekeeping1", "peacekeeper123", "minusca12345",
    "minusca2018!", "monusco12345", "minusma12345", "unmiss123456", "bluehelmets12", "casquesbleus",
    "earlywarning", "earlywarning1", "ewarning1234", "ewarning12345", "jocanalyst12", "bangui123456",
})

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_REFUSED = N_("sign-in refused: unknown name or wrong password")
_THROTTLED = N_("sign-in refused: too many failed attempts for this name; try again after {time} UTC")
#: The password policy's refusals (English templates, translated where shown: ``exc.in_language(t)``).
NO_PASSWORD = N_("password refused: no password given")
TOO_SHORT = N_("password refused: it has {n} characters, at least {minimum} are needed (a phrase of four or five "
               "words is easy to remember)")
TOO_LONG = N_("password refused: more than {maximum} characters")
HAS_NAME = N_("password refused: it contains the user name; choose one that does not")
COMMON = N_("password refused: it is one of the passwords attackers try first; choose a phrase of your own")
NAME_REFUSED = N_("user name {name} refused: use 1 to 64 letters a-z, digits, '.', '_' or '-', starting with a "
                  "letter or digit (for example ana.lopez)")
NO_SUCH_USER = N_("no user named {name}")
_UNKNOWN = "(unknown name)"  # the audit log's user for attempts at a name that has no account


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown names so they cost what a known one does (made at the
    first sign-in, not at import: hashing takes a quarter of a second, and every command imports this)."""
    return _HASHER.hash("ewarning: a hash that no password of any account matches")


@dataclass(frozen=True)
class User:
    """Who is acting: a name, a role (:data:`ewarning.auth.roles.ROLES`) and whether the account is active.

    Examples
    --------
    >>> User("ana", "analyst")
    User(name='ana', role='analyst', active=True)
    >>> User("ana", "analyst").can("triage"), User("ana", "analyst", active=False).can("triage")
    (True, False)
    """

    name: str
    role: str
    active: bool = True

    def can(self, permission: str) -> bool:
        """Whether :func:`~ewarning.auth.roles.require` would let this user through for ``permission``."""
        try:
            require(self, permission)
        except PermissionDenied:
            return False
        return True


# -- names and passwords ---------------------------------------------------------------------------------
def check_name(name) -> str:
    """The account name in lower case if usable (1-64 of ``a-z 0-9 . _ -``, starting with a letter or
    digit), else :class:`ValueError` saying what to write.

    >>> check_name(" Ana.Lopez ")
    'ana.lopez'
    """
    value = str(name or "").strip().lower()
    if not _NAME.fullmatch(value):
        raise worded(AccountRefused, Phrase(NAME_REFUSED, name=repr(str(name))))
    return value


def _squeezed(text: str) -> str:
    return "".join(str(text).split()).casefold()


def check_password(password: str, name: str) -> None:
    """Refuse a new password that breaks the policy (:class:`PasswordRefused`, saying which rule).

    At least :data:`MIN_PASSWORD_LENGTH` characters, not the user name (nor containing it), not one of
    :data:`COMMON_PASSWORDS`. A long phrase of ordinary words is the easiest good password.

    >>> check_password("short", "ana")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ewarning.auth.errors.PasswordRefused: password refused: it has 5 characters, at least 12 are needed (...)
    """
    if not isinstance(password, str):
        raise worded(PasswordRefused, Phrase(NO_PASSWORD))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise worded(PasswordRefused, Phrase(TOO_SHORT, n=Num(len(password)), minimum=Num(MIN_PASSWORD_LENGTH)))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise worded(PasswordRefused, Phrase(TOO_LONG, maximum=str(MAX_PASSWORD_LENGTH)))
    squeezed, who = _squeezed(password), _squeezed(name or "")
    if who and (squeezed == who or (len(who) >= 3 and who in squeezed)):
        raise worded(PasswordRefused, Phrase(HAS_NAME))
    if squeezed in COMMON_PASSWORDS or len(set(squeezed)) <= 2:
        raise worded(PasswordRefused, Phrase(COMMON))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (``$argon2id$v=19$...``, salted; the password cannot be read back)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a damaged or foreign hash, never an error)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- accounts in the store ---------------------------------------------------------------------------------
def _now(now) -> pd.Timestamp:
    value = pd.Timestamp(now)
    if pd.isna(value):
        raise ValueError(f"now={now!r} is not a time")
    return value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")


def _user(row: dict) -> User:
    return User(row["name"], row["role"], row["disabled_at"] is None)


def load_user(store, name: str) -> User | None:
    """The account ``name`` as a :class:`User` (``active`` False once disabled), or None.

    Pages call it on every run of a signed-in session, so a disabled account or a changed role takes
    effect at once.
    """
    try:
        name = check_name(name)
    except ValueError:
        return None
    row = store.get_user(name)
    return None if row is None else _user(row)


def _has_users(store) -> bool:
    return len(store.list_users()) > 0


def add_user(store, name: str, role: str, password: str, *, by: User | None, now) -> User:
    """Add an account and record it in the audit log (never the password).

    Parameters
    ----------
    by : User or None
        The supervisor adding it (:func:`~ewarning.auth.roles.require` ``manage_users``). ``None`` only for
        the very first account of a store, which must be a supervisor.

    Raises
    ------
    PermissionDenied
        ``by`` may not manage users, or is None while the store already has accounts.
    PasswordRefused, ValueError, StoreError
        The password breaks the policy; the name or role is not usable; the name is taken.
    """
    name, role, now = check_name(name), check_role(role), _now(now)
    check_password(password, name)
    if by is None:
        if _has_users(store):
            raise worded(PermissionDenied, Phrase(N_("only a supervisor may add users: {name} not added"),
                                                  name=repr(name)),
                         user=None, role=None, permission="manage_users", what="add users",
                         allowed_roles=("supervisor",))
        if role != "supervisor":
            raise worded(PermissionDenied, Phrase(N_("the first user of a store must be a supervisor (who then adds "
                                                     "the others): {name} not added as {role}"),
                                                  name=repr(name), role=Phrase(ROLE_LABELS[role])),
                         user=None, role=None, permission="manage_users", what="add users",
                         allowed_roles=("supervisor",))
        store.add_user(name, role, hash_password(password), created_by="(first user)", at=now, first_only=True)
        store.record("user added", f"{name} ({role}), the store's first user", user=name)
    else:
        require(by, "manage_users", "add users")
        store.add_user(name, role, hash_password(password), created_by=by.name, at=now)
        store.record("user added", f"{name} ({role})", user=by.name)
    return User(name, role, True)


def disable_user(store, name: str, *, by: User, now) -> None:
    """Disable an account (kept, so the audit log's names stay meaningful); refuses the last active supervisor."""
    require(by, "manage_users", "disable users")
    name, now = check_name(name), _now(now)
    row = store.get_user(name)
    if row is None:
        raise worded(UnknownUser, Phrase(NO_SUCH_USER, name=repr(name)))
    if row["disabled_at"] is not None:
        raise worded(AccountRefused, Phrase(N_("{name} is already disabled (since {when} UTC)"), name=name,
                                            when=f"{row['disabled_at']:%Y-%m-%d %H:%M}"))
    if row["role"] == "supervisor":
        users = store.list_users()
        others = users[(users["role"] == "supervisor") & users["disabled_at"].isna() & (users["name"] != name)]
        if others.empty:
            raise worded(AccountRefused, Phrase(N_("{name} is the last active supervisor: add another supervisor "
                                                   "before disabling this account (nobody could manage users "
                                                   "otherwise)"), name=name))
    store.disable_user(name, now)
    store.record("user disabled", f"{name} ({row['role']})", user=by.name)


def change_password(store, name: str, new_password: str, *, by: User, now) -> None:
    """Set a new password for ``name``: a user for their own account, a supervisor for anyone's."""
    name, _ = check_name(name), _now(now)
    if by.name != name or not by.active:
        require(by, "manage_users", f"change the password of {name}")
    if store.get_user(name) is None:
        raise worded(UnknownUser, Phrase(NO_SUCH_USER, name=repr(name)))
    check_password(new_password, name)
    store.set_password(name, hash_password(new_password))
    store.record("password changed", f"password of {name} changed" + ("" if by.name == name else " by a supervisor"),
                 user=by.name)


# -- signing in ----------------------------------------------------------------------------------------------
def _name_key(name: str) -> str:
    """The key failures are counted under: a digest of the name as typed, never the text itself."""
    return hashlib.blake2b(_squeezed(name).encode("utf-8"), digest_size=16, person=b"ewarning-signin").hexdigest()


def throttled_until(store, name: str, now) -> pd.Timestamp | None:
    """When sign-ins for ``name`` are accepted again, or None if they are now.

    A lockout starts at a failure that is the :data:`MAX_FAILURES`-th within :data:`FAILURE_WINDOW` and lasts
    :data:`LOCKOUT`; attempts refused during it do not extend it.
    """
    now = _now(now)
    times = store.sign_in_failures(_name_key(name), since=now - FAILURE_WINDOW - LOCKOUT)
    until = None
    for i in range(MAX_FAILURES - 1, len(times)):
        if times[i] - times[i - MAX_FAILURES + 1] <= FAILURE_WINDOW:
            end = times[i] + LOCKOUT
            if now < end:
                until = end
    return until


def authenticate(store, name: str, password: str, now) -> User:
    """The :class:`User` if ``name`` and ``password`` match an active account, else :class:`SignInRefused`.

    One message for an unknown name, a wrong password and a disabled account (the audit log says which,
    for known names). While throttled (see :func:`throttled_until`) every attempt is refused, the right
    password too, and the message says until when.
    """
    now = _now(now)
    typed = str(name or "")
    key = _name_key(typed)
    try:
        account = check_name(typed)
    except ValueError:
        account = None
    row = store.get_user(account) if account else None
    who = row["name"] if row else _UNKNOWN
    until = throttled_until(store, typed, now)
    if until is not None:
        store.record("sign-in throttled", f"attempt refused: too many failed sign-ins for this name; refused until "
                                          f"{until:%Y-%m-%d %H:%M:%S} UTC", user=who)
        raise worded(SignInRefused, Phrase(_THROTTLED, time=f"{until:%H:%M}"), throttled_until=until)
    ok = verify_password(row["password_hash"] if row else _dummy_hash(), str(password or ""))  # same work either way
    if ok and row["disabled_at"] is None:
        store.clear_sign_in_failures(key)
        store.record("sign-in", f"signed in ({row['role']})", user=who)
        return _user(row)
    reason = ("unknown name (not recorded: it may be a mistyped password)" if row is None
              else "account disabled" if ok else "wrong password")
    store.record_sign_in_failure(key, now)
    store.record("sign-in refused", reason, user=who)
    until = throttled_until(store, typed, now)
    if until is not None:
        store.record("sign-in throttled", f"{MAX_FAILURES} failed sign-ins within "
                                          f"{int(FAILURE_WINDOW.total_seconds() // 60)} min: further attempts "
                                          f"refused until {until:%Y-%m-%d %H:%M:%S} UTC", user=who)
    raise worded(SignInRefused, Phrase(_REFUSED))
