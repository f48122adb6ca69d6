"""Stored values, backend-neutral: times as whole-second ISO 8601 UTC, typed columns, the bbox test.

Both backends write what :func:`to_sql` gives and read through
:func:`from_sql`, so a layer read back has the same dtypes (and the same
seconds) whichever backend holds it; the store contract suite checks that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

__all__ = ["TIME_FORMAT", "audit_frame", "audit_where", "check_bbox", "from_sql", "in_bbox", "time_text", "to_sql",
           "utc"]


def utc(ts) -> pd.Timestamp:
    value = pd.Timestamp(ts)
    if value is pd.NaT or pd.isna(value):
        raise ValueError(f"until={ts!r} is not a time")
    return value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")


def check_bbox(bbox) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        box = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        raise ValueError(f"bbox={bbox!r}: expected (min_lon, min_lat, max_lon, max_lat)") from None
    if len(box) != 4 or not all(np.isfinite(box)) or box[0] > box[2] or box[1] > box[3]:
        raise ValueError(f"bbox={bbox!r}: expected (min_lon, min_lat, max_lon, max_lat) with min <= max")
    return box


def in_bbox(geoms: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """Per geometry: its envelope intersects ``bbox`` (for a point: inside it, edges included)."""
    if len(geoms) == 0:
        return np.zeros(0, dtype=bool)
    bounds = shapely.bounds(geoms)  # NaN for missing or empty geometries: never inside
    x0, y0, x1, y1 = bbox
    with np.errstate(invalid="ignore"):
        return (bounds[:, 0] <= x1) & (bounds[:, 2] >= x0) & (bounds[:, 1] <= y1) & (bounds[:, 3] >= y0)


def time_text(ts: pd.Timestamp) -> str:
    ts = pd.Timestamp(ts)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime(TIME_FORMAT)


def to_sql(series: pd.Series, kind: str) -> list:
    if kind == "datetime":
        text = pd.to_datetime(series, utc=True).dt.strftime(TIME_FORMAT)
        return text.astype(object).where(text.notna(), None).tolist()
    if kind == "integer":
        numbers = pd.to_numeric(series, errors="coerce")
        return [None if pd.isna(v) else int(v) for v in numbers.tolist()]
    if kind == "real":
        return [None if pd.isna(v) else float(v) for v in pd.to_numeric(series, errors="coerce").tolist()]
    if kind == "boolean":
        return [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else int(bool(v))
                for v in series.astype(object).tolist()]
    values = series.astype(object)
    values = values.where(values.notna(), None)
    return [v if v is None or type(v) is str else str(v) for v in values.tolist()]


def from_sql(values, kind: str) -> pd.Series:
    if kind == "datetime":  # one unit whatever the rows (pandas picks seconds for an empty column)
        return pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True).dt.as_unit("us")
    if kind == "integer":
        series = pd.Series(values, dtype="float64")
        return series.astype("int64") if series.notna().all() else series
    if kind == "real":
        return pd.Series(values, dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="float64").fillna(0).astype(bool)
    return pd.Series(values, dtype=object)


def audit_where(since=None, user=None, action=None, text=None, mark: str = "?", like: str = "LIKE"
                ) -> tuple[str, list]:
    """The ``WHERE`` clause and parameters of an audit-log search, for a backend's placeholder ``mark`` and
    case-insensitive ``like`` operator: at or after ``since``, exactly ``user`` and ``action``, ``text`` in the
    action or the detail (``%``, ``_`` and ``\\`` taken literally)."""
    tests, params = [], []
    for column, value in (("at", None if since is None else time_text(since)), ("user", user), ("action", action)):
        if value is not None:
            tests.append(f'"{column}" {">=" if column == "at" else "="} {mark}')
            params.append(str(value))
    if text:
        pattern = "%" + str(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        tests.append(f"(\"action\" {like} {mark} ESCAPE '\\' OR \"detail\" {like} {mark} ESCAPE '\\')")
        params += [pattern, pattern]
    return (f"WHERE {' AND '.join(tests)} " if tests else ""), params


def audit_frame(rows: list) -> pd.DataFrame:
    """Audit rows ``(fid, at as ISO text, user, action, detail)`` as the typed frame both backends return."""
    columns = list(zip(*rows)) if rows else [()] * 5
    return pd.DataFrame({"fid": pd.Series(columns[0], dtype="int64"), "at": from_sql(columns[1], "datetime"),
                         "user": pd.Series(columns[2], dtype=object), "action": pd.Series(columns[3], dtype=object),
                         "detail": pd.Series(columns[4], dtype=object)})
