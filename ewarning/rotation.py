"""Rotating the pseudonymisation secret with the links between reports kept.

Reporter keys are ``R-`` + 12 hex digits of an HMAC of the reporter's
identity under the mission's secret (:func:`ewarning.security.pseudonymise`).
The identity is never stored, so after a new secret is drawn the keys cannot
be computed again from identities. Rotation therefore maps each *old key* to
a new one with a keyed function of the old key under the new secret
(:func:`rotated_key`): two reports that shared a key still share one, and the
old secret is no longer needed to read the store.

The limit, said everywhere it matters: a reporter seen before the rotation
and again after it gets two different keys, because a new import hashes the
identity under the new secret (``HMAC(new, identity)``), which is not the
rotated old key (``HMAC(new, "rotate:" + HMAC(old, identity))``). Keeping
that link would need the old secret (or the identities), which is what
rotation destroys.

- :func:`rotate_keys` re-keys a store in one transaction (no file touched);
- :func:`rotate_secret_file` is what ``python -m ewarning secret rotate``
  does: draw a new secret, write it beside the old one (0600, a temporary
  file), re-key the store, then put the new secret in place atomically and
  keep the old one as ``<name>.retired-<time>`` for the administrator to
  destroy once the backups made under it are rotated out.

>>> rotated_key("R-0123456789ab", b"new") == rotated_key("R-0123456789ab", b"new")
True
>>> rotated_key("R-0123456789ab", b"new") != rotated_key("R-0123456789ab", b"other")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .security import SECRET_ENV, is_key

#: What the new secret keys when it re-keys an old key (never the same input as an identity's hash).
ROTATE_PREFIX = b"rotate:"
#: The audit log's action for a rotation.
AUDIT_ACTION = "secret:rotate"
#: Said wherever a rotation is reported: what it does not keep.
LIMIT = ("a reporter seen before this rotation and again after it gets a different key: new imports hash "
         "identities under the new secret, which does not give the re-keyed old key; links among reports "
         "stored before the rotation are kept, links across it are not")


class RotationRefused(ValueError):
    """The rotation was not done (nothing changed), with what to do instead."""


def rotated_key(old_key: str, new_secret: bytes) -> str:
    """The key that replaces ``old_key`` under ``new_secret``: ``R-`` + 12 hex of HMAC(new, "rotate:" + old)."""
    if not is_key(old_key):
        raise ValueError("not a reporter key (R- and 12 lower-case hex digits)")
    digest = hmac.new(new_secret, ROTATE_PREFIX + old_key.strip().encode("ascii"), hashlib.sha256).hexdigest()
    return "R-" + digest[:12]


@dataclass(frozen=True)
class RotationReport:
    """What one rotation changed."""

    keys: int                 # distinct reporter keys re-keyed
    alerts: int               # alert rows changed
    quarantine: int           # quarantined rows changed
    alert_edits: int          # triage edits changed
    audit_mentions: int = 0   # audit entries quoting an old key (the append-only log is not rewritten)
    secret_file: Path | None = None
    retired_file: Path | None = None

    def lines(self) -> list[str]:
        out = [f"{self.keys} reporter key(s) re-keyed under a new secret ({self.alerts} alert(s), "
               f"{self.quarantine} quarantined row(s), {self.alert_edits} triage edit(s)); reports that shared "
               "a key still share one",
               f"limit: {LIMIT}"]
        if self.audit_mentions:
            out.append(f"note: {self.audit_mentions} audit log entr(ies) quote an old key; the audit log is "
                       "append-only and keeps them")
        if self.secret_file is not None:
            out.append(f"new secret: {self.secret_file} (0600); back it up offline, apart from the store")
        if self.retired_file is not None:
            out.append(f"old secret kept as {self.retired_file}: destroy it (shred -u) once every backup of the "
                       "store made before this rotation is destroyed; until then it lets anyone test guessed phone "
                       "numbers against the old keys in those backups and against the generated alert ids "
                       "(A-...) of the store, which are not re-keyed (SECURITY.md)")
        return out


def rotate_keys(store, old_secret: bytes, new_secret: bytes, user: str) -> RotationReport:
    """Re-key every reporter key of ``store`` from ``old_secret`` to ``new_secret`` in one transaction.

    The old secret is not needed to compute the new keys (they come from the
    old keys); it is asked for so that rotating to the same secret is refused.
    ``user`` (who is rotating) goes to the audit log with the counts.
    """
    if not new_secret:
        raise RotationRefused("the new secret is empty")
    if hmac.compare_digest(bytes(old_secret), bytes(new_secret)):
        raise RotationRefused("the new secret is the old one: nothing would be rotated")
    counts = store.rekey_reporters(lambda old: rotated_key(old, new_secret), user=user, action=AUDIT_ACTION)
    return RotationReport(keys=counts["keys"], alerts=counts["alerts"], quarantine=counts["quarantine"],
                          alert_edits=counts["alert_edits"], audit_mentions=counts["audit_mentions"])


def rotate_secret_file(store, path: str | Path, user: str, now: pd.Timestamp | None = None) -> RotationReport:
    """Draw a new secret, re-key ``store`` and replace the secret file ``path``; the old one is retired.

    Order (a failure leaves the store and ``path`` as they were until the
    store's transaction commits):

    1. the new secret is written to a temporary 0600 file beside ``path``;
    2. the store is re-keyed (:func:`rotate_keys`, one transaction); on any
       failure the temporary file is removed and the error raised;
    3. the old secret is kept as ``<name>.retired-<UTC time>`` (0600) and the
       new one renamed over ``path`` (atomic: ``path`` always holds a secret).

    Raises
    ------
    RotationRefused
        When ``$EWARNING_SECRET`` is set (the secret is not in a file) or
        ``path`` holds no secret.
    """
    if os.environ.get(SECRET_ENV):
        raise RotationRefused(
            f"${SECRET_ENV} is set: the secret is not in a file, so this command cannot replace it. To rotate: "
            f"unset {SECRET_ENV}, write the current secret (hex) to a 0600 file, run 'secret rotate "
            "--secret-file FILE --yes', then set the service's secret from the new file (or keep the file)")
    path = Path(path)
    if not path.is_file():
        raise RotationRefused(f"{path}: no secret file to rotate (nothing has been imported with it yet; a "
                              "new store needs no rotation)")
    try:
        old_secret = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise RotationRefused(f"{path}: not a secret file (hex digits expected); nothing changed") from None
    if not old_secret:
        raise RotationRefused(f"{path}: the secret file is empty; nothing changed")
    new_hex = secrets.token_hex(32)
    temp = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(new_hex)
            fh.flush()
            os.fsync(fh.fileno())
        report = rotate_keys(store, old_secret, bytes.fromhex(new_hex), user)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    # The store is committed under the new secret: from here the new secret must reach ``path``.
    retired = _retired_name(path, now)
    try:
        _keep_copy(path, retired)
        os.replace(temp, path)
        _sync_dir(path.parent)
    except OSError as exc:
        raise OSError(f"the store was re-keyed but the new secret could not be put in place ({exc}); it is in "
                      f"{temp}: move it to {path} before any import, or the next imports will not match") from None
    return RotationReport(**{**report.__dict__, "secret_file": path, "retired_file": retired})


def _retired_name(path: Path, now: pd.Timestamp | None) -> Path:
    stamp = (now or pd.Timestamp.now(tz="UTC")).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = path.with_name(f"{path.name}.retired-{stamp}"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.retired-{stamp}-{n}")
    return candidate


def _keep_copy(path: Path, retired: Path) -> None:
    """``retired`` gets the old secret (a hard link, else a 0600 copy); ``path`` stays in place meanwhile."""
    try:
        os.link(path, retired)
    except OSError:
        fd = os.open(retired, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            shutil.copyfileobj(src, out)
    os.chmod(retired, 0o600)


def _sync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
