"""Secret commands: ``secret rotate`` (a new pseudonymisation secret, the store's reporter keys re-keyed).

``secret rotate --store S [--secret-file PATH] --yes`` draws a new secret,
re-keys every reporter key of the store in one transaction
(:func:`ewarning.rotation.rotate_secret_file`), puts the new secret in place
and keeps the old one as ``<name>.retired-<time>`` for the administrator to
destroy. Without ``--yes`` it says what it would do and changes nothing. It
refuses when ``$EWARNING_SECRET`` is set (the secret is then not in a file).
The rotation is appended to the store's audit log with who did it
(:func:`ewarning.config.current_user`, read here at the edge).

Stop the dashboard and any import while it runs: an import that read the old
secret before the rotation and writes after it would store keys under the
old secret.
"""

from __future__ import annotations

from ..config import current_user, secret_file
from ..rotation import LIMIT, rotate_secret_file
from ..security import SECRET_ENV
from ..store import open_store
from .errors import EXIT_OK, InputError


def add_commands(sub, store_help: str) -> None:
    """Register ``secret rotate`` on ``sub`` (an argparse sub-parser object)."""
    p = sub.add_parser("secret", help="the pseudonymisation secret: rotate")
    actions = p.add_subparsers(dest="secret_command", required=True, metavar="ACTION")
    r = actions.add_parser("rotate", help="draw a new secret and re-key every reporter key of the store")
    r.add_argument("--store", help=store_help)
    r.add_argument("--secret-file", metavar="PATH", help=f"the secret file (default: {secret_file()})")
    r.add_argument("--yes", action="store_true", help="do it (without: say what would be done, change nothing)")
    r.set_defaults(func=cmd_rotate)


def cmd_rotate(args) -> int:
    import os

    path = args.secret_file or secret_file()
    if os.environ.get(SECRET_ENV):
        raise InputError(f"${SECRET_ENV} is set, so the secret is not in a file and cannot be replaced here; "
                         f"write it (hex) to a 0600 file, unset {SECRET_ENV}, run 'secret rotate --secret-file "
                         "FILE --yes', then use the new file; nothing changed")
    if not args.yes:
        raise InputError(
            f"secret rotate needs --yes: it will draw a new secret, re-key every reporter key of the store in one "
            f"transaction, replace {path} with the new secret and keep the old one as {path}.retired-<time> for "
            f"you to destroy; stop the dashboard and imports first. Limit: {LIMIT}. Nothing changed")
    store = open_store(args.store)
    report = rotate_secret_file(store, path, user=current_user())
    for line in report.lines():
        print(line)
    return EXIT_OK
