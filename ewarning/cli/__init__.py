"""Command-line interface: ``python -m ewarning COMMAND ...``.

Every batch job the dashboard does has a command here, on one parser
(:func:`build_parser`), one module per group of commands:

- :mod:`ewarning.cli.data`: ``import``, ``validate``, ``export``, ``status``, ``demo``;
- :mod:`ewarning.cli.engine`: ``hotspots``, ``watch``, ``backtest`` (the store by
  default, files when given);
- :mod:`ewarning.cli.mission`: ``mission show``, ``mission set`` (the store's
  mission area and number locale);
- :mod:`ewarning.cli.users`: ``users add``, ``users list``, ``users disable``,
  ``users password`` (local accounts; changes need a supervisor's password);
- :mod:`ewarning.cli.secret`: ``secret rotate`` (a new pseudonymisation secret, reporter keys re-keyed);
- :mod:`ewarning.cli.audit`: ``audit show``, ``audit export`` (the audit log, for supervisors);
- :mod:`ewarning.cli.patrols`: ``patrols summary`` (patrol analytics from GPS tracks).

One error handler (:func:`ewarning.cli.errors.run`): exit status 0 on
success, 2 when an input was refused (bad input, unreadable file, store
error, wrong arguments) with a one-line message on stderr, 1 on an
unexpected failure (a message and an error id, never a bare traceback).

Language: ``--language en|fr`` (before the command; default
``$EWARNING_LANGUAGE``, else English) says every message, summary and
refusal in that language, and the help too (with argparse's own words:
``usage:``, ``options``, its refusals of a command line). Machine-readable output (CSV, GeoJSON, JSON:
column names, codes, notes) and exit codes are the same in every language.
"""

from __future__ import annotations

import argparse
import inspect
import sys

from contextlib import contextmanager

from .. import __version__
from ..config import STORE_ENV, default_store
from ..i18n import LANGUAGE_ENV, LOCALES, N_, Translator, mission_locale
from .errors import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, InputError, run, speaking

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_ERROR", "EXIT_REFUSED", "InputError"]


#: argparse's own words (its gettext messages, placeholders ``%s`` / ``%(name)s`` as argparse fills them), said in
#: the command line's language.
ARGPARSE_WORDS = frozenset({
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("ambiguous option: %(option)s could match %(matches)s"),
})


@contextmanager
def _argparse_speaking(t: Translator):
    """argparse's own words in ``t``'s language while the block runs (English: untouched)."""
    if t.locale == "en":
        yield
        return
    english = argparse._
    argparse._ = lambda message: t(message) if message in ARGPARSE_WORDS else english(message)
    try:
        yield
    finally:
        argparse._ = english


def language_of(argv: list[str]) -> str:
    """The language ``argv`` asks for (``--language fr`` / ``--language=fr``), else the mission's; read before
    the parser is built, since the parser's help is in that language. An unknown value is left for the parser
    to refuse.

    >>> language_of(["--language", "fr", "status"]), language_of(["--language=en", "status"])
    ('fr', 'en')
    """
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    pre.add_argument("--language")
    known, _ = pre.parse_known_args([a for a in argv if a not in ("-h", "--help")])
    value = (known.language or "").strip().lower()
    return value if value in LOCALES else mission_locale()


def build_parser(t: Translator | None = None) -> argparse.ArgumentParser:
    """The one parser of every command, its help in ``t``'s language (default English)."""
    from . import audit, data, engine, mission, secret, users
    from . import replay
    from . import brief
    from . import patrols

    t = t or Translator("en")
    parser = argparse.ArgumentParser(prog="python -m ewarning",
                                     description=t("Early-warning engine for peacekeeping missions (offline)."))
    parser.add_argument("--version", action="version", version=f"ewarning {__version__}")
    parser.add_argument("--language", choices=list(LOCALES), default=mission_locale(),
                        help=t("language of the messages and the help: {choices} (default: ${variable}, else "
                               "English)", choices=", ".join(LOCALES), variable=LANGUAGE_ENV))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    store_help = t("store file (default: ${variable} or {path})", variable=STORE_ENV, path=default_store())
    kw = {"t": t}
    data.add_commands(sub, store_help, **kw)
    engine.add_commands(sub, store_help, **kw)
    mission.add_commands(sub, store_help, **kw)
    users.add_commands(sub, store_help, **kw)
    audit.add_commands(sub, store_help, **kw)
    secret.add_commands(sub, store_help, **kw)
    replay.add_commands(sub, store_help, **kw)
    # ewarning.cli.brief's help stays English until its add_commands takes a translator
    brief.add_commands(sub, store_help, **(kw if "t" in inspect.signature(brief.add_commands).parameters else {}))
    patrols.add_commands(sub, store_help, **kw)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``) and run the command in the language asked for; the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    t = Translator(language_of(argv))
    with speaking(t):
        with _argparse_speaking(t):
            args = build_parser(t).parse_args(argv)
        return run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
