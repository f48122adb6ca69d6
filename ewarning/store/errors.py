"""Errors every store backend raises, and the check that a write names who is acting.

Backend-neutral: the GeoPackage store raises these today and a PostGIS
store will raise the same, so callers catch one set of exceptions whatever
the backend (``from ewarning.store import StoreError, EditConflict``).

Examples
--------
>>> acting_user("  ana ")
'ana'
>>> acting_user(None)
Traceback (most recent call last):
...
ValueError: no acting user for this write: pass user= (the caller says who is acting; the store never guesses)
"""

from __future__ import annotations

__all__ = ["EditConflict", "ImportRaced", "StoreError", "acting_user"]


class StoreError(RuntimeError):
    """The store cannot be used (not a GeoPackage, locked, newer schema...) or refused a write."""


class ImportRaced(StoreError):
    """Another import stored this file, or some of its keys, while it was being checked; nothing was written.

    The import pipeline answers it by checking the file again against the
    store (the file is then "unchanged", or its rows already stored are
    refused one by one), so two analysts importing one file at once store it
    once, and neither loses the rest of theirs.
    """


class EditConflict(StoreError):
    """An edit was based on a version of a row that someone else has since changed.

    Attributes
    ----------
    alert_id, user, at : str
        The row, who changed it last and when (ISO 8601 UTC).
    current, based_on : int
        The row's version now, and the version the refused edit was based on.
    """

    def __init__(self, alert_id: str, user: str | None, at: str | None, current: int, based_on: int):
        self.alert_id, self.user, self.at = alert_id, user or "unknown", at or "unknown time"
        self.current, self.based_on = current, based_on
        super().__init__(f"alert {alert_id} was changed by {self.user} at {self.at}; reload and try again")


def acting_user(user, what: str = "this write", permission: str | None = None) -> str:
    """The acting user's name, checked; :class:`ValueError` when there is none.

    Every write records who made it. The name is always passed in by the
    caller (the command line resolves it once, a page takes the session's
    user); the store, triage and the import pipeline never read it from the
    environment, so a server backend with sign-in records the signed-in user.

    ``user`` is either a name (the operator at the command line, who already
    holds the store file) or a signed-in account (an
    :class:`ewarning.auth.User`, what every page passes). An account must hold
    ``permission`` when one is given: the check is made here, where the data is
    read or written, not by hiding a widget
    (:class:`~ewarning.auth.errors.PermissionDenied` otherwise).
    """
    if hasattr(user, "role"):   # a signed-in account (duck-typed: ewarning.auth imports this module)
        if permission is not None:
            from ..auth.roles import require

            require(user, permission)   # the permission's own words: 'ana may not import files into the store'
        elif not getattr(user, "active", False):
            raise ValueError(f"no acting user for {what}: the account {user.name!r} is disabled")
        user = user.name
    if not isinstance(user, str) or not user.strip():
        raise ValueError(f"no acting user for {what}: pass user= (the caller says who is acting; "
                         "the store never guesses)")
    return user.strip()
