"""The engagement log: who engaged which community, how, with how many women and men, on what.

Columns of a validated engagements layer (points, EPSG:4326):
``engagement_id``, ``date`` (UTC), ``component``
(:data:`ewarning.vocab.ENGAGEMENT_COMPONENTS`: military, police, civil
affairs, human rights, child protection, liaison assistants...),
``activity`` (:data:`ewarning.vocab.ENGAGEMENT_ACTIVITIES`: community
meeting, local protection committee, joint protection team mission,
liaison-assistant contact, female engagement team contact), ``community``
(the place's name as the mission writes it), ``participants_women``,
``participants_men`` (counts only: the log never holds a participant's name),
``topics`` (``;``-separated, normalised: lower case, no accents) and
``questions`` (free text, phone numbers and e-mails scrubbed).

A file's ``date`` column may be named as the import's column mapping reads
it (``occurred_at`` for "Date", "Date of meeting"...). Each row is stored or
quarantined with the reason; names of people in any column other than these
are dropped by the import's identity protection before this validator runs.

Examples
--------
>>> import pandas as pd
>>> from ewarning.io.base import RawTable
>>> raw = pd.DataFrame({"date": ["2018-11-01", "2018-11-02"], "component": ["Civil affairs", "force"],
...     "activity": ["meeting", "JPT"], "community": ["Alindao", "Alindao"], "lat": ["5.03", "95"],
...     "lon": ["21.21", "21.2"], "participants_women": ["12", "3"], "topics": ["Security; Return", "security"]},
...     index=[1, 2])
>>> v = validate(RawTable("engagements", raw, "e.csv", "own"), now=pd.Timestamp("2018-12-01", tz="UTC"))
>>> v.valid.loc[0, ["component", "activity", "topics"]].tolist(), len(v.quarantine)
(['civil_affairs', 'community_meeting', 'return;security'], 1)
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd

from .. import identities, vocab
from ..io.base import RawTable
from ..validation import RowChecker, Validated, empty_result

__all__ = ["COLUMNS", "validate", "topic_set", "normalise_topics", "community_key"]

COLUMNS = ["engagement_id", "date", "component", "activity", "community", "participants_women",
           "participants_men", "topics", "questions"]
#: Spellings of the date column another reader or the column mapping may have given it.
_DATE_NAMES = ("date", "occurred_at", "reported_at")


def normalise_topics(value) -> str | None:
    """``"Security, Return"`` -> ``"return;security"``: sorted, unique, lower case, accent-free.

    >>> normalise_topics(" Sécurité ;security|  return "), normalise_topics(None)
    ('return;securite;security', None)
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    words = {vocab.normalise_code(w) for w in str(value).replace("|", ";").replace(",", ";").split(";")}
    words.discard("")
    return ";".join(sorted(words)) or None


def topic_set(value) -> frozenset:
    """The topics of a stored ``topics`` cell as a set."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return frozenset()
    return frozenset(t for t in str(value).split(";") if t)


def community_key(names: pd.Series) -> pd.Series:
    """Names compared as the same community: accents, case and spacing not mattering."""
    return names.astype(str).map(vocab.normalise_code)


def validate(raw: RawTable, now: pd.Timestamp | None = None, bbox=None, existing_ids: set[str] | None = None,
             secret: bytes = b"", locale: str | None = None) -> Validated:
    """Check and type an engagement log; every row ends valid or quarantined with its reasons."""
    frame = raw.frame
    if frame.empty:
        return empty_result("engagements", COLUMNS, raw.notes)
    date_col = next((c for c in _DATE_NAMES if c in frame.columns), "date")
    rc = RowChecker(frame, now or pd.Timestamp.now(tz="UTC"), locale=locale,
                    number_columns=["participants_women", "participants_men"])
    df = pd.DataFrame(index=frame.index)
    lat, lon = rc.coordinates(bbox)
    df["date"] = rc.timestamp(date_col, required=True)
    if date_col != "date":
        rc.notes.append(f"engagement date read from the '{date_col}' column")
    df["component"] = rc.choice("component", vocab.ENGAGEMENT_COMPONENTS, vocab.ENGAGEMENT_COMPONENT_SYNONYMS)
    df["activity"] = rc.choice("activity", vocab.ENGAGEMENT_ACTIVITIES, vocab.ENGAGEMENT_ACTIVITY_SYNONYMS)
    df["community"] = rc.required("community", "(the community or site engaged)")
    rc.text("community", max_length=200)
    for col in ("participants_women", "participants_men"):
        df[col] = rc.integer(col, low=0, high=1_000_000).astype("Int64")
    df["topics"] = rc.text("topics", max_length=2_000).astype(object).map(normalise_topics)
    questions = rc.text("questions", max_length=10_000).astype(object)
    scrubbed, counts = identities.scrub_series(questions)
    if sum(counts.values()):
        rc.notes.append(f"questions: {identities.count_words(counts)} removed (the log names no one)")
    df["questions"] = scrubbed.where(scrubbed.notna(), None)
    seed = (df["date"].astype(str) + "|" + df["community"].astype(str) + "|" + df["component"].astype(str) + "|"
            + df["activity"].astype(str))
    generated = pd.Series(["E-" + hashlib.sha1(f"{k}|{i}".encode()).hexdigest()[:10] for i, k in seed.items()],
                          index=frame.index)
    df["engagement_id"] = rc.identifiers("engagement_id", generated, existing_ids)
    geometry = gpd.points_from_xy(lon.fillna(0), lat.fillna(0))
    result = rc.split("engagements", raw.source, df, geometry, COLUMNS)
    result.notes.extend(raw.notes)
    return result
