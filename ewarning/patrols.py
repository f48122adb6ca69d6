"""Patrol routes: where the mission's units went, how, and whom they met.

Columns of a validated patrols layer (lines, EPSG:4326): ``patrol_id``,
``unit``, ``component`` (:data:`ewarning.vocab.PATROL_COMPONENTS`), ``type``
(:data:`ewarning.vocab.PATROL_TYPES`: dismounted, vehicle, ...), ``start``,
``end`` (UTC), ``engagements`` (community engagements made on the way),
``cla_present`` (a liaison assistant took part), ``female_engagement_team``.

A route comes from a line geometry (GeoJSON, GeoPackage, GPX or KML track)
or from route points ``patrol_id, seq, time, lat, lon`` (:func:`validate_points`
then :func:`routes_from_points`). A patrol with no route is quarantined: a
patrol nobody can place on the map cannot show coverage.

Examples
--------
>>> import pandas as pd
>>> from ewarning.io.base import RawTable
>>> pts = pd.DataFrame({"patrol_id": ["P1", "P1", "P1"], "seq": ["1", "2", "3"],
...     "time": ["2018-11-01T08:00", "2018-11-01T09:00", "2018-11-01T10:00"],
...     "lat": ["4.70", "4.75", "4.79"], "lon": ["20.60", "20.64", "20.68"]}, index=[1, 2, 3])
>>> v = validate_points(RawTable("patrol_points", pts, "p.csv", "own"))
>>> routes = routes_from_points(v.valid)
>>> routes.loc[0, "patrol_id"], routes.geometry[0].geom_type, str(routes.loc[0, "end"])
('P1', 'LineString', '2018-11-01 10:00:00+00:00')
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, MultiLineString

from . import vocab
from .io.base import RawTable
from .validation import RowChecker, Validated, empty_result, quarantine_rows

COLUMNS = ["patrol_id", "unit", "component", "type", "start", "end", "engagements", "cla_present",
           "female_engagement_team"]
POINT_COLUMNS = ["patrol_id", "seq", "time"]


def validate_points(raw: RawTable, now: pd.Timestamp | None = None, bbox=None,
                    locale: str | None = None) -> Validated:
    """Check route points one by one (a bad GPS fix loses one point, not the patrol)."""
    if raw.frame.empty:
        return empty_result("patrol_points", POINT_COLUMNS, raw.notes)
    rc = RowChecker(raw.frame, now or pd.Timestamp.now(tz="UTC"), locale=locale, number_columns=["seq"])
    df = pd.DataFrame(index=raw.frame.index)
    lat, lon = rc.coordinates(bbox)
    df["patrol_id"] = rc.required("patrol_id")
    seq = rc.integer("seq")
    df["time"] = rc.timestamp("time")
    # Without a sequence number, points are taken in time order, then file order.
    df["seq"] = seq.fillna(pd.Series(np.arange(len(df), dtype="float64"), index=df.index))
    rc.fail(rc.column("seq").isna() & rc.column("time").isna() & rc.column("patrol_id").notna()
            & ("seq" in raw.frame.columns), "seq: missing (and no time to order the point by)")
    geometry = gpd.points_from_xy(lon.fillna(0), lat.fillna(0))
    return rc.split("patrol_points", raw.source, df, geometry, POINT_COLUMNS)


def routes_from_points(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One line per patrol from its ordered points; start/end from point times.

    Patrols with fewer than two points get an empty geometry, which
    :func:`validate` quarantines with the reason.
    """
    if points.empty:
        return gpd.GeoDataFrame({"patrol_id": [], "start": [], "end": [], "n_points": []},
                                geometry=[], crs="EPSG:4326")
    ordered = points.sort_values(["patrol_id", "seq", "time", "source_row"])
    rows = []
    for patrol_id, group in ordered.groupby("patrol_id", sort=False):
        coords = list(zip(group.geometry.x, group.geometry.y))
        rows.append({
            "patrol_id": patrol_id,
            "start": group["time"].min(),
            "end": group["time"].max(),
            "n_points": len(group),
            "source_rows": group["source_row"].tolist(),
            "geometry": LineString(coords) if len(coords) >= 2 else None,
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def validate(raw: RawTable, now: pd.Timestamp | None = None, bbox=None,
             existing_ids: set[str] | None = None, secret: bytes = b"",
             routes: gpd.GeoDataFrame | None = None, locale: str | None = None) -> Validated:
    """Check and type patrols, taking routes from ``raw.geometry`` or ``routes``.

    Patrols found only in ``routes`` (route points with no patrol table) are
    added with unknown unit, component and type, and said so in the notes.
    """
    frame = raw.frame.copy()
    notes = list(raw.notes)
    if routes is not None and len(routes):
        frame, added = _attach_routes(frame, routes)
        if added:
            notes.append(f"{added} patrol(s) came only from route points; their unit, component and type are unknown")
    if frame.empty:
        return empty_result("patrols", COLUMNS, notes)
    rc = RowChecker(frame, now or pd.Timestamp.now(tz="UTC"), locale=locale, number_columns=["engagements"])
    df = pd.DataFrame(index=frame.index)
    df["unit"] = rc.column("unit")
    df["component"] = rc.choice("component", vocab.PATROL_COMPONENTS, vocab.PATROL_COMPONENT_SYNONYMS,
                                default="unknown")
    df["type"] = rc.choice("type", vocab.PATROL_TYPES, vocab.PATROL_TYPE_SYNONYMS, default="unknown")
    df["start"] = rc.timestamp("start", required=True)
    df["end"] = rc.timestamp("end")
    rc.fail(df["end"] < df["start"], "end: before start")
    df["engagements"] = rc.integer("engagements", low=0).fillna(0).astype("int64")
    df["cla_present"] = rc.flag("cla_present")
    df["female_engagement_team"] = rc.flag("female_engagement_team")
    geometry = frame["geometry"] if "geometry" in frame.columns else pd.Series(None, index=frame.index)
    geometry = geometry.map(_as_line)
    rc.fail(geometry.isna(), "route: no route (give a GPX/KML track, a line, or route points with this patrol_id)")
    rc.fail(geometry.map(lambda g: g is not None and _first_out_of_range(g) is not None),
            lambda i: "route: point " + geometry[i].map(_first_out_of_range) + " is outside the valid range")
    generated = pd.Series(["P-" + str(i) for i in frame.index], index=frame.index)
    df["patrol_id"] = rc.identifiers("patrol_id", generated, existing_ids)
    result = rc.split("patrols", raw.source, df, geometry.to_numpy(), COLUMNS)
    result.notes.extend(notes)
    return result


def unplaced_points(points: Validated, routes: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Split valid points into used ones and those of one-point routes (quarantined)."""
    short = routes[routes.geometry.isna()]
    if short.empty:
        return points.valid, points.quarantine
    bad_rows = {r for rows in short["source_rows"] for r in rows}
    mask = points.valid["source_row"].isin(bad_rows)
    raw = points.valid[mask].drop(columns="geometry").set_index("source_row")
    reasons = pd.Series("route: patrol " + raw["patrol_id"].astype(str) + " has fewer than 2 valid points",
                        index=raw.index)
    extra = quarantine_rows("patrol_points", points.quarantine["source"].iloc[0] if len(points.quarantine) else "",
                            raw, reasons)
    return points.valid[~mask], pd.concat([points.quarantine, extra], ignore_index=True)


def _attach_routes(frame: pd.DataFrame, routes: gpd.GeoDataFrame) -> tuple[pd.DataFrame, int]:
    frame = frame.copy()
    if "patrol_id" not in frame.columns:
        frame["patrol_id"] = pd.Series(dtype=object)
    by_id = routes.set_index("patrol_id")
    ids = frame["patrol_id"].astype(str)
    if "geometry" not in frame.columns:
        frame["geometry"] = None
    frame["geometry"] = [by_id.geometry.get(i) if g is None or (isinstance(g, float)) else g
                         for i, g in zip(ids, frame["geometry"])]
    for col in ("start", "end"):
        if col not in frame.columns:
            frame[col] = None
        from_points = ids.map(by_id[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        given = frame[col].notna() & frame[col].astype(str).str.strip().ne("")
        frame[col] = frame[col].where(given, from_points)
    missing = routes[~routes["patrol_id"].isin(set(ids)) & routes.geometry.notna()]
    if len(missing):
        start = (frame.index.max() if len(frame) else 0) + 1
        extra = pd.DataFrame({
            "patrol_id": missing["patrol_id"].to_numpy(),
            "start": missing["start"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "end": missing["end"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "geometry": missing.geometry.to_numpy(),
        }, index=pd.RangeIndex(start, start + len(missing)))
        frame = pd.concat([frame, extra])
    return frame, len(missing)


def _as_line(geom):
    """Lines pass; multi-lines (GPX segments) are joined; anything else is no route."""
    if geom is None or isinstance(geom, float):
        return None
    if isinstance(geom, LineString):
        return geom if len(geom.coords) >= 2 else None
    if isinstance(geom, MultiLineString):
        coords = [c for part in geom.geoms for c in part.coords]
        return LineString(coords) if len(coords) >= 2 else None
    return None


def _first_out_of_range(line: LineString) -> str | None:
    """The first impossible vertex, as 'n (lat, lon)', so the user can find the bad fix."""
    for n, (x, y) in enumerate(line.coords, start=1):
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            return f"{n} (lat {y:g}, lon {x:g})"
    return None
