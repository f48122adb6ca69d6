"""User commands: ``users add``, ``users list``, ``users disable``, ``users password``.

The command line has no session, so a command that changes accounts names
the supervisor acting (``--as NAME``) and asks for that supervisor's password;
it is checked like a sign-in (:func:`ewarning.auth.accounts.authenticate`:
throttled, audited). The very first user of a store is added without
``--as`` and must be a supervisor; after that only a supervisor adds users.

Passwords are read from the terminal without echo (:func:`getpass.getpass`,
a new password twice), or with ``--password-stdin`` one a line from standard
input, in the order the prompts would ask: the acting user's password first
(when ``--as`` is given), then the new password (once). A password is never
an argument (it would show in the process list and the shell history).

- ``users add NAME --role ROLE [--as SUPERVISOR]``;
- ``users list`` (names, roles, status; never the hashes);
- ``users disable NAME --as SUPERVISOR``;
- ``users password NAME [--as SUPERVISOR]`` (without ``--as``: NAME changes
  their own password, giving the current one first).
"""

from __future__ import annotations

import getpass
import sys

import pandas as pd

from ..auth import accounts
from ..auth.roles import ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES
from ..i18n import Translator
from ..store import open_store
from .errors import EXIT_OK, InputError, translator


def add_commands(sub, store_help: str, t: Translator | None = None) -> None:
    """Register the ``users`` commands on ``sub`` (an argparse sub-parser object)."""
    t = t or Translator("en")
    p = sub.add_parser("users", help=t("local accounts: add, list, disable, password"))
    actions = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    stdin_help = t("read the password(s) from standard input, one a line: the --as user's first, then the new "
                   "one (default: ask on the terminal)")

    a = actions.add_parser("add", help=t("add a user (the first user of a store must be a supervisor)"))
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=ROLES,
                   help="; ".join(f"{r}: {t(d)}" for r, d in ROLE_DESCRIPTIONS.items()))
    a.add_argument("--as", dest="acting", metavar="SUPERVISOR", help=t("the supervisor adding the user (not for "
                   "the first user of a store)"))
    a.add_argument("--password-stdin", action="store_true", help=stdin_help)
    a.add_argument("--store", help=store_help)
    a.set_defaults(func=cmd_add)

    ls = actions.add_parser("list", help=t("list the users (names, roles, status; never the password hashes)"))
    ls.add_argument("--store", help=store_help)
    ls.set_defaults(func=cmd_list)

    d = actions.add_parser("disable", help=t("disable a user (kept for the audit log, cannot sign in)"))
    d.add_argument("name", metavar="NAME")
    d.add_argument("--as", dest="acting", required=True, metavar="SUPERVISOR", help=t("the supervisor acting"))
    d.add_argument("--password-stdin", action="store_true", help=stdin_help)
    d.add_argument("--store", help=store_help)
    d.set_defaults(func=cmd_disable)

    fs = actions.add_parser("first", help=t("on a store with no account yet, ask for the first supervisor's name "
                            "and password (nothing to do when the store has accounts: what `make dashboard` runs)"))
    fs.add_argument("--password-stdin", action="store_true",
                    help=t("read the name, then the password, from standard input, one a line"))
    fs.add_argument("--store", help=store_help)
    fs.set_defaults(func=cmd_first)

    w = actions.add_parser("password", help=t("set a new password (your own, or anyone's as a supervisor)"))
    w.add_argument("name", metavar="NAME")
    w.add_argument("--as", dest="acting", metavar="SUPERVISOR",
                   help=t("the supervisor setting it (default: NAME, giving the current password)"))
    w.add_argument("--password-stdin", action="store_true", help=stdin_help)
    w.add_argument("--store", help=store_help)
    w.set_defaults(func=cmd_password)


class _Passwords:
    """Where passwords come from: the terminal (no echo) or standard input, one a line."""

    def __init__(self, from_stdin: bool):
        self.lines = sys.stdin.read().splitlines() if from_stdin else None

    def current(self, name: str) -> str:
        t = translator()
        if self.lines is None:
            return getpass.getpass(t("password of {name}: ", name=name))
        return self._next(t("the password of {name}", name=name))

    def new(self, name: str) -> str:
        t = translator()
        if self.lines is None:
            first = getpass.getpass(t("new password for {name} (at least {n} characters): ", name=name,
                                      n=accounts.MIN_PASSWORD_LENGTH))
            accounts.check_password(first, name)  # refuse before asking again
            if getpass.getpass(t("the same password again: ")) != first:
                raise InputError(t("the two passwords differ; nothing changed"))
            return first
        return self._next(t("the new password for {name}", name=name))

    def _next(self, what: str) -> str:
        if not self.lines:
            t = translator()
            raise InputError(t("--password-stdin: standard input ended before {what} (one password a line)",
                               what=what))
        return self.lines.pop(0)


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def _signed_in(store, name: str, passwords: _Passwords) -> accounts.User:
    return accounts.authenticate(store, name, passwords.current(name), now=_now())


def _role(role: str, t) -> str:
    """A role as the command line names it: the code in English (as typed after --role), its label otherwise."""
    return role if t.locale == "en" else t(ROLE_LABELS[role])


def cmd_add(args) -> int:
    t = translator()
    store = open_store(args.store)
    name = accounts.check_name(args.name)
    passwords = _Passwords(args.password_stdin)
    if store.list_users().empty:
        if args.acting:
            raise InputError(t("this store has no users yet: add the first one without --as; it must be a "
                               "supervisor (who then adds the others)"))
        if args.role != "supervisor":
            raise InputError(t("this store has no users yet: the first user must be a supervisor (--role "
                               "supervisor), who then adds the others; {name} not added", name=name))
        by = None
    else:
        if not args.acting:
            raise InputError(t("only a supervisor may add users: give --as SUPERVISOR (that supervisor's password "
                               "is asked for)"))
        by = _signed_in(store, args.acting, passwords)
    user = accounts.add_user(store, name, args.role, passwords.new(name), by=by, now=_now())
    print(t("user {name} added ({role})", name=user.name, role=_role(user.role, t)))
    return EXIT_OK


def cmd_first(args) -> int:
    """The first supervisor of a store without accounts, asked for (the desk has no default password)."""
    t = translator()
    store = open_store(args.store)
    if not store.list_users().empty:
        return EXIT_OK
    if args.password_stdin:
        passwords = _Passwords(True)
        name = accounts.check_name(passwords._next(t("the name of the first supervisor")))
    else:
        if not sys.stdin.isatty():
            raise InputError(t("this store has no accounts and nobody is at a terminal to create the first one: "
                               "run `python -m ewarning users add NAME --role supervisor` (the desk has no "
                               "default password)"))
        print(t("This store has no accounts yet: create the first supervisor, who signs in to the desk and adds "
                "the others (Users page or `python -m ewarning users add`)."))
        name = accounts.check_name(input(t("name of the first supervisor: ")))
        passwords = _Passwords(False)
    user = accounts.add_user(store, name, "supervisor", passwords.new(name), by=None, now=_now())
    print(t("user {name} added ({role}): sign in to the desk with this name", name=user.name,
            role=_role(user.role, t)))
    return EXIT_OK


def cmd_list(args) -> int:
    t = translator()
    users = open_store(args.store).list_users()
    if users.empty:
        print(t("no users yet: add the first one, a supervisor: python -m ewarning users add NAME --role "
                "supervisor"))
        return EXIT_OK
    for _, row in users.iterrows():
        status = (t("active") if pd.isna(row["disabled_at"])
                  else t("disabled {when} UTC", when=f"{row['disabled_at']:%Y-%m-%d %H:%M}"))
        added = t("added {when} UTC by {who}", when=f"{row['created_at']:%Y-%m-%d %H:%M}", who=row["created_by"])
        print(f"{row['name']:<24} {_role(row['role'], t):<11} {status:<28} {added}")
    return EXIT_OK


def cmd_disable(args) -> int:
    t = translator()
    store = open_store(args.store)
    passwords = _Passwords(args.password_stdin)
    by = _signed_in(store, args.acting, passwords)
    accounts.disable_user(store, args.name, by=by, now=_now())
    print(t("user {name} disabled", name=accounts.check_name(args.name)))
    return EXIT_OK


def cmd_password(args) -> int:
    t = translator()
    store = open_store(args.store)
    passwords = _Passwords(args.password_stdin)
    name = accounts.check_name(args.name)
    by = _signed_in(store, args.acting or name, passwords)
    accounts.change_password(store, name, passwords.new(name), by=by, now=_now())
    print(t("password of {name} changed", name=name))
    return EXIT_OK
