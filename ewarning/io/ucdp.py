"""UCDP Georeferenced Event Dataset (GED) CSV as alert reports.

Data citation (CC BY 4.0; keep it wherever UCDP data is shown or used):

- Davies, Shawn, Therese Pettersson & Magnus Öberg (2023). Organized violence
  1989-2022 and the return of conflicts between states? Journal of Peace
  Research 60(4).
- Sundberg, Ralph & Erik Melander (2013). Introducing the UCDP Georeferenced
  Event Dataset. Journal of Peace Research 50(4).

Mapping (GED column -> canonical):

=====================  =========================================================
``id``                 ``id`` as ``UCDP-<id>``
``date_start``         ``occurred_at``
``date_end``           ``reported_at``: UCDP has no report date; the end of the
                       event's date range is the earliest it could have been known
``latitude/longitude`` ``lat/lon``
``best``               ``killed`` (UCDP's best estimate of deaths)
``type_of_violence``   3 (one-sided violence against civilians) -> ``killing``
                       when ``best > 0``, else ``armed_attack``; 1 (state-based)
                       and 2 (non-state) -> ``armed_attack``: ``killing`` is kept
                       for violence against civilians
``where_prec``         1 exact, 2 village, 3 district, 4-5 province; 6 (country
                       level) and 7 (international waters/airspace) cannot be
                       placed and go to the reader's rejected rows
``side_a, side_b,``    ``text`` = "side_a – side_b: where_description" (no
``where_description``  source names, no reporters)
=====================  =========================================================

Every row is ``channel=media``, ``verification=verified``, Admiralty ``B2``
(UCDP codes events after the fact from several sources).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .base import RawTable
from .exports import read_export
from .hxl import header_names, raw_json, rejected_frame
from .textfile import refuse_repeated_columns

CITATION = "UCDP GED v23.1 (CC BY 4.0): Davies, Pettersson & Öberg 2023; Sundberg & Melander 2013"

REQUIRED = ["id", "date_start", "date_end", "type_of_violence", "where_prec", "latitude", "longitude", "best"]

PRECISION = {"1": "exact", "2": "village", "3": "district", "4": "province", "5": "province"}
UNPLACEABLE = {
    "6": "location: UCDP where_prec 6 means the place is known only at country level",
    "7": "location: UCDP where_prec 7 means the event is placed in international waters or airspace",
}


def sniff(path: Path, head: str, fmt: str = "ucdp") -> bool:
    return {"type_of_violence", "where_prec", "date_start"} <= header_names(head)


def _clean(col: pd.Series) -> pd.Series:
    return col.astype(object).where(col.notna(), "").map(lambda v: str(v).strip())


def read(path: Path, layer: str | None = None, encoding: str | None = None, fmt: str = "ucdp") -> list[RawTable]:
    path = Path(path)
    frame, rejected, notes = read_export(path, encoding, REQUIRED, layer, "UCDP GED")
    refuse_repeated_columns(path, frame.columns, "UCDP GED")  # two spellings of one column: which is right?
    get = {c: _clean(frame[c]) if c in frame.columns else pd.Series("", index=frame.index)
           for c in REQUIRED + ["side_a", "side_b", "where_description", "date_prec"]}

    best = pd.to_numeric(get["best"], errors="coerce")
    violence = get["type_of_violence"]
    category = pd.Series("type_of_violence " + violence, index=frame.index, dtype=object)
    category[violence.isin(["1", "2"])] = "armed_attack"
    category[violence.eq("3")] = "armed_attack"
    category[violence.eq("3") & (best > 0)] = "killing"

    precision = get["where_prec"].map(lambda v: PRECISION.get(v, f"where_prec {v}" if v else None))
    text = get["side_a"] + " – " + get["side_b"] + ": " + get["where_description"]
    text = text.map(lambda t: " ".join(t.split()))
    out = pd.DataFrame({
        "id": get["id"].map(lambda v: f"UCDP-{v}" if v else None),
        "reported_at": get["date_end"],
        "occurred_at": get["date_start"],
        "lat": get["latitude"],
        "lon": get["longitude"],
        "category": category,
        "killed": get["best"],
        "channel": "media",
        "verification": "verified",
        "reliability": "B",
        "credibility": "2",
        "location_precision": precision,
        "text": text,
    }, index=frame.index).astype(object)

    unplaceable = get["where_prec"].isin(list(UNPLACEABLE))
    if unplaceable.any():
        bad = {int(i): (UNPLACEABLE[get["where_prec"][i]], raw_json(out.loc[i].to_dict()))
               for i in out.index[unplaceable]}
        rejected = pd.concat([rejected, rejected_frame(bad)]).sort_index()
        out = out[~unplaceable]
        notes.append(f"{int(unplaceable.sum())} UCDP event(s) with where_prec 6-7 (country level or international "
                     "waters) cannot be placed on the map and were set aside")
    notes.append(CITATION)
    notes.append("UCDP has no report date: reported_at is the end of the event's date range (date_end), the "
                 "earliest the event could have been known")
    uncertain = int((pd.to_numeric(get["date_prec"], errors="coerce") > 1).sum())
    if uncertain:
        notes.append(f"{uncertain} event(s) have an uncertain date (date_prec > 1): occurred_at is the start of "
                     "UCDP's date range")
    return [RawTable("alerts", out, path.name, "ucdp", notes, rejected)]
