"""Bases and the mission's presence: which components are where, and when.

One row per base and period (presence changes: a liaison assistant arrives, a
police unit leaves). Columns of a validated presence layer (points, EPSG:4326):

=====================  =========================================================
``base_id``, ``name``  the base; several rows per base for successive periods
``kind``               :data:`ewarning.vocab.BASE_KINDS`
``military``           personnel count (or 1 when only present/absent is known)
``police``             formed police units and individual police officers
``civilian``           civil affairs, human rights, child protection staff
``cla``                community liaison assistants
``cla_female``         of whom women
``start``, ``end``     period (UTC); ``end`` NaT = still there
=====================  =========================================================

Optional finer columns (``formed_police``, ``individual_police``,
``civil_affairs``, ``human_rights``, ``child_protection``) are added into
``police`` and ``civilian`` when those are not given.

Examples
--------
>>> import pandas as pd
>>> from ewarning.io.base import RawTable
>>> raw = pd.DataFrame({"base_id": ["B1"], "name": ["Alindao TOB"], "kind": ["TOB"],
...     "lat": ["5.04"], "lon": ["21.21"], "military": ["1"], "police": ["0"], "civilian": ["0"],
...     "cla": ["0"], "cla_female": ["0"], "start": ["2018-06-01"], "end": [""]}, index=[1])
>>> p = validate(RawTable("presence", raw, "p.csv", "own")).valid
>>> components(p).iloc[0].to_dict()
{'military': True, 'police': False, 'civilian': False, 'cla': False}
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from . import vocab
from .io.base import RawTable
from .validation import RowChecker, Validated, empty_result

COUNT_COLUMNS = ["military", "police", "civilian", "cla", "cla_female"]
COLUMNS = ["base_id", "name", "kind", *COUNT_COLUMNS, "start", "end"]
_PARTS = {"police": ["formed_police", "individual_police"],
          "civilian": ["civil_affairs", "human_rights", "child_protection"]}


def validate(raw: RawTable, now: pd.Timestamp | None = None, bbox=None,
             existing_ids: set[str] | None = None, secret: bytes = b"", locale: str | None = None) -> Validated:
    """Check and type a presence table; every row ends valid or quarantined.

    ``existing_ids`` holds ``base_id|start`` keys already stored. Head counts
    are read by :func:`ewarning.validation.read_numbers` (``locale``: the
    mission's, for ``1.200``).
    """
    if raw.frame.empty:
        return empty_result("presence", COLUMNS, raw.notes)
    counted = COUNT_COLUMNS + [p for parts in _PARTS.values() for p in parts]
    rc = RowChecker(raw.frame, now or pd.Timestamp.now(tz="UTC"), locale=locale, number_columns=counted)
    df = pd.DataFrame(index=raw.frame.index)
    lat, lon = rc.coordinates(bbox)
    df["base_id"] = rc.required("base_id")
    df["name"] = rc.column("name").fillna(df["base_id"])
    df["kind"] = rc.choice("kind", vocab.BASE_KINDS, vocab.BASE_KIND_SYNONYMS, default="other")
    for col in COUNT_COLUMNS:
        parts = [p for p in _PARTS.get(col, []) if p in raw.frame.columns]
        if col not in raw.frame.columns and parts:
            counts = sum(_count(rc, part).fillna(0) for part in parts)
        else:
            counts = _count(rc, col)
        df[col] = counts.fillna(0).astype("int64")
    rc.fail(df["cla_female"] > df["cla"], "cla_female: more women liaison assistants than liaison assistants")
    df["start"] = rc.timestamp("start", required=True)
    df["end"] = rc.timestamp("end", allow_future=True)
    rc.fail(df["end"] < df["start"], "end: before start")
    key = df["base_id"].fillna("") + "|" + df["start"].dt.strftime("%Y-%m-%d").fillna("")
    rc.identifiers("_period_key", key, existing_ids)  # duplicate base periods
    _check_overlaps(rc, df)
    geometry = gpd.points_from_xy(lon.fillna(0), lat.fillna(0))
    result = rc.split("presence", raw.source, df, geometry, COLUMNS)
    result.notes.extend(raw.notes)
    return result


def _count(rc: RowChecker, col: str) -> pd.Series:
    """A head count, or yes/no read as 1/0 (many rosters only say who is there)."""
    if rc.column(col).str.lower().isin(["yes", "no", "true", "false", "oui", "non", "y", "n"]).any():
        return rc.flag(col).astype("float64")
    return rc.integer(col, low=0)


def _check_overlaps(rc: RowChecker, df: pd.DataFrame) -> None:
    """Two periods of one base may not overlap: which one would be true?"""
    ok = df.dropna(subset=["base_id", "start"]).sort_values(["base_id", "start"])
    far_future = pd.Timestamp("2262-01-01", tz="UTC")
    prev_end = ok.groupby("base_id")["end"].shift().fillna(far_future)
    prev_start = ok.groupby("base_id")["start"].shift()
    overlap = prev_start.notna() & (prev_end > ok["start"])
    rc.fail(overlap.reindex(df.index, fill_value=False), "start: overlaps an earlier period of the same base")


def on(presence: gpd.GeoDataFrame, when: pd.Timestamp) -> gpd.GeoDataFrame:
    """Each base as it stood at ``when`` (periods with start <= when < end)."""
    active = (presence["start"] <= when) & (presence["end"].isna() | (presence["end"] > when))
    return presence[active]


def components(presence: pd.DataFrame) -> pd.DataFrame:
    """Booleans per row: which of the four components are present."""
    return pd.DataFrame({c: presence[c] > 0 for c in vocab.COMPONENTS}, index=presence.index)
