"""ewarning: the engine of an early-warning dashboard for UN peacekeeping missions.

Data flows one way: file -> reader (:mod:`ewarning.io`) -> validated layer
(:mod:`ewarning.alerts`, :mod:`ewarning.sites`, :mod:`ewarning.presence`,
:mod:`ewarning.patrols`) -> store (:mod:`ewarning.store`) -> as-of view ->
scorer -> hotspots -> map layers, tables and briefings. Nothing here imports
Streamlit.
"""

__version__ = "0.1.0"
