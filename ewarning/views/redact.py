"""What a role may see of the reports: free text withheld, reporter keys dropped, locations coarsened.

One place applies a :class:`~ewarning.auth.roles.Redaction` to a layer, so the
desk, the replay, the briefing and the exports redact the same way. The
acting user decides it: a signed-in account by its role
(:func:`ewarning.auth.roles.redaction_for`), the operator at the command line
(a name: who holds the store file already holds everything in it) as an
analyst does.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from ewarning.auth import User
>>> a = gpd.GeoDataFrame({"id": ["A-1"], "text": ["Called by X"], "reporter": ["rk-1"]},
...                      geometry=[Point(20.6789, 4.7654)], crs="EPSG:4326")
>>> r = redaction_of(User("tom", "trainee"))
>>> out = redact_alerts(a, r)
>>> out.loc[0, "text"] == TEXT_WITHHELD, "reporter" in out.columns
(True, False)
>>> redact_alerts(a, redaction_of(User("lee", "leadership"))).geometry.iloc[0].wkt
'POINT (20.625 4.875)'
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..auth.roles import Redaction, redaction_for
from ..io.writers import TEXT_WITHHELD

__all__ = ["COARSE_CELL_DEG", "OPERATOR", "SMALL_COUNT", "TEXT_WITHHELD", "coarse_cell_counts", "coarsen_points",
           "redact_alerts", "redaction_of", "shown_count"]

#: What the command-line operator sees (as an analyst: free text and exact locations, never reporter keys).
OPERATOR = redaction_for("analyst")

#: Grid cell (degrees) locations are snapped to when exact locations are withheld: 0.25° is about 28 km at
#: the equator, coarser than a village and than the engine's narrow kernel, finer than a prefecture.
COARSE_CELL_DEG = 0.25

_KEY_COLUMNS = ("reporter", "reporter_key")
_TEXT_COLUMNS = ("text",)


def redaction_of(user) -> Redaction:
    """The :class:`Redaction` for ``user``: a signed-in account by its role, a name (the command line) as
    :data:`OPERATOR`."""
    role = getattr(user, "role", None)
    return OPERATOR if role is None else redaction_for(role)


def coarsen_points(frame: gpd.GeoDataFrame, cell_deg: float = COARSE_CELL_DEG) -> gpd.GeoDataFrame:
    """``frame`` with every point moved to the centre of its ``cell_deg`` grid cell (other shapes to their
    cell's centre too: a coarsened layer holds no finer coordinate)."""
    if frame is None or not len(frame):
        return frame
    centroids = frame.geometry.representative_point()
    x = (np.floor(centroids.x / cell_deg) + 0.5) * cell_deg
    y = (np.floor(centroids.y / cell_deg) + 0.5) * cell_deg
    out = frame.copy()
    out = out.set_geometry(gpd.points_from_xy(x, y, crs=frame.crs))
    for column in ("lat", "lon", "latitude", "longitude", "location_precision_m"):
        if column in out.columns:
            out = out.drop(columns=column)
    return out


def redact_alerts(alerts: gpd.GeoDataFrame, redaction: Redaction) -> gpd.GeoDataFrame:
    """``alerts`` as ``redaction`` lets them be seen: reporter keys dropped unless allowed, free text replaced
    by :data:`~ewarning.io.writers.TEXT_WITHHELD` unless allowed, points coarsened unless exact locations are
    allowed. Returns ``alerts`` itself when nothing is to change (views share layers, never modify them)."""
    if alerts is None:
        return alerts
    drop = [] if redaction.reporter_keys else [c for c in _KEY_COLUMNS if c in alerts.columns]
    text = [] if redaction.free_text else [c for c in _TEXT_COLUMNS if c in alerts.columns]
    if not drop and not text and redaction.exact_locations:
        return alerts
    out = alerts.drop(columns=drop)
    for column in text:
        has_text = out[column].notna() & (out[column].astype(str).str.strip() != "")
        out[column] = pd.Series(np.where(has_text, TEXT_WITHHELD, None), index=out.index, dtype=object)
    if not redaction.exact_locations:
        out = coarsen_points(out)
    return out


#: Counts of reports or casualties below this are shown as ``"<3"`` in redacted products: a count of one or
#: two reports from one place can point at who reported.
SMALL_COUNT = 3


def shown_count(value, suppress: bool = True, below: int = SMALL_COUNT) -> str:
    """A count as a redacted product prints it: ``"<3"`` for 1 and 2 when ``suppress``, else the number
    (thousands separated); ``"0"`` stays (it points at nobody), an unknown count is ``"—"``.

    >>> shown_count(2), shown_count(0), shown_count(1234), shown_count(2, suppress=False)
    ('<3', '0', '1,234', '2')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    n = int(round(float(value)))
    if suppress and 0 < n < below:
        return f"<{below}"
    return f"{n:,}"


def coarse_cell_counts(frame: gpd.GeoDataFrame, cell_deg: float = COARSE_CELL_DEG) -> gpd.GeoDataFrame:
    """One point per ``cell_deg`` grid cell holding rows of ``frame``, at the cell's centre
    (:func:`coarsen_points`), with ``count``: what a redacted map draws instead of individual reports.

    >>> import geopandas as gpd
    >>> a = gpd.GeoDataFrame(geometry=gpd.points_from_xy([20.61, 20.62, 21.3], [4.71, 4.72, 5.1]), crs="EPSG:4326")
    >>> c = coarse_cell_counts(a)
    >>> [(p.x, p.y, n) for p, n in zip(c.geometry, c["count"])]
    [(20.625, 4.625, 2), (21.375, 5.125, 1)]
    """
    if frame is None or not len(frame):
        return gpd.GeoDataFrame({"count": pd.Series(dtype="int64")}, geometry=[], crs="EPSG:4326")
    cells = coarsen_points(frame[[frame.geometry.name]], cell_deg)
    key = pd.DataFrame({"x": cells.geometry.x.round(9), "y": cells.geometry.y.round(9)})
    counts = key.value_counts(sort=False).rename("count").reset_index().sort_values(["y", "x"]).reset_index(drop=True)
    return gpd.GeoDataFrame({"count": counts["count"].astype("int64")},
                            geometry=gpd.points_from_xy(counts["x"], counts["y"]), crs=frame.crs)
