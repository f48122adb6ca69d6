"""Cached loaders shared by pages: layers from the store, keyed by its state token.

Every loader takes the store location and :meth:`Store.state_token` so a
cache entry is dropped as soon as the stored data changes (an import, a
triage edit), and reused otherwise.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from ewarning.config import GEODATA
from ewarning.store import open_store

LAYERS = ("alerts", "sites", "presence", "patrols")
BASEMAP_DIR = GEODATA / "basemap"


def store_and_token(location: str | None = None) -> tuple[str, str]:
    """The store's location and current state token (cheap: one stat call)."""
    store = open_store(location)
    return store.location, store.state_token()


@st.cache_data(show_spinner="Loading layers…", max_entries=4)
def load_layers(location: str, token: str) -> dict[str, gpd.GeoDataFrame]:
    """The four domain layers (EPSG:4326, validated columns) as of ``token``."""
    store = open_store(location)
    return {layer: store.read(layer) for layer in LAYERS}


@st.cache_data(show_spinner=False, max_entries=2)
def load_basemap(folder: str, mtime: float) -> dict[str, gpd.GeoDataFrame]:
    """The offline boundary layers shipped in ``geodata/basemap``."""
    from ewarning.maps import read_basemap

    return read_basemap(folder)


def basemap() -> dict[str, gpd.GeoDataFrame] | None:
    folder = Path(BASEMAP_DIR)
    files = sorted(folder.glob("*.geojson")) if folder.is_dir() else []
    if not files:
        return None
    return load_basemap(str(folder), max(f.stat().st_mtime for f in files))
