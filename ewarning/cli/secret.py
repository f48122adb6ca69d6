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
from ..i18n import Translator
from ..rotation import LIMIT, rotate_secret_file
from ..security import SECRET_ENV
from ..store import open_store
from .errors import EXIT_OK, InputError, translator


def add_commands(sub, store_help: str, t: Translator | None = None) -> None:
    """Register ``secret rotate`` on ``sub`` (an argparse sub-parser object)."""
    t = t or Translator("en")
    p = sub.add_parser("secret", help=t("the pseudonymisation secret: rotate"))
    actions = p.add_subparsers(dest="secret_command", required=True, metavar="ACTION")
    r = actions.add_parser("rotate", help=t("draw a new secret and re-key every reporter key of the store"))
    r.add_argument("--store", help=store_help)
    r.add_argument("--secret-file", metavar="PATH", help=t("the secret file (default: {path})", path=secret_file()))
    r.add_argument("--yes", action="store_true", help=t("do it (without: say what would be done, change nothing)"))
    r.set_defaults(func=cmd_rotate)


def cmd_rotate(args) -> int:
    import os

    t = translator()
    path = args.secret_file or secret_file()
    if os.environ.get(SECRET_ENV):
        raise InputError(t("${variable} is set, so the secret is not in a file and cannot be replaced here; write it "
                           "(hex) to a 0600 file, unset {variable}, run 'secret rotate --secret-file FILE --yes', "
                           "then use the new file; nothing changed", variable=SECRET_ENV))
    if not args.yes:
        raise InputError(t(
            "secret rotate needs --yes: it will draw a new secret, re-key every reporter key of the store in one "
            "transaction, replace {path} with the new secret and keep the old one as {path}.retired-<time> for "
            "you to destroy; stop the dashboard and imports first. Limit: {limit}. Nothing changed",
            path=path, limit=LIMIT))
    store = open_store(args.store)
    report = rotate_secret_file(store, path, user=current_user())
    for line in report.lines():
        print(line)
    return EXIT_OK
