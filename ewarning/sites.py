"""IDP sites: where displaced people live and who would be exposed to an attack.

Columns of a validated sites layer (points, EPSG:4326): ``site_id``, ``name``,
``kind`` (:data:`ewarning.vocab.SITE_KINDS`), ``population`` (float, NaN when
unknown), ``opened``, ``closed`` (UTC, NaT when unknown / still open),
``source_row``.

Examples
--------
>>> import pandas as pd
>>> from ewarning.io.base import RawTable
>>> raw = pd.DataFrame({"site_id": ["S1"], "name": ["Alindao Catholic mission"], "kind": ["IDP camp"],
...                     "lat": ["5.04"], "lon": ["21.21"], "population": ["18000"]}, index=[1])
>>> validate(RawTable("sites", raw, "s.csv", "own")).valid.loc[0, "kind"]
'idp_camp'
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd

from . import vocab
from .io.base import RawTable
from .validation import RowChecker, Validated, empty_result

COLUMNS = ["site_id", "name", "kind", "population", "opened", "closed"]


def validate(raw: RawTable, now: pd.Timestamp | None = None, bbox=None,
             existing_ids: set[str] | None = None, secret: bytes = b"", locale: str | None = None) -> Validated:
    """Check and type a sites table; every row ends valid or quarantined.

    ``locale`` is the mission's (``fr``, ``en``...): it settles a population
    such as ``18.000`` that the file leaves ambiguous
    (:func:`ewarning.validation.read_numbers`).
    """
    if raw.frame.empty:
        return empty_result("sites", COLUMNS, raw.notes)
    rc = RowChecker(raw.frame, now or pd.Timestamp.now(tz="UTC"), locale=locale, number_columns=["population"])
    df = pd.DataFrame(index=raw.frame.index)
    lat, lon = rc.coordinates(bbox)
    df["name"] = rc.required("name")
    df["kind"] = rc.choice("kind", vocab.SITE_KINDS, vocab.SITE_KIND_SYNONYMS, default="idp_camp")
    df["population"] = rc.integer("population", low=0).astype("float64")
    df["opened"] = rc.timestamp("opened")
    df["closed"] = rc.timestamp("closed", allow_future=True)
    rc.fail(df["closed"] < df["opened"], "closed: before opened")
    generated = df["name"].fillna("").map(lambda n: "S-" + hashlib.sha1(n.encode()).hexdigest()[:8])
    df["site_id"] = rc.identifiers("site_id", generated, existing_ids)
    geometry = gpd.points_from_xy(lon.fillna(0), lat.fillna(0))
    result = rc.split("sites", raw.source, df, geometry, COLUMNS)
    result.notes.extend(raw.notes)
    return result


def open_on(sites: gpd.GeoDataFrame, when: pd.Timestamp) -> gpd.GeoDataFrame:
    """Sites open at ``when`` (unknown opening = open since always)."""
    opened = sites["opened"].isna() | (sites["opened"] <= when)
    not_closed = sites["closed"].isna() | (sites["closed"] > when)
    return sites[opened & not_closed]
