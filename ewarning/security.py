"""Source protection and safe output.

Alert focal points have been killed for talking to missions. The reporter of
an alert (a phone number, a name) is replaced on import by a keyed hash, so
the same reporter keeps the same key (bursts from one source can be spotted)
but the key cannot be turned back into the identity without the secret, which
lives outside the store. Text from reports is escaped wherever it is rendered
and neutralised in spreadsheet cells.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import re
import secrets
from pathlib import Path

import pandas as pd


#: Environment variable holding the pseudonymisation secret (hex), if an
#: administrator prefers it to the key file.
SECRET_ENV = "EWARNING_SECRET"


class SecretUnavailable(PermissionError):
    """The pseudonym secret exists but this process may not read it (a deployment that keeps it away from the
    web process: imports and the alert intake are then refused here, with this message)."""


def load_secret(path: Path) -> bytes:
    """The mission's pseudonymisation secret: from the environment or a 0600 file.

    Created on first use. Losing it only means new reports from a known
    reporter get a new key; it never exposes anyone.
    """
    env = os.environ.get(SECRET_ENV)
    if env:
        return bytes.fromhex(env) if all(c in "0123456789abcdefABCDEF" for c in env) else env.encode()
    path = Path(path)
    if path.exists():
        try:
            return bytes.fromhex(path.read_text().strip())
        except PermissionError:
            raise SecretUnavailable(
                f"this process may not read the pseudonym secret ({path.name}): reports are imported by the "
                "account that holds it (`python -m ewarning import` run by the import service), not here") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return bytes.fromhex(key)


def pseudonymise(values: pd.Series, secret: bytes) -> pd.Series:
    """Replace reporter identities with stable keys ``R-`` + 12 hex digits.

    Identities are normalised first (spaces, dashes and case ignored) so
    ``+236 70 12 34 56`` and ``+23670123456`` get the same key.

    A value that already is a key (``R-`` and exactly 12 lower-case hex
    digits, as this function writes them) is kept, so pseudonymising twice
    changes nothing; anything else, ``R-Jean`` included, is hashed.

    >>> s = pd.Series(["+236 70 12 34 56", "+23670123456", None])
    >>> keys = pseudonymise(s, b"k")
    >>> keys[0] == keys[1], keys[0].startswith("R-"), pd.isna(keys[2])
    (True, True, True)
    >>> pseudonymise(keys, b"k").equals(keys), pseudonymise(pd.Series(["R-Jean-Pierre"]), b"k")[0] != "R-Jean-Pierre"
    (True, True)
    """
    def key(value) -> object:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            return None
        if is_key(value):
            return str(value).strip()  # already a key (re-import of an export, or protected upstream)
        text = "".join(str(value).split()).replace("-", "").lower()
        if not text:
            return None
        digest = hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return "R-" + digest[:12]

    uniques = {v: key(v) for v in values.dropna().unique()}
    return values.map(uniques).astype(object).where(values.notna(), None)


WITHHELD = "[withheld]"
_KEY = re.compile(r"R-[0-9a-f]{12}")


def is_key(value: object) -> bool:
    """Is ``value`` exactly a key as :func:`pseudonymise` writes it?"""
    return isinstance(value, str) and _KEY.fullmatch(value.strip()) is not None


def identity_rank(name: object) -> int | None:
    """Which identity a column name holds (lower = better key), or None; see :mod:`ewarning.identities`."""
    from .identities import identity_rank as rank

    return rank(name)


def identity_positions(header: list[str]) -> list[int]:
    """Positions of the header's columns that may identify a reporter."""
    return [i for i, name in enumerate(header) if identity_rank(name) is not None]


def escape(text: object) -> str:
    """HTML-escape any value for popups and tables (quotes included)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return html.escape(str(text), quote=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")


def neutralise_cell(value: object) -> object:
    """Stop a spreadsheet from executing text as a formula (CSV injection).

    >>> print(neutralise_cell('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")
    >>> neutralise_cell(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(neutralise_cell)
    return out
