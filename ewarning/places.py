"""Naming places the way an analyst would: "23 km NE of Bambari".

Hotspots are named after the IDP site or base *inside* their area nearest
its centre (see :meth:`ewarning.hotspots.HotspotEngine._place_names`); with
none inside, after the town of the shipped gazetteer
(``geodata/basemap/towns.geojson``, real town names) nearest the centre, with
distance and compass direction; failing that, by coordinates. A name never
depends on sites or bases outside the area, so importing an unrelated site
never renames a hotspot.

Examples
--------
>>> offset_phrase(0.0, 0.0, 16.3, 16.3, "Bria")
'23 km NE of Bria'
>>> offset_phrase(0.0, 0.0, 0.4, -0.2, "Bria")
'Bria'
"""

from __future__ import annotations

import math

import geopandas as gpd

from .config import GEODATA

__all__ = ["TOWNS_FILE", "shipped_towns", "offset_phrase", "compass"]

TOWNS_FILE = GEODATA / "basemap" / "towns.geojson"
_POINTS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


def shipped_towns() -> gpd.GeoDataFrame | None:
    """The shipped town gazetteer (EPSG:4326, column ``name``), or None when it is not there."""
    if not TOWNS_FILE.exists():
        return None
    towns = gpd.read_file(TOWNS_FILE)
    if "name" not in towns.columns or towns.empty:
        return None
    return towns.to_crs("EPSG:4326")[["name", "geometry"]]


def compass(dx: float, dy: float) -> str:
    """Eight-point compass direction of the vector ``(dx east, dy north)``.

    >>> [compass(0, 1), compass(1, 0), compass(-1, -1)]
    ['N', 'E', 'SW']
    """
    bearing = math.degrees(math.atan2(dx, dy)) % 360.0
    return _POINTS[int((bearing + 22.5) // 45.0) % 8]


def offset_phrase(town_x: float, town_y: float, x: float, y: float, town: str) -> str:
    """``"<d> km <dir> of <town>"`` for a point ``(x, y)`` km from the town at ``(town_x, town_y)`` km.

    Within 3 km it is the town itself.
    """
    dx, dy = x - town_x, y - town_y
    d = math.hypot(dx, dy)
    if d < 3.0:
        return town
    return f"{d:.0f} km {compass(dx, dy)} of {town}"
