"""The site watch: IDP sites open at ``T`` ranked by armed activity nearby and presence gaps.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.filters import Filters
>>> from ewarning.views import Layers, picture
>>> a = gpd.GeoDataFrame({"id": ["A1"], "reported_at": pd.to_datetime(["2018-11-10"], utc=True),
...     "category": "killing", "killed": [3]}, geometry=gpd.points_from_xy([20.69], [4.80]), crs="EPSG:4326")
>>> s = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Alindao"], "population": [18000.0],
...     "opened": pd.NaT, "closed": pd.NaT}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
>>> w = site_watch(picture(Layers(alerts=a, sites=s), Filters(end=pd.Timestamp("2018-11-15", tz="UTC")),
...                       user="analyst"))
>>> w.sites["name"].tolist(), int(w.sites.loc[0, "nearby_alerts"])
(['Alindao'], 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from .. import filters as flt
from ..hotspots import HotspotConfig
from ..hotspots.watch import watch
from ..store.errors import acting_user
from .picture import Layers, Picture, known

__all__ = ["SiteWatch", "site_watch", "site_watch_at"]


@dataclass(frozen=True)
class SiteWatch:
    """Watched sites as of ``T``, highest risk first (:data:`ewarning.hotspots.watch.WATCH_COLUMNS`)."""

    filters: flt.Filters
    user: str
    sites: gpd.GeoDataFrame
    notes: list = field(default_factory=list)

    @property
    def as_of(self):
        return self.filters.as_of

    def features(self) -> list[dict]:
        from ..hotspots.watch import WatchResult
        return WatchResult(self.as_of, self.sites, self.notes).features()


def _watch(then, f: flt.Filters, user: str, config, top, roads) -> SiteWatch:
    r = watch(flt.scoring_alerts(then.alerts, f), flt.apply_points(then.sites, f), then.presence, as_of=f.as_of,
              config=config, top=top, roads=roads)
    return SiteWatch(filters=f, user=user, sites=r.sites, notes=list(r.notes))


def site_watch(picture: Picture, top: int | None = None, roads=None) -> SiteWatch:
    """The watch of the sites open at ``T`` inside the drawn area, on the alerts the scorer saw."""
    return _watch(picture.known, picture.filters, picture.user, picture.config, top, roads)


def site_watch_at(layers: Layers, f: flt.Filters, user, *, config: HotspotConfig | None = None,
                  top: int | None = None, roads=None) -> SiteWatch:
    """:func:`site_watch` straight from the layers, when no hotspot is needed (the ``watch`` command)."""
    name = acting_user(user, "the IDP-site watch", permission="view_desk")
    return _watch(known(layers, f), f, name, config, top, roads)
