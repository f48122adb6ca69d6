"""Former home of ``hotspots``, ``watch`` and ``backtest``: now :mod:`ewarning.cli.engine`.

Kept as an alias so ``python -m ewarning.engine_cli ...`` and
``from ewarning.engine_cli import ...`` keep working; :func:`main` is
:func:`ewarning.cli.main` (one parser, one error handler).
"""

from __future__ import annotations

import sys

from .cli import main
from .cli.engine import UCDP_CITATION, add_commands, cmd_backtest, cmd_hotspots, cmd_watch  # noqa: F401
from .cli.errors import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, InputError  # noqa: F401
from .cli.errors import run as _run


def run_command(args) -> int:
    """Run a parsed command through the command line's one error handler."""
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
