"""Audit-log commands for supervisors: ``audit show`` and ``audit export``.

The command line has no session, so the supervisor reading the log names
themselves (``--as NAME``) and gives their password, checked like a sign-in
(:func:`ewarning.auth.accounts.authenticate`: throttled, audited), from the
terminal without echo or with ``--password-stdin`` (the first line of standard
input). The log is read through :func:`ewarning.auth.audit.view_audit_log`,
which checks the ``view_audit`` permission and records each reading (the
filters, not the words searched for). A signed-in user without the permission
is refused with its message, and the refusal is recorded
(:func:`ewarning.auth.audit.record_refusal`).

- ``audit show --as NAME [--since DATE] [--user WHO] [--action ACTION]
  [--text WORDS] [--limit N]``: a table (time UTC, user, action, detail),
  newest first;
- ``audit export --as NAME --out PATH [filters] [--format csv|xlsx]``: the
  filtered log, cells a spreadsheet would run as formulas neutralised
  (:func:`ewarning.io.writers.export`); the export is recorded (rows, format,
  file, filters).

There is no command that changes or deletes an entry: the store's triggers
refuse it (the log is append-only).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from ..asof import parse_as_of
from ..auth import accounts
from ..auth import audit as audit_log
from ..auth.errors import PermissionDenied
from ..i18n import Translator
from ..io.writers import export
from ..store import open_store
from .errors import EXIT_OK, InputError, translator

#: Rows ``audit show`` prints unless ``--limit`` says otherwise.
DEFAULT_LIMIT = 50
FORMATS = ("csv", "xlsx")
#: The columns of the table and of an export, in order.
COLUMNS = {"at": "time_utc", "user": "user", "action": "action", "detail": "detail"}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        t = translator()
        raise argparse.ArgumentTypeError(t("{text} is not a whole number of at least 1", text=repr(text)))
    return value


def add_commands(sub, store_help: str, t: Translator | None = None) -> None:
    """Register the ``audit`` commands on ``sub`` (an argparse sub-parser object)."""
    t = t or Translator("en")
    p = sub.add_parser("audit", help=t("the audit log (supervisors): show, export"))
    actions = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")

    s = actions.add_parser("show", help=t("show the audit log, newest first (supervisors)"))
    _common(s, store_help, t)
    s.add_argument("--limit", type=_positive, default=DEFAULT_LIMIT, metavar="N",
                   help=t("show at most N entries, the newest (default {n})", n=DEFAULT_LIMIT))
    s.set_defaults(func=cmd_show)

    e = actions.add_parser("export", help=t("write the (filtered) audit log to CSV or Excel (supervisors)"))
    _common(e, store_help, t)
    e.add_argument("--out", required=True, metavar="PATH", help=t("the file to write"))
    e.add_argument("--format", choices=FORMATS,
                   help=t("csv or xlsx (default: from the --out file name's suffix, else csv)"))
    e.set_defaults(func=cmd_export)


def _common(p: argparse.ArgumentParser, store_help: str, t: Translator) -> None:
    p.add_argument("--as", dest="acting", required=True, metavar="NAME",
                   help=t("the supervisor reading the log (their password is asked for)"))
    p.add_argument("--password-stdin", action="store_true",
                   help=t("read the password from the first line of standard input (default: ask on the terminal)"))
    p.add_argument("--since", metavar="DATE", help=t("entries at or after DATE (a bare date = start of day UTC)"))
    p.add_argument("--user", dest="who", metavar="WHO", help=t("entries of exactly this user"))
    p.add_argument("--action", metavar="ACTION",
                   help=t("entries of exactly this action, e.g. 'sign-in', 'sign-in refused', 'sign-in throttled', "
                          "'view', 'export', 'intake', 'triage:verify', 'user added', 'user disabled', "
                          "'viewed the audit log', 'permission refused' (--text matches part of an action)"))
    p.add_argument("--text", metavar="WORDS",
                   help=t("entries whose action or detail contains WORDS (any case; the words are not recorded)"))
    p.add_argument("--store", help=store_help)


def _password(args) -> str:
    t = translator()
    if not args.password_stdin:
        return getpass.getpass(t("password of {name}: ", name=args.acting))
    lines = sys.stdin.read().splitlines()
    if not lines:
        raise InputError(t("--password-stdin: standard input ended before the password of {name}", name=args.acting))
    return lines[0]


def _filters(args) -> dict:
    """The filters as view_audit_log takes them (``--since`` parsed, empty values dropped)."""
    since = None
    if args.since is not None:
        try:
            since = parse_as_of(args.since)
        except ValueError as exc:
            t = translator()
            raise InputError(t("--since {value} refused: {reason}", value=repr(args.since), reason=exc)) from None
    who = args.who.strip() if args.who and args.who.strip() else None
    action = args.action.strip() if args.action and args.action.strip() else None
    return {"since": since, "who": who, "action": action, "text": args.text or None}


def _read(args) -> tuple:
    """Sign in, then the filtered log (newest first) and the filters; a refusal is recorded, then raised."""
    store = open_store(args.store)
    filters = _filters(args)  # a bad date is refused before the password is asked for
    user = accounts.authenticate(store, args.acting, _password(args), now=pd.Timestamp.now(tz="UTC"))
    try:
        log = audit_log.view_audit_log(store, user, **filters)
    except PermissionDenied as denied:
        audit_log.record_refusal(store, denied)
        raise
    return store, user, log, filters


def _printable(value) -> str:
    """One line of text safe for a terminal: control and format characters (escapes, bidi overrides) shown as
    ``?``, runs of white space as one space."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = "".join("?" if unicodedata.category(ch) in ("Cc", "Cf") and not ch.isspace() else ch for ch in text)
    return " ".join(text.split())


def cmd_show(args) -> int:
    t = translator()
    _, _, log, _ = _read(args)
    if log.empty:
        print(t("no audit entries match"))
        return EXIT_OK
    shown = log.head(args.limit)
    rows = [(f"{at:%Y-%m-%d %H:%M:%S}", _printable(user), _printable(action), _printable(detail))
            for at, user, action, detail in zip(shown["at"], shown["user"], shown["action"], shown["detail"])]
    head = (t("time (UTC)"), t("user"), t("action"), t("detail"))
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(3)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths)) + "  " + cells[3]

    print(line(head).rstrip())
    print(line(tuple("-" * w for w in widths) + ("-" * len(head[3]),)))
    for row in rows:
        print(line(row).rstrip())
    print()
    if len(shown) < len(log):
        print(t("{n} of {total} entries, newest first (--limit N for more, or audit export)",
                n=t.number(len(shown)), total=t.number(len(log))))
    elif len(log) == 1:
        print(t("1 entry, newest first"))
    else:
        print(t("{n} entries, newest first", n=t.number(len(log))))
    return EXIT_OK


def _format(args) -> str:
    if args.format:
        return args.format
    return "xlsx" if Path(args.out).suffix.lower() == ".xlsx" else "csv"


def cmd_export(args) -> int:
    fmt = _format(args)
    store, user, log, filters = _read(args)
    table = log[list(COLUMNS)].rename(columns=COLUMNS)
    n = export(table, fmt, args.out, layer_name="audit")
    kept = {}
    if filters["since"] is not None:
        kept["since"] = f"{filters['since']:%Y-%m-%dT%H:%M:%SZ}"
    if filters["who"] is not None:
        kept["user"] = filters["who"]
    if filters["action"] is not None:
        kept["action"] = filters["action"]
    if filters["text"]:  # as view_audit_log does: the words searched for are not kept
        kept["text search"] = True
    store.record("export", json.dumps({"layer": "audit log", "format": fmt, "rows": n, "out": str(args.out),
                                       "filters": kept}), user=user.name)
    t = translator()
    print(t("{n} audit entries written to {path}", n=t.number(n), path=args.out))
    return EXIT_OK
