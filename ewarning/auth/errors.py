"""Errors of sign-in, accounts and permissions.

They are :class:`~ewarning.store.StoreError` subclasses, so every caller that
already turns a store refusal into a one-line message (the command line
exits 2) does the same for these.

Each may carry its words as a translatable :class:`~ewarning.i18n.phrases.Phrase`
(``phrase``): ``str(exc)`` stays the English message, ``exc.in_language(t)``
says it in ``t``'s language (French pages and the French command line), and
:func:`in_language` does the same for any exception (English ``str`` when it has no phrase).

Examples
--------
>>> from ewarning.store import StoreError
>>> issubclass(PermissionDenied, StoreError) and issubclass(SignInRefused, AuthError)
True
>>> from ewarning.i18n import Translator
>>> from ewarning.auth.accounts import check_password
>>> try:
...     check_password("short", "ana")
... except ValueError as refused:   # PasswordRefused is a ValueError
...     print(refused.in_language(Translator("fr")).split(" (")[0])
mot de passe refusé\u00a0: il a 5 caractères, il en faut au moins 12
"""

from __future__ import annotations

from ..store.errors import StoreError

__all__ = ["AccountRefused", "AuthError", "PasswordRefused", "PermissionDenied", "SessionExpired", "SignInRefused",
           "UnknownUser", "Worded", "in_language", "worded"]


class Worded:
    """An exception whose message is also a translatable phrase (``phrase``; None: English only)."""

    phrase = None

    def in_language(self, t=None) -> str:
        """The message in ``t``'s language (:class:`~ewarning.i18n.Translator`; None or English: ``str(self)``)."""
        if self.phrase is None or t is None or t.locale == "en":
            return _english(self)
        from ..i18n.phrases import render_one

        return render_one(self.phrase, t)


def _english(exc: BaseException) -> str:
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def worded(cls, phrase, **kwargs):
    """``cls`` raised with ``phrase`` (a :class:`~ewarning.i18n.phrases.Phrase`): the English rendering is the
    message, the phrase is kept for :meth:`Worded.in_language`."""
    from ..i18n import Translator
    from ..i18n.phrases import render_one

    exc = cls(render_one(phrase, Translator("en")), **kwargs)
    exc.phrase = phrase
    return exc


def in_language(exc: BaseException, t=None) -> str:
    """Any exception's message in ``t``'s language when it carries a phrase, else as it is (English)."""
    if isinstance(exc, Worded):
        return exc.in_language(t)
    return _english(exc)


class AuthError(Worded, StoreError):
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


class AccountRefused(Worded, ValueError):
    """An account change refused for what was given: a name not usable, an account already disabled, the last
    supervisor (a :class:`ValueError`, as before)."""


class UnknownUser(Worded, KeyError):
    """No account has this name (a :class:`KeyError`, as before)."""
