"""Exit codes, the refusal exception and the one error handler of the command line.

Exit status: 0 on success, 2 when an input or an argument was refused (a
one-line message on stderr: bad input, unreadable file, store error), 1 on
an unexpected failure (a message and an error id, never a traceback; the
traceback goes to ``errors.log`` in the user's data directory when it can be
written).

Every message is in the command line's language (:func:`translator`: the
``--language`` option, else ``$EWARNING_LANGUAGE``, else English); a refusal
that carries its words as a phrase (:mod:`ewarning.auth.errors`) is said in
it too, others keep their English words inside the translated line.
"""

from __future__ import annotations

import re
import secrets
import sys
import traceback
from contextlib import contextmanager
from datetime import datetime, timezone

from ..i18n import Translator, mission_locale

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2
_SPOKEN: list[Translator] = []   # the language of the command running (innermost last)


def translator() -> Translator:
    """The running command's :class:`~ewarning.i18n.Translator` (outside :func:`speaking`: the mission's)."""
    return _SPOKEN[-1] if _SPOKEN else Translator(mission_locale())


@contextmanager
def speaking(t: Translator):
    """Every message of the command line in ``t``'s language while the block runs."""
    _SPOKEN.append(t)
    try:
        yield t
    finally:
        _SPOKEN.pop()


class InputError(Exception):
    """An input the command refuses, with a message the user can act on."""


def say(msg: str) -> None:
    """A line on stderr (stdout stays the command's output)."""
    print(msg, file=sys.stderr, flush=True)


def refusals() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "this input or argument is refused" (exit 2)."""
    from ..io import ReadError
    from ..store import StoreError

    return (InputError, ReadError, StoreError, ValueError, KeyError, OSError, NotImplementedError)


def _one_line(exc: BaseException, t: Translator | None = None) -> str:
    from ..auth.errors import in_language

    text = in_language(exc, t)
    # runs of white space as one space, but the no-break spaces of French typography kept
    return re.sub(r"[^\S\u00a0\u202f]+", " ", text).strip() or type(exc).__name__


def run(func, args) -> int:
    """Run ``func(args)``; map refusals to exit 2 and unexpected failures to exit 1."""
    t = translator()
    try:
        return func(args)
    except refusals() as exc:
        say(t("error: {reason}", reason=_scrubbed(_one_line(exc, t))))
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - the contract is a message, never a traceback
        error_id = secrets.token_hex(4)
        where = _log(error_id, exc)
        failure = _scrubbed(f"{type(exc).__name__}: {_one_line(exc, t)}")
        say(t("error: unexpected failure ({failure}); error id {error_id} (details in {where}); please report it",
              failure=failure, error_id=error_id, where=where) if where else
            t("error: unexpected failure ({failure}); error id {error_id}; please report it",
              failure=failure, error_id=error_id))
        return EXIT_ERROR


def _scrubbed(text: str) -> str:
    """A message may quote the input it refuses: no phone number, e-mail or handle in it."""
    from ..identities import scrub_text

    return scrub_text(text)[0]


def _log(error_id: str, exc: BaseException) -> str | None:
    """Append the traceback to the error log; its path, or None when it cannot be written."""
    try:
        from ..config import data_dir

        path = data_dir() / "errors.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(_scrubbed(f"--- {datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} error id {error_id}: "
                               f"{' '.join(sys.argv)}\n"))
            fh.write(_scrubbed("".join(traceback.format_exception(type(exc), exc, exc.__traceback__))))
        return str(path)
    except Exception:  # noqa: BLE001 - logging must never hide the failure itself
        return None
