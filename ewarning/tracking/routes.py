"""Track points estimated from stored patrol routes (lines with a start and an end, no time per point).

The store keeps a patrol as a line with its start and end; the time of each
vertex is gone. :func:`points_from_routes` puts the patrol's duration along
its line in proportion to distance (a constant speed), so the analytics can
still say how far, how fast on average and which sites it passed, and when
(roughly). Stops and the split between walking and driving inside one patrol
cannot be recovered this way: the desk says so, and the GPS tracks
(``python -m ewarning patrols summary``) give them.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import LineString
>>> p = gpd.GeoDataFrame({"patrol_id": ["P1"], "start": pd.to_datetime(["2018-11-01T08:00Z"]),
...     "end": pd.to_datetime(["2018-11-01T10:00Z"])}, geometry=[LineString([(21.2, 5.0), (21.2, 5.05),
...     (21.2, 5.10)])], crs="EPSG:4326")
>>> pts = points_from_routes(p)
>>> pts["time"].dt.strftime("%H:%M").tolist()
['08:00', '09:00', '10:00']
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..geo import metric_crs

__all__ = ["points_from_routes"]


def points_from_routes(patrols: gpd.GeoDataFrame) -> pd.DataFrame:
    """``patrol_id, time, lat, lon`` for every vertex of every route, times spread by distance."""
    cols = ["patrol_id", "time", "lat", "lon"]
    if patrols is None or len(patrols) == 0:
        return pd.DataFrame(columns=cols)
    p = patrols[patrols.geometry.notna() & ~patrols.geometry.is_empty].reset_index(drop=True)
    if p.empty:
        return pd.DataFrame(columns=cols)
    lonlat, idx = shapely.get_coordinates(p.geometry.to_crs("EPSG:4326").to_numpy(), return_index=True)
    xy = shapely.get_coordinates(p.geometry.to_crs(metric_crs(p)).to_numpy())
    step = np.r_[0.0, np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1]))]
    step[np.r_[True, idx[1:] != idx[:-1]]] = 0.0
    cum = np.cumsum(step)
    first = np.r_[0, np.flatnonzero(np.diff(idx)) + 1]
    base = np.repeat(cum[first], np.diff(np.r_[first, len(idx)]))
    along = cum - base
    total = np.bincount(idx, weights=step, minlength=len(p))[idx]
    frac = np.where(total > 0, along / np.where(total > 0, total, 1.0), 0.0)
    start = pd.to_datetime(p["start"], utc=True).to_numpy()[idx]
    end = pd.to_datetime(p["end"].fillna(p["start"]), utc=True).to_numpy()[idx]
    times = pd.to_datetime(start + (end - start) * frac, utc=True).round("s")
    return pd.DataFrame({"patrol_id": p["patrol_id"].astype(str).to_numpy()[idx], "time": times,
                         "lat": lonlat[:, 1], "lon": lonlat[:, 0]})
