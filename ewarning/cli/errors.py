"""Exit codes, the refusal exception and the one error handler of the command line.

Exit status: 0 on success, 2 when an input or an argument was refused (a
one-line message on stderr: bad input, unreadable file, store error), 1 on
an unexpected failure (a message and an error id, never a traceback; the
traceback goes to ``errors.log`` in the user's data directory when it can be
written).
"""

from __future__ import annotations

import secrets
import sys
import traceback
from datetime import datetime, timezone

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2


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


def _one_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def run(func, args) -> int:
    """Run ``func(args)``; map refusals to exit 2 and unexpected failures to exit 1."""
    try:
        return func(args)
    except refusals() as exc:
        say(f"error: {_scrubbed(_one_line(exc))}")
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - the contract is a message, never a traceback
        error_id = secrets.token_hex(4)
        where = _log(error_id, exc)
        say(_scrubbed(f"error: unexpected failure ({type(exc).__name__}: {_one_line(exc)}); error id {error_id}")
            + (f" (details in {where})" if where else "") + "; please report it")
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
