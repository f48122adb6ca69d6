"""The audit log, read by supervisors: who saw, imported, triaged, exported and signed in, and when.

The store appends to its ``audit`` table (``Store.record``) and never changes
or deletes an entry: the GeoPackage store refuses any UPDATE or DELETE of it
with SQLite triggers. :func:`view_audit_log` is the one way the engine reads
it for a person: it checks the ``view_audit`` permission (supervisors) and
records that the log was viewed, with the filters used.

Examples
--------
>>> import tempfile, os
>>> from ewarning.store import open_store
>>> from ewarning.auth.accounts import User
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "joc.gpkg"))
>>> store.record("export", "alerts: 3 row(s)", user="ana")
>>> log = view_audit_log(store, User("sam", "supervisor"), action="export")
>>> list(log["user"])
['ana']
>>> list(store.audit_log(user="sam")["action"])
['viewed the audit log']
>>> view_audit_log(store, User("ana", "analyst"))
Traceback (most recent call last):
...
ewarning.auth.errors.PermissionDenied: ana (analyst) may not view the audit log: it takes the supervisor role
"""

from __future__ import annotations

import pandas as pd

from .roles import require

__all__ = ["REFUSED", "VIEWED", "record_refusal", "view_audit_log"]

#: The audit action written each time someone reads the log.
VIEWED = "viewed the audit log"
#: The audit action written when a signed-in user is refused an action (:func:`record_refusal`).
REFUSED = "permission refused"


def view_audit_log(store, user, since=None, who: str | None = None, action: str | None = None,
                   text: str | None = None) -> pd.DataFrame:
    """The audit entries matching the filters, newest first, for ``user`` (a supervisor).

    Parameters
    ----------
    store : ewarning.store.Store
    user : ewarning.auth.accounts.User
        The acting user; refused (:class:`~ewarning.auth.errors.PermissionDenied`) unless it holds
        ``view_audit``. The viewing is recorded under this name.
    since : time, optional
        Entries at or after it.
    who, action : str, optional
        Entries of exactly this user / action.
    text : str, optional
        Entries whose action or detail contains it (case-insensitive).
    """
    require(user, "view_audit", "view the audit log")
    since = None if since is None else pd.Timestamp(since)
    if since is not None and since.tzinfo is None:
        since = since.tz_localize("UTC")
    log = store.audit_log(since=since, user=who, action=action, text=text)
    filters = [f"{label} {value}" for label, value in (("since", since), ("user", who), ("action", action))
               if value is not None]
    if text:  # the words searched for are not kept: they may be a name someone was looking for
        filters.append("a text search")
    store.record(VIEWED, (", ".join(filters) if filters else "everything") + f": {len(log)} entries",
                 user=user.name)
    return log


def record_refusal(store, denied) -> None:
    """Write a :class:`~ewarning.auth.errors.PermissionDenied` to the audit log (who, and what was refused).

    :func:`view_audit_log` reads and records nothing when it refuses; a caller that wants the attempt kept
    (the command line does) calls this with the refusal, then lets it propagate. The detail is the
    refusal's own message (who, which role, what), never anything the user typed.

    >>> import tempfile, os
    >>> from ewarning.store import open_store
    >>> from ewarning.auth.accounts import User
    >>> from ewarning.auth.errors import PermissionDenied
    >>> store = open_store(os.path.join(tempfile.mkdtemp(), "joc.gpkg"))
    >>> try:
    ...     view_audit_log(store, User("ana", "analyst"))
    ... except PermissionDenied as denied:
    ...     record_refusal(store, denied)
    >>> store.audit_log(action=REFUSED)[["user", "detail"]].values.tolist()
    [['ana', 'ana (analyst) may not view the audit log: it takes the supervisor role']]
    """
    store.record(REFUSED, str(denied), user=getattr(denied, "user", None) or "(nobody signed in)")
