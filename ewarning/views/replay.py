"""The replay view: a past period day by day, only what was known on each day, for one acting user.

A replay is the desk's picture (:func:`ewarning.views.picture`) moved along a
day cursor, always with triage as it stood on the cursor's day (edits made
later undone). Two rules are enforced here, where the picture is built, not
by hiding a widget:

- the acting user must hold ``replay`` (trainers and trainees);
- a user without ``replay_past_decision_point`` (a trainee) replays only
  within an exercise (an :class:`~ewarning.training.exercises.Exercise`) and
  is refused any as-of time after its decision point, or any replay without
  one (:class:`~ewarning.auth.errors.PermissionDenied`); the refusal is
  written to the audit log when a store is given.

The reports are shown as the user's role may see them
(:func:`ewarning.views.redact.redaction_of`: a trainee sees no free text, no
role sees reporter keys).

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.auth import User
>>> from ewarning.filters import Filters
>>> from ewarning.views import Layers
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-10 09:00", "2018-11-20 00:00"],
...     utc=True), "category": "killing", "text": ["seen by X", "later"]},
...     geometry=gpd.points_from_xy([20.68, 20.69], [4.79, 4.80]), crs="EPSG:4326")
>>> days = replay_days(Layers(alerts=a), ("2018-11-01", "2018-12-31"))
>>> str(days[0].date()), str(days[-1].date())
('2018-11-11', '2018-11-21')
>>> from ewarning.training import Exercise
>>> exercise = Exercise("demo", "2018-11-12", ["Which places would you flag?"])
>>> p = replay_picture(Layers(alerts=a), Filters(end=days[0]), User("tom", "trainee"), exercise)
>>> len(p.known.alerts), p.known.alerts["text"].iloc[0].startswith("[free text withheld"), p.filters.triage_as_known
(1, True, True)
>>> replay_picture(Layers(alerts=a), Filters(end=days[-1]), User("tom", "trainee"), exercise)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ewarning.auth.errors.PermissionDenied: tom (trainee) may not replay as of end of 20 Nov 2018 (UTC), after ...
>>> replay_picture(Layers(alerts=a), Filters(end=days[0]), User("ana", "analyst"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ewarning.auth.errors.PermissionDenied: ana (analyst) may not replay a past period day by day: it takes ...
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .. import filters as flt
from ..asof import as_of_words, parse_as_of
from ..auth.errors import PermissionDenied
from ..auth.roles import roles_with
from ..hotspots import HotspotConfig, HotspotEngine
from ..store.errors import acting_user
from .picture import Layers, Picture, _picture
from .redact import redaction_of

__all__ = ["replay_days", "replay_picture", "replay_engine", "check_replay_day", "data_span", "as_of_in", "day_in"]

_DAY = pd.Timedelta(days=1)


def day_in(value, t=None) -> str:
    """A day as the replay's cursor shows it ("14 Nov 2018" / "14 nov. 2018"), in ``t``'s language.

    >>> from ewarning.i18n import Translator
    >>> day_in("2018-11-14"), day_in("2018-11-14", Translator("fr"))
    ('14 Nov 2018', '14 nov. 2018')
    """
    from ..i18n import Translator

    return (t or Translator("en")).date(value, "d MMM y")


def as_of_in(value, t=None) -> str:
    """:func:`ewarning.asof.as_of_words` in ``t``'s language (a :class:`~ewarning.i18n.Translator`; English,
    word for word the same, by default): the replay's and the training pages' dates.

    >>> from ewarning.i18n import Translator
    >>> as_of_in("2018-11-15"), as_of_in("2018-11-14T14:30", Translator("fr"))
    ('as of end of 14 Nov 2018 (UTC)', 'au 14 nov. 2018 à 14:30 UTC')
    """
    return as_of_words(value, t)


def data_span(layers: Layers) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last report times of ``layers`` (``None`` without a report)."""
    alerts = layers.alerts
    if alerts is None or not len(alerts):
        return None
    times = pd.to_datetime(alerts["reported_at"], utc=True).dropna()
    if not len(times):
        return None
    return times.min(), times.max()


def replay_days(layers: Layers, period=None) -> list[pd.Timestamp]:
    """The day cursor's as-of times: midnights from the end of the first day with a report to the end of
    the last one, cut to ``period`` (``(start, end)`` as-of dates, either ``None``).

    No calendar runs past the data: the last as-of time sees the last report, the first one sees the first.
    Empty when there is no report, or the period misses the data.
    """
    span = data_span(layers)
    if span is None:
        return []
    first = span[0].normalize() + _DAY
    last = span[1].normalize() + _DAY
    start, end = (None, None) if period is None else period
    if start is not None:
        first = max(first, parse_as_of(start).normalize())
    if end is not None:
        last = min(last, parse_as_of(end).normalize())
    if last < first:
        return []
    return list(pd.date_range(first, last, freq="D"))


def check_replay_day(user, as_of, exercise=None, store=None) -> str:
    """The acting user's name if they may replay ``as_of`` (during ``exercise`` when given), else
    :class:`~ewarning.auth.errors.PermissionDenied` (recorded in ``store``'s audit log when given)."""
    from ..auth.audit import record_refusal

    try:
        name = acting_user(user, "a replay", permission="replay")
        point = getattr(exercise, "decision_point", None)
        when = parse_as_of(as_of)
        limited = hasattr(user, "role") and not user.can("replay_past_decision_point")
        what = None
        if limited and point is None:
            what = f"replay {as_of_words(when)} outside an exercise (a trainee replays up to a decision point)"
        elif limited and when > parse_as_of(point):
            what = f"replay {as_of_words(when)}, after the exercise's decision point ({as_of_words(point)})"
        if what is not None:
            allowed = roles_with("replay_past_decision_point")
            raise PermissionDenied(f"{user.name} ({user.role}) may not {what}: it takes the {allowed[0]} role",
                                   user=user.name, role=user.role, permission="replay_past_decision_point",
                                   what=what, allowed_roles=allowed)
    except PermissionDenied as denied:
        if store is not None:
            record_refusal(store, denied)
        raise
    return name


def replay_picture(layers: Layers, filters: flt.Filters, user, exercise=None, *, store=None,
                   config: HotspotConfig | None = None, towns=None, engine: HotspotEngine | None = None
                   ) -> Picture:
    """The picture as of ``filters.as_of`` in a replay, for ``user``.

    Parameters
    ----------
    layers : Layers
        The scenario's or the store's layers (every row, later ones included: the as-of view cuts them).
    filters : Filters
        The cursor's day is ``filters.end``; triage is always as known then (``triage_as_known=True``).
    user : ewarning.auth.User or str
        A signed-in account must hold ``replay``; a name is the operator at the command line.
    exercise : Exercise, optional
        A user without ``replay_past_decision_point`` (a trainee) needs one, and is refused any day after its
        decision point.
    store : Store, optional
        Where a refusal is recorded (the audit log).
    config, towns, engine
        As :func:`ewarning.views.picture`.

    Returns
    -------
    Picture
        Redacted for the user's role (a trainee sees no free text).
    """
    name = check_replay_day(user, filters.as_of, exercise, store)
    f = replace(filters, triage_as_known=True)
    return _picture(layers, f, name, redaction_of(user), config=config, towns=towns, engine=engine)


def replay_engine(layers: Layers, filters: flt.Filters, *, config: HotspotConfig | None = None, towns=None
                  ) -> HotspotEngine | None:
    """One engine every day of a replay can share (its preparation done once), or ``None`` when the layers
    carry triage edits (each day then has its own alerts, as triage stood that day).

    The engine scores only what was reported before each as-of time, so without triage to undo the alerts it
    is prepared on are the same for every day (:func:`ewarning.views.pictures` shares one the same way).
    """
    from .picture import _engine_alerts

    edits = layers.alert_edits
    if edits is not None and len(edits):
        return None
    f = replace(filters, triage_as_known=False)
    return HotspotEngine(_engine_alerts(layers, f), layers.sites, layers.presence, layers.patrols,
                         config or HotspotConfig(), towns=towns)
