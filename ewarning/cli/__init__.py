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
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..config import STORE_ENV, default_store
from .errors import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, InputError, run

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_ERROR", "EXIT_REFUSED", "InputError"]


def build_parser() -> argparse.ArgumentParser:
    """The one parser of every command."""
    from . import audit, data, engine, mission, secret, users
    from . import replay
    from . import brief
    from . import patrols

    parser = argparse.ArgumentParser(prog="python -m ewarning",
                                     description="Early-warning engine for peacekeeping missions (offline).")
    parser.add_argument("--version", action="version", version=f"ewarning {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    store_help = f"store file (default: ${STORE_ENV} or {default_store()})"
    data.add_commands(sub, store_help)
    engine.add_commands(sub, store_help)
    mission.add_commands(sub, store_help)
    users.add_commands(sub, store_help)
    audit.add_commands(sub, store_help)
    secret.add_commands(sub, store_help)
    replay.add_commands(sub, store_help)
    brief.add_commands(sub, store_help)
    patrols.add_commands(sub, store_help)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``) and run the command; the exit status."""
    args = build_parser().parse_args(argv)
    return run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
