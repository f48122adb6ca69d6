"""Map layers: pure functions from validated layers to folium objects.

Every function here takes GeoDataFrames (EPSG:4326, the columns documented
in :mod:`ewarning.alerts`, :mod:`ewarning.sites`, :mod:`ewarning.presence`,
:mod:`ewarning.patrols`) and returns a folium object; nothing here knows of
Streamlit, so pages, briefings and tests render the very same layers.

Three rules hold for every layer:

- **Offline.** folium's CDN links are rewritten to the files vendored by
  ``scripts/vendor_assets.py`` (:func:`localise_assets`); an element whose
  assets were not vendored raises :class:`OfflineAssetError` instead of
  quietly loading from the internet. No tiles unless configured.
- **Escaped.** Every text that reaches a popup or tooltip goes through
  :func:`ewarning.security.escape` in Python; the browser only concatenates
  escaped strings. Reporter keys are never sent to the map.
- **Small.** Points and lines are sent as one compact JSON array per layer
  and drawn by a short JavaScript function (no per-marker markup), dense
  alert layers are clustered, lines are simplified and coordinates rounded.

The drawing functions and the layers' stylesheet are files in ``assets/``
(``alerts.js``, ``map.css``...), read once at import; the few values they
take from :mod:`ewarning.render.style` are filled into ``@@name@@``
placeholders (:func:`_asset`). Words (layer names, legend, tooltips and
popups) are in the language of the ``t`` (:class:`ewarning.i18n.Translator`)
each function takes, English by default; the scripts receive them as data
(``d.w``), already translated and escaped.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import Point
>>> alerts = gpd.GeoDataFrame({"id": ["A1"], "category": ["killing"], "severity": [5],
...     "reported_at": [pd.Timestamp("2018-11-15", tz="UTC")], "text": ["<b>x</b>"]},
...     geometry=[Point(20.68, 4.79)], crs="EPSG:4326")
>>> m = situation_map(alerts=alerts)
>>> html = m.get_root().render()
>>> "&lt;b&gt;x&lt;/b&gt;" in html, "<b>x</b>" in html
(True, False)
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
import os
import re
from pathlib import Path
from typing import Iterable

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from . import style
from .. import vocab
from ..i18n import N_, Translator
from ..security import escape

#: Where ``scripts/vendor_assets.py`` puts the vendored assets.
ASSET_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor"
#: URL under which Streamlit serves :data:`ASSET_DIR` (static serving).
DEFAULT_ASSET_BASE = "/app/static/vendor"
#: Environment variables: asset URL base (e.g. behind a proxy prefix), an
#: optional tile URL template and its attribution.
ASSET_BASE_ENV = "EWARNING_ASSET_BASE"
TILES_ENV = "EWARNING_TILES"
TILES_ATTR_ENV = "EWARNING_TILES_ATTR"

#: Above this many alerts, markers are clustered.
CLUSTER_ABOVE = 300
#: Characters of free text sent to a map popup: an excerpt cut on a word (the
#: full text is on the Alerts triage page). 20,000 distinct 200-character texts
#: sent whole would be ~4 MB on their own; excerpts keep the map under 5 MB.
POPUP_TEXT_CHARS = 100
#: Marks a shortened text (the popup then points to the triage page).
ELLIPSIS = "…"
#: Coordinate decimals sent to the browser (5 decimals ~ 1 m).
DECIMALS = 5
#: Line simplification tolerance in degrees (~20 m) for patrol tracks.
LINE_TOLERANCE = 0.0002
#: Basemap simplification tolerance in degrees (~100 m).
BASEMAP_TOLERANCE = 0.001
#: Heat points are summed on a grid of this many decimals of a degree (2 ~ 1 km).
HEAT_DECIMALS = 2


class OfflineAssetError(RuntimeError):
    """A map element would load a script or stylesheet that is not vendored."""


# --------------------------------------------------------------------------
# offline assets


@functools.lru_cache(maxsize=4)
def _manifest(asset_dir: str) -> dict[str, str]:
    path = Path(asset_dir) / "manifest.json"
    if not path.exists():
        raise OfflineAssetError(f"{path} is missing: run `python scripts/vendor_assets.py` once (needs npm)")
    return json.loads(path.read_text(encoding="utf-8"))["assets"]


def asset_base() -> str:
    """URL prefix of the vendored assets: ``$EWARNING_ASSET_BASE`` or ``/app/static/vendor``."""
    return os.environ.get(ASSET_BASE_ENV) or DEFAULT_ASSET_BASE


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _walk(element) -> Iterable:
    yield element
    for child in list(getattr(element, "_children", {}).values()):
        yield from _walk(child)


def localise_assets(root, base: str | None = None, asset_dir: Path = ASSET_DIR):
    """Point every script and stylesheet of ``root``'s tree to the vendored copy.

    ``base`` is the URL prefix (default :func:`asset_base`); a ``file://``
    URI of :data:`ASSET_DIR` makes a stand-alone HTML file work from disk.
    Raises :class:`OfflineAssetError` for an asset that was not vendored and
    for branca colormaps (they load d3 from a CDN).
    """
    import branca.colormap

    base = (base or asset_base()).rstrip("/")
    table = _manifest(str(asset_dir))
    for element in _walk(root):
        if isinstance(element, branca.colormap.ColorMap):
            raise OfflineAssetError("branca colormaps load d3 from a CDN; "
                                    "use ewarning.render.maps.legend() instead")
        originals = element.__dict__.setdefault("_ew_cdn_assets", {})
        for attr in ("default_js", "default_css"):
            # Keep what folium asked for, so a second call can move the base.
            links = originals.setdefault(attr, list(getattr(element, attr, None) or []))
            if not links:
                continue
            local = []
            for name, url in links:
                if _is_remote(url):
                    if url not in table:
                        raise OfflineAssetError(
                            f"{type(element).__name__} loads {url}, which is not vendored: add its npm package "
                            "to scripts/vendor_assets.py and run it")
                    url = f"{base}/{table[url]}"
                local.append((name, url))
            setattr(element, attr, local)
    return root


# --------------------------------------------------------------------------
# the one element every layer uses: compact data + a drawing function


def _safe_json(data) -> str:
    """JSON for inclusion in a <script>: no ``<``/``>`` can close the tag.

    Texts are already HTML-escaped (so they hold ``&lt;`` and never ``<``);
    this is a second guard for anything that was not.
    """
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    # Jinja openers never reach a template (folium renders through Jinja): "{{", "{%" and "{#" cannot
    # occur in JSON outside a string, and inside one the escaped form decodes to the same text.
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            .replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023"))


class _Raw(Element):
    """Finished script text in the figure: rendered as is, never compiled as a Jinja template.

    (branca's ``MacroElement.render`` wraps each element's output in a new
    template: with megabytes of data that compile took a third of a second,
    and text from a report must never be template source.)
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _Draw(MacroElement):
    """Calls ``factory(data, parent, map)`` once in the browser.

    ``data`` is serialised with :func:`_safe_json`; ``factory`` is trusted
    JavaScript from this module (never built from data).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        ({{ this.factory }})({{ this.data_json }}, {{ this._parent.get_name() }}, {{ this.map_name() }});
        {% endmacro %}
    """)

    def __init__(self, data, factory: str, css: bool = True):
        super().__init__()
        self._name = "EwDraw"
        self.data_json = _safe_json(data)
        self.factory = factory
        self.css = css

    def map_name(self) -> str:
        """JavaScript name of the map this element is on (its parent when there is none)."""
        node = self._parent
        while node is not None and not isinstance(node, folium.Map):
            node = getattr(node, "_parent", None)
        return (node or self._parent).get_name()

    def render(self, **kwargs):
        figure = self.get_root()
        if self.css and hasattr(figure, "header") and "ewarning_map_css" not in figure.header._children:
            figure.header.add_child(_css_element(), name="ewarning_map_css")
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(str(script(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


@functools.lru_cache(maxsize=1)
def _css_template() -> Template:
    # Compiled once: compiling the stylesheet as a template took ~10 ms a layer.
    return Template(f"<style>{_CSS}</style>")


def _css_element() -> Element:
    element = Element("")
    element._template = _css_template()
    return element


def _round(values, decimals: int = DECIMALS) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), decimals)
            for v in values]


def _text_column(frame: pd.DataFrame, column: str, limit: int | None = None) -> list[str]:
    if column not in frame.columns:
        return [""] * len(frame)
    out = []
    for value in frame[column].tolist():
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            out.append("")
            continue
        out.append(escape(excerpt(str(value), limit)))
    return out


def excerpt(text: str, limit: int | None) -> str:
    """``text`` cut to at most ``limit`` characters on a word boundary, ending in ``…`` when cut.

    Escape afterwards (cutting escaped text could split an entity).

    >>> excerpt("Armed men seen near the market at dawn", 20)
    'Armed men seen near…'
    >>> excerpt("short", 20)
    'short'
    """
    text = " ".join(text.split()) if limit is not None else text
    if limit is None or len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]    # drop the word that was cut
    if len(head) < limit // 2:          # one very long word: cut inside it
        head = text[:limit]
    return head.rstrip(" ,;:.-") + ELLIPSIS


def as_of_words(value, t: Translator | None = None) -> str:
    """``T`` as every screen says it, in ``t``'s language (:func:`ewarning.asof.as_of_words`).

    >>> as_of_words("2018-11-15"), as_of_words("2018-11-15", Translator("fr"))
    ('as of end of 14 Nov 2018 (UTC)', 'au 14 nov. 2018 en fin de journée (UTC)')
    """
    from ..asof import as_of_words as words

    return words(value, t or Translator())


def _as_of_text(value, t: Translator | None = None) -> str:
    """An as-of time as every screen says it ("as of end of 14 Nov 2018 (UTC)"), empty when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        return escape(as_of_words(value, t))
    except ValueError:
        return ""


def _words(t: Translator, **messages: str) -> dict[str, str]:
    """``{key: translated and escaped message}``: the words a layer's script writes (``d.w``)."""
    return {key: escape(t(message)) for key, message in messages.items()}


def _decimal_symbol(t: Translator) -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(t.locale)


def _capital(text: str) -> str:
    """``text`` with a capital first letter (a label shared with running text is lower-case in French)."""
    return text[:1].upper() + text[1:]


def _layer_name(t: Translator, name: str, n: int) -> str:
    return t("{name} ({n})", name=_capital(t(name)), n=t.number(n))


def _time_column(frame: pd.DataFrame, column: str, fmt: str = "%Y-%m-%d %H:%M") -> list[str]:
    if column not in frame.columns:
        return [""] * len(frame)
    values = pd.to_datetime(frame[column], utc=True, errors="coerce")
    return values.dt.strftime(fmt).fillna("").tolist()


def _int_column(frame: pd.DataFrame, column: str, default: int = 0) -> list[int]:
    if column not in frame.columns:
        return [default] * len(frame)
    return pd.to_numeric(frame[column], errors="coerce").fillna(default).astype("int64").tolist()


def _codes(frame: pd.DataFrame, column: str, codes: list[str], default: str | None = None) -> list[int]:
    """Index of each row's code in ``codes`` (-1 when unknown)."""
    index = {c: i for i, c in enumerate(codes)}
    if column not in frame.columns:
        return [index.get(default, -1)] * len(frame)
    return [index.get(v, index.get(default, -1)) for v in frame[column].tolist()]


def _labels(table: dict[str, str], codes: list[str], t: Translator | None = None) -> list[str]:
    t = t or Translator()
    return [escape(t.term(table, c)) for c in codes]


def _points(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows with a usable point geometry, in EPSG:4326."""
    if frame is None or len(frame) == 0:
        return gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    frame = frame.to_crs("EPSG:4326") if frame.crs is not None else frame.set_crs("EPSG:4326")
    geom = frame.geometry
    ok = geom.notna() & ~geom.is_empty & (geom.geom_type == "Point")
    return frame[ok]


# --------------------------------------------------------------------------
# the JavaScript and CSS of the layers: files in ``assets/``, read once at import

#: The folder (inside the package) of the layers' JavaScript and CSS files.
ASSETS = "assets"
#: A value filled in from Python: ``@@name@@`` (JavaScript and CSS never contain ``@@``).
_PLACEHOLDER = re.compile(r"@@([a-z_]+)@@")


def _asset(name: str, **values: str) -> str:
    """The text of ``assets/<name>`` with each ``@@key@@`` replaced by ``values[key]``.

    Every placeholder must be given and every value used (a typo fails at
    import, never in the browser). Values are trusted text from this package
    (style constants, other assets), not data; substitution is one pass, so
    a value is never searched for placeholders itself.

    >>> "function row(" in _asset("helpers.js")
    True
    """
    text = importlib.resources.files(__package__).joinpath(ASSETS, name).read_text(encoding="utf-8")
    text = text.removesuffix("\n")
    found = set(_PLACEHOLDER.findall(text))
    if found != set(values):
        raise ValueError(f"{name}: placeholders {sorted(found)} but values for {sorted(values)}")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


#: The asset files every map draws with (tests check each one loads and reaches the page).
ASSET_FILES = ("map.css", "helpers.js", "alerts.js", "sites.js", "presence.js", "patrols.js", "hotspots.js",
               "coverage.js", "heat.js", "area.js", "basemap.js", "legend.js", "registry.js", "register.js",
               "reset.js", "control.js", "attribution.js")


# --------------------------------------------------------------------------
# CSS shared by the layers (added once to the map header)

_CSS = _asset("map.css", basemap_background=style.BASEMAP["background"], font_family=style.FONT_FAMILY,
              font_size_body=style.FONT_SIZES["body"], font_size_title=style.FONT_SIZES["title"],
              font_size_small=style.FONT_SIZES["small"], text_colour=style.TEXT_COLOUR,
              muted_colour=style.MUTED_COLOUR, absent=style.ABSENT, basemap_town=style.BASEMAP["town"],
              flag_colour=style.FLAG_COLOUR)

# Shared JS helpers (string building from already-escaped values).
_JS_HELPERS = _asset("helpers.js")


# --------------------------------------------------------------------------
# alerts

#: Columns of the alerts layer's data (one JSON array per column).
_ALERT_COLUMNS = ["x", "y", "c", "s", "v", "ch", "rep", "occ", "k", "inj", "adm", "p", "o", "id", "dup", "t"]
#: Grid cell (screen pixels) within which alerts are drawn as one cluster.
CLUSTER_CELL_PX = 60
#: From this zoom on, every alert is drawn on its own.
FLAT_ZOOM = 14

# Alerts are drawn by one Leaflet layer from column arrays. Clustered: the
# points are binned on a screen grid per zoom (computed once per zoom, in a
# few milliseconds for 20,000 points) and only the cells in view become
# markers (a cluster badge, or a circle for a lone alert); a marker's popup
# is built from the arrays when it is opened. Every text is escaped already.
_ALERTS_JS = _asset("alerts.js", helpers=_JS_HELPERS)


def _minutes(frame: pd.DataFrame, column: str, t0: pd.Timestamp) -> list[int]:
    """Minutes since ``t0`` (-1 when missing)."""
    if column not in frame.columns:
        return [-1] * len(frame)
    values = pd.to_datetime(frame[column], utc=True, errors="coerce")
    minutes = (values - t0).dt.total_seconds() // 60
    return minutes.fillna(-1).astype("int64").tolist()


def _table(values: list[str]) -> tuple[list[str], list[int]]:
    """Distinct values (first seen first) and each value's index: repeated texts are sent once."""
    index: dict[str, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return list(index), codes


def alerts_data(alerts: gpd.GeoDataFrame, cluster_above: int = CLUSTER_ABOVE,
                text_chars: int = POPUP_TEXT_CHARS, t: Translator | None = None) -> dict:
    """The alerts layer's data: one array per column, codes into lookup tables, texts escaped, words in
    ``t``'s language."""
    t = t or Translator()
    pts = _points(alerts)
    codes = list(vocab.CATEGORIES)
    channels, verification, precision = list(vocab.CHANNELS), list(vocab.VERIFICATION), list(vocab.PRECISION)
    admiralty = [f"{r}{c}" if r or c else "" for r, c in zip(_text_column(pts, "reliability"),
                                                             _text_column(pts, "credibility"))]
    reported = pd.to_datetime(pts["reported_at"], utc=True, errors="coerce") if "reported_at" in pts else None
    t0 = reported.min() if reported is not None and reported.notna().any() else pd.Timestamp("2000-01-01", tz="UTC")
    t0 = t0.floor("D")
    adm_table, adm = _table(admiralty)
    origin_table, origin = _table(_text_column(pts, "origin"))
    texts, text_codes = _table(_text_column(pts, "text", text_chars))
    ramp = [style.SEVERITY_COLOURS[1]] + [style.SEVERITY_COLOURS[s] for s in range(1, 6)]
    return {
        "x": _round(pts.geometry.x), "y": _round(pts.geometry.y),
        "c": _codes(pts, "category", codes),
        "s": [min(max(s, 1), 5) for s in _int_column(pts, "severity", 1)],
        "v": _codes(pts, "verification", verification, "unverified"),
        "ch": _codes(pts, "channel", channels, "unknown"),
        "t0": int(t0.timestamp() // 60),
        "rep": _minutes(pts, "reported_at", t0), "occ": _minutes(pts, "occurred_at", t0),
        "k": _int_column(pts, "killed"), "inj": _int_column(pts, "injured"),
        "adm": adm, "p": _codes(pts, "location_precision", precision, "exact"), "o": origin,
        "id": _text_column(pts, "id"), "dup": _text_column(pts, "duplicate_of"),
        "t": text_codes, "texts": texts,
        "clustered": len(pts) > cluster_above, "cell": CLUSTER_CELL_PX, "flat": FLAT_ZOOM,
        "w": _words(t, reported=N_("reported {time} UTC"), occurred=N_("Occurred"), severity=N_("Severity"),
                    casualties=N_("Casualties"), killed_injured=N_("{killed} killed, {injured} injured"),
                    channel=N_("Channel"), status=N_("Status"), source=N_("Source / info"),
                    location=N_("Location"), origin=N_("Origin"), id=N_("Id"), duplicate=N_("Duplicate of"),
                    more=N_("Full text on the Alerts triage page"), cluster=N_("{n} alerts")),
        "lookups": {
            "code": codes,
            "label": _labels(vocab.CATEGORIES, codes, t),
            "colour": [style.category_colour(c) for c in codes],
            "neutral": style.NEUTRAL,
            "radius": [0] + [style.severity_radius(s) for s in range(1, 6)],
            "channel": _labels(vocab.CHANNELS, channels, t),
            "verification": _labels(vocab.VERIFICATION, verification, t),
            "discounted": verification.index("discounted"),
            "precision": _labels(vocab.PRECISION, precision, t),
            "adm": adm_table, "origin": origin_table, "ramp": ramp,
        },
    }


def alerts_layer(alerts: gpd.GeoDataFrame, name: str = N_("Alerts"), show: bool = True,
                 cluster_above: int = CLUSTER_ABOVE, text_chars: int = POPUP_TEXT_CHARS,
                 t: Translator | None = None) -> folium.FeatureGroup:
    """Alert reports coloured by category and sized by severity.

    Above ``cluster_above`` alerts the markers are clustered on a screen
    grid (cluster colour = the gravest severity inside; a click zooms in;
    from zoom :data:`FLAT_ZOOM` every alert is drawn). Only what is in view
    becomes a marker. Popups show what an analyst needs to triage (times,
    severity, casualties, channel, verification, Admiralty code, precision,
    origin, duplicates and an excerpt of the text: at most ``text_chars``
    characters cut on a word, with "Full text on the Alerts triage page"
    when cut), all escaped in Python and assembled when opened; never the
    reporter key.
    """
    t = t or Translator()
    data = alerts_data(alerts, cluster_above, text_chars, t)
    group = folium.FeatureGroup(name=_layer_name(t, name, len(data["x"])), show=show)
    group.add_child(_Draw(data, _ALERTS_JS))
    return localise_assets(group)


# --------------------------------------------------------------------------
# IDP sites

_SITES_JS = _asset("sites.js", helpers=_JS_HELPERS)


def sites_layer(sites: gpd.GeoDataFrame, name: str = N_("IDP sites"), show: bool = True,
                t: Translator | None = None) -> folium.FeatureGroup:
    """IDP sites as circles whose area grows with the population (kind = colour)."""
    t = t or Translator()
    pts = _points(sites)
    kinds = list(vocab.SITE_KINDS)
    population = pd.to_numeric(pts["population"], errors="coerce") if "population" in pts else pd.Series(
        np.nan, index=pts.index)
    rows = [list(r) for r in zip(
        _round(pts.geometry.x), _round(pts.geometry.y), _codes(pts, "kind", kinds),
        [style.population_radius(p) for p in population.tolist()],
        ["" if pd.isna(p) else t.number(int(p)) for p in population.tolist()],
        _text_column(pts, "name"), _time_column(pts, "opened", "%Y-%m-%d"),
        _time_column(pts, "closed", "%Y-%m-%d"), _text_column(pts, "site_id"),
    )] if len(pts) else []
    data = {"columns": ["x", "y", "k", "r", "pop", "n", "o", "cl", "id"], "rows": rows,
            "lookups": {"kind": _labels(vocab.SITE_KINDS, kinds, t),
                        "colour": [style.SITE_KIND_COLOURS[k] for k in kinds], "neutral": style.NEUTRAL},
            "w": _words(t, population=N_("Population"), unknown=N_("unknown"), opened=N_("Opened"),
                        closed=N_("Closed"), id=N_("Id"))}
    group = folium.FeatureGroup(name=_layer_name(t, name, len(rows)), show=show)
    group.add_child(_Draw(data, _SITES_JS))
    return localise_assets(group)


# --------------------------------------------------------------------------
# presence (bases and which components are there)

_PRESENCE_JS = _asset("presence.js", helpers=_JS_HELPERS)


def presence_layer(presence_on_date: gpd.GeoDataFrame, name: str = N_("Presence"),
                   show: bool = True, t: Translator | None = None) -> folium.FeatureGroup:
    """Bases as badges showing which components are there (as of one date).

    Pass the presence as it stood on a date (:func:`ewarning.presence.on`).
    Each base is a row of four cells (military, police, civilian, liaison
    assistants), coloured when present, grey and struck through when
    absent; a base without every component is outlined in red.
    """
    t = t or Translator()
    pts = _points(presence_on_date)
    components = list(vocab.COMPONENTS)
    kinds = list(vocab.BASE_KINDS)
    counts = [[int(v) for v in vals] for vals in zip(*[_int_column(pts, c) for c in components])] if len(pts) else []
    rows = [list(r) for r in zip(
        _round(pts.geometry.x), _round(pts.geometry.y), _codes(pts, "kind", kinds, "other"),
        _text_column(pts, "name"), counts, _int_column(pts, "cla_female"),
        _time_column(pts, "start", "%Y-%m-%d"), _text_column(pts, "base_id"),
    )] if len(pts) else []
    data = {"columns": ["x", "y", "k", "name", "n", "f", "since", "id"], "rows": rows,
            "lookups": {"components": components, "label": _labels(vocab.COMPONENTS, components, t),
                        "colour": [style.COMPONENT_COLOURS[c] for c in components],
                        "icon": [style.COMPONENT_ICONS[c] for c in components],
                        "kind": _labels(vocab.BASE_KINDS, kinds, t), "counts": True},
            "w": _words(t, absent_one=N_("{component} absent"), present=N_("present"), absent=N_("absent"),
                        women=N_("{n} women"), no=N_("no {component}"), all=N_("all components"),
                        since=N_("since {date}"), not_multi=N_("Not multidimensional: {missing}"))}
    group = folium.FeatureGroup(name=_layer_name(t, name, len(rows)), show=show)
    group.add_child(_Draw(data, _PRESENCE_JS))
    return localise_assets(group)


# --------------------------------------------------------------------------
# patrols

_PATROLS_JS = _asset("patrols.js", helpers=_JS_HELPERS)


def _flat_coords(geom, tolerance: float) -> list[float] | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "MultiLineString":
        coords = [c for part in geom.geoms for c in part.coords]
    elif geom.geom_type == "LineString":
        coords = list(geom.simplify(tolerance, preserve_topology=False).coords) if tolerance else list(geom.coords)
    else:
        return None
    flat = []
    for x, y, *_ in coords:
        flat += [round(x, DECIMALS), round(y, DECIMALS)]
    return flat if len(flat) >= 4 else None


def patrols_layer(patrols: gpd.GeoDataFrame, name: str = N_("Patrols"), show: bool = True,
                  tolerance: float = LINE_TOLERANCE, t: Translator | None = None) -> folium.FeatureGroup:
    """Patrol routes; dismounted (dashed green) and vehicle (solid blue-grey) styled apart."""
    t = t or Translator()
    if patrols is None or len(patrols) == 0:
        frame = gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    else:
        frame = patrols.to_crs("EPSG:4326") if patrols.crs is not None else patrols.set_crs("EPSG:4326")
    types, comps = list(vocab.PATROL_TYPES), list(vocab.PATROL_COMPONENTS)
    lines = [_flat_coords(g, tolerance) for g in frame.geometry]
    keep = [i for i, line in enumerate(lines) if line is not None]
    frame = frame.iloc[keep]
    lines = [lines[i] for i in keep]
    flags = {c: (frame[c].fillna(False).astype(bool).tolist() if c in frame else [False] * len(frame))
             for c in ("cla_present", "female_engagement_team")}
    rows = [list(r) for r in zip(
        lines, _codes(frame, "type", types, "unknown"), _codes(frame, "component", comps, "unknown"),
        _text_column(frame, "unit"), _time_column(frame, "start"), _time_column(frame, "end"),
        _int_column(frame, "engagements"), [int(v) for v in flags["cla_present"]],
        [int(v) for v in flags["female_engagement_team"]], _text_column(frame, "patrol_id"),
    )] if len(frame) else []
    data = {"columns": ["line", "ty", "co", "u", "s", "e", "en", "cla", "fet", "id"], "rows": rows,
            "lookups": {"type": types, "label": _labels(vocab.PATROL_TYPES, types, t),
                        "component": _labels(vocab.PATROL_COMPONENTS, comps, t),
                        "style": [style.PATROL_STYLES[k] for k in types], "unknown": types.index("unknown")},
            "w": _words(t, patrol=N_("{type} patrol"), cla=N_("liaison assistant"),
                        fet=N_("female engagement team"), unit=N_("Unit"), start=N_("Start"), end=N_("End"),
                        engagements=N_("Engagements"), with_=N_("With"), id=N_("Id"))}
    group = folium.FeatureGroup(name=_layer_name(t, name, len(rows)), show=show)
    group.add_child(_Draw(data, _PATROLS_JS))
    return localise_assets(group)


# --------------------------------------------------------------------------
# hotspots (derived areas, coloured by score, flagged at a glance)

#: Simplification of hotspot polygons in degrees (~500 m).
HOTSPOT_TOLERANCE = 0.005

_HOTSPOTS_JS = _asset("hotspots.js", helpers=_JS_HELPERS)


def _count(value) -> int:
    """A count for a popup: 0 when missing (killed is a float in the engine's table; one count per incident)."""
    return 0 if value is None or pd.isna(value) else int(round(float(value)))


#: The engine's trend labels (the ``trend`` column stays English), as the popups say them.
TRENDS = {"rising": N_("rising"), "persistent, not rising": N_("persistent, not rising")}


def hotspots_layer(hotspots: gpd.GeoDataFrame, name: str = N_("Hotspots"), show: bool = True,
                   tolerance: float = HOTSPOT_TOLERANCE, t: Translator | None = None) -> folium.FeatureGroup:
    """Hotspot areas from :func:`ewarning.hotspots.score_hotspots`, coloured by score.

    Each area gets a badge with its rank; a *flagged* hotspot (high tension,
    presence not multidimensional) is outlined in dashed red and its badge
    carries a flag, so it stands out at a glance. Tooltips start with the
    hotspot id (pages use it to open the detail); popups show the facts and
    the score's explanation (:func:`ewarning.views.explanation_in`), escaped, in ``t``'s language.
    """
    import shapely

    from ..hotspots.explain import explanation_in

    t = t or Translator()
    if hotspots is None or len(hotspots) == 0:
        frame = gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs="EPSG:4326")
    else:
        frame = hotspots.to_crs("EPSG:4326") if hotspots.crs is not None else hotspots.set_crs("EPSG:4326")
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    geoms = frame.geometry.simplify(tolerance, preserve_topology=True) if len(frame) else frame.geometry
    geoms = shapely.set_precision(geoms.to_numpy(), 10 ** -4) if len(frame) else []
    labels = [g.representative_point() for g in frame.geometry] if len(frame) else []
    rows = []
    for i, (_, h) in enumerate(frame.iterrows()):
        presence = h.get("presence") if isinstance(h.get("presence"), dict) else {}
        gap = list(h.get("presence_gap") or [])
        sites = list(h.get("exposed_sites") or [])
        ld = h.get("last_dismounted_days")
        rows.append([
            shapely.geometry.mapping(geoms[i]), escape(h.get("hotspot_id", "")), int(h.get("rank", i + 1) or i + 1),
            round(float(h.get("score", 0) or 0), 1), int(bool(h.get("flagged", False))),
            escape(t.term(TRENDS, h.get("trend", ""))), escape(h.get("place", "")), int(h.get("n_alerts", 0) or 0),
            _count(h.get("killed")),
            [escape(t.term(vocab.COMPONENTS, c)) for c, on in presence.items() if on],
            [escape(t.term(vocab.COMPONENTS, c)) for c in gap],
            escape(t("{sites} and {n} more", sites=", ".join(sites[:4]), n=t.number(len(sites) - 4))
                   if len(sites) > 4 else ", ".join(sites)),
            "" if ld is None or pd.isna(ld) else t("{n} day(s) ago", n=t.number(round(float(ld)), 0)),
            escape(explanation_in(h, t) if "explanation" in h else ""),
            _as_of_text(h.get("as_of"), t),
            round(labels[i].x, DECIMALS), round(labels[i].y, DECIMALS),
        ])
    data = {"columns": ["g", "id", "rk", "sc", "fl", "tr", "pl", "n", "k", "pres", "gap", "ex", "ld", "exp", "asof",
                        "lx", "ly"], "rows": rows,
            "lookups": {"ramp": style.SCORE_RAMP, "flag": style.FLAG_COLOUR},
            "w": _words(t, score_of=N_("score {score}"), flagged_no=N_("FLAGGED: {missing}"), no=N_("no {component}"),
                        score=N_("Score"), trend=N_("Trend"), alerts=N_("Alerts"), killed=N_("Killed"),
                        present=N_("Present"), none=N_("none"), missing=N_("Missing"),
                        exposed=N_("Exposed sites"), dismounted=N_("Last dismounted"),
                        flagged=N_("FLAGGED: rising tension without a multidimensional presence")) | {
                "dec": escape(_decimal_symbol(t))}}
    n_flagged = sum(r[4] for r in rows)
    label = (t("{name} ({n}, {flagged} flagged)", name=_capital(t(name)), n=t.number(len(rows)), flagged=t.number(n_flagged))
             if n_flagged else _layer_name(t, name, len(rows)))
    group = folium.FeatureGroup(name=label, show=show)
    group.add_child(_Draw(data, _HOTSPOTS_JS))
    return localise_assets(group)


# --------------------------------------------------------------------------
# coverage rings (how far each component of each base reaches)

_COVERAGE_JS = _asset("coverage.js")

_COVERAGE_DASH = {"military": None, "police": "8 4", "civilian": "3 4", "cla": "1 5"}


def coverage_layers(presence_on_date: gpd.GeoDataFrame, reach_km: dict[str, float], show: bool = False,
                    name: str = N_("Coverage"), t: Translator | None = None) -> list[folium.FeatureGroup]:
    """One toggleable layer of rings per component: how far each base's component reaches.

    ``reach_km`` maps component -> km (e.g. ``HotspotConfig().reach_km``).
    A ring is drawn only where the component is present on that date.
    """
    t = t or Translator()
    pts = _points(presence_on_date)
    groups = []
    for comp in vocab.COMPONENTS:
        km = float(reach_km.get(comp, 0) or 0)
        if not km:
            continue
        present = pts[pd.to_numeric(pts[comp], errors="coerce").fillna(0) > 0] if comp in pts else pts.iloc[0:0]
        rows = [[x, y] for x, y in zip(_round(present.geometry.x), _round(present.geometry.y))]
        data = {"rows": rows, "radius_m": km * 1000.0, "colour": style.COMPONENT_COLOURS[comp],
                "dash": _COVERAGE_DASH.get(comp), "component": comp}
        group = folium.FeatureGroup(name=t("{name}: {component} {km} km ({n})", name=t(name),
                                           component=t.term(vocab.COMPONENTS, comp).lower(), km=t.number(km),
                                           n=t.number(len(rows))), show=show)
        group.add_child(_Draw(data, _COVERAGE_JS))
        groups.append(localise_assets(group))
    return groups


# --------------------------------------------------------------------------
# heat layer (leaflet.heat, vendored)

try:  # folium >= 0.15
    from folium.elements import JSCSSMixin as _JSCSSMixin
except ImportError:  # pragma: no cover
    from folium.plugins.heat_map import JSCSSMixin as _JSCSSMixin


class _HeatDraw(_JSCSSMixin, _Draw):
    """A :class:`_Draw` that also loads leaflet.heat (the same file as folium's HeatMap)."""

    default_js = list(folium.plugins.HeatMap.default_js)


_HEAT_JS = _asset("heat.js")
_AREA_JS = _asset("area.js")


def heat_layer(alerts: gpd.GeoDataFrame, name: str = N_("Heat (alert density)"), show: bool = False,
               radius: int = 22, blur: int = 18, t: Translator | None = None) -> folium.FeatureGroup:
    """A heat map of alerts weighted by severity (duplicates and discounted reports left out)."""
    t = t or Translator()
    pts = _points(alerts)
    if len(pts) and "duplicate_of" in pts:
        pts = pts[pts["duplicate_of"].isna()]
    if len(pts) and "verification" in pts:
        pts = pts[pts["verification"] != "discounted"]
    weights = [min(max(s, 1), 5) / 5.0 for s in _int_column(pts, "severity", 1)]
    # Summed on a ~1 km grid (0.01 degree): leaflet.heat sums within a few pixels anyway up to
    # its maxZoom (9), so the picture is the same and the browser gets a fraction of the points.
    cells = pd.DataFrame({"x": np.round(np.asarray(pts.geometry.x, dtype=float), HEAT_DECIMALS),
                          "y": np.round(np.asarray(pts.geometry.y, dtype=float), HEAT_DECIMALS),
                          "w": weights}).groupby(["x", "y"], sort=False)["w"].agg(["sum", "size"]).reset_index()
    data = {"x": _round(cells["x"], HEAT_DECIMALS), "y": _round(cells["y"], HEAT_DECIMALS),
            "w": [round(float(w), 1) for w in cells["sum"]], "n": int(cells["size"].sum()) if len(cells) else 0,
            "radius": radius, "blur": blur, "max": 1.0,
            "gradient": {"0.3": style.SCORE_RAMP[1], "0.55": style.SCORE_RAMP[3], "0.8": style.SCORE_RAMP[4],
                         "1.0": style.SCORE_RAMP[6]}}
    group = folium.FeatureGroup(name=t(name), show=show)
    group.add_child(_HeatDraw(data, _HEAT_JS))
    return localise_assets(group)


# --------------------------------------------------------------------------
# the area filter: drawing tool and the active area


def draw_control() -> folium.plugins.Draw:
    """The drawing tool for the area filter (polygons and rectangles only; vendored leaflet-draw)."""
    shape = {"shapeOptions": {"color": style.FLAG_COLOUR, "weight": 2, "fillOpacity": 0.05}}
    control = folium.plugins.Draw(
        export=False, position="topleft", show_geometry_on_click=False,
        draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False,
                      "polygon": {"allowIntersection": False, **shape}, "rectangle": shape},
        edit_options={"edit": False, "remove": True})
    return localise_assets(control)


def area_layer(area, name: str = N_("Area filter"), t: Translator | None = None) -> folium.FeatureGroup:
    """The active area filter, drawn as a dashed outline (not interactive)."""
    import shapely

    t = t or Translator()
    geom = None if area is None else shapely.set_precision(area, 10 ** -DECIMALS)
    data = {"g": None if geom is None or geom.is_empty else shapely.geometry.mapping(geom),
            "colour": style.FLAG_COLOUR}
    factory = _AREA_JS
    group = folium.FeatureGroup(name=t(name), show=True)
    group.add_child(_Draw(data, factory))
    return localise_assets(group)


# --------------------------------------------------------------------------
# basemap (offline boundaries)

_BASEMAP_JS = _asset("basemap.js")
_LEGEND_JS = _asset("legend.js")

_NAME_COLUMNS = ("name", "sector", "NAME", "name_en", "NAME_EN", "admin", "ADMIN", "shapeName", "label")


def _name_of(frame: pd.DataFrame) -> list[str]:
    for col in _NAME_COLUMNS:
        if col in frame.columns:
            return _text_column(frame, col)
    return [""] * len(frame)


def _feature_collection(frame: gpd.GeoDataFrame, props: dict[str, list], tolerance: float) -> dict | None:
    if frame is None or len(frame) == 0:
        return None
    import shapely

    geoms = frame.geometry
    if tolerance:
        geoms = geoms.simplify(tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms.to_numpy(), 10 ** -DECIMALS)
    features = []
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom),
                         "properties": {k: v[i] for k, v in props.items()}})
    return {"type": "FeatureCollection", "features": features}


def read_basemap(path_or_dir) -> dict[str, gpd.GeoDataFrame]:
    """The offline boundary layers in a folder (``countries``, ``sectors``, ``towns`` .geojson)."""
    path = Path(path_or_dir)
    if path.is_file():
        return {path.stem: gpd.read_file(path)}
    return {p.stem: gpd.read_file(p) for p in sorted(path.glob("*.geojson"))}


def basemap_layer(path_or_gdf, name: str = N_("Basemap (offline boundaries)"), focus: str | None = None,
                  tolerance: float = BASEMAP_TOLERANCE, t: Translator | None = None) -> folium.FeatureGroup:
    """Offline boundaries drawn as the basemap: countries, sectors, towns.

    ``path_or_gdf`` is a folder of ``*.geojson`` (see :func:`read_basemap`),
    one file, a GeoDataFrame (its geometry types decide what it is drawn
    as), or a dict ``{"countries": gdf, "sectors": gdf, "towns": gdf}``.
    ``focus`` names the country drawn lighter (the mission's host country);
    by default the one with the most towns. No tiles are used.
    """
    if isinstance(path_or_gdf, (str, os.PathLike)):
        layers = read_basemap(path_or_gdf)
    elif isinstance(path_or_gdf, gpd.GeoDataFrame):
        layers = _split_by_geometry(path_or_gdf)
    else:
        layers = dict(path_or_gdf or {})
    layers = {k: (v.to_crs("EPSG:4326") if v.crs is not None else v.set_crs("EPSG:4326"))
              for k, v in layers.items() if v is not None and len(v)}
    countries = layers.get("countries")
    sectors = layers.get("sectors")
    towns = layers.get("towns")
    if countries is None and sectors is None and towns is None and layers:
        merged = pd.concat(list(layers.values()), ignore_index=True)
        split = _split_by_geometry(gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326"))
        countries, towns = split.get("countries"), split.get("towns")
    data = {"style": style.BASEMAP}
    if countries is not None:
        names = _name_of(countries)
        focus_name = escape(focus) if focus else _busiest(countries, names, towns)
        data["countries"] = _feature_collection(countries, {"n": names, "f": [int(n == focus_name) for n in names]},
                                                tolerance)
    if sectors is not None:
        data["sectors"] = _feature_collection(sectors, {"n": _name_of(sectors)}, tolerance)
    if towns is not None:
        towns = towns[towns.geometry.geom_type == "Point"]
        data["towns"] = _feature_collection(towns, {"n": _name_of(towns)}, 0)
    group = folium.FeatureGroup(name=(t or Translator())(name), show=True)
    group.add_child(_Draw(data, _BASEMAP_JS))
    group._ew_bounds = _bounds(*(f for f in (countries, sectors, towns) if f is not None))
    return localise_assets(group)


def _split_by_geometry(frame: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    kinds = frame.geometry.geom_type
    out = {}
    poly = frame[kinds.isin(["Polygon", "MultiPolygon"])]
    pts = frame[kinds == "Point"]
    if len(poly):
        out["countries"] = poly
    if len(pts):
        out["towns"] = pts
    return out


def _busiest(countries: gpd.GeoDataFrame, names: list[str], towns: gpd.GeoDataFrame | None) -> str | None:
    if towns is None or not len(towns) or not len(countries):
        return None
    joined = gpd.sjoin(towns[["geometry"]], countries.assign(_n=names)[["_n", "geometry"]], predicate="within")
    return joined["_n"].mode().iloc[0] if len(joined) else None


# --------------------------------------------------------------------------
# legend and the whole map


#: The legend's sections (:func:`ewarning.render.style.legend_entries` keys), as the legend says them.
LEGEND_SECTIONS = {"Alert category": N_("Alert category"), "Component present": N_("Component present"),
                   "IDP site": N_("IDP site"), "Patrol": N_("Patrol")}


def legend(title: str = N_("Legend"), open_: bool = False, t: Translator | None = None) -> MacroElement:
    """A collapsible legend control built from :mod:`ewarning.render.style` (escaped), in ``t``'s language."""
    t = t or Translator()
    parts = []
    for section, entries in style.legend_entries().items():
        parts.append(f'<div class="ew-sec">{escape(_capital(t.term(LEGEND_SECTIONS, section)))}</div>')
        line = section == "Patrol"
        for label, colour in entries:
            parts.append(f'<div><i class="{"ew-line" if line else ""}" style="background:{colour}"></i>'
                         f'{escape(t(label))}</div>')   # vocabulary labels (ewarning.vocab, marked there)
    parts.append('<div class="ew-sec">' + escape(t("Bases")) + "</div><div>"
                 + escape(t("badge cells: M P C L, grey = absent; red outline = not multidimensional")) + "</div>")
    parts.append('<div class="ew-sec">' + escape(t("Hotspot score")) + "</div><div>"
                 + "".join(f'<i class="ew-box" style="background:{c}"></i>' for c in style.SCORE_RAMP)
                 + ' 0 &rarr; 100</div><div><i class="ew-line" style="background:' + style.FLAG_COLOUR
                 + '"></i>' + escape(t("dashed red + flag = flagged (rising tension, a component missing)"))
                 + "</div>")
    html = (f'<details class="ew-legend"{" open" if open_ else ""}><summary>{escape(t(title))}</summary>'
            + "".join(parts) + "</details>")
    factory = _LEGEND_JS
    return _Draw({"html": html}, factory)


def _bounds(*frames) -> list[list[float]] | None:
    boxes = []
    for frame in frames:
        if frame is None or len(frame) == 0:
            continue
        geom = frame.geometry
        geom = geom[geom.notna() & ~geom.is_empty]
        if len(geom):
            x0, y0, x1, y1 = geom.total_bounds
            if all(map(math.isfinite, (x0, y0, x1, y1))):
                boxes.append((x0, y0, x1, y1))
    if not boxes:
        return None
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return [[y0, x0], [y1, x1]]


def attribution(alerts: pd.DataFrame | None) -> str:
    """Data attribution owed for the alerts shown (plain text, no links)."""
    origins = set(alerts["origin"].dropna().astype(str)) if alerts is not None and "origin" in alerts else set()
    parts = []
    if "ucdp" in origins:
        from ..io.ucdp import CITATION

        parts.append(CITATION)
    if "acled" in origins:
        parts.append("ACLED (acleddata.com)")
    return "; ".join(parts)


# The situation map in two parts (see :func:`situation_map_parts`): the fixed
# part registers its toggleable groups, the live part removes the previous live
# groups (keeping which were toggled on), adds the new ones and rebuilds the
# layer control; the dashboard's map component runs a new live part in the open
# map without re-creating it (app_pages/map_component.py).
_REGISTRY = _asset("registry.js")

_REGISTER_JS = _asset("register.js", registry=_REGISTRY)

_RESET_JS = _asset("reset.js", registry=_REGISTRY)

_CONTROL_JS = _asset("control.js", registry=_REGISTRY)

_ATTRIBUTION_JS = _asset("attribution.js")


def _register(group: folium.FeatureGroup, key: str, order: int, live: bool) -> folium.FeatureGroup:
    """Let the split map's layer control find ``group`` (live groups are added by the control)."""
    reg = _Draw({"name": escape(group.layer_name), "key": key, "order": order, "show": bool(group.show),
                 "live": live}, _REGISTER_JS, css=False)
    group._children = {"ew_register": reg, **group._children}
    reg._parent = group
    if live:
        group.show = False
    return group


def _layers(alerts, sites, presence, patrols, hotspots, reach_km, show_coverage, heat, show_heat,
            cluster_above, text_chars, t: Translator) -> tuple[list[tuple[str, folium.FeatureGroup]], list]:
    """The filtered layers in drawing order, with a stable key each, and the frames to fit the view to."""
    out, fit = [], []
    if hotspots is not None:
        out.append(("hotspots", hotspots_layer(hotspots, t=t)))
    if heat and alerts is not None:
        out.append(("heat", heat_layer(alerts, show=show_heat, t=t)))
    if reach_km and presence is not None:
        for comp, group in zip([c for c in vocab.COMPONENTS if float(reach_km.get(c, 0) or 0)],
                               coverage_layers(presence, reach_km, show=show_coverage, t=t)):
            out.append((f"coverage-{comp}", group))
    if patrols is not None:
        out.append(("patrols", patrols_layer(patrols, t=t)))
        fit.append(patrols)
    if sites is not None:
        out.append(("sites", sites_layer(sites, t=t)))
        fit.append(_points(sites))
    if presence is not None:
        out.append(("presence", presence_layer(presence, t=t)))
        fit.append(_points(presence))
    if alerts is not None:
        out.append(("alerts", alerts_layer(alerts, cluster_above=cluster_above, text_chars=text_chars, t=t)))
        fit.append(_points(alerts))
    return out, fit


def _base_map(tiles, tiles_attr, basemap, t: Translator):
    m = folium.Map(tiles=None, control_scale=True, zoom_start=6, location=[0, 0], prefer_canvas=False)
    m.options.update({"minZoom": 3, "maxZoom": 18})
    # Only Leaflet and Font Awesome are used: no jQuery, Bootstrap or awesome-markers to fetch and parse.
    m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
    m.default_css = [(n, u) for n, u in m.default_css if n in ("leaflet_css", "fontawesome_css")
                     or "fontawesome" in u]
    tiles = tiles if tiles is not None else os.environ.get(TILES_ENV, "")
    if tiles:
        folium.TileLayer(tiles, attr=tiles_attr or os.environ.get(TILES_ATTR_ENV) or t("Tiles: configured locally"),
                         name=t("Tiles (configured)"), overlay=False, control=True).add_to(m)
    base = None
    if basemap is not None:
        base = basemap_layer(basemap, t=t)
        base.add_to(m)
    return m, base


def _fit(m: folium.Map, frames, base_bounds) -> None:
    bounds = _bounds(*frames) or base_bounds
    if bounds:
        pad = 0.05 * max(bounds[1][0] - bounds[0][0], bounds[1][1] - bounds[0][1], 0.2)
        bounds = [[bounds[0][0] - pad, bounds[0][1] - pad], [bounds[1][0] + pad, bounds[1][1] + pad]]
        m.location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
        m.fit_bounds(bounds)


def situation_map(alerts: gpd.GeoDataFrame | None = None, sites: gpd.GeoDataFrame | None = None,
                  presence: gpd.GeoDataFrame | None = None, patrols: gpd.GeoDataFrame | None = None,
                  basemap=None, tiles: str | None = None, tiles_attr: str | None = None,
                  asset_base_url: str | None = None, show_legend: bool = True,
                  cluster_above: int = CLUSTER_ABOVE, hotspots: gpd.GeoDataFrame | None = None,
                  reach_km: dict[str, float] | None = None, show_coverage: bool = False,
                  heat: bool = False, show_heat: bool = False, draw: bool = False, area=None,
                  text_chars: int = POPUP_TEXT_CHARS, collapsed_control: bool = False,
                  t: Translator | None = None) -> folium.Map:
    """The situation map: basemap, hotspots, heat, coverage, patrols, IDP sites, presence and alerts.

    ``presence`` should already be as of the map's date
    (:func:`ewarning.presence.on`). ``basemap``: see :func:`basemap_layer`.
    ``tiles`` is an optional tile URL template; ``None`` reads
    ``$EWARNING_TILES`` and without it the map has no tiles at all (the
    offline boundaries are the basemap). ``asset_base_url``: see
    :func:`localise_assets`. ``hotspots``: :func:`hotspots_layer`;
    ``reach_km``: coverage rings per component (:func:`coverage_layers`,
    hidden unless ``show_coverage``); ``heat``: add :func:`heat_layer`;
    ``draw``: add the area drawing tool; ``area``: the active area filter.
    Every layer is toggleable in the layer control. One stand-alone map; the
    desk uses :func:`situation_map_parts` (same layers, filtered ones apart).
    ``t``: the language of every word on the map (English by default).
    """
    t = t or Translator()
    m, base = _base_map(tiles, tiles_attr, basemap, t)
    layers, fit = _layers(alerts, sites, presence, patrols, hotspots, reach_km, show_coverage, heat, show_heat,
                          cluster_above, text_chars, t)
    for _, group in layers:
        group.add_to(m)
    if area is not None:
        area_layer(area, t=t).add_to(m)
    if draw:
        m.add_child(draw_control())
    text = attribution(alerts)
    if text:
        m.add_child(_Draw({"text": escape(text)}, _ATTRIBUTION_JS))
    if show_legend:
        m.add_child(legend(t=t))
    folium.LayerControl(collapsed=collapsed_control, position="topright").add_to(m)
    _fit(m, fit, getattr(base, "_ew_bounds", None))
    return localise_assets(m, asset_base_url)


def situation_map_parts(alerts: gpd.GeoDataFrame | None = None, sites: gpd.GeoDataFrame | None = None,
                        presence: gpd.GeoDataFrame | None = None, patrols: gpd.GeoDataFrame | None = None,
                        basemap=None, tiles: str | None = None, tiles_attr: str | None = None,
                        asset_base_url: str | None = None, show_legend: bool = True,
                        cluster_above: int = CLUSTER_ABOVE, hotspots: gpd.GeoDataFrame | None = None,
                        reach_km: dict[str, float] | None = None, show_coverage: bool = False,
                        heat: bool = False, show_heat: bool = False, draw: bool = False, area=None,
                        text_chars: int = POPUP_TEXT_CHARS, collapsed_control: bool = False,
                        fit=None, t: Translator | None = None) -> tuple[folium.Map, folium.FeatureGroup]:
    """The situation map split for a live page: ``(fixed map, live layers)``.

    Same arguments and layers as :func:`situation_map`. The fixed map holds
    what does not change with the filters (boundaries, legend, drawing tool,
    the drawn area, the view fitted to ``fit``: frames, by default the
    layers given); the live group holds every filtered layer and rebuilds
    the layer control, for a map component that runs the live part against
    the open fixed map (the dashboard's ``app_pages/map_component.py``):
    a filter change then swaps the live layers in the open map (toggled
    layers stay toggled) instead of re-creating it. ``t``: the language of every word (English by default).
    """
    t = t or Translator()
    m, base = _base_map(tiles, tiles_attr, basemap, t)
    if base is not None:
        _register(base, "basemap", 0, live=False)
    layers, frames = _layers(alerts, sites, presence, patrols, hotspots, reach_km, show_coverage, heat, show_heat,
                             cluster_above, text_chars, t)
    if area is not None:
        area_group = area_layer(area, t=t)
        area_group.add_to(m)
        _register(area_group, "area", 1000, live=False)
    if draw:
        m.add_child(draw_control())
    if show_legend:
        m.add_child(legend(t=t))
    _fit(m, frames if fit is None else list(fit), getattr(base, "_ew_bounds", None))
    live = folium.FeatureGroup(name="ewarning live layers", control=False, show=False)
    live.add_child(_Draw({}, _RESET_JS, css=False))
    for order, (key, group) in enumerate(layers, start=1):
        live.add_child(_register(group, key, order, live=True))
    text = attribution(alerts)
    if text:
        live.add_child(_Draw({"text": escape(text)}, _ATTRIBUTION_JS, css=False))
    live.add_child(_Draw({"collapsed": bool(collapsed_control)}, _CONTROL_JS, css=False))
    return localise_assets(m, asset_base_url), localise_assets(live, asset_base_url)


def html_size(m: folium.Map) -> int:
    """Bytes of the rendered stand-alone HTML (what a browser must parse)."""
    return len(m.get_root().render().encode("utf-8"))
