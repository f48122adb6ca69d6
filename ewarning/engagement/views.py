"""Engagement views: recency, duplication, silence and liaison-assistant coverage, as of a time.

Every function takes an as-of time ``when`` and uses only engagements dated
strictly before it (the as-of rule of :mod:`ewarning.asof`).

recency
    Per community (names compared without case, accents or spacing): the
    last engagement, who made it and how, days since, engagements and
    components in the last ``days``, and the share of women among
    participants counted then.
site recency
    Per IDP site open at ``when``: the last engagement within ``km``.
duplication
    One community engaged by *two or more components* on a *shared topic*
    within ``window_days``: for each community and topic, engagements are
    chained while each follows the previous one by at most ``window_days``;
    a chain holding several components is a duplication. Chains of one
    community that share engagements are reported as one row, with every
    shared topic.
silence
    Communities (those the log knows, and IDP sites) within ``km`` of a
    *rising* hotspot with no engagement for ``days`` (never counts as
    silent).
liaison-assistant coverage
    Per base active at ``when``: liaison assistants and how many are women,
    and the liaison-assistant contacts logged within ``km`` in the last
    ``days``.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> e = gpd.GeoDataFrame({"engagement_id": ["E1", "E2", "E3"],
...     "date": pd.to_datetime(["2018-11-01", "2018-11-05", "2018-11-30"], utc=True),
...     "component": ["civil_affairs", "military", "police"], "activity": ["community_meeting"] * 3,
...     "community": ["Alindao", "alindao ", "Alindao"], "participants_women": [3, 0, 1],
...     "participants_men": [10, 20, 5], "topics": ["return;security", "security", "security"], "questions": None},
...     geometry=gpd.points_from_xy([21.2] * 3, [5.05] * 3), crs="EPSG:4326")
>>> d = duplication(e, pd.Timestamp("2018-12-01", tz="UTC"))
>>> d.loc[0, ["community", "topics", "components", "engagements"]].tolist()
['Alindao', 'security', 'civil_affairs, military', 'E1, E2']
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import vocab
from ..asof import as_of, utc_columns
from ..geo import utm_crs
from .log import community_key, topic_set

__all__ = ["EngagementPicture", "engagement_picture", "known_engagements", "recency", "site_recency", "duplication",
           "silence", "cla_coverage",
           "DUPLICATION_WINDOW_DAYS", "SILENCE_DAYS"]

DUPLICATION_WINDOW_DAYS = 14
SILENCE_DAYS = 21


def known_engagements(engagements: gpd.GeoDataFrame | None, when: pd.Timestamp) -> gpd.GeoDataFrame | None:
    """Engagements dated strictly before ``when`` (None stays None: no log given)."""
    if engagements is None:
        return None
    dates = pd.to_datetime(engagements["date"], utc=True)
    return engagements[(dates < when).to_numpy()]


def _open_sites(sites: gpd.GeoDataFrame, when: pd.Timestamp) -> gpd.GeoDataFrame:
    """Sites open at ``when``, through the as-of view (the one place that opens a layer on a date)."""
    open_sites = as_of({"alerts": None, "sites": utc_columns(sites, ["opened", "closed"])}, when).sites
    return (open_sites if open_sites is not None else sites.iloc[:0]).reset_index(drop=True)


def _km(frame: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    return shapely.transform(frame.geometry.to_crs(crs).to_numpy(), lambda c: c / 1000.0)


def _crs(*frames) -> str:
    for f in frames:
        if f is not None and len(f):
            c = f.geometry.to_crs("EPSG:4326").union_all().centroid
            return utm_crs(c.x, c.y)
    return "EPSG:3857"


def _share(women: pd.Series, men: pd.Series) -> float:
    w, m = float(pd.to_numeric(women, errors="coerce").fillna(0).sum()), \
        float(pd.to_numeric(men, errors="coerce").fillna(0).sum())
    return w / (w + m) if w + m > 0 else float("nan")


_RECENCY_COLUMNS = ["community", "last_date", "days_ago", "last_activity", "last_component", "engagements",
                    "components", "women_share", "lat", "lon"]


def recency(engagements: gpd.GeoDataFrame | None, when: pd.Timestamp, days: int = 30) -> pd.DataFrame:
    """Per community: the last engagement and the last ``days`` (oldest last engagement first)."""
    e = known_engagements(engagements, when)
    if e is None or e.empty:
        return pd.DataFrame(columns=_RECENCY_COLUMNS)
    e = e.assign(_key=community_key(e["community"]).to_numpy(), _date=pd.to_datetime(e["date"], utc=True))
    e = e.sort_values(["_date", "engagement_id"], kind="stable")
    recent = e[e["_date"] >= when - pd.Timedelta(days=days)]
    rows = []
    for key, g in e.groupby("_key", sort=False):
        last = g.iloc[-1]
        r = recent[recent["_key"] == key]
        rows.append({"community": str(last["community"]).strip(), "last_date": last["_date"],
                     "days_ago": (when - last["_date"]).total_seconds() / 86_400.0,
                     "last_activity": last["activity"], "last_component": last["component"],
                     "engagements": len(r), "components": ", ".join(sorted(set(r["component"]))),
                     "women_share": _share(r["participants_women"], r["participants_men"]),
                     "lat": float(last.geometry.y), "lon": float(last.geometry.x)})
    return pd.DataFrame(rows, columns=_RECENCY_COLUMNS).sort_values(
        ["days_ago", "community"], ascending=[False, True]).reset_index(drop=True)


def site_recency(engagements: gpd.GeoDataFrame | None, sites: gpd.GeoDataFrame | None, when: pd.Timestamp,
                 km: float = 2.0) -> pd.DataFrame:
    """Per IDP site open at ``when``: the last engagement within ``km`` (NaN days when none).

    ``km`` is short on purpose: meeting the town 3 km away is not hearing the displaced.
    """
    cols = ["site_id", "name", "population", "last_date", "days_ago", "last_activity", "last_component",
            "community"]
    if sites is None or sites.empty:
        return pd.DataFrame(columns=cols)
    open_sites = _open_sites(sites, when)
    out = pd.DataFrame({"site_id": open_sites.get("site_id", pd.Series(open_sites.index.astype(str))).to_numpy(),
                        "name": open_sites["name"].astype(str).to_numpy(),
                        "population": open_sites.get("population", pd.Series(np.nan, index=open_sites.index))
                        .to_numpy(),
                        "last_date": pd.Series(pd.NaT, index=open_sites.index, dtype="datetime64[ns, UTC]"),
                        "days_ago": np.nan, "last_activity": None, "last_component": None, "community": None})
    e = known_engagements(engagements, when)
    if e is None or e.empty or open_sites.empty:
        return out
    crs = _crs(open_sites)
    s_km, e_km = _km(open_sites, crs), _km(e, crs)
    s_idx, e_idx = shapely.STRtree(e_km).query(s_km, predicate="dwithin", distance=km)
    if len(s_idx):
        dates = pd.to_datetime(e["date"], utc=True).to_numpy()
        pairs = pd.DataFrame({"s": s_idx, "e": e_idx, "d": dates[e_idx]}).sort_values(["s", "d", "e"])
        last = pairs.drop_duplicates("s", keep="last")
        rows = e.iloc[last["e"].to_numpy()]
        s = last["s"].to_numpy()
        out.loc[s, "last_date"] = pd.to_datetime(rows["date"], utc=True).to_numpy()
        out.loc[s, "last_activity"] = rows["activity"].to_numpy()
        out.loc[s, "last_component"] = rows["component"].to_numpy()
        out.loc[s, "community"] = rows["community"].astype(str).to_numpy()
        out["days_ago"] = (when - out["last_date"]).dt.total_seconds() / 86_400.0
    return out.sort_values(["days_ago", "population"], ascending=[False, False], na_position="first") \
        .reset_index(drop=True)


_DUP_COLUMNS = ["community", "topics", "components", "engagements", "first", "last", "n", "activities"]


def duplication(engagements: gpd.GeoDataFrame | None, when: pd.Timestamp,
                window_days: int = DUPLICATION_WINDOW_DAYS, lookback_days: int | None = 90) -> pd.DataFrame:
    """Communities engaged by several components on the same topics within ``window_days``.

    Only engagements of the last ``lookback_days`` before ``when`` are looked at (None: all).
    Rows: ``community, topics`` (shared, ``, ``-joined), ``components``,
    ``engagements`` (ids), ``first``, ``last``, ``n``, ``activities``; the latest first.
    """
    e = known_engagements(engagements, when)
    if e is None or e.empty:
        return pd.DataFrame(columns=_DUP_COLUMNS)
    e = e.assign(_key=community_key(e["community"]).to_numpy(), _date=pd.to_datetime(e["date"], utc=True))
    if lookback_days is not None:
        e = e[e["_date"] >= when - pd.Timedelta(days=lookback_days)]
    rows = [(i, k, t, d, c) for i, k, d, c, tp in zip(e["engagement_id"], e["_key"], e["_date"], e["component"],
                                                       e["topics"]) for t in topic_set(tp)]
    if not rows:
        return pd.DataFrame(columns=_DUP_COLUMNS)
    x = pd.DataFrame(rows, columns=["id", "key", "topic", "date", "component"]).sort_values(
        ["key", "topic", "date", "id"], kind="stable")
    new_chain = (x["key"].ne(x["key"].shift()) | x["topic"].ne(x["topic"].shift())
                 | ((x["date"] - x["date"].shift()) > pd.Timedelta(days=window_days)))
    x["chain"] = new_chain.cumsum()
    multi = x.groupby("chain")["component"].transform("nunique") >= 2
    chains = x[multi]
    if chains.empty:
        return pd.DataFrame(columns=_DUP_COLUMNS)
    # Chains of one community sharing an engagement are one duplication (union-find over ids).
    groups: list[tuple[set, set, str]] = []
    for chain, g in chains.groupby("chain", sort=True):
        ids, topic, key = set(g["id"]), g["topic"].iloc[0], g["key"].iloc[0]
        merged = [grp for grp in groups if grp[2] == key and grp[0] & ids]
        for grp in merged:
            groups.remove(grp)
            ids |= grp[0]
        topics = {topic}.union(*[grp[1] for grp in merged]) if merged else {topic}
        groups.append((ids, topics, key))
    by_id = e.set_index("engagement_id")
    out = []
    for ids, topics, key in groups:
        sub = by_id.loc[sorted(ids)].sort_values("_date")
        out.append({"community": str(sub["community"].iloc[0]).strip(), "topics": ", ".join(sorted(topics)),
                    "components": ", ".join(sorted(set(sub["component"]))),
                    "engagements": ", ".join(sub.index.astype(str)), "first": sub["_date"].min(),
                    "last": sub["_date"].max(), "n": len(sub),
                    "activities": ", ".join(sorted(set(sub["activity"])))})
    return pd.DataFrame(out, columns=_DUP_COLUMNS).sort_values(["last", "community"], ascending=[False, True]) \
        .reset_index(drop=True)


_SILENCE_COLUMNS = ["community", "kind", "hotspot", "km", "last_date", "days_silent", "population"]


def silence(engagements: gpd.GeoDataFrame | None, hotspots: gpd.GeoDataFrame | None, when: pd.Timestamp,
            sites: gpd.GeoDataFrame | None = None, days: int = SILENCE_DAYS, km: float = 25.0,
            site_km: float = 2.0) -> pd.DataFrame:
    """Communities and IDP sites within ``km`` of a rising hotspot, with no engagement for ``days``.

    ``hotspots`` are a :class:`ewarning.hotspots.HotspotResult`'s table
    (``place``, ``rising`` or ``trend``, polygons); only rising ones count.
    A community is identified by name in the log; a site is engaged when an
    engagement lies within ``site_km`` of it. ``days_silent`` is NaN when
    never engaged (shown first).
    """
    if hotspots is None or len(hotspots) == 0:
        return pd.DataFrame(columns=_SILENCE_COLUMNS)
    rising = hotspots["rising"].astype(bool) if "rising" in hotspots.columns else hotspots["trend"].eq("rising")
    hot = hotspots[rising.to_numpy()]
    if hot.empty:
        return pd.DataFrame(columns=_SILENCE_COLUMNS)
    rec = recency(engagements, when)
    cand = []
    if len(rec):
        cand.append(gpd.GeoDataFrame({"community": rec["community"], "kind": "community",
                                      "last_date": rec["last_date"], "population": np.nan},
                                     geometry=gpd.points_from_xy(rec["lon"], rec["lat"]), crs="EPSG:4326"))
    sr = site_recency(engagements, sites, when, site_km) if sites is not None else pd.DataFrame()
    if len(sr):
        geo = _open_sites(sites, when).set_index("name", drop=False)
        g = geo.geometry.loc[sr["name"].to_numpy()]
        cand.append(gpd.GeoDataFrame({"community": sr["name"].to_numpy(), "kind": "IDP site",
                                      "last_date": sr["last_date"].to_numpy(),
                                      "population": sr["population"].to_numpy()},
                                     geometry=g.to_numpy(), crs="EPSG:4326"))
    if not cand:
        return pd.DataFrame(columns=_SILENCE_COLUMNS)
    places = pd.concat(cand[::-1], ignore_index=True)     # IDP sites first: a site the log also names is a site
    places = places[~community_key(places["community"]).duplicated(keep="first").to_numpy()].reset_index(drop=True)
    crs = _crs(hot)
    p_km, h_km = _km(places, crs), _km(hot, crs)
    # every place within km of a rising hotspot, with its nearest one
    h_idx, p_idx = shapely.STRtree(p_km).query(h_km, predicate="dwithin", distance=km)
    pairs = pd.DataFrame({"p": p_idx, "h": h_idx,
                          "km": shapely.distance(p_km[p_idx], h_km[h_idx]) if len(p_idx) else []})
    if pairs.empty:
        return pd.DataFrame(columns=_SILENCE_COLUMNS)
    pairs = pairs.sort_values(["p", "km"]).drop_duplicates("p")
    last = pd.to_datetime(places["last_date"], utc=True).to_numpy()[pairs["p"].to_numpy()]
    silent_days = (when - pd.to_datetime(last, utc=True)).total_seconds() / 86_400.0
    out = pd.DataFrame({"community": places["community"].to_numpy()[pairs["p"]],
                        "kind": places["kind"].to_numpy()[pairs["p"]],
                        "hotspot": hot["place"].astype(str).to_numpy()[pairs["h"]] if "place" in hot else "",
                        "km": pairs["km"].to_numpy(), "last_date": pd.to_datetime(last, utc=True),
                        "days_silent": np.asarray(silent_days, dtype="float64"),
                        "population": places["population"].to_numpy()[pairs["p"]]})
    out = out[out["days_silent"].isna() | (out["days_silent"] >= days)]
    return out.sort_values(["days_silent", "population"], ascending=[False, False], na_position="first") \
        .reset_index(drop=True)[_SILENCE_COLUMNS]


_CLA_COLUMNS = ["base", "kind", "cla", "cla_female", "women_share", "cla_contacts", "communities_reached",
                "last_contact"]


def cla_coverage(presence: gpd.GeoDataFrame | None, engagements: gpd.GeoDataFrame | None, when: pd.Timestamp,
                 km: float = 20.0, days: int = 30) -> pd.DataFrame:
    """Per base active at ``when``: liaison assistants, the share of women, and their contacts nearby.

    Bases without any liaison assistant come first (then by fewest contacts): they are the gap.
    """
    if presence is None or presence.empty:
        return pd.DataFrame(columns=_CLA_COLUMNS)
    bases = as_of({"alerts": None, "presence": utc_columns(presence, ["start", "end"])}, when).presence
    bases = bases.reset_index(drop=True) if bases is not None else presence.iloc[:0]
    if bases.empty:
        return pd.DataFrame(columns=_CLA_COLUMNS)
    cla = pd.to_numeric(bases.get("cla", 0), errors="coerce").fillna(0).astype(int)
    women = pd.to_numeric(bases.get("cla_female", 0), errors="coerce").fillna(0).astype(int)
    out = pd.DataFrame({"base": bases["name"].astype(str), "kind": bases["kind"].map(vocab.BASE_KINDS)
                        .fillna(bases["kind"]), "cla": cla, "cla_female": women,
                        "women_share": np.where(cla > 0, women / cla.where(cla > 0, 1), np.nan),
                        "cla_contacts": 0, "communities_reached": 0,
                        "last_contact": pd.Series(pd.NaT, index=bases.index, dtype="datetime64[ns, UTC]")})
    e = known_engagements(engagements, when)
    if e is not None and len(e):
        e = e[(e["activity"] == "cla_contact") | (e["component"] == "cla")]
        e = e[pd.to_datetime(e["date"], utc=True) >= when - pd.Timedelta(days=days)]
    if e is not None and len(e):
        crs = _crs(bases)
        b_idx, e_idx = shapely.STRtree(_km(e, crs)).query(_km(bases, crs), predicate="dwithin", distance=km)
        if len(b_idx):
            pairs = pd.DataFrame({"b": b_idx, "key": community_key(e["community"]).to_numpy()[e_idx],
                                  "date": pd.to_datetime(e["date"], utc=True).to_numpy()[e_idx]})
            g = pairs.groupby("b")
            out.loc[g.size().index, "cla_contacts"] = g.size().to_numpy()
            out.loc[g.size().index, "communities_reached"] = g["key"].nunique().to_numpy()
            out.loc[g.size().index, "last_contact"] = g["date"].max().to_numpy()
    return out.sort_values(["cla", "cla_contacts", "base"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class EngagementPicture:
    """The engagement desk's tables as of ``when`` (see the module's definitions)."""

    when: pd.Timestamp
    engagements: gpd.GeoDataFrame | None
    recency: pd.DataFrame
    sites: pd.DataFrame
    duplication: pd.DataFrame
    silence: pd.DataFrame
    cla: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        e = self.engagements
        return {"engagements (30 days)": int((pd.to_datetime(e["date"], utc=True)
                                              >= self.when - pd.Timedelta(days=30)).sum()) if e is not None else 0,
                "communities": len(self.recency), "duplications": len(self.duplication),
                "silent places": len(self.silence),
                "bases without liaison assistant": int((self.cla["cla"] == 0).sum()) if len(self.cla) else 0}


def engagement_picture(user, when, engagements=None, sites=None, presence=None, hotspots=None,
                       window_days: int = DUPLICATION_WINDOW_DAYS, silence_days: int = SILENCE_DAYS,
                       silence_km: float = 25.0) -> EngagementPicture:
    """Every engagement view as of ``when`` for ``user`` (who must hold ``view_desk``).

    Examples
    --------
    >>> p = engagement_picture("analyst", pd.Timestamp("2018-11-15", tz="UTC"))
    >>> p.counts["communities"], len(p.duplication)
    (0, 0)
    """
    from ..store.errors import acting_user

    acting_user(user, "the engagement views", permission="view_desk")
    when = pd.Timestamp(when)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    known = known_engagements(engagements, when)
    return EngagementPicture(when, known, recency(known, when), site_recency(known, sites, when),
                             duplication(known, when, window_days), silence(known, hotspots, when, sites,
                                                                            silence_days, silence_km),
                             cla_coverage(presence, known, when))
