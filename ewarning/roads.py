"""Road network: how long a component takes to reach a place from its bases.

Straight-line reach (``HotspotConfig.reach_km``) overstates how quickly a
patrol can get somewhere in a country of few, poor roads. Given a road layer
(lines; an optional ``speed_kmh`` column, else a speed by road class), the
travel time from the nearest base holding a component is computed on the
road graph: the base walks or drives off road to its nearest road node, the
road is followed at its speed, and the last stretch to the place is off road
again (``off_road_kmh``). A place reached off road directly from a base
counts too.

Roads are noded where they cross (:func:`shapely.node`), so a junction
joins two roads even when they share no vertex.

Complexity: building, O(s log s) for s road segments; each query, one
multi-source Dijkstra over the graph, O((v + s) log v), plus an STRtree
query of the places against the v road nodes.

Examples
--------
>>> import geopandas as gpd, numpy as np, shapely
>>> road = gpd.GeoDataFrame({"speed_kmh": [60.0]}, geometry=[shapely.LineString([(0, 0), (60_000, 0)])],
...                         crs="EPSG:32634")
>>> net = RoadNetwork.from_lines(road, "EPSG:32634")
>>> base = np.array([[0.0, 0.0]])                      # km, on the road's first vertex
>>> place = [shapely.buffer(shapely.Point(60.0, 0.0), 1.0)]   # km, a 1 km disc at its end
>>> hours = net.hours_from(base, place, off_road_kmh=4.0, access_km=10.0)
>>> round(float(hours[0]), 2)                          # 60 km at 60 km/h (off road it would be 14.75 h)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

__all__ = ["RoadNetwork", "ROAD_CLASS_KMH", "DEFAULT_KMH", "read_roads", "as_network"]

#: Speed (km/h) by road class, for layers without a ``speed_kmh`` column. OpenStreetMap ``highway`` values
#: and plain words are both understood; anything else runs at :data:`DEFAULT_KMH`.
ROAD_CLASS_KMH = {"motorway": 70.0, "trunk": 60.0, "primary": 50.0, "national": 50.0, "secondary": 35.0,
                  "regional": 35.0, "tertiary": 25.0, "unclassified": 20.0, "residential": 20.0, "track": 12.0,
                  "path": 5.0, "footway": 5.0, "seasonal": 10.0}
DEFAULT_KMH = 25.0
_CLASS_COLUMNS = ("highway", "class", "road_class", "type", "fclass")


@dataclass
class RoadNetwork:
    """A road graph in km on a metric CRS, with edge weights in hours.

    Attributes
    ----------
    nodes : numpy.ndarray
        ``(v, 2)`` node coordinates in km.
    graph : scipy.sparse.csr_matrix
        ``(v, v)`` symmetric travel times in hours.
    crs : str
        The metric CRS of ``nodes``.
    """

    nodes: np.ndarray
    graph: sparse.csr_matrix
    crs: str

    @classmethod
    def from_lines(cls, roads: gpd.GeoDataFrame, crs: str, default_kmh: float = DEFAULT_KMH) -> "RoadNetwork":
        """Build the graph from a layer of (multi)lines, noded where they cross."""
        lines = roads[roads.geometry.notna() & ~roads.geometry.is_empty].to_crs(crs)
        kmh = _speeds(lines, default_kmh)
        geoms = shapely.transform(lines.geometry.to_numpy(), lambda c: c / 1000.0)
        noded = shapely.get_parts(shapely.node(shapely.union_all(geoms))) if len(geoms) else np.zeros(0, object)
        if len(noded) == 0:
            return cls(np.zeros((0, 2)), sparse.csr_matrix((0, 0)), crs)
        # each noded piece runs at the speed of the fastest input line it lies on
        mids = shapely.line_interpolate_point(noded, 0.5, normalized=True)
        piece, line = shapely.STRtree(geoms).query(mids, predicate="dwithin", distance=1e-6)
        speed = np.full(len(noded), -np.inf)
        if len(piece):
            np.maximum.at(speed, piece, kmh[line])
        speed[~np.isfinite(speed)] = default_kmh
        coords, seg_piece = [], []
        for i, g in enumerate(noded):
            c = shapely.get_coordinates(g)
            coords.append(np.column_stack([c[:-1], c[1:]]))
            seg_piece.append(np.full(len(c) - 1, i))
        seg = np.vstack(coords)
        seg_speed = speed[np.concatenate(seg_piece)]
        ends = np.round(np.vstack([seg[:, :2], seg[:, 2:]]), 3)        # metre precision joins the pieces
        nodes, inv = np.unique(ends, axis=0, return_inverse=True)
        inv = inv.ravel()
        a, b = inv[: len(seg)], inv[len(seg):]
        hours = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]) / np.maximum(seg_speed, 1e-6)
        keep = a != b
        v = len(nodes)
        graph = sparse.coo_matrix((np.concatenate([hours[keep], hours[keep]]),
                                   (np.concatenate([a[keep], b[keep]]), np.concatenate([b[keep], a[keep]]))),
                                  shape=(v, v)).tocsr()
        graph.sum_duplicates()
        return cls(nodes, graph, crs)

    def __len__(self) -> int:
        return len(self.nodes)

    def hours_from(self, sources: np.ndarray, places: list, off_road_kmh: float, access_km: float) -> np.ndarray:
        """Fewest hours from any of ``sources`` to each place.

        Parameters
        ----------
        sources : numpy.ndarray
            ``(n, 2)`` source points (bases) in km.
        places : list of shapely geometries in km
        off_road_kmh : float
            Speed between a base or a place and the road (and straight from a base to a place).
        access_km : float
            Farthest a base or a place is joined to the road.

        Returns
        -------
        numpy.ndarray
            Hours per place; ``inf`` when no source reaches it.
        """
        n_places = len(places)
        out = np.full(n_places, np.inf)
        if len(sources) == 0 or n_places == 0:
            return out
        place_arr = np.asarray(places, dtype=object)
        src_pts = shapely.points(sources)
        # straight off road, base to place
        direct = shapely.distance(place_arr[:, None], src_pts[None, :]).min(axis=1)
        out = direct / off_road_kmh
        if len(self) == 0:
            return out
        node_pts = shapely.points(self.nodes)
        tree = shapely.STRtree(node_pts)
        # join each base to its nearest road node (a virtual node per base, edge = off-road hours)
        (s_idx, n_idx), s_dist = tree.query_nearest(src_pts, return_distance=True, all_matches=False)
        ok = s_dist <= access_km
        if not ok.any():
            return out
        v, k = len(self), int(ok.sum())
        # (a base on the road still needs a non-zero edge: sparse graphs read 0 as "no edge")
        access = np.maximum(s_dist[ok] / off_road_kmh, 1e-9)
        extra = sparse.coo_matrix((access, (v + np.arange(k), n_idx[ok])), shape=(v + k, v + k))
        graph = sparse.bmat([[self.graph, None], [None, sparse.csr_matrix((k, k))]]).tocsr() + extra.tocsr()
        hours = dijkstra(graph, directed=True, indices=v + np.arange(k), min_only=True)[:v]
        # leave the road at a node near each place
        p_idx, node_idx = tree.query(place_arr, predicate="dwithin", distance=access_km)
        if len(p_idx):
            last = shapely.distance(place_arr[p_idx], node_pts[node_idx]) / off_road_kmh
            via_road = np.full(n_places, np.inf)
            np.minimum.at(via_road, p_idx, hours[node_idx] + last)
            out = np.minimum(out, via_road)
        return out


def as_network(roads, crs: str) -> RoadNetwork | None:
    """``roads`` as a network on ``crs``: built from lines, or a network already on ``crs`` as it is (so a
    caller scoring many dates builds it once); None for no roads.

    >>> as_network(None, "EPSG:32634") is None
    True
    """
    if roads is None:
        return None
    if isinstance(roads, RoadNetwork):
        if roads.crs != crs:
            raise ValueError(f"road network is on {roads.crs}, not {crs}: build it from the lines on {crs}")
        return roads
    return RoadNetwork.from_lines(roads, crs) if len(roads) else None


def _speeds(lines: gpd.GeoDataFrame, default_kmh: float) -> np.ndarray:
    """Speed of each line: ``speed_kmh`` where given and positive, else its class, else ``default_kmh``."""
    speed = np.full(len(lines), np.nan)
    if "speed_kmh" in lines.columns:
        speed = pd.to_numeric(lines["speed_kmh"], errors="coerce").to_numpy(dtype="float64", copy=True)
        speed[~(speed > 0)] = np.nan
    for col in _CLASS_COLUMNS:
        if col in lines.columns:
            by_class = lines[col].astype(str).str.strip().str.lower().map(ROAD_CLASS_KMH).to_numpy(dtype="float64")
            speed = np.where(np.isnan(speed), by_class, speed)
    return np.where(np.isnan(speed), default_kmh, speed)


#: The first four bytes of an ESRI shapefile's main file (file code 9994, big-endian).
SHAPEFILE_MAGIC = (9994).to_bytes(4, "big")


def read_roads(path) -> gpd.GeoDataFrame:
    """A road layer from a GeoJSON, GeoPackage or shapefile, checked, in EPSG:4326.

    GeoJSON and GeoPackage are parsed by the project's own readers
    (:mod:`ewarning.io.geojson`, :mod:`ewarning.io.gpkg`), chosen by the
    file's content, never by GDAL: a GDAL virtual file named ``roads.geojson``
    would otherwise make GDAL read other files or web addresses. A shapefile
    is opened with pyogrio only when the name ends in ``.shp`` and the bytes
    start with the shapefile file code; GDAL then runs with the restrictions
    of :mod:`ewarning.io.gdal_options`. Lines from every layer of a
    GeoPackage are taken; features with a malformed geometry are left out.

    Raises
    ------
    ValueError
        When the file cannot be read, holds no lines or has no CRS, with a message saying which.
    """
    from .io import ReadError  # also applies the GDAL restrictions before the shapefile case opens anything
    from .io import geojson, gpkg, vector

    text = str(path)  # as given: Path() would fold "http://" into "http:/"
    path = Path(path)
    if text.startswith("/vsi") or "://" in text or not path.is_file():
        raise ValueError(f"{path}: cannot read the road layer (not a file on this computer)")
    with open(path, "rb") as fh:
        head = fh.read(8192)
    try:
        if vector.is_sqlite(head):
            layers = gpkg.read_layers(path)
        elif vector.is_json_object(head):
            layers = geojson.read_layers(path)
        elif path.suffix.lower() == ".shp" and head.startswith(SHAPEFILE_MAGIC):
            return _checked_lines(path, _read_shapefile(path))
        else:
            kind = "a shapefile" if path.suffix.lower() == ".shp" else "GeoJSON, a GeoPackage or a shapefile"
            raise ReadError(vector.refusal(path, kind, vector.content_kind(head)))
    except ReadError as exc:
        raise ValueError(f"{path}: cannot read the road layer ({exc})") from None
    if any(not layer.crs_known for layer in layers if layer.spatial):
        raise ValueError(f"{path}: the road layer has no coordinate reference system")
    frames = [gpd.GeoDataFrame(layer.frame, geometry="geometry", crs="EPSG:4326")
              for layer in layers if layer.spatial and "geometry" in layer.frame.columns]
    roads = (gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326") if frames
             else gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326"))
    return _checked_lines(path, roads)


def _read_shapefile(path: Path) -> gpd.GeoDataFrame:
    import pyogrio

    if "!" in str(path.resolve()):
        # pyogrio reads "a!b" in a name as "b inside archive a": another file would be opened
        raise ValueError(f"{path}: cannot read the road layer (rename the file or folder: '!' in its path)")
    try:
        roads = pyogrio.read_dataframe(str(path.resolve()))
    except Exception as exc:  # noqa: BLE001 - any unreadable file: say so in words
        raise ValueError(f"{path}: cannot read the road layer ({exc})") from None
    if roads.crs is None:
        raise ValueError(f"{path}: the road layer has no coordinate reference system")
    return roads


def _checked_lines(path: Path, roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    lines = roads[roads.geometry.notna() & roads.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    if lines.empty:
        raise ValueError(f"{path}: no road lines (LineString or MultiLineString) in the layer")
    return lines.to_crs("EPSG:4326")
