"""HXL-tagged CSV (Humanitarian Exchange Language): hashtags under or as the header.

HXL files carry a row of hashtags such as ``#date+occurred``, ``#geo+lat`` or
``#affected+killed`` either as the first row or right under a row of
human-readable headers. This reader maps hashtags (with their attributes) onto
the project's canonical columns, using libhxl to parse the hashtag row and to
match tag patterns. Columns with hashtags it does not know are left out and
named in the notes.

Safety: libhxl can open URLs (and, when asked, local paths). This module never
hands it a path or a URL: the file is read here (through
:func:`ewarning.io.textfile.read_rows`, which also applies the size limit and
the encoding checks) and only the already-read header rows are given to
libhxl, so untrusted input cannot make it touch the network or the disk.

Row numbers: the header and hashtag rows are not data. Data rows are numbered
from 1 starting under the hashtag row, as in every other reader (a note says
so when the file has both a text header and a hashtag row).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd

from ..security import WITHHELD
from .base import RawTable, ReadError
from .textfile import read_rows

#: A cell that is a HXL hashtag spec (tag plus optional +attributes).
_HASHTAG = re.compile(r"^\s*#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*\s*$")

#: (tag pattern, canonical column) in priority order; the first pattern that
#: matches a column wins, and a canonical column takes the first HXL column
#: that maps to it. Patterns use libhxl's syntax ("-x" excludes an attribute).
ALERT_TAGS = [
    ("#event+id", "id"), ("#meta+id", "id"), ("#event+code", "id"),
    ("#date+reported", "reported_at"),
    ("#date+occurred", "occurred_at"),
    ("#date-reported-opened-closed-start-end", "occurred_at"),
    ("#geo+lat", "lat"), ("#geo+lon", "lon"),
    ("#event+type", "category"), ("#event+category", "category"),
    ("#affected+killed", "killed"), ("#affected+injured", "injured"),
    ("#description", "text"), ("#meta+description", "text"),
    ("#severity", "severity"),
    ("#meta+channel", "channel"), ("#status+verification", "verification"),
    ("#loc+precision", "location_precision"), ("#geo+precision", "location_precision"),
    # Identities: mapped so that the validator pseudonymises them, never kept in clear.
    ("#contact+phone", "reporter"), ("#contact+id", "reporter"), ("#contact+name", "reporter"),
    ("#contact", "reporter"),
]
SITE_TAGS = [
    ("#site+id", "site_id"), ("#loc+code", "site_id"), ("#loc+id", "site_id"),
    ("#site+name", "name"), ("#loc+name", "name"),
    ("#site+type", "kind"), ("#loc+type", "kind"),
    ("#affected+idps", "population"), ("#population", "population"),
    ("#geo+lat", "lat"), ("#geo+lon", "lon"),
    ("#date+opened", "opened"), ("#date+start", "opened"),
    ("#date+closed", "closed"), ("#date+end", "closed"),
]
#: Hashtags that say "this is an alerts table" / "this is a sites table".
_ALERT_MARKERS = ("#event+type", "#event+category")
_SITE_MARKERS = ("#site", "#loc+name", "#loc+code", "#affected+idps")


# -- helpers shared with the other text readers ------------------------------
def head_rows(head: str, n: int = 2) -> list[list[str]]:
    """The first ``n`` rows of a delimited text head (for sniffing)."""
    lines = head.splitlines()[:n]
    if not lines:
        return []
    try:
        delimiter = csv.Sniffer().sniff(lines[0] + "\n", delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        return [row for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
    except csv.Error:
        return []


def header_names(head: str) -> set[str]:
    """Lower-cased, stripped names of the first row of a text head."""
    rows = head_rows(head, 1)
    return {c.strip().strip('"').lower() for c in rows[0]} if rows else set()


#: The hashtags of the HXL 1.1 dictionary (hxlstandard.org). A row of these is HXL however few
#: columns it tags; '#Bangui' or '#CAR' (place names, social-media tags) are not among them.
CORE_HASHTAGS = frozenset({
    "#access", "#activity", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#affected", "#beneficiary",
    "#capacity", "#cause", "#channel", "#cluster", "#contact", "#country", "#crisis", "#currency", "#date",
    "#delivery", "#description", "#event", "#financial", "#frequency", "#geo", "#group", "#impact",
    "#indicator", "#inneed", "#item", "#loc", "#meta", "#modality", "#need", "#operations", "#org", "#output",
    "#population", "#reached", "#region", "#respondee", "#sector", "#service", "#severity", "#status",
    "#subsector", "#targeted", "#value",
})
#: A hashtag row tags at least this many columns: one '#word' alone is as likely a value.
MIN_TAGGED_COLUMNS = 2
#: ... and at least this share of the columns, unless every tag is a core hashtag. HDX's own tag
#: rows tag nearly every column; a quarter leaves room for untagged extra columns.
MIN_TAGGED_SHARE = 0.25
#: Cells read_rows writes for a blank or repeated header name ('unnamed', 'x.1'): not the file's text.
_HEADER_ARTEFACT = re.compile(r"^unnamed(\.\d+)?$")
_DEDUP_SUFFIX = re.compile(r"\.\d+$")


def _cell_specs(cells) -> list[str]:
    """The non-empty cells of a row, stripped, with read_rows' header artefacts undone."""
    specs = []
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        if text in ("", "nan", "None") or _HEADER_ARTEFACT.match(text):
            continue
        specs.append(_DEDUP_SUFFIX.sub("", text))
    return specs


def is_hashtag_row(cells, width: int | None = None) -> bool:
    """Is this row a HXL hashtag row (and not a sparse data row that happens to hold a '#')?

    Strict on purpose: a row taken for hashtags is not read as data, so a
    data row must not pass. All of these must hold:

    - every non-empty cell is a hashtag spec (``#tag+attribute+...``): a data
      row nearly always holds a date, a number or a name somewhere;
    - at least :data:`MIN_TAGGED_COLUMNS` cells are tagged;
    - they tag at least :data:`MIN_TAGGED_SHARE` of the ``width`` columns,
      or every tag is one of the HXL standard's :data:`CORE_HASHTAGS`.

    Parameters
    ----------
    cells : sequence
        The row's cells (header names or values).
    width : int, optional
        Columns of the table (default: the number of cells).
    """
    specs = _cell_specs(cells)
    if len(specs) < MIN_TAGGED_COLUMNS or not all(_HASHTAG.match(v) for v in specs):
        return False
    width = max(width if width is not None else len(cells), 1)
    if len(specs) >= MIN_TAGGED_SHARE * width:
        return True
    return all(spec.split("+", 1)[0].strip().lower() in CORE_HASHTAGS for spec in specs)


def drop_hashtag_row(frame: pd.DataFrame, rejected: pd.DataFrame, notes: list[str]
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove a HXL hashtag row under the header (HDX copies of ACLED, UCDP, KoBo).

    Only a row that :func:`is_hashtag_row` accepts is removed, and a note says
    so; rows below it are renumbered so data rows count from 1 again.
    """
    if 1 not in frame.index or not is_hashtag_row(frame.loc[1].tolist(), width=len(frame.columns)):
        return frame, rejected  # row 1 is data (kept, and validated like every other row)
    frame = frame.drop(index=1)
    frame.index = frame.index - 1
    rejected = rejected.copy()
    rejected.index = rejected.index - 1
    notes.append("a HXL hashtag row under the header was skipped; data rows are numbered from the row below it")
    return frame, rejected


def file_delimiter(path: Path) -> str:
    """The delimiter :func:`read_rows` uses for ``path`` (sniffed from the header line)."""
    with open(path, "rb") as fh:
        first = fh.read(65536).decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first + "\n", delimiters=",;\t|").delimiter
    except csv.Error:
        return ","




def withhold_identities(rejected: pd.DataFrame, positions: list[int], width: int, delimiter: str) -> pd.DataFrame:
    """Blank reporter identities out of rejected rows' raw text (do no harm: never in clear).

    A line whose fields line up with the header loses only the identity
    fields; a line that does not (ragged) is withheld whole, since any of its
    fields might be the identity.
    """
    if rejected.empty or not positions:
        return rejected

    def redact(line: str) -> str:
        fields = str(line).split(delimiter)
        if len(fields) != width:
            return ("[row withheld: the file has reporter identity columns and this row's fields do not line up "
                    "with the header; open the source file at this row]")
        return delimiter.join(WITHHELD if i in positions and f.strip() else f for i, f in enumerate(fields))

    rejected = rejected.copy()
    rejected["raw"] = rejected["raw"].map(redact)
    return rejected


def rejected_frame(rows: dict[int, tuple[str, str]]) -> pd.DataFrame:
    """``reason, raw`` rows indexed by source row."""
    return pd.DataFrame({"reason": [r for r, _ in rows.values()], "raw": [t for _, t in rows.values()]},
                        index=pd.Index(list(rows), dtype="int64"))


def raw_json(record: dict) -> str:
    return json.dumps({k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v)
                       for k, v in record.items()}, default=str, ensure_ascii=False)


# -- the HXL reader ------------------------------------------------------------
def sniff(path: Path, head: str, fmt: str = "hxl") -> bool:
    return any(is_hashtag_row(row) for row in head_rows(head, 2))


def _columns(tag_cells: list[str], headers: list[str] | None):
    """libhxl Column objects for the hashtag row (None where a cell has no tag)."""
    import hxl.model  # imported here: only needed when a HXL file is read

    out = []
    for i, spec in enumerate(tag_cells):
        spec = re.sub(r"\.\d+$", "", str(spec).strip())  # read_rows' de-duplication suffix
        if spec == "unnamed":
            spec = ""
        column = hxl.model.Column.parse(spec, header=headers[i] if headers else None) if spec else None
        out.append(column or None)
    return out


def _map(columns, rules) -> dict[int, str]:
    """Position of each HXL column -> canonical name (first rule wins, no repeats)."""
    import hxl.model

    patterns = [(hxl.model.TagPattern.parse(p), name) for p, name in rules]
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, column in enumerate(columns):
        if column is None:
            continue
        for pattern, name in patterns:
            if pattern.match(column):
                if name not in taken:
                    mapping[i] = name
                    taken.add(name)
                break
    return mapping


def _has(columns, specs) -> bool:
    import hxl.model

    patterns = [hxl.model.TagPattern.parse(s) for s in specs]
    return any(c is not None and p.match(c) for c in columns for p in patterns)


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "hxl") -> list[RawTable]:
    path = Path(path)
    frame, rejected, notes = read_rows(path, encoding)
    header = list(frame.columns)
    if is_hashtag_row(header):
        tag_cells, headers = header, None
    elif 1 in frame.index and is_hashtag_row(frame.loc[1].tolist()):
        tag_cells, headers = [str(v) for v in frame.loc[1].tolist()], header
        frame, rejected = frame.drop(index=1), rejected.copy()
        frame.index = frame.index - 1
        rejected.index = rejected.index - 1
        notes.append("HXL: data rows are numbered from 1 starting under the hashtag row")
    else:
        raise ReadError(f"{path.name}: no HXL hashtag row in the first two rows (or it is malformed)")
    columns = _columns(tag_cells, headers)
    import hxl.model

    contact = hxl.model.TagPattern.parse("#contact")
    identity = [i for i, c in enumerate(columns) if c is not None and contact.match(c)]
    rejected = withhold_identities(rejected, identity, len(header), file_delimiter(path))

    if layer is None:
        if _has(columns, _ALERT_MARKERS):
            layer = "alerts"
        elif _has(columns, _SITE_MARKERS):
            layer = "sites"
        else:
            raise ReadError(f"{path.name}: HXL file with neither an event type (#event+type) nor site hashtags "
                            "(#site+name, #loc+name); give --layer")
    if layer not in ("alerts", "sites"):
        raise ReadError(f"{path.name}: HXL files can hold alerts or sites, not {layer}")
    mapping = _map(columns, ALERT_TAGS if layer == "alerts" else SITE_TAGS)
    out = pd.DataFrame(index=frame.index)
    for i, name in mapping.items():
        out[name] = frame.iloc[:, i].to_numpy()
    out = out.astype(object)
    ignored = [c.get_display_tag(sort_attributes=True) for i, c in enumerate(columns)
               if c is not None and i not in mapping]
    if ignored:
        notes.append("HXL columns not used: " + ", ".join(ignored))
    untagged = sum(1 for c in columns if c is None)
    if untagged:
        notes.append(f"{untagged} column(s) without a hashtag were not read")
    if layer == "alerts" and "occurred_at" not in out.columns and "reported_at" not in out.columns:
        notes.append("HXL: no #date column found (expected #date+occurred or #date+reported)")
    return [RawTable(layer, out, path.name, "hxl", notes, rejected)]
