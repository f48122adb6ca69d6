"""Situation map: every layer on one offline map, as of a date.

Thin page: pick a date and a window, read the cached layers, hand them to
:func:`ewarning.maps.situation_map`. Alerts are those *reported* before the
end of the chosen day (the as-of rule) within the window; presence is as it
stood that day; sites that were open; patrols that started in the window.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.data import basemap, load_layers, store_and_token
from ewarning import maps, presence as presence_mod, sites as sites_mod, style
from ewarning.security import escape

WINDOWS = {"7 days": 7, "30 days": 30, "90 days": 90, "1 year": 365, "everything": None}

location, token = store_and_token()
layers = load_layers(location, token)
alerts_all = layers["alerts"]

latest = alerts_all["reported_at"].max() if len(alerts_all) else pd.NaT
default_day = latest.date() if pd.notna(latest) else dt.date.today()

with st.sidebar:
    st.subheader("Situation map")
    day = st.date_input("As of (end of day, UTC)", value=default_day, key="situation_as_of")
    window = st.selectbox("Alerts reported in the last", list(WINDOWS), index=1, key="situation_window")

as_of = pd.Timestamp(day, tz="UTC") + pd.Timedelta(days=1)
days = WINDOWS[window]
start = as_of - pd.Timedelta(days=days) if days else pd.Timestamp.min.tz_localize("UTC")

alerts = alerts_all[(alerts_all["reported_at"] < as_of) & (alerts_all["reported_at"] >= start)]
sites = sites_mod.open_on(layers["sites"], as_of)
presence = presence_mod.on(layers["presence"], as_of)
patrols = layers["patrols"]
patrols = patrols[(patrols["start"] < as_of) & (patrols["start"] >= start)]

st.markdown(f"<style>{style.page_css()}</style>", unsafe_allow_html=True)
counts = {"alerts": len(alerts), "IDP sites": len(sites), "bases": len(presence), "patrols": len(patrols)}
st.markdown(
    '<div class="ew-counts">'
    + "".join(f'<span class="ew-count" data-layer="{escape(k)}"><b>{v:,}</b> {escape(k)}</span>'
              for k, v in counts.items())
    + f"<span>as of {escape(day.isoformat())}, {escape(window)}</span></div>",
    unsafe_allow_html=True,
)

base_url = (st.get_option("server.baseUrlPath") or "").strip("/")
asset_base = ("/" + base_url if base_url else "") + maps.DEFAULT_ASSET_BASE
fmap = maps.situation_map(alerts=alerts, sites=sites, presence=presence, patrols=patrols,
                          basemap=basemap(), asset_base_url=asset_base)
st_folium(fmap, key="situation_map", height=640, use_container_width=True, returned_objects=[])

credit = maps.attribution(alerts)
st.markdown(
    '<div class="ew-attribution">'
    + (f"Data: {escape(credit)}. " if credit else "")
    + "Basemap: offline boundaries shipped in geodata/basemap. Reporter identities are never shown.</div>",
    unsafe_allow_html=True,
)
