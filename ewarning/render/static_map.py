"""The briefing's static map: matplotlib on the shipped boundaries, no browser, no tiles, no internet.

:func:`briefing_map_png` draws a :class:`~ewarning.views.briefing.BriefingMap`
as it is (already redacted: reports as counts per grid cell, hotspots on the
grid) over the offline basemap of ``geodata/basemap/*.geojson``: the host
country lighter than its neighbours, the sectors dashed, the main towns
named. Hotspots are numbered circles (their ranks in the table), red-edged
when flagged; reports of the last 7 days are grey discs sized by count;
bases are squares (navy when multidimensional, hollow otherwise); the
vulnerable IDP sites are purple triangles. Colours and type come from
:mod:`ewarning.render.style`.

Examples
--------
>>> layers = basemap_layers()
>>> sorted(layers)
['countries', 'sectors', 'towns']
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import geopandas as gpd
import numpy as np

from . import style

__all__ = ["BASEMAP_DIR", "basemap_layers", "briefing_map_png", "figure_png"]

BASEMAP_DIR = Path(__file__).resolve().parents[2] / "geodata" / "basemap"
#: Towns named on the map: the capital and the towns the gazetteer marks as hotspots (a national map
#: cannot name thirty towns legibly next to the numbered hotspots).
NAMED_ROLES = ("capital", "hotspot")


@functools.lru_cache(maxsize=4)
def _read(folder: str, mtime: float) -> dict:
    return {p.stem: gpd.read_file(p).to_crs("EPSG:4326") for p in sorted(Path(folder).glob("*.geojson"))}


def basemap_layers(folder: str | Path = BASEMAP_DIR) -> dict[str, gpd.GeoDataFrame]:
    """The offline boundary layers (``countries``, ``sectors``, ``towns``), read once per change of the folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    mtime = max((p.stat().st_mtime for p in folder.glob("*.geojson")), default=0.0)
    return _read(str(folder), mtime)


def _figure(width_in: float, height_in: float):
    from matplotlib.figure import Figure   # the object API: no pyplot state, safe in a server thread

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def figure_png(fig, dpi: int = 200) -> bytes:
    """A matplotlib figure as PNG bytes (no metadata that names the machine)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=fig.get_facecolor(), metadata={"Software": None})
    return buf.getvalue()


def _font(size: float, bold: bool = False) -> dict:
    return {"family": style.DOCUMENT_FONT, "size": size, "weight": "bold" if bold else "normal"}


def _scale_bar(ax, minx, miny, maxx, maxy, mid) -> None:
    """A bar of a round number of kilometres (about a sixth of the map's width), lower left."""
    km_per_deg = 111.32 * max(np.cos(mid), 0.2)
    width_km = (maxx - minx) * km_per_deg / 6.0
    km = next((k for k in (500, 200, 100, 50, 20, 10, 5, 2, 1) if k <= width_km), 1)
    x0, y0 = minx + (maxx - minx) * 0.03, miny + (maxy - miny) * 0.04
    ax.plot([x0, x0 + km / km_per_deg], [y0, y0], color=style.TEXT_COLOUR, linewidth=1.6, solid_capstyle="butt",
            zorder=9)
    ax.annotate(f"{km:g} km", (x0, y0), xytext=(0, 3), textcoords="offset points", color=style.TEXT_COLOUR,
                zorder=9, **_font(6.0))


def briefing_map_png(bmap, width_in: float = 7.2, height_in: float = 5.0, dpi: int = 200,
                     basemap: dict | None = None, t=None) -> bytes:
    """The map of ``bmap`` (a :class:`~ewarning.views.briefing.BriefingMap`) as PNG bytes, its legend in
    ``t``'s language (English when None)."""
    from ..i18n import Translator

    t = t or Translator("en")
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    layers = basemap if basemap is not None else basemap_layers()
    minx, miny, maxx, maxy = bmap.extent
    fig = _figure(width_in, height_in)
    ax = fig.add_axes([0.0, 0.0, 1.0, 1.0])
    ax.set_facecolor(style.BASEMAP["background"])
    countries = layers.get("countries")
    if countries is not None and len(countries):
        host = countries["iso_a3"].eq("CAF") if "iso_a3" in countries.columns else np.zeros(len(countries), bool)
        countries[~host].plot(ax=ax, color=style.BASEMAP["land"], edgecolor=style.BASEMAP["border"], linewidth=0.6)
        countries[host].plot(ax=ax, color=style.BASEMAP["land_focus"], edgecolor=style.BASEMAP["border"],
                             linewidth=1.1)
    sectors = layers.get("sectors")
    if sectors is not None and len(sectors):
        sectors.boundary.plot(ax=ax, color=style.BASEMAP["sector"], linewidth=0.5, linestyle=(0, (4, 3)), alpha=0.6)
    if bmap.area is not None:
        gpd.GeoSeries([bmap.area], crs="EPSG:4326").boundary.plot(ax=ax, color=style.DOCUMENT_COLOURS["heading"],
                                                                  linewidth=1.2)
    cells = bmap.alert_cells
    if len(cells):
        sizes = 6 + 14 * np.sqrt(cells["count"].to_numpy(dtype=float))
        ax.scatter(cells.geometry.x, cells.geometry.y, s=sizes, color="#7b8794", alpha=0.45, linewidths=0,
                   zorder=3)
    bases = bmap.bases
    if len(bases):
        multi = bases["multidimensional"].astype(bool).to_numpy()
        ax.scatter(bases.geometry.x[multi], bases.geometry.y[multi], marker="s", s=16,
                   color=style.DOCUMENT_COLOURS["heading"], zorder=4, linewidths=0)
        ax.scatter(bases.geometry.x[~multi], bases.geometry.y[~multi], marker="s", s=16, facecolors="white",
                   edgecolors=style.DOCUMENT_COLOURS["heading"], linewidths=0.9, zorder=4)
    sites = bmap.sites
    if len(sites):
        ax.scatter(sites.geometry.x, sites.geometry.y, marker="^", s=34, color=style.SITE_KIND_COLOURS["idp_camp"],
                   edgecolors="white", linewidths=0.6, zorder=5)
    towns = layers.get("towns")
    if towns is not None and len(towns):
        named = towns[towns["role"].isin(NAMED_ROLES)] if "role" in towns.columns else towns.head(0)
        halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
        spots = [(g.x, g.y) for g in bmap.hotspots.geometry]
        for geom, name in zip(named.geometry, named["name"].astype(str)):
            if minx <= geom.x <= maxx and miny <= geom.y <= maxy:
                # the label goes to the side away from the nearest numbered hotspot, below the town
                near = [(x, y) for x, y in spots if abs(x - geom.x) < 1.2 and abs(y - geom.y) < 0.5]
                left = bool(near) and min(near, key=lambda q: abs(q[0] - geom.x) + abs(q[1] - geom.y))[0] >= geom.x
                ax.plot(geom.x, geom.y, marker="o", markersize=1.8, color=style.BASEMAP["town"], zorder=6)
                ax.annotate(name, (geom.x, geom.y), xytext=(-4 if left else 4, -9), textcoords="offset points",
                            ha="right" if left else "left", color=style.BASEMAP["town"], zorder=7,
                            path_effects=halo, **_font(6.0))
    for geom, label, flagged, score in zip(bmap.hotspots.geometry, bmap.hotspots["label"], bmap.hotspots["flagged"],
                                           bmap.hotspots["score"]):
        colour = style.score_colour(score, 0.0, 100.0)
        text_colour = "white" if score >= 40 else style.TEXT_COLOUR
        ax.annotate(str(label), (geom.x, geom.y), ha="center", va="center", zorder=8, color=text_colour,
                    bbox={"boxstyle": "circle,pad=0.3" if "," not in str(label) else "round,pad=0.3",
                          "facecolor": colour, "edgecolor": style.FLAG_COLOUR if flagged else "white",
                          "linewidth": 1.8 if flagged else 0.8},
                    **_font(7.0, bold=True))
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    mid = np.radians((miny + maxy) / 2.0)
    _scale_bar(ax, minx, miny, maxx, maxy, mid)
    ax.set_aspect(1.0 / max(np.cos(mid), 0.2))
    ax.set_axis_off()
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=style.score_colour(70, 0, 100),
               markeredgecolor=style.FLAG_COLOUR, markeredgewidth=1.6, label=t("Flagged hotspot (rank)")),
        Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=style.score_colour(30, 0, 100),
               markeredgecolor="white", label=t("Other hotspot (rank)")),
        Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor="#7b8794", alpha=0.5,
               markeredgewidth=0, label=t("Reports, last 7 days (per 28 km cell)")),
        Line2D([], [], marker="s", linestyle="", markersize=5, color=style.DOCUMENT_COLOURS["heading"],
               label=t("Base, multidimensional")),
        Line2D([], [], marker="s", linestyle="", markersize=5, markerfacecolor="white",
               markeredgecolor=style.DOCUMENT_COLOURS["heading"], label=t("Base, component(s) missing")),
        Line2D([], [], marker="^", linestyle="", markersize=6, color=style.SITE_KIND_COLOURS["idp_camp"],
               label=t("Vulnerable IDP site")),
    ]
    legend = ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.92, borderpad=0.6,
                       prop={"family": style.DOCUMENT_FONT, "size": 6.0})
    legend.get_frame().set_edgecolor(style.DOCUMENT_COLOURS["rule"])
    return figure_png(fig, dpi)
