"""Errors of sign-in, accounts and permissions.

They are :class:`~ewarning.store.StoreError` subclasses, so every caller that
already turns a store refusal into a one-line message (the command line
exits 2) does the same for these.

Examples
--------
>>> from ewarning.store import StoreError
>>> issubclass(PermissionDenied, StoreError) and issubclass(SignInRefused, AuthError)
True
"""

from __future__ import annotations

from ..store.errors import StoreError

__all__ = ["AuthError", "PasswordRefused", "PermissionDenied", "SessionExpired", "SignInRefused"]


class AuthError(StoreError):
    """Base of every refusal by :mod:`ewarning.auth`."""


class PermissionDenied(AuthError):
    """The acting user's role does not allow the action.

    Attributes
    ----------
    user, role : str or None
        Who tried (``None`` when nobody is signed in).
    permission, what : str
        The permission needed and the action in words.
    allowed_roles : tuple of str
        The roles that would allow it (empty: no role does).
    """

    def __init__(self, message: str, *, user: str | None, role: str | None, permission: str, what: str,
                 allowed_roles: tuple[str, ...]):
        super().__init__(message)
        self.user, self.role, self.permission, self.what = user, role, permission, what
        self.allowed_roles = allowed_roles


class SignInRefused(AuthError):
    """A sign-in was refused: unknown name or wrong password (one message for both), or throttled.

    Attributes
    ----------
    throttled_until : pandas.Timestamp or None
        When further attempts for this name are accepted again, if throttled.
    """

    def __init__(self, message: str, throttled_until=None):
        super().__init__(message)
        self.throttled_until = throttled_until


class PasswordRefused(AuthError, ValueError):
    """A new password does not meet the policy (the message says which rule and what to do)."""


class SessionExpired(AuthError):
    """A session went idle too long or reached its absolute lifetime: sign in again."""
