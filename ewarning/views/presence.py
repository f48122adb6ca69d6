"""The presence picture: which components are where at ``T``, and the presence around each hotspot.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from ewarning.filters import Filters
>>> from ewarning.views import Layers, picture
>>> b = gpd.GeoDataFrame({"base_id": ["B1"], "name": ["Alindao"], "kind": ["cob"], "military": [1], "police": [0],
...     "civilian": [0], "cla": [0], "cla_female": [0], "start": pd.to_datetime(["2018-01-01"], utc=True),
...     "end": pd.NaT}, geometry=gpd.points_from_xy([20.68], [4.79]), crs="EPSG:4326")
>>> p = presence_picture(picture(Layers(presence=b), Filters(end=pd.Timestamp("2018-11-15", tz="UTC")),
...                              user="analyst"))
>>> p.counts["bases"], p.counts["multidimensional"]
(1, 0)
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from .. import filters as flt
from .. import vocab
from ..presence import components
from .picture import Picture

__all__ = ["PresencePicture", "presence_picture"]


@dataclass(frozen=True)
class PresencePicture:
    """Bases active at ``T`` inside the drawn area, their components, and the hotspots' presence.

    Attributes
    ----------
    picture : Picture
    bases : GeoDataFrame
    components : DataFrame
        Booleans per base: military, police, civilian, cla.
    sites : GeoDataFrame or None
        IDP sites open at ``T`` inside the drawn area (drawn with the bases).
    """

    picture: Picture
    bases: gpd.GeoDataFrame
    components: pd.DataFrame
    sites: gpd.GeoDataFrame | None

    @property
    def multidimensional(self) -> pd.Series:
        return self.components.all(axis=1) if len(self.bases) else pd.Series(dtype=bool)

    @property
    def counts(self) -> dict[str, int]:
        hot = self.picture.hotspots
        bases = self.bases
        return {"bases": len(bases), "multidimensional": int(self.multidimensional.sum()),
                "hotspots without full presence": int(sum(bool(g) for g in hot["presence_gap"])) if len(hot) else 0,
                "liaison assistants": int(bases["cla"].sum()) if len(bases) else 0,
                "liaison assistants (women)": int(bases["cla_female"].sum()) if len(bases) else 0}

    def hotspot_presence(self) -> pd.DataFrame:
        """One row per listed hotspot: which components reach it, the last dismounted patrol, engagements."""
        hot = self.picture.hotspots
        if not len(hot):
            return pd.DataFrame(columns=["hotspot_id", "rank", "place", "score", "flagged", *vocab.COMPONENTS,
                                         "last_dismounted_days", "engagements"])
        return pd.DataFrame({
            "hotspot_id": hot["hotspot_id"].to_numpy(), "rank": hot["rank"].to_numpy(),
            "place": hot["place"].astype(str).to_numpy(), "score": hot["score"].to_numpy(),
            "flagged": hot["flagged"].astype(bool).to_numpy(),
            **{c: [bool(p.get(c)) for p in hot["presence"]] for c in vocab.COMPONENTS},
            "last_dismounted_days": pd.to_numeric(hot["last_dismounted_days"], errors="coerce").round(0).to_numpy(),
            "engagements": hot["engagements"].to_numpy()})


def presence_picture(picture: Picture) -> PresencePicture:
    """The presence picture of ``picture``."""
    f, known = picture.filters, picture.known
    bases = flt.apply_points(known.presence, f)
    if bases is None:
        bases = gpd.GeoDataFrame({c: pd.Series(dtype="int64") for c in (*vocab.COMPONENTS, "cla_female")},
                                 geometry=[], crs="EPSG:4326")
    comp = components(bases) if len(bases) else pd.DataFrame(columns=list(vocab.COMPONENTS), dtype=bool)
    return PresencePicture(picture=picture, bases=bases, components=comp, sites=flt.apply_points(known.sites, f))
