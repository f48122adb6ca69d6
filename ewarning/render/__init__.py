"""Rendering: what the views return, drawn (folium map layers, colours and type, static assets).

Knows nothing of Streamlit: the map layers are pure functions returning
folium objects (:mod:`.maps`), the palette and page style are in
:mod:`.style`. The engine and the views never import this package.
"""
