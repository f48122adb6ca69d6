"""The ``brief`` command: the leadership briefing as PDF, slides or HTML, as the Briefing page makes it.

``python -m ewarning brief --as-of DATE [--area AREA] --format pdf|pptx|html --out PATH``

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
export is recorded in the audit log (format, as-of, mode, area, file).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="ewarning")
>>> add_commands(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["brief", "--as-of", "2018-11-15", "--out", "b.pdf"])
>>> args.format, args.annex, args.area
(None, False, None)
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import pandas as pd

from ..asof import parse_as_of
from ..config import current_user
from .errors import EXIT_OK, InputError, say

__all__ = ["add_commands", "cmd_brief"]


def add_commands(sub, store_help: str = "store file") -> None:
    """Register ``brief`` on ``sub`` (an argparse sub-parser object)."""
    from ..render.briefing import FORMATS

    p = sub.add_parser("brief", help="the leadership briefing (PDF, slides or HTML), redacted by default")
    p.add_argument("--store", help=store_help)
    p.add_argument("--as-of", dest="as_of", required=True, metavar="DATE",
                   help="brief on what was reported before DATE (a bare date = start of day UTC: 2018-11-15 briefs "
                        "on 14 Nov)")
    p.add_argument("--area", metavar="AREA",
                   help="a sector of the basemap (East, Sector West...) or a box MINLON,MINLAT,MAXLON,MAXLAT "
                        "(default: the whole mission)")
    p.add_argument("--format", metavar="FORMAT", help=f"one of {', '.join(FORMATS)} (default: from --out's suffix)")
    p.add_argument("--out", required=True, metavar="PATH", help="the file to write")
    p.add_argument("--previous", metavar="DATE",
                   help="the previous briefing compared with (default: the last recorded before --as-of, else 7 "
                        "days earlier)")
    p.add_argument("--annex", action="store_true",
                   help="add the detailed annex: free text and exact locations of the reports behind the flagged "
                        "hotspots (analysts and supervisors; never reporter keys)")
    p.add_argument("--classification", metavar="MARKING",
                   help="the marking on every page (default: $EWARNING_CLASSIFICATION or UN RESTRICTED)")
    p.add_argument("--as", dest="acting", metavar="NAME",
                   help="sign in as this account (password asked for) instead of acting as the operator")
    p.add_argument("--password-stdin", action="store_true",
                   help="with --as: read the password from the first line of standard input")
    p.set_defaults(func=cmd_brief)


def _format(args) -> str:
    from ..render.briefing import FORMATS, check_format

    if args.format:
        return check_format(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InputError(f"--out {args.out}: give --format ({', '.join(FORMATS)}) or a file name ending in one of them")


def _date(value: str, option: str) -> pd.Timestamp:
    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise InputError(f"{option} {value!r} refused: {exc}") from None


def _acting(args, store):
    """The operator's name, or the account ``--as`` names once its password is checked."""
    if not args.acting:
        if args.password_stdin:
            raise InputError("--password-stdin needs --as NAME")
        return current_user()
    from ..auth import accounts

    if args.password_stdin:
        lines = sys.stdin.read().splitlines()
        if not lines:
            raise InputError(f"--password-stdin: standard input ended before the password of {args.acting}")
        password = lines[0]
    else:
        password = getpass.getpass(f"password of {args.acting}: ")
    return accounts.authenticate(store, args.acting, password, now=pd.Timestamp.now(tz="UTC"))


def cmd_brief(args) -> int:
    from ..auth.audit import record_refusal
    from ..auth.errors import PermissionDenied
    from ..render import briefing as products
    from ..views import Layers
    from ..views.briefing import area_from_text, briefing, last_briefing_as_of, record_export
    from .engine import _open_existing

    fmt = _format(args)
    as_of = _date(args.as_of, "--as-of")
    previous = _date(args.previous, "--previous") if args.previous else None
    out = Path(args.out)
    if not out.parent.exists():
        raise InputError(f"--out {args.out}: no folder {out.parent}")
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
        raise InputError(f"store {store.location} holds no report before {as_of:%Y-%m-%d %H:%M} UTC: "
                         "nothing to brief on")
    try:
        b = briefing(layers, as_of, user, area=area, area_name=area_name, previous_as_of=previous,
                                previous_source=source, annex=args.annex, classification=args.classification,
                                mission_name=store.get_setting("mission_name"))
    except PermissionDenied as denied:
        record_refusal(store, denied)
        raise
    products.write(b, fmt, out)
    record_export(store, b, fmt, user, out=str(out))
    flagged = int(b.hotspots["flagged"].sum()) if len(b.hotspots) else 0
    say(f"briefing {b.as_of_words} ({b.scope_text}; {b.mode}; {len(b.hotspots)} hotspot(s), {flagged} flagged; "
        f"compared with {b.previous_words}) written to {out} as {fmt}")
    return EXIT_OK
