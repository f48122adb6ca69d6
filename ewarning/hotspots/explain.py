"""Plain-language explanations of hotspot scores and site risks.

Each explanation says which alerts, what changed, compared with what, who is
exposed, what presence is there and what is missing. They are plain text;
whoever renders them escapes them.
"""

from __future__ import annotations

import math

import numpy as np

from ..i18n import N_, Translator
from ..i18n.phrases import Listed, Num, Pct, Phrase, Term, render, render_one

ENGLISH = Translator("en")


def _n(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def _num(x: float) -> Num:
    """A count or figure as the explanations write it: whole when whole, else one decimal."""
    return Num(float(x), None)


def _p_value(p: float) -> Phrase:
    """``p<0.001`` / ``p=0.034``, the decimal separator by locale."""
    return Phrase(N_("p<{p}"), p=Num(0.001, 3)) if p < 0.001 else Phrase(N_("p={p}"), p=Num(float(p), 3))


#: The trend words, as :func:`trend_word` returns them (codes) and as they are read.
TREND_WORDS = {"rising": N_("rising"), "steady": N_("steady"), "falling": N_("falling")}
#: The missing components as a sentence names them.
GAP_WORDS = {"military": N_("military"), "police": N_("police"), "civilian": N_("civilian staff"),
             "cla": N_("liaison assistants (CLA)")}


def trend_word(tau: float, p_up: float) -> str:
    """``rising`` / ``steady`` / ``falling`` from a Mann-Kendall result.

    Examples
    --------
    >>> trend_word(0.8, 0.01), trend_word(0.1, 0.4), trend_word(-0.6, 0.99)
    ('rising', 'steady', 'falling')
    """
    if tau > 0 and p_up < 0.1:
        return "rising"
    if tau < 0 and p_up > 0.9:
        return "falling"
    return "steady"


def categories_phrase(categories: np.ndarray) -> Phrase | Listed:
    """``"3 killing, 1 abduction"``: counts by category, most frequent first (the four most frequent).

    Examples
    --------
    >>> from ewarning.i18n import Translator
    >>> render_one(categories_phrase(np.array(["killing", "killing", "abduction"])), Translator("fr"))
    'meurtre\xa0: 2, enlèvement\xa0: 1'
    """
    if len(categories) == 0:
        return Phrase(N_("no categorised reports"))
    vals, counts = np.unique(categories, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return Listed([Phrase(N_("{count} {category}"), count=int(counts[i]), category=Term("CATEGORIES", str(vals[i])))
                   for i in order[:4]], style="comma")


def merged_phrase(n_reports: float, n_incidents: float) -> Phrase | None:
    """``"3 reports merged as one incident"``: linked reports of one incident, each incident counted once
    with its gravest report (None when nothing was merged).

    Examples
    --------
    >>> from ewarning.i18n import Translator
    >>> en = Translator("en")
    >>> render_one(merged_phrase(3, 1), en), render_one(merged_phrase(7, 3), en), merged_phrase(0, 0)
    ('3 reports merged as one incident (counted once, with its gravest report)', '7 reports merged as 3 incidents (each counted once, with its gravest report)', None)
    """
    r, k = int(round(float(n_reports or 0))), int(round(float(n_incidents or 0)))
    if r < 2 or k < 1:
        return None
    if k == 1:
        return Phrase(N_("{reports} reports merged as one incident (counted once, with its gravest report)"), reports=r)
    return Phrase(N_("{reports} reports merged as {incidents} incidents (each counted once, with its gravest report)"),
                  reports=r, incidents=k)


def missing_phrase(gap: list) -> Listed:
    """``"police, civilian staff and liaison assistants (CLA)"``."""
    return Listed([Phrase(GAP_WORDS[g]) for g in gap])


def dismounted_phrase(row: dict, config) -> Phrase:
    """Hours of dismounted patrol within ``patrol_km`` in the last ``patrol_recent_days`` (issue #14).

    Examples
    --------
    >>> from ewarning.i18n import Translator
    >>> c = type("C", (), {"patrol_km": 10, "patrol_recent_days": 14})()
    >>> render_one(dismounted_phrase({"dismounted_hours": 0.0}, c), Translator("en"))
    'No dismounted patrol within 10 km in the last 14 days.'
    >>> render_one(dismounted_phrase({"dismounted_hours": 3.46}, c), Translator("fr"))
    'Temps de patrouille à pied dans un rayon de 10\xa0km au cours des 14 derniers jours\xa0: 3,5\xa0h.'
    """
    km, days = _num(float(getattr(config, "patrol_km", 10))), int(getattr(config, "patrol_recent_days", 14))
    hours = float(row.get("dismounted_hours") or 0.0)
    if not hours > 0:
        return Phrase(N_("No dismounted patrol within {km} km in the last {days} days."), km=km, days=days)
    return Phrase(N_("Dismounted patrol time within {km} km in the last {days} days: {hours} h."), km=km, days=days,
                  hours=Num(hours, 1))


def engagement_phrase(row: dict, config) -> Phrase:
    """The last engagement logged near the place, and how many recently (issue #14).

    Examples
    --------
    >>> from ewarning.i18n import Translator
    >>> c = type("C", (), {"patrol_km": 10, "patrol_recent_days": 14})()
    >>> p = engagement_phrase({"last_engagement_days": 23.0, "last_engagement_activity": "community_meeting",
    ...     "last_engagement_component": "civil_affairs", "logged_engagements": 0}, c)
    >>> render_one(p, Translator("en")).split("; ")  # doctest: +NORMALIZE_WHITESPACE
    ['Last engagement with the communities here 23 day(s) ago (community meeting, civil affairs)',
     'none logged in the last 14 days.']
    >>> render_one(engagement_phrase({"last_engagement_days": float("nan")}, c), Translator("en"))
    'No engagement with the communities within 10 km in the engagement log.'
    """
    km, days = _num(float(getattr(config, "patrol_km", 10))), int(getattr(config, "patrol_recent_days", 14))
    last = row.get("last_engagement_days")
    if last is None or (isinstance(last, float) and math.isnan(last)):
        return Phrase(N_("No engagement with the communities within {km} km in the engagement log."), km=km)
    n = int(row.get("logged_engagements") or 0)
    recent = (Phrase(N_("{n} logged in the last {days} days"), n=n, days=days) if n
              else Phrase(N_("none logged in the last {days} days"), days=days))
    return Phrase(N_("Last engagement with the communities here {days} day(s) ago ({activity}, {component}); "
                     "{recent}."), days=Num(float(last), 0),
                  activity=Term("ENGAGEMENT_ACTIVITIES", str(row.get("last_engagement_activity"))),
                  component=Term("ENGAGEMENT_COMPONENTS", str(row.get("last_engagement_component"))), recent=recent)


def _sentence(*clauses) -> Phrase:
    """Clauses of one sentence joined by semicolons, ending with a full stop (None clauses left out)."""
    return Phrase(N_("{clauses}."), clauses=Listed([c for c in clauses if c is not None], style="semicolon"))


def _present(row: dict) -> Listed | Phrase:
    if row.get("by_road"):
        hours = row.get("hours") or {}
        items = [Phrase(N_("{component} ({hours} h by road)"), component=Term("COMPONENTS", c),
                        hours=Num(float(hours.get(c, float("nan"))), 1)) for c in row["present"]]
    else:
        items = [Term("COMPONENTS", c) for c in row["present"]]
    return Listed(items, style="comma") if items else Phrase(N_("none"))


def _alerts_sentence(row: dict, w: int) -> Phrase:
    if row["n_alerts"] == 0:
        return Phrase(N_("No alert reported near {place} in the last {days} days; the area is kept from earlier "
                         "activity, which fades with time."), place=str(row["place"]), days=w)
    counted = Phrase(N_("{n} alert(s) reported near {place} in the last {days} days ({categories}; {killed} killed) "
                        "on {distinct} distinct day(s)"), n=int(row["n_alerts"]), place=str(row["place"]), days=w,
                     categories=categories_phrase(row["categories"]), killed=_num(row["killed"]),
                     distinct=int(row["days"]))
    discounted = (Phrase(N_("duplicates, one-source bursts and coarse locations count as {effective} report(s)"),
                         effective=_num(row["effective"])) if row.get("discounted", 0) > 0.5 else None)
    return _sentence(counted, merged_phrase(row.get("merged_reports", 0), row.get("merged_incidents", 0)), discounted)


def _baseline_sentences(row: dict, config) -> list[Phrase]:
    if not row["baseline_days"] > 0:
        return [Phrase(N_("No earlier history in the data to compare with."))]
    out = [Phrase(N_("Compared with {base} in the previous {days} days in the same area, the rate is x{ratio} "
                     "(Poisson test {p})."), base=_num(row["base"]), days=int(row["baseline_days"]),
                  ratio=Num(float(row["rate_ratio"]), 1), p=_p_value(row["p_rise"]))]
    low = max(float(row.get("rate_ratio_low", 0.0)), float(row.get("short_ratio_low", 0.0)))
    confidence = Pct(round(getattr(config, "escalation_confidence", 0.9), 2))
    if low > 1.0:
        short = float(row.get("short_ratio_low", 0.0)) > float(row.get("rate_ratio_low", 0.0))
        span = (Phrase(N_("Over the last {days} days"), days=int(getattr(config, "short_window_days", 21))) if short
                else Phrase(N_("Recently")))
        out.append(Phrase(N_("{span} the rate is at least x{low} the baseline ({confidence} confidence, each day "
                             "counting at most a few reports)."), span=span, low=Num(low, 1), confidence=confidence))
    elif row["rate_ratio"] < 1.0:
        out.append(Phrase(N_("Falling or steady: no confident rise above the baseline.")))
    else:
        out.append(Phrase(N_("No confident rise above the baseline.")))
    return out


def _presence_sentences(row: dict, config) -> list[Phrase]:
    if not row["presence_known"]:
        return [Phrase(N_("Presence not assessed: no presence layer given."))]
    out = [Phrase(N_("Presence within reach: {present}."), present=_present(row))]
    if row.get("by_road"):
        hours = row.get("hours") or {}
        far = [Phrase(N_("{component} {hours} h"), component=Term("COMPONENTS", c), hours=Num(float(hours[c]), 1))
               for c in row["gap"] if hours.get(c) is not None and hours[c] == hours[c]]
        if far:
            out.append(Phrase(N_("Nearest by road beyond reach: {far}."), far=Listed(far, style="comma")))
    if row["gap"]:
        out.append(Phrase(N_("Not multidimensional: missing {missing}."), missing=missing_phrase(row["gap"])))
    if "cla" in row["gap"] and row.get("cla_patrols", 0) > 0:
        out.append(Phrase(N_("A liaison assistant came by on {n} patrol(s) in the last {days} days (not a standing "
                             "presence)."), n=int(row["cla_patrols"]),
                          days=int(getattr(config, "patrol_recent_days", 14))))
    return out


def _lead(row: dict, config, word: str, w: int) -> tuple[Phrase, list[Phrase]]:
    """Why the place is listed, in the words of its trend label (the engine's rising label), and what follows."""
    tested = int(row.get("tested_areas", 0))
    if row.get("rising", True):
        why = []
        if row["baseline_days"] > 0 and max(float(row.get("rate_ratio_low", 0.0)),
                                            float(row.get("short_ratio_low", 0.0))) > 1.0:
            why.append(Phrase(N_("a confident rise above its baseline")))
        if word == "rising":
            why.append(Phrase(N_("rising weekly counts")))
        lead = (Phrase(N_("Rising: listed for a rise in tension ({why})"), why=Listed(why)) if why
                else Phrase(N_("Rising: listed for a rise in tension")))
        fdr = None
        if row.get("p_rising") is not None and tested > 1 and getattr(config, "rising_fdr", None) is not None:
            fdr = Phrase(N_("{p} holds with {n} places tested at once (false discovery control)"),
                         p=_p_value(float(row["p_rising"])), n=tested)
        return _sentence(lead, fdr), []
    lead = Phrase(N_("Persistent, not rising: listed as one of the most persistently active areas of the last {days} "
                     "days (decayed activity {activity}), not for a rise in tension."),
                  days=int(row.get("persistent_days", w)), activity=_num(float(row.get("persistence", 0.0))))
    after = []
    if tested > 1 and row.get("p_rising", 1.0) < 0.1:
        after.append(Phrase(N_("Its rise ({p}) is not counted as rising: with {n} places tested at once, a rise this "
                               "weak is expected somewhere by chance (false discovery control)."),
                            p=Phrase(N_("p={p}"), p=Num(float(row["p_rising"]), 3)), n=tested))
    return lead, after


def hotspot_phrases(row: dict, config) -> list[Phrase]:
    """The explanation of one hotspot as phrases (:mod:`ewarning.i18n.phrases`), any language.

    It starts with why the place is listed, in the words of its trend label:
    "Rising: ..." for a place the engine labels rising, "Persistent, not
    rising: ..." for the others.
    """
    w = int(config.window_days)
    word = trend_word(row["tau"], row["p_trend"])
    lead, after_lead = _lead(row, config, word, w)
    parts = [lead, _alerts_sentence(row, w), *_baseline_sentences(row, config),
             Phrase(N_("Weekly counts are {trend} (Mann-Kendall tau {tau}, {p})."), trend=Phrase(TREND_WORDS[word]),
                    tau=Num(float(row["tau"]), 2, sign=True), p=_p_value(row["p_trend"]))]
    if row["exposed_sites"]:
        names = [str(n) for n in row["exposed_sites"][:3]]
        sites = (Phrase(N_("{sites} and others"), sites=Listed(names, style="comma")) if len(row["exposed_sites"]) > 3
                 else Listed(names, style="comma"))
        parts.append(Phrase(N_("{people} people in IDP sites nearby ({sites})."), people=int(row["exposed_pop"]),
                            sites=sites))
    parts += _presence_sentences(row, config)
    if row.get("patrols_known"):
        last = row["last_dismounted_days"]
        if last is None or (isinstance(last, float) and math.isnan(last)):
            parts.append(Phrase(N_("No dismounted patrol recorded nearby.")))
        else:
            parts.append(Phrase(N_("Last dismounted patrol nearby {days} day(s) ago; {n} community engagement(s) in "
                                   "the last {recent} days."), days=Num(float(last), 0), n=int(row["engagements"]),
                                recent=int(getattr(config, "patrol_recent_days", 14))))
            parts.append(dismounted_phrase(row, config))
    if row.get("engagements_known"):
        parts.append(engagement_phrase(row, config))
    parts += after_lead
    if row.get("expected_phrase") is not None:   # the self-exciting forecast (ewarning.forecast.areas), one sentence
        parts.append(Phrase(N_("{expected}."), expected=row["expected_phrase"]))
    if row.get("flagged"):
        parts.append(Phrase(N_("FLAGGED: tension {score}/100 with no multidimensional presence."),
                            score=Num(float(row["score"]), 0)))
    return parts


def hotspot(row: dict, config, t=None) -> str:
    """The explanation of one hotspot (a dict of its properties and components), in ``t``'s language.

    Examples
    --------
    >>> row = dict(place="Alindao", n_alerts=6, effective=5.0, categories=np.array(["killing"] * 6), killed=9,
    ...     days=5, recent=5.0, base=0.0, baseline_days=180, rate_ratio=60.0, p_rise=1e-5, tau=0.8, p_trend=0.01,
    ...     discounted=1.0, exposed_sites=["Alindao IDP site"], exposed_pop=18000.0, presence_known=True,
    ...     present=["military"], gap=["police", "civilian", "cla"], last_dismounted_days=float("nan"),
    ...     engagements=0, patrols_known=True, flagged=True, score=71.0)
    >>> config = type("C", (), {"window_days": 30})()
    >>> "missing police, civilian staff and liaison assistants" in hotspot(row, config)
    True
    >>> from ewarning.i18n import Translator
    >>> "manquent police, personnel civil et assistants de liaison" in hotspot(row, config, Translator("fr"))
    True
    """
    return render(hotspot_phrases(row, config), t or ENGLISH)


def site_phrases(row: dict) -> list[Phrase]:
    """The explanation of one watched IDP site as phrases."""
    pop = (Phrase(N_("{n} people"), n=int(row["population"])) if row.get("population")
           and row["population"] == row["population"] else Phrase(N_("population unknown")))
    parts = [Phrase(N_("{name} ({population}): {n} armed-activity report(s) within {km} km in the last {days} days "
                       "({killed} killed)."), name=str(row["name"]), population=pop, n=int(row["n_nearby"]),
                    km=int(row["km"]), days=int(row["days"]), killed=_num(row["killed"]))]
    if not row["presence_known"]:
        return parts + [Phrase(N_("Presence not assessed: no presence layer given."))]
    parts.append(Phrase(N_("Presence within reach: {present}."), present=_present({"present": row["present"]})))
    if row["gap"]:
        parts.append(Phrase(N_("Missing {missing}."), missing=missing_phrase(row["gap"])))
    return parts


def site(row: dict, t=None) -> str:
    """The explanation of one watched IDP site, in ``t``'s language.

    Examples
    --------
    >>> site(dict(name="Alindao", population=18000, n_nearby=4, killed=7, km=30, days=90, presence_known=True,
    ...     present=["military"], gap=["police", "civilian", "cla"]))[:30]
    'Alindao (18,000 people): 4 arm'
    """
    return render(site_phrases(row), t or ENGLISH)


def explanation_in(row, t=None) -> str:
    """A hotspot's or site's explanation in ``t``'s language (English when ``t`` is None).

    ``row`` is a table row or dict with ``explanation`` (the English) and,
    from the engine, ``explanation_phrases`` (:mod:`ewarning.i18n.phrases`): the
    other language is rendered from the same phrases, so it carries the same figures.
    """
    phrases = row.get("explanation_phrases") if hasattr(row, "get") else None
    if t is None or getattr(t, "locale", "en") == "en" or not isinstance(phrases, (list, tuple)):
        return row["explanation"]
    return render(phrases, t)
