"""The situation: every layer of the situation map as of ``T``, the hotspots drawn and the header's counts.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.filters import Filters
>>> from ewarning.views import Layers, picture
>>> a = gpd.GeoDataFrame({"id": ["A1"], "reported_at": pd.to_datetime(["2018-11-10"], utc=True),
...     "category": "killing"}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
>>> s = situation(picture(Layers(alerts=a), Filters(end=pd.Timestamp("2018-11-15", tz="UTC")), user="analyst"))
>>> s.counts["alerts"], s.counts["hotspots"]
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from .. import filters as flt
from .picture import Picture

__all__ = ["Situation", "situation", "MAP_TOP"]

#: Hotspots drawn on the situation map: the top ones and every flagged one (the Hotspots page lists all).
MAP_TOP = 15


@dataclass(frozen=True)
class Situation:
    """What the situation map shows.

    Attributes
    ----------
    picture : Picture
    alerts : GeoDataFrame
        Reported in the window, passing the filters (triage as the picture shows it).
    sites, presence : GeoDataFrame or None
        Open / active at ``T``, inside the drawn area.
    patrols : GeoDataFrame or None
        Started in the window, crossing the drawn area.
    hotspots : GeoDataFrame
        The hotspots drawn: the top :data:`MAP_TOP` and every flagged one.
    n_listed : int
        Every hotspot listed (the Hotspots page's table).
    """

    picture: Picture
    alerts: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame | None
    presence: gpd.GeoDataFrame | None
    patrols: gpd.GeoDataFrame | None
    hotspots: gpd.GeoDataFrame
    n_listed: int

    @property
    def notes(self) -> list[str]:
        return self.picture.notes

    @property
    def n_flagged(self) -> int:
        hot = self.picture.hotspots
        return int(hot["flagged"].astype(bool).sum()) if len(hot) else 0

    @property
    def counts(self) -> dict[str, int]:
        """The map header's counts, in the order shown."""
        return {"alerts": _n(self.alerts), "hotspots": len(self.hotspots), "flagged": self.n_flagged,
                "IDP sites": _n(self.sites), "bases": _n(self.presence), "patrols": _n(self.patrols)}

    @property
    def caption(self) -> str:
        """The header's line: the filters in words, and what the map leaves to the Hotspots page."""
        text = self.picture.filters.describe()   # says "triage as known then" when it is
        if not self.picture.filters.triage_as_known:
            text += f"; {self.picture.triage_words}"
        if self.n_listed > len(self.hotspots):
            text += f"; map shows the top {MAP_TOP} and every flagged hotspot of {self.n_listed} listed"
        return text


def _n(frame) -> int:
    return 0 if frame is None else len(frame)


def situation(picture: Picture, map_top: int = MAP_TOP) -> Situation:
    """The situation map's layers and counts from ``picture``."""
    f, known = picture.filters, picture.known
    hot = picture.hotspots
    n_listed = len(hot)
    # A national map cannot show forty labelled areas legibly: the top ones and every flagged one.
    if n_listed:
        hot = hot[(hot["rank"] <= map_top) | hot["flagged"].astype(bool)]
    return Situation(picture=picture, alerts=picture.window_alerts, sites=flt.apply_points(known.sites, f),
                     presence=flt.apply_points(known.presence, f), patrols=flt.apply_patrols(known.patrols, f),
                     hotspots=hot, n_listed=n_listed)
