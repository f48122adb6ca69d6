"""Thin Streamlit pages of the dashboard (see ``dashboard.py``)."""
