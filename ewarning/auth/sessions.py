"""Signed-in sessions: who, since when, and when the session ends.

Pure: no store, no clock of its own, no randomness. Every function takes
``now`` (tests pass explicit times). A session ends after :data:`IDLE_TIMEOUT`
without activity (:func:`touch` records activity) or :data:`ABSOLUTE_TIMEOUT`
after it started, whichever comes first; both can be changed per session
with a :class:`SessionPolicy`.

Examples
--------
>>> import pandas as pd
>>> from ewarning.auth.accounts import User
>>> t0 = pd.Timestamp("2026-12-02 08:00", tz="UTC")
>>> s = open_session(User("ana", "analyst"), t0)
>>> s.expires
Timestamp('2026-12-02 08:30:00+0000', tz='UTC')
>>> s = touch(s, t0 + pd.Timedelta(minutes=20))
>>> s.is_expired(t0 + pd.Timedelta(minutes=45)), s.is_expired(t0 + pd.Timedelta(minutes=50))
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from ..i18n import N_
from ..i18n.phrases import Num, Phrase
from .errors import SessionExpired, worded

__all__ = ["ABSOLUTE_TIMEOUT", "IDLE_TIMEOUT", "Session", "SessionPolicy", "account_disabled", "open_session",
           "touch"]

#: Why a session ended (English templates, translated where shown: ``exc.in_language(t)``).
ENDED_IDLE = N_("the session of {name} was idle for more than {minutes} minutes: sign in again")
ENDED_LIMIT = N_("the session of {name} reached its {hours}-hour limit: sign in again")
ENDED_DISABLED = N_("the account of {name} was disabled: ask a supervisor")
NO_SESSION = N_("no session for a disabled or missing account")

IDLE_TIMEOUT = pd.Timedelta(minutes=30)
ABSOLUTE_TIMEOUT = pd.Timedelta(hours=12)


def _utc(now) -> pd.Timestamp:
    value = pd.Timestamp(now)
    if pd.isna(value):
        raise ValueError(f"now={now!r} is not a time")
    return value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts: ``idle`` without activity, ``absolute`` in all.

    Examples
    --------
    >>> SessionPolicy(idle=pd.Timedelta(minutes=10)).absolute
    Timedelta('0 days 12:00:00')
    """

    idle: pd.Timedelta = IDLE_TIMEOUT
    absolute: pd.Timedelta = ABSOLUTE_TIMEOUT

    def __post_init__(self):
        idle, absolute = pd.Timedelta(self.idle), pd.Timedelta(self.absolute)
        if not (pd.Timedelta(0) < idle <= absolute):
            raise ValueError(f"session timeouts refused: idle {idle} must be positive and at most the "
                             f"absolute lifetime {absolute}")
        object.__setattr__(self, "idle", idle)
        object.__setattr__(self, "absolute", absolute)


@dataclass(frozen=True)
class Session:
    """One signed-in user's session.

    Attributes
    ----------
    user : ewarning.auth.accounts.User
        Who signed in (their role as it was at sign-in; pages re-read the account on every run).
    started, last_seen : pandas.Timestamp
        Sign-in time and last activity (UTC).
    policy : SessionPolicy
        The idle and absolute timeouts.

    Examples
    --------
    >>> from ewarning.auth.accounts import User
    >>> t0 = pd.Timestamp("2026-12-02 08:00", tz="UTC")
    >>> s = Session(User("lee", "leadership"), t0, t0)
    >>> s.role, s.absolute_end
    ('leadership', Timestamp('2026-12-02 20:00:00+0000', tz='UTC'))
    """

    user: object
    started: pd.Timestamp
    last_seen: pd.Timestamp
    policy: SessionPolicy = field(default_factory=SessionPolicy)

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def absolute_end(self) -> pd.Timestamp:
        return self.started + self.policy.absolute

    @property
    def expires(self) -> pd.Timestamp:
        """When the session ends if nothing more happens: the idle end or the absolute end, the earlier."""
        return min(self.last_seen + self.policy.idle, self.absolute_end)

    def is_expired(self, now) -> bool:
        """Whether the session has ended at ``now`` (ended at exactly :attr:`expires`)."""
        return _utc(now) >= self.expires


def open_session(user, now, policy: SessionPolicy | None = None) -> Session:
    """A new session for ``user`` (from :func:`ewarning.auth.accounts.authenticate`) starting at ``now``."""
    if user is None or not getattr(user, "active", False):
        raise worded(SessionExpired, Phrase(NO_SESSION))
    now = _utc(now)
    return Session(user, now, now, policy or SessionPolicy())


def touch(session: Session, now) -> Session:
    """The session with activity at ``now``; :class:`SessionExpired` if it had already ended.

    A clock that goes backwards does not move ``last_seen`` back.
    """
    now = _utc(now)
    if session.is_expired(now):
        hours = session.policy.absolute.total_seconds() / 3600
        minutes = session.policy.idle.total_seconds() / 60
        raise worded(SessionExpired, Phrase(ENDED_LIMIT, name=session.user.name, hours=_amount(hours))
                     if now >= session.absolute_end else
                     Phrase(ENDED_IDLE, name=session.user.name, minutes=_amount(minutes)))
    return replace(session, last_seen=max(session.last_seen, now))


def _amount(value: float):
    """An amount of hours or minutes as ``:g`` writes it in English (``30``, ``7.5``), by the locale otherwise."""
    return Num(value, 0) if float(value).is_integer() else Num(value, len(f"{value:g}".partition(".")[2]))


def account_disabled(name: str) -> SessionExpired:
    """The :class:`SessionExpired` that ends the session of an account disabled meanwhile (raised by the desk)."""
    return worded(SessionExpired, Phrase(ENDED_DISABLED, name=name))
