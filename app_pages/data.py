"""Data: import files, review the quarantine, export what the filters show, read the logs.

Thin page over :func:`ewarning.importing.import_files` (each file all or
nothing; every row stored or quarantined with a reason) and the store's
log tables. After files are chosen, a mapping step lists each file's columns
with what the import would read them as (:func:`ewarning.importing.preview_mapping`,
a dry run), one selectbox per column to change it or ignore the column; the
import uses the choices and saves them for the next files of the same source.
Exports drop reporter keys and neutralise spreadsheet formulas; every export
is recorded in the audit log with who and what.

In the analyst's language (:mod:`ewarning.i18n`): the page's words, the tables' headers, and what the
importer says of a file (its counts line and notes, :meth:`ewarning.importing.ImportReport.headline`,
:func:`ewarning.i18n.phrases.said_in`). The reasons a row was quarantined are stored in the store's words
(English), and the column names a column is read as, and every download's columns, stay as they are: files
exchanged between offices keep one schema.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import streamlit as st

from app_pages import common
from app_pages.common import html_block, text_html
from ewarning import views
from ewarning.i18n import N_
from ewarning.i18n.phrases import said_in
from ewarning.importing import import_files, preview_mapping
from ewarning.security import SecretUnavailable
from ewarning.io import mapping
from ewarning.io.writers import export_quarantine, withhold_free_text
from ewarning.reasons import reason_in

LAYER_CHOICES = {"": N_("detect from the columns"), "alerts": N_("alerts"), "sites": N_("IDP sites"),
                 "presence": N_("presence"), "patrols": N_("patrols"), "engagements": N_("engagement log")}
#: What the import is told a choice on this page is (kept in the import's notes, in the store's words).
MAPPING_LABEL = N_("your choice on this page")
#: The mapping step's choices that are not a column name, in words (the value stays the importer's).
MAPPING_WORDS = {mapping.IGNORE: N_("ignore"), mapping.NOT_READ: N_("(not read)"),
                 mapping.DROPPED: N_("(dropped: identifies people)")}
#: Headers of the quarantine's and the import log's tables, as shown (the data keeps its column names).
TABLE_HEADERS = {"import_id": N_("Import"), "layer": N_("Layer"), "source": N_("Source"), "source_row": N_("Row"),
                 "reason": N_("Reason"), "raw": N_("Row as read"), "fid": N_("Import"),
                 "started_at": N_("Started (UTC)"), "finished_at": N_("Finished (UTC)"), "user": N_("User"),
                 "sha256": N_("SHA-256"), "format": N_("Format"), "layers": N_("Layers"), "n_read": N_("Read"),
                 "n_stored": N_("Stored"), "n_quarantined": N_("Quarantined"), "n_linked": N_("Linked"),
                 "notes": N_("Notes")}


def _uploads(files) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each upload; never a path from the browser."""
    return [(Path(upload.name).name or "upload", upload.getvalue()) for upload in files]


def _saved(folder: Path, n: int, name: str, data: bytes) -> Path:
    """An upload written to its own folder: two files of one name must not overwrite each other."""
    (folder / str(n)).mkdir()
    path = folder / str(n) / name
    path.write_bytes(data)
    return path


def _preview(name: str, data: bytes, layer: str | None):
    """The mapping step's dry run of one upload, once per file content and layer in a session."""
    key = (name, hashlib.sha256(data).hexdigest(), layer)
    previews = st.session_state.setdefault("data_previews", {})
    if key not in previews:
        with tempfile.TemporaryDirectory(prefix="ewarning-preview-") as tmp:
            previews[key] = preview_mapping(store, _saved(Path(tmp), 0, name, data), layer=layer)
    return previews[key]


def _label(header: str) -> str:
    """A header inside a widget label, where Markdown is read: its punctuation shown as typed."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~:$])", r"\\\1", header)


def _reason(why) -> str:
    """The importer's reason for a column (its words), this page's choice in the user's language."""
    return t(MAPPING_LABEL) if why == MAPPING_LABEL else said_in(why, t)


def _why(column) -> str:
    if column.action == "reporter":
        return t("pseudonymised: only a key is stored, never the value")
    if column.action == "ignored":
        return t("ignored ({why})", why=_reason(column.why))
    return _reason(column.why)


def _headers(frame):
    """``frame`` with its known columns' headers in the user's language (for display only)."""
    return frame.rename(columns={c: t(TABLE_HEADERS[c]) for c in frame.columns if c in TABLE_HEADERS})


def _columns_table(columns) -> str:
    """Every column found and what became of it, as an escaped HTML table."""
    rows = "".join(f"<tr><td>{text_html(c.label)}</td><td>{text_html(_read_as(c))}</td>"
                   f"<td>{text_html(_why(c))}</td></tr>" for c in columns)
    head = "".join(f"<th>{text_html(h)}</th>" for h in (t("Column found"), t("Read as"), t("Why")))
    return f"<table class='ew-map-table'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _read_as(column) -> str:
    words = {"reporter": t("reporter key"), "dropped": t("dropped"), "ignored": t("ignored"),
             "not read": t("not read")}
    return words.get(column.action, column.target or t("not read"))   # a column name stays as it is


user = common.require_page("view_desk")
t = common.translator()
f = common.current_filters()
store = common.store()
common.record_view("data", f)
st.subheader(t("Data"))
imp, quar, exp, logs = st.tabs([t("Import"), t("Quarantine"), t("Export"), t("Logs")])

with imp:
    st.caption(t("CSV, Excel, GeoJSON, GeoPackage, GPX, KML, KoBo, HXL, ACLED or UCDP files. Each file is stored "
                 "whole or not at all; rows that fail a check go to the quarantine with the reason."))
    files = st.file_uploader(t("Files to import"), accept_multiple_files=True, key="data_files")
    layer = st.selectbox(t("Layer"), list(LAYER_CHOICES), format_func=lambda k: t(LAYER_CHOICES[k]), key="data_layer")
    uploads = _uploads(files or [])
    mappings: dict[int, dict[str, str]] = {}
    if uploads:
        st.markdown("**" + t("Columns") + "** — " + t("what each column found will be read as. Change a choice to "
                    "read a column as another, or ignore it; your choices are saved for the next files of the same "
                    "source.") + " " + t("The choices are the desk's column names (one schema for every office)."))
    for n, (name, data) in enumerate(uploads):
        preview = _preview(name, data, layer or None)
        # the preview's summary is the importer's (its words)
        html_block("<div class='ew-map-file'><b>" + text_html(t("Preview")) + "</b> "
                   + text_html(t("(nothing stored yet):")) + f" {text_html(preview.headline(t))}</div>")
        if not preview.columns:
            continue
        found_layer = preview.columns[0].layer or None
        for col, title in zip(st.columns([2, 2, 3]), (t("Column found"), t("Read as"), t("Why"))):
            with col:
                html_block(f"<b>{text_html(title)}</b>")
        picks = []
        for j, column in enumerate(preview.columns):
            name_col, pick_col, why_col = st.columns([2, 2, 3])
            with name_col:
                html_block(f"<span class='ew-map-header'>{text_html(column.label)}</span>")
            with pick_col:
                picks.append(st.selectbox(t("Read {column} as", column=_label(column.label)),
                                          mapping.choices(column, found_layer),
                                          format_func=lambda c: t(MAPPING_WORDS[c]) if c in MAPPING_WORDS else c,
                                          key=f"data_map_{n}_{j}", label_visibility="collapsed"))
            with why_col:
                html_block(f"<span class='ew-map-why'>{text_html(_why(column))}</span>")
        mappings[n] = mapping.chosen(preview.columns, picks, found_layer)
    if st.button(t("Import"), type="primary", disabled=not files, key="data_import"):
        with tempfile.TemporaryDirectory(prefix="ewarning-upload-") as tmp:
            paths = [_saved(Path(tmp), n, name, data) for n, (name, data) in enumerate(uploads)]
            with st.spinner(t("Importing {n} file(s)…", n=t.number(len(paths)))):
                try:
                    reports = import_files(store, paths, layer=layer or None, user=user,
                                           file_mappings={str(p): mappings.get(n, {}) for n, p in enumerate(paths)},
                                           mapping_label=MAPPING_LABEL)   # recorded in the store's words
                except SecretUnavailable as refused:   # the secret is kept from the web process
                    st.error(t("Nothing imported: {reason}.", reason=str(refused)))
                    reports = []
        st.session_state.pop("data_previews", None)  # a saved mapping or a stored id changes the next preview
        for report in reports:   # the importer's words in the analyst's language where it has them (said_in)
            {"refused": st.error, "unchanged": st.info}.get(report.status, st.success)(report.headline(t))
            if report.columns:
                html_block(_columns_table(report.columns))
            for note in report.notes:
                st.caption(said_in(note, t))
            if report.n_quarantined:
                rows = report.quarantine[["source_row", "reason"]].copy()
                rows["reason"] = [reason_in(r, t) for r in rows["reason"]]
                st.dataframe(_headers(rows), hide_index=True, width="stretch")

@st.cache_data(show_spinner=False, max_entries=4)
def _workbook(token: str, rows_key: tuple, include_text: bool, _rows) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quarantine.xlsx"
        export_quarantine(_rows, "xlsx", path, include_text=include_text)
        return path.read_bytes()


def _quarantine_workbook(rows, include_text: bool) -> bytes:
    """The quarantined ``rows`` as a workbook to fix and re-import (:func:`ewarning.io.writers.export_quarantine`),
    built once per store state, layers chosen and free-text choice (openpyxl takes a second per few thousand rows)."""
    # quarantining alone may leave the state token as it was: the rows' count, layers and last import say more
    key = (len(rows), int(rows["import_id"].max()), tuple(sorted(rows["layer"].dropna().unique())))
    return _workbook(store.state_token(), key, include_text, _rows=rows)


with quar:
    q = store.read("quarantine")
    st.caption(t("{n} row(s) refused at import. Fix them in the source file and import it again.",
                 n=t.number(len(q))) + " " + t("The reasons are the importer's; the workbook keeps the file's "
                                                "own columns."))
    if len(q):
        layers = sorted(q["layer"].dropna().unique())
        pick = st.multiselect(t("Layer"), layers, key="q_layers", placeholder=t("all layers"))
        shown = q[q["layer"].isin(pick)] if pick else q
        q_text = st.checkbox(t("Show and export the reports' free text"), key="q_text",
                             help=t("Phone numbers and e-mail addresses were removed on import, but free text "
                                    "can still name people. Viewing and exporting it is recorded."))
        chosen = shown
        if q_text:
            common.record_view("quarantine free text", f)
        else:
            shown = withhold_free_text(shown)
        shown = shown.assign(reason=[reason_in(r, t) for r in shown["reason"]])   # stored in English
        st.dataframe(_headers(shown[["import_id", "layer", "source", "source_row", "reason", "raw"]]),
                     hide_index=True, width="stretch", height=420)
        # What the command line's `export --layer quarantine` gives: one sheet per layer with the original
        # columns and the reasons, to fix in place and import again.
        st.download_button(t("Download the quarantine to fix (Excel, one sheet per layer)"),
                           _quarantine_workbook(chosen, q_text), file_name="quarantine-to-fix.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="q_download", on_click=common.record_export,
                           args=("quarantine workbook" + (" with free text" if q_text else ""), f, len(shown)))

with exp:
    if not user.can("export"):
        st.info(t("Exports take the analyst or supervisor role."))
    else:
        alerts = views.shown_alerts(common.layers(), f)
        st.caption(t("{n} alert(s) under the filters ({filters}). Reporter keys are left out; cells that a "
                     "spreadsheet would run as formulas are neutralised.", n=t.number(len(alerts)),
                     filters=common.filters_words(f, t))
                   + " " + t("The file's columns and codes are the desk's own, in every language."))
        with_text = st.checkbox(t("Include the reports' free text"), key="export_text",
                                disabled=not user.can("export_free_text"),
                                help=t("Left out by default: free text can name people. The export is recorded "
                                       "with this choice."))
        out = common.guarded(views.alerts_export, common.layers(), f, user, include_text=with_text)
        st.download_button(t("Download alerts (CSV)"), out.to_csv(index=False), file_name="alerts.csv",
                           mime="text/csv", key="alerts_download", on_click=common.record_export,
                           args=("alerts CSV" + (" with free text" if with_text else " without free text"), f,
                                 len(out)))

with logs:
    st.markdown("**" + t("Imports") + "**")
    st.dataframe(_headers(store.read("imports").sort_values("fid", ascending=False)), hide_index=True,
                 width="stretch", height=220)
    st.caption(t("Every view, import, triage action and export is recorded under your name ({name}) in the audit "
                 "log, which supervisors read on the Audit log page.", name=user.name))
