"""ewarning: the engine of an early-warning dashboard for UN peacekeeping missions.

Data flows one way: file -> reader (:mod:`ewarning.io`) -> validated layer
(:mod:`ewarning.alerts`, :mod:`ewarning.sites`, :mod:`ewarning.presence`,
:mod:`ewarning.patrols`) -> store (:mod:`ewarning.store`) -> as-of view ->
scorer -> hotspots -> map layers, tables and briefings. Nothing here imports
Streamlit.
"""

import os as _os

__version__ = "0.1.0"

# GDAL (under pyogrio and geopandas) reads its options from the environment
# too; setting them here, before anything opens a file, keeps every GDAL open
# in the process off the network, whatever module imports pyogrio first.
# Uploaded files never reach GDAL at all (ewarning.io.geojson, ewarning.io.gpkg);
# ewarning.io.gdal_options also switches off the drivers that follow links.
for _name, _value in {"CPL_VSIL_CURL_ALLOWED_FILENAME": "ewarning: network access is switched off",
                      "GDAL_HTTP_PROXY": "127.0.0.1:9", "GDAL_HTTPS_PROXY": "127.0.0.1:9",
                      "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}.items():
    _os.environ.setdefault(_name, _value)
