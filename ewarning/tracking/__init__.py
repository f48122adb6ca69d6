"""Patrol analytics from GPS tracks: where patrols went, how (on foot or in vehicles), whom they passed.

- :mod:`.read`: track points with their times from GPX, KML, GeoJSON and
  route-point CSV (:func:`read_tracks`), parsed as safely as the import;
- :mod:`.analytics`: cleaning, gap splits, stops, speeds, foot and vehicle
  time, coverage of sites and communities (:func:`analyse`), time by area
  and period (:func:`time_by_area`).

Pure functions on pandas/numpy; no Streamlit.
"""

from .analytics import (SUMMARY_COLUMNS, TrackAnalysis, TrackConfig, analyse, clean, coverage, site_last_pass,
                        time_by_area)
from .read import Tracks, read_tracks
from .routes import points_from_routes

__all__ = ["SUMMARY_COLUMNS", "TrackAnalysis", "TrackConfig", "Tracks", "analyse", "clean", "coverage",
           "points_from_routes", "read_tracks", "site_last_pass", "time_by_area"]
