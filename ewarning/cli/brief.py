"""The ``brief`` command: the leadership briefing as PDF, slides or HTML, as the Briefing page makes it.

``python -m ewarning brief --as-of DATE [--area AREA] --format pdf|pptx|html --out PATH [--language en|fr]``

The store (``--store``, default ``$EWARNING_STORE`` or the user's store) is
briefed through :func:`ewarning.views.briefing.briefing`, the view the page
uses, so the command and the download button give the same product.
Redacted by default (no reporter key, no free text, reports as counts per
grid cell, small counts as "<3"). ``--annex`` adds the detailed annex (free
text and exact locations of the reports behind the flagged hotspots); the
command-line operator may (as an analyst), and ``--as NAME`` signs in an
account instead (password from the terminal or ``--password-stdin``): a
leadership account is refused and the refusal is audited. The previous
briefing compared with is ``--previous DATE``, else the last briefing
recorded in the audit log before the as-of date, else 7 days earlier. Every
export is recorded in the audit log (format, language, as-of, mode, area,
file). ``--language`` chooses the product's language (default: the command
line's ``--language``, else ``$EWARNING_LANGUAGE``, else English).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="ewarning")
>>> add_commands(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["brief", "--as-of", "2018-11-15", "--out", "b.pdf"])
>>> args.format, args.annex, args.area, args.brief_language
(None, False, None, None)
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import pandas as pd

from ..asof import parse_as_of
from ..config import current_user
from ..i18n import LOCALES, Translator, mission_locale
from .errors import EXIT_OK, InputError, say

__all__ = ["add_commands", "cmd_brief"]


def _cli_translator() -> Translator:
    """The command line's language (its ``--language``, else the mission's)."""
    try:
        from .errors import translator
    except ImportError:   # a command line without languages: the mission's
        return Translator(mission_locale())
    return translator()


def add_commands(sub, store_help: str = "store file", t: Translator | None = None) -> None:
    """Register ``brief`` on ``sub`` (an argparse sub-parser object), its help in ``t``'s language."""
    from ..render.briefing import FORMATS

    t = t or Translator("en")
    p = sub.add_parser("brief", help=t("the leadership briefing (PDF, slides or HTML), redacted by default"))
    p.add_argument("--store", help=store_help)
    p.add_argument("--as-of", dest="as_of", required=True, metavar="DATE",
                   help=t("brief on what was reported before DATE (a bare date = start of day UTC: 2018-11-15 "
                          "briefs on 14 Nov)"))
    p.add_argument("--area", metavar="AREA",
                   help=t("a sector of the basemap (East, Sector West...) or a box MINLON,MINLAT,MAXLON,MAXLAT "
                          "(default: the whole mission)"))
    p.add_argument("--format", metavar="FORMAT",
                   help=t("one of {formats} (default: from --out's suffix)", formats=", ".join(FORMATS)))
    p.add_argument("--out", required=True, metavar="PATH", help=t("the file to write"))
    p.add_argument("--previous", metavar="DATE",
                   help=t("the previous briefing compared with (default: the last recorded before --as-of, else 7 "
                          "days earlier)"))
    p.add_argument("--annex", action="store_true",
                   help=t("add the detailed annex: free text and exact locations of the reports behind the flagged "
                          "hotspots (analysts and supervisors; never reporter keys)"))
    p.add_argument("--classification", metavar="MARKING",
                   help=t("the marking on every page (default: $EWARNING_CLASSIFICATION or UN RESTRICTED)"))
    # its own dest: the command line's --language (before the command) keeps its meaning, this one wins for the
    # product
    p.add_argument("--language", dest="brief_language", choices=list(LOCALES), metavar="LANGUAGE",
                   help=t("the product's language: {choices} (default: the command line's language, else "
                          "$EWARNING_LANGUAGE, else English)", choices=", ".join(LOCALES)))
    p.add_argument("--as", dest="acting", metavar="NAME",
                   help=t("sign in as this account (password asked for) instead of acting as the operator"))
    p.add_argument("--password-stdin", action="store_true",
                   help=t("with --as: read the password from the first line of standard input"))
    p.set_defaults(func=cmd_brief)


def language_of(args) -> str:
    """The product's language: ``brief --language``, else the command line's ``--language``, else
    ``$EWARNING_LANGUAGE`` (:func:`ewarning.i18n.mission_locale`), else English."""
    for value in (getattr(args, "brief_language", None), getattr(args, "language", None)):
        if value and str(value).strip().lower() in LOCALES:
            return str(value).strip().lower()
    return mission_locale()


def _format(args) -> str:
    from ..render.briefing import FORMATS, check_format

    if args.format:
        return check_format(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    t = _cli_translator()
    raise InputError(t("--out {out}: give --format ({formats}) or a file name ending in one of them", out=args.out,
                       formats=", ".join(FORMATS)))


def _date(value: str, option: str) -> pd.Timestamp:
    try:
        return parse_as_of(value)
    except ValueError as exc:
        t = _cli_translator()
        raise InputError(t("{option} {value} refused: {reason}", option=option, value=repr(value),
                           reason=exc)) from None


def _acting(args, store):
    """The operator's name, or the account ``--as`` names once its password is checked."""
    t = _cli_translator()
    if not args.acting:
        if args.password_stdin:
            raise InputError(t("--password-stdin needs --as NAME"))
        return current_user()
    from ..auth import accounts

    if args.password_stdin:
        lines = sys.stdin.read().splitlines()
        if not lines:
            raise InputError(t("--password-stdin: standard input ended before the password of {name}",
                                               name=args.acting))
        password = lines[0]
    else:
        password = getpass.getpass(t("password of {name}: ", name=args.acting))
    return accounts.authenticate(store, args.acting, password, now=pd.Timestamp.now(tz="UTC"))


def cmd_brief(args) -> int:
    from ..auth.audit import record_refusal
    from ..auth.errors import PermissionDenied
    from ..render import briefing as products
    from ..views import Layers
    from ..views.briefing import area_from_text, briefing, last_briefing_as_of, record_export
    from .engine import _open_existing

    t = _cli_translator()
    fmt = _format(args)
    as_of = _date(args.as_of, "--as-of")
    previous = _date(args.previous, "--previous") if args.previous else None
    out = Path(args.out)
    if not out.parent.exists():
        raise InputError(t("--out {out}: no folder {folder}", out=args.out, folder=out.parent))
    try:
        area_name, area = area_from_text(args.area)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    store = _open_existing(args.store)
    user = _acting(args, store)
    source = "date chosen"
    if previous is None:
        previous = last_briefing_as_of(store, as_of, area_name)
        source = "last recorded briefing" if previous is not None else None
    layers = Layers.from_store(store, until=as_of)
    if layers.alerts is None or not len(layers.alerts):
        raise InputError(t("store {store} holds no report before {when} UTC: nothing to brief on",
                           store=store.location, when=as_of.strftime("%Y-%m-%d %H:%M")))
    try:
        b = briefing(layers, as_of, user, area=area, area_name=area_name, previous_as_of=previous,
                     previous_source=source, annex=args.annex, classification=args.classification,
                     mission_name=store.get_setting("mission_name"), locale=language_of(args))
    except PermissionDenied as denied:
        record_refusal(store, denied)
        raise
    products.write(b, fmt, out)
    record_export(store, b, fmt, user, out=str(out))
    flagged = int(b.hotspots["flagged"].sum()) if len(b.hotspots) else 0
    t = b.t   # the summary in the product's language
    say(t("briefing {as_of} ({scope}; {mode}; {n} hotspot(s), {flagged} flagged; compared with {previous}) "
           "written to {out} as {fmt}", as_of=b.as_of_words, scope=b.scope_text, mode=b.mode_words,
           n=len(b.hotspots), flagged=flagged, previous=b.previous_words, out=out, fmt=fmt))
    return EXIT_OK
