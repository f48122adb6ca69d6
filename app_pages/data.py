"""Data: import files, review the quarantine, export what the filters show, read the logs.

Thin page over :func:`ewarning.importing.import_files` (each file all or
nothing; every row stored or quarantined with a reason) and the store's
log tables. Exports drop reporter keys and neutralise spreadsheet formulas;
every export is recorded in the audit log with who and what.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app_pages import common
from ewarning import views
from ewarning.importing import import_files
from ewarning.io.writers import spreadsheet_table, withhold_free_text

LAYER_CHOICES = {"": "detect from the columns", "alerts": "alerts", "sites": "IDP sites", "presence": "presence",
                 "patrols": "patrols"}

f = common.current_filters()
store = common.store()
common.record_view("data", f)
st.subheader("Data")
imp, quar, exp, logs = st.tabs(["Import", "Quarantine", "Export", "Logs"])

with imp:
    st.caption("CSV, Excel, GeoJSON, GeoPackage, GPX, KML, KoBo, HXL, ACLED or UCDP files. Each file is stored "
               "whole or not at all; rows that fail a check go to the quarantine with the reason.")
    files = st.file_uploader("Files to import", accept_multiple_files=True, key="data_files")
    layer = st.selectbox("Layer", list(LAYER_CHOICES), format_func=LAYER_CHOICES.get, key="data_layer")
    if st.button("Import", type="primary", disabled=not files, key="data_import"):
        with tempfile.TemporaryDirectory(prefix="ewarning-upload-") as tmp:
            paths = []
            for n, upload in enumerate(files):
                # Each upload in its own folder: two files of one name must not overwrite each other.
                folder = Path(tmp) / str(n)
                folder.mkdir()
                path = folder / (Path(upload.name).name or "upload")  # never a path from the browser
                path.write_bytes(upload.getvalue())
                paths.append(path)
            with st.spinner(f"Importing {len(paths)} file(s)…"):
                reports = import_files(store, paths, layer=layer or None, user=common.acting_user())
        for report in reports:
            {"refused": st.error, "unchanged": st.info}.get(report.status, st.success)(report.summary())
            for note in report.notes:
                st.caption(note)
            if report.n_quarantined:
                st.dataframe(report.quarantine[["source_row", "reason"]], hide_index=True, width="stretch")

with quar:
    q = store.read("quarantine")
    st.caption(f"{len(q):,} row(s) refused at import. Fix them in the source file and import it again.")
    if len(q):
        layers = sorted(q["layer"].dropna().unique())
        pick = st.multiselect("Layer", layers, key="q_layers", placeholder="all layers")
        shown = q[q["layer"].isin(pick)] if pick else q
        q_text = st.checkbox("Show and export the reports' free text", key="q_text",
                             help="Phone numbers and e-mail addresses were removed on import, but free text "
                                  "can still name people. Viewing and exporting it is recorded.")
        if q_text:
            common.record_view("quarantine free text", f)
        else:
            shown = withhold_free_text(shown)
        st.dataframe(shown[["import_id", "layer", "source", "source_row", "reason", "raw"]], hide_index=True,
                     width="stretch", height=420)
        st.download_button("Download the quarantine (CSV)",
                           spreadsheet_table(shown, include_text=q_text).to_csv(index=False),
                           file_name="quarantine.csv", mime="text/csv", key="q_download",
                           on_click=common.record_export,
                           args=("quarantine CSV" + (" with free text" if q_text else ""), f, len(shown)))

with exp:
    alerts = views.shown_alerts(common.layers(), f)
    st.caption(f"{len(alerts):,} alert(s) under the filters ({f.describe()}). Reporter keys are left out; "
               "cells that a spreadsheet would run as formulas are neutralised.")
    with_text = st.checkbox("Include the reports' free text", key="export_text",
                            help="Left out by default: free text can name people. The export is recorded "
                                 "with this choice.")
    out = spreadsheet_table(alerts, include_text=with_text)
    st.download_button("Download alerts (CSV)", out.to_csv(index=False), file_name="alerts.csv",
                       mime="text/csv", key="alerts_download", on_click=common.record_export,
                       args=("alerts CSV" + (" with free text" if with_text else " without free text"), f,
                             len(out)))

with logs:
    st.markdown("**Imports**")
    st.dataframe(store.read("imports").sort_values("fid", ascending=False), hide_index=True,
                 width="stretch", height=220)
    st.markdown(f"**Audit log** (who saw or exported what; you are {common.acting_user()})")
    audit = store.read("audit").sort_values("fid", ascending=False).head(300)
    st.dataframe(audit[["at", "user", "action", "detail"]], hide_index=True, width="stretch", height=300)
