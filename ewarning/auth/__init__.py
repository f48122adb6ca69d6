"""Sign-in, roles, sessions and the audit log's reader (knows nothing of Streamlit).

- :mod:`~ewarning.auth.roles`: the five roles, the permission matrix and
  :func:`require`;
- :mod:`~ewarning.auth.accounts`: :class:`User`, local accounts in the store
  (argon2id hashes), the password policy, :func:`authenticate` with throttling;
- :mod:`~ewarning.auth.sessions`: :class:`Session` with idle and absolute
  timeouts, pure (the clock is passed in);
- :mod:`~ewarning.auth.audit`: :func:`view_audit_log` for supervisors;
- :mod:`~ewarning.auth.errors`: :class:`PermissionDenied`,
  :class:`SignInRefused`, :class:`PasswordRefused`, :class:`SessionExpired`.

Examples
--------
>>> from ewarning.auth import User, require
>>> require(User("ana", "analyst"), "triage").name
'ana'
"""

from __future__ import annotations

from .accounts import User, add_user, authenticate, change_password, check_password, disable_user, load_user
from .audit import view_audit_log
from .errors import AuthError, PasswordRefused, PermissionDenied, SessionExpired, SignInRefused
from .roles import MATRIX, PERMISSIONS, ROLES, Redaction, allows, redaction_for, require, roles_with
from .sessions import Session, SessionPolicy, open_session, touch

__all__ = ["MATRIX", "PERMISSIONS", "ROLES", "AuthError", "PasswordRefused", "PermissionDenied", "Redaction",
           "Session", "SessionExpired", "SessionPolicy", "SignInRefused", "User", "add_user", "allows",
           "authenticate", "change_password", "check_password", "disable_user", "load_user", "open_session",
           "redaction_for", "require", "roles_with", "touch", "view_audit_log"]
