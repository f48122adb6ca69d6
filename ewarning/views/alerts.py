"""The alerts shown under the filters, and the triage queue, without scoring anything.

The triage page, the exports and the Data page need the alerts as of ``T``
(triage as known then when asked) but no hotspot: these views are built from
the same as-of view as :func:`ewarning.views.picture`, at a fraction of its
cost, so a triage edit is followed by the queue at once.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.filters import Filters
>>> from ewarning.views import Layers
>>> a = gpd.GeoDataFrame({"id": ["A1", "A2"], "reported_at": pd.to_datetime(["2018-11-10", "2018-11-12"], utc=True),
...     "category": "killing", "verification": ["unverified", "verified"], "duplicate_of": None, "severity": 3},
...     geometry=gpd.points_from_xy([20.68, 20.69], [4.79, 4.80]), crs="EPSG:4326")
>>> q = triage_queue(Layers(alerts=a), Filters(end=pd.Timestamp("2018-11-15", tz="UTC")), user="analyst")
>>> q.queue["id"].tolist(), q.counts["verified"]
(['A1'], 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from .. import filters as flt
from .. import triage
from ..io.writers import spreadsheet_table
from ..store.errors import acting_user
from .picture import Layers, known
from .redact import redact_alerts, redaction_of

__all__ = ["alerts_export", "shown_alerts", "same_reporter_words", "TriageQueue", "triage_queue"]


def shown_alerts(layers: Layers, f: flt.Filters) -> gpd.GeoDataFrame:
    """The alerts lists, the map and exports show under ``f``: reported in the window, passing every filter,
    with triage as it stood at ``T`` when ``f.triage_as_known`` (else today's)."""
    return flt.apply_alerts(known(layers, f).alerts, f)


def alerts_export(layers: Layers, f: flt.Filters, user, include_text: bool = False) -> pd.DataFrame:
    """The alerts under ``f`` as a spreadsheet export holds them (:func:`ewarning.io.writers.spreadsheet_table`:
    no reporter keys, formulas neutralised), for ``user``.

    A signed-in account must hold ``export``, and ``export_free_text`` when ``include_text``
    (:class:`~ewarning.auth.errors.PermissionDenied` otherwise); the caller records the export with the choice.
    """
    acting_user(user, "an export of the alerts", permission="export")
    if include_text:
        acting_user(user, "an export of the reports' free text", permission="export_free_text")
    return spreadsheet_table(shown_alerts(layers, f), include_text=include_text)


@dataclass(frozen=True)
class TriageQueue:
    """The triage queue under the filters: unverified reports not linked as duplicates, newest first.

    Attributes
    ----------
    filters : Filters
    user : str
    alerts : GeoDataFrame
        Every alert shown under the filters (:func:`shown_alerts`).
    queue : GeoDataFrame
    """

    filters: flt.Filters
    user: str
    alerts: gpd.GeoDataFrame
    queue: gpd.GeoDataFrame

    @property
    def counts(self) -> dict[str, int]:
        a = self.alerts
        return {"queue": len(self.queue), "alerts": len(a),
                "verified": int((a["verification"] == "verified").sum()) if len(a) else 0,
                "discounted": int((a["verification"] == "discounted").sum()) if len(a) else 0}


def triage_queue(layers: Layers, f: flt.Filters, user) -> TriageQueue:
    """The queue ``user`` triages under ``f``."""
    name = acting_user(user, "the triage queue", permission="triage")
    alerts = redact_alerts(shown_alerts(layers, f), redaction_of(user))   # no role sees reporter keys
    return TriageQueue(filters=f, user=name, alerts=alerts, queue=triage.queue(alerts))


def same_reporter_words(alerts: gpd.GeoDataFrame, alert_id: str, t=None) -> str:
    """How many other stored reports came from the same reporter as ``alert_id``, in words (``t``'s language,
    a :class:`~ewarning.i18n.Translator`; English by default): what triage needs of the pseudonymous key (a
    reporter heard often, or once) without showing the key to anyone.

    >>> import geopandas as gpd
    >>> a = gpd.GeoDataFrame({"id": ["A", "B", "C"], "reporter_key": ["k1", "k1", None]}, geometry=[None] * 3)
    >>> same_reporter_words(a, "A"), same_reporter_words(a, "C")
    ('1 other report from the same reporter (keys are shown to no one)', 'no reporter recorded')
    >>> from ewarning.i18n import Translator
    >>> same_reporter_words(a, "A", t=Translator("fr"))
    '1 autre signalement du même informateur (les clés ne sont montrées à personne)'
    """
    from ..i18n import Translator

    t = t or Translator("en")
    keys = alerts["reporter_key"] if "reporter_key" in alerts.columns else None
    mine = None if keys is None else keys[alerts["id"] == alert_id]
    if mine is None or not len(mine) or mine.isna().all() or str(mine.iloc[0]).strip() == "":
        return t("no reporter recorded")
    others = int((keys == mine.iloc[0]).sum()) - 1
    if others == 1:
        return t("1 other report from the same reporter (keys are shown to no one)")
    return t("{n} other reports from the same reporter (keys are shown to no one)", n=t.number(others))
