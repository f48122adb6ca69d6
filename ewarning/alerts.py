"""Alert reports: the community's and the mission's reports of threats and incidents.

Columns of a validated alerts layer (a GeoDataFrame of points, EPSG:4326):

============================  ===================================================
``id`` (str)                  the report's id (generated from its content if absent)
``reported_at`` (UTC)         when the mission learnt of it; the as-of clock
``occurred_at`` (UTC)         when it happened (may be NaT)
``category`` (str)            code from :data:`ewarning.vocab.CATEGORIES`
``severity`` (int 1-5)        given, or from the category and casualties
``killed``, ``injured`` (int) casualties, 0 when not given
``channel`` (str)             :data:`ewarning.vocab.CHANNELS`
``verification`` (str)        unverified / verified / discounted
``reliability``, ``credibility``  Admiralty code (A-F, 1-6; F/6 = cannot judge)
``reporter_key`` (str)        pseudonymous key, never the identity
``location_precision`` (str)  exact / village / district / province
``text`` (str)                free text, escaped wherever it is shown
``origin`` (str)              the reader that produced it (own, acled, ucdp, ...)
``duplicate_of`` (str)        id of the first report of the same incident, or None
``source_row`` (int)          row in the imported file
============================  ===================================================

Only ``lat, lon, category`` and one of the two times are required. A report
with no ``reported_at`` is taken as reported when it occurred (said in the
import notes): the earliest the mission could have known.

Examples
--------
>>> import pandas as pd
>>> from ewarning.io.base import RawTable
>>> raw = pd.DataFrame({"lat": ["4.79", "95"], "lon": ["20.68", "20"],
...                     "category": ["killing", "looting"],
...                     "occurred_at": ["2018-11-15", "2018-11-14"]}, index=[1, 2])
>>> v = validate(RawTable("alerts", raw, "x.csv", "own"), now=pd.Timestamp("2024-01-01", tz="UTC"))
>>> len(v.valid), v.quarantine.reason.tolist()
(1, ['lat/lon: latitude and longitude look swapped (lat 95.0, lon 20.0)'])
"""

from __future__ import annotations

import hashlib
import hmac

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.spatial import cKDTree

from . import vocab
from .geo import metric_crs
from .io.base import RawTable
from .io.writers import WITHHELD_MARKERS
from .security import pseudonymise
from .validation import RowChecker, Validated, empty_result

COLUMNS = [
    "id", "reported_at", "occurred_at", "category", "severity", "killed", "injured", "channel",
    "verification", "reliability", "credibility", "reporter_key", "location_precision", "text",
    "origin", "duplicate_of",
]

#: Near-duplicate window: reports of the same category closer than this in
#: time (by occurrence, else report) and in space (widened by precision).
DUPLICATE_HOURS = 24.0
DUPLICATE_RADIUS_M = 2_000.0


def validate(raw: RawTable, now: pd.Timestamp | None = None, bbox=None,
             existing_ids: set[str] | None = None, secret: bytes = b"", locale: str | None = None) -> Validated:
    """Check and type an alerts table; every row ends valid or quarantined.

    Casualties and severity are read by :func:`ewarning.validation.read_numbers`
    (``1,200`` killed is 1200; ``2.000`` is quarantined as ambiguous unless the
    file or the mission's ``locale`` writes decimal commas).
    """
    now = now or pd.Timestamp.now(tz="UTC")
    if raw.frame.empty:
        return empty_result("alerts", COLUMNS, raw.notes)
    rc = RowChecker(raw.frame, now, locale=locale, number_columns=["killed", "injured", "severity"])
    df = pd.DataFrame(index=raw.frame.index)
    lat, lon = rc.coordinates(bbox)
    df["reported_at"] = rc.timestamp("reported_at")
    df["occurred_at"] = rc.timestamp("occurred_at")
    no_time = rc.column("reported_at").isna() & rc.column("occurred_at").isna()
    rc.fail(no_time, "reported_at/occurred_at: give at least one of the two times")
    late = df["occurred_at"] > df["reported_at"]
    rc.fail(late, lambda i: "occurred_at: after reported_at (" + df.loc[i, "occurred_at"].dt.strftime("%Y-%m-%d %H:%M")
            + " > " + df.loc[i, "reported_at"].dt.strftime("%Y-%m-%d %H:%M") + ")")
    estimated = df["reported_at"].isna() & df["occurred_at"].notna()
    df["reported_at"] = df["reported_at"].fillna(df["occurred_at"])

    df["category"] = rc.choice("category", vocab.CATEGORIES, vocab.CATEGORY_SYNONYMS)
    df["killed"] = rc.integer("killed", low=0).fillna(0).astype("int64")
    df["injured"] = rc.integer("injured", low=0).fillna(0).astype("int64")
    severity = rc.integer("severity", low=1, high=5)
    df["severity"] = severity.fillna(default_severity(df["category"], df["killed"])).astype("int64")
    df["channel"] = rc.choice("channel", vocab.CHANNELS, vocab.CHANNEL_SYNONYMS, default="unknown")
    df["verification"] = rc.choice("verification", vocab.VERIFICATION, vocab.VERIFICATION_SYNONYMS,
                                   default="unverified")
    df["reliability"] = rc.choice("reliability", vocab.RELIABILITY, default="F")
    df["credibility"] = rc.choice("credibility", vocab.CREDIBILITY, default="6")
    df["location_precision"] = rc.choice("location_precision", vocab.PRECISION, vocab.PRECISION_SYNONYMS,
                                         default="exact")
    df["text"] = rc.text("text")
    # A quarantine export made without --include-text, fixed and imported again: its placeholder is no report text.
    withheld = df["text"].isin(WITHHELD_MARKERS).fillna(False).astype(bool)
    df["text"] = df["text"].mask(withheld)
    reporter_keys = pseudonymise(rc.column("reporter").astype(object), secret)
    df["reporter_key"] = reporter_keys
    df["origin"] = raw.format
    df["duplicate_of"] = None
    missing_id = rc.column("id").isna()
    generated = pd.Series(None, index=df.index, dtype=object)
    if missing_id.any():
        content = raw.frame[missing_id.to_numpy()].drop(columns=["reporter"], errors="ignore")
        generated[missing_id] = _content_ids(content.assign(reporter_key=reporter_keys[missing_id]), secret)
    df["id"] = rc.identifiers("id", generated, existing_ids)

    geometry = gpd.points_from_xy(lon.fillna(0), lat.fillna(0))
    result = rc.split("alerts", raw.source, df, geometry, COLUMNS, redact_raw={"reporter": reporter_keys})
    result.notes.extend(raw.notes)
    n_est = int(estimated[~raw.frame.index.isin(result.quarantine.source_row)].sum())
    if n_est:
        result.notes.append(f"{n_est} alert(s) had no reported_at; their occurrence time was used as the report time")
    n_withheld = int(withheld.sum())
    if n_withheld:
        result.notes.append(f"{n_withheld} alert(s) came with their free text withheld (a quarantine export made "
                            "without --include-text); they are stored without text")
    return result


def default_severity(category: pd.Series, killed: pd.Series) -> pd.Series:
    """Severity from the category, raised to 5 when five or more were killed."""
    base = category.map(vocab.CATEGORY_SEVERITY).fillna(1)
    return base.where(killed < 5, 5).astype("int64")


def _content_ids(frame: pd.DataFrame, secret: bytes) -> pd.Series:
    """Stable ids for rows that have none: a keyed hash of everything the row says.

    Two rows get the same id only when they are identical, which the id
    check then reports as a repeated row. The hash is keyed with the
    pseudonymisation secret and sees the reporter only as its key, so an id
    never lets anyone without the secret test a guess (a phone number) against it.
    """
    values = frame.drop(columns=[c for c in ("id", "geometry") if c in frame.columns]).astype(object)
    ids = ["A-" + hmac.new(secret, "\x1f".join(map(str, row)).encode("utf-8", "surrogateescape"),
                           hashlib.sha256).hexdigest()[:12]
           for row in values.itertuples(index=False, name=None)]
    return pd.Series(ids, index=frame.index, dtype=object)


def precision_radius(alerts: pd.DataFrame) -> np.ndarray:
    """Radius (m) within which each alert lies, from its location precision."""
    return alerts["location_precision"].map(vocab.PRECISION_RADIUS_M).fillna(vocab.PRECISION_RADIUS_M["exact"]).to_numpy()


def link_near_duplicates(alerts: gpd.GeoDataFrame, hours: float = DUPLICATE_HOURS,
                         radius_m: float = DUPLICATE_RADIUS_M, crs: str | None = None) -> pd.Series:
    """For each alert, the id of the first report of the same incident (or None).

    Two reports are of one incident when they share a category, happened
    within ``hours`` of each other, and lie within ``radius_m`` widened by
    the coarser of their location precisions. Linked reports are kept: the
    duplicate only points to the first (earliest reported) report it matches,
    so counts can use one report per incident while nothing is lost.

    Reports already marked ``duplicate_of`` keep their link. Linking never
    changes a report's figures: each keeps its own casualties and severity,
    and the engine counts an incident once with its *gravest* report (a
    first report of 2 killed, then one of 12, is an incident of 12 killed;
    :func:`ewarning.hotspots.prepare.incidents`,
    :func:`~ewarning.hotspots.prepare.incident_severity`).
    """
    out = pd.Series([None] * len(alerts), index=alerts.index, dtype=object)
    if len(alerts) < 2:
        return out
    pts = alerts.to_crs(crs or metric_crs(alerts)).geometry
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    when = alerts["occurred_at"].fillna(alerts["reported_at"])
    t_hours = (when - pd.Timestamp("2000-01-01", tz="UTC")).dt.total_seconds().to_numpy() / 3600.0
    reach = np.maximum(precision_radius(alerts), radius_m)
    codes = alerts["category"].astype("category").cat.codes.to_numpy()
    rows, cols = [], []
    scale = float(reach.max())
    # Scaled so a box of side 1 holds every candidate pair; categories are
    # kept apart by a large offset on a fourth axis.
    tree = cKDTree(np.column_stack([x / scale, y / scale, t_hours / hours, codes * 10.0]))
    pairs = tree.query_pairs(r=1.0, p=np.inf, output_type="ndarray")
    if len(pairs):
        i, j = pairs[:, 0], pairs[:, 1]
        dist = np.hypot(x[i] - x[j], y[i] - y[j])
        keep = (dist <= np.maximum(reach[i], reach[j])) & (np.abs(t_hours[i] - t_hours[j]) <= hours) & (codes[i] == codes[j])
        rows, cols = i[keep], j[keep]
    if len(rows) == 0:
        return out
    # Greedy in report order: a report joins the earliest *first report* it
    # matches directly, so links never chain across a string of reports.
    order = np.lexsort((alerts["id"].to_numpy().astype(str), alerts["reported_at"].to_numpy()))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(alerts),) * 2)
    graph = (graph + graph.T).tocsr()
    head_of = np.arange(len(alerts), dtype=np.int64)  # alone, a report is its own first report
    degree = np.diff(graph.indptr)
    for node in order[degree[order] > 0]:
        neighbours = graph.indices[graph.indptr[node]:graph.indptr[node + 1]]
        earlier_heads = neighbours[(rank[neighbours] < rank[node]) & (head_of[neighbours] == neighbours)]
        if len(earlier_heads):
            head_of[node] = earlier_heads[np.argmin(rank[earlier_heads])]
    ids = alerts["id"].to_numpy()
    linked = np.where(head_of != np.arange(len(alerts)), ids[head_of], None)
    out[:] = linked
    return out
