"""The dashboard's map component: a folium map drawn in the browser from strings rendered once in Python.

A small Streamlit component of the project's own (static files in
``map_component_frontend/``, no build step, no dev server). Python renders
a folium map with folium's public API into three strings (the figure's
header, body and script: :func:`fixed_args`), and optionally a group of
layers that changes apart from the map (:func:`live_args`). Both are plain
dicts of strings, safe to cache and share between sessions; the component
call itself (:func:`show`) only hands them over.

In the browser (``map_component_frontend/component.js``) the frame replays
the header (the vendored Leaflet and plugins, from the asset base the page
gave folium: never a CDN), adds the body, runs the script, and then runs the
live layers' script against the open map. A new live part replaces the
previous one in the open map (the view and the toggled layers stay); a new
map part starts a new frame. Clicking a layer returns its tooltip text
(``last_object_clicked_tooltip``) and drawing with Leaflet.draw returns every
drawing as GeoJSON features (``all_drawings``).

>>> import folium
>>> parts = fixed_args(folium.Map(tiles=None))
>>> sorted(parts)
['header', 'html', 'map_name', 'script', 'sig']
>>> parts["map_name"] in parts["script"]
True
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: The component's name; Streamlit prefixes the module's (the frame's title is the full name).
NAME = "ewarning_map"
#: Full name, as Streamlit registers it (and titles the iframe).
FULL_NAME = f"{__name__}.{NAME}"
#: The frontend: static files served by Streamlit as they are.
FRONTEND = Path(__file__).resolve().parent / "map_component_frontend"
#: What the frontend can return, and what each is before anything happened.
RETURNABLE = ("last_object_clicked_tooltip", "last_clicked", "all_drawings")


def _sig(*texts: str) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def fixed_args(fig) -> dict:
    """The map ``fig`` (a :class:`folium.Map`) as the component's strings.

    ``header`` (links to scripts and stylesheets, styles), ``html`` (the map's
    element), ``script`` (creates the map as the JavaScript variable
    ``map_name`` and everything on it) and ``sig``, a digest of the three.
    Renders ``fig`` once (folium adds every element's links, markup and
    script to the figure as it renders).
    """
    root = fig.get_root()
    fig.render()
    parts = {"header": root.header.render(), "html": root.html.render(), "script": root.script.render(),
             "map_name": fig.get_name()}
    parts["sig"] = _sig(parts["header"], parts["html"], parts["script"])
    return parts


def live_args(group) -> dict:
    """A group of layers (a :class:`folium.FeatureGroup`) as the component's strings, to add to an open map.

    ``group`` is put on a throwaway map and rendered alone (the throwaway
    map itself is not rendered): ``script`` refers to that map as ``parent``,
    which the frontend binds to the open map; ``header`` carries the links
    the group's elements need (loaded once).
    """
    import folium

    scratch = folium.Map(tiles=None)
    scratch.add_child(group)
    group.render()
    root = scratch.get_root()
    parts = {"header": root.header.render(), "script": root.script.render(), "parent": scratch.get_name()}
    parts["sig"] = _sig(parts["header"], parts["script"])
    return parts


@functools.lru_cache(maxsize=1)
def _declared():
    from streamlit.components.v1 import declare_component

    return declare_component(NAME, path=str(FRONTEND))


def component():
    """The component, registered with this server's runtime.

    Streamlit registers a component (and so serves its frontend) only when
    it is declared during a page run. ``serve.py``'s warm-up declares it
    first, outside any page run, so every caller goes through here: it
    registers the component once if the runtime does not know it yet (a
    dictionary look-up afterwards).
    """
    from streamlit import runtime

    declared = _declared()
    if runtime.exists():
        registry = runtime.get_instance().component_registry
        if registry.get_component(declared.name) is None:
            registry.register_component(declared)
    return declared


def show(fixed: dict, live: dict | None = None, *, key: str, height: int,
         returned_objects=RETURNABLE) -> dict:
    """Draw the map of :func:`fixed_args` (and the layers of :func:`live_args`); return what the user did.

    The returned dict holds the keys of ``returned_objects`` (a subset of
    :data:`RETURNABLE`), ``None`` until the user clicks or draws. ``key``
    names the map on the page; a new ``fixed`` part is a new map (its state
    starts empty), a new ``live`` part is swapped into the open one.
    """
    returned = list(returned_objects)
    unknown = set(returned) - set(RETURNABLE)
    if unknown:
        raise ValueError(f"the map component cannot return {sorted(unknown)}; only {list(RETURNABLE)}")
    default = {k: None for k in returned}
    value = component()(fixed=fixed, live=live, height=int(height), returned_objects=returned, default=default,
                        key=f"{key}-{fixed['sig']}")
    return {**default, **(value or {})}
